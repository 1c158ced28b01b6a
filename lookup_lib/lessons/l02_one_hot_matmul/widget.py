"""Lesson 02 widget: one lookup, two views — rows picked from the table, or one-hot × matrix."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l01_lookup_table.figures import draw_lookup
from lookup_lib.lessons.l02_one_hot_matmul.figures import draw_onehot_matmul
from lookup_lib.lessons.l02_one_hot_matmul.helpers import MAX_INDICES, small_example

__all__ = ["OneHotViews"]

LOOKUP = "lookup"
PRODUCT = "one-hot × matrix"
VIEWS = (LOOKUP, PRODUCT)


class OneHotViews(FigureWidget):
    """Toggle between the two views of the same lookup; pick each index from a drop-down.

    Parameters
    ----------
    indices : array_like of int, shape (N,)
        The starting indices, 1 to ``MAX_INDICES`` of them, each in ``[0, V)``.
    weight : array_like, shape (V, D)
        A small table (V <= ``MAX_VOCAB``).
    view : {"lookup", "one-hot × matrix"}, default "one-hot × matrix"
        The view shown first.

    Examples
    --------
    >>> w = OneHotViews([3, 0, 5], np.arange(18.0).reshape(6, 3))
    >>> w.controls["view"].value = "lookup"
    >>> w.describe()
    "view='lookup', indices=[3, 0, 5]"
    """

    def __init__(self, indices: Any, weight: Any, view: str = PRODUCT) -> None:
        self.weight = as_weight(weight)
        idx = small_example(indices, self.weight.shape[0])  # table size, dtype, count and range, checked once
        if idx.ndim != 1:
            raise ValueError(f"OneHotViews takes 1 to {MAX_INDICES} indices in a 1-d list, got shape {idx.shape}")
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        controls: dict[str, widgets.ValueWidget] = {
            "view": widgets.ToggleButtons(options=VIEWS, value=view, description="view"),
        }
        for n, k in enumerate(idx.tolist()):
            controls[f"i{n}"] = widgets.Dropdown(
                options=list(range(self.weight.shape[0])), value=k, description=f"[{n}]",
                layout=widgets.Layout(width="110px"), style={"description_width": "28px"},
            )
        caption = "Same indices, same table, same output: only the way it is computed differs."
        super().__init__(controls, caption=caption)

    def indices(self) -> np.ndarray:
        """The indices currently picked, shape (N,), int64."""
        return np.array([v for name, v in self.values().items() if name != "view"], dtype=np.int64)

    def draw(self, view: str, **picked: int) -> Figure:
        idx = np.array(list(picked.values()), dtype=np.int64)
        if view == LOOKUP:
            return draw_lookup(idx, self.weight)
        return draw_onehot_matmul(idx, self.weight)

    def describe(self) -> str:
        return f"view={self.controls['view'].value!r}, indices={self.indices().tolist()}"
