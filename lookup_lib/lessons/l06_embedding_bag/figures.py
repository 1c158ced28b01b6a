"""Figures of lesson 06: the bags drawn over the index stream, and a classifier's results.

- ``draw_bags`` / ``plot_bags``: the flat index stream with a bracket over each bag (where ``offsets`` put
  it), the table with the rows the bags use, and one output row per bag with the reduction written out.
  What they draw is computed once by :func:`~lookup_lib.lessons.l06_embedding_bag.bags.cut_bags` (from
  :func:`lookup_lib.bag.embedding_bag`, the one reference of bags); the drawing checks nothing again;
- ``plot_confusion`` and ``plot_top_words``: what a bag-of-words classifier got right and wrong
  (the counts from :func:`~lookup_lib.lessons.l06_embedding_bag.topics.confusion_matrix`), and which
  words push it towards each class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lookup_lib.checks import from_torch
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, draw_table, new_figure
from lookup_lib.lessons.l06_embedding_bag.bags import Bags, cut_bags

__all__ = ["BagsPicture", "draw_bags", "plot_bags", "plot_confusion", "plot_top_words"]

UNIT = 0.5  # inches per table cell
MARGIN = 0.15  # inches around the panels
GAP = 0.5  # inches between the stream and the tables below it (their titles sit there)
MAX_TABLE_ROWS = 14


# -- the picture of bags -----------------------------------------------------------------------------


def _place(fig: Figure, ax: Axes, left: float, top: float, xlim: tuple[float, float], ylim: tuple[float, float],
           unit_x: float = UNIT) -> None:
    """Put ``ax`` at ``left``, ``top`` (inches) with one data unit = ``unit_x`` wide and ``UNIT`` high."""
    fig_w, fig_h = fig.get_size_inches()
    width, height = (xlim[1] - xlim[0]) * unit_x, (ylim[0] - ylim[1]) * UNIT
    ax.set_position((left / fig_w, 1 - (top + height) / fig_h, width / fig_w, height / fig_h))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("auto")


def _stream_colors(flat: np.ndarray, bounds: np.ndarray, padding_idx: int | None) -> list[str]:
    """The colour of each index cell: grey = padding (skipped), orange = in a bag, white = in none."""
    in_a_bag = np.zeros(flat.size, dtype=bool)
    in_a_bag[bounds[0]:bounds[-1]] = True
    return [PADDING if index == padding_idx else HIGHLIGHT if in_a_bag[i] else NEUTRAL
            for i, index in enumerate(flat)]


def _draw_stream(ax: Axes, flat: np.ndarray, bounds: np.ndarray, *, padding_idx: int | None,
                 words: Sequence[str] | None, weights: np.ndarray | None) -> tuple[float, float]:
    """The index stream as a row of cells, a bracket over each bag; returns the y limits used."""
    bottom = _draw_stream_cells(ax, flat, bounds, padding_idx=padding_idx, words=words, weights=weights)
    return bottom, _draw_stream_brackets(ax, flat, bounds)


def _draw_stream_cells(ax: Axes, flat: np.ndarray, bounds: np.ndarray, *, padding_idx: int | None,
                       words: Sequence[str] | None, weights: np.ndarray | None) -> float:
    """The index stream's cells, numbers and labels (the first ``flat.size`` patches); returns the bottom y."""
    for i, (index, color) in enumerate(zip(flat, _stream_colors(flat, bounds, padding_idx), strict=True)):
        ax.add_patch(Rectangle((i, 0), 1, 1, facecolor=color, edgecolor="white", linewidth=1.5))
        text = f"{index}" if words is None else f"{index}\n{words[index]}"
        ax.text(i + 0.5, 0.5, text, ha="center", va="center", fontsize=9 if words is None else 8, color=INK)
        ax.text(i + 0.5, 1.1, str(i), ha="center", va="top", fontsize=7, color=INK, alpha=0.7)
    labels = [(t("bags"), -0.35), (t("indices"), 0.5), (t("position"), 1.25)]
    bottom = 1.6
    if weights is not None:
        for i, w in enumerate(weights):
            ax.add_patch(Rectangle((i, 1.6), 1, 0.8, facecolor=NEUTRAL, edgecolor="white", linewidth=1.5))
            ax.text(i + 0.5, 2.0, f"{w:g}", ha="center", va="center", fontsize=8, color=INK)
        labels.append((t("weights"), 2.0))
        bottom = 2.5
    for text, y in labels:
        ax.text(-0.15, y, text, ha="right", va="center", fontsize=8, color=INK)
    ax.axis("off")
    return bottom


