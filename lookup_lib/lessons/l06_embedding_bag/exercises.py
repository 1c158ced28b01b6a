"""Exercise on ``nn.EmbeddingBag``: sum each bag of looked-up rows into one row.

Expected values come from :func:`lookup_lib.bag.embedding_bag` (``mode="sum"``).
"""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise
from lookup_lib.lessons.kit.feedback import close


# -- model solution (what solution() shows) -------------------------------------------------------
def embedding_bag_sum(indices, weight, offsets):
    indices, weight = np.asarray(indices), np.asarray(weight)
    out = np.zeros((len(offsets), weight.shape[1]), dtype=weight.dtype)  # (B, D): an empty bag stays 0
    for b in range(len(offsets)):
        end = offsets[b + 1] if b + 1 < len(offsets) else len(indices)  # the last bag runs to the end
        out[b] = weight[indices[offsets[b] : end]].sum(axis=0)
    return out


# -- cases ------------------------------------------------------------------------------------------
def _ints(values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _bag_cases() -> list[Case]:
    rng = np.random.default_rng(5)
    table = (10 * np.arange(5)[:, None] + np.arange(3)).astype(np.float32)  # row k: 10k, 10k + 1, 10k + 2
    return [
        Case("two bags", (_ints([0, 2, 1, 1, 2]), table, _ints([0, 2]))),
        Case("repeated indices in a bag", (_ints([3, 3, 3, 1]), table, _ints([0, 3]))),
        Case("one index per bag", (_ints([4, 0, 2]), table, _ints([0, 1, 2]))),
        Case("a single bag", (_ints([4, 1, 0, 1]), table, _ints([0]))),
        Case("an empty bag in the middle", (_ints([1, 2, 3]), table, _ints([0, 2, 2]))),
        Case("an empty last bag", (_ints([1, 2]), table, _ints([0, 2]))),
        Case("no indices at all (two empty bags)", (_ints([]), table, _ints([0, 0]))),
        Case("random float64 table", (rng.integers(0, 6, size=9), rng.normal(size=(6, 4)), _ints([0, 4, 5]))),
    ]


def _reference(indices, weight, offsets, mode: str = "sum") -> np.ndarray:
    from lookup_lib.bag import embedding_bag  # the one source of truth for bags

    return embedding_bag(indices, weight, offsets, mode=mode)


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    indices, weight, offsets = case.args
    num_bags, dim = expected.shape
    if got.shape == (num_bags - 1, dim):
        return "the last bag is missing: bag B-1 runs from offsets[-1] to the end of indices."
    if got.shape == (indices.size, dim) and indices.size != num_bags:
        return "each bag must be reduced to one row: the result has one row per bag, (len(offsets), D)."
    if got.shape != expected.shape:
        return None
    if close(got, _reference(indices, weight, offsets, "mean")):
        return "you averaged each bag (mode='mean'); this exercise asks for the sum."
    if close(got, _reference(indices, weight, offsets, "max")):
        return "you took the largest entry (mode='max'); this exercise asks for the sum."
    ends = np.r_[offsets[1:], indices.size]
    empty = offsets == ends
    wrong = ~np.isclose(got, expected, rtol=1e-5, atol=1e-6).all(axis=1)
    if empty.any() and (wrong <= empty).all():
        return "an empty bag must give a row of zeros (np.add.reduceat gives the next row instead)."
    return None


def _explain_error(case: Case, exc: BaseException) -> str | None:
    if isinstance(exc, IndexError) and "reduceat" in str(exc):
        return "np.add.reduceat cannot start a bag at len(indices): treat empty bags yourself."
    return None


EXERCISES = [
    FunctionExercise(
        name="embedding_bag_sum",
        title="Write embedding_bag_sum(indices, weight, offsets) → (B, D): the sum of the rows of each bag.",
        hint=(
            "Bag b is indices[offsets[b]:offsets[b + 1]], and the last bag runs to the end of indices. "
            "Look up its rows and add them (sum over axis 0); an empty bag gives a row of zeros."
        ),
        arg_names=("indices", "weight", "offsets"),
        cases=_bag_cases,
        reference=_reference,
        model=embedding_bag_sum,
        diagnose=_diagnose,
        explain_error=_explain_error,
        shortcuts=(
            "torch.nn.functional.embedding_bag",
            "torch.embedding_bag",
            "lookup_lib.embedding_bag",
            "lookup_lib.bag.embedding_bag",
        ),
    ),
]
