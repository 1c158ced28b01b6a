"""Lesson 01 figures: a lookup drawn as indices → highlighted rows of the table → output rows.

Three panels side by side. Left: the indices, one per line in C order. Middle: the table
``weight``, every row that is looked up filled in ``HIGHLIGHT``. Right: the output, one row
per index, filled in ``OUTPUT``. Arrows join each index to its row, and each row to the
output rows it becomes. All panels use one cell size, so the picture reads like the tensors.

Tests find the panels again by label (``ax.get_label()``: "indices", "table", "output",
"message") and every arrow by its ``gid``.

:func:`draw_learned_embedding` is the lesson's "why": the rows of a 2-D table before and after a
short training, one point per item, coloured by group (panels "before" and "after").
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import ConnectionPatch

from lookup_lib.checks import as_weight
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, draw_table, new_figure
from lookup_lib.lessons.l01_lookup_table.helpers import Lookup, group_distances, look_up

__all__ = ["draw_learned_embedding", "draw_lookup", "draw_lookup_error", "draw_lookup_result"]

# One colour per group of the trained toy (at most this many groups).
GROUP_COLORS = (HIGHLIGHT, OUTPUT, CHANGED, INK)

# At most this many indices / output rows, and table rows, are drawn; the rest are summarised.
MAX_SHOWN = 12
MAX_TABLE_ROWS = 12
# One drawn cell and the room between panels (where the arrows run), in inches.
CELL = 0.5
GAP = 1.1
MARGIN = 0.1


def _position_label(position: tuple[int, ...]) -> str:
    """``(0, 2)`` → ``"[0, 2]"``; ``()`` → ``"[]"``: where an index sits in its tensor."""
    return "[" + ", ".join(str(i) for i in position) + "]"


def _row_labels(num_rows: int, vocab: Sequence[str] | None) -> list[str]:
    if vocab is None:
        return [t("row {r}", r=r) for r in range(num_rows)]
    if len(vocab) != num_rows:
        raise ValueError(f"vocab needs one name per table row: got {len(vocab)} names for {num_rows} rows")
    return [f"{r} {name}" for r, name in enumerate(vocab)]


# Chinese punctuation that never begins a line: it stays at the end of the line before.
_NO_LINE_START = set("，。、：；？！）」”")


def _wide(ch: str) -> bool:
    """A character drawn about twice as wide as a Latin letter (Chinese, full-width punctuation)."""
    return unicodedata.east_asian_width(ch) in "WF"


def _wrap(message: str, width: int = 40) -> str:
    """``message`` in lines at most ``width`` Latin letters wide: ``textwrap.fill`` for Latin text; in a
    text with Chinese in it a wide character counts twice, and a line may also break next to one.

    >>> print(_wrap("无法把 'x' 读作索引：请输入整数，例如 0, 2, 0, 1; 1, 3, 4, 4", 24))
    无法把 'x' 读作索引：请
    输入整数，例如 0, 2, 0,
    1; 1, 3, 4, 4
    """
    if not any(_wide(ch) for ch in message):
        return textwrap.fill(message, width, break_on_hyphens=False)
    # pieces: one wide character, or a run of other characters with the spaces before it
    pieces = _pieces(message)
    lines, line = [], ""
    for piece in pieces:
        if line.strip() and _width(line + piece.rstrip()) > width and piece not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    lines.append(line.rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if _wide(ch) else 1 for ch in text)


def _pieces(text: str) -> list[str]:
    """``text`` cut where a line may break: at spaces (kept before the next piece) and beside a wide character."""
    pieces: list[str] = []
    for ch in text:
        if pieces and not ch.isspace() and not _wide(ch) and not _wide(pieces[-1][-1]) and not pieces[-1][-1].isspace():
            pieces[-1] += ch  # the next letter of a Latin word
        elif pieces and pieces[-1].isspace():
            pieces[-1] += ch  # spaces stay with the piece after them
        else:
            pieces.append(ch)
    return pieces


def _label_room(labels: Sequence[str]) -> float:
    """Cells to keep left of a table for its row labels (about 6 characters fit in 1.2 cells; a Chinese
    character counts as two)."""
    longest = max((_width(label) for label in labels), default=0)
    return 1.2 + 0.17 * max(0, longest - 6)


def _draw_panel(ax: Axes, values: np.ndarray, labels: Sequence[str], title: str, **style: Any) -> None:
    """``draw_table`` with the room the lesson's layout needs: labels on the left, title just above."""
    draw_table(ax, values, row_labels=labels, title=title, **style)
    ax.set_xlim(-_label_room(labels), ax.get_xlim()[1])
    ax.set_ylim(ax.get_ylim()[0], -0.05)


