"""Lesson 07's figures, tables and widget: costs by formula, accuracy bars, learned vectors, score tables."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.colors import to_hex

from lookup_lib.lessons.kit.style import CHANGED, NEUTRAL, OUTPUT, to_png
from lookup_lib.lessons.kit.tables import format_bytes
from lookup_lib.lessons.l07_one_hot_vs_embedding.experiments import Evaluation
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import (
    GROUP_COLORS,
    cost_table,
    model_costs,
    pca_2d,
    plot_accuracy_by_frequency,
    plot_category_scores,
    plot_learned_vectors,
    plot_model_costs,
    text_table,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.widget import ChoiceExplorer


# -- costs ---------------------------------------------------------------------------------------------------
def test_input_bytes_are_those_of_the_real_tensors():
    cost = model_costs(num_items=300, dim=4, num_outputs=5, batch=7)
    hot = F.one_hot(torch.arange(7), 300).float()  # (7, 300): the batch the one-hot model reads
    assert cost.onehot_input_bytes == hot.nelement() * hot.element_size()
    assert cost.index_input_bytes == 7 * np.dtype(np.int64).itemsize


def test_embedding_has_fewer_parameters_only_when_d_is_below_c():
    assert model_costs(10_000, 8, 16, 1).embedding_params < model_costs(10_000, 8, 16, 1).onehot_params
    assert model_costs(10_000, 32, 16, 1).embedding_params > model_costs(10_000, 32, 16, 1).onehot_params


@pytest.mark.parametrize("bad", [{"num_items": 0}, {"dim": -1}, {"batch": 2.5}])
def test_model_costs_rejects_sizes_that_are_not_positive_integers(bad):
    sizes = {"num_items": 10, "dim": 2, "num_outputs": 3, "batch": 4} | bad
    with pytest.raises(ValueError, match=next(iter(bad))):
        model_costs(**sizes)


def test_cost_table_has_one_aligned_line_per_n_with_the_formulas():
    ns = [10, 1_000, 1_000_000]
    lines = cost_table(ns, dim=2, num_outputs=16, batch=500).splitlines()
    assert len(lines) == 1 + len(ns)
    assert len({len(line) for line in lines}) == 1
    for line, n in zip(lines[1:], ns, strict=True):
        c = model_costs(n, 2, 16, 500)
        assert line.split()[:2] == [f"{n:,}", f"{c.onehot_params:,}"]
        assert f"{c.embedding_params:,}" in line.split()
        assert line.endswith(format_bytes(c.index_input_bytes)) and format_bytes(c.onehot_input_bytes) in line


def test_text_table_right_aligns_every_column():
    text = text_table(["a", "bb"], [["123", "4"], ["5", "67890"]])
    assert text.splitlines() == ["  a     bb", "123      4", "  5  67890"]


def test_plot_model_costs_draws_the_formulas_and_marks_n():
    fig = plot_model_costs(num_items=5_000, dim=8, num_outputs=16, batch=64, grid=[10, 100, 10**6])
    params, inputs = fig.axes
    expected = {n: model_costs(n, 8, 16, 64) for n in (10, 100, 5_000, 10**6)}
    lines = {(ax.get_label(), line.get_gid()): line for ax in fig.axes for line in ax.get_lines() if line.get_gid()}
    np.testing.assert_array_equal(lines["params", "onehot"].get_xdata(), sorted(expected))
    np.testing.assert_array_equal(lines["params", "embedding"].get_ydata(),
                                  [expected[n].embedding_params for n in sorted(expected)])
    np.testing.assert_array_equal(lines["input", "onehot"].get_ydata(),
                                  [expected[n].onehot_input_bytes for n in sorted(expected)])
    assert lines["input", "here:embedding"].get_xydata().tolist() == [[5_000, 64 * 8]]
    assert f"{expected[5_000].onehot_params:,}" in params.get_title()
    assert format_bytes(expected[5_000].onehot_input_bytes) in inputs.get_title()


# -- accuracy bars -------------------------------------------------------------------------------------------
COUNTS = (0, 0, 1, 2, 4, 7, 30, 30)  # two products in each of the four buckets


def evaluation(seed: int, counts=COUNTS) -> Evaluation:
    counts = np.asarray(counts)
    correct = np.random.default_rng(seed).random((len(counts), 16)) < 0.7
    return Evaluation(correct, counts, np.zeros_like(correct))


def test_accuracy_bars_have_the_height_of_each_bucket_accuracy():
    evaluations = {"one-hot": evaluation(0), "embedding": evaluation(1)}
    ax = plot_accuracy_by_frequency(evaluations).axes[0]
    bars = {patch.get_gid(): patch.get_height() for patch in ax.patches if patch.get_gid()}
    assert len(bars) == 2 * 4
    for name, e in evaluations.items():
        for b, accuracy in enumerate(e.bucket_accuracy()):
            assert bars[f"bar:{name}:{b}"] == pytest.approx(100 * accuracy)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "never\n(2 products)" and labels[3] == "10+\n(2 products)"


def test_an_empty_bucket_is_drawn_as_no_bar():
    e = evaluation(0, counts=np.array([1, 1, 2, 2, 2, 50, 50, 50]))  # nobody in "never" or "3–9"
    ax = plot_accuracy_by_frequency({"m": e}).axes[0]
    heights = {patch.get_gid(): patch.get_height() for patch in ax.patches if patch.get_gid()}
    assert heights["bar:m:0"] == 0 and heights["bar:m:2"] == 0 and heights["bar:m:1"] > 0
    assert to_png(ax.figure).startswith(b"\x89PNG")


# -- learned vectors -----------------------------------------------------------------------------------------
def points(fig) -> dict[str, np.ndarray]:
    return {c.get_gid(): np.asarray(c.get_offsets()) for ax in fig.axes for c in ax.collections if c.get_gid()}


def test_learned_vectors_places_each_row_in_its_panel_with_its_group_colour():
    rng = np.random.default_rng(0)
    vectors, group, counts = rng.normal(size=(40, 2)), np.arange(40) % 4, np.arange(40) % 6
    fig = plot_learned_vectors(vectors, group, counts)
    drawn = points(fig)
    panels = [(counts == 0), (counts >= 1) & (counts <= 2), counts >= 3]
    for p, inside in enumerate(panels):
        for k in range(4):
            np.testing.assert_array_equal(drawn[f"points:{p}:{k}"], vectors[inside & (group == k)])
    collection = next(c for c in fig.axes[0].collections if c.get_gid() == "points:0:2")
    assert to_hex(collection.get_facecolor()[0], keep_alpha=False) == to_hex(GROUP_COLORS[2])
    assert len(fig.axes) == 3 and fig.axes[0].get_xlim() == fig.axes[2].get_xlim()


def test_learned_vectors_of_more_than_two_dimensions_are_drawn_by_pca():
    rng = np.random.default_rng(1)
    vectors, group, counts = rng.normal(size=(30, 5)), np.arange(30) % 3, np.full(30, 4)
    drawn = points(plot_learned_vectors(vectors, group, counts, panels=[(0, None)]))
    projected = pca_2d(vectors)
    for k in range(3):
        np.testing.assert_allclose(drawn[f"points:0:{k}"], projected[group == k])


def test_learned_vectors_rejects_mismatched_inputs_and_too_many_groups():
    with pytest.raises(ValueError, match=r"\(5,\)"):
        plot_learned_vectors(np.zeros((4, 2)), np.zeros(5, int), np.zeros(4, int))
    with pytest.raises(ValueError, match="at most 10 groups"):
        plot_learned_vectors(np.zeros((11, 2)), np.arange(11), np.zeros(11, int))


def test_pca_2d_keeps_the_two_directions_of_largest_variance():
    rng = np.random.default_rng(2)
    # 3-D points spread 10 along z, 3 along x, 0.1 along y: the projection keeps z first, then x.
    x = rng.normal(size=(200, 3)) * [3.0, 0.1, 10.0]
    projected = pca_2d(x)
    assert projected.shape == (200, 2)
    np.testing.assert_allclose(projected.mean(axis=0), 0, atol=1e-12)
    variances = projected.var(axis=0)
    assert variances[0] > variances[1] > x[:, 1].var()
    np.testing.assert_allclose(np.abs(np.corrcoef(projected[:, 0], x[:, 2])[0, 1]), 1, atol=1e-3)


def test_pca_2d_of_2d_rows_only_rotates_them_and_1d_rows_get_a_zero_column():
    x = np.random.default_rng(3).normal(size=(20, 2))
    projected = pca_2d(x)
    centred = x - x.mean(axis=0)
    np.testing.assert_allclose(np.linalg.norm(projected, axis=1), np.linalg.norm(centred, axis=1))
    np.testing.assert_array_equal(pca_2d(x[:, :1])[:, 1], 0)


@pytest.mark.parametrize("seed", range(5))
def test_pca_2d_directions_have_their_largest_loading_positive(seed):
    x = np.random.default_rng(seed).normal(size=(50, 4)) * [0.5, 5, 2, 1]
    centred = x - x.mean(axis=0)
    directions, *_ = np.linalg.lstsq(centred, pca_2d(x), rcond=None)  # (4, 2): projection = centred @ directions
    for column in directions.T:
        assert column[np.abs(column).argmax()] > 0
    np.testing.assert_allclose(np.linalg.norm(directions, axis=0), 1, rtol=1e-9)


# -- score tables --------------------------------------------------------------------------------------------
def test_category_scores_colour_cells_by_the_rule_and_frame_wrong_signs():
    truth = np.array([[True, False, True], [False, False, True]])
    scores = np.array([[1.5, -0.5, -0.2], [0.3, -2.0, 0.9]])  # (0, 2) and (1, 0) have the wrong sign
    ax = plot_category_scores(scores, truth).axes[0]
    cells = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    for i in range(2):
        for c in range(3):
            assert to_hex(cells[f"cell:{i},{c}"].get_facecolor()) == (OUTPUT if truth[i, c] else NEUTRAL)
    wrong = sorted(gid for gid in cells if gid.startswith("wrong:"))
    assert wrong == ["wrong:0,2", "wrong:1,0"]
    assert to_hex(cells["wrong:0,2"].get_edgecolor()) == CHANGED
    assert {"+1.5", "-2.0", "+0.9"} <= {t.get_text() for t in ax.texts}


def test_category_scores_needs_matching_shapes():
    with pytest.raises(ValueError, match="same shape"):
        plot_category_scores(np.zeros((2, 3)), np.zeros((3, 2), bool))


# -- widget --------------------------------------------------------------------------------------------------
def test_explorer_draws_at_once_and_describes_itself():
    w = ChoiceExplorer()
    assert w.png.startswith(b"\x89PNG") and w.image.value == w.png
    assert w._repr_mimebundle_()["text/plain"] == "ChoiceExplorer(num_items=1000, dim=2)"
    assert w.cost == model_costs(1000, 2, 16, 500)


@pytest.mark.parametrize(("control", "value"), [("num_items", 1_000_000), ("dim", 64)])
def test_explorer_redraws_with_the_new_costs_when_a_control_moves(control, value):
    w = ChoiceExplorer(num_items=1_000, dim=2, num_outputs=8, batch=32)
    before = w.png
    w.controls[control].value = value
    values = w.values()
    assert w.png != before and w.image.value == w.png
    assert w.cost == model_costs(values["num_items"], values["dim"], 8, 32)


def test_explorer_rejects_values_its_sliders_do_not_offer():
    with pytest.raises(ValueError, match="num_items"):
        ChoiceExplorer(num_items=1234)
    with pytest.raises(ValueError, match="dim"):
        ChoiceExplorer(dim=3)
