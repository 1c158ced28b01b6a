"""Figures of lesson 08: what embeddings learn about meaning (words, weekdays and months, class labels).

- :func:`plot_context_window`: a sentence, one center word, the context words around it, the pairs;
- :func:`plot_neighbours`: a word's nearest neighbours as bars of cosine similarity;
- :func:`plot_projection`: 2-D points (e.g. PCA of word vectors) coloured by group;
- :func:`plot_word_neighbourhood`: both side by side, for one query word (the widget's figure);
- :func:`plot_rings`: weekday and month vectors in 2-D, joined in calendar order;
- :func:`plot_similarity_matrices`: cosine-similarity matrices as heat maps, with group blocks.

All are pure: data in, ``Figure`` out. Artists carry ids tests can find: bars ``"bar:WORD"``,
points ``"point:WORD"``, ring lines ``"ring:TITLE"``, heat maps ``"matrix:K"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from lookup_lib.lessons.kit.style import HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, new_figure

__all__ = ["GROUP_COLORS", "group_colors", "plot_context_window", "plot_neighbours", "plot_projection",
           "plot_rings", "plot_similarity_matrices", "plot_word_neighbourhood"]

# Colours of word groups (Tableau 10 without its orange, which means HIGHLIGHT in every lesson).
GROUP_COLORS = ("#4e79a7", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#ff9da7", "#edc948", "#bab0ac")


def group_colors(groups: Sequence[str]) -> dict[str, str]:
    """``{group: colour}`` for the distinct groups, in order of first appearance."""
    names = list(dict.fromkeys(groups))
    if len(names) > len(GROUP_COLORS):
        raise ValueError(f"at most {len(GROUP_COLORS)} groups can be coloured apart, got {len(names)}")
    return dict(zip(names, GROUP_COLORS, strict=False))


# -- skip-gram pairs ------------------------------------------------------------------------------
def plot_context_window(words: Sequence[str], center: int, window: int = 2) -> Figure:
    """A sentence as boxes: the center word (orange), its context within ``window`` (teal), the pairs.

    Parameters
    ----------
    words : the sentence, one word per box
    center : position of the center word
    window : how many words on each side count as context

    Returns
    -------
    matplotlib.figure.Figure
        Boxes have ids ``"word:i"``; the pairs are written under them.
    """
    if not 0 <= center < len(words):
        raise IndexError(f"center {center} is outside the sentence of {len(words)} words")
    context = [i for i in range(center - window, center + window + 1) if i != center and 0 <= i < len(words)]
    widths = [0.22 + 0.13 * len(w) for w in words]
    fig = new_figure(max(5.0, sum(widths) + 0.3 * len(words)), 2.0)
    ax = fig.add_subplot()
    x = 0.0
    for i, (word, width) in enumerate(zip(words, widths, strict=True)):
        color = HIGHLIGHT if i == center else OUTPUT if i in context else NEUTRAL
        box = Rectangle((x, 0), width, 1, facecolor=color, edgecolor="white", linewidth=2, gid=f"word:{i}")
        ax.add_patch(box)
        ax.text(x + width / 2, 0.5, word, ha="center", va="center", fontsize=11, color=INK)
        ax.text(x + width / 2, 1.15, str(i), ha="center", va="bottom", fontsize=8, color=INK)
        x += width + 0.3
    pairs = "  ".join(f"({words[center]}, {words[i]})" for i in context)
    ax.text(x / 2, -0.35, f"pairs (center, context): {pairs}", ha="center", va="top", fontsize=10, color=INK)
    ax.set_xlim(-0.1, x - 0.2)
    ax.set_ylim(-0.9, 1.6)
    ax.axis("off")
    ax.set_title(f"window = {window}: the words at most {window} places away are the context of '{words[center]}'",
                 fontsize=10, color=INK)
    return fig


# -- neighbours and projections --------------------------------------------------------------------
def plot_neighbours(query: str, words: Sequence[str], similarities: Sequence[float],
                    same_group: Sequence[bool] | None = None, group: str | None = None,
                    ax: Axes | None = None) -> Figure:
    """Horizontal bars: the cosine similarity of ``query`` to each word, most similar on top.

    Parameters
    ----------
    query : the word whose neighbours these are
    words, similarities : the neighbours and their cosine similarity to ``query``, same length
    same_group : per neighbour, whether it is in the query's group (teal) or not (grey)
    group : the name of the query's group, for the legend
    ax : draw on this Axes instead of a new figure

    Returns
    -------
    matplotlib.figure.Figure
    """
    sims = np.asarray(similarities, dtype=np.float64)
    if len(words) != len(sims):
        raise ValueError(f"{len(words)} words but {len(sims)} similarities")
    fig = new_figure(4.2, 0.35 * len(words) + 1.2) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    same = [True] * len(words) if same_group is None else list(same_group)
    for row, (word, sim, in_group) in enumerate(zip(words, sims, same, strict=True)):
        bar = ax.barh(row, sim, color=OUTPUT if in_group else PADDING, height=0.7)[0]
        bar.set_gid(f"bar:{word}")
        ax.text(sim + 0.02 if sim >= 0 else 0.02, row, f"{sim:.2f}", va="center", fontsize=8, color=INK)
    ax.set_yticks(range(len(words)), labels=list(words), fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(min(0.0, float(sims.min(initial=0.0))) - 0.05, 1.15)
    ax.axvline(0, color=INK, linewidth=0.8)
    ax.set_xlabel("cosine similarity", fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(f"nearest neighbours of '{query}'", fontsize=10, color=INK)
    if same_group is not None:
        named = f" ({group})" if group else ""
        ax.legend(handles=[Patch(color=OUTPUT, label=f"same group as '{query}'{named}"),
                           Patch(color=PADDING, label="another group")],
                  loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize=8, frameon=False)
    return fig


def plot_projection(points: np.ndarray, words: Sequence[str], groups: Sequence[str] | None = None, *,
                    label: Sequence[str] | None = None, highlight: str | None = None, circle: Sequence[str] = (),
                    title: str = "word vectors, projected to 2-D", explained: Sequence[float] | None = None,
                    ax: Axes | None = None) -> Figure:
    """2-D points coloured by group, each group named at its centre, some words written next to their point.

    Parameters
    ----------
    points : array, shape (N, 2), e.g. from the kit's :func:`~lookup_lib.lessons.kit.projection.pca`
    words : N words, one per point
    groups : N group names (colours and a legend); None draws every point in one colour
    label : the words to write next to their points (default: all words when N <= 20, else the two
        words of each group closest to its centre; the group names are written beside the groups)
    highlight : a word drawn larger, in orange, and always labelled (its group's name is left out,
        to make room for the label)
    circle : words whose points get a teal ring (e.g. the neighbours of ``highlight``)
    title : the title of the Axes
    explained : the share of the variance each axis keeps (e.g. the second result of ``pca``),
        written in the axis labels
    ax : draw on this Axes instead of a new figure

    Returns
    -------
    matplotlib.figure.Figure
        Axis labels "PC 1", "PC 2" (with the share of variance when ``explained`` is given).
    """
    points = np.asarray(points, dtype=np.float64)
    if points.shape != (len(words), 2):
        raise ValueError(f"points must have shape ({len(words)}, 2) for {len(words)} words, got {points.shape}")
    fig = new_figure(6.0, 5.2) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    group_list = list(groups) if groups is not None else [""] * len(words)
    colors = group_colors(group_list)
    for (x, y), word, group in zip(points, words, group_list, strict=True):
        ax.scatter([x], [y], s=28, color=colors[group], edgecolors="white", linewidths=0.5, gid=f"point:{word}")
    if label is not None:
        to_label = list(label)
    elif len(words) <= 20:
        to_label = list(words)
    else:
        to_label = _typical_words(points, list(words), group_list, 2)
    if groups is not None:
        skip = group_list[list(words).index(highlight)] if highlight is not None else None
        _name_groups(ax, points, group_list, {g: c for g, c in colors.items() if g != skip})
    circled = np.array([points[list(words).index(w)] for w in circle]).reshape(-1, 2)
    ax.scatter(circled[:, 0], circled[:, 1], s=110, facecolors="none", edgecolors=OUTPUT, linewidths=2, zorder=4,
               gid="circled")
    if highlight is not None:
        k = list(words).index(highlight)
        ax.scatter([points[k, 0]], [points[k, 1]], s=160, color=HIGHLIGHT, edgecolors=INK, linewidths=1.2,
                   zorder=5, gid=f"highlight:{highlight}")
        to_label = [highlight] + [w for w in to_label if w != highlight]
    _label_points(ax, points, list(words), to_label, bold=highlight)
    _pad_limits(ax, points)
    ax.set_aspect("equal", adjustable="box")  # distances in the picture are distances in the projection
    ax.tick_params(labelsize=8)
    for k, setter in enumerate((ax.set_xlabel, ax.set_ylabel)):
        share = f" ({float(explained[k]):.0%} of the variance)" if explained is not None else ""
        setter(f"PC {k + 1}{share}", fontsize=9, color=INK)
    ax.set_title(title, fontsize=10, color=INK)
    return fig


def _typical_words(points: np.ndarray, words: list[str], groups: list[str], per_group: int) -> list[str]:
    """The ``per_group`` words of each group closest to the group's centre (labels that stay legible)."""
    chosen = []
    for group in dict.fromkeys(groups):
        members = [k for k, g in enumerate(groups) if g == group]
        centre = points[members].mean(axis=0)
        members.sort(key=lambda k: float(np.linalg.norm(points[k] - centre)))
        chosen += [words[k] for k in members[:per_group]]
    return chosen


