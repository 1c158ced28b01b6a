"""Figures of lesson 08: what embeddings learn about meaning (words, weekdays and months, class labels).

- :func:`plot_context_window`: a sentence, one center word, the context words around it, the pairs;
- :func:`plot_neighbours`: a word's nearest neighbours as bars of cosine similarity;
- :func:`plot_projection`: 2-D points (e.g. PCA of word vectors) coloured by group;
- :func:`plot_word_neighbourhood`: bars and a ring of neighbours, for one query word (the widget's figure,
  a :class:`NeighbourhoodFigure` that the widget redraws in place);
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
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle

from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import DPI, HIGHLIGHT, INK, NEUTRAL, OUTPUT, PADDING, new_figure

__all__ = ["GROUP_COLORS", "NeighbourhoodFigure", "group_colors", "plot_context_window", "plot_neighbours",
           "plot_projection", "plot_rings", "plot_similarity_matrices", "plot_word_neighbourhood"]

# Colours of word groups (Tableau 10 without its orange, which means HIGHLIGHT in every lesson).
GROUP_COLORS = ("#4e79a7", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#9c755f", "#ff9da7", "#edc948", "#bab0ac")

# The titles the lesson gives plot_rings: its keys are data too (the lesson tells weekdays from months by
# them), so they stay English there and are translated where drawn (any other title is drawn as given).
RING_TITLES = (mark("weekdays, before training"), mark("weekdays, trained"), mark("months, before training"),
               mark("months, trained"))


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
    ax.text(x / 2, -0.35, t("pairs (center, context): {pairs}", pairs=pairs), ha="center", va="top", fontsize=10,
            color=INK)
    ax.set_xlim(-0.1, x - 0.2)
    ax.set_ylim(-0.9, 1.6)
    ax.axis("off")
    ax.set_title(t("window = {window}: the words at most {window} places away are the context of '{word}'",
                   window=window, word=words[center]), fontsize=10, color=INK)
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
    ax.set_xlabel(t("cosine similarity"), fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(t("nearest neighbours of '{query}'", query=query), fontsize=10, color=INK)
    if same_group is not None:
        same_label = (t("same group as '{query}' ({group})", query=query, group=group) if group
                      else t("same group as '{query}'", query=query))
        ax.legend(handles=[Patch(color=OUTPUT, label=same_label),
                           Patch(color=PADDING, label=t("another group"))],
                  loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, fontsize=8, frameon=False)
    return fig


def plot_projection(points: np.ndarray, words: Sequence[str], groups: Sequence[str] | None = None, *,
                    label: Sequence[str] | None = None, highlight: str | None = None, circle: Sequence[str] = (),
                    title: str = mark("word vectors, projected to 2-D"), explained: Sequence[float] | None = None,
                    ax: Axes | None = None) -> Figure:
    """2-D points coloured by group, each group named at its centre, some words written next to their point.

    Parameters
    ----------
    points : array, shape (N, 2), e.g. from the kit's :func:`~lookup_lib.lessons.kit.projection.pca`
    words : N words, one per point
    groups : N group names (colours and a legend); None draws every point in one colour
    label : the words to write next to their points (default: all of them). Each label goes to the
        nearest free place around its point (joined to it by a thin line when it had to move away),
        never over another label, a group name or a point; a word with no free place left is not written
    highlight : a word drawn larger, in orange, and always labelled (its group's name is left out,
        to make room for the label)
    circle : words whose points get a teal ring (e.g. the neighbours of ``highlight``)
    title : the title of the Axes (the default is drawn in the lessons' language)
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
    fig = new_figure(8.0, 6.8) if ax is None else ax.figure
    ax = ax if ax is not None else fig.add_subplot()
    group_list = list(groups) if groups is not None else [""] * len(words)
    colors = group_colors(group_list)
    for (x, y), word, group in zip(points, words, group_list, strict=True):
        ax.scatter([x], [y], s=28, color=colors[group], edgecolors="white", linewidths=0.5, gid=f"point:{word}")
    to_label = list(label) if label is not None else list(words)
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
    _pad_limits(ax, points, margin=0.12)
    ax.set_aspect("equal", adjustable="box")  # distances in the picture are distances in the projection
    ax.tick_params(labelsize=8)
    for k, setter in enumerate((ax.set_xlabel, ax.set_ylabel)):
        axis = (t("PC {k} ({share:.0%} of the variance)", k=k + 1, share=float(explained[k]))
                if explained is not None else f"PC {k + 1}")
        setter(axis, fontsize=9, color=INK)
    ax.set_title(t_marked(title), fontsize=10, color=INK)
    _label_points(ax, points, list(words), to_label, bold=highlight)  # last: it needs the final layout
    return fig


def plot_word_neighbourhood(query: str, neighbour_words: Sequence[str], similarities: Sequence[float],
                            points: np.ndarray | None = None, words: Sequence[str] | None = None,
                            groups: Sequence[str] | None = None) -> Figure:
    """The widget's figure: the neighbours of ``query`` as bars (left) and on a ring by rank (right).

    The ring puts ``query`` in the centre and its neighbours around it, most similar at the top,
    then clockwise in order of similarity, each joined to the centre by a line as thick as its
    similarity: neighbours never pile up (in a 2-D projection close words overlap into one blob),
    and every label has its own place.

    A fresh :class:`NeighbourhoodFigure`, drawn once; the widget keeps one and redraws it in place,
    which gives the same pixels.

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
    every = list(words) if words is not None else [query, *neighbour_words]
    slots = max(NeighbourhoodFigure.SLOTS, len(neighbour_words))
    return NeighbourhoodFigure(every, groups if words is not None else None, slots=slots).update(
        query, neighbour_words, similarities)


class NeighbourhoodFigure:
    """:func:`plot_word_neighbourhood`'s figure, built once and redrawn in place for each query.

    Every artist is made at construction, ``slots`` of each kind (bars, values, spokes, points,
    labels); :meth:`update` moves them (``set_width``, ``set_data``, ``set_offsets``, ``set_text``,
    ``set_position``) and hides the slots not used. The layout is fixed (no layout engine): the
    margin for the bars' word labels is measured once, for the longest of ``words``, so a redraw
    never measures text to lay out and the picture is the same as a fresh figure's.

    Parameters
    ----------
    words : every word that can be a query or a neighbour (sizes the margin; with ``groups``, the colours)
    groups : their group names, same length, or None for one colour
    slots : the most neighbours one picture can show
    """

    SLOTS = 15  # the explorer's slider goes up to 15 neighbours
    WIDTH, HEIGHT = 8.5, 4.4  # inches at 100 dpi: 850 x 440 px, shown at its own size in a lesson page

    def __init__(self, words: Sequence[str], groups: Sequence[str] | None = None, slots: int = SLOTS) -> None:
        words = list(words)
        if groups is not None and len(groups) != len(words):
            raise ValueError(f"groups must have one name per word: {len(words)} words, {len(groups)} groups")
        if slots < 1:
            raise ValueError(f"slots must be at least 1, got {slots}")
        self.slots = slots
        self.group_of = dict(zip(words, groups, strict=True)) if groups is not None else None
        self.colors = group_colors(list(groups)) if groups is not None else {}
        self.fig = fig = new_figure(self.WIDTH, self.HEIGHT)
        fig.set_layout_engine("none")
        widest = max((_text_width(w, 9) for w in words), default=0.0)
        margin = (widest + 16) / (self.WIDTH * fig.dpi)  # the word labels, the tick marks and a gap
        self.bars_ax = bars = fig.add_axes((max(margin, 0.06), 0.24, 0.44 - max(margin, 0.06), 0.66), label="bars")
        self.ring_ax = ring = fig.add_axes((0.5, 0.0, 0.5, 0.88), label="ring")
        # -- bars
        self.bars = list(bars.barh(np.arange(slots), np.zeros(slots), height=0.7, color=OUTPUT))
        self.values = [bars.text(0, row, "", va="center", fontsize=8, color=INK) for row in range(slots)]
        # the words as texts left of the axes, not tick labels: no tick machinery to run on each redraw
        self.names = [bars.text(-0.02, row, "", ha="right", va="center", fontsize=9, color=INK,
                                transform=bars.get_yaxis_transform()) for row in range(slots)]
        # titles at fixed places: a set_title would measure every artist of the axes to place itself
        box = bars.get_position()
        self.bars_title = fig.text((box.x0 + box.x1) / 2, box.y1 + 0.03, "", ha="center", va="bottom",
                                   fontsize=10, color=INK)
        self.ring_title = fig.text(0.75, 0.985, "", ha="center", va="top", fontsize=10, color=INK)
        bars.axvline(0, color=INK, linewidth=0.8)
        bars.set_xlabel(t("cosine similarity"), fontsize=9)
        bars.tick_params(axis="x", labelsize=8)
        bars.set_yticks([])
        bars.spines[["top", "right"]].set_visible(False)
        self.legend = None
        if self.group_of is not None:
            self.legend = bars.legend(handles=[Patch(color=OUTPUT, label=t("same group")),
                                               Patch(color=PADDING, label=t("another group"))],
                                      loc="upper center", bbox_to_anchor=(0.5, -0.17), ncols=2, fontsize=8,
                                      frameon=False)
        # -- ring
        ring.add_patch(_ring_guide())
        self.spokes = [ring.plot([0, 0], [0, 0], color=PADDING, zorder=1)[0] for _ in range(slots)]
        self.points = [ring.scatter([0], [0], s=90, color=OUTPUT, edgecolors=INK, linewidths=0.8, zorder=3)
                       for _ in range(slots)]
        self.labels = [ring.text(0, 0, "", fontsize=9, color=INK, zorder=4) for _ in range(slots)]
        self.centre = ring.scatter([0], [0], s=260, color=HIGHLIGHT, edgecolors=INK, linewidths=1.2, zorder=5)
        self.centre_label = ring.text(0, -0.16, "", ha="center", va="top", fontsize=10, fontweight="bold",
                                      color=INK, zorder=5)
        ring.set_xlim(-1.9, 1.9)
        ring.set_ylim(-1.72, 1.72)  # the axes' own shape (425 x 387 px): the ring fills it
        ring.set_aspect("equal", adjustable="box")
        ring.axis("off")

    def update(self, query: str, neighbours: Sequence[str], similarities: Sequence[float]) -> Figure:
        """Show ``query`` and its neighbours (most similar first); returns the same, updated Figure."""
        neighbours = list(neighbours)
        sims = np.asarray(similarities, dtype=np.float64)
        if len(neighbours) != len(sims):
            raise ValueError(f"{len(neighbours)} words but {len(sims)} similarities")
        k = len(neighbours)
        if k > self.slots:
            raise ValueError(f"at most {self.slots} neighbours fit this figure, got {k}")
        same = ([self.group_of.get(w) == self.group_of.get(query) for w in neighbours] if self.group_of
                else [True] * k)
        # bars, most similar on top
        for row, (bar, value, name) in enumerate(zip(self.bars, self.values, self.names, strict=True)):
            shown = row < k
            for artist in (bar, value, name):
                artist.set_visible(shown)
            if shown:
                name.set_text(neighbours[row])
                sim = float(sims[row])
                bar.set_width(sim)
                bar.set_facecolor(OUTPUT if same[row] else PADDING)
                bar.set_gid(f"bar:{neighbours[row]}")
                value.set_position((sim + 0.02 if sim >= 0 else 0.02, row))
                value.set_text(f"{sim:.2f}")
            else:
                bar.set_gid(None)
        rows = max(k, 8)  # bars keep their thickness from 1 to 8 neighbours
        self.bars_ax.set_ylim(rows - 0.5, -0.5)
        self.bars_ax.set_xlim(min(0.0, float(sims.min(initial=0.0))) - 0.05, 1.15)
        self.bars_title.set_text(t("nearest neighbours of '{query}'", query=query))
        if self.legend is not None:
            self.legend.get_texts()[0].set_text(t("same group as '{query}' ({group})", query=query,
                                                  group=self.group_of.get(query)))
        # ring: neighbour r at angle 90° - 360° r / k on the unit circle
        angles = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
        xy = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        for r, (spoke, point, label) in enumerate(zip(self.spokes, self.points, self.labels, strict=True)):
            shown = r < k
            for artist in (spoke, point, label):
                artist.set_visible(shown)
            if not shown:
                point.set_gid(None)
                continue
            (x, y), word, sim = xy[r], neighbours[r], float(sims[r])
            spoke.set_data([0, x], [0, y])
            spoke.set_linewidth(0.5 + 3 * max(sim, 0.0))
            point.set_offsets([[x, y]])
            point.set_facecolor(self.colors.get(self.group_of.get(word), OUTPUT) if self.group_of else OUTPUT)
            point.set_gid(f"neighbour:{word}")
            label.set_position((1.14 * x, 1.14 * y))
            label.set_text(f"{word} {sim:.2f}")
            label.set_horizontalalignment("left" if x > 0.2 else "right" if x < -0.2 else "center")
            label.set_verticalalignment("bottom" if y > 0.2 else "top" if y < -0.2 else "center")
        self.centre.set_gid(f"highlight:{query}")
        self.centre_label.set_text(query)
        self.ring_title.set_text(
            t("'{query}' and its {k} neighbours, by rank\n(most similar on top, then clockwise)", query=query, k=k)
            if k != 1 else
            t("'{query}' and its {k} neighbour, by rank\n(most similar on top, then clockwise)", query=query, k=k))
        return self.fig


def _text_width(text: str, fontsize: float) -> float:
    """The width in pixels (at the lessons' dpi) of ``text`` in the default font at ``fontsize``."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    width, _, _ = RendererAgg(10, 10, DPI).get_text_width_height_descent(text, FontProperties(size=fontsize),
                                                                         ismath=False)
    return float(width)


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
    ax.set_title(t_marked(title), fontsize=10, color=INK)


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
    fig.colorbar(image, ax=list(axes), shrink=0.8, label=t("cosine similarity"))
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
    """Write each word of ``to_label`` at the nearest free place around its point (greedy, in pixels).

    The figure is laid out once, so that pixel positions are final; then for each word, places at
    growing distances and 16 directions around its point are tried in turn, and the first whose
    box overlaps no label or group name already written and no point, and stays inside the axes, is
    taken. A label away from its point is joined to it by a thin line. The labels are left out of
    the layout, so that the final drawing keeps the axes where they were measured.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ax.figure
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = canvas.get_renderer()
    position = {w: k for k, w in enumerate(words)}
    px = ax.transData.transform(points)  # (N, 2) pixels
    frame = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    for name in ax.texts:  # the group names: pushed back inside the axes where they stick out
        box = name.get_window_extent(renderer)
        shift = np.array([max(frame.x0 + 2 - box.x0, 0.0) - max(box.x1 - frame.x1 + 2, 0.0),
                          max(frame.y0 + 2 - box.y0, 0.0) - max(box.y1 - frame.y1 + 2, 0.0)])
        if shift.any():
            anchor = ax.transData.transform(name.get_position())
            name.set_position(tuple(to_data.transform(anchor + shift)))
    taken = [t.get_window_extent(renderer).extents for t in ax.texts]  # the group names
    dots = np.hstack([px - 4.0, px + 4.0])  # (N, 4): every point's box, x0 y0 x1 y1
    angles = 2 * np.pi * np.arange(16) / 16
    for word in [w for w in to_label if w in position]:
        weight = "bold" if word == bold else "normal"
        prop = FontProperties(size=9, weight=weight)
        width, height, _ = renderer.get_text_width_height_descent(word, prop, ismath=False)
        height = max(height, renderer.get_text_width_height_descent("lp", prop, ismath=False)[1])  # as Text does
        x, y = px[position[word]]
        for radius in (7.0, 11.0, 16.0, 22.0, 30.0, 40.0, 52.0, 66.0, 82.0, 100.0, 120.0, 145.0):
            placed = None
            for angle in angles:
                dx, dy = radius * np.cos(angle), radius * np.sin(angle)
                ha = "left" if dx > 0.38 * radius else "right" if dx < -0.38 * radius else "center"
                va = "bottom" if dy > 0.38 * radius else "top" if dy < -0.38 * radius else "center"
                x0 = x + dx - {"left": 0.0, "center": width / 2, "right": width}[ha]
                y0 = y + dy - {"bottom": 0.0, "center": height / 2, "top": height}[va]
                box = np.array([x0 - 1, y0 - 1, x0 + width + 1, y0 + height + 1])
                if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
                    continue
                others = np.vstack([dots, *taken]) if taken else dots
                overlap = ((others[:, 0] < box[2]) & (others[:, 2] > box[0]) & (others[:, 1] < box[3])
                           & (others[:, 3] > box[1]))
                if not overlap.any():
                    placed = (dx, dy, ha, va, box)
                    break
            if placed is not None:
                break
        if placed is None:
            continue  # no free place: better no label than one on top of another
        dx, dy, ha, va, box = placed
        taken.append(box)
        far = radius > 11.0
        ax.annotate(word, tuple(points[position[word]]), (dx, dy), textcoords="offset pixels", fontsize=9,
                    color=INK, fontweight=weight, ha=ha, va=va, zorder=6, annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": INK, "linewidth": 0.5, "alpha": 0.5,
                                "shrinkA": 0, "shrinkB": 3} if far else None).set_in_layout(False)


def _pad_limits(ax: Axes, points: np.ndarray, margin: float = 0.25) -> None:
    low, high = points.min(axis=0), points.max(axis=0)
    pad = margin * float((high - low).max() or 1.0)
    ax.set_xlim(low[0] - pad, high[0] + pad)
    ax.set_ylim(low[1] - pad, high[1] + pad)
