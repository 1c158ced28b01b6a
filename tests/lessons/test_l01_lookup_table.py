"""Lesson 01's figure and widget: the lookup drawn as indices → highlighted rows → output rows.

The tests read what is drawn (coloured cells, cell texts, arrow end points) and compare it
with ``lookup_lib.embedding``, so a figure that shows the wrong rows fails.
"""

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.patches import ConnectionPatch, Rectangle

from lookup_lib import Embedding, embedding
from lookup_lib.lessons.kit.indices import parse_indices
from lookup_lib.lessons.kit.style import HIGHLIGHT, OUTPUT, png_size, to_png
from lookup_lib.lessons.l01_lookup_table.figures import (
    CELL,
    MAX_SHOWN,
    MAX_TABLE_ROWS,
    draw_learned_embedding,
    draw_lookup,
    draw_lookup_error,
)
from lookup_lib.lessons.l01_lookup_table.helpers import group_distances, look_up
from lookup_lib.lessons.l01_lookup_table.widget import LookupExplorer

WEIGHT = Embedding(5, 3, rng=0).weight
SEED_INDICES = np.array([[0, 2, 0, 1], [1, 3, 4, 4]])


def panel(fig, label):
    (ax,) = [ax for ax in fig.axes if ax.get_label() == label]
    return ax


def rows_filled_with(ax, colour):
    """Row numbers of the cells drawn in ``colour``."""
    return {int(p.get_y()) for p in ax.patches if isinstance(p, Rectangle) and p.get_facecolor() == to_rgba(colour)}


def cell_texts(ax):
    """{(row, column): text} of the numbers written inside the cells (labels sit left of x = 0)."""
    return {
        (int(t.get_position()[1] - 0.5), int(t.get_position()[0] - 0.5)): t.get_text()
        for t in ax.texts
        if t.get_position()[0] > 0 and t.get_position()[1] % 1 == 0.5 and "more rows" not in t.get_text()
    }


def arrows(fig):
    return {a.get_gid(): a for a in fig.artists if isinstance(a, ConnectionPatch)}


def positions(indices):
    return list(np.ndindex(*np.shape(indices)))


INDEX_CASES = [SEED_INDICES, np.array([4, 4, 4]), np.array(3), np.array([[[0, 1], [2, 3]], [[4, 0], [1, 1]]])]


@pytest.mark.parametrize("indices", INDEX_CASES, ids=["seed 2x4", "repeats", "0-d", "3-d"])
def test_exactly_the_looked_up_rows_are_highlighted(indices):
    fig = draw_lookup(indices, WEIGHT)
    assert rows_filled_with(panel(fig, "table"), HIGHLIGHT) == set(np.unique(indices).tolist())


@pytest.mark.parametrize("indices", INDEX_CASES, ids=["seed 2x4", "repeats", "0-d", "3-d"])
def test_output_panel_shows_lookup_lib_embedding_row_by_row(indices):
    fig = draw_lookup(indices, WEIGHT)
    expected = embedding(indices, WEIGHT).reshape(-1, WEIGHT.shape[1])
    drawn = cell_texts(panel(fig, "output"))
    assert drawn == {(k, c): f"{expected[k, c]:.2f}" for k in range(expected.shape[0]) for c in range(3)}
    assert rows_filled_with(panel(fig, "output"), OUTPUT) == set(range(expected.shape[0]))


def test_index_panel_lists_the_indices_in_c_order():
    fig = draw_lookup(SEED_INDICES, WEIGHT)
    drawn = cell_texts(panel(fig, "indices"))
    assert drawn == {(k, 0): str(i) for k, i in enumerate(SEED_INDICES.reshape(-1))}


