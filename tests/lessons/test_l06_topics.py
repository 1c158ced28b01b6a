"""Lesson 06 data: the shipped topic sentences, the tokenizer, the vocabulary and the bag layout."""

from pathlib import Path

import numpy as np
import pytest

from lookup_lib.bag import embedding_bag
from lookup_lib.lessons.kit.vocab import PAD, UNK, build_vocab, tokenize
from lookup_lib.lessons.l06_embedding_bag.topics import load_topics, to_bags
from tools.make_topics import OUT, PER_TOPIC, TEST_PER_TOPIC, TOPICS, make_topics


def raw_rows() -> list[list[str]]:
    """The data lines of the shipped file, split at tabs, read without lookup_lib."""
    lines = [line for line in OUT.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [line.split("\t") for line in lines[1:]]


# --- the shipped file -------------------------------------------------------------------------


def test_shipped_file_is_what_the_script_writes_and_the_script_is_deterministic():
    assert make_topics() == make_topics()
    assert OUT.read_text(encoding="utf-8") == make_topics()


def test_the_header_says_the_data_was_written_for_this_project():
    assert "written for this project" in OUT.read_text(encoding="utf-8").splitlines()[0]


def test_load_topics_reads_every_row_in_file_order():
    data = load_topics()
    rows = raw_rows()
    assert data.topics == sorted(TOPICS)
    for split in ("train", "test"):
        expected = [(topic, text) for s, topic, text in rows if s == split]
        got = getattr(data, split)
        assert list(zip([data.topics[k] for k in got.labels], got.texts, strict=True)) == expected
        assert got.labels.dtype == np.int64


def test_every_topic_has_its_share_of_each_split_and_no_sentence_twice():
    data = load_topics()
    test_counts = np.bincount(data.test.labels, minlength=len(data.topics))
    train_counts = np.bincount(data.train.labels, minlength=len(data.topics))
    np.testing.assert_array_equal(test_counts, TEST_PER_TOPIC)
    np.testing.assert_array_equal(train_counts, PER_TOPIC - TEST_PER_TOPIC)
    pairs = [(topic, text) for _, topic, text in raw_rows()]
    assert len(set(pairs)) == len(pairs)  # so no (sentence, topic) of the test split is also in train


def test_load_topics_reads_another_file_and_refuses_a_file_without_the_header(tmp_path: Path):
    good = tmp_path / "mini.tsv"
    good.write_text("# a comment\nsplit\ttopic\ttext\ntrain\tb\tx y\ntest\ta\tz\ntrain\ta\tw\n", encoding="utf-8")
    data = load_topics(good)
    assert data.topics == ["a", "b"]
    assert data.train.texts == ["x y", "w"] and data.train.labels.tolist() == [1, 0]
    bad = tmp_path / "bad.tsv"
    bad.write_text("train\ta\tw\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        load_topics(bad)
    bad.write_text("split\ttopic\ttext\nvalid\ta\tw\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_topics(bad)


# --- tokenize, vocabulary, bags ---------------------------------------------------------------


def test_tokenize_lowercases_and_drops_punctuation():
    assert tokenize("The STORM, it's here!  Stay in.") == ["the", "storm", "it's", "here", "stay", "in"]
    assert tokenize("") == []


def test_build_vocab_is_sorted_after_the_two_specials_whatever_the_order_of_sentences():
    sentences = [["rain", "and", "snow"], ["goal"], ["rain"]]
    vocab = build_vocab(sentences, specials=(PAD, UNK))
    assert vocab.words == ["<pad>", "<unk>", "and", "goal", "rain", "snow"]
    assert build_vocab(sentences[::-1], specials=(PAD, UNK)).words == vocab.words
    assert (vocab.pad, vocab.unk) == (0, 1)
    assert build_vocab(sentences, min_count=2, specials=(PAD, UNK)).words == ["<pad>", "<unk>", "rain"]
    with pytest.raises(ValueError, match="min_count"):
        build_vocab(sentences, min_count=0, specials=(PAD, UNK))


def test_encode_maps_each_word_to_its_row_and_unknown_words_to_unk():
    vocab = build_vocab([["rain", "snow"]], specials=(PAD, UNK))
    ids = vocab.encode(["snow", "hail", "rain"])
    assert ids.dtype == np.int64
    assert [vocab.words[i] for i in ids] == ["snow", "<unk>", "rain"]


def test_to_bags_concatenates_and_offsets_point_at_each_start():
    sentences = [np.array([5, 3]), np.array([], dtype=np.int64), np.array([7, 7, 2])]
    indices, offsets = to_bags(sentences)
    ends = np.r_[offsets[1:], indices.size]
    for sentence, start, end in zip(sentences, offsets, ends, strict=True):
        np.testing.assert_array_equal(indices[start:end], sentence)
    assert indices.dtype == offsets.dtype == np.int64
    assert to_bags([])[0].size == 0 and to_bags([])[1].size == 0


def test_mean_bags_of_the_data_equal_each_sentence_mean():
    data = load_topics()
    vocab = build_vocab((tokenize(t) for t in data.train.texts), specials=(PAD, UNK))
    encoded = [vocab.encode(tokenize(t)) for t in data.test.texts[:20]]
    weight = np.random.default_rng(0).standard_normal((len(vocab), 4))
    indices, offsets = to_bags(encoded)
    expected = np.stack([weight[e].mean(axis=0) for e in encoded])
    np.testing.assert_allclose(embedding_bag(indices, weight, offsets, mode="mean"), expected)
