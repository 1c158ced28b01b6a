"""Lesson 01 exercises: the lookup by hand, and the shape a lookup returns.

Expected values come from :mod:`lookup_lib.core`; the model functions are plain solutions a
student could write, shown by ``solution(name)``. Lesson 02 reuses the cases and diagnosis of
``lookup`` for ``one_hot_matmul`` (the same numbers, computed another way).
"""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, whole_numbers


# -- model solution (what solution() shows) ------------------------------------------------------
def lookup(indices, weight):
    return np.asarray(weight)[np.asarray(indices)]  # one row of the table per index


# -- cases ------------------------------------------------------------------------------------------
def _ints(values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _readable_table(num_rows: int = 5, dim: int = 3) -> np.ndarray:
    """Row k holds 10k, 10k + 1, ...: a wrong row is easy to spot in the feedback."""
    return (10 * np.arange(num_rows)[:, None] + np.arange(dim)).astype(np.float32)


def lookup_cases() -> list[Case]:
    rng = np.random.default_rng(1)
    table = _readable_table()
    return [
        Case("simple 1-D indices", (_ints([4, 0, 2, 2]), table)),
        Case("repeated unsorted indices", (_ints([3, 1, 3, 0, 3]), table)),
        Case("2-D indices (a batch of sequences)", (_ints([[0, 4, 1], [2, 2, 3]]), table)),
        Case("3-D indices", (rng.integers(0, 5, size=(2, 2, 2)), table)),
        Case("empty index array", (_ints([]), table)),
        Case("random float64 table", (rng.integers(0, 7, size=(3, 4)), rng.normal(size=(7, 4)))),
    ]


# -- diagnoses ----------------------------------------------------------------------------------------
def diagnose_lookup(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    indices, weight = case.args
    num_rows, dim = weight.shape
    if indices.ndim > 1 and got.shape == (indices.size, dim):
        return "the output was flattened: keep the shape of indices and add the embedding axis, (*indices.shape, D)."
    if num_rows != dim and got.shape == (*indices.shape, num_rows):
        return "this looks like a transposed table: weight has shape (V, D) and row k is the vector of category k."
    if got.ndim == 2 and close(got.T, expected):
        return "the result is transposed: it should have shape (*indices.shape, D), one row per index."
    if got.shape == expected.shape and indices.size:
        for shift in (-1, 1):
            moved = indices + shift
            valid = (moved >= 0) & (moved < num_rows)
            if valid.any() and close(got[valid], weight[moved[valid]]):
                return f"off by one: index k must give row k, but you returned row k{shift:+d}."
    return None


def _explain_lookup_error(case: Case, exc: BaseException) -> str | None:
    if isinstance(exc, IndexError) and "axis 1" in str(exc):
        return "you indexed the columns (axis 1); the rows of weight (axis 0) are the categories."
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="lookup",
        title="Write lookup(indices, weight) → the rows of weight, shape (*indices.shape, D).",
        hint=(
            "An embedding is a table with one row per category: indexing weight with an integer "
            "array picks one row per index and keeps the index array's shape."
        ),
        arg_names=("indices", "weight"),
        cases=lookup_cases,
        reference=core.embedding,
        model=lookup,
        diagnose=diagnose_lookup,
        explain_error=_explain_lookup_error,
        shortcuts=(
            "torch.nn.functional.embedding",  # nn.Embedding calls it too
            "torch.embedding",
            "lookup_lib.embedding",
            "lookup_lib.core.embedding",
        ),
    ),
    QuestionExercise(
        name="predict_shape",
        title="Give the shape as a tuple, e.g. (1, 2).",
        hint=(
            "nn.Embedding(num_embeddings, embedding_dim) replaces every index by one row of length "
            "embedding_dim. What happens to the shape of the indices?"
        ),
        answer=(2, 3, 4, 5),
        normalize=whole_numbers,
        wrong={
            (2, 3, 4): "That is the shape of the indices: each index also turns into a whole vector.",
            (10, 5): "That is the shape of the table (weight), not of the output.",
            (24, 5): "The index dimensions are kept, not flattened into one.",
            (2, 3, 4, 10): "Which of nn.Embedding(10, 5)'s two numbers is the length of each row?",
            (2, 3, 4, 10, 5): "The output holds one row per index, not the whole table per index.",
        },
        fallback="Each index is replaced by one row of the table.",
        explanation=(
            "The index shape (2, 3, 4) is kept and one axis of length embedding_dim = 5 is "
            "added: every index becomes a row of 5 numbers."
        ),
    ),
]
