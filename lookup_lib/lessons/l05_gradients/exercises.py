"""Lesson 05 exercises: what scale_grad_by_freq and a sparse gradient hold (answers computed by lookup_lib),
and a debugging exercise: a sparse training loop that crashes (``fit_rows``, checked against Adam in NumPy)."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, number, whole_number
from lookup_lib.lessons.kit.i18n import mark, t


# -- questions whose answers are computed by lookup_lib --------------------------------------------------
def _scale_grad_answer() -> float:
    """grad_weight[2, 0] for indices [2, 2, 2, 5], grad_output all ones, scale_grad_by_freq=True."""
    grad = core.embedding_backward(np.ones((4, 3)), [2, 2, 2, 5], 6, scale_grad_by_freq=True)
    return round(float(grad[2, 0]), 6)


def _sparse_nnz_answer() -> int:
    """Value rows of the sparse gradient for indices [[4, 7, 4], [9, 4, 0]] with padding_idx=0."""
    return core.embedding_backward(np.ones((2, 3, 1)), [[4, 7, 4], [9, 4, 0]], 10, padding_idx=0, sparse=True).nnz


def _rounded(value) -> float:
    return round(number(value), 6)





# -- debugging: a sparse training loop that crashes -------------------------------------------------------
def fit_rows(weight, indices, targets, steps=20, lr=0.1):
    import torch
    from torch import nn

    table = torch.tensor(weight)  # a copy: from_pretrained shares memory with the tensor it is given
    # sparse=True and scale_grad_by_freq=True fail together at backward; under Adam, with the same batch
    # at every step, the scale cancels anyway (section 2), so it goes.
    layer = nn.Embedding.from_pretrained(table, freeze=False, sparse=True)
    opt = torch.optim.SparseAdam(layer.parameters(), lr=lr)  # Adam refuses a sparse gradient
    indices, targets = torch.as_tensor(indices), torch.as_tensor(targets)
    for _ in range(steps):
        opt.zero_grad()
        (layer(indices) - targets).pow(2).sum().backward()
        opt.step()
    return layer.weight.detach()


def _fit_in_numpy(weight, indices, targets, steps=20, lr=0.1, method="adam", accumulate=False) -> np.ndarray:
    """``steps`` optimizer steps of sum((weight[indices] - targets)**2) in float32 NumPy, on a copy of ``weight``.

    ``method`` is "adam" (torch's defaults: betas 0.9, 0.999, eps 1e-8), "sgd" or "adagrad";
    ``accumulate`` adds each step's gradient to the last one's (a loop without ``zero_grad``).
    """
    table = np.array(weight, dtype=np.float32)
    idx = np.asarray(indices).reshape(-1)
    target = np.asarray(targets, dtype=np.float32).reshape(idx.size, table.shape[1])  # (N, D)
    grad = np.zeros_like(table)
    m, v = np.zeros_like(table), np.zeros_like(table)
    for step in range(1, steps + 1):
        step_grad = core.embedding_backward(2 * (table[idx] - target), idx, table.shape[0])  # the scatter-add
        grad = grad + step_grad if accumulate else step_grad
        if method == "sgd":
            table -= lr * grad
        elif method == "adagrad":
            v += grad**2
            table -= lr * grad / (np.sqrt(v) + 1e-10)
        else:
            m = 0.9 * m + 0.1 * grad
            v = 0.999 * v + 0.001 * grad**2
            table -= (lr / (1 - 0.9**step)) * m / (np.sqrt(v) / np.sqrt(1 - 0.999**step) + 1e-8)
    return table


def _fit_cases() -> list[Case]:
    rng = np.random.default_rng(50)

    def floats(*shape: int) -> np.ndarray:
        return rng.normal(size=shape).astype(np.float32)

    return [
        Case(mark("rows 1 and 3, row 1 twice"), (floats(5, 2), np.array([1, 3, 1]), floats(3, 2))),
        Case(mark("every row once"), (floats(4, 3), np.array([2, 0, 3, 1]), floats(4, 3))),
        Case(mark("one row, many times"), (floats(6, 2), np.array([4, 4, 4, 4]), floats(4, 2))),
        Case("steps=5, lr=0.5", (floats(5, 2), np.array([0, 2, 2]), floats(3, 2)), {"steps": 5, "lr": 0.5}),
        Case(mark("a 2-D batch of indices"), (floats(8, 2), np.array([[1, 5], [5, 6]]), floats(2, 2, 2))),
    ]


def _fit_reference(weight, indices, targets, steps=20, lr=0.1) -> np.ndarray:
    return _fit_in_numpy(weight, indices, targets, steps, lr)


def _diagnose_fit(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    weight = case.args[0]
    options = case.kwargs
    if got.shape != weight.shape:
        return t("return the whole table, shape {shape}: layer.weight after the last step.", shape=weight.shape)
    if close(got, weight):
        return t("the table did not change: does the loop still call opt.step() after backward()?")
    if close(got, _fit_in_numpy(*case.args, **options, method="sgd")):
        return t("that is plain SGD's update; the loop must train with Adam — torch has an Adam for sparse gradients.")
    if close(got, _fit_in_numpy(*case.args, **options, method="adagrad")):
        return t("that is Adagrad's update; the loop must train with Adam — torch has an Adam for sparse gradients.")
    if close(got, _fit_in_numpy(*case.args, **options, accumulate=True)):
        return t("the gradients were added up across steps: keep opt.zero_grad() at the start of every step.")
    return None


def _explain_fit_error(case: Case, exc: BaseException) -> str | None:
    message = str(exc)
    if "scale_grad_by_freq" in message:
        return t("sparse=True and scale_grad_by_freq=True fail together at backward (section 3); which one must go?")
    if "does not support sparse gradients" in message:
        return t("this optimizer refuses a sparse gradient: which optimizers take one (section 3)?")
    return None


EXERCISES = [
    QuestionExercise(
        name="scale_grad_row",
        title=mark(
            "nn.Embedding(6, 3, scale_grad_by_freq=True) looks up indices [2, 2, 2, 5] and every entry of "
            "grad_output is 1. Give grad_weight[2, 0] as a number."
        ),
        hint=mark(
            "Without scaling, row 2 would collect three contributions of 1. scale_grad_by_freq divides "
            "each contribution to a row by how often that row occurs in this call's indices."
        ),
        answer=_scale_grad_answer(),
        normalize=_rounded,
        wrong={
            3.0: mark("That is the gradient without scale_grad_by_freq."),
            _rounded(1 / 3): mark("That is one contribution after scaling; row 2 receives several of them."),
            _rounded(1 / 9): mark("Each contribution is divided once, by the row's count."),
            0.0: mark("Row 2 is looked up, so its gradient is not zero."),
        },
        fallback=mark("Count how often row 2 occurs, scale each contribution, then add them up."),
        explanation=mark(
            "Row 2 occurs 3 times; each of its 3 contributions of 1 is divided by 3, and they add up to "
            "1.0: a frequent row gets the gradient of one occurrence, as a rare one does."
        ),
    ),
    QuestionExercise(
        name="sparse_grad_nnz",
        title=mark(
            "nn.Embedding(10, 1, sparse=True, padding_idx=0) looks up indices [[4, 7, 4], [9, 4, 0]]. "
            "How many value rows does weight.grad (an uncoalesced sparse tensor) hold? Give an int."
        ),
        hint=mark(
            "A sparse gradient stores one (row, value) pair per looked-up position, repeats and all, "
            "until it is coalesced; positions holding the padding_idx are left out."
        ),
        answer=_sparse_nnz_answer(),
        normalize=whole_number,
        wrong={
            6: mark("Positions holding the padding_idx are left out of the sparse gradient."),
            3: mark("That counts distinct rows, as after .coalesce(); before it, repeats are kept."),
            4: mark("Repeats are kept (no coalescing), and the padding position is left out."),
            10: mark("That is the number of rows of the dense gradient, not of the sparse one."),
        },
        fallback=mark("Count the looked-up positions, then remove those that hold the padding_idx."),
        explanation=mark(
            "6 positions, minus the one holding padding_idx 0, gives 5 value rows; row 4 appears 3 times "
            "among them. .coalesce() would merge those into 3 rows (4, 7, 9)."
        ),
    ),
    FunctionExercise(
        name="fit_rows",
        title=mark(
            "Debug fit_rows(weight, indices, targets, steps=20, lr=0.1): `steps` Adam steps of "
            "sum((layer(indices) - targets)**2) on a sparse gradient, returning the new table "
            "and leaving `weight` as it was."
        ),
        hint=mark(
            "Run it and read each error: sparse=True with scale_grad_by_freq=True fails at backward, and Adam "
            "refuses a sparse gradient (torch.optim.SparseAdam takes one). When it runs, the check may still say "
            "your function changed `weight`: nn.Embedding.from_pretrained shares memory with the tensor you "
            "give it, and torch.as_tensor(weight) shares memory with the NumPy array — copy it (torch.tensor(weight))."
        ),
        arg_names=("weight", "indices", "targets"),
        cases=_fit_cases,
        reference=_fit_reference,
        model=fit_rows,
        diagnose=_diagnose_fit,
        explain_error=_explain_fit_error,
    ),
]
