"""Widget of lesson 08: pick a word, see its nearest neighbours and where it sits in a 2-D projection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.checks import from_torch
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l08_embeddings_capture_meaning.figures import NeighbourhoodFigure

__all__ = ["NeighbourExplorer"]


class NeighbourExplorer(FigureWidget):
    """Choose a word (``Dropdown``) and how many neighbours (``IntSlider``); see them as bars and on the map.

    Everything is computed from the vectors given, once, at construction: the 2-D PCA projection
    of all of them, and the figure with all its artists (a
    :class:`~lookup_lib.lessons.l08_embeddings_capture_meaning.figures.NeighbourhoodFigure`). Each
    redraw only looks up the nearest neighbours of the chosen word (by cosine similarity, in all D
    dimensions) and updates that figure in place: ``draw`` returns the same Figure every time, with
    the same pixels as :func:`plot_word_neighbourhood` would draw afresh. Nothing is trained in a
    callback. The picture depends only on the control values (the kit's picture memo stays on).

    Parameters
    ----------
    vectors : array_like of float, shape (V, D) (a torch tensor is fine)
    words : V words, one per row
    groups : V group names (colours), optional
    word : the word shown first (default: the first of ``words``)
    k : int, default 8: how many neighbours at first

    Attributes
    ----------
    points : numpy.ndarray, shape (V, 2): the 2-D PCA projection of the vectors (for the lesson's map)
    neighbours : list of str: the neighbours shown now, most similar first
    similarities : numpy.ndarray, shape (k,): their cosine similarity to the chosen word
    """

    def __init__(self, vectors: Any, words: Sequence[str], groups: Sequence[str] | None = None,
                 word: str | None = None, k: int = 8) -> None:
        # Imported here, not at the top, so that importing this module alone stays free of torch
        # (word2vec, which holds `nearest`, trains with it).
        from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import nearest

        self._nearest = nearest
        self.vectors = np.array(from_torch(vectors), dtype=np.float64)
        self.words = list(words)
        if self.vectors.ndim != 2 or len(self.vectors) != len(self.words):
            raise ValueError(f"vectors must have shape ({len(self.words)}, D) for {len(self.words)} words, "
                             f"got {self.vectors.shape}")
        self.groups = list(groups) if groups is not None else None
        self.points, _ = pca(self.vectors, 2)
        self.figure = NeighbourhoodFigure(self.words, self.groups, slots=max(NeighbourhoodFigure.SLOTS, k))
        self.neighbours: list[str] = []
        self.similarities = np.zeros(0)
        first = word if word is not None else self.words[0]
        if first not in self.words:
            raise ValueError(f"{first!r} is not one of the words given")
        controls = {
            "word": widgets.Dropdown(options=sorted(self.words), value=first, description=t("word")),
            "k": widgets.IntSlider(value=k, min=1, max=min(self.figure.slots, len(self.words) - 1),
                                   description=t("neighbours")),
        }
        super().__init__(controls, caption=t(
            "Neighbours are measured with cosine similarity in all dimensions; right: the same neighbours "
            "around the word, by rank (line width = similarity)."))

    def draw(self, word: str, k: int) -> Figure:
        """Find the ``k`` nearest neighbours of ``word`` and show them (the same Figure, updated in place)."""
        indices, self.similarities = self._nearest(self.vectors, self.words.index(word), k)
        self.neighbours = [self.words[i] for i in indices]
        return self.figure.update(word, self.neighbours, self.similarities)
