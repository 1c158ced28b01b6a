"""Lesson 02: the lookup as one-hot × matrix (helpers, figures, widget), and what it costs (cost.py).

The measurement tests run ``measure_lookup_vs_onehot`` in torch, side by side, on tiny tables.
"""

import ast
import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib.colors import to_hex

from lookup_lib.core import embedding, embedding_backward, one_hot_matmul
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, OUTPUT, png_size, to_png
from lookup_lib.lessons.kit.tables import format_bytes, format_seconds
from lookup_lib.lessons.l02_one_hot_matmul.cost import (
    CostRecord,
    lookup_bytes,
    measure_lookup_alone_and_after_product,
    measure_lookup_vs_onehot,
    multiply_adds,
    onehot_bytes,
)
from lookup_lib.lessons.l02_one_hot_matmul.figures import (
    MAX_INDICES,
    MAX_VOCAB,
    OneHotMatmulPicture,
    draw_onehot_gradient,
    draw_onehot_matmul,
    plot_lookup_cost,
)
from lookup_lib.lessons.l02_one_hot_matmul.helpers import onehot_gradient, onehot_product, small_example
from lookup_lib.lessons.l02_one_hot_matmul.widget import OneHotViews

SANITIZE = Path(__file__).parents[1] / "nbval_sanitize.cfg"

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


# ---- the helpers: the one check, and what the figures show ----

@pytest.mark.parametrize("idx, num_rows, error, match", [
    ([0, 6], 6, IndexError, r"index 6 at position \(1,\)"),
    ([[0], [-1]], 6, IndexError, "negative indices do not wrap around"),
    ([0.0], 6, TypeError, "integers"),
    ([0], MAX_VOCAB + 1, ValueError, "a table of 1 to"),
    ([0], 0, ValueError, "a table of 1 to"),
    ([], 6, ValueError, "1 to 8 indices"),
    (list(range(MAX_INDICES + 1)), MAX_VOCAB, ValueError, "1 to 8 indices"),
])
def test_small_example_refuses_what_a_picture_cannot_show(idx, num_rows, error, match):
    with pytest.raises(error, match=match):
        small_example(idx, num_rows)


def test_small_example_returns_the_indices_as_an_integer_array_of_their_shape():
    idx = small_example(torch.tensor([[3, 0], [5, 5]]), 6)
    assert isinstance(idx, np.ndarray) and idx.dtype.kind == "i" and idx.tolist() == [[3, 0], [5, 5]]


def test_onehot_product_is_the_one_hot_matrix_and_one_hot_matmul():
    idx = np.array([[3, 0], [5, 3]])
    hot, out = onehot_product(idx, WEIGHT)
    assert hot.shape == (4, 6) and hot.dtype == WEIGHT.dtype
    np.testing.assert_array_equal(hot.argmax(axis=1), idx.ravel())
    assert hot.sum() == 4
    np.testing.assert_array_equal(out, one_hot_matmul(idx, WEIGHT))
    np.testing.assert_array_equal(out, embedding(idx, WEIGHT))


def test_onehot_gradient_is_the_transposed_product_and_the_scatter_add():
    idx = np.array([3, 0, 3])
    grad = np.array([[1, 1, 1], [10, 10, 10], [100, 100, 100]], dtype=np.float32)
    hot_t, rows, grad_w = onehot_gradient(idx, torch.from_numpy(grad), 6)
    assert hot_t.shape == (6, 3) and rows.shape == (3, 3)
    np.testing.assert_array_equal(hot_t @ rows, grad_w)
    np.testing.assert_array_equal(grad_w, embedding_backward(grad, idx, 6))
    assert grad_w[3].tolist() == [101.0, 101.0, 101.0]


