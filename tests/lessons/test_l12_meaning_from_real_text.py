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
    curve_summary,
    keep_probability,
    kjv_corpus,
    load_classifier,
    load_evaluation,
    load_learning_curve,
    load_similarity_pairs,
    load_vectors,
    spearman,
    three_starts,
    together,
    train_sgns,
    verse_mates,
    window_experiment,
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


def test_the_loop_in_the_lesson_is_the_librarys_train_sgns(one_thread):
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


# -- the learning curve, the classifier table and the window experiment ---------------------------------------
def test_the_learning_curve_tool_reproduces_the_smallest_size_for_seed_0(one_thread, capsys):
    pytest.importorskip("gensim")
    from tools import learning_curve

    assert learning_curve.check() == 0
    assert "reproduced" in capsys.readouterr().out


def test_the_learning_curve_file_has_every_size_and_seed_and_reuses_the_full_corpus():
    from tools import learning_curve

    curve = load_learning_curve()
    assert curve["sizes"] == list(learning_curve.SIZES) and curve["seeds"] == list(learning_curve.SEEDS)
    assert sorted((r["size"], r["seed"]) for r in curve["runs"]) == sorted(
        (s, seed) for s in learning_curve.SIZES for seed in learning_curve.SEEDS)
    for r in curve["runs"]:  # whole verses until the size is reached: at most one verse (< 100 words) over
        assert r["size"] <= r["tokens"] < r["size"] + 100
        assert r["covered"]["wordsim353"] <= r["covered"]["pooled"] <= 300
    ev = load_evaluation()
    assert curve["full"]["models"]["course"]["wordsim353"] == ev["models"]["course"]["wordsim353"]
    assert curve["full"]["random_p95"]["pooled"] == ev["random"]["pooled"]["p95"]


def test_the_subset_is_whole_verses_drawn_by_the_seed():
    from tools.learning_curve import subset

    verses = kjv_corpus().train
    a, b, c = subset(verses, 10_000, 0), subset(verses, 10_000, 0), subset(verses, 10_000, 1)
    assert a == b and a != c
    assert all(v in verses for v in a[:20]) and sum(map(len, a)) >= 10_000 > sum(map(len, a[:-1])) - 200
    with pytest.raises(ValueError, match="tokens"):
        subset(verses, 0, 0)


def test_curve_summary_puts_the_full_corpus_last_and_averages_the_seeds():
    curve = load_learning_curve()
    summary = curve_summary(curve, "covered")
    assert len(summary["tokens"]) == len(curve["sizes"]) + 1 and summary["tokens"] == sorted(summary["tokens"])
    first = [r for r in curve["runs"] if r["size"] == curve["sizes"][0]]
    assert summary["curves"]["ppmi"]["wordsim353"][0] == [r["models"]["ppmi"]["wordsim353"]["covered"] for r in first]
    assert summary["covered"]["pooled"][-1] == 300
    assert summary["curves"]["gensim"]["pooled"][-1] == load_evaluation()["models"]["gensim"]["pooled"]
    assert summary["random_p95"]["pooled"] != curve_summary(curve, "all")["random_p95"]["pooled"]
    with pytest.raises(ValueError, match="key"):
        curve_summary(curve, "some")


def test_the_classifier_tool_reproduces_its_first_entry(one_thread, capsys):
    from tools import verse_classifier

    assert verse_classifier.check() == 0
    assert "reproduced" in capsys.readouterr().out


def test_the_classifier_table_has_five_seeds_per_size_and_start():
    table = load_classifier()
    assert table["test_verses"] == 3110 and 0.2 < table["majority"] < 0.25
    for start in ("random init", "frozen", "fine-tuned"):
        assert all(len(table["accuracy"][start][str(n)]) == 5 for n in table["sizes"])