def _draw_stream_brackets(ax: Axes, flat: np.ndarray, bounds: np.ndarray) -> float:
    """The brackets over the stream (drawn after its cells); returns the top y."""
    top = _draw_brackets(ax, bounds)
    if bounds[-1] < flat.size:  # include_last_offset with indices after the last offset
        _bracket(ax, bounds[-1], flat.size, -0.35, t("in no bag"), CHANGED, dashed=True)
    return top


def _bracket(ax: Axes, start: float, end: float, y: float, label: str, color: str, dashed: bool = False) -> None:
    """A bracket over cells ``start`` … ``end - 1`` (opening downwards), its label above it."""
    style = "--" if dashed else "-"
    x0, x1 = start + 0.08, end - 0.08
    ax.plot([x0, x0, x1, x1], [-0.05, y, y, -0.05], color=color, linewidth=1.6, linestyle=style,
            solid_capstyle="butt")
    ax.text((start + end) / 2, y - 0.08, label, ha="center", va="bottom", fontsize=8, color=color)


def _draw_brackets(ax: Axes, bounds: np.ndarray) -> float:
    """One bracket per bag; empty bags are one red mark at their offset ("bags 1, 2: empty"). Returns the top y."""
    empty_at: dict[int, list[int]] = {}
    for b, (start, end) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        if end > start:
            _bracket(ax, start, end, -0.35, t("bag {b}", b=b), INK)
        else:
            empty_at.setdefault(int(start), []).append(b)
    for start, bags in empty_at.items():
        if len(bags) == 1:
            label = t("bag {b}: empty", b=bags[0])
        else:
            label = t("bags {bags}: empty", bags=", ".join(map(str, bags)))
        ax.plot([start, start], [-0.05, -0.9], color=CHANGED, linewidth=1.6)
        ax.text(start, -0.95, label, ha="center", va="bottom", fontsize=8, color=CHANGED)
    return -1.35 if empty_at else -0.9


def draw_bags(
    indices: Any,
    weight: Any,
    offsets: Any = None,
    mode: str = "mean",
    *,
    per_sample_weights: Any = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
    words: Sequence[str] | None = None,
    title: str | None = None,
    fmt: str = "{:.2f}",
) -> Figure:
    """Draw ``embedding_bag``: the index stream with a bracket over each bag → the table → one row per bag.

    Parameters
    ----------
    indices : array_like of int, shape (N,) with ``offsets``, or (B, L) without
        As for :func:`lookup_lib.bag.embedding_bag` (2-D: each row is a bag; drawn flattened).
    weight : array_like of float, shape (V, D)
    offsets, mode, per_sample_weights, include_last_offset, padding_idx
        As for :func:`lookup_lib.bag.embedding_bag`, which checks them (and raises its errors).
    words : sequence of str, optional
        ``words[k]`` is written under index k and beside row k of the table.
    title : str, optional
    fmt : str, default "{:.2f}"
        Format of the numbers in the table and the outputs.

    Returns
    -------
    matplotlib.figure.Figure
        Panels labelled ``"stream"`` (index cells: orange in a bag, grey = ``padding_idx``, skipped;
        white = after the last offset, in no bag), ``"table"`` (the rows the bags use in orange) and
        ``"bags"`` (the (B, D) output, each row followed by its reduction, e.g. ``(w[3] + w[1]) / 2``).

    Examples
    --------
    >>> fig = draw_bags([0, 2, 1, 1, 2], np.eye(3), offsets=[0, 2], mode="sum")
    >>> sorted(ax.get_label() for ax in fig.axes)
    ['bags', 'stream', 'table']
    """
    bags = cut_bags(indices, weight, offsets, mode, per_sample_weights=per_sample_weights,
                    include_last_offset=include_last_offset, padding_idx=padding_idx)
    return plot_bags(bags, words=words, title=title, fmt=fmt)


