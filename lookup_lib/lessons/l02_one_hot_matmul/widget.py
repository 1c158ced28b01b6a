"""Lesson 02 widget: one lookup, two views — rows picked from the table, or one-hot × matrix.

Speed (issue 17): each view's figure is built once and changed in place when an index changes
(the texts, cell colours and arrows are kept; their strings, colours and end points change), so a
redraw only renders; the pictures are the same pixels as freshly built ones (the tests compare).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import HIGHLIGHT, NEUTRAL
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l01_lookup_table.figures import MAX_TABLE_ROWS, draw_lookup_result
from lookup_lib.lessons.l01_lookup_table.helpers import look_up
from lookup_lib.lessons.l02_one_hot_matmul.figures import OneHotMatmulPicture, cells, pin_titles
from lookup_lib.lessons.l02_one_hot_matmul.helpers import MAX_INDICES, small_example

__all__ = ["OneHotViews"]

LOOKUP = "lookup"
PRODUCT = "one-hot × matrix"
VIEWS = (LOOKUP, PRODUCT)  # the toggle's values (what code and tests set); its buttons show VIEW_LABELS
VIEW_LABELS = {LOOKUP: mark("lookup"), PRODUCT: mark("one-hot × matrix")}


class _LookupPicture:
    """Lesson 01's lookup figure (:func:`~lookup_lib.lessons.l01_lookup_table.figures.draw_lookup`) of N
    indices, changed in place for other indices: the index numbers, the lit table rows, the output
    numbers and the arrows' ends (found by where they sit and by their gids)."""

    def __init__(self, indices: np.ndarray, table: np.ndarray) -> None:
        self.table = table
        self.figure = draw_lookup_result(look_up(indices, table))
        pin_titles(self.figure)
        axes = {ax.get_label(): ax for ax in self.figure.axes}
        self._index, _ = cells(axes["indices"])
        _, self._rows = cells(axes["table"])
        self._out, _ = cells(axes["output"])
        self._to_row = [a for a in self.figure.artists if (a.get_gid() or "").startswith("index")]
        self._to_out = [a for a in self.figure.artists if (a.get_gid() or "").startswith("row")]

    def update(self, indices: np.ndarray) -> Figure:
        idx, _, out = look_up(indices, self.table)
        flat = idx.reshape(-1)
        used = set(flat.tolist())
        for (r, _c), text in self._index.items():
            text.set_text(f"{flat[r]:d}")
        for (r, _c), cell in self._rows.items():
            cell.set_facecolor(HIGHLIGHT if r in used else NEUTRAL)
        rows = out.reshape(flat.size, -1)
        for (r, c), text in self._out.items():
            text.set_text(f"{rows[r, c]:.2f}")
        for k, (to_row, to_out) in enumerate(zip(self._to_row, self._to_out, strict=True)):
            row = int(flat[k])
            y_row = min(row, MAX_TABLE_ROWS) + 0.5
            to_row.xy2 = (to_row.xy2[0], y_row)
            to_out.xy1 = (to_out.xy1[0], y_row)
            to_row.set_gid(f"index({k},)->row{row}")
            to_out.set_gid(f"row{row}->output({k},)")
            to_row.stale = to_out.stale = True
        return self.figure


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
        self.weight = np.array(as_weight(weight))  # a copy: the pictures, drawn once, follow no later change
        idx = small_example(indices, self.weight.shape[0])  # table size, dtype, count and range, checked once
        if idx.ndim != 1:
            raise ValueError(f"OneHotViews takes 1 to {MAX_INDICES} indices in a 1-d list, got shape {idx.shape}")
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        self._pictures: dict[str, Any] = {}  # one figure per view, built on first use, then changed in place
        controls: dict[str, widgets.ValueWidget] = {
            "view": widgets.ToggleButtons(options=[(t_marked(VIEW_LABELS[v]), v) for v in VIEWS], value=view,
                                          description=t("view")),
        }
        for n, k in enumerate(idx.tolist()):
            controls[f"i{n}"] = widgets.Dropdown(
                options=list(range(self.weight.shape[0])), value=k, description=f"[{n}]",
                layout=widgets.Layout(width="110px"), style={"description_width": "28px"},
            )
        caption = t("Same indices, same table, same output: only the way it is computed differs.")
        super().__init__(controls, caption=caption)

    def indices(self) -> np.ndarray:
        """The indices currently picked, shape (N,), int64."""
        return np.array([v for name, v in self.values().items() if name != "view"], dtype=np.int64)

    def draw(self, view: str, **picked: int) -> Figure:
        idx = np.array(list(picked.values()), dtype=np.int64)
        picture = self._pictures.get(view)
        if picture is None:  # the first picture of this view: drawn from scratch
            picture = _LookupPicture(idx, self.weight) if view == LOOKUP else OneHotMatmulPicture(idx, self.weight)
            self._pictures[view] = picture
            return picture.figure
        return picture.update(idx)

    def describe(self) -> str:
        return f"view={self.controls['view'].value!r}, indices={self.indices().tolist()}"
