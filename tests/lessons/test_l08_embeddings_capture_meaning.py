"""Lesson 08: the corpus, vocabulary, skip-gram pairs and training, reading vectors; weekday/month and
class-label embeddings; the figures and the widget."""

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib.colors import to_hex
from matplotlib.text import Text

from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.style import HIGHLIGHT, NEUTRAL, OUTPUT, PADDING, to_png
from lookup_lib.lessons.kit.vocab import build_vocab
from lookup_lib.lessons.l08_embeddings_capture_meaning.categorical import (
    ACTIVITIES,
    MONTHS,
    WEEKDAYS,
    CalendarClassifier,
    LabelEmbeddingClassifier,
    OneHotCalendarClassifier,
    calendar_accuracy,
    calendar_logits,
    follows_cycle,
    group_similarity,
    label_predictions,
    make_calendar_data,
    make_grouped_data,
    mistakes_within_group,
    train_calendar,
    train_label_embeddings,
)
from lookup_lib.lessons.l08_embeddings_capture_meaning.figures import (
    NeighbourhoodFigure,
    group_colors,
    plot_context_window,
    plot_neighbours,
    plot_projection,
    plot_rings,
    plot_similarity_matrices,
    plot_word_neighbourhood,
)
from lookup_lib.lessons.l08_embeddings_capture_meaning.widget import NeighbourExplorer
from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import (
    SkipGram,
    cooccurrence_counts,
    cosine_similarities,
    encode,
    group_agreement,
    load_corpus,
    nearest,
    noise_distribution,
    ppmi,
    ppmi_svd,
    skipgram_pairs,
    train_skipgram,
)
from tools import make_corpus


# -- the corpus -------------------------------------------------------------------------------------
def test_shipped_corpus_is_what_the_generator_writes():
    shipped = make_corpus.OUT.read_text(encoding="utf-8")
    assert shipped == make_corpus.make_corpus()
    assert "written for this project" in shipped.splitlines()[0]


def test_generator_is_deterministic_and_its_seed_matters():
    assert make_corpus.make_corpus(50, seed=1) == make_corpus.make_corpus(50, seed=1)
    assert make_corpus.make_corpus(50, seed=1) != make_corpus.make_corpus(50, seed=2)


def test_shipped_corpus_loads_sentences_and_groups():
    corpus = load_corpus()
    assert len(corpus.sentences) == make_corpus.NUM_SENTENCES
    assert corpus.groups == make_corpus.GROUPS
    assert all(sentence and "#" not in " ".join(sentence) for sentence in corpus.sentences)
    seen = Counter(word for sentence in corpus.sentences for word in sentence)
    for name, words in corpus.groups.items():
        assert all(seen[w] >= 10 for w in words), f"a word of {name} is too rare to learn"
    group_of = corpus.group_of()
    assert len(group_of) == sum(len(w) for w in corpus.groups.values())  # no word is in two groups


def test_countries_and_capitals_come_in_matching_pairs():
    corpus = load_corpus()
    capital_of = {country: capital for country, capital in make_corpus.PLACES}
    checked = 0
    for sentence in corpus.sentences:
        if "capital" in sentence and "of" in sentence:  # "{capital} is the capital of {country}"
            assert capital_of[sentence[-1]] == sentence[0]
            checked += 1
    assert checked > 20


