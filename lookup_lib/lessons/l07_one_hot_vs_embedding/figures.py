"""Figures and tables of lesson 07: one-hot inputs or an embedding?

Drawing only, with NumPy and matplotlib (no torch): what the figures show is computed beside them,
the costs in the lesson's ``costs`` (:func:`~lookup_lib.lessons.l07_one_hot_vs_embedding.costs.model_costs`),
the results in its ``experiments`` (arrays, or ``Evaluation`` records read by attribute), the 2-D
projection by the kit's :func:`~lookup_lib.lessons.kit.projection.pca`.

- :func:`plot_model_costs`: parameters and input memory of the two models against N (the figure of
  ``ChoiceExplorer``).
- :func:`plot_accuracy_by_frequency`: accuracy of each model on the held-out pairs (by default),
  products grouped by how often they occurred in training.
- :func:`plot_learned_vectors`: the learned embedding rows, one panel per frequency range,
  coloured by the hidden group (the kit's ``pca`` first when D > 2).
- :func:`plot_category_scores`: a one-hot model's table of scores, one cell per (category,
  customer type), coloured by the rule it should have learned.

Drawn artists carry ids tests can find: bars ``"bar:{model}:{bucket}"``, scatter groups
``"points:{panel}:{group}"``, cost lines ``"onehot"`` / ``"embedding"`` on the axes labelled
``"params"`` and ``"input"``, score cells ``"cell:{row},{col}"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, new_figure
from lookup_lib.lessons.kit.tables import format_bytes
from lookup_lib.lessons.l07_one_hot_vs_embedding.costs import ModelCost, model_costs

__all__ = [
    "move_mark",
    "plot_accuracy_by_frequency",
    "plot_category_scores",
    "plot_learned_vectors",
    "plot_model_costs",
]

# One colour per model in the order given: one-hot as in lesson 02's cost plot, then the embeddings.
MODEL_COLORS = [HIGHLIGHT, OUTPUT, "#3a7d44", "#6a4c93"]
GROUP_COLORS = [matplotlib.colormaps["tab10"](k) for k in range(10)]
PANELS: tuple[tuple[int, int | None], ...] = ((0, 0), (1, 2), (3, None))


# -- what the two models cost --------------------------------------------------------------------------------
def plot_model_costs(num_items: int, dim: int, num_outputs: int, batch: int,
                     grid: Sequence[int] = tuple(10**k for k in range(1, 8))) -> Figure:
    """Parameters and one batch's input of both models against N (log-log), with N = ``num_items`` marked.

    Parameters
    ----------
    num_items : int
        The N marked on both panels; its exact numbers are written in each panel.
    dim, num_outputs, batch : int
        D, C and B (fixed along the curves).
    grid : sequence of int
        The N values the curves pass through (``num_items`` is added).

    Returns
    -------
    matplotlib.figure.Figure
        Axes labelled "params" and "input", each with lines whose gids are "onehot" and "embedding",
        the markers at N = ``num_items`` with gids "here:onehot" and "here:embedding", and a text
        with gid "readout" giving both numbers at N.
    """
    here = model_costs(num_items, dim, num_outputs, batch)
    ns = np.array(sorted({*map(int, grid), here.num_items}), dtype=np.int64)
    costs = [ModelCost(int(n), here.dim, here.num_outputs, here.batch) for n in ns]  # sizes checked once, above
    fig = new_figure(8.5, 4.0)  # 850 x 400 px: shown at its own size in JupyterLab (868 px), not rescaled
    panels = [
        ("params", t("parameters"), "onehot_params", "embedding_params",
         (f"one_hot → Linear(N, {num_outputs})", f"Embedding(N, {dim}) → Linear({dim}, {num_outputs})")),
        ("input", t("bytes of one input batch"), "onehot_input_bytes", "index_input_bytes",
         (t("one-hot floats ({batch}, N)", batch=batch), t("int64 indices ({batch},)", batch=batch))),
    ]
    for i, (name, ylabel, onehot_attr, emb_attr, labels) in enumerate(panels):
        ax = fig.add_subplot(1, 2, i + 1, label=name)
        for attr, color, style, label, gid in ((onehot_attr, HIGHLIGHT, "s--", labels[0], "onehot"),
                                               (emb_attr, OUTPUT, "o-", labels[1], "embedding")):
            values = np.array([getattr(c, attr) for c in costs], dtype=float)
            ax.plot(ns, values, style, color=color, linewidth=2, markersize=4, label=label, gid=gid)
            ax.plot([here.num_items], [getattr(here, attr)], "o", color=color, markersize=10, markeredgecolor=INK,
                    gid=f"here:{gid}", zorder=5)
        # what marks N sits above the curves and grid (zorder 4-5), so a widget can redraw it alone (kit.Blit)
        ax.axvline(here.num_items, color=PADDING, linewidth=1, zorder=4, gid="here:N")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(t("N, the number of categories"), color=INK)
        ax.set_ylabel(ylabel, color=INK)
        ax.minorticks_off()  # a log axis's minor ticks cost most of the drawing time: the widget redraws fast
        ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
        ax.legend(loc="upper left", fontsize=9, frameon=False)
        ax.set_xlim(ns[0] / 2, ns[-1] * 2)
    left, right = fig.axes
    # The titles depend on C, D and B only; N's numbers are written inside the axes (below the legend),
    # so that the layout, measured once per D, does not change when N moves (issue 17).
    left.set_title(t("parameters (C = {c} outputs, D = {d})", c=num_outputs, d=dim), fontsize=10, color=INK)
    right.set_title(t("input of one batch (B = {b})", b=batch), fontsize=10, color=INK)
    box = {"facecolor": "white", "edgecolor": PADDING, "boxstyle": "round,pad=0.3"}
    for ax, text in zip((left, right), _readouts(here), strict=True):
        ax.text(0.03, 0.80, text, transform=ax.transAxes, ha="left", va="top", fontsize=9, color=INK, bbox=box,
                gid="readout")
    return fig


_PANEL_ATTRS = {"params": ("onehot_params", "embedding_params"), "input": ("onehot_input_bytes", "index_input_bytes")}


def _readouts(here: ModelCost) -> tuple[str, str]:
    at = t("at N = {n:,}:", n=here.num_items)
    return ("\n".join([at, t("one-hot {n:,}", n=here.onehot_params), t("embedding {n:,}", n=here.embedding_params)]),
            "\n".join([at, t("one-hot {size}", size=format_bytes(here.onehot_input_bytes)),
                       t("indices {size}", size=format_bytes(here.index_input_bytes))]))


def move_mark(fig: Figure, here: ModelCost) -> Figure:
    """Move the N marked on a ``plot_model_costs`` figure (same D, C, B) to ``here.num_items``, in place.

    The markers, the vertical line and the readouts change; the curves stay (they pass through every N of
    the grid, which holds the N a widget offers). The result has the pixels of a figure drawn afresh.
    """
    for ax, text in zip(fig.axes, _readouts(here), strict=True):
        for line in ax.get_lines():
            gid = line.get_gid()
            if gid in ("here:onehot", "here:embedding"):
                attr = _PANEL_ATTRS[ax.get_label()][0 if gid == "here:onehot" else 1]
                line.set_data([here.num_items], [getattr(here, attr)])
            elif gid == "here:N":
                line.set_xdata([here.num_items, here.num_items])
        next(t for t in ax.texts if t.get_gid() == "readout").set_text(text)
    return fig


# -- accuracy by frequency -----------------------------------------------------------------------------------
PAIR_LABELS = {"unseen": mark("held-out pairs"), "seen": mark("training pairs"), "all": mark("pairs")}


def plot_accuracy_by_frequency(evaluations: Mapping[str, Any], *, pairs: str = "unseen",
                               title: str | None = None) -> Figure:
    """Grouped bars: each model's accuracy for products seen never, rarely, ..., often in training.

    Parameters
    ----------
    evaluations : {model name: Evaluation}
        From the lesson's ``experiments.evaluate``, all on the same task (anything with
        ``buckets``, ``bucket_sizes()`` and ``bucket_accuracy(pairs)`` will do).
    pairs : {"unseen", "seen", "all"}
        Which (product, customer type) pairs the bars score: by default the held-out ones, never in training.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; bar ``b`` of model ``name`` has gid ``"bar:{name}:{b}"`` and height = its accuracy in %.
        Each bucket's label gives its number of products and of the pairs scored.
    """
    if not evaluations:
        raise ValueError("plot_accuracy_by_frequency needs at least one evaluation")
    if pairs not in PAIR_LABELS:
        raise ValueError(f"pairs must be one of {tuple(PAIR_LABELS)}, got {pairs!r}")
    first = next(iter(evaluations.values()))
    labels = [label for label, _, _ in first.buckets]
    sizes = first.bucket_sizes()
    n_models, n_buckets = len(evaluations), len(labels)
    width = 0.8 / n_models
    fig = new_figure(1.6 + 1.5 * n_buckets + 0.3 * n_models * n_buckets, 4.2)
    ax = fig.add_subplot()
    x = np.arange(n_buckets)
    for m, (name, evaluation) in enumerate(evaluations.items()):
        accuracy = 100 * np.asarray(evaluation.bucket_accuracy(pairs), dtype=float)
        offsets = x - 0.4 + width * (m + 0.5)
        bars = ax.bar(offsets, np.nan_to_num(accuracy), width=width * 0.92, color=MODEL_COLORS[m % len(MODEL_COLORS)],
                      edgecolor="white", label=name)
        for b, (bar, value) in enumerate(zip(bars, accuracy, strict=True)):
            bar.set_gid(f"bar:{name}:{b}")
            if not np.isnan(value):
                ax.text(bar.get_x() + bar.get_width() / 2, value + 1, f"{value:.0f}", ha="center", va="bottom",
                        fontsize=8, color=INK)
    ax.axhline(50, color=INK, linestyle=":", linewidth=1)
    ax.text(n_buckets - 0.45, 51, t("coin flip"), ha="right", va="bottom", fontsize=8, color=INK)
    counts = first.bucket_pairs(pairs) if hasattr(first, "bucket_pairs") else [None] * n_buckets
    ax.set_xticks(x, [_bucket_tick(t_marked(label), size, n)
                      for label, size, n in zip(labels, sizes, counts, strict=True)])
    ax.set_xlabel(t("times the product occurred in training"), color=INK)
    ax.set_ylabel(t("{pairs} predicted right (%)", pairs=t_marked(PAIR_LABELS[pairs])), color=INK)
    ax.set_ylim(0, 109)
    ax.set_xlim(-0.6, n_buckets - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    fig.legend(loc="outside right upper", fontsize=9, frameon=False)
    if title:
        ax.set_title(title, fontsize=11, color=INK)
    return fig


def _bucket_tick(label: str, size: int, n: int | None) -> str:
    """A bucket's tick label: its name, its products and (when known) the pairs scored, on three lines."""
    if n is None:
        return t("{label}\n({size:,} products)", label=label, size=size)
    return t("{label}\n({size:,} products,\n{n:,} pairs)", label=label, size=size, n=n)


