"""Lesson 05 exercises: what scale_grad_by_freq and a sparse gradient hold (answers computed by lookup_lib)."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import QuestionExercise
from lookup_lib.lessons.kit.feedback import number, whole_number


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


def _count(value) -> int:
    return whole_number(value)


EXERCISES = [
    QuestionExercise(
        name="scale_grad_row",
        title=(
            "nn.Embedding(6, 3, scale_grad_by_freq=True) looks up indices [2, 2, 2, 5] and every entry of "
            "grad_output is 1. Give grad_weight[2, 0] as a number."
        ),
        hint=(
            "Without scaling, row 2 would collect three contributions of 1. scale_grad_by_freq divides "
            "each contribution to a row by how often that row occurs in the batch."
        ),
        answer=_scale_grad_answer(),
        normalize=_rounded,
        wrong={
            3.0: "That is the gradient without scale_grad_by_freq.",
            _rounded(1 / 3): "That is one contribution after scaling; row 2 receives several of them.",
            _rounded(1 / 9): "Each contribution is divided once, by the row's count.",
            0.0: "Row 2 is looked up, so its gradient is not zero.",
        },
        fallback="Count how often row 2 occurs, scale each contribution, then add them up.",
        explanation=(
            "Row 2 occurs 3 times; each of its 3 contributions of 1 is divided by 3, and they add up to "
            "1.0: a frequent row gets the gradient of one occurrence, as a rare one does."
        ),
    ),
    QuestionExercise(
        name="sparse_grad_nnz",
        title=(
            "nn.Embedding(10, 1, sparse=True, padding_idx=0) looks up indices [[4, 7, 4], [9, 4, 0]]. "
            "How many value rows does weight.grad (an uncoalesced sparse tensor) hold? Give an int."
        ),
        hint=(
            "A sparse gradient stores one (row, value) pair per looked-up position, repeats and all, "
            "until it is coalesced; positions holding the padding_idx are left out."
        ),
        answer=_sparse_nnz_answer(),
        normalize=_count,
        wrong={
            6: "Positions holding the padding_idx are left out of the sparse gradient.",
            3: "That counts distinct rows, as after .coalesce(); before it, repeats are kept.",
            4: "Repeats are kept (no coalescing), and the padding position is left out.",
            10: "That is the number of rows of the dense gradient, not of the sparse one.",
        },
        fallback="Count the looked-up positions, then remove those that hold the padding_idx.",
        explanation=(
            "6 positions, minus the one holding padding_idx 0, gives 5 value rows; row 4 appears 3 times "
            "among them. .coalesce() would merge those into 3 rows (4, 7, 9)."
        ),
    ),
]