def test_load_corpus_reads_any_file_with_comments_and_groups(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("# a comment\n# group pet: cat dog\n\nThe cat sat\n  the dog ran  \n", encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.sentences == [["the", "cat", "sat"], ["the", "dog", "ran"]]
    assert corpus.groups == {"pet": ["cat", "dog"]}


# -- vocabulary and pairs -------------------------------------------------------------------------------
def test_vocabulary_is_sorted_and_does_not_depend_on_sentence_order():
    sentences = [["b", "a", "c"], ["c", "c"], ["d"]]
    vocab = build_vocab(sentences)
    assert vocab.words == ["a", "b", "c", "d"] and vocab.counts.tolist() == [1, 1, 3, 1]
    assert build_vocab(sentences[::-1]).words == vocab.words
    assert build_vocab(sentences, min_count=2).words == ["c"]


def test_vocab_index_round_trips_and_names_an_unknown_word():
    vocab = build_vocab([["the", "cat"], ["a", "dog"]])
    assert [vocab.index(w) for w in vocab.words] == list(range(len(vocab)))
    with pytest.raises(KeyError, match="'cow' is not in the vocabulary"):
        vocab.index("cow")


def test_encode_maps_words_to_indices_and_drops_unknown_words():
    vocab = build_vocab([["a", "b", "c"]], min_count=1)
    encoded = encode([["c", "x", "a"], []], vocab)
    assert [e.tolist() for e in encoded] == [[2, 0], []]
    assert encoded[0].dtype == np.int64


def naive_pairs(sentence, window):
    return [(sentence[i], sentence[j]) for i in range(len(sentence)) for j in range(len(sentence))
            if i != j and abs(i - j) <= window]


@pytest.mark.parametrize("window", [1, 2, 3])
def test_skipgram_pairs_are_every_pair_within_the_window(window):
    rng = np.random.default_rng(window)
    sentences = [rng.integers(0, 9, size=n) for n in (0, 1, 2, 4, 7)]
    pairs = skipgram_pairs(sentences, window)
    expected = [pair for s in sentences for pair in naive_pairs(s.tolist(), window)]
    assert pairs.dtype == np.int64 and pairs.shape == (len(expected), 2)
    assert Counter(map(tuple, pairs.tolist())) == Counter(expected)


def test_skipgram_pair_count_follows_the_formula():
    n, window = 7, 2
    pairs = skipgram_pairs([np.arange(n)], window)
    assert len(pairs) == 2 * sum(n - d for d in range(1, window + 1))


def test_skipgram_pairs_reject_a_window_below_one():
    with pytest.raises(ValueError, match="window"):
        skipgram_pairs([np.arange(3)], 0)


@pytest.mark.parametrize("power", [0.0, 0.75, 1.0])
def test_noise_distribution_is_counts_to_the_power(power):
    counts = np.array([1, 4, 9, 100])
    probs = noise_distribution(counts, power)
    assert probs.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(probs / probs[0], counts**power / counts[0] ** power)


# -- the model and its training --------------------------------------------------------------------------
def test_skipgram_starts_at_the_loss_of_a_coin_flip():
    """With the context table at zero every score is 0: each of the 1 + K terms is -log σ(0) = log 2."""
    model = SkipGram(10, 4, generator=torch.Generator().manual_seed(0))
    center, context, negatives = torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6]), torch.tensor([[7, 8]] * 3)
    loss = model(center, context, negatives)
    assert loss.shape == () and loss.item() == pytest.approx(3 * np.log(2))
    assert model.vectors().shape == (10, 4) and model.vectors().dtype == np.float32


def test_skipgram_loss_matches_its_formula():
    g = torch.Generator().manual_seed(1)
    model = SkipGram(6, 3, generator=g)
    with torch.no_grad():
        model.context.weight.normal_(generator=g)
    center, context, negatives = torch.tensor([0, 5]), torch.tensor([1, 2]), torch.tensor([[3, 4, 4], [0, 1, 2]])
    c, ctx = model.center.weight, model.context.weight
    expected = 0.0
    for b in range(2):
        expected -= torch.log(torch.sigmoid(c[center[b]] @ ctx[context[b]]))
        for n in negatives[b]:
            expected -= torch.log(torch.sigmoid(-c[center[b]] @ ctx[n]))
    assert model(center, context, negatives).item() == pytest.approx(expected.item() / 2, rel=1e-5)


def tiny_pairs():
    sentences = [["a", "b", "c", "d"], ["a", "c", "b"], ["d", "b", "a", "c", "e"]] * 5
    vocab = build_vocab(sentences)
    return skipgram_pairs(encode(sentences, vocab), 2), vocab.counts


def test_training_with_the_same_seed_gives_identical_vectors():
    pairs, counts = tiny_pairs()
    first = train_skipgram(pairs, counts, dim=4, epochs=3, batch_size=8, seed=3)
    second = train_skipgram(pairs, counts, dim=4, epochs=3, batch_size=8, seed=3)
    other = train_skipgram(pairs, counts, dim=4, epochs=3, batch_size=8, seed=4)
    np.testing.assert_array_equal(first.vectors, second.vectors)
    assert first.losses == second.losses
    assert not np.array_equal(first.vectors, other.vectors)


def test_training_lowers_the_loss_and_returns_the_center_table():
    pairs, counts = tiny_pairs()
    result = train_skipgram(pairs, counts, dim=4, epochs=8, batch_size=8, lr=0.05, seed=0)
    assert len(result.losses) == 8 and result.losses[-1] < result.losses[0]
    assert result.vectors.shape == (len(counts), 4)
    np.testing.assert_array_equal(result.vectors, result.model.center.weight.detach().numpy())


