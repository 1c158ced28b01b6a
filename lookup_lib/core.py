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
    as_indices,
    as_weight,
    as_writable_float_table,
    check_max_norm,
    check_positive_int,
    check_range,
    check_sparse_without_scaling,
    from_torch,
    normalize_padding_idx,
)

__all__ = [
    "one_hot",
    "embedding",
    "one_hot_matmul",
    "renorm_",
    "row_norms",
    "embedding_backward",
    "SparseGrad",
]

# torch adds this to the norm before dividing, so a row is never divided by zero.
RENORM_EPS = 1e-7


def one_hot(indices: Any, num_classes: int, dtype: Any = np.float32) -> np.ndarray:
    """One-hot encode integer indices (独热编码).

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        Class indices, each in ``[0, num_classes)``.
    num_classes : int
        Length of each one-hot vector (the vocabulary size V).
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
    """
    idx = as_indices(indices)
    num_classes = check_positive_int(num_classes, "num_classes", allow_zero=True)
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
    idx = as_indices(indices)
    if max_norm is not None:
        table = as_writable_float_table(weight, "embedding with max_norm")
    else:
        table = as_weight(weight)
    normalize_padding_idx(padding_idx, table.shape[0])
    check_max_norm(max_norm, norm_type)
    check_range(idx, table.shape[0])
    if max_norm is not None:
        _renorm_rows(table, idx, max_norm, norm_type)
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


def row_norms(rows: np.ndarray, norm_type: float = 2.0) -> np.ndarray:
    """The ``norm_type``-norm of each row, computed in float64 and rounded to the rows' dtype.

    torch computes the norm of a float32 row in float32 and reads it back as a double;
    rounding our float64 norm to the row's dtype gives the same number (or one a unit in
    the last place away, since the sum runs in another order).

    Examples
    --------
    >>> row_norms(np.array([[3., -4.]]), 2.0), row_norms(np.array([[3., -4.]]), 1.0)
    (array([5.]), array([7.]))
    """
    r = np.abs(np.asarray(rows, dtype=np.float64))
    if np.isinf(norm_type):
        norms = r.max(axis=-1, initial=0.0)
    elif norm_type == 1:
        norms = r.sum(axis=-1)
    elif norm_type == 2:
        norms = np.sqrt((r * r).sum(axis=-1))
    else:
        norms = (r**norm_type).sum(axis=-1) ** (1.0 / norm_type)
    out_dtype = rows.dtype if rows.dtype.kind == "f" else np.float64
    return norms.astype(out_dtype).astype(np.float64)


def _renorm_rows(table: np.ndarray, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """The in-place step of :func:`renorm_`, on inputs that are already checked."""
    rows = np.unique(idx)  # each distinct row once, in sorted order, as torch does
    norms = row_norms(table[rows], norm_type)
    too_long = norms > max_norm
    scale = max_norm / (norms[too_long] + RENORM_EPS)  # in double, like torch
    # torch multiplies the float row by the scale converted to the row's dtype.
    table[rows[too_long]] *= scale.astype(table.dtype)[:, None]


def renorm_(weight: Any, indices: Any, max_norm: float, norm_type: float = 2.0) -> np.ndarray:
    """Rescale, in place, the referenced rows whose norm exceeds ``max_norm``.

    Each distinct row ``k`` in ``indices`` with ``norm = ||weight[k]||_p > max_norm`` is
    multiplied by ``max_norm / (norm + 1e-7)``, so its norm lands just below ``max_norm``.
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
    idx = as_indices(indices)
    if max_norm is None:
        raise ValueError("renorm_ needs a max_norm, got None")
    check_max_norm(max_norm, norm_type)
    check_range(idx, table.shape[0])
    _renorm_rows(table, idx, max_norm, norm_type)
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
    grad = np.asarray(from_torch(grad_output))
    num_embeddings = check_positive_int(num_embeddings, "num_embeddings", allow_zero=True)
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
