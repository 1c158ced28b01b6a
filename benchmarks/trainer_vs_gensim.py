"""The course trainer (lesson 12's train_sgns) against gensim's Word2Vec: quality and time, from one run.

    python benchmarks/trainer_vs_gensim.py    # ~2-3 min on 2 cores; writes trainer_vs_gensim.{json,md} beside it

Same corpus (the KJV's 28k training verses, lesson 12), same settings (D 50, window 5, k 5, power 0.75,
sample 1e-3, 5 epochs, min_count 5), one thread each, seed 0. Quality: Spearman's ρ on the 300 covered
WordSim353 + SimLex-999 pairs and on WordSim353 alone, with a paired-bootstrap 95% interval of the difference.
Time: the ratio course / gensim (a ratio, not a timed test: it varies with the machine and its load).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from lookup_lib.lessons.l12_meaning_from_real_text import baselines, evaluate, sgns, text
from tools.train_real_vectors import COURSE, SETTINGS

HERE = Path(__file__).resolve().parent


def main() -> dict:
    torch.set_num_threads(1)
    corpus = text.kjv_corpus()
    ids, verse = text.flatten(corpus.train, corpus.vocab)
    start = time.perf_counter()
    gensim_vectors = baselines.gensim_word2vec(corpus.train, corpus.vocab, seed=0, **SETTINGS)
    gensim_s = time.perf_counter() - start
    start = time.perf_counter()
    course_vectors = sgns.train_sgns(ids, verse, corpus.vocab.counts, seed=0, **SETTINGS, **COURSE).vectors
    course_s = time.perf_counter() - start
    pairs = evaluate.load_similarity_pairs(corpus.vocab)
    out = {"seconds": {"course": course_s, "gensim": gensim_s}, "time_ratio": course_s / gensim_s, "quality": {}}
    for name, p in (("pooled", pairs), ("wordsim353", pairs.only("wordsim353"))):
        diff = evaluate.bootstrap_difference([evaluate.pair_cosines(course_vectors, p)],
                                             [evaluate.pair_cosines(gensim_vectors, p)], p.gold, n=1000)
        out["quality"][name] = {"pairs": len(p), "course-gensim": diff}
    (HERE / "trainer_vs_gensim.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    lines = ["# Course trainer vs gensim Word2Vec (KJV, one thread each, seed 0, one run)", "",
             f"- time: course {course_s:.0f} s, gensim {gensim_s:.0f} s: ratio {out['time_ratio']:.1f}×"]
    for name, q in out["quality"].items():
        d, lo, hi = q["course-gensim"]
        lines.append(f"- Spearman course − gensim, {name} ({q['pairs']} pairs): {d:+.3f} [{lo:+.3f}, {hi:+.3f}]")
    (HERE / "trainer_vs_gensim.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return out


if __name__ == "__main__":
    main()
