"""Figures of lesson 12: the similarity scores, the learning curve over corpus size, the verse classifier.

- :func:`plot_scores`: each model's Spearman ρ per test, one dot per seed, mean ± sd, the random tables' band;
- :func:`plot_learning_curve`: ρ against training tokens (log x), mean ± sd per method, the random band;
- :func:`plot_classifier`: test accuracy against labelled verses (log x), mean ± sd per start, majority class.

All are pure: data in, ``Figure`` out (at most 8.6 inches = 860 px wide). Artists carry ids tests can find:
seed dots ``"seed:MODEL:TEST"``, error bars ``"mean:MODEL:TEST"``, curves ``"curve:NAME:PANEL"``, random bands
``"random:PANEL"``, the majority line ``"majority"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import INK, PADDING, new_figure

__all__ = ["MODEL_COLORS", "plot_classifier", "plot_learning_curve", "plot_scores"]

MODEL_COLORS = {"ppmi": "#b07aa1", "course": "#4e79a7", "gensim": "#59a14f",
                "random init": "#9c755f", "frozen": "#4e79a7", "fine-tuned": "#e15759"}
# what the figures write for a model, a test or a classifier's start (shown with t_marked: the lesson's language)
LABELS = {"ppmi": "PPMI-SVD", "course": mark("course trainer"), "gensim": "gensim Word2Vec",
          "pooled": mark("pooled"), "wordsim353": "WordSim353", "simlex999": "SimLex-999",
          "random init": mark("random init"), "frozen": mark("frozen"), "fine-tuned": mark("fine-tuned")}


def _label(key: str) -> str:
    """How a figure names ``key`` (a model, test or start), in the lesson's language; the key itself if unknown."""
    return t_marked(LABELS.get(key, key))


def _check_lengths(name: str, values: Sequence, expected: int) -> None:
    if len(values) != expected:
        raise ValueError(f"{name} has {len(values)} entries, expected {expected} (one per x value)")


def plot_scores(scores: Mapping[str, Mapping[str, Sequence[float]]], random_p95: Mapping[str, float],
                pairs: Mapping[str, int]) -> Figure:
    """Spearman ρ of each model on each test: one dot per seed, a bar for mean ± sd, random p95 shaded.

    Parameters
    ----------
    scores : ``{model: {test: [ρ per seed]}}`` (a deterministic model has one value)
    random_p95 : ``{test: 95th percentile of random tables}``; ρ below it is what random tables reach
    pairs : ``{test: number of pairs}`` (written under each test)
    """
    tests = list(random_p95)
    models = list(scores)
    fig = new_figure(8.4, 3.4)
    ax = fig.add_subplot()
    width = 0.8 / max(len(models), 1)
    for i, test in enumerate(tests):
        ax.fill_between([i - 0.45, i + 0.45], -1, random_p95[test], color=PADDING, alpha=0.5, linewidth=0,
                        gid=f"random:{test}", label=t("random tables, up to their 95th percentile") if i == 0 else None)
        for m, model in enumerate(models):
            values = np.asarray(scores[model][test], dtype=float)
            x = i - 0.4 + width * (m + 0.5)
            color = MODEL_COLORS.get(model, INK)
            ax.scatter(np.full(len(values), x) + np.linspace(-0.06, 0.06, len(values)), values, s=14, color=color,
                       alpha=0.7, gid=f"seed:{model}:{test}", label=_label(model) if i == 0 else None)
            sd = values.std(ddof=1) if len(values) > 1 else 0.0
            bars = ax.errorbar([x + 0.1], [values.mean()], yerr=[sd], fmt="_", markersize=12, color=color, capsize=3)
            bars.lines[0].set_gid(f"mean:{model}:{test}")  # the mean's marker (caps and bar carry no id)
    ax.axhline(0, color=INK, linewidth=0.6)
    ax.set_xticks(range(len(tests)), [t("{test}\n({n} pairs)", test=_label(test), n=pairs[test]) for test in tests])
    low = min(min(np.min(v) for v in s.values()) for s in scores.values())
    high = max(max(np.max(v) for v in s.values()) for s in scores.values())
    ax.set_ylim(min(low, 0) - 0.05, max(high, max(random_p95.values())) + 0.15)
    ax.set_ylabel(t("Spearman ρ (cosine vs human)"))
    ax.set_title(t("Word similarity on the KJV vocabulary: dots are seeds, bars mean ± sd"), fontsize=10, color=INK)
    ax.legend(fontsize=8, loc="upper center", ncol=4, frameon=False, handletextpad=0.3, columnspacing=1.2)
    return fig


