"""Widget of lesson 10: type a context, pick a position, watch its token row and position row being summed."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

import lookup_lib as L
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.style import message_figure
from lookup_lib.lessons.kit.vocab import Vocab
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l10_embeddings_in_a_language_model.figures import TokenPlusPosition

__all__ = ["TokenPositionExplorer"]


class TokenPositionExplorer(FigureWidget):
    """``x[t] = tok_emb[ids[t]] + pos_emb[t]`` drawn as three tables, for a context typed in a text box.

    Both lookups are :func:`lookup_lib.embedding`, so a context longer than the position table is refused
    with the reference's message (which index, which range), as torch refuses it with an IndexError.

    Parameters
    ----------
    text : str
        The starting context (its characters are looked up in ``vocab``; unseen ones become ``<unk>``).
    tok_table : array, shape (V, D)
    pos_table : array, shape (T_max, D)
        T_max is the context length.
    vocab : Vocab
        The character vocabulary (row k of ``tok_table`` is ``vocab.words[k]``).
    """

    def __init__(self, text: str, tok_table: np.ndarray, pos_table: np.ndarray, vocab: Vocab) -> None:
        self.tok_table = np.asarray(tok_table, dtype=np.float32)
        self.pos_table = np.asarray(pos_table, dtype=np.float32)
        self.vocab = vocab
        self.x: np.ndarray | None = None
        self.error = ""
        # one figure per context length, updated in place (numbers, labels, highlighted row): a change of
        # position or of the text at the same length redraws it without building anything
        self._tables: dict[int, TokenPlusPosition] = {}
        self._message: Figure | None = None
        controls = {
            "text": widgets.Text(value=text, description=t("context"), continuous_update=False),
            "position": widgets.IntSlider(value=0, min=0, max=len(self.pos_table) - 1, description="t"),
        }
        super().__init__(controls, caption=t("The context length is {n}: type more characters than that to see the "
                                             "position table refuse. Press Enter.", n=len(self.pos_table)))

    def draw(self, text: str, position: int) -> Figure:
        ids = self.vocab.encode(list(text))  # (T,)
        try:
            tok = L.embedding(ids, self.tok_table)  # (T, D)
            pos = L.embedding(np.arange(len(ids)), self.pos_table)  # (T, D): fails past the context length
        except (IndexError, ValueError) as exc:
            self.x, self.error = None, f"{type(exc).__name__}: {exc}"
            return self._message_figure(self.error)
        self.x, self.error = tok + pos, ""
        shown = min(position, len(ids) - 1) if len(ids) else None
        tables = self._tables.get(len(ids))
        if tables is None:
            tables = self._tables[len(ids)] = TokenPlusPosition(len(ids), self.tok_table.shape[1])
        return tables.update(tok, pos, [self.vocab.words[k] for k in ids], position=shown)

    def _message_figure(self, message: str) -> Figure:
        """The kit's message figure, built once; a new message only changes its text."""
        if self._message is None:
            self._message = message_figure(message, width=7)
        self._message.axes[0].texts[0].set_text(message)
        return self._message