def test_helpers_compute_without_drawing():
    """A helper never imports matplotlib: the figures draw, the helpers compute."""
    import lookup_lib.lessons.l02_one_hot_matmul.helpers as helpers

    tree = ast.parse(Path(helpers.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and not any(name.split(".")[0] in ("matplotlib", "ipywidgets") for name in imported)


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


# ---- the measurement: cost.py ----

@pytest.fixture(scope="module")
def records():
    return measure_lookup_vs_onehot([50, 7, 300], dim=8, batch=5, repeats=2, seed=1)


def test_records_have_the_fields_the_benchmarks_read(records):
    names = [f.name for f in dataclasses.fields(CostRecord)]
    assert names == ["vocab_size", "batch", "dim", "lookup_seconds", "onehot_seconds", "lookup_bytes", "onehot_bytes"]
    assert all(isinstance(r, CostRecord) for r in records)


def test_one_record_per_vocabulary_size_in_the_order_given(records):
    assert [(r.vocab_size, r.batch, r.dim) for r in records] == [(50, 5, 8), (7, 5, 8), (300, 5, 8)]


def test_timings_are_positive_and_finite(records):
    for r in records:
        for seconds in (r.lookup_seconds, r.onehot_seconds, r.time_ratio):
            assert math.isfinite(seconds) and seconds > 0


def test_recorded_bytes_are_those_of_the_tensors_each_method_makes(records):
    for r in records:
        one_hot = np.zeros((r.batch, r.vocab_size), dtype=np.float32)
        output = np.zeros((r.batch, r.dim), dtype=np.float32)
        assert r.lookup_bytes == output.nbytes == lookup_bytes(r.batch, r.dim)
        assert r.onehot_bytes == one_hot.nbytes + output.nbytes == onehot_bytes(r.batch, r.vocab_size, r.dim)
        assert r.memory_ratio == pytest.approx((one_hot.nbytes + output.nbytes) / output.nbytes)


@pytest.mark.parametrize("itemsize, dtype", [(4, np.float32), (8, np.float64), (2, np.float16)])
def test_byte_formulas_follow_the_item_size(itemsize, dtype):
    batch, vocab, dim = 3, 11, 6
    assert lookup_bytes(batch, dim, itemsize) == np.zeros((batch, dim), dtype).nbytes
    assert onehot_bytes(batch, vocab, dim, itemsize) == np.zeros((batch, vocab + dim), dtype).nbytes


def test_multiply_adds_count_one_term_per_batch_row_vocab_row_and_column():
    batch, vocab, dim = 2, 3, 4
    terms = sum(1 for _b in range(batch) for _v in range(vocab) for _d in range(dim))
    assert multiply_adds(batch, vocab, dim) == terms
    assert multiply_adds(4, 5000, 128) == 4 * 5000 * 128  # the seed's example


def test_one_hot_product_grows_with_the_vocabulary_in_memory_but_the_lookup_does_not(records):
    by_v = sorted(records, key=lambda r: r.vocab_size)
    assert len({r.lookup_bytes for r in by_v}) == 1
    assert [r.onehot_bytes for r in by_v] == sorted({r.onehot_bytes for r in by_v})


def test_cpu_threads_is_set_back_afterwards():
    before = torch.get_num_threads()
    measure_lookup_vs_onehot([4], dim=2, batch=2, repeats=1, cpu_threads=1)
    assert torch.get_num_threads() == before


def test_same_seed_draws_the_same_problem():
    a = measure_lookup_vs_onehot([20], dim=4, batch=3, repeats=1, seed=5)[0]
    b = measure_lookup_vs_onehot([20], dim=4, batch=3, repeats=1, seed=5)[0]
    assert (a.lookup_bytes, a.onehot_bytes) == (b.lookup_bytes, b.onehot_bytes)


@pytest.mark.parametrize("kwargs, message", [
    ({"vocab_sizes": [10], "repeats": 0}, "repeats"),
    ({"vocab_sizes": [0]}, "vocabulary size"),
    ({"vocab_sizes": [2.5]}, "vocabulary size"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        measure_lookup_vs_onehot(**kwargs)


def _sanitize_rule(title_word: str) -> re.Pattern:
    """The regex of the nbval sanitize rule whose title starts with ``title_word``."""
    text = SANITIZE.read_text(encoding="utf-8")
    match = re.search(r"^\[" + title_word + r"[^\]]*\]\s*\nregex: (.+)$", text, flags=re.MULTILINE)
    assert match, f"no [{title_word}...] rule in {SANITIZE.name}"
    return re.compile(match.group(1))


@pytest.mark.parametrize("seconds", [3e-9, 1.23e-5, 4.5e-4, 0.0123, 0.5, 2.0, 75.0])
def test_printed_durations_are_masked_by_the_timing_rule(seconds):
    text = format_seconds(seconds)
    assert _sanitize_rule("timings").fullmatch(text), text


@pytest.mark.parametrize("n", [0, 512, 2048, 131_072, 102_400_000, 3_000_000_000])
def test_printed_sizes_are_not_mistaken_for_durations(n):
    text = format_bytes(n)
    assert not _sanitize_rule("timings").search(text), text
    assert text.split()[1] in {"B", "kB", "MB", "GB"}


# Why the lookup's measured time grows with V: the same lookup alone, and right after a product.


def test_lookup_alone_and_after_product_gives_two_positive_finite_medians():
    alone, after = measure_lookup_alone_and_after_product(64, dim=4, batch=8, repeats=3)
    assert all(math.isfinite(t) and t > 0 for t in (alone, after))


def test_lookup_alone_and_after_product_sets_the_cpu_threads_back():
    threads = torch.get_num_threads()
    measure_lookup_alone_and_after_product(16, dim=4, batch=4, repeats=1, cpu_threads=1)
    assert torch.get_num_threads() == threads


def test_lookup_alone_and_after_product_needs_a_timed_call():
    with pytest.raises(ValueError, match="repeats"):
        measure_lookup_alone_and_after_product(16, repeats=0)


# ---- the widget's speed: figures changed in place, at the size shown (issue 17) ----

# The notebook's widget: three indices into a (6, 3) table.
MAX_PNG_WIDTH = 860  # JupyterLab's output area is 868 px wide; a wider PNG is shrunk by the browser


@pytest.mark.parametrize("view", ["one-hot × matrix", "lookup"])
def test_a_view_changed_in_place_has_the_pixels_of_a_freshly_built_one(view):
    w = OneHotViews([3, 0, 5], WEIGHT, view=view)
    w.memo = False  # every change renders the kept figure, changed in place
    first = w.draw(**w.values())
    for name, value in [("i0", 1), ("i2", 1), ("i1", 4), ("i0", 5)]:
        w.controls[name].value = value
    assert w.draw(**w.values()) is first  # the same figure, not a new one
    fresh = OneHotViews([5, 4, 1], WEIGHT, view=view)
    assert w.png == fresh.png


def test_toggling_back_shows_the_indices_picked_in_the_other_view():
    w = OneHotViews([3, 0, 5], WEIGHT, view="lookup")
    w.memo = False
    w.controls["view"].value = "one-hot × matrix"
    w.controls["view"].value = "lookup"  # the lookup figure is kept, and changed for the new index
    w.controls["i1"].value = 2
    w.controls["view"].value = "one-hot × matrix"
    assert w.png == OneHotViews([3, 2, 5], WEIGHT).png


def test_picture_changed_in_place_lights_the_new_rows_and_moves_the_arrows():
    w = OneHotViews([3, 0, 5], WEIGHT)
    w.controls["i0"].value = 1
    fig = w.draw(**w.values())
    assert filled_rows(panel(fig, "weight"), HIGHLIGHT) == [0, 1, 5]
    assert lit_cells(panel(fig, "one_hot")) == [(0, 1), (1, 0), (2, 5)]
    assert gids(fig.artists, "pick:") == ["pick:0->row1", "pick:1->row0", "pick:2->row5"]
    np.testing.assert_allclose(numbers(panel(fig, "output")), WEIGHT[[1, 0, 5]].ravel(), atol=0.005)


@pytest.mark.parametrize("view", ["one-hot × matrix", "lookup"])
def test_widget_pictures_are_no_wider_than_the_output_area(view):
    w = OneHotViews([3, 0, 5], WEIGHT, view=view)
    width, _ = png_size(w.png)
    assert width <= MAX_PNG_WIDTH
    assert w.image.layout.width == f"{width}px"  # shown at its own size


def test_the_in_place_picture_keeps_the_shape_of_its_indices():
    picture = OneHotMatmulPicture([3, 0], WEIGHT)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        picture.update([3, 0, 1])


# ---- the Chinese edition (LOOKUP_LIB_LANGUAGE=zh): the same pictures, with their texts in Chinese ----

def test_in_chinese_the_figures_speak_chinese_and_keep_their_labels_and_numbers(monkeypatch):
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    fig = draw_onehot_matmul([3, 0, 5], WEIGHT)
    assert [panel(fig, name).get_title() for name in ("one_hot", "weight", "output")] == [
        "one_hot (3, 6)", "weight (6, 3)", "输出 (3, 3)"]
    assert "第 3 行" in {t.get_text() for t in panel(fig, "weight").texts}
    cost = plot_lookup_cost(fake_records())
    assert sorted(ax.get_label() for ax in cost.axes) == ["memory", "time"]  # what code finds them by
    time_panel = panel(cost, "time")
    assert [line.get_label() for line in time_panel.get_lines()] == ["查找", "独热编码 × 矩阵"]
    assert time_panel.get_title() == "时间（V = 10,000 处的比值）"  # the largest V of fake_records()
    (ratio,) = [t for t in time_panel.texts if t.get_gid() == "ratio"]
    assert ratio.get_text().endswith("更慢")


@pytest.mark.parametrize("view", ["one-hot × matrix", "lookup"])
def test_in_chinese_the_widget_shows_chinese_buttons_with_the_english_values(monkeypatch, view):
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    w = OneHotViews([3, 0, 5], WEIGHT, view=view)
    toggle = w.controls["view"]
    assert toggle.value == view and list(toggle._options_labels) == ["查找", "独热编码 × 矩阵"]
    assert toggle.description == "视图"
    width, _ = png_size(w.png)
    assert width <= MAX_PNG_WIDTH
    assert w.describe() == f"view={view!r}, indices=[3, 0, 5]"