# -- the learned vectors -------------------------------------------------------------------------------------
def plot_learned_vectors(
    vectors: Any,
    group: Any,
    counts: Any,
    *,
    panels: Sequence[tuple[int, int | None]] = PANELS,
    group_name: str = "group",
    title: str | None = None,
) -> Figure:
    """The rows of a learned table as points, one panel per range of training counts, coloured by group.

    With D = 2 the points are the rows themselves; with D > 2 they are the rows' first two
    principal components (the kit's :func:`~lookup_lib.lessons.kit.projection.pca`, fitted on all
    rows; with D = 1 the single component, drawn against a zero second axis). All panels have the same limits.
    In the last panel each group's mean point carries the group's number.

    Parameters
    ----------
    vectors : array_like of float, shape (N, D)
        The embedding table, e.g. ``EmbeddingModel.vectors()``.
    group : array_like of int, shape (N,)
        Each row's hidden group (at most 10 groups).
    counts : array_like of int, shape (N,)
        How often each row was used in training.
    panels : sequence of (lowest, highest or None)
        The count range of each panel.
    group_name : str
        What a group is called in the legend ("department").
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per panel; the points of group k in panel p are a collection with gid ``"points:{p}:{k}"``.
    """
    table = np.asarray(vectors, dtype=np.float64)
    group = np.asarray(group)
    counts = np.asarray(counts)
    if table.ndim != 2 or group.shape != (len(table),) or counts.shape != (len(table),):
        raise ValueError(f"need vectors (N, D) with group (N,) and counts (N,), got {table.shape}, {group.shape}, "
                         f"{counts.shape}")
    if group.max(initial=0) >= len(GROUP_COLORS):
        raise ValueError(f"at most {len(GROUP_COLORS)} groups can be coloured apart, got {group.max() + 1}")
    dim = table.shape[1]
    if dim == 2:
        points = table
    else:
        points, _ = pca(table, min(dim, 2))  # (N, 2), or (N, 1) for D = 1: then a zero second axis
        points = np.column_stack([points, np.zeros((len(points), 2 - points.shape[1]))])
    fig = new_figure(3.9 * len(panels) + 1.6, 4.3)
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    low_corner, high_corner = points.min(axis=0), points.max(axis=0)
    margin = 0.05 * float((high_corner - low_corner).max(initial=0.0)) + 1e-9
    groups = np.unique(group)
    for p, (ax, (low, high)) in enumerate(zip(axes, panels, strict=True)):
        inside = (counts >= low) & (counts <= (high if high is not None else counts.max(initial=0)))
        for k in groups:
            rows = inside & (group == k)
            ax.scatter(points[rows, 0], points[rows, 1], s=12, color=GROUP_COLORS[k], alpha=0.75, linewidths=0,
                       gid=f"points:{p}:{k}")
        ax.set_title(t("{range} ({n:,} rows)", range=_range_text(low, high), n=int(inside.sum())), fontsize=10,
                     color=INK)
        ax.set_xlim(low_corner[0] - margin, high_corner[0] + margin)
        ax.set_ylim(low_corner[1] - margin, high_corner[1] + margin)
        ax.set_aspect("equal")
        ax.axhline(0, color=PADDING, linewidth=0.8, zorder=0)
        ax.axvline(0, color=PADDING, linewidth=0.8, zorder=0)
        ax.tick_params(labelsize=8)
        ax.set_xlabel(t("dimension 0") if dim == 2 else t("principal component 1"), fontsize=9, color=INK)
    axes[0].set_ylabel(t("dimension 1") if dim == 2 else t("principal component 2"), fontsize=9, color=INK)
    _label_group_means(axes[-1], points, group, inside)
    fig.legend(handles=[Line2D([], [], marker="o", linestyle="", color=GROUP_COLORS[k], label=f"{group_name} {k}")
                        for k in groups], loc="outside right upper", fontsize=9, frameon=False)
    source = t("the rows of the (N, {dim}) table", dim=dim) if dim == 2 else t("the (N, {dim}) table, PCA to 2-D",
                                                                                 dim=dim)
    fig.suptitle(title or t("What the embedding learned: {source}", source=source), fontsize=11, color=INK)
    return fig


