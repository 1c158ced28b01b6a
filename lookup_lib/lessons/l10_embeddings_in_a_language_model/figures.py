"""Figures of lesson 10. They draw only: losses, the learned character map, token + position rows summed.

Drawn artists carry ids tests can find: ``"curve:<name>"`` (a loss curve), ``"held_out:<name>"`` (its
held-out level), ``"char:<c>"`` (a character's point on the map).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from lookup_lib.lessons.kit import style
from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, draw_table, new_figure

__all__ = ["TokenPlusPosition", "char_group", "plot_char_map", "plot_losses", "plot_token_plus_position"]

VOWELS = set("aeiou")
# the groups char_group names (data, tested); their legend labels are translated where they are drawn
_GROUP_COLOR = {mark("vowel"): CHANGED, mark("consonant"): OUTPUT, mark("punctuation"): HIGHLIGHT,
                mark("space and specials"): INK}
_CURVE_COLORS = (CHANGED, OUTPUT, HIGHLIGHT, INK)


def char_group(word: str) -> str:
    """"vowel", "consonant", "punctuation" or "space and specials" (``<bos>``, ``<pad>``, ``<unk>``, " ").

    >>> [char_group(c) for c in ["a", "b", ".", " ", "<bos>"]]
    ['vowel', 'consonant', 'punctuation', 'space and specials', 'space and specials']
    """
    if word in VOWELS:
        return "vowel"
    if len(word) == 1 and word.isalpha():
        return "consonant"
    if len(word) == 1 and not word.isspace():
        return "punctuation"
    return "space and specials"


def plot_losses(curves: Mapping[str, Sequence[float]], held_out: Mapping[str, float] | None = None,
                window: int = 50) -> Figure:
    """Each model's training loss per step (a running mean over ``window`` steps), its held-out loss dashed."""
    fig = new_figure(6.4, 3.4)
    ax = fig.add_subplot()
    for (name, losses), color in zip(curves.items(), _CURVE_COLORS, strict=False):
        values = np.asarray(losses, dtype=np.float64)
        w = max(1, min(window, values.size))
        smooth = np.convolve(values, np.ones(w) / w, mode="valid")
        (line,) = ax.plot(np.arange(w - 1, values.size), smooth, color=color, label=t("{name}: training", name=name))
        line.set_gid(f"curve:{name}")
        if held_out and name in held_out:
            level = ax.axhline(held_out[name], color=color, linestyle="--", linewidth=1,
                               label=t("{name}: held out {loss:.3f}", name=name, loss=held_out[name]))
            level.set_gid(f"held_out:{name}")
    ax.set_xlabel(t("step"), color=INK)
    ax.set_ylabel(t("cross-entropy (nats per character)"), color=INK)
    ax.set_facecolor(NEUTRAL)
    ax.grid(color="white")
    ax.legend(fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def plot_char_map(points: np.ndarray, words: Sequence[str], title: str = "", skip: Sequence[str] = ()) -> Figure:
    """Each character at its learned 2-D row, coloured by group (vowels, consonants, punctuation, space)."""
    pts = np.asarray(points, dtype=np.float64)
    if pts.ndim != 2 or pts.shape != (len(words), 2):
        raise ValueError(f"points must have shape ({len(words)}, 2), got {pts.shape}")
    fig = new_figure(5.6, 5.0)
    ax = fig.add_subplot()
    shown = [k for k, w in enumerate(words) if w not in skip]
    for group, color in _GROUP_COLOR.items():
        ks = [k for k in shown if char_group(words[k]) == group]
        ax.scatter(pts[ks, 0], pts[ks, 1], s=260, color=color, alpha=0.25, label=t_marked(group))
        for k in ks:
            name = "␣" if words[k] == " " else words[k]
            text = ax.text(pts[k, 0], pts[k, 1], name, ha="center", va="center", fontsize=10, color=color)
            text.set_gid(f"char:{words[k]}")
    ax.set_xlabel(t("dimension {k}", k=0), color=INK)
    ax.set_ylabel(t("dimension {k}", k=1), color=INK)
    ax.set_facecolor(NEUTRAL)
    ax.grid(color="white")
    ax.legend(fontsize=8, frameon=False, loc="best")
    if title:
        ax.set_title(title, fontsize=10, color=INK)
    return fig


# The widest figure a lesson shows at its own pixel size (JupyterLab's output area is 868 px wide; wider PNGs
# are shrunk by the browser and look blurry).
MAX_WIDTH_INCHES = 8.6


def plot_token_plus_position(tok_rows: np.ndarray, pos_rows: np.ndarray, labels: Sequence[str],
                             position: int | None = None, fmt: str = "{:.1f}") -> Figure:
    """Three tables side by side: the token rows, the position rows, and their sum (one row per position).

    ``position`` is the row drawn highlighted in all three: sum[t] = tok_emb[ids[t]] + pos_emb[t].
    """
    tok, pos = np.asarray(tok_rows), np.asarray(pos_rows)
    if tok.shape != pos.shape or tok.ndim != 2:
        raise ValueError(f"token and position rows must have one shape (T, D), got {tok.shape} and {pos.shape}")
    return TokenPlusPosition(*tok.shape, fmt=fmt, keep_layout=False).update(tok, pos, labels, position)


class TokenPlusPosition:
    """The figure of :func:`plot_token_plus_position` for T rows of D numbers, built once, updated in place.

    A widget keeps one per context length: :meth:`update` rewrites the numbers, the row labels and the
    highlighted row (``Text.set_text``, ``Rectangle.set_facecolor``) and returns the same Figure, with the
    pixels of a figure drawn afresh for those rows. With ``keep_layout`` the constrained layout is computed
    once, when it is built, and kept (it depends only on T, D and the titles, never on the numbers: every text
    lies inside its axes); without it, the figure is laid out when it is drawn, as any other.
    """

    # the panels' titles (English: also each axes' label, which tests look for); shown in the lesson's language
    TITLES = ("tok_emb(ids)", "+ pos_emb(arange(T))", mark("= x, the model's input"))

    def __init__(self, steps: int, dim: int, fmt: str = "{:.1f}", keep_layout: bool = True) -> None:
        self.steps, self.dim, self.fmt = steps, dim, fmt
        cell = min(0.55, (MAX_WIDTH_INCHES - 1.0) / (3 * (dim + 2)))  # inches per column
        width = 3 * cell * (dim + 2) + 1.0
        # tall enough for square cells at the width each table gets (dim + 2.7 cells wide, steps + 1 high), and
        # the title: the tables are then as wide as they can be, with nothing cut at the top or the bottom
        self.fig = new_figure(width, (width - 0.3) / 3 * (steps + 1.0) / (dim + 2.7) + 0.6)
        axes = self.fig.subplots(1, 3)
        zeros, blank = np.zeros((steps, dim)), [""] * steps
        self.numbers: list[list[list[Text]]] = []  # [panel][row][column]
        self.cells: list[list[list[Rectangle]]] = []
        self.row_labels: list[list[Text]] = []
        for ax, title in zip(axes, self.TITLES, strict=True):
            draw_table(ax, zeros, row_labels=blank, title=t_marked(title), fmt=fmt, max_rows=max(steps, 1))
            ax.set_label(title)
            ax.set_xlim(-2.6, dim + 0.1)
            # the table's artists, found by where draw_table put them: cell (r, c) at (c, r), its number at its centre
            texts = {(round(t.get_position()[0], 2), round(t.get_position()[1], 2)): t for t in ax.texts}
            patches = {(round(p.get_x()), round(p.get_y())): p for p in ax.patches}
            self.numbers.append([[texts[(c + 0.5, r + 0.5)] for c in range(dim)] for r in range(steps)])
            self.cells.append([[patches[(c, r)] for c in range(dim)] for r in range(steps)])
            self.row_labels.append([texts[(-0.15, r + 0.5)] for r in range(steps)])
        if keep_layout:
            numbers = [t for panel in self.numbers for row in panel for t in row]
            style.keep_layout(self.fig, numbers + [t for labels in self.row_labels for t in labels])

    def update(self, tok_rows: np.ndarray, pos_rows: np.ndarray, labels: Sequence[str],
               position: int | None = None) -> Figure:
        """Write these rows into the figure (shape (T, D) each, T labels) and highlight row ``position``."""
        tok, pos = np.asarray(tok_rows), np.asarray(pos_rows)
        if tok.shape != (self.steps, self.dim) or pos.shape != tok.shape or len(labels) != self.steps:
            raise ValueError(f"this figure holds {self.steps} rows of {self.dim} numbers and {self.steps} labels, "
                             f"got {tok.shape}, {pos.shape} and {len(labels)} labels")
        names = [f"t={t} '{'␣' if w == ' ' else w}'" for t, w in enumerate(labels)]
        panels = [(tok, names), (pos, [f"t={t}" for t in range(self.steps)]), (tok + pos, names)]
        for p, (values, row_names) in enumerate(panels):
            for r in range(self.steps):
                self.row_labels[p][r].set_text(row_names[r])
                color = HIGHLIGHT if r == position else NEUTRAL
                for c in range(self.dim):
                    self.numbers[p][r][c].set_text(self.fmt.format(values[r, c]))
                    self.cells[p][r][c].set_facecolor(color)
        return self.fig

