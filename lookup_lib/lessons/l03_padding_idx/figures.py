"""Lesson 03 figures: a padded batch, its mask and masked mean; the padding row under training.

``draw_padded_batch`` draws what :func:`~.helpers.pad_and_look_up` computes (indices, mask,
looked-up rows, means) and ``plot_row_trace`` the values of chosen rows step by step (e.g. from
:func:`~.helpers.sgd_trace`). The computations live in
:mod:`~lookup_lib.lessons.l03_padding_idx.helpers`; this module only draws.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, draw_table, new_figure
from lookup_lib.lessons.l03_padding_idx.helpers import pad_and_look_up

__all__ = ["PaddedBatchPicture", "draw_padded_batch", "plot_row_trace"]

# One colour per component of a row in plot_row_trace (D is small in the lessons).
_COMPONENT_COLORS = [CHANGED, OUTPUT, HIGHLIGHT, INK, "#6a4c93", "#3a7d44"]


# The picture of a padded batch is laid out by hand: one cell is UNIT_X by UNIT_Y inches in every
# panel and at every max_len, so sliding max_len never rescales the cells (and nothing is measured).
UNIT_X, UNIT_Y = 0.5, 0.38
MARGIN = 0.15  # inches around the picture
GAP = 0.4  # inches between the left column (ids, mask, mean) and the rows
TITLE = 0.3  # inches above a panel for its title (two lines: twice that)
TITLE_CHAR = 0.085  # inches per character of a 10-point title (room is kept so that no title is cut)
LABEL_CHAR = 0.13  # cells per character of a 9-point row label
NAMES = 1.3  # cells left of the ids, mask and mean for the sentence names


def _chars(text: str) -> int:
    """The width of ``text`` in Latin characters: a CJK character (East Asian wide) counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _draw_grid(ax: Axes, labels: np.ndarray, colors: np.ndarray, title: str, row_names: Sequence[str]) -> None:
    """Draw a (B, T) grid of text cells, each with its own colour; column numbers on top."""
    n_rows, n_cols = labels.shape
    for r in range(n_rows):
        ax.text(-0.15, r + 0.5, row_names[r], ha="right", va="center", fontsize=9, color=INK)
        for c in range(n_cols):
            ax.add_artist(Rectangle((c, r), 1, 1, facecolor=colors[r, c], edgecolor="white", linewidth=1.5))
            ax.text(c + 0.5, r + 0.5, labels[r, c], ha="center", va="center", fontsize=8 if "\n" in labels[r, c]
                    else 9, color=INK)
    for c in range(n_cols):
        ax.text(c + 0.5, -0.15, f"t={c}", ha="center", va="bottom", fontsize=8, color=INK)
    ax.axis("off")
    ax.set_title(title, fontsize=10, color=INK, y=1.0)  # y given: no search for its place on each draw


def draw_padded_batch(
    sequences: Sequence[Sequence[int]],
    vocab: Sequence[str],
    weight: Any,
    max_len: int | None = None,
    padding_idx: int = 0,
    *,
    columns: int | None = None,
) -> Figure:
    """Draw a padded batch: indices, mask, the looked-up rows and the mean over real tokens.

    Parameters
    ----------
    sequences : sequence of B sequences of int
        Token ids of each sentence.
    vocab : sequence of str, length V
        ``vocab[i]`` is the word of id i (written under each id).
    weight : array_like, shape (V, D)
        The embedding table; ``weight[padding_idx]`` is drawn as it is stored.
    max_len : int, optional
        Truncate / pad to this many columns (see :func:`~.helpers.pad_batch`).
    padding_idx : int, default 0
        The id used for padding.
    columns : int, optional
        Room for this many columns (default: the columns drawn), so that pictures of several
        ``max_len`` are the same width and their panels stand in the same places.

    Returns
    -------
    matplotlib.figure.Figure
        Axes labelled ``"ids"``, ``"mask"``, ``"rows"`` and ``"mean"`` (``ax.get_label()``).
    """
    return PaddedBatchPicture(sequences, vocab, weight, padding_idx, columns=columns).update(max_len)


