"""Lesson 12's learning curve: PPMI-SVD, the course trainer and gensim on growing parts of the KJV.

    nice python -m tools.learning_curve            # ~10 min on a busy 2-core machine: writes the file below
    python -m tools.learning_curve --check         # retrains the smallest size, seed 0, and compares (~10 s)

Writes ``lookup_lib/data/kjv_learning_curve.json``. For each size (about 10⁴, 3·10⁴, 10⁵ and 3·10⁵ tokens)
and seed (0, 1, 2), the seed draws whole training verses in a random order until the size is reached (the
held-out tenth is never used). On that subset the three models are trained exactly as the shipped vectors
were (``tools/train_real_vectors.py``: D 50, window 5, k 5, power 0.75, sample 1e-3, 5 epochs, min_count 5,
one thread), each with the subset's own vocabulary (words seen at least 5 times in the subset).

Scoring, on the lesson's test pairs (the 300 WordSim353 + SimLex-999 pairs the full vocabulary covers, and
the 48 WordSim353 ones). A pair is *covered* when the subset saw both words at least 5 times; the number
covered is recorded per run. ``"covered"``: Spearman's ρ over the covered pairs only (what the lesson plots),
with random tables (200, Gaussian) scored on the same pairs: their 95th percentile is "no meaning at all"
for that many pairs. ``"all"``: ρ over all the pairs, an uncovered one scoring cosine 0 — recorded, not
plotted: which pairs are covered is not random (frequent words), and trained vectors have a positive mean
cosine, so coverage alone can lift ρ above what random tables (mean cosine 0) reach. The full
corpus (7.1·10⁵ tokens) is not retrained: its 5 seeds are read from ``kjv_evaluation.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from lookup_lib.lessons.kit.vocab import PAD, UNK, Vocab, build_vocab
from lookup_lib.lessons.l12_meaning_from_real_text import baselines, evaluate, sgns, text
from tools.train_real_vectors import COURSE, EVALUATION, SETTINGS

ROOT = Path(__file__).resolve().parents[1]
CURVE = ROOT / "lookup_lib" / "data" / "kjv_learning_curve.json"
SIZES = (10_000, 30_000, 100_000, 300_000)
SEEDS = (0, 1, 2)
MODELS = ("ppmi", "course", "gensim")
TESTS = ("pooled", "wordsim353")
RANDOM_TABLES = 200


def subset(verses: list[list[str]], tokens: int, seed: int) -> list[list[str]]:
    """Whole verses drawn in the seed's random order until they hold at least ``tokens`` words, canonical order.

    >>> subset([["a"], ["b", "c"], ["d"]], 2, seed=0) == subset([["a"], ["b", "c"], ["d"]], 2, seed=0)
    True
    """
    if tokens < 1:
        raise ValueError(f"tokens must be at least 1, got {tokens}")
    order = np.random.default_rng(seed).permutation(len(verses))
    lengths = np.cumsum([len(verses[i]) for i in order])
    n = min(int(np.searchsorted(lengths, tokens)) + 1, len(verses))
    return [verses[i] for i in np.sort(order[:n])]


def _in_full_rows(table: np.ndarray, vocab: Vocab, full: Vocab) -> np.ndarray:
    """A subset model's table moved into the full vocabulary's rows; words the subset lacks stay zero."""
    out = np.zeros((len(full), table.shape[1]), dtype=np.float64)
    for row, (word, count) in enumerate(zip(vocab.words, vocab.counts, strict=True)):
        if count > 0 and word in full:
            out[full.index(word)] = table[row]
    return out


def score_table(table: np.ndarray, pairs: evaluate.SimilarityPairs, known: np.ndarray) -> dict[str, float]:
    """ρ over all pairs (a pair with an unknown word scores cosine 0) and ρ over the covered pairs only."""
    cos = evaluate.pair_cosines(table, pairs)
    covered = known[pairs.a] & known[pairs.b]
    out = {"all": evaluate.spearman(cos, pairs.gold)}
    out["covered"] = evaluate.spearman(cos[covered], pairs.gold[covered]) if covered.sum() > 2 else float("nan")
    return out


def run(tokens: int, seed: int) -> dict:
    """Train the three models on one subset and score them (and random tables) on the fixed test set."""
    torch.set_num_threads(1)
    corpus = text.kjv_corpus()
    full = corpus.vocab
    verses = subset(corpus.train, tokens, seed)
    vocab = build_vocab(verses, min_count=5, specials=(PAD, UNK))
    ids, verse = text.flatten(verses, vocab)
    known = np.zeros(len(full), dtype=bool)
    known[[full.index(w) for w, c in zip(vocab.words, vocab.counts, strict=True) if c > 0 and w in full]] = True
    tables, seconds = {}, {}
    start = time.perf_counter()
    tables["ppmi"] = baselines.ppmi_svd(ids, verse, len(vocab), SETTINGS["dim"], SETTINGS["window"])
    seconds["ppmi"] = time.perf_counter() - start
    start = time.perf_counter()
    tables["course"] = sgns.train_sgns(ids, verse, vocab.counts, seed=seed, **SETTINGS, **COURSE).vectors
    seconds["course"] = time.perf_counter() - start
    start = time.perf_counter()
    tables["gensim"] = baselines.gensim_word2vec(verses, vocab, seed=seed, **SETTINGS)
    seconds["gensim"] = time.perf_counter() - start
    pairs = evaluate.load_similarity_pairs(full)
    sets = {"pooled": pairs, "wordsim353": pairs.only("wordsim353")}
    out: dict = {"tokens": sum(len(v) for v in verses), "verses": len(verses), "vocab": len(vocab), "seed": seed,
                 "covered": {n: int((known[p.a] & known[p.b]).sum()) for n, p in sets.items()},
                 "models": {}, "random_p95": {}, "seconds": seconds}
    for model, table in tables.items():
        moved = _in_full_rows(table, vocab, full)
        out["models"][model] = {name: score_table(moved, p, known) for name, p in sets.items()}
    rng = np.random.default_rng(seed)
    draws: dict[str, list[dict[str, float]]] = {name: [] for name in sets}
    for _ in range(RANDOM_TABLES):
        table = rng.normal(size=(len(full), SETTINGS["dim"])) * known[:, None]
        for name, p in sets.items():
            draws[name].append(score_table(table, p, known))
    for name, values in draws.items():
        out["random_p95"][name] = {key: float(np.nanpercentile([v[key] for v in values], 95))
                                   for key in ("all", "covered")}
    return out


def full_corpus() -> dict:
    """The full training corpus's row, read from the 5-seed evaluation (PPMI-SVD is one deterministic run)."""
    ev = json.loads(EVALUATION.read_text(encoding="utf-8"))
    return {"tokens": ev["corpus"]["tokens"], "verses": ev["corpus"]["verses"], "vocab": ev["corpus"]["vocab"],
            "covered": {name: ev["pairs"][name] for name in TESTS},
            "models": {m: {name: ev["models"][m][name] for name in TESTS} for m in MODELS},
            "random_p95": {name: ev["random"][name]["p95"] for name in TESTS},
            "seconds": {m: ev["seconds"][m] for m in MODELS}}