def plot_word_neighbourhood(query: str, neighbour_words: Sequence[str], similarities: Sequence[float],
                            points: np.ndarray | None = None, words: Sequence[str] | None = None,
                            groups: Sequence[str] | None = None) -> Figure:
    """The widget's figure: the neighbours of ``query`` as bars (left) and on a ring by rank (right).

    The ring puts ``query`` in the centre and its neighbours around it, most similar at the top,
    then clockwise in order of similarity, each joined to the centre by a line as thick as its
    similarity: neighbours never pile up (in a 2-D projection close words overlap into one blob),
    and every label has its own place.

    Parameters
    ----------
    query : the chosen word
    neighbour_words, similarities : its k nearest neighbours and their cosine similarity
    points : unused (kept for callers of the former map panel)
    words, groups : all words and their group names (colours); None draws one colour

    Returns
    -------
    matplotlib.figure.Figure
        Panels "bars" (bars ``"bar:WORD"``) and "ring" (the centre ``"highlight:QUERY"``, each
        neighbour a point ``"neighbour:WORD"`` and a text).
    """
    fig = new_figure(9.6, 4.6)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
    left.set_label("bars")
    right.set_label("ring")
    group_of = dict(zip(words, groups, strict=True)) if groups is not None and words is not None else None
    same = [group_of[w] == group_of[query] for w in neighbour_words] if group_of else None
    plot_neighbours(query, neighbour_words, similarities, same_group=same,
                    group=group_of[query] if group_of else None, ax=left)
    _draw_rank_ring(right, query, list(neighbour_words), np.asarray(similarities, dtype=np.float64), group_of)
    return fig


