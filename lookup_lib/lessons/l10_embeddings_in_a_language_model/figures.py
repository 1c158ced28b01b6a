"""Figures of lesson 10. They draw only: losses, the learned character map, token + position rows summed.

Drawn artists carry ids tests can find: ``"curve:<name>"`` (a loss curve), ``"held_out:<name>"`` (its
held-out level), ``"char:<c>"`` (a character's point on the map).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, INK, NEUTRAL, OUTPUT, draw_table, new_figure

__all__ = ["char_group", "plot_char_map", "plot_losses", "plot_token_plus_position"]

VOWELS = set("aeiou")
_GROUP_COLOR = {"vowel": CHANGED, "consonant": OUTPUT, "punctuation": HIGHLIGHT, "space and specials": INK}
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
        (line,) = ax.plot(np.arange(w - 1, values.size), smooth, color=color, label=f"{name}: training")
        line.set_gid(f"curve:{name}")
        if held_out and name in held_out:
            level = ax.axhline(held_out[name], color=color, linestyle="--", linewidth=1,
                               label=f"{name}: held out {held_out[name]:.3f}")
            level.set_gid(f"held_out:{name}")
    ax.set_xlabel("step", color=INK)
    ax.set_ylabel("cross-entropy (nats per character)", color=INK)
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
        ax.scatter(pts[ks, 0], pts[ks, 1], s=260, color=color, alpha=0.25, label=group)
        for k in ks:
            name = "␣" if words[k] == " " else words[k]
            text = ax.text(pts[k, 0], pts[k, 1], name, ha="center", va="center", fontsize=10, color=color)
            text.set_gid(f"char:{words[k]}")
    ax.set_xlabel("dimension 0", color=INK)
    ax.set_ylabel("dimension 1", color=INK)
    ax.set_facecolor(NEUTRAL)
    ax.grid(color="white")
    ax.legend(fontsize=8, frameon=False, loc="best")
    if title:
        ax.set_title(title, fontsize=10, color=INK)
    return fig


def plot_token_plus_position(tok_rows: np.ndarray, pos_rows: np.ndarray, labels: Sequence[str],
                             position: int | None = None, fmt: str = "{:.1f}") -> Figure:
    """Three tables side by side: the token rows, the position rows, and their sum (one row per position).

    ``position`` is the row drawn highlighted in all three: sum[t] = tok_emb[ids[t]] + pos_emb[t].
    """
    tok, pos = np.asarray(tok_rows), np.asarray(pos_rows)
    if tok.shape != pos.shape or tok.ndim != 2:
        raise ValueError(f"token and position rows must have one shape (T, D), got {tok.shape} and {pos.shape}")
    steps, dim = tok.shape
    fig = new_figure(3 * 0.55 * (dim + 2) + 1.0, 0.42 * steps + 1.3)
    axes = fig.subplots(1, 3)
    highlight = [] if position is None else [position]
    names = [f"t={t} '{'␣' if w == ' ' else w}'" for t, w in enumerate(labels)]
    panels = [(tok, "tok_emb(ids)", names), (pos, "+ pos_emb(arange(T))", [f"t={t}" for t in range(steps)]),
              (tok + pos, "= x, the model's input", names)]
    for ax, (values, title, row_names) in zip(axes, panels, strict=True):
        draw_table(ax, values, highlight_rows=highlight, row_labels=row_names, title=title, fmt=fmt,
                   max_rows=max(steps, 1))
        ax.set_label(title)
        ax.set_xlim(-2.6, dim + 0.1)
    return fig