def _size(ax: Axes) -> tuple[float, float]:
    """Width and height of a drawn panel in inches (its data limits times CELL; y runs downwards)."""
    (x0, x1), (y_bottom, y_top) = ax.get_xlim(), ax.get_ylim()
    return (x1 - x0) * CELL, (y_bottom - y_top) * CELL


def _place(fig: Figure, ax: Axes, left: float, top: float) -> None:
    """Put ``ax`` at ``left``, ``top`` (inches from the figure's top-left corner) at its own size."""
    fig_w, fig_h = fig.get_size_inches()
    w, h = _size(ax)
    ax.set_position([left / fig_w, 1 - (top + h) / fig_h, w / fig_w, h / fig_h])


def _link(fig: Figure, start: tuple[float, float], ax_start: Axes, end: tuple[float, float], ax_end: Axes,
          gid: str, color: str) -> None:
    """A thin arrow from a point of one panel to a point of another (data coordinates)."""
    line = ConnectionPatch(
        start, end, coordsA=ax_start.transData, coordsB=ax_end.transData,
        arrowstyle="-|>", mutation_scale=9, color=color, linewidth=1.0, shrinkA=1, shrinkB=1,
    )
    line.set_gid(gid)
    fig.add_artist(line)


def _lay_out_side_by_side(fig: Figure, panels: Sequence[Axes], title: str | None) -> None:
    """Size the figure and place the panels left to right; shorter panels are centred vertically."""
    sizes = [_size(ax) for ax in panels]
    top = 0.75 if title else 0.35  # room for the figure's title and the panels' titles
    tallest = max(h for _, h in sizes)
    fig.set_size_inches(sum(w for w, _ in sizes) + GAP * (len(panels) - 1) + 2 * MARGIN, top + tallest + MARGIN)
    left = MARGIN
    for ax, (w, h) in zip(panels, sizes, strict=True):
        _place(fig, ax, left, top + (tallest - h) / 2 if ax.get_label() == "table" else top)
        left += w + GAP
    if title:
        fig.suptitle(title, fontsize=11, color=INK, y=1 - 0.12 / fig.get_size_inches()[1], va="top")


def _blank_figure(*labels: str) -> tuple[Figure, list[Axes]]:
    fig = new_figure(1, 1)
    fig.set_layout_engine("none")  # panels are placed by hand, so that every cell has one size
    return fig, [fig.add_subplot(label=label) for label in labels]


def draw_lookup(
    indices: Any,
    weight: Any,
    *,
    labels: Sequence[str] | None = None,
    vocab: Sequence[str] | None = None,
    title: str | None = None,
    fmt: str = "{:.2f}",
) -> Figure:
    """Draw ``embedding(indices, weight)``: indices → highlighted table rows → output rows.

    The indices are drawn as one column in C order, each labelled with its position in the
    index tensor, so that index k, its arrows and output row k sit on one line.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        Checked once, by :func:`~.helpers.look_up`, exactly as :func:`lookup_lib.embedding` checks
        them (integer dtype, each in ``[0, V)``), so a bad index raises the same ``TypeError`` /
        ``IndexError``.
    weight : array_like, shape (V, D)
        The table. Only its first ``MAX_TABLE_ROWS`` rows are drawn; arrows to later rows
        point at the "… more rows" line.
    labels : sequence of str, optional
        A name for each index in C order (e.g. the word it stands for), shown instead of
        its position.
    vocab : sequence of str, optional
        A name for each row of the table (the vocabulary), shown beside the row number.
    title : str, optional
        Text above the whole figure.
    fmt : str, default "{:.2f}"
        Format of the numbers in the table and the output.

    Returns
    -------
    matplotlib.figure.Figure
        Panels labelled "indices", "table", "output" (``ax.get_label()``), drawn with
        ``draw_table``. Arrows have gids ``"index{pos}->row{k}"`` and ``"row{k}->output{pos}"``,
        e.g. ``"index(0, 1)->row2"``. Only the first ``MAX_SHOWN`` indices are drawn.

    Examples
    --------
    >>> fig = draw_lookup([[0, 2]], np.eye(3))
    >>> sorted(a.get_gid() for a in fig.artists)
    ['index(0, 0)->row0', 'index(0, 1)->row2', 'row0->output(0, 0)', 'row2->output(0, 1)']
    """
    return draw_lookup_result(look_up(indices, weight), labels=labels, vocab=vocab, title=title, fmt=fmt)


