"""Lesson 01 helpers: the lookup the figure and the widget show, checked once; distances in a table.

:func:`look_up` is the door: it checks the indices and the table exactly as
:func:`lookup_lib.embedding` does (same errors, same messages) and returns the checked arrays
with the output, so the drawing code never converts or checks them again.

:func:`group_distances` measures what the lesson's trained toy shows: whether the vectors of items in
one group lie closer to each other than to the vectors of other groups.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from lookup_lib.checks import as_indices, as_weight, from_torch
from lookup_lib.core import embedding

__all__ = ["Lookup", "group_distances", "look_up"]


class Lookup(NamedTuple):
    """One lookup: its checked inputs and its output."""

    indices: np.ndarray  # (*S) int, every index in [0, V)
    weight: np.ndarray  # (V, D)
    output: np.ndarray  # (*S, D), embedding(indices, weight)


def look_up(indices: Any, weight: Any) -> Lookup:
    """Check ``indices`` and ``weight`` once and look the indices up.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        A list, NumPy array or tensor; a float, bool or out-of-range index raises the
        ``TypeError`` / ``IndexError`` that :func:`lookup_lib.embedding` raises.
    weight : array_like, shape (V, D)

    Returns
    -------
    Lookup
        ``indices`` as an integer array, ``weight`` as a 2-D array, and ``output``.

    Examples
    --------
    >>> found = look_up([[0, 2]], np.eye(3))
    >>> found.indices.shape, found.output.tolist()
    ((1, 2), [[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]])
    """
    table = as_weight(weight)
    idx = as_indices(indices)
    return Lookup(idx, table, embedding(idx, table))  # embedding checks the range, with its own message


def group_distances(vectors: Any, groups: Any) -> tuple[float, float]:
    """Mean Euclidean distance between vectors of one group, and between vectors of different groups.

    Parameters
    ----------
    vectors : array_like, shape (N, D)
        One vector per item (rows of an embedding table, say).
    groups : array_like of int, shape (N,)
        The group of each item; at least one group must hold two items, and there must be two groups.

    Returns
    -------
    within, between : float
        The mean distance over all pairs of distinct items in the same group, and over all pairs
        in different groups.

    Examples
    --------
    >>> within, between = group_distances([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]], [0, 0, 1, 1])
    >>> within, round(between, 3)  # between: the mean of 3, √10, √10 and 3
    (1.0, 3.081)
    """
    points = np.asarray(from_torch(vectors), dtype=np.float64)
    labels = np.asarray(from_torch(groups))
    if points.ndim != 2 or labels.shape != (points.shape[0],):
        raise ValueError(f"need vectors (N, D) and one group per vector, got {points.shape} and {labels.shape}")
    distances = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=-1)  # (N, N)
    same = labels[:, None] == labels[None, :]
    pairs_within = same & ~np.eye(len(labels), dtype=bool)
    if not pairs_within.any() or same.all():
        raise ValueError("need at least two groups and a group of two or more items")
    return float(distances[pairs_within].mean()), float(distances[~same].mean())