def _draw_rank_ring(ax: Axes, query: str, neighbours: list[str], sims: np.ndarray,
                    group_of: dict[str, str] | None) -> None:
    """``query`` in the centre; neighbour r at angle 90° - 360° r / k on the unit circle."""
    colors = group_colors(list(group_of.values())) if group_of else {}
    k = len(neighbours)
    angles = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
    xy = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    ax.add_patch(_ring_guide())
    for (x, y), word, sim in zip(xy, neighbours, sims, strict=True):
        ax.plot([0, x], [0, y], color=PADDING, linewidth=0.5 + 3 * max(float(sim), 0.0), zorder=1)
        color = colors.get(group_of[word], OUTPUT) if group_of else OUTPUT
        ax.scatter([x], [y], s=90, color=color, edgecolors=INK, linewidths=0.8, zorder=3, gid=f"neighbour:{word}")
        ha = "left" if x > 0.2 else "right" if x < -0.2 else "center"
        va = "bottom" if y > 0.2 else "top" if y < -0.2 else "center"
        ax.text(1.14 * x, 1.14 * y, f"{word} {sim:.2f}", ha=ha, va=va, fontsize=9, color=INK, zorder=4)
    ax.scatter([0], [0], s=260, color=HIGHLIGHT, edgecolors=INK, linewidths=1.2, zorder=5, gid=f"highlight:{query}")
    ax.text(0, -0.16, query, ha="center", va="top", fontsize=10, fontweight="bold", color=INK, zorder=5)
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    ax.set_title(f"'{query}' and its {k} neighbours, by rank\n(most similar on top, then clockwise)",
                 fontsize=10, color=INK)