def plot_bags(bags: Bags, *, words: Sequence[str] | None = None, title: str | None = None,
              fmt: str = "{:.2f}") -> Figure:
    """:func:`draw_bags` for bags already cut by :func:`~lookup_lib.lessons.l06_embedding_bag.bags.cut_bags`."""
    return BagsPicture(words=words, title=title, fmt=fmt).update(bags)


class BagsPicture:
    """One figure of bags (:func:`plot_bags`), changed in place for other bags of the same stream and table.

    A widget's redraw: the figure, its three panels, the stream's cells and the table's numbers
    are drawn once; ``update`` recolours the cells, draws the brackets and the bag outputs again and
    sizes the figure, as a fresh :func:`plot_bags` would (the same pixels), without making the
    figure, its axes and its unchanged cells again. Bags of another stream or table are drawn afresh.

    Examples
    --------
    >>> pic = BagsPicture()
    >>> fig = pic.update(cut_bags([0, 2, 1], np.eye(3), [0, 1], "sum"))
    >>> pic.update(cut_bags([0, 2, 1], np.eye(3), [0], "max")) is fig
    True
    """

    def __init__(self, *, words: Sequence[str] | None = None, title: str | None = None,
                 fmt: str = "{:.2f}") -> None:
        self.words, self.title, self.fmt = words, title, fmt
        self.figure = fig = new_figure(1, 1)
        fig.set_layout_engine("none")  # panels are placed by hand, so that every cell has one size
        self.axes = [fig.add_subplot(label=name) for name in ("stream", "table", "bags")]
        self._drawn: tuple | None = None  # the stream and table drawn, and what was drawn of them
        self._changing: list[Any] = []  # the brackets: drawn again for each update

    def _draw_fixed(self, bags: Bags) -> None:
        """The stream's cells and the table, from scratch."""
        ax_stream, ax_table, ax_bags = self.axes
        for ax in self.axes:
            for artist in [*ax.patches, *ax.texts, *ax.lines]:
                artist.remove()
        table, flat, pad, words = bags.table, bags.flat, bags.padding_idx, self.words
        bottom = _draw_stream_cells(ax_stream, flat, bags.bounds, padding_idx=pad, words=words, weights=bags.weights)
        row_names = [str(k) if words is None else f"{k} {words[k]}" for k in range(table.shape[0])]
        draw_table(ax_table, table, highlight_rows=bags.used_rows(), row_colors={} if pad is None else {pad: PADDING},
                   row_labels=row_names, title=f"weight {table.shape}", fmt=self.fmt, max_rows=MAX_TABLE_ROWS)
        _pin_title(ax_table)
        cells = list(ax_stream.patches[:flat.size])
        rows = [(int(p.get_y()), p) for p in ax_table.patches]
        key = (flat.tobytes(), None if bags.weights is None else bags.weights.tobytes(), pad, table.shape,
               table.tobytes())
        self._drawn = (key, bottom, cells, rows, max(len(n) for n in row_names))
        self._changing = []

    def update(self, bags: Bags) -> Figure:
        """Draw ``bags`` (in place of the bags drawn before); returns the figure."""
        fig, fmt = self.figure, self.fmt
        ax_stream, ax_table, ax_bags = self.axes
        table, out, flat, pad = bags.table, bags.output, bags.flat, bags.padding_idx
        key = (flat.tobytes(), None if bags.weights is None else bags.weights.tobytes(), pad, table.shape,
               table.tobytes())
        if self._drawn is None or self._drawn[0] != key:
            self._draw_fixed(bags)
        else:  # the same stream and table: recolour them
            for cell, color in zip(self._drawn[2], _stream_colors(flat, bags.bounds, pad), strict=True):
                cell.set_facecolor(color)
            used = set(bags.used_rows())
            for r, cell in self._drawn[3]:
                cell.set_facecolor(PADDING if r == pad else HIGHLIGHT if r in used else NEUTRAL)
        _, bottom, _, _, label_width = self._drawn
        for artist in [*self._changing, *ax_bags.patches, *ax_bags.texts]:
            artist.remove()
        before = {id(a) for a in [*ax_stream.lines, *ax_stream.texts]}
        top = _draw_stream_brackets(ax_stream, flat, bags.bounds)
        self._changing = [a for a in [*ax_stream.lines, *ax_stream.texts] if id(a) not in before]

        formulas = bags.formulas()
        draw_table(ax_bags, out, row_labels=[t("bag {b}", b=b) for b in range(out.shape[0])],
                   row_colors=dict.fromkeys(range(out.shape[0]), OUTPUT),
                   title=t("{mode} of each bag {shape}", mode=bags.mode, shape=out.shape),
                   fmt=fmt, max_rows=max(out.shape[0], 1))
        for b, text in enumerate(formulas):
            ax_bags.text(table.shape[1] + 0.2, b + 0.5, f"← {text}", ha="left", va="center", fontsize=8, color=INK)
        _pin_title(ax_bags)
        _lay_out(fig, ax_stream, ax_table, ax_bags, stream=(flat.size, top, bottom), words=self.words,
                 table_rows=min(table.shape[0], MAX_TABLE_ROWS) + (table.shape[0] > MAX_TABLE_ROWS),
                 dim=table.shape[1], num_bags=out.shape[0], label_width=label_width,
                 formula_width=max((len(f) for f in formulas), default=0), title=self.title)
        return fig


