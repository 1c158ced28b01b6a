"""Lesson 12 exercises: word2vec's subsampling, what the full softmax costs, and the window experiment's measure."""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, whole_number
from lookup_lib.lessons.kit.i18n import mark, t


# -- model solution ----------------------------------------------------------------------------------
def keep_probability(counts, sample):
    counts = np.asarray(counts, dtype=float)
    freq = counts / counts.sum()  # each word's share of the text
    keep = (np.sqrt(freq / sample) + 1) * sample / freq
    return np.minimum(keep, 1.0)  # a probability: rare words are always kept


def _keep_cases() -> list[Case]:
    rng = np.random.default_rng(12)
    return [
        Case(mark("one frequent word among rare ones"), (np.array([50, 2950, 7000]), 1e-3)),
        Case(mark("all equally frequent"), (np.array([10, 10, 10, 10]), 1e-3)),
        Case(mark("a larger sample keeps more"), (np.array([1, 5, 100, 1000]), 1e-2)),
        Case(mark("a realistic Zipf vocabulary"), ((10_000 / np.arange(1, 201)).astype(np.int64), 1e-4)),
        Case(mark("random counts"), (rng.integers(1, 500, size=30), 1e-3)),
    ]


def _keep_reference(counts, sample) -> np.ndarray:
    from lookup_lib.lessons.l12_meaning_from_real_text.sgns import keep_probability as reference

    return reference(counts, sample)


def _diagnose_keep(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    counts, sample = case.args
    freq = np.asarray(counts, dtype=float) / np.sum(counts)
    raw = (np.sqrt(freq / sample) + 1) * sample / freq
    if close(got, raw):
        return t("some values are above 1: a probability is at most 1 (np.minimum(keep, 1.0)).")
    if close(got, 1 - expected):
        return t("that is the chance of *dropping* the word; return the chance of keeping it.")
    if close(got, np.minimum(np.sqrt(sample / freq), 1.0)):
        return t("that is the 2013 paper's 1 − P(drop) = sqrt(t / f); word2vec's code (and gensim) add t / f: "
                 "(sqrt(f / t) + 1) · t / f.")
    if close(got, np.minimum((np.sqrt(np.asarray(counts) / sample) + 1) * sample / np.asarray(counts), 1.0)):
        return t("use each word's frequency (count / total count), not its raw count.")
    return None


def verse_mates(vectors, words, mates, k):
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)  # unit rows: dot product = cosine
    hits = 0
    for w in words:
        sims = v @ v[w]
        sims[w] = -np.inf  # a word is not its own neighbour
        nearest = np.argsort(-sims)[:k]
        hits += mates[w, nearest].sum()
    return hits / (k * len(words))  # a fraction of all the neighbours looked at


def _mates_cases() -> list[Case]:
    rng = np.random.default_rng(12)

    def case(label: str, v: int, d: int, q: int, k: int, p: float) -> Case:
        mates = rng.random((v, v)) < p
        mates = mates | mates.T
        np.fill_diagonal(mates, True)
        words = rng.choice(v, size=q, replace=False)
        lengths = rng.uniform(0.2, 3.0, size=(v, 1))  # rows of unequal length: cosine and dot product differ
        return Case(label, (rng.normal(size=(v, d)) * lengths, words, mates, k))

    return [
        case(mark("8 words, 2 queries, k = 3"), 8, 4, 2, 3, 0.4),
        case(mark("one query, one neighbour"), 6, 3, 1, 1, 0.5),
        case(mark("few verse-mates"), 20, 5, 6, 4, 0.1),
        case(mark("many verse-mates, k = 5"), 30, 8, 10, 5, 0.7),
    ]


def _mates_reference(vectors, words, mates, k):
    from lookup_lib.lessons.l12_meaning_from_real_text.window import verse_mates as reference

    return reference(vectors, words, mates, k)