def test_the_classifier_mean_is_the_masked_mean_of_the_verse_words():
    from torch import nn

    from lookup_lib.lessons.l12_meaning_from_real_text.classify import VerseClassifier

    ids = torch.tensor([[3, 4, 0, 0], [5, 0, 0, 0], [0, 0, 0, 0]])
    table = nn.Embedding.from_pretrained(torch.randn(6, 3, generator=torch.Generator().manual_seed(0)), padding_idx=0)
    model = VerseClassifier(table)
    mask = (ids != 0).unsqueeze(-1)
    expected = (table(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)
    assert torch.allclose(model(ids), model.out(expected), atol=1e-6)


def test_three_starts_rejects_a_size_it_cannot_draw():
    with pytest.raises(ValueError, match="n must be"):
        three_starts(torch.zeros(5, 4, dtype=torch.int64), torch.zeros(5, dtype=torch.int64), None, None,
                     np.zeros((3, 2)), 6, 0)


def test_verse_mates_counts_neighbours_that_share_a_verse():
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    mates = np.eye(4, dtype=bool)
    mates[0, 2] = mates[2, 0] = True
    # word 0: nearest is 1 (not a mate), then 2 (a mate); word 2: nearest is 1, then 0 (a mate)
    assert verse_mates(vectors, np.array([0]), mates, 1) == 0.0
    assert verse_mates(vectors, np.array([0, 2]), mates, 2) == 0.5


def test_together_marks_words_of_one_verse():
    out = together(np.array([0, 1, 1, 2, 3]), np.array([0, 0, 1, 1, 2]), 4)
    assert out[0, 1] and out[1, 2] and not out[0, 2] and out[3, 3] and not out[2, 3]
    assert np.array_equal(out, out.T)


def test_the_exact_ppmi_vectors_span_what_the_randomized_svd_finds():
    from lookup_lib.lessons.l12_meaning_from_real_text.baselines import ppmi_svd
    from lookup_lib.lessons.l12_meaning_from_real_text.window import ppmi_vectors

    corpus = kjv_corpus()
    ids, verse = flatten(corpus.train[:100], corpus.vocab)
    seen = np.unique(ids)
    ids = np.searchsorted(seen, ids)
    exact, randomized = ppmi_vectors(ids, verse, len(seen), 10, 3), ppmi_svd(ids, verse, len(seen), 10, 3)
    assert exact.shape == randomized.shape == (len(seen), 10)
    q_exact, q_rand = np.linalg.qr(exact)[0], np.linalg.qr(randomized)[0]
    assert np.linalg.svd(q_exact.T @ q_rand, compute_uv=False)[:5].min() > 0.99  # the same leading subspace


def test_a_wider_window_makes_more_neighbours_verse_mates_on_genesis(one_thread):
    corpus = kjv_corpus()
    measured = window_experiment(corpus.train[:1380], corpus.vocab, (2, 10))
    assert measured[10] > measured[2] + 0.2
    with pytest.raises(ValueError, match="method"):
        window_experiment(corpus.train[:10], corpus.vocab, (2,), method="svd")
    with pytest.raises(ValueError, match="windows"):
        window_experiment(corpus.train[:10], corpus.vocab, (0,))


# -- the verse_mates exercise --------------------------------------------------------------------------------
def mates_loop(vectors, words, mates, k):
    hits = 0
    for w in words:
        best = sorted(((float(np.dot(vectors[w], vectors[j]) / np.linalg.norm(vectors[w]) / np.linalg.norm(vectors[j])),
                        j) for j in range(len(vectors)) if j != w), reverse=True)[:k]
        hits += sum(bool(mates[w, j]) for _, j in best)
    return hits / (k * len(words))


def mates_torch(vectors, words, mates, k):
    v = torch.nn.functional.normalize(torch.as_tensor(vectors), dim=1)
    sims = v[torch.as_tensor(words)] @ v.T  # (Q, V)
    sims[torch.arange(len(words)), torch.as_tensor(words)] = -float("inf")
    nearest = sims.topk(k, dim=1).indices  # (Q, k)
    return float(torch.as_tensor(mates)[torch.as_tensor(words)[:, None], nearest].float().mean())


def mates_vectorised(vectors, words, mates, k):
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = v[words] @ v.T
    sims[np.arange(len(words)), words] = -np.inf
    nearest = np.argsort(-sims, axis=1)[:, :k]
    return float(mates[np.asarray(words)[:, None], nearest].mean())


CORRECT_L12["verse_mates"] = [exercises()["verse_mates"].model, mates_loop, mates_torch, mates_vectorised]


@pytest.mark.parametrize("answer", CORRECT_L12["verse_mates"], ids=lambda f: f.__name__)
def test_correct_verse_mates_answers_pass(answer, capsys):
    assert check("verse_mates", answer)


@pytest.mark.parametrize(("options", "phrase"), [
    ({"skip_self": False}, "its own nearest"), ({"per_word": True}, "per query word"),
    ({"cosine": False}, "raw dot products"), ({"nearest": False}, "farthest"),
])
def test_wrong_verse_mates_answers_fail_with_the_mistake_named(options, phrase, capsys):
    from lookup_lib.lessons.l12_meaning_from_real_text.exercises import _mates_variant

    def answer(vectors, words, mates, k):
        return _mates_variant(vectors, words, mates, k, **options)

    assert not check("verse_mates", answer)
    assert phrase in capsys.readouterr().out


def test_verse_mates_refuses_floor_division(capsys):
    def floor_divided(vectors, words, mates, k):
        hits = exercises()["verse_mates"].model(vectors, words, mates, k) * k * len(words)
        return int(round(hits)) // (k * len(words))

    assert not check("verse_mates", floor_divided)
    assert "Divide with /, not //" in capsys.readouterr().out


def test_the_lesson_prose_quotes_the_shipped_classifier_and_curve():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    acc = load_classifier()["accuracy"]
    for start, n in (("frozen", "100"), ("random init", "100"), ("frozen", "3000"), ("random init", "3000"),
                     ("fine-tuned", "100")):
        mean, sd = np.mean(acc[start][n]), np.std(acc[start][n], ddof=1)
        assert f"{mean:.3f} ± {sd:.3f}" in prose, (start, n)
    ev = load_evaluation()
    assert f"{np.mean(ev['models']['course']['pooled']):.3f} ± {np.std(ev['models']['course']['pooled'], ddof=1):.3f}" \
        in prose


def test_solutions_print_their_comments_in_the_lessons_language(monkeypatch, capsys):
    from lookup_lib.exercises import solution

    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    solution("keep_probability")
    solution("verse_mates")
    out = capsys.readouterr().out
    assert "# 每个词在文本中所占的比例" in out and "# 一个词不是它自己的近邻" in out
    assert "share of the text" not in out and "its own neighbour" not in out
    assert "freq = counts / counts.sum()" in out  # the code itself is the code that runs
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    solution("keep_probability")
    assert "# each word's share of the text" in capsys.readouterr().out
