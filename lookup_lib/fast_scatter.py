"""The fast path of :func:`lookup_lib.core.scatter_add_rows`: the same numbers, bit for bit, fewer NumPy calls.

``np.add.at(out, rows, values)`` is the idea (see :mod:`lookup_lib.core`); it adds one value at a time and
is slow for large batches. This module keeps its order of additions (each row's values one after the
other, in input order, as torch adds them) with whole-array operations. ``core.FAST_SCATTER`` chooses
it; ``tests/reference/test_fast_scatter.py`` proves it equal to ``np.add.at`` on random cases with
heavy repeats, -0.0, inf and NaN.
"""

from __future__ import annotations

import numpy as np

__all__ = ["scatter_add_rows"]


def scatter_add_rows(rows: np.ndarray, values: np.ndarray, num_rows: int) -> np.ndarray:
    """``out = zeros((num_rows, D)); for i: out[rows[i]] += values[i]``, in input order.

    torch adds the rows of one index one after the other, in input order; to get its
    numbers bit for bit we must keep that order (float addition is not associative).
    This form sorts the positions by row, stably, so that the occurrences of one
    row sit together in input order, and then adds, for k = 0, 1, 2, ..., the k-th
    occurrence of every row at once (:func:`_add_in_layers`: no row twice in one step, so
    fancy indexing is safe). A row that occurs very often would need a step per occurrence,
    so it is summed on its own (:func:`_sum_in_order`).
    """
    out = np.zeros((num_rows, values.shape[-1]), dtype=values.dtype)
    if rows.size == 0:
        return out
    order, sorted_rows = _sort_by_row(rows)
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])  # where each row's run begins
    counts = np.diff(np.r_[starts, rows.size])
    targets = sorted_rows[starts]
    frequent = counts > _MANY_REPEATS
    for row, start, count in zip(targets[frequent], starts[frequent], counts[frequent], strict=True):
        out[row] = _sum_in_order(values, order[start : start + count])
    _add_in_layers(out, values, order, targets[~frequent], starts[~frequent], counts[~frequent])
    return out


# Above this many repeats, scatter_add_rows sums a row on its own instead of in layers.
_MANY_REPEATS = 64
# Work on blocks of about this many bytes of values at a time, so the temporaries stay in the cache.
_BLOCK_BYTES = 256 * 1024
# Rows of at most this many numbers are summed with np.add.accumulate, longer ones row by row.
_NARROW = 64


def _sort_by_row(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order = np.argsort(rows, kind="stable")`` and ``rows[order]``, several times faster.

    A stable argsort of int64 is a merge sort. The keys ``row * n + position`` are all
    different, so any sort puts them in that same order, and ``np.sort`` is a quicksort
    (SIMD-vectorised on most CPUs); each sorted key still holds its row and its position.
    """
    n = rows.size
    if int(rows.max()) >= np.iinfo(np.int64).max // n:  # the keys would overflow int64
        order = np.argsort(rows, kind="stable")
        return order, rows[order]
    keys = np.sort(rows.astype(np.int64) * n + np.arange(n))
    return keys % n, keys // n


def _add_in_layers(
    out: np.ndarray, values: np.ndarray, order: np.ndarray, targets: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> None:
    """Add ``values[order[starts + k]]`` to ``out[targets]`` for k = 0, 1, 2, ... while a row has a k-th value.

    Row ``targets[j]``'s values are ``values[order[starts[j] : starts[j] + counts[j]]]``, in input order.
    """
    step = max(1, _BLOCK_BYTES // max(1, values[0].nbytes))  # rows per block
    first = True
    while starts.size:
        for lo in range(0, starts.size, step):
            where, part = targets[lo : lo + step], values[order[starts[lo : lo + step]]]
            if first:  # out is still 0 there: store 0 + x, which is x except that -0.0 becomes +0.0
                part += 0
                out[where] = part
            else:
                out[where] += part
        first = False
        more = counts > 1
        targets, starts, counts = targets[more], starts[more] + 1, counts[more] - 1


def _sum_in_order(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``0 + values[positions[0]] + values[positions[1]] + ...``, added one after the other.

    ``np.sum`` would add pairwise, in another order. For long rows a Python loop that adds a
    whole row at a time is fastest. ``np.add.accumulate`` keeps the order too (a running sum,
    in C), but it runs down one column at a time: fast for short rows, on cache-sized blocks.
    """
    total = np.zeros(values.shape[-1], dtype=values.dtype)
    if values.shape[-1] > _NARROW:
        for i in positions.tolist():
            total += values[i]
        return total
    step = max(1, _BLOCK_BYTES // max(1, values[0].nbytes))
    for lo in range(0, positions.size, step):
        block = values[positions[lo : lo + step]]  # a copy: ours to change
        block[0] += total
        total = np.add.accumulate(block, axis=0)[-1]
    return total