@pytest.mark.slow
def test_the_lessons_training_finds_the_word_groups(one_thread):
    """What lesson 08 claims: cat's nearest neighbours are the other pets, and words keep to their groups."""
    corpus = load_corpus()
    vocab = build_vocab(corpus.sentences)
    pairs = skipgram_pairs(encode(corpus.sentences, vocab), window=2)
    result = train_skipgram(pairs, vocab.counts, dim=16, epochs=5, seed=0)
    neighbours, _ = nearest(result.vectors, vocab.index("cat"), k=4)
    assert {vocab.words[i] for i in neighbours} == set(make_corpus.PARTS["pet"]) - {"cat"}
    assert group_agreement(result.vectors, vocab.words, corpus.groups, k=5) > 0.95
    random = np.random.default_rng(0).normal(size=result.vectors.shape)
    assert group_agreement(random, vocab.words, corpus.groups, k=5) < 0.3


# -- reading the vectors ------------------------------------------------------------------------------------
def test_cosine_similarities_match_torch_and_ignore_length():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(6, 5))
    expected = torch.nn.functional.cosine_similarity(torch.tensor(vectors)[:, None], torch.tensor(vectors)[None], dim=2)
    np.testing.assert_allclose(cosine_similarities(vectors), expected.numpy(), rtol=1e-12)
    np.testing.assert_allclose(cosine_similarities(vectors, 7.0 * vectors[2]), expected[2].numpy(), rtol=1e-12)
    assert cosine_similarities(vectors, vectors[:2]).shape == (2, 6)


def test_cosine_similarity_of_a_zero_vector_is_zero_not_nan():
    sims = cosine_similarities(np.array([[0.0, 0.0], [1.0, 0.0]]))
    assert np.isfinite(sims).all() and sims[0, 1] == 0.0


def test_nearest_excludes_the_word_itself_and_sorts_by_similarity():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(20, 3))
    indices, sims = nearest(vectors, 4, k=5)
    all_sims = cosine_similarities(vectors)[4]
    assert 4 not in indices and len(indices) == 5
    assert np.all(np.diff(sims) <= 0)
    np.testing.assert_allclose(sims, all_sims[indices])
    assert sims[-1] >= np.sort(np.delete(all_sims, [4, *indices]))[-1]  # nobody left out is closer


def test_nearest_breaks_ties_by_the_smaller_index():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [3.0, 0.0]])
    assert nearest(vectors, 0, k=3)[0].tolist() == [2, 3, 1]


def test_group_agreement_is_one_for_separated_groups_and_ignores_other_words():
    words = ["a1", "a2", "a3", "b1", "b2", "b3", "the"]
    vectors = np.array([[1, 0.1], [1, 0.2], [1, 0.0], [0.1, 1], [0, 1], [0.2, 1], [1, 1]], dtype=float)
    groups = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"]}
    assert group_agreement(vectors, words, groups, k=2) == 1.0
    assert group_agreement(vectors[[0, 3, 2, 1, 4, 5, 6]], words, groups, k=2) < 1.0


def test_pca_keeps_all_of_a_plane_and_is_deterministic():
    rng = np.random.default_rng(2)
    plane = rng.normal(size=(30, 2)) @ rng.normal(size=(2, 6)) + 5.0  # rank-2 data in 6-D, off the origin
    points, explained = pca(plane, 2)
    assert points.shape == (30, 2) and explained.sum() == pytest.approx(1.0)
    assert explained[0] >= explained[1]
    centred = plane - plane.mean(axis=0)
    distances = np.linalg.norm(centred[:, None] - centred[None], axis=2)
    np.testing.assert_allclose(np.linalg.norm(points[:, None] - points[None], axis=2), distances, atol=1e-9)
    np.testing.assert_array_equal(pca(plane, 2)[0], points)


def test_pca_picks_the_same_signs_whatever_the_row_order():
    """SVD may return a component or its opposite; the sign rule makes the picture the same every time."""
    rng = np.random.default_rng(4)
    data = rng.normal(size=(40, 5)) * np.array([4.0, 3.0, 1.0, 0.5, 0.1])
    points, _ = pca(data, 3)
    for seed in range(5):
        order = np.random.default_rng(seed).permutation(40)
        np.testing.assert_allclose(pca(data[order], 3)[0], points[order], atol=1e-9)


def test_pca_components_are_the_top_directions_of_variance():
    rng = np.random.default_rng(3)
    data = rng.normal(size=(200, 3)) * np.array([5.0, 2.0, 0.1])
    points, explained = pca(data, 2)
    np.testing.assert_allclose(points.var(axis=0), np.sort(data.var(axis=0))[::-1][:2], rtol=0.05)
    assert explained.sum() > 0.99


