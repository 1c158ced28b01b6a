"""Exercises on ``max_norm``: rescaling the looked-up rows that are too long, in place, which rows change, and
(debugging) a loss that uses the table before a ``max_norm`` lookup and so breaks ``backward``."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise, ints
from lookup_lib.lessons.kit.feedback import close, mismatch, row_numbers
from lookup_lib.lessons.kit.i18n import mark, t


# -- model solution (what solution() shows) -------------------------------------------------------
def renorm(weight, indices, max_norm, norm_type=2.0):
    for k in np.unique(indices):  # each referenced row once; other rows are never touched
        norm = np.linalg.norm(weight[k], ord=norm_type)  # ord=np.inf gives the largest |entry|
        if norm > max_norm:
            weight[k] *= max_norm / (norm + 1e-7)  # scale the whole row: its direction is kept
    return weight  # the same array, changed in place


def penalised_grad(weight, indices, max_norm):
    import torch  # the exercise is about torch's autograd
    from torch import nn

    emb = nn.Embedding.from_pretrained(torch.tensor(weight), freeze=False, max_norm=max_norm)  # a copy of weight
    penalty = 0.1 * emb.weight.clone().pow(2).sum()  # the clone is saved for backward; nobody changes it
    out = emb(torch.as_tensor(indices))  # (*S, D): rescales the looked-up rows of emb.weight in place
    loss = ((out - 1) ** 2).sum() + penalty
    loss.backward()  # the gradient reaches emb.weight through the lookup and through the clone
    return emb.weight.grad  # (V, D)


# -- cases ------------------------------------------------------------------------------------------
def _table() -> np.ndarray:
    """Rows with easy norms. L2: 5, 0.5, 10, 2, 1.414; L1: 7, 0.7, 14, 2, 2; max: 4, 0.4, 8, 2, 1."""
    return np.array([[3, 4], [0.3, 0.4], [6, 8], [0, -2], [1, 1]], dtype=np.float32)


def _renorm_cases() -> list[Case]:
    rng = np.random.default_rng(4)
    return [
        Case(mark("rows above and below max_norm"), (_table(), ints([0, 1]), 2.0)),
        Case(mark("repeated unsorted indices"), (_table(), ints([4, 0, 4, 2, 0]), 2.0)),
        # float64: in float32, norm + 1e-7 rounds back to 2.0, and a `>=` would go unnoticed
        Case(mark("a row exactly at max_norm stays"), (_table().astype(np.float64), ints([3, 1]), 2.0), exact=True),
        Case(mark("norm_type=1"), (_table(), ints([0, 4, 1]), 3.0), {"norm_type": 1.0}),
        Case(mark("norm_type=inf"), (_table(), ints([0, 4, 2]), 3.0), {"norm_type": np.inf}),
        Case(mark("2-D indices"), (_table(), ints([[0, 1], [2, 1]]), 2.0)),
        Case(mark("empty index array"), (_table(), ints([]), 1.0)),
        Case(mark("random float64 table"), (1.5 * rng.normal(size=(6, 3)), ints([5, 1, 3, 1]), 1.5)),
    ]


def _reference(weight, indices, max_norm, norm_type=2.0) -> np.ndarray:
    return core.renorm_(weight, indices, max_norm, norm_type)


def _penalty_cases() -> list[Case]:
    rng = np.random.default_rng(7)
    return [
        Case(mark("rows above and below max_norm"), (_table(), ints([0, 1, 3]), 2.0)),
        Case(mark("repeated unsorted indices"), (_table(), ints([4, 0, 4, 2, 0]), 2.0)),
        Case(mark("no row long enough to be rescaled"), (_table(), ints([1, 4]), 20.0)),
        Case(mark("2-D indices"), (_table(), ints([[0, 1], [2, 1]]), 1.0)),
        Case(mark("random table"), ((2 * rng.normal(size=(6, 3))).astype(np.float32), ints([5, 1, 3, 1]), 1.5)),
    ]


def _penalty_parts(weight, indices, max_norm) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(table before the lookup, table after it, gradient of Σ(out − 1)²), in float64."""
    before = np.asarray(weight)
    after = core.renorm_(before.copy(), indices, max_norm)
    out = core.embedding(indices, after).astype(np.float64)
    lookup_grad = core.embedding_backward(2 * (out - 1), indices, before.shape[0])
    return before.astype(np.float64), after.astype(np.float64), lookup_grad


def _penalty_reference(weight, indices, max_norm) -> np.ndarray:
    """The penalty on the table as it was before the lookup (the clone() fix, torch's documented one)."""
    before, _, lookup_grad = _penalty_parts(weight, indices, max_norm)
    return lookup_grad + 0.2 * before


def _penalty_compare(case: Case, got: np.ndarray, expected: np.ndarray) -> list[str]:
    """Either fix is right: penalise the table before the lookup (clone) or after it (lookup first, renorm first)."""
    lines = mismatch(expected, got)
    if lines:
        _, after, lookup_grad = _penalty_parts(*case.args)
        if not mismatch(lookup_grad + 0.2 * after, got):
            return []
    return lines


