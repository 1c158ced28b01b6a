"""The vectors and the evaluation table that ``tools/train_real_vectors.py`` made (``lookup_lib/data/``).

``kjv_vectors.npz``: the words (5,071, in the lesson's vocabulary order) and three float16 tables (5,071 × 50),
seed 0 of the course trainer, of gensim's Word2Vec and PPMI-SVD. ``kjv_evaluation.json``: every model over
5 seeds, random tables, bootstrap intervals, analogies and training seconds. ``kjv_learning_curve.json``
(``tools/learning_curve.py``): the three methods on 10⁴ ... 3·10⁵ training tokens, 3 seeds each, and the full
corpus. ``kjv_classifier.json`` (``tools/verse_classifier.py``): the verse classifier over 5 seeds and 4 sizes.
No matplotlib and no torch here.
"""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

__all__ = ["curve_summary", "load_classifier", "load_evaluation", "load_learning_curve", "load_vectors"]


def load_vectors() -> tuple[list[str], dict[str, np.ndarray]]:
    """(words, {"course": (V, 50), "gensim": ..., "ppmi": ...}) as float32."""
    with resources.files("lookup_lib").joinpath("data/kjv_vectors.npz").open("rb") as f:
        data = np.load(f)
        words = data["words"].tolist()
        tables = {name: data[name].astype(np.float32) for name in ("course", "gensim", "ppmi")}
    return words, tables


def _json(name: str) -> dict:
    return json.loads(resources.files("lookup_lib").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def load_evaluation() -> dict:
    """The 5-seed evaluation table as the tool wrote it."""
    return _json("kjv_evaluation.json")


def load_learning_curve() -> dict:
    """The learning curve as ``tools/learning_curve.py`` wrote it."""
    return _json("kjv_learning_curve.json")


def load_classifier() -> dict:
    """The verse classifier's 5-seed table as ``tools/verse_classifier.py`` wrote it."""
    return _json("kjv_classifier.json")


def curve_summary(curve: dict, key: str = "all") -> dict:
    """The curve by size, the full corpus last: what :func:`~.figures.plot_learning_curve` draws.

    ``key`` is ``"all"`` (every test pair, an uncovered one scoring cosine 0) or ``"covered"`` (covered pairs
    only). Returns ``{"tokens": [mean tokens per size], "curves": {method: {test: [[ρ per seed] per size]}},
    "random_p95": {test: [mean over seeds per size]}, "covered": {test: [mean covered pairs per size]}}``.
    The full corpus (all pairs covered) has the same numbers for both keys.
    """
    if key not in ("all", "covered"):
        raise ValueError(f"key must be 'all' or 'covered', got {key!r}")
    methods = list(curve["full"]["models"])
    tests = list(curve["full"]["random_p95"])
    by_size = [[r for r in curve["runs"] if r["size"] == size] for size in curve["sizes"]]
    out: dict = {"tokens": [float(np.mean([r["tokens"] for r in runs])) for runs in by_size],
                 "curves": {m: {t: [[r["models"][m][t][key] for r in runs] for runs in by_size] for t in tests}
                            for m in methods},
                 "random_p95": {t: [float(np.mean([r["random_p95"][t][key] for r in runs])) for runs in by_size]
                                for t in tests},
                 "covered": {t: [float(np.mean([r["covered"][t] for r in runs])) for runs in by_size] for t in tests}}
    full = curve["full"]
    out["tokens"].append(float(full["tokens"]))
    for m in methods:
        for t in tests:
            out["curves"][m][t].append(list(full["models"][m][t]))
    for t in tests:
        out["random_p95"][t].append(float(full["random_p95"][t]))
        out["covered"][t].append(float(full["covered"][t]))
    return out