# -- the calendar task ------------------------------------------------------------------------------
@pytest.mark.usefixtures("one_thread")
def test_each_activity_peaks_where_it_says():
    logits = calendar_logits()  # (7, 12, C)
    assert logits.shape == (7, 12, len(ACTIVITIES))
    for c, activity in enumerate(ACTIVITIES):
        by_month = logits[0, :, c]
        assert abs(int(by_month.argmax()) - activity.month_peak) <= 0.5 or activity.month_amp < 0.5
        by_day = logits[:, 0, c]
        assert abs(int(by_day.argmax()) - activity.week_peak) <= 0.5


@pytest.mark.usefixtures("one_thread")
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


@pytest.mark.usefixtures("one_thread")
def test_best_accuracy_is_the_mean_top_probability():
    data = make_calendar_data(500, seed=0)
    assert 1 / len(ACTIVITIES) < data.best_accuracy() < 1
    top = data.probs.max(axis=2)
    by_day = [top[w, m] for w, m in zip(data.weekday, data.month, strict=True)]
    assert data.best_accuracy() == pytest.approx(np.mean(by_day))


@pytest.mark.usefixtures("one_thread")
def test_calendar_classifier_concatenates_the_two_lookups():
    model = CalendarClassifier(dim=3, generator=torch.Generator().manual_seed(0))
    w, m = torch.tensor([0, 6]), torch.tensor([11, 4])
    logits = model(w, m)
    assert logits.shape == (2, len(ACTIVITIES))
    by_hand = torch.cat([model.weekday.weight[w], model.month.weight[m]], dim=1) @ model.head.weight.T + model.head.bias
    torch.testing.assert_close(logits, by_hand)


@pytest.mark.usefixtures("one_thread")
def test_trained_weekdays_and_months_form_rings_in_calendar_order():
    data = make_calendar_data()
    result = train_calendar(data)
    assert result.weekday_vectors.shape == (len(WEEKDAYS), 2) and result.month_vectors.shape == (len(MONTHS), 2)
    assert follows_cycle(result.weekday_vectors) and follows_cycle(result.month_vectors)
    assert not follows_cycle(result.weekday_before) and not follows_cycle(result.month_before)
    assert result.losses[-1] < result.losses[0]
    assert result.accuracy > data.best_accuracy() - 0.03


@pytest.mark.usefixtures("one_thread")
def test_calendar_training_is_deterministic():
    data = make_calendar_data(1000)
    first, second = train_calendar(data, steps=20), train_calendar(data, steps=20)
    np.testing.assert_array_equal(first.month_vectors, second.month_vectors)
    assert first.losses == second.losses


# -- follows_cycle --------------------------------------------------------------------------------------
def circle(n):
    angles = 2 * np.pi * np.arange(n) / n
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


@pytest.mark.usefixtures("one_thread")
@pytest.mark.parametrize("n", [3, 7, 12])
def test_a_circle_in_order_follows_its_cycle_in_either_direction_from_any_start(n):
    ring = circle(n) * [3.0, 0.5] + [10.0, -4.0]  # squashed and moved: still a ring
    assert follows_cycle(ring)
    assert follows_cycle(ring[::-1])
    assert follows_cycle(np.roll(ring, 2, axis=0))


@pytest.mark.usefixtures("one_thread")
def test_swapped_points_or_a_double_loop_do_not_follow_the_cycle():
    ring = circle(12)
    assert not follows_cycle(ring[[0, 1, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11]])
    assert not follows_cycle(circle(6)[[0, 2, 4, 0, 2, 4]] + np.linspace(0, 0.01, 6)[:, None])  # twice round


