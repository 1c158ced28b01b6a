"""Lesson 12's figures: what each draws (one mark per model and seed, bands, labels), and their size."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from lookup_lib.lessons.kit.style import to_png
from lookup_lib.lessons.l12_meaning_from_real_text import (
    curve_summary,
    load_classifier,
    load_evaluation,
    load_learning_curve,
    plot_classifier,
    plot_learning_curve,
    plot_scores,
)

TESTS = ("wordsim353", "simlex999", "pooled")


def _width_px(fig) -> int:
    import io

    from PIL import Image

    return Image.open(io.BytesIO(to_png(fig))).size[0]


def _by_gid(fig, kind=None):
    return {a.get_gid(): a for ax in fig.axes for a in ax.get_children()
            if a.get_gid() and (kind is None or isinstance(a, kind))}


def _scores():
    ev = load_evaluation()
    scores = {m: {t: ev["models"][m][t] for t in TESTS} for m in ("ppmi", "course", "gensim")}
    return scores, {t: ev["random"][t]["p95"] for t in TESTS}, {t: ev["pairs"][t] for t in TESTS}


def test_the_scores_figure_has_one_dot_per_model_and_seed_and_a_band_per_test():
    scores, p95, pairs = _scores()
    fig = plot_scores(scores, p95, pairs)
    dots = _by_gid(fig, PathCollection)
    for model, per_test in scores.items():
        for test, values in per_test.items():
            offsets = dots[f"seed:{model}:{test}"].get_offsets()
            assert len(offsets) == len(values) and np.allclose(sorted(offsets[:, 1]), sorted(values))
    assert {f"random:{t}" for t in TESTS} <= set(_by_gid(fig))
    means = {line.get_gid(): line.get_ydata()[0] for line in fig.axes[0].get_lines() if line.get_gid()}
    assert means["mean:course:pooled"] == pytest.approx(np.mean(scores["course"]["pooled"]))
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["WordSim353\n(48 pairs)", "SimLex-999\n(252 pairs)", "pooled\n(300 pairs)"]
    assert "Spearman" in fig.axes[0].get_ylabel() and _width_px(fig) <= 860


def test_the_scores_band_reaches_the_random_95th_percentile():
    scores, p95, pairs = _scores()
    band = _by_gid(plot_scores(scores, p95, pairs))["random:wordsim353"]
    top = band.get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(p95["wordsim353"])


def test_the_learning_curve_has_one_point_per_size_for_each_method_and_panel():
    summary = curve_summary(load_learning_curve(), "covered")
    fig = plot_learning_curve(summary["tokens"], summary["curves"], summary["random_p95"], summary["covered"])
    main_axes = [ax for ax in fig.axes if ax.get_xscale() == "log"]
    assert len(main_axes) == 2 and [ax.get_title() for ax in main_axes] == ["pooled", "WordSim353"]
    for ax, panel in zip(main_axes, ("pooled", "wordsim353"), strict=True):
        for method in ("ppmi", "course", "gensim"):
            line = next(line for line in ax.get_lines() if line.get_gid() == f"curve:{method}:{panel}")
            expected = [np.mean(r) for r in summary["curves"][method][panel]]
            assert np.allclose(line.get_xdata(), summary["tokens"]) and np.allclose(line.get_ydata(), expected)
    legend = [t.get_text() for t in main_axes[0].get_legend().get_texts()]
    assert {"PPMI-SVD", "course trainer", "gensim Word2Vec"} <= set(legend)
    assert main_axes[0].get_xlabel() == "training tokens" and _width_px(fig) <= 860


def test_the_learning_curve_names_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="random_p95"):
        plot_learning_curve([1, 10], {"ppmi": {"pooled": [[0.1], [0.2]]}}, {"pooled": [0.1]}, {"pooled": [1, 2]})
    with pytest.raises(ValueError, match="curves"):
        plot_learning_curve([1, 10], {"ppmi": {"pooled": [[0.1]]}}, {"pooled": [0.1, 0.2]}, {"pooled": [1, 2]})


def test_the_classifier_figure_draws_each_start_and_the_majority_class():
    table = load_classifier()
    fig = plot_classifier(table["sizes"], table["accuracy"], table["majority"])
    ax = fig.axes[0]
    for start, per_size in table["accuracy"].items():
        line = next(line for line in ax.get_lines() if line.get_gid() == f"curve:{start}:accuracy")
        assert np.allclose(line.get_ydata(), [np.mean(per_size[str(n)]) for n in table["sizes"]])
    majority = next(line for line in ax.get_lines() if line.get_gid() == "majority")
    assert majority.get_ydata()[0] == pytest.approx(table["majority"])
    assert ax.get_xscale() == "log" and "held-out" in ax.get_ylabel() and _width_px(fig) <= 860


def test_the_figures_speak_the_lessons_language_and_stay_narrow(monkeypatch):
    """In Chinese every label is translated (the data's keys are not), and the figures are no wider."""
    scores, p95, pairs = _scores()
    summary = curve_summary(load_learning_curve(), "covered")
    table = load_classifier()

    def drawn():
        figs = (plot_scores(scores, p95, pairs),
                plot_learning_curve(summary["tokens"], summary["curves"], summary["random_p95"], summary["covered"]),
                plot_classifier(table["sizes"], table["accuracy"], table["majority"]))
        texts = [text.get_text() for fig in figs for ax in fig.axes
                 for text in [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(),
                              *(ax.get_legend().get_texts() if ax.get_legend() else [])]]
        return texts, [_width_px(fig) for fig in figs]

    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    english, _ = drawn()
    assert {"course trainer", "pooled\n(300 pairs)", "frozen", "majority class (0.226)"} <= set(english)
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    chinese, widths = drawn()
    assert {"课程训练器", "合并集\n（300 个词对）", "冻结", "微调", "随机初始化", "多数类（0.226）",
            "训练词元数", "经文分类器：各种子上的均值 ± 标准差"} <= set(chinese)
    assert not {"course trainer", "frozen", "pooled", "training tokens"} & set(chinese)
    assert max(widths) <= 860
