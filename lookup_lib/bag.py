"""Bags of embeddings, in plain NumPy, with ``torch.nn.functional.embedding_bag``'s semantics.

An embedding bag looks rows up as :func:`~lookup_lib.core.embedding` does, then reduces each
*bag* (a run of indices) to one row by ``sum``, ``mean`` or ``max``: a document of any length
becomes one vector. Read top to bottom: ``_bags`` (which entry goes into which bag) →
``embedding_bag`` → ``embedding_bag_backward``. No torch here; ``tests/test_bag.py`` compares.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from lookup_lib.checks import (
    as_array,
    as_grad,
    as_indices,
    as_table,
    as_weight,
    check_bool,
    check_max_norm,
    check_positive_int,
    check_range,
    check_sparse_without_scaling,
    from_torch,
    normalize_padding_idx,
)
from lookup_lib.core import SparseGrad, renorm_rows, scatter_add_rows

__all__ = ["bag_bounds", "embedding_bag", "embedding_bag_backward", "per_sample_weights_backward"]

MODES = ("sum", "mean", "max")


@dataclass(frozen=True)
class _Bags:
    """The entries of ``indices.reshape(-1)`` that count, bag after bag, in input order."""

    positions: np.ndarray  # (N,) where each counted entry sits in indices.reshape(-1)
    rows: np.ndarray  # (N,) its table row; padding entries are left out
    bag_of: np.ndarray  # (N,) its bag
    lengths: np.ndarray  # (B,) how many entries count in each bag
    looked_up: np.ndarray  # every row some bag refers to, padding included (for max_norm and frequencies)


def bag_bounds(indices: Any, offsets: Any = None, include_last_offset: bool = False) -> np.ndarray:
    """Where each bag starts and ends in the flat index stream: (B + 1,) int64, checked.

    Bag b is ``indices.reshape(-1)[bounds[b]:bounds[b + 1]]``. 1-D indices: the offsets followed by
    ``len(indices)`` (the last bag runs to the end), or the offsets alone with ``include_last_offset``.
    2-D indices (no offsets): one bag per row.

    Examples
    --------
    >>> bag_bounds([4, 0, 2, 2, 1], [0, 2]).tolist(), bag_bounds([4, 0, 2, 2], [0, 2, 4], True).tolist()
    ([0, 2, 5], [0, 2, 4])
    >>> bag_bounds([[1, 2, 3], [4, 5, 6]]).tolist()
    [0, 3, 6]
    """
    return _bag_bounds(as_indices(indices), offsets, include_last_offset)


def _bag_bounds(idx: np.ndarray, offsets: Any, include_last_offset: bool) -> np.ndarray:
    """(B + 1,) bounds: bag b is ``indices.reshape(-1)[bounds[b]:bounds[b + 1]]``."""
    if idx.ndim == 2:  # each row is one bag; include_last_offset has nothing to act on
        if offsets is not None:
            raise ValueError("2-D indices are already one bag per row, so offsets must be None")
        return np.arange(idx.shape[0] + 1) * idx.shape[1]
    if idx.ndim != 1:
        raise ValueError(f"indices must be 1-D (with offsets) or 2-D (one bag per row), got shape {idx.shape}")
    if offsets is None:
        raise ValueError("1-D indices need offsets (where each bag starts); for equal bags pass 2-D indices")
    offs = _as_offsets(offsets, idx.size, include_last_offset)
    # include_last_offset: torch documents the last offset as "the size of indices (CSR format)",
    # so it ends the last bag; indices after it (if any) belong to no bag. torch 2.13 on CPU
    # disagrees with itself there: sum stops at the last offset, mean divides that sum by the
    # count up to the end of indices, max reduces up to the end (pytorch issue #191965).
    return offs if include_last_offset else np.r_[offs, idx.size]


def _as_offsets(offsets: Any, num_indices: int, include_last_offset: bool) -> np.ndarray:
    """``offsets`` as a 1-D integer array that starts at 0, never decreases and stays in ``[0, num_indices]``."""
    offs = as_indices(offsets, "offsets").astype(np.int64)  # int64 or int32, as for indices
    if offs.ndim != 1:
        raise ValueError(f"offsets must be 1-D, got shape {offs.shape}")
    if include_last_offset and offs.size == 0:
        raise ValueError("include_last_offset=True needs at least one offset: the end of the last bag")
    if offs.size and offs[0] != 0:
        raise ValueError(f"offsets[0] must be 0 (the first bag starts at the first index), got {offs[0]}")
    drops = np.flatnonzero(np.diff(offs) < 0)
    if drops.size:
        i = int(drops[0])
        raise ValueError(f"offsets must not decrease, got offsets[{i}]={offs[i]} > offsets[{i + 1}]={offs[i + 1]}")
    if offs.size and offs[-1] > num_indices:
        raise ValueError(f"offsets[-1]={offs[-1]} is past the end of indices; offsets must lie in [0, {num_indices}]")
    return offs


def _bags(idx: np.ndarray, offsets: Any, include_last_offset: bool, pad: int | None) -> _Bags:
    """Split the indices into bags and drop the padding entries (they are skipped, not counted)."""
    bounds = _bag_bounds(idx, offsets, include_last_offset)
    positions = np.arange(bounds[0], bounds[-1])
    bag_of = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    looked_up = idx.reshape(-1)[positions]
    if pad is not None:
        keep = looked_up != pad
        positions, bag_of = positions[keep], bag_of[keep]
    lengths = np.bincount(bag_of, minlength=bounds.size - 1)
    return _Bags(positions, idx.reshape(-1)[positions], bag_of, lengths, looked_up)


def _check_per_sample_weights(psw: Any, mode: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray | None:
    """``per_sample_weights`` as an array of ``dtype`` (one weight per index), or None."""
    if psw is None:
        return None
    if mode != "sum":
        raise ValueError(f"per_sample_weights weight the terms of a sum, so they need mode='sum', got mode={mode!r}")
    arr = as_array(psw, "per_sample_weights")
    if arr.shape != shape:
        raise ValueError(f"per_sample_weights must have the shape of indices, {shape}, got {arr.shape}")
    if not isinstance(from_torch(psw), np.ndarray) and arr.dtype.kind in "fiu":
        arr = arr.astype(dtype)  # a list has no dtype of its own: take the weight's
    if arr.dtype != dtype:  # torch refuses to mix dtypes here; a silent cast could overflow (1e300 -> inf)
        raise TypeError(f"per_sample_weights must have the dtype of the weight, {dtype}, got dtype {arr.dtype}")
    return arr.copy()  # read before any max_norm writes: it might be a view of the table's bytes


def _layers(lengths: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """For k = 0, 1, 2, ...: the bags that have a k-th entry, and where that entry sits.

    Walking a bag's entries in order is ``for b: for i in range(starts[b], starts[b] + lengths[b])``;
    taking the k-th entry of every bag at once is the same walk, in far fewer NumPy calls.
    """
    starts = np.cumsum(lengths) - lengths
    for k in range(int(lengths.max(initial=0))):
        bags = np.flatnonzero(lengths > k)
        yield bags, starts[bags] + k


def _bag_sum(rows: np.ndarray, lengths: np.ndarray, weights: np.ndarray | None, fused: bool) -> np.ndarray:
    """``out[b] = ((0 + w0*r0) + w1*r1) + ...`` over bag b's rows, added in input order (the order torch uses)."""
    out = np.zeros((lengths.size, rows.shape[1]), dtype=rows.dtype)
    if weights is not None:
        # fused: each step computes acc + w*r with one rounding (a fused multiply-add). A product
        # of two float32 numbers is exact in float64, so adding in float64 and rounding back on
        # assignment gives the same numbers (a double-rounding tie aside, about 1 in 2**29).
        # Otherwise w*r is rounded first, then added.
        wide = np.float64 if fused else rows.dtype
        rows = rows.astype(wide) * weights.astype(wide)[:, None]
    for bags, entries in _layers(lengths):
        out[bags] = out[bags] + rows[entries]
    return out


