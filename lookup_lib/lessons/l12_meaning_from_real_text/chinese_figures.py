"""The figure of lesson 12's Chinese experiment: per group of characters, how often a character's neighbours share it.

:func:`plot_character_groups` is pure: the per-group scores (:func:`~.chinese.group_scores`) in, a ``Figure`` out,
8.4 inches (840 px) wide. It draws Chinese characters in both editions, so it asks the kit for a CJK font
(:func:`~lookup_lib.lessons.kit.fonts.use_cjk_font`, which warns and draws boxes when none is installed). It
imports no matplotlib itself (the kit's ``new_figure`` makes the figure), as the layout rule for a lesson's
non-``figures.py`` modules asks; its home is ``figures.py`` once that file's translation is done.
Artists carry ids tests can find: ``"score:MODEL"`` (one marker per group), ``"ceiling"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lookup_lib.lessons.kit.fonts import use_cjk_font
from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import INK, PADDING, Figure, new_figure  # Figure: matplotlib's, via the kit

__all__ = ["plot_character_groups"]

GROUP_LABELS = {"numerals": mark("numerals"), "colours": mark("colours"), "directions": mark("directions"),
                "times": mark("times"), "body": mark("body"), "waters": mark("waters"),
                "weather": mark("weather"), "plants": mark("plants"), "animals": mark("animals"),
                "landforms": mark("landforms")}
MODEL_STYLE = {  # marker, colour, label
    "random": ("o", PADDING, mark("random tables (mean of 200)")),
    "course": ("s", "#9ec1e0", mark("course trainer, 5 epochs (mean of 5 seeds)")),
    "course_20": ("s", "#4e79a7", mark("course trainer, 20 epochs (mean of 5 seeds)")),
    "ppmi": ("D", "#b07aa1", mark("PPMI-SVD")),
}


def plot_character_groups(scores: Mapping[str, Mapping[str, float]], groups: Mapping[str, Sequence[str]],
                          tokens: int, models: Sequence[str] = ("random", "course", "course_20", "ppmi")) -> Figure:
    """One row per group (its characters written out), one marker per model, the group's ceiling as a bar.

    Parameters
    ----------
    scores : ``{group: {"ceiling": ..., model: mean score}}`` (:func:`~.chinese.group_scores`)
    groups : ``{group: [characters]}``, in the order to draw, top to bottom
    tokens : the corpus' characters (written in the title)
    models : the keys of ``scores[group]`` to draw, each one of ``MODEL_STYLE``
    """
    unknown = [m for m in models if m not in MODEL_STYLE]
    if unknown:
        raise ValueError(f"models must be among {list(MODEL_STYLE)}, got {unknown}")
    use_cjk_font()
    names = list(groups)
    fig = new_figure(8.4, 0.34 * len(names) + 1.3)
    ax = fig.add_subplot()
    rows = range(len(names))[::-1]  # the first group on top
    ax.barh(list(rows), [scores[g]["ceiling"] for g in names], height=0.7, color="#f4f4f4", edgecolor=PADDING,
            gid="ceiling", label=t("best possible (a group of n has n − 1 mates)"))
    for model in models:
        marker, color, label = MODEL_STYLE[model]
        ax.scatter([scores[g][model] for g in names], list(rows), marker=marker, s=36, color=color,
                   edgecolor=INK, linewidth=0.4, zorder=3, gid=f"score:{model}", label=t_marked(label))
    ax.set_yticks(list(rows), [f"{t_marked(GROUP_LABELS.get(g, g))}  {''.join(groups[g])}" for g in names],
                  fontsize=9)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel(t("fraction of a character's 5 nearest grouped characters in its own group"))
    title = t("Characters of 唐诗三百首 ({tokens:,} tokens): groups chosen by us", tokens=tokens)
    ax.set_title(title, fontsize=10, color=INK)
    ax.legend(fontsize=8, loc="lower right", frameon=True, framealpha=0.9)
    return fig
