"""Widget of lesson 05: type a batch of indices, toggle scale_grad_by_freq and padding, watch each row's gradient."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import check_positive_int, check_range, normalize_padding_idx
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.indices import parse_indices
from lookup_lib.lessons.kit.style import message_figure
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l05_gradients.figures import plot_grad_norms
from lookup_lib.lessons.l05_gradients.gradients import row_gradients

__all__ = ["GradientExplorer"]


class GradientExplorer(FigureWidget):
    """Bars of ``‖dL/dW[k]‖`` for a batch of indices typed in a text box.

    The loss is ``out.sum()``, so every position sends the gradient ``[1, ..., 1]`` back to its
    row: without ``scale_grad_by_freq`` a row's bar grows with how often the row occurs in the
    batch; with it, every used row gets the same bar. The padding row always gets 0.

    Controls: ``indices`` (a ``Text``: numbers, or words of ``labels``, separated by commas or
    spaces; redrawn on Enter), ``scale_grad_by_freq`` (a ``Checkbox``) and ``padding`` (a
    ``Checkbox``: use ``padding_idx`` or not). The y axis stays at the tallest plain-sum bar, so
    bars can be compared between redraws.

    Parameters
    ----------
    indices : str
        The starting batch, e.g. ``"1, 3, 1, 1"``.
    num_embeddings : int
        V, the number of rows drawn.
    embedding_dim : int, default 4
        D; with ``D = 4`` a row used c times has a plain gradient norm of ``c · √4 = 2c``.
    labels : sequence of str, optional
        A name for each row (e.g. the vocabulary); words can then be typed instead of numbers.
    padding_idx : int, default 0
        The row the ``padding`` checkbox switches on as ``padding_idx``.
    scale_grad_by_freq, padding : bool, default False
        Starting values of the checkboxes.

    Attributes
    ----------
    grad : numpy.ndarray, shape (V, D), or None
        The gradient the current figure shows (None while the text cannot be read).
    error : str
        Why the text cannot be read ("" when it can): the kit's parser for empty text or a word it does
        not know, the reference's range check for an index outside the table.
    """

    def __init__(
        self,
        indices: str,
        num_embeddings: int,
        embedding_dim: int = 4,
        labels: Sequence[str] | None = None,
        padding_idx: int = 0,
        scale_grad_by_freq: bool = False,
        padding: bool = False,
    ) -> None:
        self.num_embeddings = check_positive_int(num_embeddings, "num_embeddings")
        self.embedding_dim = check_positive_int(embedding_dim, "embedding_dim")
        self.labels = list(labels) if labels is not None else None
        if self.labels is not None and len(self.labels) != self.num_embeddings:
            raise ValueError(f"labels has {len(self.labels)} names for {self.num_embeddings} rows")
        self.padding_idx = normalize_padding_idx(padding_idx, self.num_embeddings)
        self.grad: np.ndarray | None = None
        self.error = ""
        controls = {
            "indices": widgets.Text(value=indices, description=t("indices"), continuous_update=False,
                                    # wide enough for the starting text (issue 16: it was cut)
                                    layout=widgets.Layout(width=f"calc({max(len(indices), 24) + 2}ch + 7em)")),
            "scale_grad_by_freq": widgets.Checkbox(value=scale_grad_by_freq, description="scale_grad_by_freq",
                                                   indent=False),
            "padding": widgets.Checkbox(value=padding, description=f"padding_idx={self.padding_idx}", indent=False),
        }
        super().__init__(controls, caption=t("loss = out.sum(): each position sends [1, …, 1] back to its row. "
                                             "Type indices (or words) and press Enter."))

    def draw(self, indices: str, scale_grad_by_freq: bool, padding: bool) -> Figure:
        """The bar chart for these control values, or a figure saying why the text cannot be read."""
        try:
            idx = self._read(indices)
        except (ValueError, IndexError) as exc:
            self.grad, self.error = None, str(exc)
            return message_figure(self.error)
        self.error = ""
        pad = self.padding_idx if padding else None
        ones = np.ones((idx.size, self.embedding_dim), dtype=np.float32)  # dL/dout for loss = out.sum()
        scaled = bool(scale_grad_by_freq)
        # One backward per setting needed: the plain sum fixes the y axis, the chosen setting is drawn.
        rows = row_gradients(idx, ones, self.num_embeddings, padding_idx=pad,
                             scale_grad_by_freq=sorted({False, scaled}))
        self.grad = rows.grads[scaled]
        ymax = float(rows.norms[False].max(initial=0.0))
        return plot_grad_norms(rows, scale_grad_by_freq=scaled, labels=self.labels, ymax=ymax,
                               title=t("gradient of each row for {n} indices", n=idx.size))

    def _read(self, text: str) -> np.ndarray:
        """The typed indices, range-checked by the reference's rule (ValueError or IndexError says why not)."""
        idx = parse_indices(text, self.labels)
        check_range(idx, self.num_embeddings)
        return idx