@pytest.mark.parametrize("indices", INDEX_CASES, ids=["seed 2x4", "repeats", "0-d", "3-d"])
def test_each_index_has_an_arrow_to_its_row_and_one_from_that_row_to_its_output_row(indices):
    fig = draw_lookup(indices, WEIGHT)
    table, out = panel(fig, "table"), panel(fig, "output")
    links = arrows(fig)
    assert len(links) == 2 * np.size(indices)
    for k, pos in enumerate(positions(indices)):
        row = int(np.asarray(indices)[pos])
        to_row, to_output = links[f"index{pos}->row{row}"], links[f"row{row}->output{pos}"]
        assert to_row.xy2[1] == row + 0.5 and to_row.coords2 is table.transData
        assert to_output.xy1[1] == row + 0.5 and to_output.xy2[1] == k + 0.5 and to_output.coords2 is out.transData


def test_panel_titles_give_the_shapes_torch_would_print():
    fig = draw_lookup(SEED_INDICES, WEIGHT)
    titles = [panel(fig, name).get_title() for name in ("indices", "table", "output")]
    assert titles == ["indices (2, 4)", "weight (5, 3)", "output (2, 4, 3)"]


def test_every_panel_uses_the_same_cell_size():
    fig = draw_lookup(SEED_INDICES, np.zeros((7, 4)))
    fig_w, fig_h = fig.get_size_inches()
    for ax in fig.axes:
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        box = ax.get_position()
        assert box.width * fig_w / (x1 - x0) == pytest.approx(CELL)
        assert box.height * fig_h / (y0 - y1) == pytest.approx(CELL)


def test_look_up_checks_once_and_returns_the_checked_arrays_with_the_output():
    found = look_up([[0, 2], [4, 4]], WEIGHT)
    assert isinstance(found.indices, np.ndarray) and found.indices.dtype.kind == "i"
    assert found.indices.tolist() == [[0, 2], [4, 4]] and found.weight.shape == (5, 3)
    np.testing.assert_array_equal(found.output, embedding([[0, 2], [4, 4]], WEIGHT))
    with pytest.raises(IndexError, match=r"index 5 at position \(0, 1\)"):
        look_up([[0, 5]], WEIGHT)
    with pytest.raises(TypeError, match="must be integers"):
        look_up([0.0], WEIGHT)