def _range_text(low: int, high: int | None) -> str:
    if high == low == 0:
        return t("never seen")
    if high is None:
        return t("seen {low}+ times", low=low)
    return t("seen {low} time", low=low) if high == low == 1 else t("seen {low}–{high} times", low=low, high=high)


def _label_group_means(ax: Any, points: np.ndarray, group: np.ndarray, inside: np.ndarray) -> None:
    for k in np.unique(group[inside]):
        x, y = points[inside & (group == k)].mean(axis=0)
        ax.text(x, y, str(k), ha="center", va="center", fontsize=10, fontweight="bold", color=INK,
                bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": GROUP_COLORS[k]})


# -- a one-hot model's table of scores -----------------------------------------------------------------------
def plot_category_scores(
    scores: Any,
    truth: Any,
    *,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """One cell per (category, output): the model's score written in it, the rule as its colour.

    Filled ``OUTPUT`` where the rule says yes, ``NEUTRAL`` where it says no; a score whose sign
    disagrees with the rule gets a ``CHANGED`` frame.

    Parameters
    ----------
    scores : array_like of float, shape (N, C)
        E.g. a one-hot model's ``weight.T + bias``: its logit for each category and output.
    truth : array_like of bool, shape (N, C)
    row_labels, col_labels : sequence of str, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Cell (i, c) is a rectangle with gid ``"cell:{i},{c}"``; wrong cells have gid ``"wrong:{i},{c}"`` too
        (their frame).
    """
    scores = np.asarray(scores, dtype=np.float64)
    truth = np.asarray(truth, dtype=bool)
    if scores.ndim != 2 or scores.shape != truth.shape:
        raise ValueError(f"scores and truth must be 2-D arrays of the same shape, got {scores.shape} and {truth.shape}")
    n_rows, n_cols = scores.shape
    row_labels = list(row_labels) if row_labels is not None else [t("category {i}", i=i) for i in range(n_rows)]
    col_labels = list(col_labels) if col_labels is not None else [str(c) for c in range(n_cols)]
    fig = new_figure(0.55 * n_cols + 1.6, 0.5 * n_rows + 1.4)
    ax = fig.add_subplot()
    for i in range(n_rows):
        for c in range(n_cols):
            ax.add_patch(Rectangle((c, i), 1, 1, facecolor=OUTPUT if truth[i, c] else NEUTRAL, edgecolor="white",
                                   linewidth=1.5, gid=f"cell:{i},{c}"))
            if (scores[i, c] > 0) != truth[i, c]:
                ax.add_patch(Rectangle((c + 0.06, i + 0.06), 0.88, 0.88, fill=False, edgecolor=CHANGED, linewidth=2,
                                       gid=f"wrong:{i},{c}"))
            ax.text(c + 0.5, i + 0.5, f"{scores[i, c]:+.1f}", ha="center", va="center", fontsize=8, color=INK)
    ax.set_xticks(np.arange(n_cols) + 0.5, col_labels, fontsize=8)
    ax.set_yticks(np.arange(n_rows) + 0.5, row_labels, fontsize=9)
    ax.tick_params(length=0)
    ax.xaxis.set_ticks_position("top")
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_aspect("equal")
    for side in ax.spines.values():
        side.set_visible(False)
    fig.legend(handles=[Patch(facecolor=OUTPUT, label=t("rule: yes")),
                        Patch(facecolor=NEUTRAL, edgecolor=PADDING, label=t("rule: no")),
                        Patch(facecolor="white", edgecolor=CHANGED, linewidth=2, label=t("score has the wrong sign"))],
               loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    if title:
        fig.suptitle(title, fontsize=11, color=INK)
    return fig
