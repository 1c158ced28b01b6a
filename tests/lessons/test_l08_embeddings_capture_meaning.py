"""Lesson 08's figures and widget: context windows, neighbours, projections, rings, similarity matrices."""


import numpy as np
import pytest
from matplotlib.colors import to_hex

from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.style import HIGHLIGHT, NEUTRAL, OUTPUT, PADDING, to_png
from lookup_lib.lessons.l08_embeddings_capture_meaning.figures import (
    group_colors,
    plot_context_window,
    plot_neighbours,
    plot_projection,
    plot_rings,
    plot_similarity_matrices,
    plot_word_neighbourhood,
)
from lookup_lib.lessons.l08_embeddings_capture_meaning.widget import NeighbourExplorer
from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import nearest

WORDS = ["cat", "dog", "cow", "red", "blue", "green", "paris", "rome"]
GROUPS = ["animal", "animal", "animal", "colour", "colour", "colour", "city", "city"]
VECTORS = np.array([[1.0, 0.1, 0.0], [0.9, 0.2, 0.1], [0.8, 0.0, 0.3], [0.0, 1.0, 0.1], [0.1, 0.9, 0.0],
                    [0.2, 1.0, 0.2], [0.0, 0.1, 1.0], [0.1, 0.0, 0.9]])


def by_gid(ax, prefix):
    return {a.get_gid(): a for a in ax.get_children() if (a.get_gid() or "").startswith(prefix)}


# -- context window ------------------------------------------------------------------------------------
def test_context_window_colours_the_center_and_the_words_within_the_window():
    words = "the farmer feeds the cow every morning".split()
    ax = plot_context_window(words, center=4, window=2).axes[0]
    boxes = by_gid(ax, "word:")
    colours = {int(gid.split(":")[1]): to_hex(box.get_facecolor()) for gid, box in boxes.items()}
    assert colours[4] == HIGHLIGHT
    assert [k for k, c in sorted(colours.items()) if c == OUTPUT] == [2, 3, 5, 6]
    assert [k for k, c in sorted(colours.items()) if c == NEUTRAL] == [0, 1]
    assert any("(cow, feeds)" in t.get_text() and "(cow, morning)" in t.get_text() for t in ax.texts)


def test_context_window_stops_at_the_ends_of_the_sentence():
    ax = plot_context_window(["a", "b", "c"], center=0, window=2).axes[0]
    pairs = [t.get_text() for t in ax.texts if t.get_text().startswith("pairs")][0]
    assert pairs.endswith("(a, b)  (a, c)")


def test_context_window_rejects_a_center_outside_the_sentence():
    with pytest.raises(IndexError, match="outside the sentence of 3 words"):
        plot_context_window(["a", "b", "c"], center=3)


# -- neighbours and projection ------------------------------------------------------------------------------
def test_neighbour_bars_have_the_similarities_as_lengths_and_group_colours():
    fig = plot_neighbours("cat", ["dog", "red"], [0.9, -0.2], same_group=[True, False])
    bars = by_gid(fig.axes[0], "bar:")
    assert bars["bar:dog"].get_width() == pytest.approx(0.9) and bars["bar:red"].get_width() == pytest.approx(-0.2)
    assert to_hex(bars["bar:dog"].get_facecolor()) == OUTPUT and to_hex(bars["bar:red"].get_facecolor()) == PADDING
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["dog", "red"]


def test_neighbour_bars_need_one_similarity_per_word():
    with pytest.raises(ValueError, match="2 words but 1 similarities"):
        plot_neighbours("cat", ["dog", "cow"], [0.5])


def test_projection_draws_each_word_where_it_is_coloured_by_group():
    points = np.arange(16, dtype=float).reshape(8, 2)
    ax = plot_projection(points, WORDS, GROUPS).axes[0]
    drawn = by_gid(ax, "point:")
    colours = group_colors(GROUPS)
    for k, word in enumerate(WORDS):
        np.testing.assert_array_equal(drawn[f"point:{word}"].get_offsets()[0], points[k])
        assert to_hex(drawn[f"point:{word}"].get_facecolor()[0]) == colours[GROUPS[k]]
    names = {t.get_text() for t in ax.texts}
    assert {"animal", "colour", "city"} <= names and set(WORDS) <= names  # 8 words: all labelled


def test_projection_highlights_a_word_and_circles_others():
    points = pca(VECTORS)[0]
    ax = plot_projection(points, WORDS, GROUPS, label=[], highlight="dog", circle=["cat", "cow"]).axes[0]
    np.testing.assert_allclose(by_gid(ax, "highlight:")["highlight:dog"].get_offsets()[0], points[1])
    np.testing.assert_allclose(by_gid(ax, "circled")["circled"].get_offsets(), points[[0, 2]])
    texts = [t.get_text() for t in ax.texts]
    assert [t for t in texts if t in WORDS] == ["dog"]
    assert "animal" not in texts and {"colour", "city"} <= set(texts)  # room for the label "dog"


