"""Lesson 07's experiment: the shop tasks, the two models, training, scoring."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

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
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import model_costs


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
