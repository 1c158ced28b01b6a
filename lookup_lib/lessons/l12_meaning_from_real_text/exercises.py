"""Lesson 12 exercises: word2vec's subsampling, and what the full softmax costs (answers from the lesson's code)."""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, whole_number


# -- model solution ----------------------------------------------------------------------------------
def keep_probability(counts, sample):
    counts = np.asarray(counts, dtype=float)
    freq = counts / counts.sum()  # each word's share of the text
    keep = (np.sqrt(freq / sample) + 1) * sample / freq
    return np.minimum(keep, 1.0)  # a probability: rare words are always kept


def _keep_cases() -> list[Case]:
    rng = np.random.default_rng(12)
    return [
        Case("one frequent word among rare ones", (np.array([50, 2950, 7000]), 1e-3)),
        Case("all equally frequent", (np.array([10, 10, 10, 10]), 1e-3)),
        Case("a larger sample keeps more", (np.array([1, 5, 100, 1000]), 1e-2)),
        Case("a realistic Zipf vocabulary", ((10_000 / np.arange(1, 201)).astype(np.int64), 1e-4)),
        Case("random counts", (rng.integers(1, 500, size=30), 1e-3)),
    ]


def _keep_reference(counts, sample) -> np.ndarray:
    from lookup_lib.lessons.l12_meaning_from_real_text.sgns import keep_probability as reference

    return reference(counts, sample)


def _diagnose_keep(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    counts, sample = case.args
    freq = np.asarray(counts, dtype=float) / np.sum(counts)
    raw = (np.sqrt(freq / sample) + 1) * sample / freq
    if close(got, raw):
        return "some values are above 1: a probability is at most 1 (np.minimum(keep, 1.0))."
    if close(got, 1 - expected):
        return "that is the chance of *dropping* the word; return the chance of keeping it."
    if close(got, np.minimum(np.sqrt(sample / freq), 1.0)):
        return "that is the 2013 paper's 1 − P(drop) = sqrt(t / f); word2vec's code (and gensim) add t / f: " \
               "(sqrt(f / t) + 1) · t / f."
    if close(got, np.minimum((np.sqrt(np.asarray(counts) / sample) + 1) * sample / np.asarray(counts), 1.0)):
        return "use each word's frequency (count / total count), not its raw count."
    return None


EXERCISES = [
    FunctionExercise(
        name="keep_probability",
        title=(
            "Write keep_probability(counts, sample): word2vec's chance of keeping each occurrence of a word, "
            "(sqrt(f / sample) + 1) · sample / f with f = count / total, at most 1. counts is a 1-D int array."
        ),
        hint="f = counts / counts.sum(); compute the formula for every word at once, then np.minimum(..., 1.0).",
        arg_names=("counts", "sample"),
        cases=_keep_cases,
        reference=_keep_reference,
        model=keep_probability,
        diagnose=_diagnose_keep,
        dtype_kinds="f",
        dtype_advice="a probability is a float.",
    ),
    QuestionExercise(
        name="softmax_vs_sampling",
        title=(
            "With V = 5,071 words, the full softmax scores each (center, context) pair against every context "
            "vector; negative sampling with k = 5 scores it against 1 + 5. How many times more dot products does "
            "the softmax compute per pair? Give an int (round down)."
        ),
        hint="The softmax needs one dot product per word of the vocabulary; negative sampling one per scored word.",
        answer=5071 // 6,
        normalize=whole_number,
        wrong={
            5071 // 5: "Negative sampling also scores the real context word: 1 + k dot products, not k.",
            5071: "That is the softmax's count alone; divide by what negative sampling computes.",
            6: "That is negative sampling's count per pair; the softmax computes V of them.",
        },
        fallback="Divide the softmax's dot products per pair by negative sampling's.",
        explanation="5,071 / (1 + 5) ≈ 845: the softmax computes 845 times more dot products (and its gradient "
                    "touches every row of the context table).",
    ),
]