@pytest.mark.usefixtures("one_thread")
def test_follows_cycle_needs_at_least_three_2d_points():
    with pytest.raises(ValueError, match=r"\(n >= 3, 2\)"):
        follows_cycle(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        follows_cycle(np.zeros((5, 3)))


# -- label embeddings ------------------------------------------------------------------------------------
@pytest.mark.usefixtures("one_thread")
def test_grouped_data_puts_classes_of_a_group_closer_together():
    data = make_grouped_data(n_per_class=50, seed=0)
    assert data.x.shape == (9 * 50, 8) and data.x.dtype == np.float32 and data.y.dtype == np.int64
    means = np.stack([data.x[data.y == c].mean(axis=0) for c in range(len(data.classes))])
    distances = np.linalg.norm(means[:, None] - means[None], axis=2)
    groups = np.array(data.groups)
    same = (groups[:, None] == groups[None]) & ~np.eye(len(groups), dtype=bool)
    assert distances[same].max() < distances[groups[:, None] != groups[None]].min()


@pytest.mark.usefixtures("one_thread")
def test_label_classifier_scores_are_dot_products_with_the_label_table():
    model = LabelEmbeddingClassifier(5, 4, dim=3, generator=torch.Generator().manual_seed(0))
    x = torch.randn(6, 5, generator=torch.Generator().manual_seed(1))
    scores = model(x)
    h = model.encoder(x)
    assert scores.shape == (6, 4)
    for c in range(4):
        torch.testing.assert_close(scores[:, c], h @ model.labels.weight[c])


@pytest.mark.usefixtures("one_thread")
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


@pytest.mark.usefixtures("one_thread")
def test_label_training_is_deterministic():
    data = make_grouped_data(n_per_class=20)
    first, second = train_label_embeddings(data, steps=10), train_label_embeddings(data, steps=10)
    np.testing.assert_array_equal(first.labels, second.labels)


@pytest.mark.usefixtures("one_thread")
def test_group_similarity_leaves_out_the_diagonal():
    s = np.array([[5.0, 1.0, 0.0], [1.0, 5.0, -1.0], [0.0, -1.0, 5.0]])
    assert group_similarity(s, ["a", "a", "b"]) == (1.0, -0.5)


@pytest.mark.usefixtures("one_thread")
def test_mistakes_within_group_is_nan_without_mistakes():
    assert np.isnan(mistakes_within_group(np.array([0, 1]), np.array([0, 1]), ["a", "b"]))
    assert mistakes_within_group(np.array([1, 2]), np.array([0, 0]), ["a", "a", "b"]) == 0.5


# -- figures and widget -----------------------------------------------------------------------------
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


# -- baselines without training -------------------------------------------------------------------------------
def test_cooccurrence_counts_count_each_pair_and_are_symmetric_for_skipgram_pairs():
    pairs = skipgram_pairs([np.array([0, 1, 2, 1])], window=1)
    counts = cooccurrence_counts(pairs, 4)
    assert counts[1, 2] == 2 and counts[0, 1] == 1 and counts[0, 2] == 0 and counts.sum() == len(pairs)
    np.testing.assert_array_equal(counts, counts.T)  # every pair is listed both ways round
    with pytest.raises(ValueError, match=r"\(P, 2\)"):
        cooccurrence_counts(np.zeros((3, 3)), 4)


def test_ppmi_is_the_positive_log_ratio_and_zero_where_a_pair_never_occurs():
    counts = np.array([[0.0, 3.0, 1.0], [3.0, 0.0, 0.0], [1.0, 0.0, 2.0]])
    p = counts / counts.sum()
    expected = np.log(p[0, 1] / (p[0].sum() * p[:, 1].sum()))
    result = ppmi(counts)
    assert result[0, 1] == pytest.approx(max(expected, 0.0))
    assert (result >= 0).all() and (result[counts == 0] == 0).all()


def test_ppmi_svd_keeps_dim_numbers_and_checks_dim():
    counts = cooccurrence_counts(skipgram_pairs([np.arange(6), np.arange(6)[::-1]], window=2), 6)
    assert ppmi_svd(counts, 3).shape == (6, 3)
    np.testing.assert_allclose(ppmi_svd(counts, 6) @ np.linalg.svd(ppmi(counts))[2], ppmi(counts), atol=1e-10)
    with pytest.raises(ValueError, match="dim must be between 1 and 6, got 7"):
        ppmi_svd(counts, 7)


def test_raw_counts_already_recover_the_planted_groups_of_the_shipped_corpus():
    """The lesson's claim: on the generated corpus the groups need no training (a random table does not)."""
    corpus = load_corpus()
    vocab = build_vocab(corpus.sentences)
    counts = cooccurrence_counts(skipgram_pairs(encode(corpus.sentences, vocab), window=2), len(vocab))
    assert group_agreement(counts, vocab.words, corpus.groups) == 1.0
    assert group_agreement(ppmi(counts), vocab.words, corpus.groups) == 1.0
    random = np.random.default_rng(0).normal(size=(len(vocab), 16))
    assert group_agreement(random, vocab.words, corpus.groups) < 0.3


# -- held-out figures ----------------------------------------------------------------------------------------
def test_rule_accuracy_is_what_the_true_rule_got_and_is_near_its_expectation():
    data = make_calendar_data(20_000, seed=3)
    rule = data.probs.argmax(axis=2)[data.weekday, data.month]
    assert data.rule_accuracy() == pytest.approx(np.mean(rule == data.label))
    assert abs(data.rule_accuracy() - data.best_accuracy()) < 4 * np.sqrt(0.25 / 20_000)


def test_calendar_accuracy_on_the_training_days_is_the_training_figure(one_thread):
    data = make_calendar_data(600, seed=0)
    result = train_calendar(data, steps=30)
    assert calendar_accuracy(result.model, data) == result.accuracy
    fresh = make_calendar_data(600, seed=1)
    assert not np.array_equal(fresh.label, data.label)
    assert 0 <= calendar_accuracy(result.model, fresh) <= 1


def test_one_hot_calendar_model_is_a_linear_layer_on_the_one_hot_inputs(one_thread):
    model = OneHotCalendarClassifier(generator=torch.Generator().manual_seed(0))
    w, m = torch.tensor([0, 3, 6]), torch.tensor([11, 0, 5])
    x = torch.cat([torch.nn.functional.one_hot(w, 7), torch.nn.functional.one_hot(m, 12)], dim=1).float()
    weight = torch.cat([model.weekday_scores, model.month_scores])  # (19, C)
    torch.testing.assert_close(model(w, m), x @ weight + model.bias)
    result = train_calendar(make_calendar_data(300, seed=0), steps=5, one_hot=True)
    assert isinstance(result.model, OneHotCalendarClassifier) and result.weekday_vectors.shape == (7, len(ACTIVITIES))


def test_fresh_grouped_samples_share_the_class_means_but_not_the_samples():
    train = make_grouped_data(n_per_class=3000, seed=0)
    fresh = make_grouped_data(n_per_class=3000, seed=0, sample_seed=1)
    again = make_grouped_data(n_per_class=3000, seed=0, sample_seed=1)
    np.testing.assert_array_equal(fresh.x, again.x)
    assert not np.allclose(train.x, fresh.x)
    for c in range(len(train.classes)):  # the same world: class means agree within sampling noise
        np.testing.assert_allclose(train.x[train.y == c].mean(0), fresh.x[fresh.y == c].mean(0), atol=0.2)
    other_world = make_grouped_data(n_per_class=3000, seed=5, sample_seed=1)
    assert not np.allclose(other_world.x[other_world.y == 0].mean(0), fresh.x[fresh.y == 0].mean(0), atol=0.5)


def test_label_predictions_on_the_training_data_give_the_training_accuracy(one_thread):
    data = make_grouped_data(n_per_class=30, seed=0)
    result = train_label_embeddings(data, steps=40)
    predictions = label_predictions(result.model, data)
    np.testing.assert_array_equal(predictions, result.predictions)
    assert np.mean(predictions == data.y) == pytest.approx(result.accuracy)


def test_label_table_scores_are_a_bias_free_linear_layer_and_a_plain_linear_head_is_offered():
    model = LabelEmbeddingClassifier(5, 4, dim=3, generator=torch.Generator().manual_seed(0))
    x = torch.randn(6, 5, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(model(x), torch.nn.functional.linear(model.encoder(x), model.labels.weight))
    plain = LabelEmbeddingClassifier(5, 4, dim=3, generator=torch.Generator().manual_seed(0), head="linear")
    assert isinstance(plain.labels, torch.nn.Linear) and plain.labels.weight.shape == (4, 3)
    torch.testing.assert_close(plain(x), plain.encoder(x) @ plain.labels.weight.T + plain.labels.bias)
    with pytest.raises(ValueError, match=r"head must be one of \('embedding', 'linear'\), got 'mlp'"):
        LabelEmbeddingClassifier(5, 4, head="mlp")


# -- the PCA map's labels and the neighbourhood figure drawn in place -------------------------------------------
def _label_boxes(fig):
    to_png(fig)  # lay out and draw, as the lesson does
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    return {t.get_text(): Text.get_window_extent(t, renderer) for t in ax.texts}, ax  # the text, not its leader line


def test_projection_labels_every_word_without_overlaps_and_names_its_axes():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (8, 2))
    points = np.vstack([c + rng.normal(0, 0.25, (10, 2)) for c in centres])  # 8 tight islands of 10 words
    words = [f"word{k:02d}" for k in range(80)]
    groups = [f"group{k // 10}" for k in range(80)]
    fig = plot_projection(points, words, groups, explained=[0.34, 0.2])
    boxes, ax = _label_boxes(fig)
    assert set(words) <= set(boxes)  # every word written
    drawn = list(boxes.values())
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in list(boxes)[i + 1:] if drawn[i].overlaps(boxes[b])]
    assert overlapping == []
    frame = ax.get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in drawn)
    assert ax.get_xlabel() == "PC 1 (34% of the variance)" and ax.get_ylabel() == "PC 2 (20% of the variance)"
    assert fig.get_size_inches()[0] * fig.dpi <= 860


