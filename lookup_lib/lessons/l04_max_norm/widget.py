"""Widget of lesson 04: drag ``max_norm``, pick ``norm_type`` and the looked-up rows, watch the arrows."""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import from_torch
from lookup_lib.core import row_norms
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.widget import FigureWidget, apply_layout, record_layout
from lookup_lib.lessons.l04_max_norm.figures import plot_renorm_step
from lookup_lib.lessons.l04_max_norm.norms import RenormStep, renorm_step

__all__ = ["NormBallExplorer"]

NORM_TYPES = [("1", 1.0), ("2", 2.0), ("∞", math.inf)]


class NormBallExplorer(FigureWidget):
    """The rows of a 2-D table as arrows, before and after one lookup with ``max_norm``.

    Controls: ``max_norm`` (a ``FloatSlider``), ``norm_type`` (toggle buttons 1, 2, ∞, whose
    balls are a diamond, a circle and a square) and ``indices`` (which rows are looked up;
    repeats would not matter, so each row is simply on or off). The table given is never
    changed: every redraw renormalises a fresh copy.

    Parameters
    ----------
    weight : array_like of float, shape (V, 2)
    indices : sequence of int
        Rows looked up at first.
    max_norm : float, default 2.0
    norm_type : float, default 2.0
        One of 1, 2, ``math.inf``.

    Attributes
    ----------
    step : RenormStep
        What the current figure shows (``step.after`` is the renormalised copy).
    """

    def __init__(self, weight: Any, indices: Any = (), max_norm: float = 2.0, norm_type: float = 2.0) -> None:
        self.weight = np.array(from_torch(weight), copy=True)
        if self.weight.ndim != 2 or self.weight.shape[1] != 2:
            raise ValueError(f"NormBallExplorer draws 2-D rows: weight must have shape (V, 2), got {self.weight.shape}")
        if norm_type not in [value for _, value in NORM_TYPES]:
            raise ValueError(f"norm_type must be 1, 2 or math.inf, got {norm_type!r}")
        rows = range(self.weight.shape[0])
        longest = float(row_norms(self.weight, 1.0).max(initial=1.0))  # the 1-norm is the largest of the three
        controls = {
            "max_norm": widgets.FloatSlider(value=max_norm, min=0.1, max=math.ceil(max(longest, max_norm)), step=0.05,
                                            description="max_norm", readout_format=".2f"),
            "norm_type": widgets.ToggleButtons(options=NORM_TYPES, value=float(norm_type), description="norm_type",
                                               style={"button_width": "3em"}),
            "indices": widgets.SelectMultiple(options=[(t("row {k}", k=k), k) for k in rows],
                                              value=tuple(sorted({int(i) for i in np.ravel(indices)})),
                                              rows=min(len(rows), 8), description=t("looked up")),
        }
        self.step: RenormStep | None = None
        # One scale for every slider position, so the ball grows and shrinks on fixed axes; with fixed ticks only
        # the title changes, so the first layout is kept (issue 17). The scale holds every row and the ball up to
        # the longest row's 2-norm: a larger max_norm rescales nothing, and its ball may leave the picture.
        largest = max(float(np.abs(self.weight).max(initial=0.0)), float(row_norms(self.weight, 2.0).max(initial=1.0)))
        self.limit = 1.15 * largest + 0.4
        self._layout: tuple | None = None
        super().__init__(controls, caption=t("Rows looked up and longer than <code>max_norm</code> are rescaled "
                                             "(red; dashed = before). Grey rows are not looked up: never touched."))

    def draw(self, max_norm: float, norm_type: float, indices: tuple[int, ...]) -> Figure:
        """Renormalise a copy of the table for these control values and draw it."""
        self.step = renorm_step(self.weight, np.array(indices, dtype=np.int64), max_norm, norm_type)
        fig = plot_renorm_step(self.step, limit=self.limit)
        if self._layout is None:  # lay the first figure out (constrained) and keep where its axes went
            fig.get_layout_engine().execute(fig)
            self._layout = record_layout(fig)
        apply_layout(fig, self._layout)  # the same axes position, without measuring every text again
        return fig