def build(sizes=SIZES, seeds=SEEDS) -> dict:
    runs = []
    for tokens in sizes:
        for seed in seeds:
            runs.append(run(tokens, seed) | {"size": tokens})
            r = runs[-1]
            print(f"{tokens:>7} tokens, seed {seed}: {r['covered']['pooled']} pairs covered; "
                  + ", ".join(f"{m} {r['models'][m]['pooled']['all']:+.3f}" for m in MODELS)
                  + f"; random p95 {r['random_p95']['pooled']['all']:.3f}", flush=True)
    return {"settings": SETTINGS | {"min_count": 5, "course": COURSE, "random_tables": RANDOM_TABLES},
            "sizes": list(sizes), "seeds": list(seeds), "runs": runs, "full": full_corpus()}


def _numbers(run_: dict) -> dict:
    """What ``--check`` compares: everything but the seconds."""
    return {k: v for k, v in run_.items() if k != "seconds"}


def check(tolerance: float = 1e-6) -> int:
    """Retrain the smallest size for seed 0 and compare its numbers with the shipped file."""
    shipped = json.loads(CURVE.read_text(encoding="utf-8"))
    size, seed = shipped["sizes"][0], shipped["seeds"][0]
    old = next(r for r in shipped["runs"] if r["size"] == size and r["seed"] == seed)
    new = json.loads(json.dumps(run(size, seed) | {"size": size}, default=float))
    bad = _differences(_numbers(old), _numbers(new), tolerance)
    print(f"{CURVE.relative_to(ROOT)}: {size} tokens, seed {seed} "
          + ("reproduced" if not bad else f"differs at {bad}"))
    return 1 if bad else 0


def _differences(old, new, tolerance: float, where: str = "") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            return [f"{where or '.'} keys"]
        return [d for k in old for d in _differences(old[k], new[k], tolerance, f"{where}.{k}")]
    if isinstance(old, float) or isinstance(new, float):
        same = (np.isnan(old) and np.isnan(new)) or abs(old - new) <= tolerance
        return [] if same else [where]
    return [] if old == new else [where]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="retrain the smallest size, seed 0, and compare")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    data = build()
    CURVE.write_text(json.dumps(data, indent=1, default=float) + "\n", encoding="utf-8")
    print(f"wrote {CURVE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
