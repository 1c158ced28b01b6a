"""Lesson 07: the shop tasks, the two models, training and scoring; costs by formula; figures, tables, widget."""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.colors import to_hex

from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.style import CHANGED, NEUTRAL, OUTPUT, png_size, to_png
from lookup_lib.lessons.kit.tables import format_bytes, text_table
from lookup_lib.lessons.l07_one_hot_vs_embedding.costs import cost_table, model_costs
from lookup_lib.lessons.l07_one_hot_vs_embedding.experiments import (
    BUCKETS,
    BottleneckModel,
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
    one_hot_rows,
    predict,
    taste_rule,
    train,
    zipf_probabilities,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import (
    GROUP_COLORS,
    move_mark,
    plot_accuracy_by_frequency,
    plot_category_scores,
    plot_learned_vectors,
    plot_model_costs,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.widget import ChoiceExplorer
from tests.conftest import png_pixels


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
def test_one_hot_rows_are_torchs_one_hot_vectors_as_float32():
    items = torch.tensor([3, 0, 3, 6])
    rows = one_hot_rows(items, 7)
    assert rows.dtype == torch.float32
    assert torch.equal(rows, F.one_hot(items, 7).float())
    assert one_hot_rows(torch.tensor([], dtype=torch.int64), 4).shape == (0, 4)


@pytest.mark.parametrize("bad", [[0, 7], [-1, 2]])
def test_one_hot_rows_reject_ids_out_of_range(bad):
    with pytest.raises(ValueError, match=r"items must be ids in 0..6, got values from"):
        one_hot_rows(torch.tensor(bad), 7)


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


def test_bottleneck_computes_the_embedding_models_function_from_one_hot_vectors():
    model = BottleneckModel(9, 2, 5, init="linear")
    items = torch.tensor([0, 8, 3, 3])
    table = model.first.weight.T  # (N, D): row i is product i's numbers
    torch.testing.assert_close(model(items), model.linear(table[items]), rtol=0, atol=0)
    assert count_parameters(model) == count_parameters(EmbeddingModel(9, 2, 5)) == 9 * 2 + 2 * 5 + 5
    assert model.first.bias is None
    np.testing.assert_array_equal(model.vectors(), table.detach().numpy())


def test_bottleneck_with_the_embedding_init_starts_from_the_embedding_models_numbers():
    for seed in (0, 3):
        bottleneck, emb = BottleneckModel(30, 3, 4, seed=seed), EmbeddingModel(30, 3, 4, seed=seed)
        assert torch.equal(bottleneck.first.weight.T, emb.embedding.weight)
        assert torch.equal(bottleneck.linear.weight, emb.linear.weight)
        assert torch.equal(bottleneck.linear.bias, emb.linear.bias)
    default = BottleneckModel(1000, 2, 4, init="linear").first.weight
    assert default.abs().max() <= 1 / np.sqrt(1000)  # torch's Linear init: uniform in ±1/√N
    assert float(BottleneckModel(1000, 2, 4).first.weight.detach().std()) == pytest.approx(1.0, abs=0.05)  # N(0, 1)


def test_bottleneck_rejects_an_unknown_init():
    with pytest.raises(ValueError, match=r"init must be one of \('embedding', 'linear'\), got 'xavier'"):
        BottleneckModel(5, 2, 3, init="xavier")


def test_bottleneck_trains_to_the_embedding_models_weights_bit_for_bit():
    """The lesson's claim (torch 2.13, CPU, one thread): lookup and one-hot product give the same sums."""
    task = make_grouped_task(**SMALL)
    bottleneck, emb = BottleneckModel(200, 2, 16), EmbeddingModel(200, 2, 16)
    train(bottleneck, task, epochs=4)
    train(emb, task, epochs=4)
    assert torch.equal(bottleneck.first.weight.T, emb.embedding.weight)
    assert torch.equal(bottleneck.linear.weight, emb.linear.weight)
    np.testing.assert_array_equal(predict(bottleneck, 200), predict(emb, 200))
    default = BottleneckModel(200, 2, 16, init="linear")
    train(default, task, epochs=4)
    assert not np.array_equal(predict(default, 200), predict(emb, 200))


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


def test_train_rejects_a_negative_weight_decay():
    with pytest.raises(ValueError, match="weight_decay must be a number >= 0, got -0.1"):
        train(OneHotModel(5, 2), make_unrelated_task(num_items=5, num_contexts=2), weight_decay=-0.1)


def test_with_weight_decay_onehot_weights_of_pairs_never_seen_ignore_the_labels():
    """Why weight decay cannot help one-hot on held-out pairs: those weights see only the decay."""
    task = make_grouped_task(**SMALL)
    opposite = ChoiceTask(task.truth, task.group, task.items, task.contexts, 1 - task.labels, task.label_noise)
    models = [OneHotModel(200, 16), OneHotModel(200, 16)]
    for model, labels in zip(models, (task, opposite), strict=True):
        train(model, labels, epochs=3, weight_decay=1e-3)
    unseen = torch.as_tensor(~task.seen()).T  # (C, N), as the weight
    a, b = (m.linear.weight.detach() for m in models)
    assert torch.equal(a[unseen], b[unseen])  # the same, whatever the labels
    assert not torch.equal(a[unseen], OneHotModel(200, 16).linear.weight.detach()[unseen])  # but they moved
    assert (a[~unseen] != b[~unseen]).all()  # the training pairs follow their labels


def test_with_the_bias_an_embedding_of_d_equal_n_minus_1_can_hold_any_table_of_scores():
    """The lesson's reason why D = 3 is enough for 4 categories: b = one row, E W^T = the other rows' offsets."""
    rng = np.random.default_rng(0)
    for n, c in [(4, 16), (6, 5)]:
        scores = rng.normal(size=(n, c))  # any (N, C) table of logits
        b = scores[0]
        embedding = np.vstack([np.zeros(n - 1), np.eye(n - 1)])  # (N, N-1): category 0 at the origin
        weight = (scores[1:] - b).T  # (C, N-1)
        np.testing.assert_allclose(embedding @ weight.T + b, scores, atol=1e-12)


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
    lines = accuracy_table({"model a": a, "model b": b}, pairs="all").splitlines()
    assert lines[0].split() == ["times", "seen", "products", "pairs", "model", "a", "model", "b"]
    for line, (label, _, _), size, acc_b in zip(lines[1:-1], BUCKETS, b.bucket_sizes(), b.bucket_accuracy("all"),
                                                 strict=True):
        assert line.split() == [label, str(size), str(4 * size), "100%", f"{100 * acc_b:.0f}%"]
    assert lines[-1].split() == ["all", "5", "20", "100%", "25%"]
    assert len({len(line) for line in lines}) == 1  # aligned columns


def test_accuracy_table_scores_held_out_pairs_and_gives_the_training_pairs_apart():
    counts = np.array([2, 1])
    seen = np.array([[True, True, False], [True, False, False]])  # 3 training pairs, 3 held out
    correct = np.array([[True, True, False], [True, True, True]])  # right on every training pair, 2/3 held out
    lines = accuracy_table({"m": Evaluation(correct, counts, seen)}).splitlines()
    assert lines[0].split() == ["times", "seen", "products", "held-out", "pairs", "m"]
    assert lines[2].split() == ["1–2", "2", "3", "67%"]  # the held-out pairs only, not 5/6
    assert lines[5].split() == ["all", "2", "3", "67%"]
    assert lines[-1] == "on the 3 training pairs (not a test of generalisation): m 100%"


@pytest.mark.parametrize("pairs", ["unseen", "seen", "all"])
def test_bucket_accuracy_counts_only_the_chosen_pairs(pairs):
    rng = np.random.default_rng(4)
    counts = np.array([0, 1, 2, 5, 5, 40])
    seen = rng.random((6, 3)) < 0.5
    seen[0] = False  # a product never seen has no training pair
    correct = rng.random((6, 3)) < 0.6
    evaluation = Evaluation(correct, counts, seen)
    mask = {"unseen": ~seen, "seen": seen, "all": np.ones_like(seen)}[pairs]
    for b in range(len(BUCKETS)):
        rows = evaluation.in_bucket(b)[:, None] & mask
        expected = correct[rows].mean() if rows.any() else np.nan
        np.testing.assert_equal(evaluation.bucket_accuracy(pairs)[b], expected)
        assert evaluation.bucket_pairs(pairs)[b] == rows.sum()


def test_scores_reject_an_unknown_choice_of_pairs():
    evaluation = Evaluation(np.ones((2, 2), bool), np.array([0, 1]), np.zeros((2, 2), bool))
    with pytest.raises(ValueError, match=r"pairs must be one of \('unseen', 'seen', 'all'\), got 'train'"):
        evaluation.bucket_accuracy("train")
    with pytest.raises(ValueError, match="pairs must be one of"):
        plot_accuracy_by_frequency({"m": evaluation}, pairs="held-out")


def test_describe_product_marks_seen_types_flipped_labels_and_right_answers():
    task = ChoiceTask(truth=np.array([[True, False, True], [False, False, False]]), group=np.array([3, 1]),
                      items=np.array([0, 1, 0]), contexts=np.array([2, 0, 1]),
                      labels=np.array([1.0, 0.0, 1.0], dtype=np.float32), label_noise=0.1)
    text = describe_product(task, 0, {"m": np.array([[True, True, True], [False] * 3])}, group_name="department")
    lines = text.splitlines()
    assert lines[0] == "product 0 (department 3), 2 examples: type 2 → 1, type 1 → 1 (flipped)"
    assert lines[2].endswith("  1.1") and lines[3].endswith("   ^^")
    assert lines[4].endswith("  111  1/1 held-out right")  # types 1 and 2 were seen: only type 0 is scored


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
    assert labels[0] == "never\n(2 products,\n32 pairs)" and labels[3] == "10+\n(2 products,\n32 pairs)"


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


def test_explorer_keeps_one_figure_per_d_and_moving_n_gives_a_fresh_figures_pixels():
    """The moved figure looks like one drawn afresh: the same size, and at most a few antialiased pixels apart.

    The widget keeps the layout of its first N and, on a move, draws only what marks N over a kept picture of the
    rest (kit.style.Blit). A fresh figure's constrained layout lands its axes within ~1e-16 of the kept one; at
    N = 10 that moves 2 edge pixels of a readout box by a few levels of grey.
    """
    w = ChoiceExplorer(num_items=1_000, dim=2)
    first = w.draw(**w.values())
    for n in (10, 10_000_000, 100_000):
        w.controls["num_items"].value = n
        assert w.draw(**w.values()) is first  # the same figure, moved
        moved, fresh = png_pixels(w.png), png_pixels(to_png(plot_model_costs(n, 2, 16, 500)))
        assert moved.shape == fresh.shape and (np.abs(moved - fresh).sum(-1) > 0).sum() <= 10, n
    w.controls["dim"].value = 8
    assert w.draw(**w.values()) is not first


def test_move_mark_moves_the_markers_the_line_and_the_readouts():
    fig = plot_model_costs(1_000, 2, 16, 500)
    move_mark(fig, model_costs(10_000_000, 2, 16, 500))
    for ax in fig.axes:
        marks = {line.get_gid(): line for line in ax.get_lines() if str(line.get_gid()).startswith("here:")}
        assert set(marks) == {"here:onehot", "here:embedding", "here:N"}
        assert all(list(m.get_xdata()) in ([10_000_000], [10_000_000, 10_000_000]) for m in marks.values())
        assert "at N = 10,000,000:" in next(t for t in ax.texts if t.get_gid() == "readout").get_text()


def test_explorer_picture_fits_a_jupyterlab_cell_without_rescaling():
    """JupyterLab shows a cell's output 868 px wide: a wider PNG is scaled down by the browser (blurry)."""
    w = ChoiceExplorer()
    for dim in (1, 256):
        w.controls["dim"].value = dim
        width, height = png_size(w.png)
        assert 700 <= width <= 860 and height >= 350  # still large enough to read


def test_accuracy_bars_can_score_the_training_pairs_or_every_pair():
    e = evaluation(2)
    e = Evaluation(e.correct, e.counts, np.random.default_rng(5).random(e.correct.shape) < 0.5)
    for pairs in ("unseen", "seen", "all"):
        ax = plot_accuracy_by_frequency({"m": e}, pairs=pairs).axes[0]
        bars = {patch.get_gid(): patch.get_height() for patch in ax.patches if patch.get_gid()}
        np.testing.assert_allclose([bars[f"bar:m:{b}"] for b in range(4)], 100 * e.bucket_accuracy(pairs))
    assert plot_accuracy_by_frequency({"m": e}).axes[0].get_ylabel() == "held-out pairs predicted right (%)"


# -- the lesson's claims over several seeds (slow: the lesson's shop, trained many times) ------------------------
LESSON = {"num_items": 1000, "num_outputs": 16}


@pytest.mark.slow
def test_on_seeds_0_to_3_onehot_is_a_coin_flip_on_held_out_pairs_and_d2_above_70_percent():
    task = make_grouped_task()
    for seed in range(4):
        onehot, emb = OneHotModel(1000, 16, seed=seed), EmbeddingModel(1000, 2, 16, seed=seed)
        train(onehot, task, seed=seed)
        train(emb, task, seed=seed)
        assert abs(evaluate(onehot, task).unseen_accuracy - 0.5) <= 0.02, seed
        assert evaluate(emb, task).unseen_accuracy > 0.70, seed


@pytest.mark.slow
def test_weight_decay_helps_d8_but_leaves_onehot_at_a_coin_flip_on_seeds_0_to_2():
    task = make_grouped_task()
    for seed in range(3):
        scores = {}
        for wd in (0.0, 1e-4):
            model = EmbeddingModel(1000, 8, 16, seed=seed)
            train(model, task, seed=seed, weight_decay=wd)
            scores[wd] = evaluate(model, task).unseen_accuracy
        assert scores[1e-4] > scores[0.0], (seed, scores)
        onehot = OneHotModel(1000, 16, seed=seed)
        train(onehot, task, seed=seed, weight_decay=1e-3)  # a strong decay
        e = evaluate(onehot, task)
        assert abs(e.unseen_accuracy - 0.5) <= 0.03 and e.seen_accuracy < 0.75, (seed, e.unseen_accuracy)


@pytest.mark.slow
def test_d3_recovers_four_unrelated_categories_on_five_model_seeds_and_three_task_seeds():
    for task_seed in range(3):
        few = make_unrelated_task(num_items=4, seed=task_seed)
        assert few.seen().all()  # every pair is a training pair: this is recovery of the rule, not generalisation
        for seed in range(5):
            model = EmbeddingModel(4, 3, 16, seed=seed)
            train(model, few)
            assert evaluate(model, few).accuracy == 1.0, (task_seed, seed)
    assert count_parameters(EmbeddingModel(4, 3, 16)) == 76 < count_parameters(OneHotModel(4, 16)) == 80


# -- the lesson's prose against its stored outputs -----------------------------------------------------------------
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "07_one_hot_vs_embedding.ipynb"


@pytest.fixture(scope="module")
def lesson():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    prose = " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")

    def output(start):
        (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start)]
        return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")

    return prose, output


