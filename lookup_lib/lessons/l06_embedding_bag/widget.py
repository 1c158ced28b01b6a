"""Lesson 06 widget: type the offsets, pick sum / mean / max, and watch the bags and their outputs change."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.bag import MODES
from lookup_lib.checks import as_indices, as_weight
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.indices import parse_indices
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l01_lookup_table import draw_lookup_error
from lookup_lib.lessons.l06_embedding_bag.bags import cut_bags
from lookup_lib.lessons.l06_embedding_bag.figures import BagsPicture

__all__ = ["BagExplorer"]


def _offsets_text(offsets: Any) -> str:
    return ", ".join(str(int(o)) for o in np.asarray(offsets).reshape(-1))


class BagExplorer(FigureWidget):
    """A fixed index stream; a text box of offsets and a sum / mean / max switch above the bags figure.

    Press Enter (or leave the box) to redraw. Offsets that do not describe bags (not starting at
    0, decreasing, past the end, not whole numbers) show the table and the reason instead.

    Parameters
    ----------
    indices : array_like of int, shape (N,)
        The index stream (a torch tensor works).
    weight : array_like of float, shape (V, D)
        The table; copied, so later training does not change the picture.
    offsets : array_like of int or str, default "0"
        The first offsets in the box, e.g. ``[0, 2, 5]`` or ``"0, 2, 5"``.
    mode : {"sum", "mean", "max"}, default "mean"
    words : sequence of str, optional
        The word of each row, written under each index and beside the table.
    padding_idx : int, optional
        Entries equal to it are skipped (drawn grey).

    Attributes
    ----------
    output : numpy.ndarray or None
        :func:`lookup_lib.bag.embedding_bag` of the current offsets and mode, (B, D); None if they are invalid.
    message : str
        Why the current offsets are invalid; "" when they are fine.

    The stream and the table are checked once, here; each redraw cuts the bags once
    (:func:`~lookup_lib.lessons.l06_embedding_bag.bags.cut_bags`) and draws what it cut.
    """

    def __init__(
        self,
        indices: Any,
        weight: Any,
        offsets: Any = "0",
        mode: str = "mean",
        words: Sequence[str] | None = None,
        padding_idx: int | None = None,
    ) -> None:
        self.indices = as_indices(indices).reshape(-1).copy()
        self.weight = np.array(as_weight(weight))
        self.words = None if words is None else list(words)
        self.padding_idx = padding_idx
        self.output: np.ndarray | None = None
        self.message = ""
        self._picture = BagsPicture(words=self.words)  # one figure, drawn again for each change
        box = widgets.Text(
            value=offsets if isinstance(offsets, str) else _offsets_text(offsets),
            description="offsets",
            placeholder="0, 2, 5",
            continuous_update=False,  # redraw on Enter / leaving the box, not on every key
            layout=widgets.Layout(width="320px"),
        )
        buttons = widgets.ToggleButtons(options=list(MODES), value=mode, description="mode")
        super().__init__({"offsets": box, "mode": buttons}, caption="")

    def draw(self, offsets: str, mode: str) -> Figure:
        """Read the offsets and draw the bags, or the table and a message if they are invalid."""
        try:
            offs = parse_indices(offsets)
            if offs.ndim != 1:
                raise ValueError(t("offsets are one list of start positions, e.g. 0, 2, 5 (no ';')"))
            bags = cut_bags(self.indices, self.weight, offs, mode, padding_idx=self.padding_idx)
        except (ValueError, TypeError, IndexError) as err:
            self.output, self.message = None, str(err)
            self.caption.value = t("<b>these offsets do not make bags:</b> {message}",
                                   message=html.escape(self.message, quote=False))
            return draw_lookup_error(self.weight, self.message, vocab=self.words)
        self.output, self.message = bags.output, ""
        self.caption.value = t("{n} indices, {b} bags → output {shape}", n=self.indices.size, b=offs.size,
                               shape=self.output.shape)
        return self._picture.update(bags)
