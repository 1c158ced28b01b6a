"""Lesson 02 figures: the lookup as a one-hot matrix product, its gradient, and what it costs.

``draw_onehot_matmul`` draws ``one_hot (N, V) @ weight (V, D) = output (N, D)`` with the
1s lit and the rows they pick highlighted; ``draw_onehot_gradient`` draws the backward
product ``one_hotᵀ (V, N) @ grad_output (N, D) = grad_weight (V, D)``, where repeated
indices add up; ``plot_lookup_cost`` plots measured time and memory of both methods
against the vocabulary size on log-log axes.

Panels are found again by their labels (``ax.get_label()``), the lit cells and arrows by
their ``gid`` (``"one:{n},{k}"``, ``"pick:{n}->row{k}"``), so tests can check what is drawn.
The matrices drawn are computed in :mod:`~lookup_lib.lessons.l02_one_hot_matmul.helpers`, from
indices checked once by its ``small_example``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch, Rectangle

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, draw_table, new_figure
from lookup_lib.lessons.l02_one_hot_matmul.helpers import (
    MAX_INDICES,
    MAX_VOCAB,
    onehot_gradient,
    onehot_product,
    small_example,
)

if TYPE_CHECKING:
    from lookup_lib.lessons.l02_one_hot_matmul.cost import CostRecord

__all__ = ["MAX_INDICES", "MAX_VOCAB", "OneHotMatmulPicture", "draw_onehot_matmul", "draw_onehot_gradient",
           "plot_lookup_cost"]

# One drawn cell, the room between panels (where "@" and "=" stand) and the margins, in inches.
# 0.42 in = 42 px: the widget's product of 3 indices and a (6, 3) table is 850 px wide, the width
# of a JupyterLab output area (a wider PNG is shrunk by the browser, and blurs).
CELL = 0.42
GAP = 0.7
MARGIN = 0.15
PANEL_TITLE = 0.35  # room above the tallest panel for its title, in inches
LABEL_CELLS = 1.3  # room left of a table for its row labels, in cells


def _extent(ax: Axes) -> tuple[float, float]:
    """Width and height of a drawn table in cells (its data limits; y runs downwards)."""
    (x0, x1), (y_bottom, y_top) = ax.get_xlim(), ax.get_ylim()
    return x1 - x0, y_bottom - y_top


def _lay_out(fig: Figure, axes: Sequence[Axes], operators: Sequence[str], title: str | None) -> None:
    """Size the figure and put the panels side by side, centred vertically, one cell = CELL inches.

    ``operators[i]`` is written in the gap between panel i and panel i + 1, level with the panels'
    titles: above the arrows that run through the gaps, so that none crosses it.
    """
    sizes = [(w * CELL, h * CELL) for w, h in map(_extent, axes)]
    top = MARGIN + PANEL_TITLE + (0.35 if title else 0.0)
    height = max(h for _, h in sizes)
    fig_w = sum(w for w, _ in sizes) + GAP * (len(axes) - 1) + 2 * MARGIN
    fig_h = top + height + MARGIN
    fig.set_size_inches(fig_w, fig_h)
    left = MARGIN
    for i, (ax, (w, h)) in enumerate(zip(axes, sizes, strict=True)):
        y = top + (height - h) / 2
        ax.set_position([left / fig_w, 1 - (y + h) / fig_h, w / fig_w, h / fig_h])
        left += w
        if i < len(operators):
            fig.text((left + GAP / 2) / fig_w, 1 - (top - 0.05) / fig_h, operators[i],
                     ha="center", va="bottom", fontsize=18, color=INK, zorder=10)
            left += GAP
    if title:
        fig.suptitle(title, fontsize=11, color=INK, y=1 - 0.1 / fig_h, va="top")


def _light(ax: Axes, row: int, col: int, color: str, gid: str) -> None:
    """Fill one cell of a drawn table (its number, drawn earlier, stays on top)."""
    cell = Rectangle((col, row), 1, 1, facecolor=color, edgecolor="white", linewidth=1.5, zorder=1.5)
    cell.set_gid(gid)
    ax.add_patch(cell)


def _arrow(fig: Figure, start: tuple[float, float], ax_start: Axes, end: tuple[float, float], ax_end: Axes,
           gid: str) -> None:
    """A thin straight arrow from a point of one panel to a point of another (data coordinates)."""
    arrow = ConnectionPatch(start, end, coordsA=ax_start.transData, coordsB=ax_end.transData,
                            arrowstyle="-|>", mutation_scale=9, color=INK, linewidth=0.9, alpha=0.7,
                            shrinkA=1, shrinkB=1)
    arrow.set_gid(gid)
    fig.add_artist(arrow)


def _position_labels(shape: tuple[int, ...]) -> list[str]:
    """``[0]``, ``[1]``, ... (or ``[0, 1]`` for 2-D indices): where each index sits, in C order."""
    return ["[" + ", ".join(str(i) for i in p) + "]" for p in np.ndindex(*shape)]


def draw_onehot_matmul(indices: Any, weight: Any, *, fmt: str = "{:.2f}", title: str | None = None) -> Figure:
    """Draw the lookup as a product: ``one_hot(indices, V) (N, V) @ weight (V, D) = output (N, D)``.

    Each row of the one-hot matrix has one 1 (lit in ``HIGHLIGHT``), in the column of its
    index; an arrow runs from the end of that row to the row of ``weight`` it picks (also lit; it
    passes no digit, label or operator), and the
    output rows are filled in ``OUTPUT``. Every other product term is a 0 times something.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        At most ``MAX_INDICES`` indices, each in ``[0, V)``; drawn flattened in C order.
    weight : array_like, shape (V, D)
        A small table, V <= ``MAX_VOCAB``.
    fmt : str, default "{:.2f}"
        Format of the numbers of ``weight`` and the output.
    title : str, optional
        Text above the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Panels labelled "one_hot", "weight", "output". Lit cells have gids ``"one:{n},{k}"``,
        arrows ``"pick:{n}->row{k}"``.
    """
    table = as_weight(weight)
    idx = small_example(indices, table.shape[0])  # the one check of the indices
    hot, out = onehot_product(idx, table)  # (N, V), (*S, D)
    flat = idx.reshape(-1)
    names = _position_labels(idx.shape)

    fig = new_figure(1, 1)
    fig.set_layout_engine("none")
    ax_hot, ax_w, ax_out = (fig.add_subplot(label=name) for name in ("one_hot", "weight", "output"))
    draw_table(ax_hot, hot, fmt="{:.0f}", row_labels=names, col_labels=[str(k) for k in range(table.shape[0])],
               title=f"one_hot {hot.shape}")
    draw_table(ax_w, table, highlight_rows=sorted(set(flat.tolist())), fmt=fmt,
               row_labels=[t("row {k}", k=k) for k in range(table.shape[0])], title=f"weight {table.shape}")
    draw_table(ax_out, out.reshape(flat.size, -1), row_colors=dict.fromkeys(range(flat.size), OUTPUT), fmt=fmt,
               row_labels=names, title=t("output {shape}", shape=out.shape))
    for ax in (ax_hot, ax_w, ax_out):
        ax.set_xlim(-LABEL_CELLS, ax.get_xlim()[1])
    _lay_out(fig, [ax_hot, ax_w, ax_out], ["@", "="], title)
    for n, k in enumerate(flat.tolist()):
        _light(ax_hot, n, k, HIGHLIGHT, gid=f"one:{n},{k}")
        # from the end of one-hot row n (past its digits) to the left of weight row k (before its label)
        _arrow(fig, (table.shape[0] + 0.05, n + 0.5), ax_hot, (-LABEL_CELLS, k + 0.5), ax_w, gid=f"pick:{n}->row{k}")
    pin_titles(fig)
    return fig


def cells(ax: Axes) -> tuple[dict[tuple[int, int], Any], dict[tuple[int, int], Any]]:
    """The texts and the cell patches of a table drawn by ``draw_table``, by (row, column).

    Found by where they sit (a cell's patch has its corner at (column, row), its number at the
    centre), so a figure can be changed in place: ``texts[r, c].set_text(...)``.
    """
    texts = {}
    for text in ax.texts:
        x, y = text.get_position()
        if x > 0 and y > 0 and x % 1 == 0.5 and y % 1 == 0.5:
            texts[int(y), int(x)] = text
    patches = {(int(p.get_y()), int(p.get_x())): p for p in ax.patches
               if isinstance(p, Rectangle) and p.get_gid() is None}
    return texts, patches


def pin_titles(fig: Figure) -> None:
    """Fix each panel's title where matplotlib would put it (just above the panel), once.

    Left automatic, matplotlib works out the title's height on every draw by laying out the
    tick labels of panels whose axis is off (a fifth of a table figure's redraw); pinned at
    ``y=1.0`` it lands on the same pixels without that.
    """
    for ax in fig.axes:
        title = ax.title
        if title.get_text():
            ax.set_title(title.get_text(), fontsize=title.get_fontsize(), color=title.get_color(), y=1.0)


class OneHotMatmulPicture:
    """The figure of :func:`draw_onehot_matmul`, changed in place for other indices of the same shape.

    A widget's redraw: the texts, cells and arrows drawn once are kept; ``update`` changes their
    strings, colours and end points, and the figure is the one a fresh :func:`draw_onehot_matmul`
    of the new indices would give (the same pixels), without building it again.

    Parameters
    ----------
    indices, weight, fmt, title
        As for :func:`draw_onehot_matmul` (the first picture).

    Examples
    --------
    >>> pic = OneHotMatmulPicture([1, 0], np.eye(3))
    >>> fig = pic.update([2, 2])
    >>> sorted(a.get_gid() for a in fig.artists)
    ['pick:0->row2', 'pick:1->row2']
    """

    def __init__(self, indices: Any, weight: Any, *, fmt: str = "{:.2f}", title: str | None = None) -> None:
        self.table = as_weight(weight)
        self.fmt = fmt
        self.shape = small_example(indices, self.table.shape[0]).shape
        self.figure = draw_onehot_matmul(indices, self.table, fmt=fmt, title=title)
        axes = {ax.get_label(): ax for ax in self.figure.axes}
        self._hot, _ = cells(axes["one_hot"])
        _, self._rows = cells(axes["weight"])
        self._out, _ = cells(axes["output"])
        self._lit = [p for p in axes["one_hot"].patches if (p.get_gid() or "").startswith("one:")]
        self._arrows = [a for a in self.figure.artists if (a.get_gid() or "").startswith("pick:")]

    def update(self, indices: Any) -> Figure:
        """The figure, changed to show ``indices`` (the shape of the first ones); returns it."""
        idx = small_example(indices, self.table.shape[0])
        if idx.shape != self.shape:
            raise ValueError(f"indices must keep the shape {self.shape} of the first picture, got {idx.shape}")
        hot, out = onehot_product(idx, self.table)
        flat = idx.reshape(-1)
        used = set(flat.tolist())
        for (r, c), text in self._hot.items():
            text.set_text(f"{hot[r, c]:.0f}")
        for (r, _c), cell in self._rows.items():
            cell.set_facecolor(HIGHLIGHT if r in used else NEUTRAL)
        rows = out.reshape(flat.size, -1)
        for (r, c), text in self._out.items():
            text.set_text(self.fmt.format(rows[r, c]))
        for n, (lit, arrow, k) in enumerate(zip(self._lit, self._arrows, flat.tolist(), strict=True)):
            lit.set_x(k)
            lit.set_gid(f"one:{n},{k}")
            arrow.xy2 = (-LABEL_CELLS, k + 0.5)
            arrow.set_gid(f"pick:{n}->row{k}")
            arrow.stale = True
        return self.figure


def draw_onehot_gradient(
    indices: Any, grad_output: Any, num_embeddings: int, *, fmt: str = "{:g}", title: str | None = None
) -> Figure:
    """Draw the backward product: ``one_hotᵀ (V, N) @ grad_output (N, D) = grad_weight (V, D)``.

    Row k of the one-hot transpose has a 1 for every position where index k was looked up,
    so row k of the gradient is the sum of those rows of ``grad_output``: repeated indices
    accumulate, rows never looked up get 0. The result equals
    :func:`lookup_lib.embedding_backward` (the scatter-add), which is what it shows.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        At most ``MAX_INDICES`` indices, each in ``[0, V)``.
    grad_output : array_like, shape (*S, D)
        Gradient of the loss with respect to the lookup's output.
    num_embeddings : int
        V, at most ``MAX_VOCAB``.
    fmt : str, default "{:g}"
        Format of the gradient numbers.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Panels labelled "one_hot_T", "grad_output", "grad_weight". Lit cells of the
        transpose have gids ``"one:{k},{n}"``; rows of ``grad_weight`` that received a
        gradient are filled in ``CHANGED``.
    """
    idx = small_example(indices, num_embeddings)  # the one check of the indices
    hot_t, grad, grad_w = onehot_gradient(idx, grad_output, num_embeddings)  # (V, N), (N, D), (V, D)
    flat = idx.reshape(-1)
    names = _position_labels(idx.shape)

    fig = new_figure(1, 1)
    fig.set_layout_engine("none")
    ax_hot, ax_g, ax_gw = (fig.add_subplot(label=name) for name in ("one_hot_T", "grad_output", "grad_weight"))
    rows = [t("row {k}", k=k) for k in range(num_embeddings)]
    draw_table(ax_hot, hot_t, fmt="{:.0f}", row_labels=rows, col_labels=names, title=f"one_hotᵀ {hot_t.shape}")
    draw_table(ax_g, grad, row_colors=dict.fromkeys(range(flat.size), OUTPUT), fmt=fmt, row_labels=names,
               title=f"grad_output {grad.shape}")
    used = sorted(set(flat.tolist()))
    draw_table(ax_gw, grad_w, row_colors=dict.fromkeys(used, CHANGED), fmt=fmt, row_labels=rows,
               title=f"grad_weight {grad_w.shape}")
    for ax in (ax_hot, ax_g, ax_gw):
        ax.set_xlim(-LABEL_CELLS, ax.get_xlim()[1])
    _lay_out(fig, [ax_hot, ax_g, ax_gw], ["@", "="], title)
    for n, k in enumerate(flat.tolist()):
        _light(ax_hot, k, n, HIGHLIGHT, gid=f"one:{k},{n}")
    pin_titles(fig)
    return fig


def plot_lookup_cost(records: Sequence[CostRecord], *, title: str | None = None) -> Figure:
    """Time and memory of the lookup and of the one-hot product against V, on log-log axes.

    Parameters
    ----------
    records : sequence of CostRecord
        From :func:`lookup_lib.lessons.l02_one_hot_matmul.cost.measure_lookup_vs_onehot`, one per vocabulary size
        (anything with the same attributes will do).
    title : str, optional
        Text above both panels.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes labelled "time" and "memory", each with two lines labelled "lookup" and
        "one-hot × matrix" (in English; the texts shown are in the lessons' language), and a text
        (gid "ratio") giving the one-hot ÷ lookup ratio at the largest V, next to an arrow spanning
        the gap.
    """
    if not records:
        raise ValueError("plot_lookup_cost needs at least one record")
    recs = sorted(records, key=lambda r: r.vocab_size)
    vocab = np.array([r.vocab_size for r in recs], dtype=float)
    fig = new_figure(10, 4.2)
    panels = [  # the panel's label (what tests find it by), title, y label, the two lines, the ratio's word
        ("time", mark("time (ratio at V = {v:,})"), mark("seconds per call"), [r.lookup_seconds for r in recs],
         [r.onehot_seconds for r in recs], mark("slower")),
        ("memory", mark("memory (ratio at V = {v:,})"), mark("bytes made per call"), [r.lookup_bytes for r in recs],
         [r.onehot_bytes for r in recs], mark("more memory")),
    ]
    for i, (name, panel_title, ylabel, lookup, onehot, more) in enumerate(panels):
        ax = fig.add_subplot(1, 2, i + 1, label=name)
        ax.plot(vocab, lookup, "o-", color=OUTPUT, linewidth=2, label=t("lookup"))
        ax.plot(vocab, onehot, "s--", color=HIGHLIGHT, linewidth=2, label=t("one-hot × matrix"))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(t("vocabulary size V (rows of the table)"), color=INK)
        ax.set_ylabel(t_marked(ylabel), color=INK)
        ax.set_title(t_marked(panel_title, v=int(vocab[-1])), fontsize=11, color=INK)
        ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
        ratio = onehot[-1] / lookup[-1]
        ax.annotate(f"{ratio:,.0f}×\n{t_marked(more)}", xy=(vocab[-1], np.sqrt(onehot[-1] * lookup[-1])),
                    xytext=(-8, 0), textcoords="offset points", ha="right", va="center", fontsize=10, color=INK,
                    gid="ratio")
        ax.annotate("", xy=(vocab[-1], onehot[-1]), xytext=(vocab[-1], lookup[-1]),
                    arrowprops={"arrowstyle": "<->", "color": INK, "linewidth": 1})
        ax.legend(loc="upper left", fontsize=9, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11, color=INK)
    return fig
