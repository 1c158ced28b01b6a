"""The vectors and the evaluation table that ``tools/train_real_vectors.py`` made (``lookup_lib/data/``).

``kjv_vectors.npz``: the words (5,071, in the lesson's vocabulary order) and three float16 tables (5,071 × 50),
seed 0 of the course trainer, of gensim's Word2Vec and PPMI-SVD. ``kjv_evaluation.json``: every model over
5 seeds, random tables, bootstrap intervals, analogies and training seconds. No matplotlib and no torch here.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

__all__ = ["load_evaluation", "load_vectors"]


def load_vectors() -> tuple[list[str], dict[str, np.ndarray]]:
    """(words, {"course": (V, 50), "gensim": ..., "ppmi": ...}) as float32."""
    with resources.files("lookup_lib").joinpath("data/kjv_vectors.npz").open("rb") as f:
        data = np.load(f)
        words = data["words"].tolist()
        tables = {name: data[name].astype(np.float32) for name in ("course", "gensim", "ppmi")}
    return words, tables


def load_evaluation() -> dict:
    """The 5-seed evaluation table as the tool wrote it."""
    return json.loads(resources.files("lookup_lib").joinpath("data/kjv_evaluation.json").read_text(encoding="utf-8"))