def test_helpers_compute_without_drawing():
    """A helper never imports matplotlib: the figures draw, the helpers compute."""
    import lookup_lib.lessons.l01_lookup_table.helpers as helpers

    tree = ast.parse(Path(helpers.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and not any(name.split(".")[0] in ("matplotlib", "ipywidgets") for name in imported)


def test_bad_indices_raise_what_lookup_lib_raises():
    with pytest.raises(IndexError, match=r"index 5 at position \(1,\).*0 to 4"):
        draw_lookup([0, 5], WEIGHT)
    with pytest.raises(IndexError, match="negative indices do not wrap around"):
        draw_lookup([-1], WEIGHT)
    with pytest.raises(TypeError, match="must be integers"):
        draw_lookup([1.0], WEIGHT)


def test_long_index_lists_draw_the_first_ones_and_say_how_many_more():
    indices = np.arange(MAX_SHOWN + 5) % 5
    fig = draw_lookup(indices, WEIGHT)
    assert len(arrows(fig)) == 2 * MAX_SHOWN
    assert any("5 more rows" in t.get_text() for t in panel(fig, "output").texts)


def test_a_row_past_the_drawn_part_of_a_long_table_gets_an_arrow_to_the_ellipsis():
    table = np.arange(2.0 * (MAX_TABLE_ROWS + 3)).reshape(-1, 2)
    fig = draw_lookup([MAX_TABLE_ROWS + 1], table)
    link = arrows(fig)[f"index(0,)->row{MAX_TABLE_ROWS + 1}"]
    assert link.xy2[1] == MAX_TABLE_ROWS + 0.5
    assert cell_texts(panel(fig, "output")) == {(0, 0): "26.00", (0, 1): "27.00"}


def test_words_label_the_indices_and_the_vocabulary_labels_the_rows():
    vocab = ["cat", "mat", "on", "sat", "the"]
    words = "the cat sat on the mat".split()
    fig = draw_lookup([vocab.index(w) for w in words], WEIGHT, labels=words, vocab=vocab, title="words")
    index_labels = [t.get_text() for t in panel(fig, "indices").texts if t.get_position()[0] < 0]
    row_labels = [t.get_text() for t in panel(fig, "table").texts if t.get_position()[0] < 0]
    assert index_labels == words and row_labels == [f"{r} {w}" for r, w in enumerate(vocab)]
    assert fig.get_suptitle() == "words"
    with pytest.raises(ValueError, match="one name per index"):
        draw_lookup([0, 1], WEIGHT, labels=["cat"])
    with pytest.raises(ValueError, match="one name per table row"):
        draw_lookup([0, 1], WEIGHT, vocab=["cat"])


def test_torch_tensors_give_the_same_picture_as_numpy_arrays():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    emb = torch.nn.Embedding(5, 3)
    idx = torch.tensor(SEED_INDICES)
    fig = draw_lookup(idx, emb.weight)
    expected = emb(idx).detach().numpy().reshape(-1, 3)
    drawn = cell_texts(panel(fig, "output"))
    assert drawn == {(k, c): f"{expected[k, c]:.2f}" for k in range(8) for c in range(3)}
    assert to_png(fig) == to_png(draw_lookup(SEED_INDICES, emb.weight.detach().numpy()))


def test_error_figure_shows_the_message_and_highlights_nothing():
    fig = draw_lookup_error(WEIGHT, "index 7 is out of range")
    assert [t.get_text() for t in panel(fig, "message").texts] == ["index 7 is out of range"]
    assert rows_filled_with(panel(fig, "table"), HIGHLIGHT) == set()
    assert to_png(fig).startswith(b"\x89PNG")


# --- parsing the text box --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0, 2, 0, 1", [0, 2, 0, 1]),
        ("  4 0\t-1 ", [4, 0, -1]),
        ("0, 2, 0, 1; 1, 3, 4, 4", SEED_INDICES.tolist()),
        ("[[0, 2], [1, 3]]", [[0, 2], [1, 3]]),
        ("[[[1]]]", [[[1]]]),
        ("[]", []),
    ],
)
def test_parse_indices_reads_commas_semicolons_and_python_lists(text, expected):
    parsed = parse_indices(text)
    assert parsed.dtype == np.int64 and parsed.tolist() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type some indices"),
        ("abc", "could not read 'abc'"),
        ("1.5", "not a whole number"),
        ("[1.0, 2.0]", "not floats"),
        ("0, 1; 2", "same number of indices.*2, 1"),
        ("[[0], [1, 2]]", "same number of indices"),
        ("99999999999999999999", "too large"),
        ("[0, 1", "could not read"),
    ],
)
def test_parse_indices_explains_what_it_cannot_read(text, message):
    with pytest.raises(ValueError, match=message):
        parse_indices(text)


# --- the widget ------------------------------------------------------------------------------


def test_widget_first_render_is_the_seed_lookup():
    w = LookupExplorer(WEIGHT)
    assert w.controls["indices"].value == "0, 2, 0, 1; 1, 3, 4, 4"
    np.testing.assert_array_equal(w.output, embedding(SEED_INDICES, WEIGHT))
    assert w.message == "" and w.caption.value == "indices (2, 4) → output (2, 4, 3)"
    assert w.png == to_png(draw_lookup(SEED_INDICES, WEIGHT))


def test_widget_redraws_when_the_text_changes():
    w = LookupExplorer(WEIGHT)
    before = w.png
    w.controls["indices"].value = "3, 3"
    assert w.png != before and w.image.value == w.png
    assert w.png == to_png(draw_lookup([3, 3], WEIGHT))
    np.testing.assert_array_equal(w.output, WEIGHT[[3, 3]])
    assert w.caption.value == "indices (2,) → output (2, 3)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "type some indices"),
        ("cat", "could not read 'cat'"),
        ("1.5", "not a whole number"),
        ("0, 7", r"index 7 at position \(1,\).*valid indices are 0 to 4"),
        ("-1", "negative indices do not wrap around"),
        ("0, 1; 2", "same number of indices"),
        ("[[0], [1, 2]]", "same number of indices"),
        ("[True]", "whole numbers"),
        ("99999999999999999999", "too large"),
    ],
)
def test_widget_shows_a_message_instead_of_raising(text, message):
    w = LookupExplorer(WEIGHT)
    before = w.png
    w.controls["indices"].value = text  # must not raise
    assert w.output is None and w.png != before
    assert re.search(message, w.message)
    assert "cannot look up" in w.caption.value
    fig = w.draw(indices=text)
    assert [" ".join(t.get_text().split()) for t in panel(fig, "message").texts] == [" ".join(w.message.split())]