def parse_accuracy_table(text):
    """An accuracy_table printout as {row: {column: value}} plus {model: training-pair %} from its last line."""
    lines = text.strip().splitlines()
    header = re.split(r"\s{2,}", lines[0].strip())
    rows = {}
    for line in lines[1:]:
        if line.startswith("on the "):
            break
        cells = line.split()
        rows[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    trained = {}
    if lines[-1].startswith("on the "):
        trained = dict(re.findall(r"(.+?) (\d+%|–)(?:, |$)", lines[-1].split(": ", 1)[1]))
    return rows, trained


def test_the_prose_quotes_the_stored_outputs(lesson):
    prose, output = lesson

    def says(*phrases):
        for phrase in phrases:
            assert phrase in prose, phrase

    rows, trained = parse_accuracy_table(output('results = {"one-hot"'))
    oh, emb = {k: v["one-hot"] for k, v in rows.items()}, {k: v["embedding D=2"] for k, v in rows.items()}
    says(f"the {rows['all']['held-out pairs']} pairs that never occur in training",
         f"the {int(task_pairs := make_grouped_task().seen().sum()):,} training pairs apart",
         f"seen 1–2 times, the one-hot model is right on {oh['1–2']} of their held-out pairs, a coin flip; "
         f"the embedding on {emb['1–2']}. Seen 3–9 times: {oh['3–9']} against {emb['3–9']}.",
         f"the embedding wins again ({emb['10+']} against {oh['10+']})",
         f"both are at a coin flip ({oh['never']} and {emb['never']})",
         f"the two are close ({trained['one-hot']} and {trained['embedding D=2']} against the rule)",
         f"({emb['10+']} on the held-out pairs of products seen 10+ times)",
         f"{oh['all']} overall, {emb['1–2']} against {oh['1–2']} for products seen once or twice, {emb['3–9']} "
         f"against {oh['3–9']} for those seen 3–9 times. On the training pairs the two differ little "
         f"({trained['embedding D=2']} and {trained['one-hot']})",
         f"one-hot's {oh['1–2']}? On the training pairs (the last line), does every D beat one-hot's "
         f"{trained['one-hot']}?")
    assert prose.count(f"{emb['all']} against {oh['all']} overall") == 1
    assert int(task_pairs) + int(rows["all"]["held-out pairs"].replace(",", "")) == 16_000
    for value in oh.values():
        assert abs(int(value.rstrip("%")) - 50) <= 3  # "a coin flip", in every bucket

    never = int(re.search(r"weights never changed: (\d+)", output("start = OneHotModel")).group(1))
    says(f"{never:,} of the 16,000 weights were never touched by training: exactly the held-out pairs")
    assert f"{never:,}" == rows["all"]["held-out pairs"]

    products = output("predictions = {")
    scores = re.findall(r"(\d+)/(\d+) held-out right", products)  # one-hot, embedding; then the second product
    says(f"the embedding model gets {scores[1][0]} of its {scores[1][1]} held-out customer types right",
         f"The one-hot model gets {scores[0][0]} of {scores[0][1]}:",
         f"({scores[3][0]} of {scores[3][1]} held-out types right, worse than a coin flip)",
         f"Over all {int((make_grouped_task().counts() == 2).sum())} products seen exactly twice")
    assert int(scores[3][0]) / int(scores[3][1]) < 0.5

    bottleneck = output("bottleneck = BottleneckModel")
    assert "same start as the embedding: True" in bottleneck and "same weights after training: True" in bottleneck
    rows, _ = parse_accuracy_table(bottleneck.split("\n", 2)[2])
    column = {name: {k: v[name] for k, v in rows.items()} for name in next(iter(rows.values()))}
    assert column["bottleneck N(0,1)"] == column["embedding D=2"]
    default, emb = column["bottleneck default"], column["embedding D=2"]
    says(f"72% on held-out pairs, against one-hot's {column['one-hot']['all']}".replace("72%", emb["all"]),
         f"ends lower: {default['all']} on held-out pairs ({default['1–2']} / {default['3–9']} / {default['10+']} "
         f"for products seen 1–2, 3–9 and 10+ times, against {emb['1–2']} / {emb['3–9']} / {emb['10+']})",
         f"trains to the same weights and the same {emb['all']}; with torch's default Linear init it reaches "
         f"{default['all']}")

    rows, _ = parse_accuracy_table(output("emb8 = EmbeddingModel"))
    says(f"D = 8 also beats one-hot on held-out pairs ({rows['all']['embedding D=8']} against "
         f"{rows['all']['one-hot']}), but it is worse than D = 2 ({rows['all']['embedding D=2']})")

    rows, _ = parse_accuracy_table(output("decayed = {"))
    d8, d8wd, ohwd = ({k: v[name] for k, v in rows.items()} for name in ("D=8", "D=8 +wd", "one-hot +wd"))
    says(f"{d8['all']} → {d8wd['all']} on held-out pairs, with products seen 1–2, 3–9 and 10+ times all gaining "
         f"({d8wd['1–2']}, {d8wd['3–9']}, {d8wd['10+']} against {d8['1–2']}, {d8['3–9']}, {d8['10+']})",
         f"**One-hot:** no: {ohwd['all']} on held-out pairs, a coin flip, as without it ({rows['all']['one-hot']})",
         f"it helped D = 8 ({d8['all']} → {d8wd['all']}) but left one-hot at a coin flip ({ohwd['all']})")
    assert all(int(d8wd[k].rstrip("%")) > int(d8[k].rstrip("%")) for k in ("1–2", "3–9", "10+"))

    rows, trained = parse_accuracy_table(output("plain = make_unrelated_task"))
    for row in rows.values():
        assert all(abs(int(row[m].rstrip("%")) - 50) <= 3 for m in ("one-hot", "embedding D=2"))
    says("both models are at a coin flip, within 3 points of 50% in every bucket",
         f"the embedding is now clearly **worse** ({trained['embedding D=2']} against {trained['one-hot']})")

    few = dict(re.findall(r"(one-hot|embedding D=\d):\s+\d+ parameters, right on (\d+%)", output("models = {")))
    params = dict(re.findall(r"(one-hot|embedding D=\d):\s+(\d+) parameters", output("models = {")))
    assert few["one-hot"] == few["embedding D=3"] == few["embedding D=4"] == "100%"
    says(f"exact from **D = 3** on, with {params['embedding D=3']} parameters, "
         f"{int(params['one-hot']) - int(params['embedding D=3'])} fewer than one-hot; D = 1 and D = 2 are worse "
         f"({few['embedding D=1']} and {few['embedding D=2']})",
         f"about {round(2000 / 64)} times each", f"against one-hot's {params['one-hot']}?")

    rows, trained = parse_accuracy_table(output("by_dim = {"))
    col = {name: {k: v[name] for k, v in rows.items()} for name in ("one-hot", "D=1", "D=2", "D=3", "D=8")}
    says("Measured on held-out pairs (seen 1–2 / 3–9 / 10+ times): " + "; ".join(
        f"{name.replace('D=', 'D = ')} {c['1–2']} / {c['3–9']} / {c['10+']}" for name, c in col.items()) + ".",
        f"on the training pairs it is **worse** than one-hot ({trained['D=1']} against {trained['one-hot']})")
    says("D = 3 no better (the same to the percent on products seen at least once)")
    assert all(col["D=3"][k] == col["D=2"][k] for k in ("1–2", "3–9", "10+"))

    rows, _ = parse_accuracy_table(output("by_decay = {"))
    col = {name: {k: v[name] for k, v in rows.items()} for name in next(iter(rows.values())) if name.startswith("D=")}

    def both(name):
        return f"{col[name]['all']} ({col[name]['1–2']})"

    says(f"D = 2 {both('D=2')}, with 1e-4 {both('D=2 wd=1e-4')}, with 1e-3 {both('D=2 wd=1e-3')}; D = 8 "
         f"{both('D=8')}, with 1e-4 {both('D=8 wd=1e-4')}, with 1e-3 {both('D=8 wd=1e-3')}.")
    pct = {name: {k: int(v.rstrip("%")) for k, v in c.items()} for name, c in col.items()}
    assert pct["D=8 wd=1e-3"]["all"] <= pct["D=8 wd=1e-4"]["all"] < pct["D=2"]["all"]  # "no more", "no decay ..."
    assert pct["D=2 wd=1e-4"]["all"] == pct["D=2"]["all"] + 1 and pct["D=2 wd=1e-3"]["all"] == pct["D=2"]["all"] - 2
    losses = [pct["D=2"][k] - pct["D=2 wd=1e-3"][k] for k in ("1–2", "3–9", "10+")]
    assert min(losses) == 2 and max(losses) == 4  # "every bucket ... losing 2 to 4 points"


def test_the_one_hot_score_the_prose_reads_off_the_table():
    """Section 6: "card, customer type 3: +3.5" and "Every sign agrees with the rule"."""
    few = make_unrelated_task(num_items=4)
    model = OneHotModel(4, 16)
    train(model, few)
    scores = (model.linear.weight.T + model.linear.bias).detach().numpy()
    assert f"{scores[1, 3]:+.1f}" == "+3.5"  # row 1 is "card"
    np.testing.assert_array_equal(scores > 0, few.truth)


# -- the Chinese edition (LOOKUP_LIB_LANGUAGE=zh): the same numbers, in Chinese, and still laid out -----------------
def display_columns(text):
    """The columns a line takes in a monospaced font (a Chinese character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_in_chinese_the_tables_speak_chinese_and_keep_their_numbers(monkeypatch):
    task = make_grouped_task(num_items=60, num_examples=400)
    model = OneHotModel(60, 16)
    train(model, task, epochs=2)
    results = {"one-hot": evaluate(model, task)}
    english = accuracy_table(results), cost_table([10, 1_000], dim=2, num_outputs=16, batch=500)
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    chinese = accuracy_table(results), cost_table([10, 1_000], dim=2, num_outputs=16, batch=500)
    for en, zh in zip(english, chinese, strict=True):
        assert re.findall(r"\d[\d,.]*%?", en) == re.findall(r"\d[\d,.]*%?", zh)
    assert chinese[0].splitlines()[0].split()[:3] == ["出现次数", "商品数", "留出对"]
    assert chinese[0].splitlines()[1].split()[0] == "从未" and "个训练对上" in chinese[0]
    assert chinese[1].splitlines()[0].split()[:2] == ["N", "(类别数)"]


def test_in_chinese_describe_product_aligns_its_rows_by_display_width(monkeypatch):
    task = ChoiceTask(truth=np.array([[True, True, False, False]]), group=np.array([0]),
                      items=np.array([0, 0]), contexts=np.array([3, 0]),
                      labels=np.array([1.0, 1.0], dtype=np.float32), label_noise=0.1)
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    lines = describe_product(task, 0, {"模型": np.array([[True, False, False, True]])}, group_name="部门").splitlines()
    assert lines[0] == "商品 0 (部门 0)，2 个样本：类型 3 → 1（已翻转），类型 0 → 1"
    assert lines[1].endswith("顾客类型  0123") and lines[2].endswith("规则  11..")
    assert lines[4].endswith("1..1  留出的 1/2 个正确")
    # every row's pattern starts in the same display column: the labels are padded by width, not by len()
    starts = {display_columns(re.match(r"^ *\S+  ", line).group(0)) for line in lines[1:]}
    assert starts == {display_columns("训练中见过  ")}


def test_in_chinese_the_explorer_moves_n_over_its_first_layout_and_the_readouts_fit(monkeypatch):
    """Blitting keeps the first layout: a Chinese readout must stay inside its axes, below the legend, and the
    moved picture must be the one a fresh Chinese figure gives (every glyph in the font: no warning)."""
    import warnings

    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # "Glyph ... missing from font"
        w = ChoiceExplorer(num_items=1_000, dim=2)
        first = w.draw(**w.values())
        assert first.axes[0].get_xlabel() == "N，类别数" and w.controls["num_items"].description == "N (类别数)"
        for n in (10, 10_000_000):
            w.controls["num_items"].value = n
            assert w.draw(**w.values()) is first
            moved, fresh = png_pixels(w.png), png_pixels(to_png(plot_model_costs(n, 2, 16, 500)))
            assert moved.shape == fresh.shape and (np.abs(moved - fresh).sum(-1) > 0).sum() <= 10, n
        renderer = first.canvas.get_renderer()
        for ax in first.axes:
            readout = next(t for t in ax.texts if t.get_gid() == "readout")
            assert readout.get_text().startswith("N = 10,000,000 时")
            box = readout.get_bbox_patch().get_window_extent(renderer)
            legend = ax.get_legend().get_window_extent(renderer)
            assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1 and ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1
            assert box.y1 <= legend.y0 + 1  # below the legend, not over it
    w.typed.value = "5"
    assert "滑块上没有 N = 5" in w.caption.value and "10,000,000" in w.caption.value