def _diagnose_penalty(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    weight, indices, max_norm = case.args
    before, after, lookup_grad = _penalty_parts(weight, indices, max_norm)
    if got.shape != expected.shape:
        return t("return the gradient of the whole table, emb.weight.grad: shape (V, D).")
    if close(got, lookup_grad):
        return t(
            "the penalty's gradient is missing (0.2 · weight): detach(), .data or torch.no_grad() cut it off. "
            "clone() gives the penalty its own copy and still lets the gradient flow back to emb.weight."
        )
    if close(got, 0.2 * before):
        return t(
            "only the penalty's gradient: the lookup's part, 2 · (out − 1) added into each looked-up row, is missing."
        )
    unscaled = core.embedding_backward(2 * (core.embedding(indices, before) - 1), indices, before.shape[0])
    if close(got, unscaled + 0.2 * before):
        return t(
            "the looked-up rows were not rescaled: you removed max_norm (or its effect). The model needs max_norm; "
            "the bug is autograd's saved copy of the table, not the option."
        )
    return None


def _explain_penalty_error(case: Case, exc: BaseException) -> str | None:
    if isinstance(exc, RuntimeError) and "inplace" in str(exc):
        return t(
            "that is the error to fix: the penalty saved emb.weight for backward, then the max_norm lookup rescaled "
            "rows of that very tensor in place. Give the penalty its own copy (clone()), or do the lookup first."
        )
    if isinstance(exc, RuntimeError) and "does not require grad" in str(exc):
        return t(
            "nothing in the loss requires a gradient any more: keep freeze=False, and do not wrap the loss in no_grad."
        )
    return None


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    weight, indices, max_norm = case.args
    norm_type = case.kwargs.get("norm_type", 2.0)
    rows = np.unique(indices)
    if got.shape != expected.shape:
        return t("weight must keep its shape (V, D): rescale rows, do not replace the table.")
    if close(got, weight) and not close(expected, weight):
        return t("weight did not change: the looked-up rows with a norm above max_norm must be scaled down.")
    if close(got, _reference(weight.copy(), np.arange(weight.shape[0]), max_norm, norm_type)):
        return t("renormalised every row: only the rows listed in indices may change.")
    norms_all = core.row_norms(weight, norm_type)
    at_limit = np.isin(np.arange(weight.shape[0]), rows) & (norms_all == max_norm)
    if at_limit.any() and not np.array_equal(got[at_limit], weight[at_limit]):
        return t(
            "a row whose norm is exactly max_norm was rescaled: only a norm *above* max_norm is rescaled "
            "(norm > max_norm, not >=), so that row must stay exactly as it was."
        )
    clipped = weight.copy()
    clipped[rows] = np.clip(clipped[rows], -max_norm, max_norm)
    if close(got, clipped):
        return t(
            "clipped each entry elementwise: scale the whole row by max_norm / norm instead, "
            "so that the row keeps its direction."
        )
    norms = core.row_norms(weight[rows], norm_type)
    stretched = weight.astype(np.float64)
    stretched[rows] *= (max_norm / (norms + core.RENORM_EPS))[:, None]
    if close(got, stretched):
        return t("scaled short rows up: a row whose norm is already at most max_norm must stay as it is.")
    if norm_type != 2.0 and close(got, _reference(weight.copy(), indices, max_norm, 2.0)):
        return t("ignored norm_type: measure each row with the {norm_type}-norm, not the 2-norm.", norm_type=norm_type)
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="renorm",
        title=mark(
            "Write renorm(weight, indices, max_norm, norm_type=2.0): rescale, in place, every "
            "looked-up row whose norm exceeds max_norm, and return weight."
        ),
        hint=mark(
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
    FunctionExercise(
        name="penalised_grad",
        title=mark(
            "Fix penalised_grad(weight, indices, max_norm) → the (V, D) gradient of "
            "Σ(emb(indices) − 1)² + 0.1 · Σ emb.weight², with max_norm kept, without the backward error."
        ),
        hint=mark(
            "Read the error: which tensor was modified by an inplace operation, by which line, after which line saved "
            "it? The penalty saves emb.weight; the lookup with max_norm rescales it in place afterwards. Section 7 "
            "shows the same error with a product: give the penalty a copy of the table that the lookup cannot touch."
        ),
        arg_names=("weight", "indices", "max_norm"),
        cases=_penalty_cases,
        reference=_penalty_reference,
        model=penalised_grad,
        diagnose=_diagnose_penalty,
        explain_error=_explain_penalty_error,
        compare=_penalty_compare,
    ),
    QuestionExercise(
        name="max_norm_rows",
        title=mark("Give the rows that change as a sorted list of ints, e.g. [0, 2]."),
        hint=mark(
            "max_norm rescales a row only if the row is looked up (it occurs in indices) AND its "
            "norm is above max_norm."
        ),
        answer=(1,),
        shown="[1]",
        normalize=row_numbers,
        wrong={
            (1, 2): mark("A row that is never looked up is never rescaled, however long it is."),
            (2,): mark("A row that is never looked up is never rescaled, however long it is."),
            (0, 1, 3): mark("max_norm only shrinks rows that are too long; short rows stay as they are."),
            (0, 1, 2, 3): mark("Only looked-up rows that are too long change."),
            (1, 1): mark("Each row is rescaled at most once, however often it occurs."),
        },
        fallback=mark("A row changes only if it is looked up and its norm exceeds max_norm."),
        explanation=mark(
            "Indices [1, 0, 1, 3] look up rows 0, 1 and 3. Only row 1 (norm 3.0) exceeds "
            "max_norm = 2.0; row 2 (norm 4.0) is longer but never looked up, so it stays."
        ),
    ),
]
