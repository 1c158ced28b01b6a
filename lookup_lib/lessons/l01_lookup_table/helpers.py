"""Lesson 01 helpers: the lookup the figure and the widget show, checked once.

:func:`look_up` is the door: it checks the indices and the table exactly as
:func:`lookup_lib.embedding` does (same errors, same messages) and returns the checked arrays
with the output, so the drawing code never converts or checks them again.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from lookup_lib.checks import as_indices, as_weight
from lookup_lib.core import embedding

__all__ = ["Lookup", "look_up"]


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
