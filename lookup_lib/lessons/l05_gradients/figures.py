"""Figures of lesson 05: the gradient of a lookup is a scatter-add. They draw only.

``plot_scatter_add`` draws where each position's gradient goes: one row of ``dL/dout`` per
position on the left, the ``(V, D)`` gradient of the table (computed by the caller, e.g. with
:func:`lookup_lib.embedding_backward`) on the right, a line from each position to the row it was looked
up from. ``plot_grad_norms`` draws the row norms of a
:class:`~lookup_lib.lessons.l05_gradients.gradients.RowGradients` (computed once by
:func:`~lookup_lib.lessons.l05_gradients.gradients.row_gradients`), with and without
``scale_grad_by_freq``, as a bar chart.

Drawn artists carry ids tests can find: ``"flow:s->k"`` (the line from position s to row k)
and ``"sum:k"`` / ``"scaled:k"`` (the bar of row k in the chart, without / with
``scale_grad_by_freq``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch

from lookup_lib.checks import as_indices, from_torch, normalize_padding_idx
from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import CHANGED, INK, NEUTRAL, OUTPUT, PADDING, draw_table, new_figure
from lookup_lib.lessons.l05_gradients.gradients import RowGradients

__all__ = ["plot_grad_norms", "plot_scatter_add"]

# A drawn table stays readable up to about this many rows.
MAX_DRAWN_ROWS = 16

# Bar colour and legend text for each setting of scale_grad_by_freq.
_BAR_STYLE = {
    False: ("sum", CHANGED, mark("scale_grad_by_freq=False: sum over positions")),
    True: ("scaled", OUTPUT, mark("scale_grad_by_freq=True: sum ÷ count")),
}


def plot_scatter_add(
    indices: Any,
    grad_output: Any,
    grad_weight: Any,
    *,
    padding_idx: int | None = None,
    scale_grad_by_freq: bool = False,
    labels: Sequence[str] | None = None,
    fmt: str = "{:g}",
) -> Figure:
    """Draw the backward pass of a lookup: each position's ``dL/dout`` row added into its table row.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        Flattened in row-major order; position s is the s-th index.
    grad_output : array_like, shape (*S, D)
    grad_weight : array_like, shape (V, D)
        The table's gradient for these indices and this ``grad_output``, computed by the caller
        (``L.embedding_backward(grad_output, indices, V, ...)``, or torch's ``weight.grad``).
    padding_idx : int, optional
        Positions holding it are grey and send nothing (what ``grad_weight`` was computed with).
    scale_grad_by_freq : bool, default False
        Whether ``grad_weight`` was divided by the counts: written next to each row ("÷3").
    labels : sequence of str, optional
        A name for each of the V rows (e.g. the vocabulary); default ``"row k"``.
    fmt : str
        Format of the numbers in the cells.

    Returns
    -------
    matplotlib.figure.Figure
        Two Axes: ``dL/dout`` (label ``"grad_output"``) and ``dL/dW`` (label ``"grad_weight"``).
    """
    idx = as_indices(indices).reshape(-1)
    grad_out = np.asarray(from_torch(grad_output))
    grad_out = grad_out.reshape(idx.size, grad_out.shape[-1])  # (N, D)
    grad = np.asarray(from_torch(grad_weight))
    if grad.ndim != 2 or grad.shape[1] != grad_out.shape[1]:
        raise ValueError(f"grad_weight must have shape (V, {grad_out.shape[1]}), got {grad.shape}")
    num_embeddings = grad.shape[0]
    pad = normalize_padding_idx(padding_idx, num_embeddings)
    if max(idx.size, num_embeddings) > MAX_DRAWN_ROWS:
        raise ValueError(f"plot_scatter_add draws at most {MAX_DRAWN_ROWS} positions and rows, "
                         f"got {idx.size} positions and {num_embeddings} rows")
    names = list(labels) if labels is not None else [t("row {k}", k=k) for k in range(num_embeddings)]
    dim = grad_out.shape[1]

    rows_drawn = max(idx.size, num_embeddings, 1)
    fig = new_figure(2 * 0.6 * (dim + 3) + 0.6, 0.5 * rows_drawn + 1.2)
    ax_out, ax_w = fig.subplots(1, 2)
    ax_out.set_label("grad_output")
    ax_w.set_label("grad_weight")
    pad_positions = {s: PADDING for s in range(idx.size) if idx[s] == pad}
    position_labels = [f"s={s}: " + (names[k] if labels is not None else f"idx {k}") for s, k in enumerate(idx)]
    draw_table(ax_out, grad_out, row_labels=position_labels, highlight_rows=range(idx.size),
               row_colors=pad_positions, max_rows=max(idx.size, 1), fmt=fmt,
               title=t("dL/dout: one row per position s"))
    used = sorted(set(idx.tolist()) - {pad})
    row_colors = {pad: PADDING} if pad is not None else {}
    draw_table(ax_w, grad, highlight_rows=used, row_colors=row_colors, max_rows=num_embeddings, fmt=fmt,
               title=t("dL/dW: a scatter-add, ÷ count") if scale_grad_by_freq else t("dL/dW: a scatter-add"))
    _label_rows_on_the_right(ax_w, idx, names, pad, dim, scale_grad_by_freq)
    # The same extent on both sides, so that a cell has the same size in both tables.
    ax_out.set_xlim(-3.0, dim + 0.1)
    ax_w.set_xlim(-0.1, dim + 3.0)
    for ax in (ax_out, ax_w):
        ax.set_ylim(rows_drawn + 0.1, -0.9)
        ax.set_anchor("N")
    for s, k in enumerate(idx.tolist()):
        if k != pad:
            _connect(fig, ax_out, (dim + 0.05, s + 0.5), ax_w, (-0.05, k + 0.5), gid=f"flow:{s}->{k}")
    return fig


def _label_rows_on_the_right(ax: Axes, idx: np.ndarray, names: Sequence[str], pad: int | None, dim: int,
                             scaled: bool) -> None:
    """Write each row's name and where its gradient comes from (``← s=0+2+3``) right of the table."""
    for k, name in enumerate(names):
        positions = np.flatnonzero(idx == k).tolist()
        if k == pad:
            source = "  " + t("padding: 0")
        elif positions:
            source = "  ← s=" + "+".join(str(s) for s in positions)
            if scaled:
                source += f"  ÷{len(positions)}"
        else:
            source = "  " + t("(not used)")
        ax.text(dim + 0.05, k + 0.5, name + source, ha="left", va="center", fontsize=9, color=INK)


def _connect(fig: Figure, ax_a: Axes, xy_a: tuple[float, float], ax_b: Axes, xy_b: tuple[float, float],
             gid: str) -> None:
    line = ConnectionPatch(xyA=xy_a, coordsA=ax_a.transData, xyB=xy_b, coordsB=ax_b.transData,
                           color=CHANGED, linewidth=1.4, alpha=0.8, arrowstyle="-|>", mutation_scale=10)
    line.set_gid(gid)
    fig.add_artist(line)


def plot_grad_norms(
    rows: RowGradients,
    *,
    scale_grad_by_freq: bool | Sequence[bool] | None = None,
    labels: Sequence[str] | None = None,
    ymax: float | None = None,
    title: str | None = None,
) -> Figure:
    """Bar chart of each row's gradient norm; under each row, how often it occurs in the indices.

    Parameters
    ----------
    rows : RowGradients
        From :func:`~lookup_lib.lessons.l05_gradients.gradients.row_gradients`: one group of bars per row,
        one bar per setting it holds (False = the plain sum, True = divided by the count), side by side.
        The padding row's label is grey and marked "(padding)"; its bars are 0.
    scale_grad_by_freq : bool or sequence of bool, optional
        Which of the settings ``rows`` holds to draw; default all of them.
    labels : sequence of str, optional
        A name for each row; default ``"row k"``.
    ymax : float, optional
        Top of the y axis (a widget keeps it fixed, so bars can be compared between redraws).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; the bar of row k has the gid ``"sum:k"`` (plain sum) or ``"scaled:k"`` (÷ count).
    """
    if scale_grad_by_freq is None:
        settings = rows.settings
    else:
        wanted = [scale_grad_by_freq] if isinstance(scale_grad_by_freq, bool) else list(scale_grad_by_freq)
        settings = [bool(s) for s in wanted]
        missing = [s for s in settings if s not in rows.norms]
        if missing:
            raise ValueError(f"rows holds the settings {rows.settings}, not {missing}: compute them with row_gradients")
    counts, pad = rows.counts, rows.padding_idx
    num_embeddings = rows.num_embeddings
    names = list(labels) if labels is not None else [t("row {k}", k=k) for k in range(num_embeddings)]

    fig = new_figure(max(4.5, 0.75 * num_embeddings * max(len(settings), 1) ** 0.5 + 1.5), 3.6)
    ax = fig.add_subplot()
    width = 0.8 / max(len(settings), 1)
    x = np.arange(num_embeddings)
    for j, scaled in enumerate(settings):
        norms = rows.norms[scaled]
        gid, color, legend = _BAR_STYLE[bool(scaled)]
        bars = ax.bar(x + (j - (len(settings) - 1) / 2) * width, norms, width, color=color, label=t_marked(legend))
        for k, patch in enumerate(bars):
            patch.set_gid(f"{gid}:{k}")
        ax.bar_label(bars, labels=[f"{v:.2g}" if v else "" for v in norms], fontsize=8, color=INK, padding=1)
    ticks = [f"{name}\n×{counts[k]}" + (" " + t("(padding)") if k == pad else "") for k, name in enumerate(names)]
    ax.set_xticks(x, ticks, fontsize=9)
    if pad is not None:
        ax.get_xticklabels()[pad].set_color(PADDING)
    ax.set_xlim(-0.6, num_embeddings - 0.4)
    ax.set_ylim(0, (ymax if ymax else _top(ax)) * 1.12)
    ax.set_ylabel("‖dL/dW[k]‖", color=INK)
    ax.set_xlabel(t("row k, and ×count: how often k occurs in these indices"), color=INK)
    ax.set_facecolor(NEUTRAL)
    ax.set_axisbelow(True)
    ax.grid(axis="y", color="white")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    if title:
        ax.set_title(title, fontsize=10, color=INK)
    return fig


def _top(ax: Axes) -> float:
    """The tallest bar on ``ax`` (1 when there is none, so an empty chart still has a y axis)."""
    heights = [patch.get_height() for patch in ax.patches]
    return max(max(heights, default=0.0), 0.0) or 1.0

