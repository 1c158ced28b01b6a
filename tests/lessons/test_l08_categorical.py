"""Lesson 08's categorical experiments: weekday/month entity embeddings (a ring) and class-label embeddings."""

import numpy as np
import pytest
import torch

from lookup_lib.lessons.l08_embeddings_capture_meaning.categorical import (
    ACTIVITIES,
    MONTHS,
    WEEKDAYS,
    CalendarClassifier,
    LabelEmbeddingClassifier,
    calendar_logits,
    follows_cycle,
    group_similarity,
    make_calendar_data,
    make_grouped_data,
    mistakes_within_group,
    train_calendar,
    train_label_embeddings,
)
from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import cosine_similarities


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny tensors train faster on one thread than on two that wait for each other on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# -- the calendar task ------------------------------------------------------------------------------
def test_each_activity_peaks_where_it_says():
    logits = calendar_logits()  # (7, 12, C)
    assert logits.shape == (7, 12, len(ACTIVITIES))
    for c, activity in enumerate(ACTIVITIES):
        by_month = logits[0, :, c]
        assert abs(int(by_month.argmax()) - activity.month_peak) <= 0.5 or activity.month_amp < 0.5
        by_day = logits[:, 0, c]
        assert abs(int(by_day.argmax()) - activity.week_peak) <= 0.5


def test_calendar_data_is_seeded_and_follows_the_true_probabilities():
    data = make_calendar_data(30_000, seed=1)
    again = make_calendar_data(30_000, seed=1)
    np.testing.assert_array_equal(data.label, again.label)
    assert not np.array_equal(data.label, make_calendar_data(30_000, seed=2).label)
    assert data.weekday.min() == 0 and data.weekday.max() == 6 and data.month.max() == 11
    np.testing.assert_allclose(data.probs.sum(axis=2), 1.0)
    expected = data.probs[data.weekday, data.month].mean(axis=0)  # (C,)
    observed = np.bincount(data.label, minlength=len(ACTIVITIES)) / len(data.label)
    np.testing.assert_allclose(observed, expected, atol=0.01)


def test_best_accuracy_is_the_mean_top_probability():
    data = make_calendar_data(500, seed=0)
    assert 1 / len(ACTIVITIES) < data.best_accuracy() < 1
    top = data.probs.max(axis=2)
    by_day = [top[w, m] for w, m in zip(data.weekday, data.month, strict=True)]
    assert data.best_accuracy() == pytest.approx(np.mean(by_day))


def test_calendar_classifier_concatenates_the_two_lookups():
    model = CalendarClassifier(dim=3, generator=torch.Generator().manual_seed(0))
    w, m = torch.tensor([0, 6]), torch.tensor([11, 4])
    logits = model(w, m)
    assert logits.shape == (2, len(ACTIVITIES))
    by_hand = torch.cat([model.weekday.weight[w], model.month.weight[m]], dim=1) @ model.head.weight.T + model.head.bias
    torch.testing.assert_close(logits, by_hand)


def test_trained_weekdays_and_months_form_rings_in_calendar_order():
    data = make_calendar_data()
    result = train_calendar(data)
    assert result.weekday_vectors.shape == (len(WEEKDAYS), 2) and result.month_vectors.shape == (len(MONTHS), 2)
    assert follows_cycle(result.weekday_vectors) and follows_cycle(result.month_vectors)
    assert not follows_cycle(result.weekday_before) and not follows_cycle(result.month_before)
    assert result.losses[-1] < result.losses[0]
    assert result.accuracy > data.best_accuracy() - 0.03


def test_calendar_training_is_deterministic():
    data = make_calendar_data(1000)
    first, second = train_calendar(data, steps=20), train_calendar(data, steps=20)
    np.testing.assert_array_equal(first.month_vectors, second.month_vectors)
    assert first.losses == second.losses


# -- follows_cycle --------------------------------------------------------------------------------------
def circle(n):
    angles = 2 * np.pi * np.arange(n) / n
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


@pytest.mark.parametrize("n", [3, 7, 12])
def test_a_circle_in_order_follows_its_cycle_in_either_direction_from_any_start(n):
    ring = circle(n) * [3.0, 0.5] + [10.0, -4.0]  # squashed and moved: still a ring
    assert follows_cycle(ring)
    assert follows_cycle(ring[::-1])
    assert follows_cycle(np.roll(ring, 2, axis=0))


def test_swapped_points_or_a_double_loop_do_not_follow_the_cycle():
    ring = circle(12)
    assert not follows_cycle(ring[[0, 1, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11]])
    assert not follows_cycle(circle(6)[[0, 2, 4, 0, 2, 4]] + np.linspace(0, 0.01, 6)[:, None])  # twice round


def test_follows_cycle_needs_at_least_three_2d_points():
    with pytest.raises(ValueError, match=r"\(n >= 3, 2\)"):
        follows_cycle(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        follows_cycle(np.zeros((5, 3)))


# -- label embeddings ------------------------------------------------------------------------------------
def test_grouped_data_puts_classes_of_a_group_closer_together():
    data = make_grouped_data(n_per_class=50, seed=0)
    assert data.x.shape == (9 * 50, 8) and data.x.dtype == np.float32 and data.y.dtype == np.int64
    means = np.stack([data.x[data.y == c].mean(axis=0) for c in range(len(data.classes))])
    distances = np.linalg.norm(means[:, None] - means[None], axis=2)
    groups = np.array(data.groups)
    same = (groups[:, None] == groups[None]) & ~np.eye(len(groups), dtype=bool)
    assert distances[same].max() < distances[groups[:, None] != groups[None]].min()


def test_label_classifier_scores_are_dot_products_with_the_label_table():
    model = LabelEmbeddingClassifier(5, 4, dim=3, generator=torch.Generator().manual_seed(0))
    x = torch.randn(6, 5, generator=torch.Generator().manual_seed(1))
    scores = model(x)
    h = model.encoder(x)
    assert scores.shape == (6, 4)
    for c in range(4):
        torch.testing.assert_close(scores[:, c], h @ model.labels.weight[c])


def test_related_classes_get_similar_label_embeddings():
    data = make_grouped_data()
    result = train_label_embeddings(data)
    within, between = group_similarity(cosine_similarities(result.labels), data.groups)
    before_within, before_between = group_similarity(cosine_similarities(result.labels_before), data.groups)
    assert within > between + 0.5
    assert before_within < before_between + 0.3  # no such structure before training
    assert result.losses[-1] < result.losses[0]
    assert result.accuracy > 3 / len(data.classes)  # better than knowing only the group
    assert mistakes_within_group(result.predictions, data.y, data.groups) > 0.8


def test_label_training_is_deterministic():
    data = make_grouped_data(n_per_class=20)
    first, second = train_label_embeddings(data, steps=10), train_label_embeddings(data, steps=10)
    np.testing.assert_array_equal(first.labels, second.labels)


def test_group_similarity_leaves_out_the_diagonal():
    s = np.array([[5.0, 1.0, 0.0], [1.0, 5.0, -1.0], [0.0, -1.0, 5.0]])
    assert group_similarity(s, ["a", "a", "b"]) == (1.0, -0.5)


def test_mistakes_within_group_is_nan_without_mistakes():
    assert np.isnan(mistakes_within_group(np.array([0, 1]), np.array([0, 1]), ["a", "b"]))
    assert mistakes_within_group(np.array([1, 2]), np.array([0, 0]), ["a", "a", "b"]) == 0.5
