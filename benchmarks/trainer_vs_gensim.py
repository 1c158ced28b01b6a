"""The course trainer (lesson 12's train_sgns) against gensim's Word2Vec: quality and time, from one run.

    nice python -m benchmarks.trainer_vs_gensim    # ~2-3 min on 2 cores; writes trainer_vs_gensim.{json,md} beside it

Same corpus (the KJV's 28k training verses, lesson 12), same settings (D 50, window 5, k 5, power 0.75,
sample 1e-3, 5 epochs, min_count 5), one thread each, seed 0. Quality: Spearman's ρ on the 300 covered
WordSim353 + SimLex-999 pairs and on WordSim353 alone, with a paired-bootstrap 95% interval of the difference.
Time: the ratio course / gensim (a ratio, not a timed test: it varies with the machine and its load), with
the machine (CPU, cores, Python, torch and gensim versions) and the load average before and after the run.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import torch

from lookup_lib.lessons.l12_meaning_from_real_text import baselines, evaluate, sgns, text
from tools.train_real_vectors import COURSE, SETTINGS

HERE = Path(__file__).resolve().parent
COMMAND = "nice python -m benchmarks.trainer_vs_gensim"


def machine() -> dict:
    """What ran it: the CPU benchmark's processor description, cores, versions, the load average now."""
    import gensim

    from benchmarks.run import _cpu_count, _cpu_name

    return {"cpu": _cpu_name(), "cpu_count": _cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "gensim": gensim.__version__, "torch_threads": torch.get_num_threads(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def markdown(out: dict) -> list[str]:
    """The lines of ``trainer_vs_gensim.md``, from what :func:`main` measured."""
    m, seconds = out["machine"], out["seconds"]
    lines = ["# Course trainer vs gensim Word2Vec (KJV, one thread each, seed 0, one run)", "",
             f"Written by `{out['command']}` on {m['cpu']}, {m['cpu_count']} CPU cores, Python {m['python']}, "
             f"torch {m['torch']} ({m['torch_threads']} thread), gensim {m['gensim']}; load average "
             f"{m['load_average']} before, {out['load_average_after']} after (a busy machine slows both, not "
             "necessarily alike). Ratios from one run, not a timed test.", "",
             f"- time: course {seconds['course']:.0f} s, gensim {seconds['gensim']:.0f} s: ratio "
             f"{out['time_ratio']:.1f}× (goal: within 10×)"]
    for name, q in out["quality"].items():
        d, lo, hi = q["course-gensim"]
        verdict = ("above gensim" if lo > 0 else "below gensim" if hi < 0 else
                   "the interval includes 0: on par by the goal's test (not a resolved difference)")
        lines.append(f"- Spearman course − gensim, {name} ({q['pairs']} pairs): {d:+.3f} [{lo:+.3f}, {hi:+.3f}]: "
                     + verdict)
    return lines


def main() -> dict:
    torch.set_num_threads(1)
    before = machine()
    corpus = text.kjv_corpus()
    ids, verse = text.flatten(corpus.train, corpus.vocab)
    start = time.perf_counter()
    gensim_vectors = baselines.gensim_word2vec(corpus.train, corpus.vocab, seed=0, **SETTINGS)
    gensim_s = time.perf_counter() - start
    start = time.perf_counter()
    course_vectors = sgns.train_sgns(ids, verse, corpus.vocab.counts, seed=0, **SETTINGS, **COURSE).vectors
    course_s = time.perf_counter() - start
    pairs = evaluate.load_similarity_pairs(corpus.vocab)
    out = {"command": COMMAND, "machine": before, "load_average_after": machine()["load_average"],
           "seconds": {"course": course_s, "gensim": gensim_s}, "time_ratio": course_s / gensim_s, "quality": {}}
    for name, p in (("pooled", pairs), ("wordsim353", pairs.only("wordsim353"))):
        diff = evaluate.bootstrap_difference([evaluate.pair_cosines(course_vectors, p)],
                                             [evaluate.pair_cosines(gensim_vectors, p)], p.gold, n=1000)
        out["quality"][name] = {"pairs": len(p), "course-gensim": diff}
    (HERE / "trainer_vs_gensim.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    lines = markdown(out)
    (HERE / "trainer_vs_gensim.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return out


if __name__ == "__main__":
    main()
