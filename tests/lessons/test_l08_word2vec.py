"""Lesson 08's word-vector pieces: the shipped corpus, vocabulary, skip-gram pairs, SGNS training, reading vectors."""

from collections import Counter

import numpy as np
import pytest
import torch

from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.vocab import build_vocab
from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import (
    SkipGram,
    cosine_similarities,
    encode,
    group_agreement,
    load_corpus,
    nearest,
    noise_distribution,
    skipgram_pairs,
    train_skipgram,
)
from tools import make_corpus


@pytest.fixture
def one_thread():
    """Tiny tensors train faster on one thread than on two that wait for each other on a busy machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


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
