"""Exercises of lesson 08 (embeddings that capture meaning): cosine similarity, nearest neighbours, skip-gram pairs.

The nearest-neighbour exercise is ``nearest_rows`` (only the indices), so that the student's function does not
replace the lesson's own ``nearest`` (indices and similarities), which the notebook's cells above it use.

Expected values come from :mod:`lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec`.
"""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, mismatch, whole_number
from lookup_lib.lessons.kit.i18n import mark, t


# -- model solutions (what solution() shows) ------------------------------------------------------
def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))  # direction only: lengths divided out


def nearest_rows(vectors, i, k):
    v = np.asarray(vectors, dtype=float)
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)  # every row of length 1
    sims = unit @ unit[i]  # (V,): cosine of every row with row i
    sims[i] = -np.inf  # never the word itself
    return np.argsort(-sims, kind="stable")[:k]  # most similar first


# -- cases ------------------------------------------------------------------------------------------
def _cosine_cases() -> list[Case]:
    rng = np.random.default_rng(8)
    return [
        Case(mark("same direction, different lengths"), (np.array([1.0, 2.0]), np.array([3.0, 6.0]))),
        Case(mark("perpendicular"), (np.array([1.0, 0.0]), np.array([0.0, 5.0]))),
        Case(mark("opposite"), (np.array([1.0, -1.0, 2.0]), np.array([-2.0, 2.0, -4.0]))),
        Case(mark("random 16-D vectors"), (rng.normal(size=16), rng.normal(size=16))),
        Case(mark("float32 inputs"), (np.array([3.0, 4.0], dtype=np.float32), np.array([4.0, 3.0], dtype=np.float32))),
    ]


def _cosine_reference(a, b) -> np.ndarray:
    from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import cosine_similarities

    return np.asarray(cosine_similarities(np.asarray(b)[None], np.asarray(a))[0])


def _diagnose_cosine(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    a, b = (np.asarray(x, dtype=float) for x in case.args)
    if close(got, a @ b):
        return t("that is the dot product: divide it by the two lengths, ‖a‖ · ‖b‖.")
    if close(got, a @ b / np.linalg.norm(a)) or close(got, a @ b / np.linalg.norm(b)):
        return t("divide by the lengths of both vectors, not just one.")
    if close(got, 1 - expected):
        return t("that is the cosine *distance* (1 − cosine); return the similarity itself.")
    return None


def _nearest_cases() -> list[Case]:
    rng = np.random.default_rng(9)
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.1], [1.0, 1.0], [-1.0, 0.0]])
    return [
        Case(mark("five 2-D rows, k=2"), (rows, 0, 2)),
        Case(mark("a long row is still near (direction, not length)"), (rows, 1, 3)),
        Case(mark("k = all the others"), (rows, 4, 4)),
        Case(mark("random 16-D table"), (rng.normal(size=(30, 16)), 7, 5)),
    ]


def _nearest_reference(vectors, i, k) -> np.ndarray:
    from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import nearest as reference

    return reference(vectors, i, k)[0]


def _compare_nearest(case: Case, got: np.ndarray, expected: np.ndarray) -> list[str]:
    """Right when the rows' cosines are the k largest, in order: rows that tie exactly may come in any
    order, and any of them may fill the k-th place (argsort, heapq.nlargest and torch.topk all differ there)."""
    vectors, i, k = case.args
    lines = mismatch(expected, got)
    if not lines or got.shape != expected.shape or got.dtype.kind not in "iu":
        return lines
    rows = got.astype(np.int64).tolist()
    v = np.asarray(vectors, dtype=np.float64)
    if len(set(rows)) != len(rows) or i in rows or not all(0 <= r < len(v) for r in rows):
        return lines
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)
    sims = unit @ unit[i]
    if np.allclose(sims[rows], sims[expected.astype(np.int64)], rtol=0, atol=1e-12):
        return []
    return lines


def _diagnose_nearest(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    vectors, i, k = case.args
    if i in got.tolist():
        return t("row {i} itself is in the answer: leave the query row out.", i=i)
    distances = np.linalg.norm(np.asarray(vectors) - np.asarray(vectors)[i], axis=1)
    distances[i] = np.inf
    same_rows = sorted(got.tolist()) == sorted(expected.tolist())
    if same_rows:
        return t("the right rows in the wrong order: most similar first.")
    if got.tolist() == np.argsort(distances, kind="stable")[:k].tolist():
        return t("those are the nearest by Euclidean distance; use cosine similarity (divide by the lengths).")
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="cosine_similarity",
        title=mark("Write cosine_similarity(a, b): the cosine of the angle between two 1-D vectors, as a float."),
        hint=mark("The dot product a @ b, divided by the product of the lengths "
                  "np.linalg.norm(a) * np.linalg.norm(b)."),
        arg_names=("a", "b"),
        cases=_cosine_cases,
        reference=_cosine_reference,
        model=cosine_similarity,
        diagnose=_diagnose_cosine,
    ),
    FunctionExercise(
        name="nearest_rows",
        title=mark(
            "Write nearest_rows(vectors, i, k): the indices of the k rows most cosine-similar to row i, "
            "most similar first, row i left out."
        ),
        hint=mark(
            "Divide each row by its length; then unit @ unit[i] gives every cosine at once. Set the "
            "entry of row i to -inf and take np.argsort(-sims)[:k]."
        ),
        arg_names=("vectors", "i", "k"),
        cases=_nearest_cases,
        reference=_nearest_reference,
        model=nearest_rows,
        diagnose=_diagnose_nearest,
        compare=_compare_nearest,
    ),
    QuestionExercise(
        name="skipgram_pair_count",
        title=mark("How many (center, context) pairs does a sentence of 5 words give with window=2? Answer an int."),
        hint=mark("Count the pairs of words 1 apart and 2 apart in the sentence; each gives two pairs "
                  "(both directions)."),
        answer=14,
        normalize=whole_number,
        wrong={
            7: mark("Each pair of nearby words gives two (center, context) pairs: each word is the center once."),
            20: mark("Near the ends of the sentence there are fewer than 2 words on one side."),
            10: mark("The window is 2 on *each* side: words 2 apart count too."),
            8: mark("Count both directions: (a, b) and (b, a)."),
        },
        fallback=mark("List the pairs 1 apart (4 of them) and 2 apart (3), and count each in both directions."),
        explanation=mark("Words 1 apart: 4 pairs; 2 apart: 3 pairs; each in both directions: 2 × (4 + 3) = 14."),
    ),
]
