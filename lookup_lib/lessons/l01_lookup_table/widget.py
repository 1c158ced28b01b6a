"""Lesson 01 widget: type some indices, see their rows light up and the output they make."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.indices import EXAMPLE, parse_indices
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l01_lookup_table.figures import draw_lookup_error, draw_lookup_result
from lookup_lib.lessons.l01_lookup_table.helpers import look_up

__all__ = ["LookupExplorer"]


class LookupExplorer(FigureWidget):
    """A text box of indices above the picture of their lookup (:func:`~.figures.draw_lookup`).

    Press Enter (or leave the box) to redraw. Text that cannot be looked up (a word, a
    float, an index out of range, ragged rows) shows the table and a message instead.

    Parameters
    ----------
    weight : array_like, shape (V, D), optional
        The table (a torch tensor works). Default: ``lookup_lib.Embedding(5, 3, rng=0).weight``.
    indices : str, default "0, 2, 0, 1; 1, 3, 4, 4"
        The first text in the box.
    vocab : sequence of str, optional
        A name for each row, shown in the table.

    Attributes
    ----------
    output : numpy.ndarray or None
        ``lookup_lib.embedding`` of the current indices, or None when they cannot be looked up.
    message : str
        Why the current text cannot be looked up; "" when it can.
    """

    def __init__(self, weight: Any = None, indices: str = EXAMPLE, vocab: Sequence[str] | None = None) -> None:
        if weight is None:
            from lookup_lib.module import Embedding

            weight = Embedding(5, 3, rng=0).weight
        self.weight = np.array(as_weight(weight))  # a copy: later training does not change the picture
        self.vocab = vocab
        self.output: np.ndarray | None = None
        self.message = ""
        box = widgets.Text(
            value=indices,
            description=t("indices"),
            placeholder=EXAMPLE,
            continuous_update=False,  # redraw on Enter / leaving the box, not on every key
            layout=widgets.Layout(width="420px"),
        )
        super().__init__({"indices": box}, caption="")

    def draw(self, indices: str) -> Figure:
        """Parse the text and draw its lookup, or the table and a message if it cannot be looked up."""
        try:
            lookup = look_up(parse_indices(indices), self.weight)  # checked here, once
        except (ValueError, TypeError, IndexError) as err:
            self.output, self.message = None, str(err)
            self.caption.value = t("<b>cannot look up:</b> {message}", message=html.escape(self.message, quote=False))
            return draw_lookup_error(self.weight, self.message, vocab=self.vocab)
        self.output, self.message = lookup.output, ""
        self.caption.value = f"indices {lookup.indices.shape} → output {self.output.shape}"
        return draw_lookup_result(lookup, vocab=self.vocab)