class PaddedBatchPicture:
    """The figure of :func:`draw_padded_batch`, drawn again on the same panels for another ``max_len``.

    A widget's redraw: the figure and its four panels are made once and the table checked once;
    ``update`` takes the cells and texts away, draws the batch padded to the new length and places
    the panels, as a fresh :func:`draw_padded_batch` would (the same pixels).

    Parameters
    ----------
    sequences, vocab, weight, padding_idx, columns
        As for :func:`draw_padded_batch`.
    """

    def __init__(self, sequences: Sequence[Sequence[int]], vocab: Sequence[str], weight: Any, padding_idx: int = 0,
                 *, columns: int | None = None) -> None:
        self.sequences, self.vocab, self.padding_idx, self.columns = sequences, vocab, padding_idx, columns
        self.table = as_weight(weight)
        self.figure = new_figure(1, 1)
        self.figure.set_layout_engine("none")  # placed by hand: see UNIT_X, UNIT_Y
        self.axes = {name: self.figure.add_subplot(label=name) for name in ("ids", "mask", "mean", "rows")}

    def update(self, max_len: int | None = None) -> Figure:
        """Draw the batch padded / truncated to ``max_len`` (in place of the one drawn before); returns the figure."""
        table, vocab = self.table, self.vocab
        ids, mask, out, means = pad_and_look_up(self.sequences, table, max_len, self.padding_idx)  # (B, T), ..., (B, D)
        for ax in self.axes.values():
            for artist in [*ax.patches, *ax.texts, *ax.artists]:
                artist.remove()
        n_sent, width = ids.shape
        dim = table.shape[1]
        names = [f"s{b}" for b in range(n_sent)]
        cell_colors = np.where(mask, HIGHLIGHT, PADDING)
        axes = self.axes

        word_ids = np.array([[f"{i}\n{vocab[i]}" for i in row] for row in ids], dtype=object).reshape(ids.shape)
        _draw_grid(axes["ids"], word_ids, cell_colors, t("padded ids {shape} (grey = <pad>)", shape=ids.shape),
                   names)
        _draw_grid(axes["mask"], mask.astype(int).astype(str), cell_colors, t("mask: 1 = real token"), names)
        draw_table(axes["mean"], means, row_labels=names, row_colors=dict.fromkeys(range(n_sent), OUTPUT),
                   title=t("mean over real tokens {shape}", shape=(n_sent, dim)))
        flat_ids = ids.reshape(-1)
        labels = [f"s{b} t={pos} {vocab[i]}" for (b, pos), i in zip(np.ndindex(ids.shape), flat_ids, strict=True)]
        pad_rows = {k: PADDING for k in np.flatnonzero(~mask.reshape(-1))}
        draw_table(axes["rows"], out.reshape(-1, dim), row_labels=labels, row_colors=pad_rows,
                   highlight_rows=range(flat_ids.size), max_rows=max(flat_ids.size, 1),
                   title=t("looked-up rows emb(ids), {shape}\nshown as ({n}, {dim})", shape=out.shape,
                           n=flat_ids.size, dim=dim))
        if ids.size == 0:
            axes["rows"].set_title(t("no columns: max_len = 0"), fontsize=10, color=INK)
        for ax in (axes["mean"], axes["rows"]):
            ax.set_title(ax.get_title(), fontsize=10, color=INK, y=1.0)  # y given: no search on each draw

        cols = max(width, self.columns or 0, 1)
        # room for the longest label of any max_len up to ``cols``, so that the rows panel never moves
        words = {len(vocab[i]) for row in self.sequences for i in row} | {len(vocab[self.padding_idx])}
        longest = len(f"s{n_sent - 1} t={cols - 1} ") + max(words)
        label_room = 0.3 + LABEL_CHAR * max([longest, *(len(label) for label in labels)])
        panels = {  # name: (xlim, ylim) in cells, y running downwards
            "ids": ((-NAMES, cols + 0.1), (n_sent + 0.1, -0.8)),
            "mask": ((-NAMES, cols + 0.1), (n_sent + 0.1, -0.8)),
            "mean": ((-NAMES, dim + 0.1), (n_sent + 0.1, -0.3)),
            "rows": ((-label_room, dim + 0.1), (max(flat_ids.size, 1) + 0.1, -0.3)),
        }
        size = {name: ((x1 - x0) * UNIT_X, (y0 - y1) * UNIT_Y) for name, ((x0, x1), (y0, y1)) in panels.items()}
        titles = {name: max(map(_chars, ax.get_title().split("\n"))) * TITLE_CHAR for name, ax in axes.items()}
        left_w = max(max(size[n][0], titles[n]) for n in ("ids", "mask", "mean"))
        right_w = max(size["rows"][0], titles["rows"])
        left_h = sum(TITLE + size[n][1] for n in ("ids", "mask", "mean"))
        right_h = 2 * TITLE + size["rows"][1]
        fig_w, fig_h = 2 * MARGIN + left_w + GAP + right_w, 2 * MARGIN + max(left_h, right_h)
        self.figure.set_size_inches(fig_w, fig_h)
        top = MARGIN
        places = {}
        for name in ("ids", "mask", "mean"):
            top += TITLE
            places[name] = (MARGIN + (left_w - size[name][0]) / 2, top)
            top += size[name][1]
        places["rows"] = (MARGIN + left_w + GAP + (right_w - size["rows"][0]) / 2, MARGIN + 2 * TITLE)
        for name, ax in axes.items():
            (x0, x1), (y0, y1) = panels[name]
            left, top = places[name]
            w, h = size[name]
            ax.set_position((left / fig_w, 1 - (top + h) / fig_h, w / fig_w, h / fig_h))
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            ax.set_aspect("auto")
        return self.figure


