"""Lesson 01 widget: type some indices, see their rows light up and the output they make."""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib._checks import as_weight
from lookup_lib.core import embedding
from lookup_lib.viz.table import draw_lookup, draw_lookup_error
from lookup_lib.widgets._base import FigureWidget

__all__ = ["LookupExplorer", "parse_index_text"]

EXAMPLE = "0, 2, 0, 1; 1, 3, 4, 4"
INT64_MIN, INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


def _read_int(token: str) -> int:
    """One index from its text; a float or a word gets a message that says what to type."""
    try:
        value = int(token)
    except ValueError:
        pass
    else:
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError(f"{token} is too large to be an index (indices are int64)")
        return value
    try:
        float(token)
    except ValueError:
        raise ValueError(f"could not read {token!r} as an index: type whole numbers, e.g. {EXAMPLE}") from None
    raise ValueError(f"{token!r} is not a whole number: indices must be integers (torch refuses float indices too)")


def _from_python_literal(text: str) -> np.ndarray:
    """``"[[0, 2], [1, 3]]"`` → an int64 array; anything that is not a rectangular list of ints raises."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(f"could not read {text!r} as a list of indices, e.g. [[0, 2, 0, 1], [1, 3, 4, 4]]") from None
    try:
        arr = np.array(value)
    except ValueError:
        raise ValueError("every row must have the same number of indices (a tensor is rectangular)") from None
    if arr.size == 0:
        return arr.astype(np.int64)  # [] is a float array to NumPy, but an empty list of indices here
    if arr.dtype.kind == "f":
        raise ValueError("indices must be integers, not floats (torch refuses float indices too)")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"could not read {text!r} as a list of whole numbers")
    return arr.astype(np.int64)


def parse_index_text(text: str) -> np.ndarray:
    """Read indices typed into a text box.

    Two forms are accepted: numbers separated by commas or spaces, with ``;`` between the
    rows of a 2-d tensor (``"0, 2, 0, 1; 1, 3, 4, 4"``), or a Python list
    (``"[[0, 2, 0, 1], [1, 3, 4, 4]]"``, any number of dimensions).

    Parameters
    ----------
    text : str

    Returns
    -------
    numpy.ndarray of int64
        Shape (N,) for one row, (R, N) for rows separated by ``;``, the list's shape for a Python list.

    Raises
    ------
    ValueError
        With a message a student can act on (empty text, a word, a float, ragged rows).
        The range of the indices is not checked here: that is the lookup's job.

    Examples
    --------
    >>> parse_index_text("0, 2; 1, 3").tolist()
    [[0, 2], [1, 3]]
    >>> parse_index_text("4 0 -1").tolist()
    [4, 0, -1]
    """
    text = text.strip()
    if not text:
        raise ValueError(f"type some indices, e.g. {EXAMPLE}")
    if text.startswith("["):
        return _from_python_literal(text)
    rows = [[_read_int(token) for token in re.split(r"[,\s]+", row.strip()) if token] for row in text.split(";")]
    rows = [row for row in rows if row]
    if not rows:
        raise ValueError(f"type some indices, e.g. {EXAMPLE}")
    if len({len(row) for row in rows}) > 1:
        lengths = ", ".join(str(len(row)) for row in rows)
        raise ValueError(f"every row must have the same number of indices (a tensor is rectangular); got {lengths}")
    arr = np.array(rows, dtype=np.int64)
    return arr[0] if len(rows) == 1 else arr


class LookupExplorer(FigureWidget):
    """A text box of indices above the picture of their lookup (``viz.draw_lookup``).

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
            description="indices",
            placeholder=EXAMPLE,
            continuous_update=False,  # redraw on Enter / leaving the box, not on every key
            layout=widgets.Layout(width="420px"),
        )
        super().__init__({"indices": box}, caption="")

    def draw(self, indices: str) -> Figure:
        """Parse the text and draw its lookup, or the table and a message if it cannot be looked up."""
        try:
            idx = parse_index_text(indices)
            self.output = embedding(idx, self.weight)
        except (ValueError, TypeError, IndexError) as err:
            self.output, self.message = None, str(err)
            self.caption.value = f"<b>cannot look up:</b> {html.escape(self.message, quote=False)}"
            return draw_lookup_error(self.weight, self.message, vocab=self.vocab)
        self.message = ""
        self.caption.value = f"indices {idx.shape} → output {self.output.shape}"
        return draw_lookup(idx, self.weight, vocab=self.vocab)
