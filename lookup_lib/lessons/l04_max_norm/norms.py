"""What lesson 04 computes (no drawing here): one lookup's ``max_norm`` step, the unit ball of a p-norm, ulps.

``renorm_step`` runs :func:`lookup_lib.renorm_` on a copy and keeps both tables, which rows were looked
up and which changed; ``unit_ball`` gives points on ``{v in R^2 : ||v||_p = 1}``; ``ulps_apart`` counts
the floating-point steps between two arrays (how close lookup_lib's renorm is to torch's). The figures in
:mod:`~lookup_lib.lessons.l04_max_norm.figures` draw the first two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lookup_lib.checks import as_indices, from_torch
from lookup_lib.core import renorm_, row_norms

__all__ = ["RenormStep", "renorm_step", "ulps_apart", "unit_ball"]


@dataclass(frozen=True)
class RenormStep:
    """One forward pass with ``max_norm``: the table before and after, and which rows changed.

    Attributes
    ----------
    before, after : numpy.ndarray, shape (V, D)
        Copies of the table before and after :func:`lookup_lib.renorm_`.
    looked_up : numpy.ndarray of int64, shape (K,)
        The distinct rows referenced by the indices, sorted.
    max_norm, norm_type : float
    """

    before: np.ndarray
    after: np.ndarray
    looked_up: np.ndarray
    max_norm: float
    norm_type: float

    @property
    def changed(self) -> np.ndarray:
        """Sorted rows whose values differ between ``before`` and ``after``, shape (C,)."""
        return np.flatnonzero((self.before != self.after).any(axis=1))

    def norms(self) -> tuple[np.ndarray, np.ndarray]:
        """The ``norm_type``-norm of every row before and after, each of shape (V,)."""
        return row_norms(self.before, self.norm_type), row_norms(self.after, self.norm_type)


def renorm_step(weight: Any, indices: Any, max_norm: float, norm_type: float = 2.0) -> RenormStep:
    """Apply :func:`lookup_lib.renorm_` to a copy of ``weight``; ``weight`` itself is not changed.

    Parameters
    ----------
    weight : array_like of float, shape (V, D) (a torch tensor is fine)
    indices : array_like of int, any shape
    max_norm : float, > 0
    norm_type : float, default 2.0 (``math.inf`` allowed)

    Returns
    -------
    RenormStep

    Examples
    --------
    >>> step = renorm_step([[3., 4.], [0.3, 0.4], [6., 8.]], [0, 1, 0], max_norm=1.0)
    >>> step.changed.tolist(), step.after[0].round(6).tolist()
    ([0], [0.6, 0.8])
    """
    before = np.array(from_torch(weight), copy=True)  # a copy: renorm_ changes its table in place
    if before.dtype.kind != "f":
        before = before.astype(np.float64)
    idx = as_indices(indices)
    after = renorm_(before.copy(), idx, max_norm, norm_type)
    return RenormStep(before, after, np.unique(idx).astype(np.int64), float(max_norm), float(norm_type))


def unit_ball(norm_type: float, num_points: int = 401) -> np.ndarray:
    """Points on the boundary of the unit ball ``{v in R^2 : ||v||_p = 1}``, as a closed loop.

    Each direction ``(cos t, sin t)`` is divided by its own p-norm, so every point has
    p-norm 1 (up to rounding): a diamond for p = 1, a circle for p = 2, a square for p = ∞.
    With ``num_points - 1`` a multiple of 8 the corners (at multiples of 45°) are included.

    Parameters
    ----------
    norm_type : float, > 0 (``math.inf`` allowed)
    num_points : int, default 401
        The first and the last point are the same (the loop is closed).

    Returns
    -------
    numpy.ndarray of float64, shape (num_points, 2)

    Examples
    --------
    >>> unit_ball(1.0, num_points=5).round(12) + 0.0   # the diamond's four corners, closed
    array([[ 1.,  0.],
           [ 0.,  1.],
           [-1.,  0.],
           [ 0., -1.],
           [ 1.,  0.]])
    """
    t = np.linspace(0.0, 2.0 * np.pi, num_points)
    directions = np.stack([np.cos(t), np.sin(t)], axis=1)
    directions[-1] = directions[0]  # sin(2π) is not exactly 0: close the loop exactly
    return directions / row_norms(directions, norm_type)[:, None]


_BITS = {np.dtype(np.float32): np.uint32, np.dtype(np.float64): np.uint64}


def ulps_apart(a: Any, b: Any) -> np.ndarray:
    """How many floating-point numbers apart ``a`` and ``b`` are, entry by entry (0 means bit for bit, or ±0).

    One *ulp* (unit in the last place) is one step of the float grid: the count is the number of steps
    from one value to the other, exact, across zero too (``+0`` and ``-0`` count as the same point).

    Parameters
    ----------
    a, b : array_like of float32 or float64, the same dtype, broadcastable shapes
        No NaN.

    Returns
    -------
    numpy.ndarray of uint64, the broadcast shape

    Examples
    --------
    >>> two = np.float32(2.0)
    >>> ulps_apart(np.array([two, two]), np.nextafter([two, two], np.array([4, 0], np.float32)))
    array([1, 1], dtype=uint64)
    >>> tiny = np.float32(1e-45)  # the smallest positive float32
    >>> ulps_apart(np.array([-tiny, -0.0], np.float32), np.array([tiny, 0.0], np.float32))
    array([2, 0], dtype=uint64)
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.dtype not in _BITS:
        raise TypeError(f"ulps_apart needs two float32 or two float64 arrays, got {a.dtype} and {b.dtype}")
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("ulps_apart: NaN has no place on the float grid")
    bits = _BITS[a.dtype]
    sign = bits(1) << bits(8 * a.itemsize - 1)
    ia, ib = a.view(bits).astype(np.uint64), b.view(bits).astype(np.uint64)  # raw bits
    mag_a, mag_b = ia & ~np.uint64(sign), ib & ~np.uint64(sign)  # steps from zero
    same_side = (ia & np.uint64(sign)) == (ib & np.uint64(sign))
    return np.where(same_side, np.maximum(mag_a, mag_b) - np.minimum(mag_a, mag_b), mag_a + mag_b)