def draw_lookup_result(
    lookup: Lookup,
    *,
    labels: Sequence[str] | None = None,
    vocab: Sequence[str] | None = None,
    title: str | None = None,
    fmt: str = "{:.2f}",
) -> Figure:
    """:func:`draw_lookup` of a lookup already checked and computed by :func:`~.helpers.look_up`.

    For callers that check the indices at their own door (the widget): nothing is converted
    or checked again. The keyword arguments are those of :func:`draw_lookup`.

    Examples
    --------
    >>> fig = draw_lookup_result(look_up([1], np.eye(2)))
    >>> sorted(a.get_gid() for a in fig.artists)
    ['index(0,)->row1', 'row1->output(0,)']
    """
    idx, table, out = lookup
    positions = [tuple(int(i) for i in p) for p in np.ndindex(*idx.shape)]
    if labels is not None and len(labels) != len(positions):
        raise ValueError(f"labels needs one name per index: got {len(labels)} names for {len(positions)} indices")
    names = list(labels) if labels is not None else [_position_label(p) for p in positions]
    flat_idx, shown = idx.reshape(-1), min(len(positions), MAX_SHOWN)

    fig, (ax_idx, ax_tab, ax_out) = _blank_figure("indices", "table", "output")
    _draw_panel(ax_idx, flat_idx.reshape(-1, 1), names, f"indices {idx.shape}", fmt="{:d}", max_rows=MAX_SHOWN)
    _draw_panel(ax_tab, table, _row_labels(table.shape[0], vocab), f"weight {table.shape}",
                highlight_rows=sorted({int(i) for i in flat_idx}), fmt=fmt, max_rows=MAX_TABLE_ROWS)
    _draw_panel(ax_out, out.reshape(len(positions), table.shape[1]), names, f"output {out.shape}",
                row_colors={r: OUTPUT for r in range(shown)}, fmt=fmt, max_rows=MAX_SHOWN)
    _lay_out_side_by_side(fig, [ax_idx, ax_tab, ax_out], title)

    for k, position in enumerate(positions[:shown]):
        row = int(flat_idx[k])
        y_row = min(row, MAX_TABLE_ROWS) + 0.5  # rows past the drawn part: the "… more rows" line
        _link(fig, (1.0, k + 0.5), ax_idx, (ax_tab.get_xlim()[0], y_row), ax_tab,
              gid=f"index{position}->row{row}", color=INK)
        _link(fig, (table.shape[1], y_row), ax_tab, (ax_out.get_xlim()[0], k + 0.5), ax_out,
              gid=f"row{row}->output{position}", color=OUTPUT)
    return fig


