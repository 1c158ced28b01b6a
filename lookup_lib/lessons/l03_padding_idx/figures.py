"""Padding a batch, masking it, and what training does to the padding row (lesson 03).

``pad_batch`` is a NumPy ``torch.nn.utils.rnn.pad_sequence(..., batch_first=True)`` with
truncation; ``masked_mean`` averages over real tokens only; ``sgd_trace`` runs a few SGD
steps on a table with ``lookup_lib``'s reference code and returns the table after each step.
The figures draw those: ``draw_padded_batch`` (indices, mask, looked-up rows, means) and
``plot_row_trace`` (the values of chosen rows, step by step).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lookup_lib.core import embedding, embedding_backward
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, draw_table, new_figure

__all__ = ["pad_batch", "masked_mean", "sgd_trace", "draw_padded_batch", "plot_row_trace"]

# One colour per component of a row in plot_row_trace (D is small in the lessons).
_COMPONENT_COLORS = [CHANGED, OUTPUT, HIGHLIGHT, INK, "#6a4c93", "#3a7d44"]


def pad_batch(
    sequences: Sequence[Sequence[int]], max_len: int | None = None, padding_value: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Truncate and pad sequences of token ids into one rectangular batch.

    Parameters
    ----------
    sequences : sequence of B sequences of int
        Token ids of each sentence; lengths may differ.
    max_len : int, optional
        If given, every sequence is cut to its first ``max_len`` ids and the batch is padded
        to exactly ``max_len`` columns (even past the longest sequence). If None, the batch
        is as wide as the longest sequence, like ``pad_sequence(..., batch_first=True)``.
    padding_value : int, default 0
        The id written into the empty positions (the padding index).

    Returns
    -------
    ids : numpy.ndarray of int64, shape (B, T)
    mask : numpy.ndarray of bool, shape (B, T)
        True at real tokens, False at padding. It comes from the lengths, not from
        ``ids != padding_value``, so a real token that shares the padding id stays True.

    Examples
    --------
    >>> ids, mask = pad_batch([[4, 2, 7], [5]], padding_value=0)
    >>> ids
    array([[4, 2, 7],
           [5, 0, 0]])
    >>> mask.astype(int)
    array([[1, 1, 1],
           [1, 0, 0]])
    """
    if max_len is not None and max_len < 0:
        raise ValueError(f"max_len must be >= 0 or None, got {max_len}")
    lengths = [len(s) if max_len is None else min(len(s), max_len) for s in sequences]
    width = max(lengths, default=0) if max_len is None else max_len
    ids = np.full((len(sequences), width), padding_value, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=bool)
    for b, (seq, n) in enumerate(zip(sequences, lengths, strict=True)):
        ids[b, :n] = np.asarray(seq[:n], dtype=np.int64)
        mask[b, :n] = True
    return ids, mask


def masked_mean(rows: Any, mask: Any) -> np.ndarray:
    """Mean of the looked-up rows over real tokens only.

    Parameters
    ----------
    rows : array_like, shape (B, T, D)
        The output of the lookup, padding positions included.
    mask : array_like of bool, shape (B, T)
        True at real tokens.

    Returns
    -------
    numpy.ndarray, shape (B, D)
        ``sum_t rows[b, t] * mask[b, t] / sum_t mask[b, t]``; a sentence with no real
        token gets zeros (instead of 0 / 0).

    Examples
    --------
    >>> rows = np.array([[[2.], [4.], [9.]]])
    >>> masked_mean(rows, [[True, True, False]])
    array([[3.]])
    """
    rows = np.asarray(rows)
    weights = np.asarray(mask, dtype=rows.dtype)[..., None]  # (B, T, 1)
    counts = weights.sum(axis=1)  # (B, 1)
    return (rows * weights).sum(axis=1) / np.maximum(counts, 1)


def sgd_trace(
    weight: Any,
    indices: Any,
    steps: int,
    *,
    padding_idx: int | None = None,
    lr: float = 0.1,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    target: float = 1.0,
) -> np.ndarray:
    """Train a table for a few SGD steps and return it after each step.

    The loss pulls every looked-up vector, padding positions included, towards ``target``:
    ``loss = 0.5 * sum((weight[indices] - target) ** 2)``, so ``grad_output = out - target``.
    The gradient comes from :func:`lookup_lib.embedding_backward` (the padding row gets 0);
    the update is ``torch.optim.SGD``'s (no dampening, no Nesterov)::

        d = grad + weight_decay * weight          # the decay term is not part of the gradient
        buf = d (first step), else momentum * buf + d
        weight = weight - lr * buf                # buf is d when momentum == 0

    Parameters
    ----------
    weight : array_like, shape (V, D)
        The starting table; it is copied, not changed.
    indices : array_like of int, shape (*S)
        The same batch at every step.
    steps : int
        Number of optimizer steps, >= 0.
    padding_idx : int, optional
        Row that gets no gradient (``[-V, V)``).
    lr, momentum, weight_decay : float
        As in ``torch.optim.SGD``.
    target : float, default 1.0
        What each looked-up entry is pulled towards.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, V, D)
        ``history[0]`` is the starting table, ``history[t]`` the table after step t.

    Examples
    --------
    >>> w = np.array([[0., 0.], [3., 3.]], dtype=np.float32)
    >>> sgd_trace(w, [1, 0], steps=1, padding_idx=0, lr=0.5)[:, :, 0]
    array([[0., 3.],
           [0., 2.]], dtype=float32)
    """
    table = np.array(weight, dtype=np.float32)  # a copy
    history = [table.copy()]
    buf = None
    for _ in range(steps):
        out = embedding(indices, table)
        grad = embedding_backward(out - np.float32(target), indices, table.shape[0], padding_idx=padding_idx)
        d = grad + np.float32(weight_decay) * table if weight_decay else grad
        if momentum:
            buf = d if buf is None else np.float32(momentum) * buf + d
            d = buf
        table = table - np.float32(lr) * d
        history.append(table.copy())
    return np.stack(history)


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
        Truncate / pad to this many columns (see :func:`pad_batch`).
    padding_idx : int, default 0
        The id used for padding.

    Returns
    -------
    matplotlib.figure.Figure
        Axes labelled ``"ids"``, ``"mask"``, ``"rows"`` and ``"mean"`` (``ax.get_label()``).
    """
    table = np.asarray(weight)
    ids, mask = pad_batch(sequences, max_len, padding_value=padding_idx)  # (B, T), (B, T)
    out = embedding(ids, table)  # (B, T, D)
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
    draw_table(ax_mean, masked_mean(out, mask), row_labels=names, row_colors=dict.fromkeys(range(n_sent), OUTPUT),
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
        The table before training and after each of S steps (e.g. from :func:`sgd_trace`).
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
