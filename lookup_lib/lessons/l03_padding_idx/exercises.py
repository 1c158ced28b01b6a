"""Lesson 03 exercises: the gradient of the lookup as a scatter-add, which rows a padding batch trains, and
(transfer) max-pooling a padded batch over its real tokens, all-padding sentences included."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import close, row_numbers
from lookup_lib.lessons.kit.i18n import mark, t


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


def masked_max(rows, mask):
    rows = np.asarray(rows, dtype=np.float64)  # (B, T, D)
    mask = np.asarray(mask, dtype=bool)[..., None]  # (B, T, 1)
    pooled = np.where(mask, rows, -np.inf).max(axis=1, initial=-np.inf)  # (B, D): padding can never win
    return np.where(mask.any(axis=1), pooled, 0.0)  # a sentence without real tokens gets zeros, not -inf


# -- cases ------------------------------------------------------------------------------------------
def _case(label: str, indices, num_embeddings: int = 6, dim: int = 2, seed: int = 0, **options) -> Case:
    """grad_output of small whole numbers, so that sums are exact and easy to read."""
    idx = np.array(indices, dtype=np.int64)
    grad = np.random.default_rng(seed).integers(1, 10, size=(*idx.shape, dim)).astype(np.float32)
    return Case(label, (grad, idx, num_embeddings), options)


def _backward_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    return [
        _case(mark("distinct indices"), [4, 1, 2], seed=1),
        _case(mark("repeated unsorted indices"), [3, 1, 3, 0, 3], seed=2),
        _case(mark("2-D indices"), [[5, 0, 0], [3, 5, 0]], seed=3),
        _case("padding_idx=0", [[5, 0, 0], [3, 5, 0]], seed=4, padding_idx=0),
        _case(mark("negative padding_idx=-1 (the last row)"), [[5, 2], [5, 1]], seed=5, padding_idx=-1),
        _case("scale_grad_by_freq=True", [3, 1, 3, 0, 3], seed=6, scale_grad_by_freq=True),
        _case(
            mark("scale_grad_by_freq with padding_idx=2"), [2, 4, 2, 4, 4, 1], seed=7, padding_idx=2,
            scale_grad_by_freq=True,
        ),
        _case(mark("empty index array"), [], seed=8),
        _case(mark("3-D indices"), rng.integers(0, 6, size=(2, 3, 2)), dim=3, seed=9),
    ]


def _reference(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False) -> np.ndarray:
    return core.embedding_backward(grad_output, indices, num_embeddings, padding_idx, scale_grad_by_freq)


def _pool_case(
    label: str, lengths: list[int], dim: int = 3, seed: int = 0, pad_value: float = 0.0, width: int | None = None
) -> Case:
    """Looked-up rows of a padded batch, mostly negative (so a zero padding row would win a plain max)."""
    rng = np.random.default_rng(seed)
    width = max(lengths) if width is None else width
    rows = rng.integers(-9, 3, size=(len(lengths), width, dim)).astype(np.float32)
    mask = np.arange(width) < np.array(lengths, dtype=np.int64)[:, None]  # (B, T)
    rows[~mask] = pad_value  # what the padding row holds
    return Case(label, (rows, mask))


def _masked_max_cases() -> list[Case]:
    return [
        _pool_case(mark("sentences of lengths 4, 2, 3"), [4, 2, 3], seed=1),
        _pool_case(mark("negative vectors, a zero padding row"), [2, 1, 3], seed=2),
        _pool_case(mark("an all-padding sentence"), [3, 0, 2], seed=3),
        _pool_case(mark("a padding row that is not zero (loaded weights)"), [1, 3, 2], seed=4, pad_value=5.0),
        _pool_case(mark("every sentence all padding (a fixed width of 3)"), [0, 0], seed=5, pad_value=1.0, width=3),
        Case(mark("one long sentence, D = 1"), (np.array([[[-3.0], [-1.0], [-2.0]]]), np.array([[True, True, True]]))),
    ]


def _masked_max_reference(rows, mask) -> np.ndarray:
    return masked_max(rows, mask)


def _diagnose_masked_max(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    rows, mask = (np.asarray(a) for a in case.args)
    empty = ~mask.any(axis=1)
    if got.shape != expected.shape:
        if got.shape == rows.shape[1:] or got.shape == (rows.shape[0], rows.shape[1]):
            return t("pool over the tokens (axis 1) only: the result has one vector per sentence, shape (B, D).")
        return None
    if np.isinf(got).any() or np.isnan(got).any():
        if empty.any() and (np.isinf(got[empty]).any() or np.isnan(got[empty]).any()):
            return t(
                "a sentence with no real token gave -inf or NaN (the max over nothing): give it zeros, "
                "as the masked mean does."
            )
    plain = rows.shape[1] and close(got, rows.max(axis=1))
    zeroed = rows.shape[1] and close(got, np.where(mask[..., None], rows, 0.0).max(axis=1))
    if plain and zeroed:
        return t(
            "the padding positions took part in the max, and their 0 beats negative entries; multiplying by the "
            "mask would not help (it makes padding 0 too): padding must be lower than any real value (-inf)."
        )
    if plain:
        return t("the padding positions took part in the max: use the mask, so that padding can never win.")
    if zeroed:
        return t(
            "multiplying by the mask sets padding to 0, and 0 wins over negative entries: "
            "padding must be lower than any real value (fill it with -inf, or take the max over real tokens only)."
        )
    if close(got, np.where(mask[..., None], rows, 0.0).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]):
        return t("that is the masked mean: this exercise takes the largest entry over the real tokens.")
    return None


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    grad, indices, num_embeddings = case.args
    padding_idx = case.kwargs.get("padding_idx")
    scale = case.kwargs.get("scale_grad_by_freq", False)
    dim = grad.shape[-1]
    if num_embeddings != dim and got.shape == (dim, num_embeddings):
        return t("the gradient has the table's shape (V, D): one row per row of weight.")
    if got.shape != expected.shape:
        return None
    if padding_idx is not None and close(got, _reference(grad, indices, num_embeddings, None, scale)):
        if padding_idx < 0:
            return t(
                "padding_idx={padding_idx} counts from the end: it is row {row}, "
                "and that row's gradient must be zero.", padding_idx=padding_idx, row=num_embeddings + padding_idx
            )
        return t("forgot padding: the padding row must get exactly zero gradient.")
    if scale and close(got, _reference(grad, indices, num_embeddings, padding_idx, False)):
        return t("ignored scale_grad_by_freq: divide each contribution to row k by how often k occurs in indices.")
    for shift in (-1, 1):
        if close(got, np.roll(expected, shift, axis=0)):
            return t("off by one: the gradient of index k belongs in row k, but it landed in row k{shift:+d}.",
                     shift=shift)
    wrong_rows = np.flatnonzero(~np.isclose(got, expected, rtol=1e-5, atol=1e-6).all(axis=1))
    counts = np.bincount(indices.reshape(-1), minlength=num_embeddings)
    if wrong_rows.size and (counts[wrong_rows] > 1).all():
        if wrong_rows.size > 1:
            return t(
                "rows {rows} were overwritten, not accumulated — look at repeated indices: "
                "grad_weight[indices] += ... keeps only one of them; np.add.at adds them all.",
                rows=", ".join(str(r) for r in wrong_rows),
            )
        return t(
            "row {row} was overwritten, not accumulated — look at repeated indices: "
            "grad_weight[indices] += ... keeps only one of them; np.add.at adds them all.",
            row=wrong_rows[0],
        )
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="embedding_backward",
        title=mark(
            "Write embedding_backward(grad_output, indices, num_embeddings, padding_idx=None, "
            "scale_grad_by_freq=False) → the dense (V, D) gradient of the table."
        ),
        hint=mark(
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
    FunctionExercise(
        name="masked_max",
        title=mark(
            "Write masked_max(rows, mask): rows (B, T, D), mask (B, T) True at real tokens → (B, D), the largest "
            "entry over each sentence's real tokens; zeros for a sentence without any."
        ),
        hint=mark(
            "Multiplying by the mask worked for the sum because 0 adds nothing; for a max, 0 can win (the entries "
            "may all be negative). Put -inf at the padding positions (np.where or torch.masked_fill), take the max "
            "over axis 1, then replace the rows of sentences without real tokens (mask.any(axis=1) is False) by 0."
        ),
        arg_names=("rows", "mask"),
        cases=_masked_max_cases,
        reference=_masked_max_reference,
        model=masked_max,
        diagnose=_diagnose_masked_max,
    ),
    QuestionExercise(
        name="padding_grad_rows",
        title=mark("Give the rows as a sorted list of ints, e.g. [1, 2]."),
        hint=mark(
            "Row k gets gradient only if k occurs in the indices; the padding row gets exactly zero "
            "gradient however often it occurs."
        ),
        answer=(3, 5),
        shown="[3, 5]",
        normalize=row_numbers,
        wrong={
            (0, 3, 5): mark("Index 0 is the padding_idx: its row gets exactly zero gradient."),
            (0,): mark("The padding row is the one row that never gets gradient."),
            (3,): mark("Another row also occurs in the indices and is not the padding row."),
            (5,): mark("Another row also occurs in the indices and is not the padding row."),
            (0, 1, 2, 3, 4, 5): mark("A row that is never looked up gets zero gradient."),
            (1, 2, 4): mark("These rows never occur in the indices, so their gradient is zero."),
        },
        fallback=mark("Which rows occur in the indices, and which of them is the padding row?"),
        explanation=mark(
            "Rows 3 and 5 occur in the indices. Row 0 occurs three times but is the padding "
            "row, so its gradient is exactly zero; rows 1, 2 and 4 are never looked up."
        ),
    ),
]
