"""Lesson 02 exercises: one-hot vectors, the lookup as a one-hot product, and what that product costs.

Expected values come from :mod:`lookup_lib.core`; the model functions are plain solutions a
student could write, shown by ``solution(name)``.
"""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise, ints
from lookup_lib.lessons.kit.feedback import close, whole_number
from lookup_lib.lessons.kit.i18n import mark, t
from lookup_lib.lessons.l01_lookup_table.exercises import diagnose_lookup, lookup_cases


# -- model solutions (what solution() shows) ------------------------------------------------------
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    return np.eye(num_classes)[indices]  # row k of the identity is the one-hot vector of k


def one_hot_matmul(indices, weight):
    weight = np.asarray(weight)
    encoded = np.eye(weight.shape[0])[np.asarray(indices)]  # (*S, V)
    return encoded @ weight  # (*S, V) @ (V, D) -> (*S, D)


# -- cases ------------------------------------------------------------------------------------------
def _one_hot_cases() -> list[Case]:
    rng = np.random.default_rng(0)
    return [
        Case(mark("simple 1-D indices"), (ints([2, 0, 2, 1]), 3)),
        Case(mark("repeated unsorted indices"), (ints([3, 1, 3, 0, 1]), 4)),
        Case(mark("categories absent from the input"), (ints([1, 1]), 5)),
        Case(mark("2-D indices"), (ints([[0, 2], [3, 1], [2, 2]]), 4)),
        Case(mark("3-D indices"), (rng.integers(0, 6, size=(2, 1, 3)), 6)),
        Case(mark("empty index array"), (ints([]), 3)),
        Case(mark("int32 indices"), (np.array([4, 0], dtype=np.int32), 5)),
    ]


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose_one_hot(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    indices, num_classes = case.args
    shape = indices.shape
    if indices.ndim > 1 and got.shape == (indices.size, num_classes):
        return t(
            "the output was flattened: keep the shape of indices and add one axis, (*indices.shape, num_classes)."
        )
    if shape and got.shape == (num_classes, *shape) and close(np.moveaxis(got, 0, -1), expected):
        return t("the class axis came first; it must be the last axis: (*indices.shape, num_classes).")
    if got.shape[:-1] == shape and indices.size and got.shape[-1] == indices.max() + 1 != num_classes:
        return t(
            "you counted the classes from the input; use num_classes — a category absent "
            "from the input still gets its own column."
        )
    if got.shape[:-1] == shape and got.shape[-1] in (num_classes - 1, num_classes + 1):
        return t("off by one: there is exactly one column per class 0, 1, ..., num_classes - 1.")
    if got.shape == expected.shape and expected.size:
        if close(got[..., 1:], expected[..., :-1]) or close(got[..., :-1], expected[..., 1:]):
            return t("off by one: each 1 lands one column away; the 1 for index k goes in column k.")
        if not np.isin(got, (0, 1)).all():
            return t("a one-hot vector holds a single 1 and zeros everywhere else.")
    return None


def _explain_matmul_error(case: Case, exc: BaseException) -> str | None:
    if isinstance(exc, ValueError) and "matmul" in str(exc):
        return t(
            "check the shapes: one-hot (*indices.shape, V) @ weight (V, D), with V = weight.shape[0] "
            "even when some rows are never looked up."
        )
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="one_hot",
        title=mark("Write one_hot(indices, num_classes) → a float array of shape (*indices.shape, num_classes)."),
        hint=mark(
            "Row k of the identity matrix np.eye(num_classes) is the one-hot vector of k, and NumPy "
            "can pick many rows at once with an integer array: try np.eye(3)[[2, 0]]."
        ),
        arg_names=("indices", "num_classes"),
        cases=_one_hot_cases,
        reference=core.one_hot,
        model=one_hot,
        diagnose=_diagnose_one_hot,
        dtype_kinds="f",
        dtype_advice=mark(
            "a one-hot vector must be floats (float32 or float64), because it is multiplied with a float "
            "table: np.eye(num_classes) gives floats, a comparison or torch's one_hot does not "
            "(add .astype(np.float32))."
        ),
        shortcuts=("torch.nn.functional.one_hot", "lookup_lib.one_hot", "lookup_lib.core.one_hot"),
    ),
    FunctionExercise(
        name="one_hot_matmul",
        title=mark("Write one_hot_matmul(indices, weight): the lookup computed as one_hot(indices) @ weight."),
        hint=mark(
            "Encode the indices as one-hot vectors of length V = weight.shape[0] (shape (*S, V)), "
            "then multiply by the (V, D) table with @: each one-hot row picks one row of weight."
        ),
        arg_names=("indices", "weight"),
        cases=lookup_cases,
        reference=core.one_hot_matmul,
        model=one_hot_matmul,
        diagnose=diagnose_lookup,
        explain_error=_explain_matmul_error,
        shortcuts=(
            "lookup_lib.one_hot_matmul",
            "lookup_lib.core.one_hot_matmul",
            "lookup_lib.embedding",
            "lookup_lib.core.embedding",
            "torch.nn.functional.embedding",
            "torch.embedding",
        ),
    ),
    QuestionExercise(
        name="onehot_cost",
        title=mark("Give the number of multiply-adds as an int."),
        hint=mark(
            "A (N, K) @ (K, M) product computes N·M dot products, each of length K. Here N = 4 "
            "indices, K = V = 5000, M = D = 128."
        ),
        answer=2_560_000,
        normalize=whole_number,
        wrong={
            4 * 128: mark(
                "That is what the lookup copies (4 rows of 128). The one-hot product also multiplies all zeros."
            ),
            5000 * 128: mark("That is the size of the table; how many one-hot rows multiply it?"),
            4 * 5000: mark(
                "That is the size of the one-hot matrix; each of its entries meets a whole row of the table."
            ),
            2 * 2_560_000: mark("Count one multiply-add as one operation (not two)."),
        },
        fallback=mark("Count the dot products of the product and the length of each."),
        explanation=mark(
            "4 · 5000 · 128 = 2,560,000 multiply-adds, almost all of them with a zero; the "
            "lookup just copies 4 · 128 = 512 numbers."
        ),
    ),
]
