"""Train lesson 12's word vectors on the King James Bible once, deterministically, and ship them.

    python tools/train_real_vectors.py            # ~15 min on a 2-core machine: writes the two files below
    python tools/train_real_vectors.py --check    # retrains seed 0 of each model and compares with the shipped file

Writes ``lookup_lib/data/kjv_vectors.npz`` (float16 tables, 5,071 words × 50: the course trainer's, gensim's and
PPMI-SVD's, seed 0) and ``lookup_lib/data/kjv_evaluation.json`` (every model over 5 seeds on WordSim353,
SimLex-999 and the lesson's word groups, random tables, paired-bootstrap intervals, analogies, training
times). Settings are the same for all three: D = 50, window 5, k = 5 negatives, noise power 0.75,
subsampling 1e-3, 5 epochs, min_count 5; one thread each (torch.set_num_threads(1), gensim workers=1).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from lookup_lib.lessons.l12_meaning_from_real_text import baselines, evaluate, sgns, text

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "lookup_lib" / "data" / "kjv_vectors.npz"
EVALUATION = ROOT / "lookup_lib" / "data" / "kjv_evaluation.json"
SEEDS = (0, 1, 2, 3, 4)
SETTINGS = {"dim": 50, "window": 5, "negatives": 5, "power": 0.75, "sample": 1e-3, "epochs": 5}
COURSE = {"batch_size": 4096, "lr": 0.02}


def train_all(seeds=SEEDS) -> tuple[dict[str, list[np.ndarray]], dict[str, list[float]]]:
    """Every model's tables (seed by seed) and training seconds."""
    torch.set_num_threads(1)
    corpus = text.kjv_corpus()
    ids, verse = text.flatten(corpus.train, corpus.vocab)
    tables: dict[str, list[np.ndarray]] = {"course": [], "gensim": [], "ppmi": []}
    seconds: dict[str, list[float]] = {"course": [], "gensim": [], "ppmi": []}
    start = time.perf_counter()
    tables["ppmi"].append(baselines.ppmi_svd(ids, verse, len(corpus.vocab), SETTINGS["dim"], SETTINGS["window"]))
    seconds["ppmi"].append(time.perf_counter() - start)
    for seed in seeds:
        start = time.perf_counter()
        tables["gensim"].append(baselines.gensim_word2vec(corpus.train, corpus.vocab, seed=seed, **SETTINGS))
        seconds["gensim"].append(time.perf_counter() - start)
        start = time.perf_counter()
        result = sgns.train_sgns(ids, verse, corpus.vocab.counts, seed=seed, **SETTINGS, **COURSE)
        tables["course"].append(result.vectors)
        seconds["course"].append(time.perf_counter() - start)
        print(f"seed {seed}: gensim {seconds['gensim'][-1]:.0f} s, course {seconds['course'][-1]:.0f} s", flush=True)
    return tables, seconds


def score(tables: dict[str, list[np.ndarray]], seconds: dict[str, list[float]]) -> dict:
    corpus = text.kjv_corpus()
    vocab = corpus.vocab
    pairs = evaluate.load_similarity_pairs(vocab)
    questions, coverage = evaluate.load_analogies(vocab)
    sets = {"pooled": pairs, "wordsim353": pairs.only("wordsim353"), "simlex999": pairs.only("simlex999")}
    out: dict = {"settings": SETTINGS | {"min_count": 5, "seeds": list(SEEDS), "course": COURSE},
                 "corpus": {"tokens": corpus.tokens, "vocab": len(vocab), "verses": len(corpus.train)},
                 "pairs": {name: len(p) for name, p in sets.items()}, "pairs_total": pairs.total,
                 "analogies": coverage, "models": {}, "random": {}, "bootstrap": {}, "seconds": seconds}
    rng_seeds = 200
    for name, p in sets.items():
        rand = evaluate.random_tables(len(vocab), SETTINGS["dim"], p, n=rng_seeds)
        out["random"][name] = {"mean": rand.mean(), "sd": rand.std(ddof=1), "p95": float(np.percentile(rand, 95))}
    rng = np.random.default_rng(0)
    groups = [evaluate.group_agreement(rng.normal(size=(len(vocab), SETTINGS["dim"])), vocab) for _ in range(rng_seeds)]
    out["random"]["groups"] = {"mean": float(np.mean(groups)), "sd": float(np.std(groups, ddof=1)),
                               "p95": float(np.percentile(groups, 95))}
    for model, runs in tables.items():
        row = {}
        for name, p in sets.items():
            values = [evaluate.spearman(evaluate.pair_cosines(v, p), p.gold) for v in runs]
            row[name] = values
        row["groups"] = [evaluate.group_agreement(v, vocab) for v in runs]
        row["analogy_excluding"] = [evaluate.analogy_accuracy(v, questions, True) for v in runs]
        row["analogy_including"] = [evaluate.analogy_accuracy(v, questions, False) for v in runs]
        out["models"][model] = row
    for name, p in sets.items():
        cos = {m: [evaluate.pair_cosines(v, p) for v in runs] for m, runs in tables.items()}
        out["bootstrap"][name] = {
            "course-gensim": evaluate.bootstrap_difference(cos["course"], cos["gensim"], p.gold, n=1000),
            "course-ppmi": evaluate.bootstrap_difference(cos["course"], cos["ppmi"], p.gold, n=1000),
        }
    return out


def save(tables: dict[str, list[np.ndarray]], evaluation: dict) -> None:
    words = np.array(text.kjv_corpus().vocab.words)
    np.savez_compressed(VECTORS, words=words, **{m: runs[0].astype(np.float16) for m, runs in tables.items()})
    EVALUATION.write_text(json.dumps(evaluation, indent=1, default=float) + "\n", encoding="utf-8")


def check() -> int:
    """Retrain seed 0 of each model and compare with the shipped float16 tables."""
    tables, _ = train_all(seeds=(0,))
    shipped = np.load(VECTORS)
    bad = [m for m in tables if not np.array_equal(tables[m][0].astype(np.float16), shipped[m])]
    print("shipped vectors reproduced" if not bad else f"differ: {bad}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="retrain seed 0 and compare with the shipped file")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    tables, seconds = train_all()
    save(tables, score(tables, seconds))
    print(f"wrote {VECTORS.relative_to(ROOT)} and {EVALUATION.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