def test_projection_checks_the_shape_and_the_number_of_groups():
    with pytest.raises(ValueError, match=r"\(8, 2\)"):
        plot_projection(np.zeros((8, 3)), WORDS)
    with pytest.raises(ValueError, match="at most 9 groups"):
        group_colors([str(k) for k in range(10)])


def test_word_neighbourhood_has_bars_and_a_map():
    points = pca(VECTORS)[0]
    fig = plot_word_neighbourhood("cat", ["dog", "red"], [0.99, 0.1], points, WORDS, GROUPS)
    bars, projection = fig.axes
    assert set(by_gid(bars, "bar:")) == {"bar:dog", "bar:red"}
    assert to_hex(by_gid(bars, "bar:")["bar:red"].get_facecolor()) == PADDING
    assert "highlight:cat" in by_gid(projection, "highlight:")
    legend = [t.get_text() for t in bars.get_legend().get_texts()]
    assert legend == ["same group as 'cat' (animal)", "another group"]
    assert to_png(fig).startswith(b"\x89PNG")


# -- rings and matrices ---------------------------------------------------------------------------------
def test_rings_join_the_points_in_order_and_close_the_loop():
    week = np.random.default_rng(0).normal(size=(7, 2))
    fig = plot_rings({"week": week, "other": week[::-1]}, {"week": list("MTWTFSS"), "other": list("SSFTWTM")})
    assert len(fig.axes) == 2
    line = by_gid(fig.axes[0], "ring:")["ring:week"]
    np.testing.assert_array_equal(line.get_xydata(), np.vstack([week, week[:1]]))
    assert [t.get_text() for t in fig.axes[0].texts] == list("MTWTFSS")


def test_rings_need_2d_vectors():
    with pytest.raises(ValueError, match="2-D vectors"):
        plot_rings({"x": np.zeros((5, 3))}, {"x": list("abcde")})


def test_similarity_matrices_show_the_values_and_frame_the_groups():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(-1, 1, (8, 8)), rng.uniform(-1, 1, (8, 8))
    fig = plot_similarity_matrices([a, b], WORDS, GROUPS, titles=["before", "after"])
    first, second = fig.axes[:2]
    np.testing.assert_array_equal(by_gid(first, "matrix:")["matrix:0"].get_array(), a)
    np.testing.assert_array_equal(by_gid(second, "matrix:")["matrix:1"].get_array(), b)
    assert f"{b[2, 5]:.1f}" in [t.get_text() for t in second.texts]
    frames = [p for p in second.patches if not p.get_fill()]
    assert [(p.get_x(), p.get_width()) for p in frames] == [(-0.5, 3), (2.5, 3), (5.5, 2)]
    assert second.get_title() == "after"


def test_similarity_matrices_must_match_the_labels():
    with pytest.raises(ValueError, match=r"expected \(8, 8\)"):
        plot_similarity_matrices([np.zeros((3, 3))], WORDS)


# -- the widget ---------------------------------------------------------------------------------------------
def test_explorer_draws_the_nearest_neighbours_at_once():
    w = NeighbourExplorer(VECTORS, WORDS, GROUPS, word="cat", k=2)
    assert w.png.startswith(b"\x89PNG") and w.image.value == w.png
    indices, sims = nearest(VECTORS, 0, 2)
    assert w.neighbours == [WORDS[i] for i in indices] == ["dog", "cow"]
    np.testing.assert_allclose(w.similarities, sims)
    assert w._repr_mimebundle_()["text/plain"] == "NeighbourExplorer(word='cat', k=2)"
    np.testing.assert_allclose(w.points, pca(VECTORS)[0])


@pytest.mark.parametrize(("control", "value", "expected"), [("word", "paris", ["rome"]), ("k", 4, None)])
def test_explorer_redraws_when_a_control_changes(control, value, expected):
    w = NeighbourExplorer(VECTORS, WORDS, GROUPS, word="cat", k=1)
    before = w.png
    w.controls[control].value = value
    assert w.png != before and w.image.value == w.png
    if expected is not None:
        assert w.neighbours == expected
    else:
        assert len(w.neighbours) == value


def test_explorer_offers_every_word_sorted_and_checks_its_input():
    w = NeighbourExplorer(VECTORS, WORDS)
    assert list(w.controls["word"].options) == sorted(WORDS)
    with pytest.raises(ValueError, match=r"\(8, D\)"):
        NeighbourExplorer(VECTORS[:3], WORDS)
    with pytest.raises(ValueError, match="'horse' is not one of the words"):
        NeighbourExplorer(VECTORS, WORDS, word="horse")
