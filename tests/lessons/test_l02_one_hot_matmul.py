"""Lesson 02 figures and widget: the lookup as one-hot × matrix, its gradient, its cost."""

import numpy as np
import pytest
from matplotlib.colors import to_hex

from lookup_lib.core import embedding, embedding_backward
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, OUTPUT, to_png
from lookup_lib.lessons.l02_one_hot_matmul.cost import CostRecord, lookup_bytes, onehot_bytes
from lookup_lib.lessons.l02_one_hot_matmul.figures import (
    MAX_INDICES,
    MAX_VOCAB,
    draw_onehot_gradient,
    draw_onehot_matmul,
    plot_lookup_cost,
)
from lookup_lib.lessons.l02_one_hot_matmul.widget import OneHotViews

WEIGHT = np.arange(18, dtype=np.float32).reshape(6, 3) / 10 - 0.5  # (6, 3), every entry different


def panel(fig, label):
    (ax,) = [ax for ax in fig.axes if ax.get_label() == label]
    return ax


def gids(artists, prefix):
    return sorted(a.get_gid() for a in artists if (a.get_gid() or "").startswith(prefix))


def numbers(ax):
    """The numbers written in a drawn table's cells, in drawing order (labels around the table skipped)."""
    values = []
    for t in ax.texts:
        x, y = t.get_position()
        if x < 0 or y < 0:  # row labels sit left of the cells, column labels above them
            continue
        try:
            values.append(float(t.get_text()))
        except ValueError:
            pass
    return values


def lit_cells(ax):
    """(row, column) of each lit cell of a one-hot panel, read from where its patch is drawn."""
    return sorted((int(p.get_y()), int(p.get_x())) for p in ax.patches if (p.get_gid() or "").startswith("one:"))


def filled_rows(ax, color):
    """Rows of a drawn table whose cells have ``color`` (cell patches are 1 × 1 at integer corners)."""
    return sorted({int(p.get_y()) for p in ax.patches if to_hex(p.get_facecolor()) == to_hex(color)})


# ---- the forward product ----

def test_product_figure_has_three_panels_and_one_lit_one_per_index():
    idx = [3, 0, 5]
    fig = draw_onehot_matmul(idx, WEIGHT)
    assert {ax.get_label() for ax in fig.axes} == {"one_hot", "weight", "output"}
    assert gids(panel(fig, "one_hot").patches, "one:") == sorted(f"one:{n},{k}" for n, k in enumerate(idx))
    assert lit_cells(panel(fig, "one_hot")) == sorted(enumerate(idx))  # row n, column indices[n]
    assert gids(fig.artists, "pick:") == sorted(f"pick:{n}->row{k}" for n, k in enumerate(idx))
    assert to_png(fig).startswith(b"\x89PNG")


def test_product_figure_highlights_the_picked_rows_and_writes_the_lookup_as_output():
    idx = [4, 1, 4]
    fig = draw_onehot_matmul(idx, WEIGHT, fmt="{:.1f}")
    assert filled_rows(panel(fig, "weight"), HIGHLIGHT) == [1, 4]
    assert filled_rows(panel(fig, "output"), OUTPUT) == [0, 1, 2]
    expected = [float(f"{v:.1f}") for v in embedding(idx, WEIGHT).ravel()]
    assert numbers(panel(fig, "output")) == expected


def test_product_figure_one_hot_panel_holds_exactly_n_ones():
    fig = draw_onehot_matmul([2, 2, 0, 5], WEIGHT)
    values = numbers(panel(fig, "one_hot"))
    assert len(values) == 4 * 6 and values.count(1.0) == 4 and values.count(0.0) == 20


def test_titles_give_the_shapes_of_the_product():
    fig = draw_onehot_matmul([3, 0, 5], WEIGHT)
    titles = [panel(fig, name).get_title() for name in ("one_hot", "weight", "output")]
    assert titles == ["one_hot (3, 6)", "weight (6, 3)", "output (3, 3)"]


@pytest.mark.parametrize("idx, weight, error, match", [
    ([0, 6], WEIGHT, IndexError, "index 6"),
    ([0.0], WEIGHT, TypeError, "integers"),
    ([0], np.zeros((MAX_VOCAB + 1, 2)), ValueError, "small example"),
    (list(range(MAX_INDICES + 1)), np.zeros((MAX_VOCAB, 2)), ValueError, "small example"),
])
def test_product_figure_refuses_what_it_cannot_draw(idx, weight, error, match):
    with pytest.raises(error, match=match):
        draw_onehot_matmul(idx, weight)


# ---- the backward product ----

