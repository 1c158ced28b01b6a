"""Lesson 03 figures: a padded batch, its mask and masked mean; the padding row under training.

``draw_padded_batch`` draws what :func:`~.helpers.pad_and_look_up` computes (indices, mask,
looked-up rows, means) and ``plot_row_trace`` the values of chosen rows step by step (e.g. from
:func:`~.helpers.sgd_trace`). The computations live in
:mod:`~lookup_lib.lessons.l03_padding_idx.helpers`; this module only draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, draw_table, new_figure
from lookup_lib.lessons.l03_padding_idx.helpers import pad_and_look_up

__all__ = ["draw_padded_batch", "plot_row_trace"]

# One colour per component of a row in plot_row_trace (D is small in the lessons).
_COMPONENT_COLORS = [CHANGED, OUTPUT, HIGHLIGHT, INK, "#6a4c93", "#3a7d44"]


def _draw_grid(ax: Axes, labels: np.ndarray, colors: np.ndarray, title: str, row_names: Sequence[str]) -> None:
    """Draw a (B, T) grid of text cells, each with its own colour; column numbers on top."""
    n_rows, n_cols = labels.shape
    for r in range(n_rows):
        ax.text(-0.15, r + 0.5, row_names[r], ha="right", va="center", fontsize=9, color=INK)
        for c in range(n_cols):
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=colors[r, c], edgecolor="white", linewidth=1.5))
            ax.text(c + 0.5, r + 0.5, labels[r, c], ha="center", va="center", fontsize=9, color=INK)
    for c in range(n_cols):
        ax.text(c + 0.5, -0.15, f"t={c}", ha="center", va="bottom", fontsize=8, color=INK)
    ax.set_xlim(-1.3, max(n_cols, 1) + 0.1)
    ax.set_ylim(n_rows + 0.1, -0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10, color=INK)


def draw_padded_batch(
    sequences: Sequence[Sequence[int]],
    vocab: Sequence[str],
    weight: Any,
    max_len: int | None = None,
    padding_idx: int = 0,
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

    Returns
    -------
    matplotlib.figure.Figure
        Axes labelled ``"ids"``, ``"mask"``, ``"rows"`` and ``"mean"`` (``ax.get_label()``).
    """
    table = as_weight(weight)
    ids, mask, out, means = pad_and_look_up(sequences, table, max_len, padding_idx)  # (B, T), (B, T), (B, T, D), (B, D)
    n_sent, width = ids.shape
    names = [f"s{b}" for b in range(n_sent)]
    cell_colors = np.where(mask, HIGHLIGHT, PADDING)

    # Height (and the rows panel's extent) grow with the number of looked-up rows, so a cell keeps
    # its size when max_len changes; short batches leave room at the bottom instead of zooming in.
    extent = max(n_sent * width, 3 * n_sent + 4)
    fig = new_figure(9, 0.9 + 0.42 * extent)
    grid = fig.add_gridspec(3, 2, width_ratios=[max(width, 3), 4])
    ax_ids = fig.add_subplot(grid[0, 0], label="ids")
    word_ids = np.array([[f"{i}\n{vocab[i]}" for i in row] for row in ids], dtype=object).reshape(ids.shape)
    _draw_grid(ax_ids, word_ids, cell_colors, f"padded ids {ids.shape} (grey = <pad>)", names)
    ax_mask = fig.add_subplot(grid[1, 0], label="mask")
    _draw_grid(ax_mask, mask.astype(int).astype(str), cell_colors, "mask: 1 = real token", names)

    ax_mean = fig.add_subplot(grid[2, 0], label="mean")
    draw_table(ax_mean, means, row_labels=names, row_colors=dict.fromkeys(range(n_sent), OUTPUT),
               title=f"mean over real tokens {(n_sent, table.shape[1])}")

    ax_rows = fig.add_subplot(grid[:, 1], label="rows")
    flat_ids = ids.reshape(-1)
    labels = [f"s{b} t={t} {vocab[i]}" for (b, t), i in zip(np.ndindex(ids.shape), flat_ids, strict=True)]
    pad_rows = {k: PADDING for k in np.flatnonzero(~mask.reshape(-1))}
    draw_table(ax_rows, out.reshape(-1, table.shape[1]), row_labels=labels, row_colors=pad_rows,
               highlight_rows=range(flat_ids.size), max_rows=max(flat_ids.size, 1),
               title=f"looked-up rows emb(ids), {out.shape} shown as ({flat_ids.size}, {table.shape[1]})")
    ax_rows.set_ylim(extent + 0.1, -0.9)
    ax_rows.set_anchor("N")
    if ids.size == 0:
        ax_rows.set_title("no columns: max_len = 0", fontsize=10, color=INK)
    return fig


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
                    color=color, label=f"dim {d}")
        moved = float(np.abs(hist[:, row] - hist[0, row]).max())
        ax.set_title(f"{label}\nlargest change: {moved:.3g}", fontsize=10, color=INK)
        ax.set_xlabel("optimizer step", color=INK)
        ax.set_xticks(steps)
        ax.set_facecolor(NEUTRAL)
        ax.grid(color="white")
    axes[0].set_ylabel("value", color=INK)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=hist.shape[2], fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11, color=INK)
    return fig
