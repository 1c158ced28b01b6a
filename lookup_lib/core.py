"""The lookup table, in plain NumPy, with ``torch.nn.functional.embedding``'s semantics.

Read this file top to bottom: ``one_hot`` → ``embedding`` (a lookup is just
``weight[indices]``) → ``one_hot_matmul`` (the same numbers, the expensive way) →
``renorm_`` (what ``max_norm`` does) → ``embedding_backward`` (a scatter-add).
There is no torch import here; ``tests/`` checks every function against torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lookup_lib import fast_scatter
from lookup_lib.checks import (
    as_grad,
    as_indices,
    as_table,
    as_weight,
    as_writable_float_table,
    check_bool,
    check_max_norm,
    check_positive_int,
    check_range,
    check_sparse_without_scaling,
    normalize_padding_idx,
)

__all__ = [
    "one_hot",
    "embedding",
    "one_hot_matmul",
    "renorm_",
    "row_norms",
    "renorm_rows",
    "embedding_backward",
    "SparseGrad",
]

# torch adds this to the norm before dividing, so a row is never divided by zero.
RENORM_EPS = 1e-7


def one_hot(indices: Any, num_classes: int = -1, dtype: Any = np.float32) -> np.ndarray:
    """One-hot encode integer indices (独热编码).

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        Class indices, each in ``[0, num_classes)``.
    num_classes : int, default -1
        Length of each one-hot vector (the vocabulary size V); -1: ``max(indices) + 1``, as in
        torch, which then needs at least one index (so does ``num_classes=0``).
    dtype : numpy dtype, default float32
        dtype of the result (``torch.nn.functional.one_hot`` returns int64; a float
        result is what gets multiplied with a weight matrix).

    Returns
    -------
    numpy.ndarray, shape (*S, num_classes)
        ``out[..., k] == 1`` exactly where ``indices == k``, 0 elsewhere.

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    >>> one_hot([1, 0]).shape  # num_classes inferred: max + 1
    (2, 2)
    """
    idx = as_indices(indices)
    if not (isinstance(num_classes, (int, np.integer)) and num_classes == -1):
        num_classes = check_positive_int(num_classes, "num_classes", allow_zero=True)
    if idx.size == 0 and num_classes <= 0:
        raise ValueError(f"cannot infer num_classes from empty indices (got num_classes={num_classes}); pass it")
    if num_classes == -1:
        check_range(idx, np.iinfo(np.int64).max, what="one-hot encoding")  # only negatives can fail here
        num_classes = int(idx.max()) + 1
    check_range(idx, num_classes, what="one-hot encoding")
    # Readable form: np.eye(num_classes)[idx]. Comparing against arange builds the same
    # array without first making the V x V identity matrix.
    return (idx[..., None] == np.arange(num_classes)).astype(dtype)


def embedding(
    indices: Any,
    weight: Any,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
) -> np.ndarray:
    """Look up rows of ``weight``: the forward pass of ``nn.Embedding`` (查找表).

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        Row numbers, each in ``[0, V)``; negative values are errors, as in torch.
    weight : array_like, shape (V, D)
        The table: one row of D numbers for each of the V categories.
    padding_idx : int, optional
        Checked (``[-V, V)``) but not used by the forward pass: like torch, the padding
        row is returned as it is stored. It only matters for the gradient.
    max_norm : float, optional
        If given, every *referenced* row whose ``norm_type``-norm exceeds ``max_norm`` is
        first rescaled **in place** in ``weight`` (see :func:`renorm_`).
    norm_type : float, default 2.0
        The p of the p-norm used with ``max_norm`` (``np.inf`` allowed).

    Returns
    -------
    numpy.ndarray, shape (*S, D), dtype of ``weight``
        ``out[s] == weight[indices[s]]`` bit for bit.

    Examples
    --------
    >>> weight = np.array([[0., 1.], [10., 11.], [20., 21.]], dtype=np.float32)
    >>> embedding([[2, 0], [1, 1]], weight)
    array([[[20., 21.],
            [ 0.,  1.]],
    <BLANKLINE>
           [[10., 11.],
            [10., 11.]]], dtype=float32)
    """
    table = as_table(weight, max_norm, "embedding")
    idx = as_indices(indices)
    normalize_padding_idx(padding_idx, table.shape[0])
    check_max_norm(max_norm, norm_type)
    check_range(idx, table.shape[0])
    if max_norm is not None:
        idx = idx.copy()  # read the indices before the renorm writes: they may be a view of the table's bytes
        renorm_rows(table, idx, max_norm, norm_type)
    return np.take(table, idx, axis=0)  # table[idx]; np.take copies whole rows at once: faster for short rows


def one_hot_matmul(indices: Any, weight: Any) -> np.ndarray:
    """The lookup computed as a matrix product: ``one_hot(indices, V) @ weight``.

    Same values as :func:`embedding` for finite tables (a -0.0 entry comes out as +0.0,
    and a NaN or inf anywhere in ``weight`` spreads into every output row, because
    ``0 * inf`` is NaN). It costs O(N·V·D) multiply-adds instead of O(N·D) copies.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
    weight : array_like, shape (V, D)

    Returns
    -------
    numpy.ndarray, shape (*S, D)

    Examples
    --------
    >>> weight = np.array([[0., 1.], [10., 11.], [20., 21.]], dtype=np.float32)
    >>> one_hot_matmul([2, 0], weight)
    array([[20., 21.],
           [ 0.,  1.]], dtype=float32)
    """
    table = as_weight(weight)
    return one_hot(indices, table.shape[0], dtype=table.dtype) @ table


def row_norms(rows: Any, norm_type: float = 2.0) -> np.ndarray:
    """The ``norm_type``-norm of each row, computed as torch's CPU kernel computes it, returned as float64.

    For float32 and float64 rows, norms 1, 2 and inf are torch's numbers bit for bit: the 1-norm is a
    running sum in the rows' dtype, the inf-norm the largest ``|x|``, and the 2-norm follows torch's
    vectorised loop (:func:`_two_norm`). Other p, and other dtypes, are computed in float64 and
    rounded to the rows' dtype (torch's may be an ulp away).

    Examples
    --------
    >>> row_norms(np.array([[3., -4.]]), 2.0), row_norms(np.array([[3., -4.]]), 1.0)
    (array([5.]), array([7.]))
    """
    r = np.abs(np.asarray(rows))
    exact = r.dtype in (np.float32, np.float64) and r.shape[-1] > 0
    if np.isinf(norm_type):
        return r.max(axis=-1, initial=0).astype(np.float64)
    if exact and norm_type == 1:
        return np.add.accumulate(r, axis=-1)[..., -1].astype(np.float64)  # one after the other, in order
    if exact and norm_type == 2:
        return _two_norm(r.reshape(-1, r.shape[-1])).reshape(r.shape[:-1]).astype(np.float64)
    r = r.astype(np.float64)
    norms = (r**norm_type).sum(axis=-1) ** (1.0 / norm_type)
    out_dtype = rows.dtype if getattr(rows, "dtype", np.dtype(float)).kind == "f" else np.float64
    return norms.astype(out_dtype).astype(np.float64)


# True: torch's AVX2 / AVX512 kernels (x86-64), whose leftover loop uses fused multiply-adds;
# False: its portable kernel (ATEN_CPU_CAPABILITY=default), no fused multiply-add.
NORM_FMA = True


def _two_norm(r: np.ndarray) -> np.ndarray:
    """``sqrt(sum(x * x))`` per row of the (R, D) float array ``r``, summed in torch's order.

    torch's CPU loop keeps one 32-byte register of partial sums (8 float32 or 4 float64 lanes):
    lane j adds the squares of elements j, j + L, j + 2L, ... of the whole blocks of L; then the
    lanes are added one after the other; then the leftover elements (fewer than L) are added one
    by one, with fused multiply-adds under ``NORM_FMA`` (for float32, the leftover's first 4 are
    squared in one plain 4-lane step first, as the compiled code does).
    """
    lanes = 32 // r.itemsize
    body = r.shape[1] - r.shape[1] % lanes
    total = np.zeros(len(r), r.dtype)
    if body:
        squares = (r[:, :body] * r[:, :body]).reshape(len(r), body // lanes, lanes)
        partial = np.add.accumulate(squares, axis=1)[:, -1]  # (R, L): lane j's running sum
        total = np.add.accumulate(partial, axis=1)[:, -1]
    plain = body + (4 if r.dtype == np.float32 and r.shape[1] - body >= 4 else 0)
    for d in range(body, r.shape[1]):
        x = r[:, d]
        total = _fma(x, x, total) if NORM_FMA and d >= plain else total + x * x
    return np.sqrt(total)


def _fma(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``a * b + c`` rounded once (float32 via float64: exact but for a double rounding, about 1 in 2**29)."""
    if a.dtype == np.float32:
        return (a.astype(np.float64) * b + c).astype(np.float32)
    # float64: the product's exact rounding error (Dekker's split), then the sum's (Knuth's two-sum).
    split = a * 134217729.0
    hi = split - (split - a)
    lo = a - hi
    bhi = (b * 134217729.0) - ((b * 134217729.0) - b)
    blo = b - bhi
    p = a * b
    p_err = ((hi * bhi - p) + hi * blo + lo * bhi) + lo * blo
    s = p + c
    z = s - p
    s_err = (p - (s - z)) + (c - z)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(s), s + (s_err + p_err), s)