def _pin_title(ax: Axes) -> None:
    """Fix a panel's title just above it, where matplotlib puts it: left automatic, matplotlib lays
    out the tick labels of these axis-less panels on every draw to find that place (slow)."""
    ax.set_title(ax.get_title(), fontsize=10, color=INK, y=1.0)


def _lay_out(fig: Figure, ax_stream: Axes, ax_table: Axes, ax_bags: Axes, *, stream: tuple[int, float, float],
             words: Sequence[str] | None, table_rows: int, dim: int, num_bags: int, label_width: int,
             formula_width: int, title: str | None) -> None:
    """Size the figure: the stream on top, the table and the bag outputs side by side below it."""
    n, top, bottom = stream
    cell_x = UNIT * max(1.0, 0.16 * max((len(w) for w in words), default=0)) if words else UNIT
    stream_xlim = (-1.5 * UNIT / cell_x, max(n, 1) + 0.6)
    table_xlim = (-0.2 - 0.16 * label_width, dim + 0.1)
    bags_xlim = (-1.3, dim + 0.4 + 0.15 * formula_width)
    table_ylim, bags_ylim = (table_rows + 0.1, -0.1), (max(num_bags, 1) + 0.1, -0.1)
    widths = [(stream_xlim[1] - stream_xlim[0]) * cell_x,
              (table_xlim[1] - table_xlim[0]) * UNIT + 0.3 + (bags_xlim[1] - bags_xlim[0]) * UNIT]
    title_h = 0.45 if title else 0.0
    stream_h = (bottom - top) * UNIT
    lower_h = max(table_ylim[0] - table_ylim[1], bags_ylim[0] - bags_ylim[1]) * UNIT
    fig.set_size_inches(max(widths) + 2 * MARGIN, title_h + stream_h + GAP + lower_h + 2 * MARGIN)
    _place(fig, ax_stream, MARGIN, MARGIN + title_h, stream_xlim, (bottom, top), unit_x=cell_x)
    lower_top = MARGIN + title_h + stream_h + GAP
    _place(fig, ax_table, MARGIN, lower_top, table_xlim, table_ylim)
    _place(fig, ax_bags, MARGIN + (table_xlim[1] - table_xlim[0]) * UNIT + 0.3, lower_top, bags_xlim, bags_ylim)
    if title:
        fig.suptitle(title, fontsize=11, color=INK, y=1 - MARGIN / fig.get_size_inches()[1], va="top")