def plot_row_trace(
    history: Any,
    rows: Sequence[int],
    labels: Sequence[str],
    title: str | None = None,
) -> Figure:
    """Plot, for a few rows of a table, each component's value after every training step.

    Parameters
    ----------
    history : array_like, shape (S + 1, V, D)
        The table before training and after each of S steps (e.g. from :func:`~.helpers.sgd_trace`).
    rows : sequence of int
        Which rows to plot, one panel each.
    labels : sequence of str
        A title for each panel, e.g. ``"row 0 '<pad>' (padding)"``.
    title : str, optional
        Title of the whole figure.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per row (``ax.get_label()`` is ``"row {k}"``), one line per component.
    """
    hist = np.asarray(history)
    if hist.ndim != 3:
        raise ValueError(f"history must have shape (steps + 1, V, D), got {hist.shape}")
    steps = np.arange(hist.shape[0])
    fig = new_figure(3.3 * len(rows) + 0.4, 3.1)
    axes = fig.subplots(1, len(rows), sharey=True, squeeze=False)[0]
    for ax, row, label in zip(axes, rows, labels, strict=True):
        ax.set_label(f"row {row}")
        for d in range(hist.shape[2]):
            color = _COMPONENT_COLORS[d % len(_COMPONENT_COLORS)]
            # Later components are drawn thinner, so lines that coincide (a zero row) all stay visible.
            ax.plot(steps, hist[:, row, d], marker="o", markersize=max(7 - 1.5 * d, 2), linewidth=max(3 - 0.7 * d, 0.8),
                    color=color, label=t("dim {d}", d=d))
        moved = float(np.abs(hist[:, row] - hist[0, row]).max())
        ax.set_title(f"{label}\n" + t("largest change: {moved:.3g}", moved=moved), fontsize=10, color=INK)
        ax.set_xlabel(t("optimizer step"), color=INK)
        ax.set_xticks(steps)
        ax.set_facecolor(NEUTRAL)
        ax.grid(color="white")
    axes[0].set_ylabel(t("value"), color=INK)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=hist.shape[2], fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11, color=INK)
    return fig
