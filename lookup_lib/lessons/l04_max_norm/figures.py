"""Figures of lesson 04: what ``max_norm`` and ``norm_type`` do to the rows of a table.

The figures draw a :class:`~lookup_lib.lessons.l04_max_norm.norms.RenormStep` (the table before and
after :func:`lookup_lib.renorm_`, computed in :mod:`~lookup_lib.lessons.l04_max_norm.norms`):
``plot_renorm_table`` shows both tables side by side with each row's norm; ``plot_norm_ball``
draws 2-D rows as arrows from the origin, before and after, inside the ball
``{v : ||v||_p <= max_norm}`` (a diamond for p = 1, a circle for p = 2, a square for p = ∞).

Drawn artists carry ids tests can find: ``"ball"`` (the outline), ``"after:k"`` (row k as
it is after the lookup) and ``"before:k"`` (row k before, drawn only if it was rescaled).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, draw_table, new_figure
from lookup_lib.lessons.l04_max_norm.norms import RenormStep, renorm_step, unit_ball

__all__ = ["draw_norm_ball", "norm_label", "plot_norm_ball", "plot_norm_balls", "plot_renorm_step",
           "plot_renorm_table"]

GHOST_ALPHA = 0.35  # how faint the "before" arrows are


def norm_label(norm_type: float) -> str:
    """``"1"``, ``"2"``, ``"∞"`` or ``"1.5"``: how ``norm_type`` is written in titles."""
    return "∞" if math.isinf(norm_type) else f"{norm_type:g}"


def plot_renorm_table(weight: Any, indices: Any, max_norm: float, norm_type: float = 2.0) -> Figure:
    """The table before and after one lookup with ``max_norm``, each row followed by its norm.

    Looked-up rows are coloured ``HIGHLIGHT``; in the right table, the rows that were
    rescaled are coloured ``CHANGED``. ``weight`` is not modified.

    Parameters
    ----------
    weight : array_like of float, shape (V, D)
    indices : array_like of int
    max_norm, norm_type : float

    Returns
    -------
    matplotlib.figure.Figure
    """
    step = renorm_step(weight, indices, max_norm, norm_type)
    norms_before, norms_after = step.norms()
    n_cols = step.before.shape[1] + 1
    col_labels = [f"d{j}" for j in range(n_cols - 1)] + [t("‖row‖{p}", p=_subscript(norm_type))]
    row_labels = [t("row {k}", k=k) for k in range(step.before.shape[0])]
    fig = new_figure(1.2 * n_cols + 1.9, 0.42 * step.before.shape[0] + 1.2)
    left, right = fig.subplots(1, 2)
    looked = [int(k) for k in step.looked_up]
    draw_table(left, np.column_stack([step.before, norms_before]), highlight_rows=looked,
               row_labels=row_labels, col_labels=col_labels, title=t("before the lookup"), fmt="{:.3f}")
    draw_table(right, np.column_stack([step.after, norms_after]), highlight_rows=looked,
               row_colors={int(k): CHANGED for k in step.changed}, row_labels=row_labels,
               col_labels=col_labels, title=t("after (max_norm={max_norm:g})", max_norm=max_norm), fmt="{:.3f}")
    fig.legend(handles=[_swatch(HIGHLIGHT, t("looked up")), _swatch(CHANGED, t("looked up and rescaled")),
                        _swatch(NEUTRAL, t("not looked up"))], loc="outside lower center", ncols=3,
               frameon=False, fontsize=9)
    return fig


def plot_norm_ball(weight: Any, indices: Any, max_norm: float, norm_type: float = 2.0,
                   *, size: float = 4.2) -> Figure:
    """2-D rows as arrows before and after one lookup with ``max_norm``, inside the norm ball.

    Parameters
    ----------
    weight : array_like of float, shape (V, 2)
    indices : array_like of int
    max_norm, norm_type : float
    size : float
        Height of the figure in inches (the square plot; the legend stands on its right).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; see the module docstring for the ids of the drawn artists.
    """
    return plot_renorm_step(renorm_step(weight, indices, max_norm, norm_type), size=size)


def plot_renorm_step(step: RenormStep, *, size: float = 4.2, limit: float | None = None) -> Figure:
    """:func:`plot_norm_ball` for a step already computed with :func:`renorm_step` (rows of length 2).

    Wide rather than tall (the legend on the right), so that a widget's controls and the
    picture fit in one screen. ``limit``: half the width of the axes (default: room for this step's
    rows and ball); a widget fixes it, so the axes stay put while ``max_norm`` moves.
    """
    fig = new_figure(size + 2.2, size)
    draw_norm_ball(fig.add_subplot(), step, limit=limit)
    _arrow_legend(fig, ncols=1, loc="outside right center")
    return fig


def plot_norm_balls(weight: Any, indices: Any, max_norm: float,
                    norm_types: Sequence[float] = (1.0, 2.0, math.inf)) -> Figure:
    """:func:`plot_norm_ball` for several ``norm_type`` values side by side, same axes limits."""
    steps = [renorm_step(weight, indices, max_norm, p) for p in norm_types]
    fig = new_figure(3.6 * len(steps), 4.3)
    axes = np.atleast_1d(fig.subplots(1, len(steps)))
    limit = max(_limit(step) for step in steps)
    for ax, step in zip(axes, steps, strict=True):
        draw_norm_ball(ax, step, limit=limit)
    _arrow_legend(fig, ncols=4)
    return fig


def draw_norm_ball(ax: Axes, step: RenormStep, limit: float | None = None) -> None:
    """Draw the ball of radius ``step.max_norm`` and every row of ``step`` as an arrow on ``ax``."""
    if step.before.shape[1] != 2:
        raise ValueError(f"norm balls are drawn for 2-D rows, got rows of length {step.before.shape[1]}")
    outline = step.max_norm * unit_ball(step.norm_type)
    ax.fill(outline[:, 0], outline[:, 1], color=OUTPUT, alpha=0.18, linewidth=0)
    ax.plot(outline[:, 0], outline[:, 1], color=OUTPUT, linewidth=2, gid="ball")
    changed, looked_up = set(step.changed.tolist()), set(step.looked_up.tolist())
    for k in range(step.before.shape[0]):
        color = CHANGED if k in changed else HIGHLIGHT if k in looked_up else PADDING
        if k in changed:
            _arrow(ax, step.before[k], color, f"before:{k}", alpha=GHOST_ALPHA, linestyle="--")
        _arrow(ax, step.after[k], color, f"after:{k}")
        _label_tip(ax, step.before[k] if k in changed else step.after[k], str(k))
    limit = limit if limit is not None else _limit(step)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.axhline(0, color=PADDING, linewidth=0.8, zorder=0)
    ax.axvline(0, color=PADDING, linewidth=0.8, zorder=0)
    ax.tick_params(labelsize=9)
    ax.set_xlabel(t("coordinate 0 of the row"), fontsize=9, color=INK)
    ax.set_ylabel(t("coordinate 1 of the row"), fontsize=9, color=INK)
    rescaled = ", ".join(str(k) for k in sorted(changed)) or t("none")
    ax.set_title(t("norm_type={p}: ‖v‖{sub} ≤ {max_norm:g}\nrescaled rows: {rows}", p=norm_label(step.norm_type),
                   sub=_subscript(step.norm_type), max_norm=step.max_norm, rows=rescaled), fontsize=10, color=INK)


def _arrow(ax: Axes, tip: np.ndarray, color: str, gid: str, alpha: float = 1.0, linestyle: str = "-") -> None:
    arrow = ax.annotate("", xy=(float(tip[0]), float(tip[1])), xytext=(0.0, 0.0),
                        arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2, "alpha": alpha,
                                    "linestyle": linestyle, "shrinkA": 0, "shrinkB": 0, "mutation_scale": 14})
    arrow.set_gid(gid)


def _label_tip(ax: Axes, tip: np.ndarray, text: str) -> None:
    """Write ``text`` a little beyond the arrow's tip, away from the origin."""
    length = float(np.hypot(*tip))
    direction = tip / length if length > 0 else np.array([1.0, 0.0])
    x, y = tip + 0.28 * direction
    ax.text(x, y, text, ha="center", va="center", fontsize=9, color=INK, fontweight="bold")


def _limit(step: RenormStep) -> float:
    """Half the width of the axes: room for the longest row, its label and the ball."""
    largest = max(float(np.abs(step.before).max(initial=0.0)), step.max_norm)
    return 1.15 * largest + 0.4


def _arrow_legend(fig: Figure, ncols: int, loc: str = "outside lower center") -> None:
    handles = [
        Line2D([], [], color=CHANGED, linewidth=2, linestyle="--", alpha=GHOST_ALPHA, label=t("before (rescaled row)")),
        Line2D([], [], color=CHANGED, linewidth=2, label=t("after: rescaled")),
        Line2D([], [], color=HIGHLIGHT, linewidth=2, label=t("looked up, unchanged")),
        Line2D([], [], color=PADDING, linewidth=2, label=t("not looked up")),
    ]
    fig.legend(handles=handles, loc=loc, ncols=ncols, frameon=False, fontsize=9)


def _swatch(color: str, label: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=color, edgecolor=PADDING, label=label)


def _subscript(norm_type: float) -> str:
    digits = str.maketrans("0123456789.", "₀₁₂₃₄₅₆₇₈₉.")
    return "∞" if math.isinf(norm_type) else f"{norm_type:g}".translate(digits)