def plot_learning_curve(tokens: Sequence[float], curves: Mapping[str, Mapping[str, Sequence[Sequence[float]]]],
                        random_p95: Mapping[str, Sequence[float]], covered: Mapping[str, Sequence[float]], *,
                        ylabel: str = mark("Spearman ρ on the covered pairs"),
                        ylim: tuple[float, float] = (-0.6, 1.0)) -> Figure:
    """Spearman ρ against training tokens, one panel per test: mean ± sd over seeds, random p95 shaded.

    Parameters
    ----------
    tokens : the corpus sizes (S,), increasing
    curves : ``{method: {panel: [[ρ of each seed] for each size]}}``
    random_p95 : ``{panel: [random tables' 95th percentile per size]}``
    covered : ``{panel: [pairs the size covers (mean over seeds)]}``, written along the top
    ylabel, ylim : the shared y axis (a ``mark``-ed ylabel is shown in the lesson's language)
    """
    panels = list(random_p95)
    tokens = np.asarray(tokens, dtype=float)
    fig = new_figure(8.4, 3.6)
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    for ax, panel in zip(axes, panels, strict=True):
        _check_lengths(f"random_p95[{panel!r}]", random_p95[panel], len(tokens))
        ax.fill_between(tokens, -1, random_p95[panel], color=PADDING, alpha=0.5, linewidth=0, gid=f"random:{panel}",
                        label=t("random tables (≤ 95th pct.)"))
        for method, per_panel in curves.items():
            runs = per_panel[panel]
            _check_lengths(f"curves[{method!r}][{panel!r}]", runs, len(tokens))
            mean = np.array([np.mean(r) for r in runs])
            sd = np.array([np.std(r, ddof=1) if len(r) > 1 else 0.0 for r in runs])
            bars = ax.errorbar(tokens, mean, yerr=sd, marker="o", markersize=4, capsize=3, linewidth=1.4,
                               color=MODEL_COLORS.get(method, INK), label=_label(method))
            bars.lines[0].set_gid(f"curve:{method}:{panel}")
        ax.axhline(0, color=INK, linewidth=0.6)
        ax.set_xscale("log")
        ax.set_xlabel(t("training tokens"))
        top = ax.secondary_xaxis("top")
        top.set_xticks(tokens, [f"{c:.0f}" for c in covered[panel]], fontsize=7)
        top.minorticks_off()
        top.set_xlabel(t("pairs covered"), fontsize=8)
        ax.set_title(_label(panel), fontsize=10, color=INK)
    axes[0].set_ylabel(t_marked(ylabel))
    axes[0].set_ylim(*ylim)
    axes[0].legend(fontsize=8, loc="lower right", frameon=False)
    return fig


def plot_classifier(sizes: Sequence[int], accuracy: Mapping[str, Mapping[str, Sequence[float]]],
                    majority: float) -> Figure:
    """Test accuracy against the number of labelled verses, mean ± sd over seeds per start, majority line.

    ``accuracy`` is ``{start: {str(n): [accuracy of each seed]}}``.
    """
    sizes = np.asarray(sizes)
    fig = new_figure(6.4, 3.4)
    ax = fig.add_subplot()
    ax.axhline(majority, color=INK, linestyle=":", linewidth=1, gid="majority",
               label=t("majority class ({share:.3f})", share=majority))
    for mode, per_size in accuracy.items():
        runs = [per_size[str(n)] for n in sizes]
        mean = np.array([np.mean(r) for r in runs])
        sd = np.array([np.std(r, ddof=1) if len(r) > 1 else 0.0 for r in runs])
        bars = ax.errorbar(sizes, mean, yerr=sd, marker="o", markersize=4, capsize=3, linewidth=1.4,
                           color=MODEL_COLORS.get(mode, INK), label=_label(mode))
        bars.lines[0].set_gid(f"curve:{mode}:accuracy")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel(t("labelled training verses"))
    ax.set_ylabel(t("accuracy on 3,110 held-out verses"))
    ax.set_title(t("Verse classifier: mean ± sd over seeds"), fontsize=10, color=INK)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig
