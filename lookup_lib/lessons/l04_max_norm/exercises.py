"""Exercises on ``max_norm``: rescaling the looked-up rows that are too long, in place."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, row_numbers


# -- model solution (what solution() shows) -------------------------------------------------------
def renorm(weight, indices, max_norm, norm_type=2.0):
    for k in np.unique(indices):  # each referenced row once; other rows are never touched
        norm = np.linalg.norm(weight[k], ord=norm_type)  # ord=np.inf gives the largest |entry|
        if norm > max_norm:
            weight[k] *= max_norm / (norm + 1e-7)  # scale the whole row: its direction is kept
    return weight  # the same array, changed in place


# -- cases ------------------------------------------------------------------------------------------
def _table() -> np.ndarray:
    """Rows with easy norms. L2: 5, 0.5, 10, 2, 1.414; L1: 7, 0.7, 14, 2, 2; max: 4, 0.4, 8, 2, 1."""
    return np.array([[3, 4], [0.3, 0.4], [6, 8], [0, -2], [1, 1]], dtype=np.float32)


def _ints(values) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _renorm_cases() -> list[Case]:
    rng = np.random.default_rng(4)
    return [
        Case("rows above and below max_norm", (_table(), _ints([0, 1]), 2.0)),
        Case("repeated unsorted indices", (_table(), _ints([4, 0, 4, 2, 0]), 2.0)),
        # float64: in float32, norm + 1e-7 rounds back to 2.0, and a `>=` would go unnoticed
        Case("a row exactly at max_norm stays", (_table().astype(np.float64), _ints([3, 1]), 2.0), exact=True),
        Case("norm_type=1", (_table(), _ints([0, 4, 1]), 3.0), {"norm_type": 1.0}),
        Case("norm_type=inf", (_table(), _ints([0, 4, 2]), 3.0), {"norm_type": np.inf}),
        Case("2-D indices", (_table(), _ints([[0, 1], [2, 1]]), 2.0)),
        Case("empty index array", (_table(), _ints([]), 1.0)),
        Case("random float64 table", (1.5 * rng.normal(size=(6, 3)), _ints([5, 1, 3, 1]), 1.5)),
    ]


def _reference(weight, indices, max_norm, norm_type=2.0) -> np.ndarray:
    return core.renorm_(weight, indices, max_norm, norm_type)


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    weight, indices, max_norm = case.args
    norm_type = case.kwargs.get("norm_type", 2.0)
    rows = np.unique(indices)
    if got.shape != expected.shape:
        return "weight must keep its shape (V, D): rescale rows, do not replace the table."
    if close(got, weight) and not close(expected, weight):
        return "weight did not change: the looked-up rows with a norm above max_norm must be scaled down."
    if close(got, _reference(weight.copy(), np.arange(weight.shape[0]), max_norm, norm_type)):
        return "renormalised every row: only the rows listed in indices may change."
    norms_all = core.row_norms(weight, norm_type)
    at_limit = np.isin(np.arange(weight.shape[0]), rows) & (norms_all == max_norm)
    if at_limit.any() and not np.array_equal(got[at_limit], weight[at_limit]):
        return (
            "a row whose norm is exactly max_norm was rescaled: only a norm *above* max_norm is rescaled "
            "(norm > max_norm, not >=), so that row must stay exactly as it was."
        )
    clipped = weight.copy()
    clipped[rows] = np.clip(clipped[rows], -max_norm, max_norm)
    if close(got, clipped):
        return (
            "clipped each entry elementwise: scale the whole row by max_norm / norm instead, "
            "so that the row keeps its direction."
        )
    norms = core.row_norms(weight[rows], norm_type)
    stretched = weight.astype(np.float64)
    stretched[rows] *= (max_norm / (norms + core.RENORM_EPS))[:, None]
    if close(got, stretched):
        return "scaled short rows up: a row whose norm is already at most max_norm must stay as it is."
    if norm_type != 2.0 and close(got, _reference(weight.copy(), indices, max_norm, 2.0)):
        return f"ignored norm_type: measure each row with the {norm_type}-norm, not the 2-norm."
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="renorm",
        title=(
            "Write renorm(weight, indices, max_norm, norm_type=2.0): rescale, in place, every "
            "looked-up row whose norm exceeds max_norm, and return weight."
        ),
        hint=(
            "For each distinct k in indices, compute the norm of weight[k] (np.linalg.norm(row, "
            "ord=norm_type) handles 1, 2 and np.inf). If it is above max_norm, multiply the row by "
            "max_norm / (norm + 1e-7) — in place, weight[k] *= ... — and finally return weight."
        ),
        arg_names=("weight", "indices", "max_norm"),
        cases=_renorm_cases,
        reference=_reference,
        model=renorm,
        diagnose=_diagnose,
        in_place=0,
        shortcuts=("lookup_lib.renorm_", "lookup_lib.core.renorm_", "torch.embedding_renorm_"),
    ),
    QuestionExercise(
        name="max_norm_rows",
        title="Give the rows that change as a sorted list of ints, e.g. [0, 2].",
        hint=(
            "max_norm rescales a row only if the row is looked up (it occurs in indices) AND its "
            "norm is above max_norm."
        ),
        answer=(1,),
        shown="[1]",
        normalize=row_numbers,
        wrong={
            (1, 2): "A row that is never looked up is never rescaled, however long it is.",
            (2,): "A row that is never looked up is never rescaled, however long it is.",
            (0, 1, 3): "max_norm only shrinks rows that are too long; short rows stay as they are.",
            (0, 1, 2, 3): "Only looked-up rows that are too long change.",
            (1, 1): "Each row is rescaled at most once, however often it occurs.",
        },
        fallback="A row changes only if it is looked up and its norm exceeds max_norm.",
        explanation=(
            "Indices [1, 0, 1, 3] look up rows 0, 1 and 3. Only row 1 (norm 3.0) exceeds "
            "max_norm = 2.0; row 2 (norm 4.0) is longer but never looked up, so it stays."
        ),
    ),
]
