"""``PaddingExplorer``: a batch of sentences, truncated and padded to a length picked with a slider."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l03_padding_idx.figures import PaddedBatchPicture

__all__ = ["PaddingExplorer"]


class PaddingExplorer(FigureWidget):
    """Slide ``max_len`` and watch the padded ids, the mask and the looked-up rows change.

    Parameters
    ----------
    sequences : sequence of B sequences of int
        Token ids of each sentence.
    vocab : sequence of str, length V
        The word of each id.
    weight : array_like, shape (V, D)
        The embedding table (a torch tensor works too).
    padding_idx : int, default 0
        The id used for padding.
    max_len : int, optional
        Starting slider value; defaults to the longest sentence.

    The slider runs from 1 to two past the longest sentence: below the longest length it
    truncates, above it every sentence gets padding.
    """

    def __init__(
        self,
        sequences: Sequence[Sequence[int]],
        vocab: Sequence[str],
        weight: Any,
        padding_idx: int = 0,
        max_len: int | None = None,
    ) -> None:
        self.sequences = [list(s) for s in sequences]
        self.vocab = list(vocab)
        self.weight = np.array(as_weight(weight))  # checked once, and a copy: later changes to the table do not show
        self.padding_idx = padding_idx
        longest = max((len(s) for s in self.sequences), default=1)
        slider = widgets.IntSlider(
            value=longest if max_len is None else max_len,
            min=1,
            max=longest + 2,
            description="max_len",
            continuous_update=False,
        )
        # one figure, drawn again for each max_len, with room for the longest: the panels stay put
        self._picture = PaddedBatchPicture(self.sequences, self.vocab, self.weight, padding_idx, columns=slider.max)
        super().__init__(
            {"max_len": slider},
            caption=t("Truncate below the longest sentence, pad above it; grey = padding."),
        )

    def draw(self, max_len: int) -> Figure:
        """The figure of :func:`~.figures.draw_padded_batch` for this ``max_len`` (room for the slider's longest)."""
        return self._picture.update(max_len)
