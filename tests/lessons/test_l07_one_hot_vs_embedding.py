"""Lesson 07: the shop tasks, the two models, training and scoring; costs by formula; figures, tables, widget."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.colors import to_hex

from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.style import CHANGED, NEUTRAL, OUTPUT, to_png
from lookup_lib.lessons.kit.tables import format_bytes, text_table
from lookup_lib.lessons.l07_one_hot_vs_embedding.costs import cost_table, model_costs
from lookup_lib.lessons.l07_one_hot_vs_embedding.experiments import (
    BUCKETS,
    ChoiceTask,
    EmbeddingModel,
    Evaluation,
    OneHotModel,
    accuracy_table,
    count_parameters,
    describe_product,
    evaluate,
    make_grouped_task,
    make_unrelated_task,
    predict,
    taste_rule,
    train,
    zipf_probabilities,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import (
    GROUP_COLORS,
    plot_accuracy_by_frequency,
    plot_category_scores,
    plot_learned_vectors,
    plot_model_costs,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.widget import ChoiceExplorer


def pca_2d(x):
    """The kit's pca, two components: what plot_learned_vectors draws for D >= 2."""
    return pca(x, 2)[0]


# -- the tasks -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("groups", "contexts"), [(8, 16), (4, 4), (12, 8)])
def test_taste_rule_every_customer_type_buys_from_half_the_groups(groups, contexts):
    rule = taste_rule(groups, contexts)
    assert rule.shape == (groups, contexts)
    np.testing.assert_array_equal(rule.sum(axis=0), groups // 2)


def test_taste_rule_neighbouring_groups_agree_more_than_distant_ones():
    rule = taste_rule(8, 16)
    disagreements = [(rule[0] != rule[k]).sum() for k in range(5)]  # group 0 against groups 0..4 (opposite)
    assert disagreements == sorted(disagreements) and disagreements[0] == 0
    np.testing.assert_array_equal(rule[4], ~rule[0])  # the opposite direction buys exactly the other half


@pytest.mark.parametrize("exponent", [0.0, 0.5, 1.0, 1.5])
def test_zipf_probabilities_sum_to_one_and_fall_with_rank(exponent):
    p = zipf_probabilities(50, exponent)
    assert p.sum() == pytest.approx(1.0)
    assert np.all(np.diff(p) <= 0)
    assert p[0] / p[9] == pytest.approx(10.0**exponent)


def test_grouped_task_labels_follow_the_group_rule_up_to_the_noise():
    task = make_grouped_task(num_items=200, num_examples=20_000, label_noise=0.1, seed=3)
    np.testing.assert_array_equal(task.truth, taste_rule(8, 16)[task.group])
    clean = task.labels.astype(bool) == task.truth[task.items, task.contexts]
    np.testing.assert_array_equal(~clean, task.flipped())
    assert task.flipped().mean() == pytest.approx(0.1, abs=0.01)


def test_without_noise_every_label_is_the_rule():
    task = make_grouped_task(num_items=100, num_examples=1000, label_noise=0.0)
    assert not task.flipped().any()
    np.testing.assert_array_equal(task.labels, task.truth[task.items, task.contexts].astype(np.float32))


def test_grouped_task_frequencies_are_skewed_and_ids_are_shuffled():
    task = make_grouped_task()  # the lesson's task
    counts = task.counts()
    assert counts.sum() == task.num_examples
    assert counts.max() > 100 * np.median(counts)  # a few products are everywhere...
    assert (counts == 0).sum() > 0.1 * task.num_items  # ...and many never occur
    assert counts.argmax() != 0  # the most frequent product is not simply product 0


def test_tasks_are_reproducible_from_the_seed():
    a, b, c = make_grouped_task(seed=5), make_grouped_task(seed=5), make_grouped_task(seed=6)
    for field in ("truth", "group", "items", "contexts", "labels"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.items, c.items)


def test_unrelated_task_gives_every_product_its_own_pattern():
    task = make_unrelated_task(num_items=30, num_contexts=16)
    np.testing.assert_array_equal(task.group, np.arange(30))
    assert len({row.tobytes() for row in task.truth}) == 30
    counts = task.counts()
    assert counts.min() > 0.5 * counts.mean()  # zipf_exponent=0: equally frequent


def test_seen_marks_exactly_the_training_pairs():
    task = make_grouped_task(num_items=40, num_examples=100)
    seen = task.seen()
    assert seen.sum() == len(set(zip(task.items.tolist(), task.contexts.tolist(), strict=True)))
    assert seen[task.items, task.contexts].all()


# -- the models ----------------------------------------------------------------------------------------------
def test_onehot_model_reads_one_column_of_its_weight():
    model = OneHotModel(7, 3)
    items = torch.tensor([4, 0, 4])
    expected = model.linear.weight.T[items] + model.linear.bias  # row i of the (N, C) table
    torch.testing.assert_close(model(items), expected, rtol=0, atol=0)


def test_embedding_model_is_a_onehot_model_with_a_rank_d_table():
    model = EmbeddingModel(9, 2, 5)
    items = torch.arange(9)
    table = model.embedding.weight @ model.linear.weight.T  # (N, C), rank <= 2
    torch.testing.assert_close(model(items), F.one_hot(items, 9).float() @ table + model.linear.bias)
    assert torch.linalg.matrix_rank(table) == 2


@pytest.mark.parametrize(("n", "dim", "c"), [(10, 2, 16), (1000, 8, 16), (4, 4, 3)])
def test_parameter_counts_match_the_formulas(n, dim, c):
    cost = model_costs(n, dim, c, batch=1)
    assert count_parameters(OneHotModel(n, c)) == cost.onehot_params
    assert count_parameters(EmbeddingModel(n, dim, c)) == cost.embedding_params


def test_models_are_seeded_and_leave_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    a, b, c = EmbeddingModel(20, 3, 4, seed=1), EmbeddingModel(20, 3, 4, seed=1), EmbeddingModel(20, 3, 4, seed=2)
    torch.testing.assert_close(torch.rand(3), before)
    assert torch.equal(a.embedding.weight, b.embedding.weight)
    assert not torch.equal(a.embedding.weight, c.embedding.weight)
    assert torch.equal(OneHotModel(5, 2, seed=4).linear.weight, OneHotModel(5, 2, seed=4).linear.weight)


# -- training ------------------------------------------------------------------------------------------------
SMALL = {"num_items": 200, "num_examples": 1600}


def test_training_twice_gives_identical_weights_and_restores_the_thread_count():
    task = make_grouped_task(**SMALL)
    threads = torch.get_num_threads()
    runs = [EmbeddingModel(200, 2, 16) for _ in range(2)]
    logs = [train(model, task, epochs=3) for model in runs]
    assert torch.equal(runs[0].embedding.weight, runs[1].embedding.weight)
    assert logs[0].losses == logs[1].losses
    assert torch.get_num_threads() == threads


def test_training_lowers_the_loss():
    task = make_grouped_task(**SMALL)
    log = train(EmbeddingModel(200, 2, 16), task, epochs=8)
    assert len(log.losses) == 8 and log.steps == 8 * 4  # 1600 examples in batches of 500
    assert log.losses[-1] < 0.8 * log.losses[0]


def test_onehot_weights_of_pairs_never_seen_keep_their_initial_values():
    """The lesson's mechanism: with one-hot inputs every weight learns only from its own pair."""
    task = make_grouped_task(**SMALL)
    model = OneHotModel(200, 16)
    train(model, task, epochs=3)
    unchanged = (model.linear.weight == OneHotModel(200, 16).linear.weight).T.numpy()  # (N, C)
    np.testing.assert_array_equal(unchanged, ~task.seen())


def test_embedding_rows_of_products_never_seen_keep_their_initial_values():
    task = make_grouped_task(**SMALL)
    model = EmbeddingModel(200, 2, 16)
    train(model, task, epochs=3)
    moved = (model.embedding.weight != EmbeddingModel(200, 2, 16).embedding.weight).any(dim=1).numpy()
    np.testing.assert_array_equal(moved, task.counts() > 0)


def test_onehot_model_fits_few_unrelated_categories_exactly():
    task = make_unrelated_task(num_items=4, label_noise=0.0)
    model = OneHotModel(4, 16)
    train(model, task)
    assert evaluate(model, task).accuracy == 1.0


def test_embedding_beats_onehot_on_rare_products_only_when_they_share_structure():
    """The lesson's claim, on a smaller shop."""
    def rare_accuracy(task):
        rare = (task.counts() >= 1) & (task.counts() <= 9)
        out = []
        for model in (OneHotModel(task.num_items, 16), EmbeddingModel(task.num_items, 2, 16)):
            train(model, task)
            out.append(evaluate(model, task).correct[rare].mean())
        return out

    onehot, embedding = rare_accuracy(make_grouped_task(num_items=300, num_examples=2400))
    assert embedding > onehot + 0.1
    onehot, embedding = rare_accuracy(make_unrelated_task(num_items=300, num_examples=2400, zipf_exponent=1.0))
    assert embedding < onehot + 0.05


# -- scoring -------------------------------------------------------------------------------------------------
class Constant(torch.nn.Module):
    """Answers the same (C,) logits for every product."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.nn.Parameter(torch.as_tensor(logits, dtype=torch.float32))

    def forward(self, items):
        return self.logits.expand(len(items), -1)


def test_predict_and_evaluate_score_every_pair_against_the_rule():
    task = make_unrelated_task(num_items=5, num_contexts=3)
    logits = [1.0, -1.0, 2.0]
    assert predict(Constant(logits), 5).tolist() == [[True, False, True]] * 5
    evaluation = evaluate(Constant(logits), task)
    np.testing.assert_array_equal(evaluation.correct, task.truth == np.array([True, False, True]))
    assert evaluation.accuracy == pytest.approx(evaluation.correct.mean())


def test_bucket_accuracy_groups_products_by_training_count():
    counts = np.array([0, 1, 2, 5, 50, 0])
    correct = np.array([[1, 1], [1, 0], [0, 0], [1, 1], [1, 1], [0, 0]], dtype=bool)
    evaluation = Evaluation(correct, counts, np.zeros((6, 2), bool))
    np.testing.assert_array_equal(evaluation.bucket_sizes(), [2, 2, 1, 1])
    np.testing.assert_allclose(evaluation.bucket_accuracy(), [0.5, 0.25, 1.0, 1.0])
    assert evaluation.bucket_sizes().sum() == len(counts)


def test_seen_and_unseen_accuracy_split_the_pairs():
    correct = np.array([[True, False], [True, True]])
    seen = np.array([[True, True], [False, False]])
    evaluation = Evaluation(correct, np.array([2, 0]), seen)
    assert (evaluation.seen_accuracy, evaluation.unseen_accuracy) == (0.5, 1.0)


def test_accuracy_table_prints_each_bucket_for_each_model():
    counts = np.array([0, 1, 3, 3, 20])
    a = Evaluation(np.ones((5, 4), bool), counts, np.zeros((5, 4), bool))
    b = Evaluation(np.arange(20).reshape(5, 4) % 4 == 0, counts, np.zeros((5, 4), bool))
    lines = accuracy_table({"model a": a, "model b": b}).splitlines()
    assert lines[0].split() == ["seen", "in", "training", "products", "model", "a", "model", "b"]
    for line, (label, _, _), size, acc_b in zip(lines[1:-1], BUCKETS, b.bucket_sizes(), b.bucket_accuracy(),
                                                 strict=True):
        assert line.split() == [label, str(size), "100%", f"{100 * acc_b:.0f}%"]
    assert lines[-1].split() == ["all", "pairs", "5", "100%", "25%"]
    assert len({len(line) for line in lines}) == 1  # aligned columns


def test_describe_product_marks_seen_types_flipped_labels_and_right_answers():
    task = ChoiceTask(truth=np.array([[True, False, True], [False, False, False]]), group=np.array([3, 1]),
                      items=np.array([0, 1, 0]), contexts=np.array([2, 0, 1]),
                      labels=np.array([1.0, 0.0, 1.0], dtype=np.float32), label_noise=0.1)
    text = describe_product(task, 0, {"m": np.array([[True, True, True], [False] * 3])}, group_name="department")
    lines = text.splitlines()
    assert lines[0] == "product 0 (department 3), 2 examples: type 2 → 1, type 1 → 1 (flipped)"
    assert lines[2].endswith("  1.1") and lines[3].endswith("   ^^")
    assert lines[4].endswith("  111  2/3 right")


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
    readout = {ax.get_label(): next(t.get_text() for t in ax.texts if t.get_gid() == "readout") for ax in fig.axes}
    assert "N = 5,000" in readout["params"] and f"{expected[5_000].onehot_params:,}" in readout["params"]
    assert format_bytes(expected[5_000].onehot_input_bytes) in readout["input"]
    assert "D = 8" in params.get_title() and "N =" not in params.get_title()  # the layout does not follow N


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
    drawn = points(plot_learned_vectors(x[:, :1], np.zeros(20, int), np.full(20, 4), panels=[(0, None)]))
    np.testing.assert_array_equal(drawn["points:0:0"][:, 1], 0)  # D = 1: one component, a zero second axis
    np.testing.assert_allclose(drawn["points:0:0"][:, 0], x[:, 0] - x[:, 0].mean())


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


def test_typing_n_moves_the_slider_or_says_why_not():
    w = ChoiceExplorer()
    w.typed.value = "100,000"
    assert w.controls["num_items"].value == 100_000 and w.cost.num_items == 100_000
    w.typed.value = "5"  # not on the slider: a message, the picture stays
    assert w.controls["num_items"].value == 100_000
    assert "N = 5 is not on the slider" in w.caption.value and "10,000,000" in w.caption.value
    w.typed.value = "abc"
    assert "N = abc is not on the slider" in w.caption.value
    w.typed.value = "10"
    assert w.controls["num_items"].value == 10 and "not on the slider" not in w.caption.value


def test_explorer_redraws_n_changes_with_the_layout_of_the_first_draw_and_the_same_pixels():
    w = ChoiceExplorer(num_items=1_000, dim=2)
    w.controls["num_items"].value = 100_000  # laid out with the layout of N = 1,000 (same D)
    assert w.png == to_png(plot_model_costs(100_000, 2, 16, 500))