def test_widget_recovers_after_bad_text():
    w = LookupExplorer(WEIGHT)
    w.controls["indices"].value = "oops"
    w.controls["indices"].value = "4"
    assert w.message == "" and w.output.tolist() == [WEIGHT[4].tolist()]


def test_widget_keeps_its_own_copy_of_the_table():
    table = np.array(WEIGHT)
    w = LookupExplorer(table, indices="0")
    table[0] = 100.0
    w.controls["indices"].value = "0, 0"
    np.testing.assert_array_equal(w.output, WEIGHT[[0, 0]])


def test_widget_plain_text_and_static_png():
    w = LookupExplorer(indices="1, 2")
    bundle = w._repr_mimebundle_()
    assert bundle["text/plain"] == "LookupExplorer(indices='1, 2')"
    assert "image/png" in bundle
    np.testing.assert_array_equal(w.output, Embedding(5, 3, rng=0).weight[[1, 2]])


# The "why" of the lesson: a trained 2-D table, drawn before and after.

TOY_GROUPS = np.array([0, 0, 1, 1])
TOY_NAMES = ["a", "b", "c", "d"]
TOY_BEFORE = np.array([[0.0, 0.0], [3.0, 1.0], [0.5, 0.0], [2.0, 2.0]])
TOY_AFTER = np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 0.0], [3.0, 1.0]])


def test_group_distances_average_the_pairs_within_and_between_groups():
    within, between = group_distances(TOY_AFTER, TOY_GROUPS)
    assert within == pytest.approx(1.0)  # a-b and c-d are 1 apart
    assert between == pytest.approx((3 + np.sqrt(10) + np.sqrt(10) + 3) / 4)


def test_one_hot_vectors_are_all_equally_far_apart():
    within, between = group_distances(np.eye(4), TOY_GROUPS)
    assert within == pytest.approx(np.sqrt(2)) and between == pytest.approx(np.sqrt(2))


@pytest.mark.parametrize("vectors, groups", [(np.zeros((3, 2)), [0, 1]), (np.zeros((2, 2)), [0, 1]),
                                             (np.zeros((2, 2)), [0, 0])])
def test_group_distances_need_one_group_per_vector_two_groups_and_a_pair(vectors, groups):
    with pytest.raises(ValueError):
        group_distances(vectors, groups)


def test_learned_embedding_figure_puts_one_point_per_item_where_its_row_is():
    fig = draw_learned_embedding(TOY_BEFORE, TOY_AFTER, TOY_GROUPS, TOY_NAMES)
    for label, table in (("before", TOY_BEFORE), ("after", TOY_AFTER)):
        ax = panel(fig, label)
        points = np.concatenate([c.get_offsets() for c in ax.collections])
        assert sorted(map(tuple, points)) == sorted(map(tuple, table))
        assert sorted(t.get_text() for t in ax.texts) == sorted(TOY_NAMES)


def test_learned_embedding_figure_colours_each_group_once_and_titles_give_the_distances():
    fig = draw_learned_embedding(TOY_BEFORE, TOY_AFTER, TOY_GROUPS, TOY_NAMES, group_names=["x", "y"])
    ax = panel(fig, "after")
    colours = [to_rgba(c.get_facecolor()[0]) for c in ax.collections]
    assert len(ax.collections) == 2 and colours[0] != colours[1]
    within, between = group_distances(TOY_AFTER, TOY_GROUPS)
    assert f"same group {within:.2f}, other groups {between:.2f}" in ax.get_title()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "y"]
    assert to_png(fig)[:4] == b"\x89PNG"