def test_projection_labels_move_away_only_when_their_place_is_taken():
    points = np.vstack([np.zeros((20, 2)), [[10.0, 10.0]]])  # twenty words on one spot, one alone
    words = [f"w{k}" for k in range(20)] + ["alone"]
    ax = plot_projection(points, words).axes[0]
    leader = {t.get_text(): t.arrow_patch is not None for t in ax.texts}
    assert leader["alone"] is False  # right beside its point
    assert leader["w0"] is False and sum(leader[w] for w in words[:20]) >= 10  # the later ones had to move out


def test_neighbourhood_figure_redrawn_in_place_equals_a_fresh_one():
    figure = NeighbourhoodFigure(WORDS, GROUPS)
    for query, k in [("cat", 5), ("paris", 2), ("red", 7), ("cat", 1)]:
        indices, sims = nearest(VECTORS, WORDS.index(query), k)
        neighbours = [WORDS[i] for i in indices]
        updated = figure.update(query, neighbours, sims)
        assert updated is figure.fig
        assert to_png(updated) == to_png(plot_word_neighbourhood(query, neighbours, sims, None, WORDS, GROUPS))


def test_neighbourhood_figure_hides_the_slots_it_does_not_use():
    figure = NeighbourhoodFigure(WORDS, GROUPS)
    figure.update("cat", ["dog", "cow", "red", "blue"], [0.9, 0.8, 0.1, 0.0])
    figure.update("paris", ["rome", "cat"], [0.95, 0.1])
    bars, ring = figure.fig.axes
    assert set(by_gid(bars, "bar:")) == {"bar:rome", "bar:cat"}
    assert set(by_gid(ring, "neighbour:")) == {"neighbour:rome", "neighbour:cat"}
    assert [t.get_text() for t in figure.names if t.get_visible()] == ["rome", "cat"]
    assert [t.get_text() for t in ring.texts if t.get_visible() and t.get_text()][:2] == ["rome 0.95", "cat 0.10"]
    assert sum(b.get_visible() for b in figure.bars) == 2
    assert to_hex(by_gid(bars, "bar:")["bar:cat"].get_facecolor()) == PADDING