def test_gradient_figure_adds_up_repeated_indices():
    idx = [3, 0, 3]
    grad = np.array([[1, 1, 1], [10, 10, 10], [100, 100, 100]], dtype=np.float32)
    fig = draw_onehot_gradient(idx, grad, num_embeddings=6)
    assert {ax.get_label() for ax in fig.axes} == {"one_hot_T", "grad_output", "grad_weight"}
    expected = embedding_backward(grad, idx, 6)
    assert numbers(panel(fig, "grad_weight")) == expected.ravel().tolist()
    assert 101.0 in numbers(panel(fig, "grad_weight"))  # row 3 = 1 + 100
    assert filled_rows(panel(fig, "grad_weight"), CHANGED) == [0, 3]
    assert gids(panel(fig, "one_hot_T").patches, "one:") == ["one:0,1", "one:3,0", "one:3,2"]
    assert lit_cells(panel(fig, "one_hot_T")) == sorted((k, n) for n, k in enumerate(idx))  # transposed


def test_gradient_figure_checks_the_gradient_shape():
    with pytest.raises(ValueError, match="grad_output"):
        draw_onehot_gradient([1, 2], np.ones((3, 2)), num_embeddings=4)


# ---- the cost plot ----

def fake_records(vocab_sizes=(100, 1000, 10_000), batch=8, dim=4):
    return [
        CostRecord(v, batch, dim, lookup_seconds=1e-5, onehot_seconds=1e-8 * v,
                   lookup_bytes=lookup_bytes(batch, dim), onehot_bytes=onehot_bytes(batch, v, dim))
        for v in vocab_sizes
    ]


def test_cost_plot_has_log_axes_and_two_lines_per_panel():
    fig = plot_lookup_cost(fake_records())
    assert sorted(ax.get_label() for ax in fig.axes) == ["memory", "time"]
    for name in ("time", "memory"):
        ax = panel(fig, name)
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
        assert [line.get_label() for line in ax.get_lines()] == ["lookup", "one-hot × matrix"]
    assert to_png(fig).startswith(b"\x89PNG")


def test_cost_plot_draws_the_recorded_numbers_sorted_by_vocabulary():
    records = fake_records((10_000, 100, 1000))
    fig = plot_lookup_cost(records)
    lookup, onehot = panel(fig, "memory").get_lines()
    by_v = sorted(records, key=lambda r: r.vocab_size)
    assert list(lookup.get_xdata()) == [r.vocab_size for r in by_v]
    assert list(onehot.get_ydata()) == [r.onehot_bytes for r in by_v]


def test_cost_plot_annotates_the_ratio_at_the_largest_vocabulary():
    records = fake_records()
    fig = plot_lookup_cost(records)
    last = max(records, key=lambda r: r.vocab_size)
    for name, ratio in (("time", last.time_ratio), ("memory", last.memory_ratio)):
        (text,) = [t for t in panel(fig, name).texts if t.get_gid() == "ratio"]
        assert text.get_text().startswith(f"{ratio:,.0f}×")


def test_cost_plot_needs_records():
    with pytest.raises(ValueError, match="at least one"):
        plot_lookup_cost([])


# ---- the widget ----

def test_widget_starts_on_the_product_view_with_a_static_png():
    w = OneHotViews([3, 0, 5], WEIGHT)
    assert w.png.startswith(b"\x89PNG") and w.image.value == w.png
    assert w.describe() == "view='one-hot × matrix', indices=[3, 0, 5]"


def test_toggling_the_view_redraws_the_same_lookup_the_other_way():
    w = OneHotViews([3, 0, 5], WEIGHT)
    before = w.png
    w.controls["view"].value = "lookup"
    assert w.png != before
    labels = {ax.get_label() for ax in w.draw(**w.values()).axes}
    assert "indices" in labels and "one_hot" not in labels


def test_picking_an_index_changes_the_drawn_rows():
    w = OneHotViews([3, 0, 5], WEIGHT)
    before = w.png
    w.controls["i1"].value = 3
    assert w.png != before
    assert w.indices().tolist() == [3, 3, 5]
    fig = w.draw(**w.values())
    assert filled_rows(panel(fig, "weight"), HIGHLIGHT) == [3, 5]


@pytest.mark.parametrize("kwargs, error", [
    ({"indices": [[0, 1]], "weight": WEIGHT}, ValueError),
    ({"indices": [7], "weight": WEIGHT}, IndexError),
    ({"indices": [0], "weight": WEIGHT, "view": "matrix"}, ValueError),
    ({"indices": [0], "weight": np.zeros((MAX_VOCAB + 1, 2))}, ValueError),
])
def test_widget_refuses_bad_input(kwargs, error):
    with pytest.raises(error):
        OneHotViews(**kwargs)
