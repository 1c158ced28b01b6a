"""Lesson 03 exercises: the gradient of the lookup as a scatter-add, and which rows a padding batch trains."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, row_numbers


# -- model solution (what solution() shows) -------------------------------------------------------
def embedding_backward(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    indices = np.asarray(indices).reshape(-1)  # (N,)
    grad_output = np.asarray(grad_output)
    grad_rows = grad_output.reshape(indices.shape[0], grad_output.shape[-1])  # (N, D)
    if scale_grad_by_freq:
        counts = np.bincount(indices, minlength=num_embeddings)  # how often each row is used
        grad_rows = grad_rows / counts[indices][:, None]
    grad_weight = np.zeros((num_embeddings, grad_output.shape[-1]), dtype=grad_output.dtype)
    np.add.at(grad_weight, indices, grad_rows)  # repeated indices add up (grad_weight[indices] += would not)
    if padding_idx is not None:
        grad_weight[padding_idx] = 0  # a negative padding_idx counts from the end, like any index
    return grad_weight


# -- cases ------------------------------------------------------------------------------------------
def _case(label: str, indices, num_embeddings: int = 6, dim: int = 2, seed: int = 0, **options) -> Case:
    """grad_output of small whole numbers, so that sums are exact and easy to read."""
    idx = np.array(indices, dtype=np.int64)
    grad = np.random.default_rng(seed).integers(1, 10, size=(*idx.shape, dim)).astype(np.float32)
    return Case(label, (grad, idx, num_embeddings), options)


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    return [
        _case("distinct indices", [4, 1, 2], seed=1),
        _case("repeated unsorted indices", [3, 1, 3, 0, 3], seed=2),
        _case("2-D indices", [[5, 0, 0], [3, 5, 0]], seed=3),
        _case("padding_idx=0", [[5, 0, 0], [3, 5, 0]], seed=4, padding_idx=0),
        _case("negative padding_idx=-1 (the last row)", [[5, 2], [5, 1]], seed=5, padding_idx=-1),
        _case("scale_grad_by_freq=True", [3, 1, 3, 0, 3], seed=6, scale_grad_by_freq=True),
        _case(
            "scale_grad_by_freq with padding_idx=2", [2, 4, 2, 4, 4, 1], seed=7, padding_idx=2, scale_grad_by_freq=True
        ),
        _case("empty index array", [], seed=8),
        _case("3-D indices", rng.integers(0, 6, size=(2, 3, 2)), dim=3, seed=9),
    ]


def _reference(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False) -> np.ndarray:
    return core.embedding_backward(grad_output, indices, num_embeddings, padding_idx, scale_grad_by_freq)


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    grad, indices, num_embeddings = case.args
    padding_idx = case.kwargs.get("padding_idx")
    scale = case.kwargs.get("scale_grad_by_freq", False)
    dim = grad.shape[-1]
    if num_embeddings != dim and got.shape == (dim, num_embeddings):
        return "the gradient has the table's shape (V, D): one row per row of weight."
    if got.shape != expected.shape:
        return None
    if padding_idx is not None and close(got, _reference(grad, indices, num_embeddings, None, scale)):
        if padding_idx < 0:
            return (
                f"padding_idx={padding_idx} counts from the end: it is row {num_embeddings + padding_idx}, "
                "and that row's gradient must be zero."
            )
        return "forgot padding: the padding row must get exactly zero gradient."
    if scale and close(got, _reference(grad, indices, num_embeddings, padding_idx, False)):
        return "ignored scale_grad_by_freq: divide each contribution to row k by how often k occurs in indices."
    for shift in (-1, 1):
        if close(got, np.roll(expected, shift, axis=0)):
            return f"off by one: the gradient of index k belongs in row k, but it landed in row k{shift:+d}."
    wrong_rows = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5, atol=1e-6).all(axis=1))
    counts = np.bincount(indices.reshape(-1), minlength=num_embeddings)
    if wrong_rows.size and (counts[wrong_rows] > 1).all():
        rows = (
            f"rows {', '.join(str(r) for r in wrong_rows)} were" if wrong_rows.size > 1 else f"row {wrong_rows[0]} was"
        )
        return (
            f"{rows} overwritten, not accumulated — look at repeated indices: "
            "grad_weight[indices] += ... keeps only one of them; np.add.at adds them all."
        )
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="embedding_backward",
        title=(
            "Write embedding_backward(grad_output, indices, num_embeddings, padding_idx=None, "
            "scale_grad_by_freq=False) → the dense (V, D) gradient of the table."
        ),
        hint=(
            "Row k of the gradient is the sum of grad_output at every position where indices == k. "
            "Flatten indices to (N,) and grad_output to (N, D), then add each row into place with "
            "np.add.at (a plain `+=` with repeated indices adds only once). Then handle padding_idx "
            "(that row gets 0) and scale_grad_by_freq (divide by how often each index occurs)."
        ),
        arg_names=("grad_output", "indices", "num_embeddings"),
        cases=_backward_cases,
        reference=_reference,
        model=embedding_backward,
        diagnose=_diagnose,
        shortcuts=("lookup_lib.embedding_backward", "lookup_lib.core.embedding_backward"),
    ),
    QuestionExercise(
        name="padding_grad_rows",
        title="Give the rows as a sorted list of ints, e.g. [1, 2].",
        hint=(
            "Row k gets gradient only if k occurs in the indices; the padding row gets exactly zero "
            "gradient however often it occurs."
        ),
        answer=(3, 5),
        shown="[3, 5]",
        normalize=row_numbers,
        wrong={
            (0, 3, 5): "Index 0 is the padding_idx: its row gets exactly zero gradient.",
            (0,): "The padding row is the one row that never gets gradient.",
            (3,): "Another row also occurs in the indices and is not the padding row.",
            (5,): "Another row also occurs in the indices and is not the padding row.",
            (0, 1, 2, 3, 4, 5): "A row that is never looked up gets zero gradient.",
            (1, 2, 4): "These rows never occur in the indices, so their gradient is zero.",
        },
        fallback="Which rows occur in the indices, and which of them is the padding row?",
        explanation=(
            "Rows 3 and 5 occur in the indices. Row 0 occurs three times but is the padding "
            "row, so its gradient is exactly zero; rows 1, 2 and 4 are never looked up."
        ),
    ),
]
