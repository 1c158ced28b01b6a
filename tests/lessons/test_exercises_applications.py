"""Checkers of the application lessons (07 one-hot or embedding, 08 meaning): right answers pass in any
formulation, plausible wrong ones fail with feedback that names the mistake."""

import numpy as np
import pytest

from lookup_lib.exercises import check
from lookup_lib.lessons.l07_one_hot_vs_embedding.exercises import model_params
from lookup_lib.lessons.l08_embeddings_capture_meaning.exercises import cosine_similarity, nearest_rows


def _cosine_by_sums(a, b):
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (sum(x * x for x in a) * sum(y * y for y in b)) ** 0.5


def _nearest_by_loop(vectors, i, k):
    v = np.asarray(vectors, dtype=float)
    sims = [(-cosine_similarity(v[i], v[j]), j) for j in range(len(v)) if j != i]
    return [j for _, j in sorted(sims)[:k]]


# Correct answers in other formulations; tests/test_exercises.py runs each through check().
APPLICATION_CORRECT = {
    "model_params": [
        model_params,
        lambda n, d, c: [n * c + c, d * (n + c) + c],
        lambda n, d, c: np.array([c * (n + 1), n * d + c * (d + 1)]),
    ],
    "cosine_similarity": [
        cosine_similarity,
        lambda a, b: float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b))),
        _cosine_by_sums,
    ],
    "nearest_rows": [nearest_rows, _nearest_by_loop, lambda v, i, k: list(nearest_rows(v, i, k))],
}


def _passes(name, answer, capsys):
    ok = check(name, answer)
    return ok, capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "feedback"),
    [
        (lambda n, d, c: (n * c, n * d + d * c), "biases are missing"),
        (lambda n, d, c: (n * d + d * c + c, n * c + c), "swapped"),
        (lambda n, d, c: (n * c + c, n * d), "Linear(D, C) layer"),
        (lambda n, d, c: n * c + c, "two numbers"),
    ],
)
def test_model_params_rejects_plausible_mistakes_and_names_them(answer, feedback, capsys):
    ok, out = _passes("model_params", answer, capsys)
    assert not ok and feedback in out


@pytest.mark.parametrize(
    ("name", "right", "wrong", "feedback"),
    [
        ("embedding_params", 3_200_000, 50_000, "number of rows"),
        ("embedding_params", 3.2e6, 3_200_064, "no bias"),
        ("onehot_batch_bytes", 102_400_000, 2_048, "int64 indices"),
        ("onehot_batch_bytes", 1.024e8, 25_600_000, "4 bytes"),
        ("choose_encoding", ["one-hot", "embedding", "embedding", "one-hot"], ["embedding"] * 4, "one-hot is exact"),
        ("choose_encoding", ("onehot", "Embedding", "embedding", "one hot"), ["one-hot"] * 4, "2 million"),
        ("skipgram_pair_count", 14, 7, None),
    ],
)
def test_questions_accept_the_answer_in_several_spellings_and_explain_wrong_ones(name, right, wrong, feedback, capsys):
    ok, out = _passes(name, right, capsys)
    assert ok, out
    ok, out = _passes(name, wrong, capsys)
    assert not ok
    if feedback:
        assert feedback in out


def test_choose_encoding_refuses_a_bare_string_without_raising(capsys):
    ok, out = _passes("choose_encoding", "embedding", capsys)
    assert not ok and "not the kind of answer" in out


@pytest.mark.parametrize(
    ("answer", "feedback"),
    [
        (lambda a, b: float(np.dot(a, b)), "dot product"),
        (lambda a, b: float(np.dot(a, b) / np.linalg.norm(a)), "both vectors"),
        (lambda a, b: 1 - cosine_similarity(a, b), "distance"),
    ],
)
def test_cosine_similarity_rejects_plausible_mistakes(answer, feedback, capsys):
    ok, out = _passes("cosine_similarity", answer, capsys)
    assert not ok and feedback in out


def test_nearest_rows_accepts_the_reference_and_rejects_euclidean_and_reversed_order(capsys):
    assert _passes("nearest_rows", nearest_rows, capsys)[0]

    def euclidean(vectors, i, k):
        d = np.linalg.norm(np.asarray(vectors) - np.asarray(vectors)[i], axis=1)
        d[i] = np.inf
        return np.argsort(d, kind="stable")[:k]

    assert not _passes("nearest_rows", euclidean, capsys)[0]
    ok, out = _passes("nearest_rows", lambda v, i, k: nearest_rows(v, i, k)[::-1], capsys)
    assert not ok and "order" in out