def _mates_variant(vectors, words, mates, k, *, cosine=True, skip_self=True, nearest=True, per_word=False):
    v = np.asarray(vectors, dtype=float)
    if cosine:
        v = v / np.linalg.norm(v, axis=1, keepdims=True)
    hits = 0
    for w in words:
        sims = v @ v[w]
        if skip_self:
            sims[w] = -np.inf if nearest else np.inf
        order = np.argsort(-sims if nearest else sims)[:k]
        hits += mates[w, order].sum()
    return hits / (len(words) if per_word else k * len(words))


def _diagnose_mates(case: Case, got, expected) -> str | None:
    args = case.args
    if close(got, np.floor(expected)):
        return t("a whole number: the fraction was rounded down. Divide with /, not //.")
    if close(got, _mates_variant(*args, skip_self=False)):
        return t("each word is its own nearest neighbour (cosine 1): leave it out (sims[w] = -np.inf) before sorting.")
    if close(got, _mates_variant(*args, per_word=True)):
        return t("that is verse-mates per query word; divide by all k · len(words) neighbours to get a fraction.")
    if close(got, _mates_variant(*args, cosine=False)):
        return t("the neighbours come from raw dot products; normalise the rows first (cosine), so long vectors "
                 "do not win.")
    if close(got, _mates_variant(*args, nearest=False)):
        return t("those are the k *farthest* rows: sort by decreasing cosine (np.argsort(-sims)).")
    return None


EXERCISES = [
    FunctionExercise(
        name="keep_probability",
        title=mark(
            "Write keep_probability(counts, sample): word2vec's chance of keeping each occurrence of a word, "
            "(sqrt(f / sample) + 1) · sample / f with f = count / total, at most 1. counts is a 1-D int array."
        ),
        hint=mark("f = counts / counts.sum(); compute the formula for every word at once, then np.minimum(..., 1.0)."),
        arg_names=("counts", "sample"),
        cases=_keep_cases,
        reference=_keep_reference,
        model=keep_probability,
        diagnose=_diagnose_keep,
        dtype_kinds="f",
        dtype_advice=mark("a probability is a float."),
    ),
    QuestionExercise(
        name="softmax_vs_sampling",
        title=mark(
            "With V = 5,071 words, the full softmax scores each (center, context) pair against every context "
            "vector; negative sampling with k = 5 scores it against 1 + 5. How many times more dot products does "
            "the softmax compute per pair? Give an int (round down)."
        ),
        hint=mark(
            "The softmax needs one dot product per word of the vocabulary; negative sampling one per scored word."
        ),
        answer=5071 // 6,
        normalize=whole_number,
        wrong={
            5071 // 5: mark("Negative sampling also scores the real context word: 1 + k dot products, not k."),
            5071: mark("That is the softmax's count alone; divide by what negative sampling computes."),
            6: mark("That is negative sampling's count per pair; the softmax computes V of them."),
        },
        fallback=mark("Divide the softmax's dot products per pair by negative sampling's."),
        explanation=mark("5,071 / (1 + 5) ≈ 845: the softmax computes 845 times more dot products (and its gradient "
                         "touches every row of the context table)."),
    ),
    FunctionExercise(
        name="verse_mates",
        title=mark(
            "Write verse_mates(vectors, words, mates, k): for each query row w in words, find its k nearest rows "
            "of vectors by cosine (w itself left out) and count those with mates[w, row] True; return the count "
            "divided by k · len(words). vectors is (V, D) float, words an int array, mates a (V, V) bool array."
        ),
        hint=mark("Normalise the rows once; for each w: sims = v @ v[w], sims[w] = -np.inf, "
                  "nearest = np.argsort(-sims)[:k], then mates[w, nearest].sum()."),
        arg_names=("vectors", "words", "mates", "k"),
        cases=_mates_cases,
        reference=_mates_reference,
        model=verse_mates,
        diagnose=_diagnose_mates,
        dtype_kinds="f",
        dtype_advice=mark("a fraction is a float (divide with /, not //)."),
    ),
]