def draw_lookup_error(
    weight: Any, message: str, *, vocab: Sequence[str] | None = None, fmt: str = "{:.2f}"
) -> Figure:
    """The table with nothing highlighted and ``message`` beside it, for input that cannot be looked up.

    Parameters
    ----------
    weight : array_like, shape (V, D)
    message : str
        What went wrong, in words a student can act on; wrapped to lines of 40 characters.
    vocab : sequence of str, optional
        A name for each row of the table.
    fmt : str, default "{:.2f}"

    Returns
    -------
    matplotlib.figure.Figure
        Panels labelled "table" and "message"; the message is the one text of "message".

    Examples
    --------
    >>> fig = draw_lookup_error(np.eye(2), "index 5 is out of range")
    >>> [t.get_text() for ax in fig.axes if ax.get_label() == "message" for t in ax.texts]
    ['index 5 is out of range']
    """
    table = as_weight(weight)
    fig, (ax_tab, ax_msg) = _blank_figure("table", "message")
    _draw_panel(ax_tab, table, _row_labels(table.shape[0], vocab), t("weight {shape}: nothing looked up",
                                                                     shape=table.shape),
                fmt=fmt, max_rows=MAX_TABLE_ROWS)
    ax_msg.set_xlim(0, 9)
    ax_msg.set_ylim(ax_tab.get_ylim())
    ax_msg.axis("off")
    lines = _wrap(message, 40)
    ax_msg.text(4.5, ax_tab.get_ylim()[0] / 2, lines, ha="center", va="center", fontsize=10, color=CHANGED,
                bbox={"facecolor": NEUTRAL, "edgecolor": CHANGED, "boxstyle": "round,pad=0.6"})
    _lay_out_side_by_side(fig, [ax_tab, ax_msg], None)
    return fig


def draw_learned_embedding(
    before: Any, after: Any, groups: Any, names: Sequence[str], *, group_names: Sequence[str] | None = None
) -> Figure:
    """Two scatter plots of a 2-D embedding table: its rows before and after training.

    Parameters
    ----------
    before, after : array_like, shape (N, 2)
        The table's rows (one point per item) at the start and at the end of training.
    groups : array_like of int, shape (N,)
        The group of each item, 0 to ``len(GROUP_COLORS) - 1``; it picks the point's colour.
    names : sequence of str, length N
        The item names, written beside the points (above and below in turn, so close points stay legible).
    group_names : sequence of str, optional
        A name per group, shown in a legend in the "after" panel.

    Returns
    -------
    matplotlib.figure.Figure
        Panels labelled "before" and "after" (``ax.get_label()``), each with one scatter of N points
        and one text per name; each title gives :func:`~.helpers.group_distances`.

    Examples
    --------
    >>> table = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    >>> fig = draw_learned_embedding(table, 2 * table, [0, 0, 1], ["a", "b", "c"])
    >>> [ax.get_label() for ax in fig.axes]
    ['before', 'after']
    """
    labels = np.asarray(groups).astype(int)
    tables = [np.asarray(as_weight(t), dtype=float) for t in (before, after)]
    if any(t.shape != (len(labels), 2) for t in tables) or len(names) != len(labels):
        raise ValueError(f"need (N, 2) tables, N groups and N names; got {[t.shape for t in tables]}, "
                         f"{len(labels)} groups, {len(names)} names")
    if labels.min() < 0 or labels.max() >= len(GROUP_COLORS):
        raise ValueError(f"groups must be 0 to {len(GROUP_COLORS) - 1}, got {sorted(set(labels.tolist()))}")
    fig = new_figure(9, 4.2)
    for k, (label, table) in enumerate(zip(("before", "after"), tables, strict=True)):
        ax = fig.add_subplot(1, 2, k + 1, label=label)
        for g in sorted(set(labels.tolist())):
            name = group_names[g] if group_names is not None else t("group {g}", g=g)
            ax.scatter(*table[labels == g].T, s=80, color=GROUP_COLORS[g], edgecolors=INK, zorder=2, label=name)
        for i, ((x, y), name) in enumerate(zip(table, names, strict=True)):
            ax.annotate(name, (x, y), xytext=(7, 5 if i % 2 == 0 else -12), textcoords="offset points",
                        fontsize=9, color=INK)
        within, between = group_distances(table, labels)
        if label == "before":
            title = t("before training\nmean distance: same group {within:.2f}, other groups {between:.2f}",
                      within=within, between=between)
        else:
            title = t("after training\nmean distance: same group {within:.2f}, other groups {between:.2f}",
                      within=within, between=between)
        ax.set_title(title, fontsize=10, color=INK)
        ax.set_aspect("equal", adjustable="datalim")
        ax.grid(True, color=NEUTRAL, zorder=0)
    if group_names is not None:
        fig.axes[1].legend(loc="best", fontsize=9, frameon=False)
    return fig