def test_neighbourhood_figure_checks_its_input():
    figure = NeighbourhoodFigure(WORDS, GROUPS, slots=2)
    with pytest.raises(ValueError, match="at most 2 neighbours fit this figure, got 3"):
        figure.update("cat", ["dog", "cow", "red"], [0.9, 0.8, 0.1])
    with pytest.raises(ValueError, match="2 words but 1 similarities"):
        figure.update("cat", ["dog", "cow"], [0.9])
    with pytest.raises(ValueError, match="one name per word: 8 words, 2 groups"):
        NeighbourhoodFigure(WORDS, GROUPS[:2])


def test_explorer_updates_one_figure_narrow_enough_to_show_unscaled():
    from lookup_lib.lessons.kit.style import png_size

    w = NeighbourExplorer(VECTORS, WORDS, GROUPS, word="cat", k=3)
    first = w.draw(**w.values())
    w.controls["word"].value = "red"
    assert w.draw(**w.values()) is first  # the same Figure, updated in place
    assert png_size(w.png)[0] <= 860
    fresh = plot_word_neighbourhood("red", w.neighbours, w.similarities, None, WORDS, GROUPS)
    assert w.png == to_png(fresh)


# -- the lesson's prose quotes its stored outputs ---------------------------------------------------------------
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "08_embeddings_capture_meaning.ipynb"


def _notebook_text():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    outputs = "\n".join("".join(o.get("text", "")) for c in cells if c["cell_type"] == "code"
                         for o in c.get("outputs", []))
    return prose, outputs