def _ring_guide():
    from matplotlib.patches import Circle

    return Circle((0, 0), 1, facecolor="none", edgecolor=NEUTRAL, linewidth=1.5, zorder=0)


# -- weekday and month rings -----------------------------------------------------------------------
def plot_rings(tables: dict[str, np.ndarray], labels: dict[str, Sequence[str]]) -> Figure:
    """Each table's rows as 2-D points joined in order into a closed loop, one panel per table.

    Parameters
    ----------
    tables : ``{title: array of shape (n, 2)}``, e.g. ``{"weekdays, trained": ...}``
    labels : ``{title: n names}`` for the points, same keys as ``tables``

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per table; each loop is a line with id ``"ring:TITLE"``.
    """
    fig = new_figure(3.4 * len(tables), 3.9)
    axes = np.atleast_1d(fig.subplots(1, len(tables)))
    for ax, (title, table) in zip(axes, tables.items(), strict=True):
        _draw_ring(ax, np.asarray(table, dtype=np.float64), list(labels[title]), title)
    return fig


def _draw_ring(ax: Axes, points: np.ndarray, names: list[str], title: str) -> None:
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"rings are drawn for 2-D vectors, got shape {points.shape} for {title!r}")
    loop = np.vstack([points, points[:1]])
    ax.plot(loop[:, 0], loop[:, 1], color=PADDING, linewidth=1.5, zorder=1, gid=f"ring:{title}")
    hues = np.linspace(0.0, 1.0, len(points), endpoint=False)
    ax.scatter(points[:, 0], points[:, 1], c=hues, cmap="twilight", vmin=0, vmax=1, s=60, edgecolors=INK,
               linewidths=0.6, zorder=2)
    centre = points.mean(axis=0)
    span = float(np.ptp(points, axis=0).max()) or 1.0
    for (x, y), name in zip(points, names, strict=True):
        direction = np.array([x, y]) - centre
        direction = direction / (np.linalg.norm(direction) or 1.0)
        ax.text(x + 0.09 * span * direction[0], y + 0.09 * span * direction[1], name, ha="center", va="center",
                fontsize=8, color=INK)
    ax.scatter([points[0, 0]], [points[0, 1]], s=150, facecolors="none", edgecolors=HIGHLIGHT, linewidths=2, zorder=3)
    _pad_limits(ax, points, margin=0.18)
    ax.set_aspect("equal", adjustable="box")
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=10, color=INK)


