"""Lesson 12: the KJV split, subsampling, the lesson's trainer, the baselines, the shipped data, the exercises."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from lookup_lib.exercises import check, exercises
from lookup_lib.lessons.l12_meaning_from_real_text import (
    keep_probability,
    kjv_corpus,
    load_evaluation,
    load_similarity_pairs,
    load_vectors,
    spearman,
    train_sgns,
)
from lookup_lib.lessons.l12_meaning_from_real_text.baselines import cooccurrence, ppmi
from lookup_lib.lessons.l12_meaning_from_real_text.text import flatten

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "12_meaning_from_real_text.ipynb"


def test_every_tenth_verse_is_held_out_and_the_vocabulary_comes_from_the_rest():
    corpus = kjv_corpus()
    assert (len(corpus.train), len(corpus.held_out)) == (27992, 3110)
    assert corpus.vocab.words[:2] == ["<pad>", "<unk>"] and corpus.vocab.counts[2:].min() >= 5


def test_keep_probability_is_word2vecs_formula_capped_at_one():
    counts = np.array([1, 10, 1000, 100_000])
    f = counts / counts.sum()
    assert np.allclose(keep_probability(counts, 1e-3), np.minimum((np.sqrt(f / 1e-3) + 1) * 1e-3 / f, 1))
    assert keep_probability(counts, 1e-3)[0] == 1.0


def test_spearman_matches_scipy_with_ties():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 5, 40).astype(float), rng.normal(size=40)
    assert spearman(x, y) == pytest.approx(scipy_stats.spearmanr(x, y)[0], abs=1e-10)


def test_ppmi_is_positive_and_zero_where_nothing_co_occurs():
    counts = cooccurrence(np.array([0, 1, 2, 0, 1]), np.array([0, 0, 0, 1, 1]), 4, window=2)
    m = ppmi(counts)
    assert (m >= 0).all() and (m[3] == 0).all() and np.allclose(counts, counts.T)


def _lesson_trainer():
    """The ``train_here`` cell of the lesson, executed on its own."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if "def train_here" in "".join(c["source"]))
    from lookup_lib.lessons.l12_meaning_from_real_text import SkipGram, noise_distribution, sample_pairs

    scope = {"torch": torch, "np": np, "SkipGram": SkipGram, "noise_distribution": noise_distribution,
             "keep_probability": keep_probability, "sample_pairs": sample_pairs}
    exec(source, scope)
    return scope["train_here"]


def test_the_loop_in_the_lesson_is_the_librarys_train_sgns():
    corpus = kjv_corpus()
    ids, verse = flatten(corpus.train[:300], corpus.vocab)
    settings = {"dim": 8, "window": 3, "epochs": 2, "batch_size": 256, "lr": 0.01, "seed": 3}
    model, losses = _lesson_trainer()(ids, verse, corpus.vocab.counts, **settings)
    result = train_sgns(ids, verse, corpus.vocab.counts, **settings)
    assert torch.equal(model.center.weight, result.model.center.weight)
    assert losses == result.losses and losses[1] < losses[0]


def test_the_shipped_files_are_small_and_consistent():
    words, tables = load_vectors()
    assert words == kjv_corpus().vocab.words
    assert all(t.shape == (len(words), 50) for t in tables.values())
    assert (ROOT / "lookup_lib" / "data" / "kjv_vectors.npz").stat().st_size < 3_000_000
    ev = load_evaluation()
    assert ev["pairs"]["pooled"] == len(load_similarity_pairs(kjv_corpus().vocab)) == 300
    assert all(len(ev["models"][m]["pooled"]) == 5 for m in ("course", "gensim"))


def test_the_shipped_vectors_hash_is_recorded():
    digest = hashlib.sha256((ROOT / "lookup_lib" / "data" / "kjv_vectors.npz").read_bytes()).hexdigest()
    assert digest == (ROOT / "lookup_lib" / "data" / "kjv_vectors.sha256").read_text().split()[0]


@pytest.mark.slow
def test_the_tool_reproduces_the_shipped_vectors():  # ~3 min: retrains seed 0 of all three models
    pytest.importorskip("gensim")
    from tools import train_real_vectors

    assert train_real_vectors.check() == 0


# -- the exercise catalogue ---------------------------------------------------------------------------------
def keep_loop(counts, sample):
    total = sum(counts)
    out = []
    for c in counts:
        f = c / total
        out.append(min(1.0, ((f / sample) ** 0.5 + 1) * sample / f))
    return np.array(out)


def keep_torch(counts, sample):
    c = torch.as_tensor(counts, dtype=torch.float64)
    f = c / c.sum()
    return ((torch.sqrt(f / sample) + 1) * sample / f).clamp(max=1.0).numpy()


def keep_clip(counts, sample):
    f = np.asarray(counts) / np.sum(counts)
    return np.clip(np.sqrt(sample / f) + sample / f, None, 1.0)  # the same formula, expanded


CORRECT_L12 = {"keep_probability": [exercises()["keep_probability"].model, keep_loop, keep_torch, keep_clip]}


@pytest.mark.parametrize("answer", CORRECT_L12["keep_probability"], ids=lambda f: f.__name__)
def test_correct_keep_probability_answers_pass(answer, capsys):
    assert check("keep_probability", answer)


def keep_uncapped(counts, sample):
    f = np.asarray(counts) / np.sum(counts)
    return (np.sqrt(f / sample) + 1) * sample / f


def keep_paper(counts, sample):
    f = np.asarray(counts) / np.sum(counts)
    return np.minimum(np.sqrt(sample / f), 1.0)


def keep_raw_counts(counts, sample):
    c = np.asarray(counts, dtype=float)
    return np.minimum((np.sqrt(c / sample) + 1) * sample / c, 1.0)


def keep_drop(counts, sample):
    return 1 - keep_probability(counts, sample)


@pytest.mark.parametrize(("answer", "phrase"), [
    (keep_uncapped, "at most 1"), (keep_paper, "2013 paper"), (keep_raw_counts, "frequency"), (keep_drop, "dropping"),
])
def test_wrong_keep_probability_answers_fail_with_the_mistake_named(answer, phrase, capsys):
    assert not check("keep_probability", answer)
    assert phrase in capsys.readouterr().out


@pytest.mark.parametrize(("answer", "ok"), [(845, True), (845.0, True), (1014, False), (5071, False), (6, False)])
def test_softmax_question(answer, ok, capsys):
    assert bool(check("softmax_vs_sampling", answer)) is ok