@pytest.mark.parametrize(("output", "prose"), [
    (r"training accuracy 51\.8% \(on the 6,000 days", r"51\.8% is a \*\*training\*\* figure"),
    (r"expected for the true-chances rule 51\.3%", r"51\.3% is an\s+\*expectation\*"),
    (r"embedding model 51\.9%", r"embedding model \(51\.9%\)"),
    (r"the true-chances rule on the same days: 51\.8%", r"on the same days \(51\.8%\)"),
    (r"\(expected 51\.4%; one standard error: 0\.4%\)", r"expectation is 51\.4%.*one standard error \(0\.4 points\)"),
    (r"one-hot model 51\.6%", r"gets 51\.6%"),
    (r"training accuracy 65\.6%", r"64\.3% against 65\.6% in training"),
    (r"fresh examples: accuracy 64\.3%; 97% of the wrong", r"same\s+story \(97%\)"),
    (r"raw counts .*: 100%", r"Raw counts score 100%"),
    (r"a random table .*:  12%", r"about 12%"),
    (r"bit for bit: True", r"Bit for bit, with the torch this course pins"),
    (r"plain nn.Linear head: .* within a group \+0\.85, between groups -0\.41",
     r"\+0\.85 within a group, −0\.41 between"),
    (r"trained: mean cosine within a group \+0\.70, between groups -0\.39", r"against \+0\.70 and −0\.39"),
])
def test_numbers_in_the_prose_are_the_stored_outputs(output, prose):
    text, outputs = _notebook_text()
    assert re.search(output, outputs), f"no output matches {output!r}"
    assert re.search(prose, text, flags=re.S), f"the prose does not say {prose!r}"


def test_the_held_out_figures_are_consistent_with_the_training_figures():
    """Held out, the model is level with the true rule on the same days (within one standard error)."""
    _, outputs = _notebook_text()
    model = float(re.search(r"embedding model (\d+\.\d)%", outputs).group(1))
    rule = float(re.search(r"true-chances rule on the same days: (\d+\.\d)%", outputs).group(1))
    error = float(re.search(r"one standard error: (\d+\.\d)%", outputs).group(1))
    assert abs(model - rule) <= error


# -- the Chinese edition ---------------------------------------------------------------------------------
def test_figures_and_widget_speak_chinese_and_keep_the_words_english(monkeypatch):
    """In zh the titles, labels, legends and controls are Chinese; the words of the corpus stay English."""
    from lookup_lib.lessons.kit import i18n

    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    ax = plot_context_window(["the", "cat", "sat"], center=1, window=1).axes[0]
    assert ax.get_title() == "window = 1：距离 'cat' 至多 1 个位置的词是它的上下文"
    assert "词对 (中心词, 上下文词)：(cat, the)  (cat, sat)" in [t.get_text() for t in ax.texts]
    fig = plot_word_neighbourhood("cat", ["dog", "red"], [0.99, 0.1], None, WORDS, GROUPS)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["与 'cat' 同组 (animal)", "其他组"] and fig.axes[0].get_xlabel() == "余弦相似度"
    assert "'cat' 及其 2 个最近邻" in "".join(t.get_text() for t in fig.texts)
    ax = plot_projection(pca(VECTORS)[0], WORDS, GROUPS, explained=[0.5, 0.25]).axes[0]
    assert (ax.get_title(), ax.get_xlabel()) == ("词向量，投影到 2 维", "PC 1（保留 50% 的方差）")
    assert set(WORDS) <= {t.get_text() for t in ax.texts}
    week = np.random.default_rng(0).normal(size=(7, 2))
    rings = plot_rings({"weekdays, trained": week, "my own title": week}, {"weekdays, trained": WEEKDAYS,
                                                                            "my own title": WEEKDAYS})
    assert [a.get_title() for a in rings.axes] == ["星期，训练后", "my own title"]
    assert by_gid(rings.axes[0], "ring:")["ring:weekdays, trained"] is not None  # the id stays the key
    assert ACTIVITIES[0].describe() == "ski：在 jan–feb 最多（强度 2.0），一周中在 sat–sun 最多（强度 1.0）"
    w = NeighbourExplorer(VECTORS, WORDS, GROUPS, word="cat", k=2)
    assert (w.controls["word"].description, w.controls["k"].description) == ("词", "近邻数")
    assert "余弦相似度" in w.caption.value


def test_english_texts_are_unchanged_by_the_translation(monkeypatch):
    from lookup_lib.lessons.kit import i18n

    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    ax = plot_projection(pca(VECTORS)[0], WORDS, GROUPS, explained=[0.5, 0.25]).axes[0]
    assert (ax.get_title(), ax.get_xlabel()) == ("word vectors, projected to 2-D", "PC 1 (50% of the variance)")
    ring = plot_word_neighbourhood("cat", ["dog"], [0.99], None, WORDS, GROUPS).texts
    assert "'cat' and its 1 neighbour, by rank\n(most similar on top, then clockwise)" in [t.get_text() for t in ring]
    assert plot_rings({"weekdays, trained": np.eye(7, 2)}, {"weekdays, trained": WEEKDAYS}).axes[0].get_title() == (
        "weekdays, trained")
