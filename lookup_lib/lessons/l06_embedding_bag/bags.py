"""What the bags figure of lesson 06 shows, computed once (no drawing here).

:func:`cut_bags` checks and converts its inputs once, runs :func:`lookup_lib.bag.embedding_bag` (the one
reference of bags, which raises its errors for bad input) and cuts the index stream with
:func:`lookup_lib.bag.bag_bounds`; the :class:`Bags` it returns holds checked arrays only, which
:func:`~lookup_lib.lessons.l06_embedding_bag.figures.plot_bags` draws without checking anything again.
:func:`bag_formula` writes a bag's reduction out (``"(w[3] + w[1]) / 2"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lookup_lib.bag import bag_bounds, embedding_bag
from lookup_lib.checks import as_indices, as_weight, from_torch, normalize_padding_idx
from lookup_lib.lessons.kit.i18n import t

__all__ = ["Bags", "bag_formula", "cut_bags"]

MAX_TERMS = 4  # terms written out in a bag's formula before "…"


@dataclass(frozen=True)
class Bags:
    """One ``embedding_bag`` call: the flat index stream, where each bag starts and ends, and the output.

    Attributes
    ----------
    flat : numpy.ndarray of int, shape (N,)
        ``indices.reshape(-1)``.
    bounds : numpy.ndarray of int64, shape (B + 1,)
        Bag b is ``flat[bounds[b]:bounds[b + 1]]`` (from :func:`lookup_lib.bag.bag_bounds`).
    table : numpy.ndarray, shape (V, D)
    output : numpy.ndarray, shape (B, D)
        :func:`lookup_lib.bag.embedding_bag` of these bags.
    mode : {"sum", "mean", "max"}
    padding_idx : int or None
        In ``[0, V)``; entries equal to it are skipped.
    weights : numpy.ndarray of float64, shape (N,), or None
        ``per_sample_weights``, flattened.
    """

    flat: np.ndarray
    bounds: np.ndarray
    table: np.ndarray
    output: np.ndarray
    mode: str
    padding_idx: int | None
    weights: np.ndarray | None

    @property
    def num_bags(self) -> int:
        return self.bounds.size - 1

    def members(self, b: int) -> np.ndarray:
        """Positions in ``flat`` of the entries bag ``b`` reduces (padding entries skipped), shape (n_b,)."""
        positions = np.arange(self.bounds[b], self.bounds[b + 1])
        return positions[self.flat[positions] != self.padding_idx] if self.padding_idx is not None else positions

    def used_rows(self) -> list[int]:
        """The table rows some bag reduces, sorted (the padding row never)."""
        return sorted({int(k) for b in range(self.num_bags) for k in self.flat[self.members(b)]})

    def formulas(self) -> list[str]:
        """Each bag's reduction written out, as :func:`bag_formula` writes it."""
        out = []
        for b in range(self.num_bags):
            members = self.members(b)
            weights = None if self.weights is None else self.weights[members].tolist()
            out.append(bag_formula(self.flat[members].tolist(), self.mode, weights))
        return out


def cut_bags(
    indices: Any,
    weight: Any,
    offsets: Any = None,
    mode: str = "mean",
    *,
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Bags:
    """Check the inputs once, compute ``embedding_bag`` and cut the stream into its bags.

    Parameters
    ----------
    indices, weight, offsets, mode, per_sample_weights, include_last_offset, padding_idx
        As for :func:`lookup_lib.bag.embedding_bag`, which checks them (and raises its errors).

    Returns
    -------
    Bags

    Examples
    --------
    >>> bags = cut_bags([0, 2, 1, 1, 2], np.eye(3), offsets=[0, 2], mode="sum", padding_idx=1)
    >>> bags.bounds.tolist(), bags.formulas(), bags.output.tolist()
    ([0, 2, 5], ['w[0] + w[2]', 'w[2]'], [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    """
    idx = as_indices(indices)
    table = as_weight(weight)
    output = embedding_bag(idx, table, offsets, mode=mode, per_sample_weights=per_sample_weights,
                           include_last_offset=include_last_offset, padding_idx=padding_idx)  # (B, D); checks all
    bounds = bag_bounds(idx, offsets, include_last_offset)  # offsets are known to be good now
    pad = normalize_padding_idx(padding_idx, table.shape[0])
    psw = None if per_sample_weights is None else np.asarray(from_torch(per_sample_weights), dtype=np.float64)
    return Bags(idx.reshape(-1), bounds, table, output, mode, pad, None if psw is None else psw.reshape(-1))


def bag_formula(rows: Sequence[int], mode: str, weights: Sequence[float] | None = None) -> str:
    """A bag's reduction written out, at most ``MAX_TERMS`` terms.

    Examples
    --------
    >>> bag_formula([3, 1], "sum"), bag_formula([3, 1], "mean"), bag_formula([3, 1], "max")
    ('w[3] + w[1]', '(w[3] + w[1]) / 2', 'max(w[3], w[1])')
    >>> bag_formula([], "mean"), bag_formula([3, 1], "sum", [2.0, 0.5])
    ('empty → zeros', '2·w[3] + 0.5·w[1]')
    """
    if not rows:
        return t("empty → zeros")
    terms = [f"w[{r}]" for r in rows]
    if weights is not None:
        terms = [f"{w:g}·{term}" for w, term in zip(weights, terms, strict=True)]
    shown = terms if len(terms) <= MAX_TERMS else [*terms[: MAX_TERMS - 1], "…"]
    if mode == "max":
        return f"max({', '.join(shown)})"
    total = " + ".join(shown)
    if mode == "mean":
        return f"({total}) / {len(rows)}" if len(rows) > 1 else f"{total} / 1"
    return total