# -- similarity matrices ---------------------------------------------------------------------------
def plot_similarity_matrices(matrices: Sequence[np.ndarray], labels: Sequence[str],
                             groups: Sequence[str] | None = None, titles: Sequence[str] | None = None) -> Figure:
    """Square similarity matrices as heat maps (-1 blue, 0 white, +1 red), values written in the cells.

    Parameters
    ----------
    matrices : one or more arrays of shape (C, C)
    labels : C names, for rows and columns
    groups : C group names; consecutive classes of a group are framed as a block
    titles : one title per matrix

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per matrix; each image has id ``"matrix:K"``.
    """
    n = len(labels)
    fig = new_figure(0.42 * n * len(matrices) + 1.6 * len(matrices) + 0.8, 0.42 * n + 1.4)
    axes = np.atleast_1d(fig.subplots(1, len(matrices)))
    for k, (ax, matrix) in enumerate(zip(axes, matrices, strict=True)):
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.shape != (n, n):
            raise ValueError(f"matrix {k} has shape {matrix.shape}, expected ({n}, {n}) for {n} labels")
        image = ax.imshow(matrix, cmap="RdBu_r", vmin=-1, vmax=1)
        image.set_gid(f"matrix:{k}")
        for i in range(n):
            for j in range(n):
                ax.text(j, i, f"{matrix[i, j]:.1f}", ha="center", va="center", fontsize=7,
                        color="white" if abs(matrix[i, j]) > 0.6 else INK)
        ax.set_xticks(range(n), labels=list(labels), rotation=90, fontsize=8)
        ax.set_yticks(range(n), labels=list(labels), fontsize=8)
        if groups is not None:
            _frame_blocks(ax, list(groups))
        if titles is not None:
            ax.set_title(titles[k], fontsize=10, color=INK)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="cosine similarity")
    return fig


def _frame_blocks(ax: Axes, groups: list[str]) -> None:
    start = 0
    for end in range(1, len(groups) + 1):
        if end == len(groups) or groups[end] != groups[start]:
            ax.add_patch(Rectangle((start - 0.5, start - 0.5), end - start, end - start, fill=False,
                                   edgecolor=INK, linewidth=1.8))
            start = end


# -- helpers ---------------------------------------------------------------------------------------
def _name_groups(ax: Axes, points: np.ndarray, groups: list[str], colors: dict[str, str]) -> None:
    """Write each group's name, bold and in its colour, just outside the group's points."""
    centre_all = points.mean(axis=0)
    span = float(np.ptp(points, axis=0).max()) or 1.0
    for group, color in colors.items():
        members = points[[g == group for g in groups]]
        centre = members.mean(axis=0)
        away = centre - centre_all
        away = away / (np.linalg.norm(away) or 1.0)
        radius = float(np.linalg.norm(members - centre, axis=1).max())
        x, y = centre + (radius + 0.04 * span) * away
        ha = "left" if away[0] > 0.4 else "right" if away[0] < -0.4 else "center"
        va = "bottom" if away[1] > 0.4 else "top" if away[1] < -0.4 else "center"
        ax.text(x, y, group, ha=ha, va=va, fontsize=10, fontweight="bold", color=color,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1}, zorder=4)


def _label_points(ax: Axes, points: np.ndarray, words: list[str], to_label: list[str], bold: str | None) -> None:
    """Write each word of ``to_label`` near its point, fanned out so that the labels do not overlap.

    The labels of points that lie close together go round them like the spokes of a wheel, each
    joined to its point by a thin line; a lone point gets its label right beside it.
    """
    position = {w: k for k, w in enumerate(words)}
    span = float(np.ptp(points, axis=0).max()) or 1.0
    chosen = [w for w in to_label if w in position]
    xy = np.array([points[position[w]] for w in chosen]).reshape(-1, 2)
    for k, word in enumerate(chosen):
        x, y = xy[k]
        near = np.flatnonzero(np.linalg.norm(xy - xy[k], axis=1) < 0.1 * span)  # the labels that would collide
        if len(near) > 1:
            centre = xy[near].mean(axis=0)
            angle = 2 * np.pi * int(np.searchsorted(near, k)) / len(near) + 0.4
            tx, ty = centre + 0.16 * span * np.array([np.cos(angle), np.sin(angle)])
        else:
            tx, ty = x + (0.05 if word == bold else 0.03) * span, y
        ax.annotate(word, (x, y), (tx, ty), fontsize=9, color=INK, fontweight="bold" if word == bold else "normal",
                    ha="left" if tx >= x else "right", va="center", zorder=6,
                    arrowprops={"arrowstyle": "-", "color": INK, "linewidth": 0.5, "alpha": 0.5} if len(near) > 1
                    else None, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5})


def _pad_limits(ax: Axes, points: np.ndarray, margin: float = 0.25) -> None:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * float((high - low).max() or 1.0)
    ax.set_xlim(low[0] - pad, high[0] + pad)
    ax.set_ylim(low[1] - pad, high[1] + pad)