def renorm_rows(table: np.ndarray, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """The in-place step of :func:`renorm_`, on inputs that are already checked (a float table, valid indices).

    Each distinct row once, in sorted order, as torch does: its norm (:func:`row_norms`, torch's
    numbers), then ``scale = max_norm / (norm + 1e-7)`` in double, then the row times the scale
    converted to the row's dtype (torch's ``row *= scale``).
    """
    rows = np.unique(idx)
    norms = row_norms(table[rows], norm_type)
    too_long = norms > max_norm
    scale = max_norm / (norms[too_long] + RENORM_EPS)  # in double, like torch
    table[rows[too_long]] *= scale.astype(table.dtype)[:, None]


def renorm_(weight: Any, indices: Any, max_norm: float, norm_type: float = 2.0) -> np.ndarray:
    """Rescale, in place, the referenced rows whose norm exceeds ``max_norm``.

    Each distinct row ``k`` in ``indices`` with ``norm = ||weight[k]||_p > max_norm`` is
    multiplied by ``max_norm / (norm + 1e-7)``, so its new norm lands within a few ulps of
    ``max_norm``: usually at or just below it, but in float32 sometimes above (``[4.4, -7.1]`` with
    ``max_norm=2.0`` ends at 2.0000002, one ulp above; lesson 04 measures how often).
    Rows that are not referenced, and rows already short enough, stay bit for bit the same.
    This is ``torch.embedding_renorm_``, which ``F.embedding(..., max_norm=...)`` calls.

    Parameters
    ----------
    weight : numpy.ndarray of float, shape (V, D)
        Changed in place (a CPU torch tensor works too: its memory is shared).
    indices : array_like of int
        The rows to consider; repeats count once.
    max_norm : float
        Largest allowed norm, > 0.
    norm_type : float, default 2.0
        p of the p-norm, > 0; ``np.inf`` gives the largest absolute entry.

    Returns
    -------
    numpy.ndarray
        ``weight`` itself (the same object), for chaining.

    Examples
    --------
    >>> w = np.array([[3., 4.], [0.3, 0.4]], dtype=np.float32)
    >>> renorm_(w, [0, 1, 0], max_norm=1.0) is w
    True
    >>> w
    array([[0.6, 0.8],
           [0.3, 0.4]], dtype=float32)
    """
    table = as_writable_float_table(weight, "renorm_")
    idx = as_indices(indices).copy()  # a copy: the indices may be a view of the table's own bytes
    if max_norm is None:
        raise ValueError("renorm_ needs a max_norm, got None")
    check_max_norm(max_norm, norm_type)
    check_range(idx, table.shape[0])
    renorm_rows(table, idx, max_norm, norm_type)
    return table


def scatter_add_rows(rows: np.ndarray, values: np.ndarray, num_rows: int) -> np.ndarray:
    """``out = zeros((num_rows, D)); for i: out[rows[i]] += values[i]``: the whole backward of a lookup.

    ``np.add.at`` is unbuffered: a row that occurs several times receives every one of its values,
    added one after the other in input order, which is the order torch adds them (float addition is
    not associative, so the order decides the last bits). ``out[rows] += values`` would keep only
    one value per repeated row.

    With ``FAST_SCATTER`` (the default) the same numbers, bit for bit, come from
    :func:`lookup_lib.fast_scatter.scatter_add_rows`, several times faster on large batches;
    ``tests/reference/test_fast_scatter.py`` proves the two equal on random cases with heavy repeats.

    Examples
    --------
    >>> scatter_add_rows(np.array([2, 0, 2]), np.array([[1.], [10.], [100.]]), 3)
    array([[ 10.],
           [  0.],
           [101.]])
    """
    if FAST_SCATTER:
        return fast_scatter.scatter_add_rows(rows, values, num_rows)
    out = np.zeros((num_rows, values.shape[-1]), dtype=values.dtype)
    np.add.at(out, rows, values)  # unbuffered: repeats accumulate, in input order
    return out


# The one switch between the readable scatter-add above and the fast one (same numbers, bit for bit).
FAST_SCATTER = True


@dataclass(frozen=True)
class SparseGrad:
    """A sparse (COO) gradient for a (V, D) table, as ``sparse=True`` produces.

    Uncoalesced like torch's: ``indices[i]`` is the row that ``values[i]`` belongs to, in
    input order, and a row may appear several times. ``to_dense()`` adds them up.

    Attributes
    ----------
    indices : numpy.ndarray of int64, shape (nnz,)
    values : numpy.ndarray, shape (nnz, D)
    shape : tuple (V, D)
    """

    indices: np.ndarray
    values: np.ndarray
    shape: tuple[int, int]

    def to_dense(self) -> np.ndarray:
        """The (V, D) array with every value row added into its row."""
        return scatter_add_rows(self.indices, self.values, self.shape[0])

    def coalesce(self) -> SparseGrad:
        """Sorted, unique indices, each with the sum of its value rows."""
        rows = np.unique(self.indices)
        return SparseGrad(rows, self.to_dense()[rows], self.shape)

    @property
    def nnz(self) -> int:
        """Number of stored value rows (repeats included)."""
        return int(self.indices.shape[0])

    def __add__(self, other: SparseGrad) -> SparseGrad:
        """Concatenate two sparse gradients of the same shape (what accumulation does)."""
        if not isinstance(other, SparseGrad) or other.shape != self.shape:
            return NotImplemented
        return SparseGrad(
            np.concatenate([self.indices, other.indices]),
            np.concatenate([self.values, other.values]),
            self.shape,
        )


def embedding_backward(
    grad_output: Any,
    indices: Any,
    num_embeddings: int,
    padding_idx: int | None = None,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> np.ndarray | SparseGrad:
    """Gradient of the loss with respect to the table, given the gradient of the output.

    Since ``out[s] = weight[indices[s]]``, row ``k`` of the gradient is the sum of the
    ``grad_output[s]`` at every position ``s`` where ``indices[s] == k``: a scatter-add.
    Repeated indices accumulate; rows never looked up get 0; the padding row gets exactly 0.

    Parameters
    ----------
    grad_output : array_like, shape (*S, D)
        Gradient of the loss with respect to the output of the lookup.
    indices : array_like of int, shape (*S)
        The indices of the forward pass.
    num_embeddings : int
        V, the number of rows of the table.
    padding_idx : int, optional
        In ``[-V, V)``; this row's gradient is zero.
    scale_grad_by_freq : bool, default False
        Divide each contribution to row ``k`` by how often ``k`` occurs in ``indices``
        (all of it, the whole mini-batch).
    sparse : bool, default False
        Return a :class:`SparseGrad` instead of a dense array. Not allowed together with
        ``scale_grad_by_freq`` (torch refuses that combination too).

    Returns
    -------
    numpy.ndarray, shape (V, D), or SparseGrad

    Examples
    --------
    >>> g = np.array([[1., 1.], [2., 2.], [4., 4.]], dtype=np.float32)
    >>> embedding_backward(g, [0, 2, 0], num_embeddings=3)
    array([[5., 5.],
           [0., 0.],
           [2., 2.]], dtype=float32)
    """
    idx = as_indices(indices)
    grad = as_grad(grad_output)
    num_embeddings = check_positive_int(num_embeddings, "num_embeddings", allow_zero=True)
    scale_grad_by_freq = check_bool(scale_grad_by_freq, "scale_grad_by_freq")
    sparse = check_bool(sparse, "sparse")
    if grad.shape[:-1] != idx.shape or grad.ndim != idx.ndim + 1:
        raise ValueError(
            f"grad_output must have shape (*indices.shape, D) = {idx.shape + ('D',)}, got {grad.shape}"
        )
    pad = normalize_padding_idx(padding_idx, num_embeddings)
    check_sparse_without_scaling(sparse, scale_grad_by_freq)
    check_range(idx, num_embeddings)

    rows = idx.reshape(-1).astype(np.int64)
    values = grad.reshape(rows.shape[0], grad.shape[-1])
    keep = rows != pad if pad is not None else np.ones(rows.shape, dtype=bool)
    if sparse:
        return SparseGrad(rows[keep], values[keep], (num_embeddings, grad.shape[-1]))
    counts = np.bincount(rows, minlength=num_embeddings) if scale_grad_by_freq else None  # padding counts too
    if not keep.all():
        rows, values = rows[keep], values[keep]
    if counts is not None:
        values = values * (1.0 / counts[rows]).astype(values.dtype)[:, None]
    return scatter_add_rows(rows, values, num_embeddings)