def test_learned_embedding_figure_refuses_mismatched_inputs():
    with pytest.raises(ValueError, match="names"):
        draw_learned_embedding(TOY_BEFORE, TOY_AFTER, TOY_GROUPS, TOY_NAMES[:3])
    with pytest.raises(ValueError, match="groups must be"):
        draw_learned_embedding(TOY_BEFORE, TOY_AFTER, [0, 0, 9, 9], TOY_NAMES)


# --- the Chinese edition (LOOKUP_LIB_LANGUAGE=zh) -------------------------------------------------------------

HANGING = "，。、：；？！）」”"  # Chinese punctuation that never begins a line


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")


def test_in_chinese_the_lookup_figure_labels_its_rows_in_chinese_and_keeps_the_code_names(chinese):
    fig = draw_lookup(SEED_INDICES, WEIGHT)
    labels = [t.get_text() for t in panel(fig, "table").texts if t.get_position()[0] < 0]
    assert labels == [f"第 {r} 行" for r in range(5)]
    assert panel(fig, "table").get_title() == "weight (5, 3)"  # the tensors' names are code: kept
    assert png_size(to_png(fig))[0] <= 860


def test_in_chinese_row_labels_get_the_room_of_their_wide_characters(chinese):
    from lookup_lib.lessons.l01_lookup_table.figures import _label_room

    assert _label_room(["第 10 行"]) > _label_room(["row 10"]) == _label_room(["row 1"])  # English as before
    fig = draw_lookup(np.arange(12), np.zeros((12, 2)))
    ax = panel(fig, "table")
    assert -ax.get_xlim()[0] >= _label_room(["第 11 行"])


def test_in_chinese_the_learned_embedding_titles_say_the_same_distances(chinese):
    fig = draw_learned_embedding(TOY_BEFORE, TOY_AFTER, TOY_GROUPS, TOY_NAMES)
    within, between = group_distances(TOY_AFTER, TOY_GROUPS)
    assert panel(fig, "after").get_title() == f"训练后\n平均距离：同组 {within:.2f}，不同组 {between:.2f}"
    assert panel(fig, "before").get_title().startswith("训练前\n")
    assert [c.get_label() for c in panel(fig, "after").collections] == ["第 0 组", "第 1 组"]


def test_in_chinese_the_widget_explains_bad_text_in_chinese_in_lines_that_fit(chinese):
    from lookup_lib.lessons.l01_lookup_table.figures import _width

    w = LookupExplorer(WEIGHT, indices="0, cat")
    assert w.controls["indices"].description == "索引"
    assert w.caption.value.startswith("<b>无法查找：</b>无法把 'cat' 读作索引")
    (text,) = panel(w.draw("0, cat"), "message").texts
    lines = text.get_text().split("\n")
    assert len(lines) > 1 and all(_width(line.rstrip(HANGING)) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "") == w.message.replace(" ", "")  # nothing lost, only broken into lines


def test_wrap_keeps_english_as_textwrap_fills_it_and_breaks_chinese_by_width():
    import textwrap

    from lookup_lib.lessons.l01_lookup_table.figures import _width, _wrap

    english = "index 5 at position (1, 0) is out of range for a table of 5 rows; valid indices are 0 to 4"
    assert _wrap(english, 40) == textwrap.fill(english, 40, break_on_hyphens=False)
    chinese = "每一行的索引个数必须相同（张量是矩形的）；这里是 4, 3, 2"
    lines = _wrap(chinese, 20).split("\n")
    # a closing punctuation mark may hang past the width: it never begins a line
    assert all(_width(line.rstrip(HANGING)) <= 20 for line in lines), lines
    assert "".join(lines).replace(" ", "") == chinese.replace(" ", "")
    assert len(lines) > 1 and not any(line.startswith(tuple(HANGING)) for line in lines)