# -- a classifier's results ---------------------------------------------------------------------------


def plot_confusion(matrix: Any, labels: Sequence[str], title: str | None = None) -> Figure:
    """Draw a confusion matrix: rows = true class, columns = predicted class, counts written in.

    Parameters
    ----------
    matrix : array_like of int, shape (C, C)
        From :func:`confusion_matrix`.
    labels : sequence of str, length C
    title : str, optional
        Default: the accuracy, ``"accuracy 152/160 = 95.0%"``.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes labelled ``"confusion"``: correct cells in ``OUTPUT``, mistakes in ``CHANGED``,
        empty cells in ``NEUTRAL``; the texts are the counts.
    """
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] != len(labels):
        raise ValueError(f"matrix must be (C, C) with C = len(labels) = {len(labels)}, got shape {m.shape}")
    c = m.shape[0]
    fig = new_figure(1.2 + 0.9 * c + 0.8, 1.0 + 0.6 * c + 0.9)
    ax = fig.add_subplot(label="confusion")
    for true in range(c):
        for p in range(c):
            color = NEUTRAL if m[true, p] == 0 else OUTPUT if true == p else CHANGED
            ax.add_patch(Rectangle((p, true), 1, 1, facecolor=color, edgecolor="white", linewidth=2))
            ax.text(p + 0.5, true + 0.5, str(int(m[true, p])), ha="center", va="center", fontsize=10, color=INK)
    ax.set_xlim(0, c)
    ax.set_ylim(c, 0)
    ax.set_xticks(np.arange(c) + 0.5, labels, fontsize=9, color=INK, rotation=20, ha="right")
    ax.set_yticks(np.arange(c) + 0.5, labels, fontsize=9, color=INK)
    ax.set_xlabel(t("predicted topic"), color=INK)
    ax.set_ylabel(t("true topic"), color=INK)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    total, correct = int(m.sum()), int(np.trace(m))
    default = t("accuracy {correct}/{total} = {percent:.1f}%", correct=correct, total=total,
                percent=100 * correct / max(total, 1))
    ax.set_title(title or default, fontsize=10, color=INK)
    return fig


def plot_top_words(scores: Any, words: Sequence[str], classes: Sequence[str], k: int = 6,
                   skip: Sequence[str] = ()) -> Figure:
    """For each class, the ``k`` words with the highest score, as horizontal bars.

    Parameters
    ----------
    scores : array_like of float, shape (V, C)
        ``scores[w, c]``: how strongly word w points to class c (e.g. the logits of a one-word bag).
    words : sequence of str, length V
    classes : sequence of str, length C
    k : int, default 6
    skip : sequence of str
        Words never shown (e.g. ``"<pad>"``, ``"<unk>"``).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per class, labelled with the class name; its bars are the top words, best on top.
    """
    s = np.asarray(from_torch(scores), dtype=float)
    if s.shape != (len(words), len(classes)):
        raise ValueError(f"scores must have shape (len(words), len(classes)) = {(len(words), len(classes))}, "
                         f"got {s.shape}")
    allowed = np.array([w not in set(skip) for w in words])
    fig = new_figure(2.4 * len(classes) + 0.4, 0.35 * k + 1.0)
    axes = fig.subplots(1, len(classes), squeeze=False)[0]
    for c, (ax, name) in enumerate(zip(axes, classes, strict=True)):
        ax.set_label(name)
        candidates = np.flatnonzero(allowed)
        best = candidates[np.argsort(-s[candidates, c], kind="stable")[:k]]
        ax.barh(np.arange(best.size), s[best, c], color=OUTPUT)
        ax.set_yticks(np.arange(best.size), [words[w] for w in best], fontsize=9, color=INK)
        ax.invert_yaxis()
        ax.set_title(name, fontsize=10, color=INK)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_facecolor(NEUTRAL)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
    fig.supxlabel(t("score of a one-word bag for the topic"), fontsize=9, color=INK)
    return fig
