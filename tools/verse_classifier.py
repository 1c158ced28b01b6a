"""Lesson 12's from_pretrained experiment over 5 seeds and 4 training sizes, shipped as a table.

    nice python -m tools.verse_classifier           # ~3-5 min on a busy 2-core machine: writes the file below
    python -m tools.verse_classifier --check        # reruns n = 100, seed 0 and compares (~5 s)

Writes ``lookup_lib/data/kjv_classifier.json``: the test accuracy (3,110 held-out verses) of the verse
classifier (``classify.three_starts``: a random table, the shipped course vectors frozen, and fine-tuned) for
n = 100, 300, 1,000 and 3,000 labelled training verses and seeds 0-4 (the seed draws the verses and starts the
classifier), and the majority class's accuracy. One thread (torch.set_num_threads(1)), like the lesson.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

from lookup_lib.lessons.l12_meaning_from_real_text import classify, shipped, text

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "lookup_lib" / "data" / "kjv_classifier.json"
SIZES = (100, 300, 1000, 3000)
SEEDS = (0, 1, 2, 3, 4)


def data() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, np.ndarray]:
    """The lesson's inputs: training and test verses as padded ids, their labels, the course vectors (pad row 0)."""
    corpus = text.kjv_corpus()
    vocab = corpus.vocab
    x, xt = classify.encode_verses(corpus.train, vocab), classify.encode_verses(corpus.held_out, vocab)
    y = torch.tensor([classify.DIVISIONS.index(d) for d in corpus.train_labels])
    yt = torch.tensor([classify.DIVISIONS.index(d) for d in corpus.held_out_labels])
    vectors = shipped.load_vectors()[1]["course"].copy()
    vectors[vocab.pad] = 0.0
    return x, y, xt, yt, vectors


def build(sizes=SIZES, seeds=SEEDS) -> dict:
    torch.set_num_threads(1)
    x, y, xt, yt, vectors = data()
    accuracy: dict[str, dict[str, list[float]]] = {m: {str(n): [] for n in sizes} for m in classify.MODES}
    for n in sizes:
        for seed in seeds:
            for mode, value in classify.three_starts(x, y, xt, yt, vectors, n, seed).items():
                accuracy[mode][str(n)].append(value)
        print(f"n = {n}: " + "; ".join(f"{m} {np.mean(accuracy[m][str(n)]):.3f}" for m in classify.MODES), flush=True)
    majority = float((yt == torch.bincount(y).argmax()).float().mean())
    return {"sizes": list(sizes), "seeds": list(seeds), "test_verses": len(yt), "majority": majority,
            "accuracy": accuracy}


def check(tolerance: float = 1e-9) -> int:
    """Rerun the first size and seed and compare with the shipped table."""
    torch.set_num_threads(1)
    table = json.loads(TABLE.read_text(encoding="utf-8"))
    n, seed = table["sizes"][0], table["seeds"][0]
    new = classify.three_starts(*data(), n, seed)
    bad = [m for m, v in new.items() if abs(v - table["accuracy"][m][str(n)][0]) > tolerance]
    print(f"{TABLE.relative_to(ROOT)}: n = {n}, seed {seed} " + ("reproduced" if not bad else f"differs: {bad}"))
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="rerun n = 100, seed 0 and compare")
    if parser.parse_args(argv).check:
        return check()
    TABLE.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