def _bag_max(rows: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise max of each bag's rows, and which entry (a position in ``rows``) won; -1 for an empty bag."""
    best = np.zeros((lengths.size, rows.shape[1]), dtype=rows.dtype)
    winner = np.full(best.shape, -1, dtype=np.int64)
    for k, (bags, entries) in enumerate(_layers(lengths)):
        candidate = rows[entries]
        # A later entry wins only if strictly greater: on a tie (or a NaN) the first one stays, as in torch.
        wins = (candidate > best[bags]) | (k == 0)
        best[bags] = np.where(wins, candidate, best[bags])
        winner[bags] = np.where(wins, entries[:, None], winner[bags])
    return best, winner


def embedding_bag(
    indices: Any,
    weight: Any,
    offsets: Any = None,
    mode: str = "mean",
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
) -> np.ndarray:
    """Reduce bags of looked-up rows to one row each: the forward pass of ``nn.EmbeddingBag``.

    Parameters
    ----------
    indices : array_like of int, shape (N,) with ``offsets``, or (B, L) without
        Rows of ``weight`` to look up. 2-D: each row of ``indices`` is one bag of L indices.
    weight : array_like of float, shape (V, D)
    offsets : array_like of int, shape (B,) or (B + 1,), optional
        1-D indices only: bag b is ``indices[offsets[b]:offsets[b + 1]]``, the last bag runs
        to the end of ``indices``. Must start at 0, never decrease, and stay within ``[0, N]``.
    mode : {"sum", "mean", "max"}, default "mean"
        How each bag is reduced; ``max`` is taken column by column. An empty bag gives zeros.
    per_sample_weights : array_like of float, shape of ``indices``, optional
        ``mode="sum"`` only: entry i of a bag contributes ``per_sample_weights[i] * weight[indices[i]]``.
    include_last_offset : bool, default False
        ``offsets`` has B + 1 elements, the last one ending the last bag (CSR format); indices
        after it are in no bag (torch 2.13's CPU mean and max count them: pytorch issue #191965).
    padding_idx : int, optional
        Entries equal to it are skipped: not added, not counted by ``mean``, not candidates for ``max``.
    max_norm, norm_type : float, optional
        As in :func:`~lookup_lib.core.embedding`: the rows the bags refer to (padding included)
        are first renormalised in place.

    Returns
    -------
    numpy.ndarray, shape (B, D), dtype of ``weight``
        Bit for bit torch's CPU result in every mode (with ``max_norm``, see
        :func:`~lookup_lib.core.row_norms` for which norms are torch's bit for bit).

    Examples
    --------
    >>> weight = np.array([[1., 10.], [2., 20.], [3., 30.]], dtype=np.float32)
    >>> embedding_bag([0, 2, 1, 1, 2], weight, offsets=[0, 2], mode="sum")   # bags [0, 2] and [1, 1, 2]
    array([[ 4., 40.],
           [ 7., 70.]], dtype=float32)
    >>> embedding_bag([[0, 2], [1, 0]], weight, mode="max", padding_idx=0)   # 2-D: one bag per row
    array([[ 3., 30.],
           [ 2., 20.]], dtype=float32)
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    table = as_table(weight, max_norm, "embedding_bag", need_float=True)
    idx = as_indices(indices)
    include_last_offset = check_bool(include_last_offset, "include_last_offset")
    pad = normalize_padding_idx(padding_idx, table.shape[0])
    check_max_norm(max_norm, norm_type)
    bags = _bags(idx, offsets, include_last_offset, pad)
    psw = _check_per_sample_weights(per_sample_weights, mode, idx.shape, table.dtype)
    check_range(idx, table.shape[0])
    if max_norm is not None:  # only now, when every check has passed (bags.looked_up is a copy)
        renorm_rows(table, bags.looked_up, max_norm, norm_type)

    rows = table[bags.rows]  # (N, D): the looked-up rows, bag after bag
    if mode == "max":
        return _bag_max(rows, bags.lengths)[0]
    weights = None if psw is None else psw.reshape(-1)[bags.positions]
    # torch 2.13's float32 CPU kernel (fbgemm) fuses w*r + acc; with a padding_idx it takes a plain loop.
    out = _bag_sum(rows, bags.lengths, weights, fused=table.dtype == np.float32 and pad is None)
    if mode == "mean":  # divide (torch does not multiply by 1/n); an empty bag stays 0 instead of 0/0
        out /= np.maximum(bags.lengths, 1).astype(out.dtype)[:, None]
    return out


def embedding_bag_backward(
    grad_output: Any,
    indices: Any,
    num_embeddings: int,
    offsets: Any = None,
    mode: str = "mean",
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
    weight: Any = None,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> np.ndarray | SparseGrad:
    """Gradient of the loss with respect to the table, given the gradient of the bags.

    Every entry of a bag receives its bag's gradient row: as it is for ``sum``, divided by the
    bag's (padding-free) size for ``mean``, times its weight with ``per_sample_weights``. Then,
    as for :func:`~lookup_lib.core.embedding_backward`, the entries are scatter-added into their
    rows. For ``max``, column d of bag b's gradient goes only to the row that won that column
    (on a tie, the first entry of the bag, as in torch).

    Parameters
    ----------
    grad_output : array_like of float, shape (B, D)
    indices, offsets, mode, per_sample_weights, include_last_offset, padding_idx
        As passed to :func:`embedding_bag`.
    num_embeddings : int
        V, the number of rows of the table.
    weight : array_like, shape (V, D), optional
        Needed for ``mode="max"``: the table as the forward pass saw it (after any ``max_norm``).
    scale_grad_by_freq : bool, default False
        Divide each entry's contribution by how often its row occurs in all the bags (not with
        ``max``). torch 2.13's CPU kernel divides by another row's count when rows occur different
        numbers of times (pytorch issue #190063); this follows torch's documentation.
    sparse : bool, default False
        Return a :class:`~lookup_lib.core.SparseGrad` as torch does: one value row per counted
        entry (padding left out), in input order, uncoalesced. Not with ``mode="max"``.

    Returns
    -------
    numpy.ndarray, shape (V, D), dtype of ``grad_output``, or SparseGrad

    Examples
    --------
    >>> g = np.array([[2., 2.], [6., 60.]])
    >>> embedding_bag_backward(g, [0, 2, 1, 1, 2], 3, offsets=[0, 2], mode="mean")
    array([[ 1.,  1.],
           [ 4., 40.],
           [ 3., 21.]])
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    idx = as_indices(indices)
    grad = as_grad(grad_output)
    num_embeddings = check_positive_int(num_embeddings, "num_embeddings", allow_zero=True)
    scale_grad_by_freq, sparse = check_bool(scale_grad_by_freq, "scale_grad_by_freq"), check_bool(sparse, "sparse")
    check_sparse_without_scaling(sparse, scale_grad_by_freq)
    if sparse and mode == "max":
        raise ValueError("mode='max' has no sparse gradient (torch refuses it too)")
    bags = _bags(idx, offsets, check_bool(include_last_offset, "include_last_offset"),
                 normalize_padding_idx(padding_idx, num_embeddings))
    if grad.ndim != 2 or grad.shape[0] != bags.lengths.size:
        raise ValueError(f"grad_output must have shape (num_bags, D) = ({bags.lengths.size}, D), got {grad.shape}")
    psw = _check_per_sample_weights(per_sample_weights, mode, idx.shape, grad.dtype)
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("scale_grad_by_freq does not apply to mode='max' (torch refuses it too)")
    if mode == "max" and weight is None:
        raise ValueError("mode='max' needs the weight, to find which row won each column of each bag")
    table = None if weight is None else as_weight(weight)
    if table is not None and table.shape != (num_embeddings, grad.shape[1]):
        expected = (num_embeddings, grad.shape[1])
        raise ValueError(f"weight must have shape (num_embeddings, D) = {expected}, got {table.shape}")
    check_range(idx, num_embeddings)

    if mode == "max":
        return _max_backward(grad, bags, table)
    values = grad[bags.bag_of]  # (N, D): each entry gets its bag's gradient
    if mode == "mean":  # times 1/size, computed in the gradient's dtype, as torch does (not a division)
        values = values * (1 / bags.lengths[bags.bag_of]).astype(values.dtype)[:, None]
    if psw is not None:
        values = values * psw.reshape(-1)[bags.positions][:, None]
    if scale_grad_by_freq:
        counts = np.bincount(bags.looked_up, minlength=num_embeddings)
        values = values * (1.0 / counts[bags.rows]).astype(values.dtype)[:, None]
    if sparse:
        return SparseGrad(bags.rows.astype(np.int64), values, (num_embeddings, grad.shape[1]))
    return scatter_add_rows(bags.rows, values, num_embeddings)


def _max_backward(grad: np.ndarray, bags: _Bags, table: np.ndarray) -> np.ndarray:
    """``out[k, d] += grad[b, d]`` for the row k that won column d of bag b."""
    _, winner = _bag_max(table[bags.rows], bags.lengths)  # (B, D) positions in bags.rows
    full = bags.lengths > 0  # an empty bag has no winner and passes no gradient on
    columns = np.broadcast_to(np.arange(grad.shape[1]), winner[full].shape)
    out = np.zeros(table.shape, dtype=grad.dtype)
    np.add.at(out, (bags.rows[winner[full]], columns), grad[full])
    return out


def per_sample_weights_backward(
    grad_output: Any,
    indices: Any,
    weight: Any,
    offsets: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> np.ndarray:
    """Gradient with respect to ``per_sample_weights`` (``mode="sum"``; arguments as for :func:`embedding_bag`).

    Entry i of bag b adds ``w_i * weight[indices[i]]`` to ``out[b]``, so its gradient is the dot product
    ``grad_output[b] · weight[indices[i]]``; padding entries (and indices after the last bag) get 0.

    Returns
    -------
    numpy.ndarray, shape of ``indices``, dtype of ``grad_output``

    Examples
    --------
    >>> weight = np.array([[1., 0.], [0., 1.], [2., 2.]])
    >>> per_sample_weights_backward([[10., 100.]], [[0, 1, 2]], weight)
    array([[ 10., 100., 220.]])
    """
    idx = as_indices(indices)
    grad = as_grad(grad_output)
    table = as_weight(weight)
    bags = _bags(idx, offsets, include_last_offset, normalize_padding_idx(padding_idx, table.shape[0]))
    if grad.shape != (bags.lengths.size, table.shape[1]):
        expected = (bags.lengths.size, table.shape[1])
        raise ValueError(f"grad_output must have shape (num_bags, D) = {expected}, got {grad.shape}")
    check_range(idx, table.shape[0])
    out = np.zeros(idx.size, dtype=grad.dtype)
    out[bags.positions] = np.sum(grad[bags.bag_of] * table[bags.rows], axis=1)
    return out.reshape(idx.shape)
