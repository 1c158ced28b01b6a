"""The exercise checkers: they accept every correct formulation and name the usual mistakes.

Each checker is run on the model solution, lookup_lib's reference and other correct
implementations (loops, np.eye, np.add.at, comparisons, torch), and on a catalogue of plausible
wrong answers; the printed feedback is asserted on (via capsys), because the feedback is the point.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

import lookup_lib
from lookup_lib.bag import embedding_bag
from lookup_lib.exercises import check, exercises, grade, hint, list_exercises, solution
from lookup_lib.lessons.kit.exercise import FunctionExercise
from lookup_lib.lessons.l02_one_hot_matmul.cost import multiply_adds
from tests.lessons.test_exercises_applications import APPLICATION_CORRECT

FUNCTIONS = [name for name in list_exercises() if isinstance(exercises()[name], FunctionExercise)]
QUESTION_NAMES = [name for name in list_exercises() if name not in FUNCTIONS]

# ---------------------------------------------------------------------------------------------
# Correct answers
# ---------------------------------------------------------------------------------------------


def one_hot_loop(indices, num_classes):
    indices = np.asarray(indices)
    out = np.zeros((*indices.shape, num_classes), dtype=np.float32)
    for position in np.ndindex(indices.shape):
        out[position + (indices[position],)] = 1
    return out


def one_hot_compare(indices, num_classes):
    return (np.asarray(indices)[..., None] == np.arange(num_classes)).astype(np.float64)


def one_hot_torch(indices, num_classes):
    return torch.eye(num_classes)[torch.as_tensor(indices, dtype=torch.int64)]


def lookup_loop(indices, weight):
    indices, weight = np.asarray(indices), np.asarray(weight)
    out = np.zeros((*indices.shape, weight.shape[1]), dtype=weight.dtype)
    for position in np.ndindex(indices.shape):
        out[position] = weight[indices[position]]
    return out


def lookup_take(indices, weight):
    return np.take(weight, indices, axis=0)


def lookup_torch(indices, weight):
    return (
        torch.as_tensor(weight)
        .index_select(0, torch.as_tensor(indices).reshape(-1))
        .reshape(*np.shape(indices), np.shape(weight)[1])
    )


def matmul_compare(indices, weight):
    weight = np.asarray(weight)
    encoded = (np.asarray(indices)[..., None] == np.arange(weight.shape[0])).astype(weight.dtype)
    return encoded @ weight


def matmul_einsum(indices, weight):
    weight = np.asarray(weight)
    return np.einsum("...v,vd->...d", np.eye(weight.shape[0])[indices], weight)


def backward_loop(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    flat = np.asarray(indices).reshape(-1)
    grads = np.asarray(grad_output).reshape(flat.size, grad_output.shape[-1])
    out = np.zeros((num_embeddings, grads.shape[1]))
    counts = {k: int((flat == k).sum()) for k in set(flat.tolist())}
    for k, g in zip(flat, grads, strict=True):
        if padding_idx is not None and k == padding_idx % num_embeddings:
            continue
        out[k] += g / counts[k] if scale_grad_by_freq else g
    return out


def backward_one_hot(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    flat = np.asarray(indices).reshape(-1)
    grads = np.asarray(grad_output, dtype=np.float64).reshape(flat.size, grad_output.shape[-1])
    encoded = np.eye(num_embeddings)[flat]  # (N, V): the gradient of one_hot @ W is one_hot.T @ grad
    if scale_grad_by_freq:
        grads = grads / encoded.sum(axis=0)[flat][:, None]
    grad_weight = encoded.T @ grads
    if padding_idx is not None:
        grad_weight[padding_idx] = 0.0
    return grad_weight


def backward_torch(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    grad = torch.as_tensor(grad_output)
    weight = torch.zeros(num_embeddings, grad.shape[-1], dtype=grad.dtype, requires_grad=True)
    out = torch.nn.functional.embedding(
        torch.as_tensor(indices), weight, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq
    )
    out.backward(grad)
    return weight.grad


def renorm_vectorised(weight, indices, max_norm, norm_type=2.0):
    rows = np.unique(indices)
    norms = np.linalg.norm(weight[rows], ord=norm_type, axis=1)
    too_long = norms > max_norm
    weight[rows[too_long]] *= (max_norm / (norms[too_long] + 1e-7))[:, None]
    return weight


def renorm_loop_without_eps(weight, indices, max_norm, norm_type=2.0):
    for k in sorted(set(np.asarray(indices).reshape(-1).tolist())):
        row = np.abs(weight[k].astype(np.float64))
        norm = row.max() if np.isinf(norm_type) else (row**norm_type).sum() ** (1 / norm_type)
        if norm > max_norm:
            weight[k] = weight[k] * (max_norm / norm)
    return weight


def renorm_torch(weight, indices, max_norm, norm_type=2.0):
    table = torch.from_numpy(weight)  # shares memory with weight
    rows = torch.unique(torch.as_tensor(indices).reshape(-1))
    norms = torch.linalg.vector_norm(table[rows], ord=norm_type, dim=1)
    too_long = norms > max_norm
    table[rows[too_long]] *= (max_norm / (norms[too_long] + 1e-7))[:, None]
    return weight


def bag_sum_reduceat(indices, weight, offsets):
    rows = np.asarray(weight)[indices]  # (N, D)
    out = np.zeros((len(offsets), rows.shape[1]), dtype=rows.dtype)
    ends = np.r_[offsets[1:], len(indices)]
    full = ends > offsets  # np.add.reduceat mishandles empty bags: skip them
    if full.any():
        out[full] = np.add.reduceat(rows, offsets[full], axis=0)
    return out


def bag_sum_matrix(indices, weight, offsets):
    """A (B, N) 0/1 matrix saying which entry is in which bag, times the looked-up rows."""
    positions = np.arange(len(indices))
    ends = np.r_[offsets[1:], len(indices)]
    membership = (positions >= np.asarray(offsets)[:, None]) & (positions < ends[:, None])
    return membership.astype(np.float64) @ np.asarray(weight)[indices]


def bag_sum_torch(indices, weight, offsets):
    indices, weight = torch.as_tensor(indices), torch.as_tensor(weight)
    offsets = torch.as_tensor(offsets)
    bag_of = torch.bucketize(torch.arange(len(indices)), offsets, right=True) - 1  # the bag of each position
    return torch.zeros(len(offsets), weight.shape[1], dtype=weight.dtype).index_add_(0, bag_of, weight[indices])


def renorm_with_torch_renorm(weight, indices, max_norm, norm_type=2.0):
    with torch.no_grad():
        torch.embedding_renorm_(torch.from_numpy(weight), torch.as_tensor(indices).reshape(-1), max_norm, norm_type)
    return weight


def bag_sum_with_torch(indices, weight, offsets):
    return torch.nn.functional.embedding_bag(
        torch.as_tensor(indices), torch.as_tensor(weight), torch.as_tensor(offsets), mode="sum"
    )


def model(name):
    return exercises()[name].model


def matmul_torch(indices, weight):
    weight = torch.as_tensor(weight)
    encoded = torch.nn.functional.one_hot(torch.as_tensor(indices), weight.shape[0]).to(weight.dtype)
    return encoded @ weight


CORRECT = {
    "one_hot": [model("one_hot"), one_hot_loop, one_hot_compare, one_hot_torch],
    "lookup": [model("lookup"), lookup_loop, lookup_take, lookup_torch],
    "one_hot_matmul": [model("one_hot_matmul"), matmul_compare, matmul_einsum, matmul_torch],
    "embedding_backward": [model("embedding_backward"), backward_loop, backward_one_hot, backward_torch],
    "renorm": [model("renorm"), renorm_vectorised, renorm_loop_without_eps, renorm_torch],
    "embedding_bag_sum": [model("embedding_bag_sum"), bag_sum_reduceat, bag_sum_matrix, bag_sum_torch],
    **APPLICATION_CORRECT,
}

# Answers that call the very function the exercise asks for: right, so they pass with a note naming the
# shortcut; the graded form refuses them. (exercise, answer, the name in the note)
SHORTCUTS = [
    (
        "lookup",
        lambda i, w: torch.nn.functional.embedding(torch.as_tensor(i), torch.as_tensor(w)),
        "torch.nn.functional.embedding",
    ),
    (
        "lookup",
        lambda i, w: torch.nn.Embedding.from_pretrained(torch.as_tensor(w))(torch.as_tensor(i)),
        "torch.nn.functional.embedding",
    ),
    ("lookup", lookup_lib.embedding, "lookup_lib.embedding"),
    ("lookup", lambda i, w: lookup_lib.embedding(i, w), "lookup_lib.embedding"),
    ("lookup", lambda i, w: lookup_lib.core.embedding(i, w), "lookup_lib.core.embedding"),
    (
        "one_hot",
        lambda i, c: torch.nn.functional.one_hot(torch.as_tensor(i, dtype=torch.int64), c).float(),
        "torch.nn.functional.one_hot",
    ),
    ("one_hot", lookup_lib.one_hot, "lookup_lib.one_hot"),
    ("one_hot_matmul", lookup_lib.one_hot_matmul, "lookup_lib.one_hot_matmul"),
    ("embedding_backward", lookup_lib.embedding_backward, "lookup_lib.embedding_backward"),
    ("renorm", lookup_lib.renorm_, "lookup_lib.renorm_"),
    ("renorm", renorm_with_torch_renorm, "torch.embedding_renorm_"),
    ("embedding_bag_sum", lambda i, w, o: embedding_bag(i, w, o, mode="sum"), "lookup_lib.embedding_bag"),
    ("embedding_bag_sum", bag_sum_with_torch, "torch.nn.functional.embedding_bag"),
]


@pytest.mark.parametrize(("name", "answer", "shortcut"), SHORTCUTS, ids=[f"{n}-{s}" for n, _, s in SHORTCUTS])
def test_an_answer_calling_the_library_passes_with_a_note_and_fails_when_graded(name, answer, shortcut, capsys):
    assert check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {name}: all ") and f"Note: your answer calls `{shortcut}`" in out
    assert "write it by hand" in out
    with pytest.raises(AssertionError, match=f"calls `{re.escape(shortcut)}`"):
        grade(name, answer)
    assert capsys.readouterr().out == ""  # the graded form says it in the exception only


@pytest.mark.parametrize(
    ("name", "answer"),
    [(name, answer) for name, answers in CORRECT.items() for answer in answers],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_correct_implementations_pass(name, answer, capsys):
    assert check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {name}: all ") and "cases pass" in out and out.count("\n") == 1


def test_every_function_exercise_has_at_least_three_correct_answers_tested():
    # lessons 10 and 11 keep their catalogues beside their own tests
    from tests.lessons.test_l11_tables_too_big_for_one_machine import CORRECT_L11
    from tests.lessons.test_l12_meaning_from_real_text import CORRECT_L12

    assert sorted(FUNCTIONS) == sorted({**CORRECT, **CORRECT_L11, **CORRECT_L12})
    assert all(len(answers) >= 3 for answers in {**CORRECT, **CORRECT_L11, **CORRECT_L12}.values())


# ---------------------------------------------------------------------------------------------
# Wrong answers and the feedback they get
# ---------------------------------------------------------------------------------------------


def _backward_without(**ignored):
    """The model solution with some of its options ignored."""

    def answer(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
        options = {"padding_idx": padding_idx, "scale_grad_by_freq": scale_grad_by_freq} | ignored
        return model("embedding_backward")(grad_output, indices, num_embeddings, **options)

    return answer


def backward_overwrite(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    flat = np.asarray(indices).reshape(-1)
    grad_weight = np.zeros((num_embeddings, grad_output.shape[-1]))
    grad_weight[flat] += grad_output.reshape(flat.size, grad_output.shape[-1])  # buffered: repeats count once
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight


def backward_negative_padding_kept(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    flat = np.asarray(indices).reshape(-1)
    grads = grad_output.reshape(flat.size, grad_output.shape[-1])
    keep = flat != padding_idx  # -1 never matches: the last row keeps its gradient
    grad_weight = np.zeros((num_embeddings, grads.shape[1]))
    np.add.at(grad_weight, flat[keep], grads[keep])
    return grad_weight


def backward_off_by_one(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    flat = np.asarray(indices).reshape(-1)
    grad_weight = np.zeros((num_embeddings, grad_output.shape[-1]))
    np.add.at(grad_weight, flat - 1, grad_output.reshape(flat.size, grad_output.shape[-1]))
    return grad_weight


def _renorm_variant(change):
    """A renorm that changes the table with ``change(weight, rows, max_norm, norm_type)``, in place."""

    def answer(weight, indices, max_norm, norm_type=2.0):
        change(weight, np.unique(indices), max_norm, norm_type)
        return weight

    return answer


def _every_row(weight, rows, max_norm, norm_type):
    lookup_lib.renorm_(weight, np.arange(weight.shape[0]), max_norm, norm_type)


def _clip(weight, rows, max_norm, norm_type):
    weight[rows] = np.clip(weight[rows], -max_norm, max_norm)


def _stretch(weight, rows, max_norm, norm_type):
    norms = np.linalg.norm(weight[rows], ord=norm_type, axis=1)
    weight[rows] *= (max_norm / norms)[:, None]


def _two_norm(weight, rows, max_norm, norm_type):
    lookup_lib.renorm_(weight, rows, max_norm, 2.0)


def renorm_copy(weight, indices, max_norm, norm_type=2.0):
    return lookup_lib.renorm_(weight.copy(), indices, max_norm, norm_type)


def renorm_returns_none(weight, indices, max_norm, norm_type=2.0):
    lookup_lib.renorm_(weight, indices, max_norm, norm_type)


WRONG = [
    # one_hot
    ("one_hot", lambda i, c: np.eye(c + 1)[i], "off by one"),
    ("one_hot", lambda i, c: np.eye(c)[np.asarray(i) - 1], "off by one"),
    ("one_hot", lambda i, c: np.moveaxis(np.eye(c)[i], -1, 0), "class axis came first"),
    ("one_hot", lambda i, c: np.eye(c)[np.asarray(i).reshape(-1)], "flattened"),
    ("one_hot", lambda i, c: np.eye(np.max(i) + 1)[i], "a category absent from the input"),
    ("one_hot", lambda i, c: np.eye(c)[i] * (np.asarray(i)[..., None] + 1), "single 1"),
    # lookup
    ("lookup", lambda i, w: np.asarray(w)[np.asarray(i) - 1], "off by one"),
    ("lookup", lambda i, w: np.asarray(w)[:, i], "indexed the columns"),
    ("lookup", lambda i, w: np.asarray(w)[np.asarray(i).reshape(-1)], "flattened"),
    ("lookup", lambda i, w: np.asarray(w)[i].T, "transposed"),
    ("lookup", lambda i, w: None, "forget the `return`"),
    ("lookup", lambda i, w: w.fill(0) or np.zeros((*np.shape(i), w.shape[1])), "expected: "),
    # one_hot_matmul
    ("one_hot_matmul", lambda i, w: np.eye(np.max(i) + 1)[i] @ w, "V = weight.shape[0]"),
    ("one_hot_matmul", lambda i, w: np.eye(w.shape[0])[i] @ w.T, "check the shapes"),
    ("one_hot_matmul", lambda i, w: (np.eye(w.shape[0])[i] @ w).reshape(-1, w.shape[1]), "flattened"),
    ("one_hot_matmul", lambda i, w: np.eye(w.shape[0])[i] @ np.roll(w, 1, axis=0), "off by one"),
    # embedding_backward
    ("embedding_backward", backward_overwrite, "overwritten, not accumulated — look at repeated indices"),
    ("embedding_backward", _backward_without(padding_idx=None), "forgot padding"),
    ("embedding_backward", backward_negative_padding_kept, "padding_idx=-1 counts from the end: it is row 5"),
    ("embedding_backward", _backward_without(scale_grad_by_freq=False), "ignored scale_grad_by_freq"),
    ("embedding_backward", lambda g, i, v, **k: model("embedding_backward")(g, i, v, **k).T, "the table's shape"),
    ("embedding_backward", backward_off_by_one, "off by one"),
    # renorm
    ("renorm", _renorm_variant(_every_row), "renormalised every row"),
    ("renorm", _renorm_variant(_clip), "clipped each entry elementwise"),
    ("renorm", _renorm_variant(_stretch), "scaled short rows up"),
    ("renorm", _renorm_variant(_two_norm), "ignored norm_type"),
    ("renorm", renorm_copy, "returned a copy instead of changing `weight` in place"),
    ("renorm", renorm_returns_none, "the function returned None; finish with `return weight`"),
    ("renorm", lambda w, i, m, norm_type=2.0: w, "weight did not change"),
    # embedding_bag_sum
    ("embedding_bag_sum", lambda i, w, o: embedding_bag(i, w, o, mode="mean"), "you averaged each bag"),
    ("embedding_bag_sum", lambda i, w, o: embedding_bag(i, w, o, mode="max"), "you took the largest entry"),
    ("embedding_bag_sum", lambda i, w, o: embedding_bag(i, w, o, mode="sum")[:-1], "the last bag is missing"),
    ("embedding_bag_sum", lambda i, w, o: np.asarray(w)[i], "one row per bag"),
    ("embedding_bag_sum", lambda i, w, o: np.add.reduceat(np.asarray(w)[i], o, axis=0), "an empty bag must give"),
]


@pytest.mark.parametrize(("name", "answer", "phrase"), WRONG, ids=[f"{n}-{p[:30]}" for n, _, p in WRONG])
def test_wrong_answers_fail_with_feedback_naming_the_mistake(name, answer, phrase, capsys):
    assert not check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: ") and "First failure — " in out
    assert phrase in out, out
    assert f'Stuck? hint("{name}")' in out


def test_feedback_shows_the_input_expected_got_and_max_difference(capsys):
    check("embedding_backward", backward_overwrite)
    out = capsys.readouterr().out
    assert "First failure — repeated unsorted indices:" in out
    assert "indices = [3, 1, 3, 0, 3]" in out
    assert "expected: " in out and "got:      " in out and "max difference: " in out


def test_only_the_repeated_row_is_named_as_overwritten(capsys):
    check("embedding_backward", backward_overwrite)
    assert "row 3 was overwritten" in capsys.readouterr().out


def test_failure_summary_lists_the_failing_cases_only(capsys):
    check("embedding_backward", _backward_without(scale_grad_by_freq=False))
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        "✗ embedding_backward: 2 of 9 cases fail (scale_grad_by_freq=True; scale_grad_by_freq with padding_idx=2)."
    )


def test_an_answer_that_changes_its_input_fails_even_with_the_right_result(capsys):
    def lookup_that_zeroes_the_table(indices, weight):
        out = weight[indices].copy()
        weight[:] = 0
        return out

    assert not check("lookup", lookup_that_zeroes_the_table)
    assert "changed its input `weight`" in capsys.readouterr().out


def test_an_answer_that_mutates_its_inputs_cannot_corrupt_the_expected_values(capsys):
    """The expected values come from separate copies: emptying the table does not make zeros right."""

    def zero_then_lookup(indices, weight):
        weight[:] = 0
        return weight[indices]

    assert not check("lookup", zero_then_lookup)
    assert check("lookup", model("lookup"))  # the cases themselves were not touched


# ---------------------------------------------------------------------------------------------
# Stubs, exceptions, odd answers: reported, never raised
# ---------------------------------------------------------------------------------------------


def stub(*args, **kwargs):
    raise NotImplementedError("Your code here")


@pytest.mark.parametrize("name", list_exercises())
def test_a_stub_or_none_is_reported_as_not_attempted(name, capsys):
    answer = stub if name in FUNCTIONS else None
    assert not check(name, answer)
    assert capsys.readouterr().out == (
        f"✎ {name}: not attempted yet — write your answer in place of the stub, then run this cell again.\n"
    )


def test_a_stub_called_by_a_written_answer_is_named(capsys):
    def one_hot(indices, num_classes):
        raise NotImplementedError("Your code here")

    def one_hot_matmul(indices, weight):
        return one_hot(indices, weight.shape[0]) @ weight

    assert not check("one_hot_matmul", one_hot_matmul)
    out = capsys.readouterr().out
    assert "not attempted" not in out
    assert "your function calls `one_hot`, which is not written yet" in out


def test_an_answer_that_raises_is_reported_with_the_exception_name(capsys):
    def broken(indices, weight):
        return 1 / 0

    assert not check("lookup", broken)
    out = capsys.readouterr().out
    assert "raised ZeroDivisionError: division by zero" in out


def test_exception_messages_carry_no_memory_address(capsys):
    def raises_with_repr(indices, weight):
        raise ValueError(f"bad object {object()!r}")

    check("lookup", raises_with_repr)
    out = capsys.readouterr().out
    assert "raised ValueError: bad object <object object at 0x…>" in out


def test_missing_keyword_parameters_are_reported_not_raised(capsys):
    def no_options(grad_output, indices, num_embeddings):
        return model("embedding_backward")(grad_output, indices, num_embeddings)

    assert not check("embedding_backward", no_options)
    assert "raised TypeError" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [3, "lookup", [1, 2]])
def test_a_function_exercise_given_a_value_says_so(answer, capsys):
    assert not check("lookup", answer)
    assert "expected a function" in capsys.readouterr().out


def test_a_result_that_is_not_numbers_is_described(capsys):
    assert not check("lookup", lambda i, w: "rows")
    assert "expected an array of numbers" in capsys.readouterr().out


def test_unknown_exercise_suggests_the_closest_name(capsys):
    assert not check("lookp", model("lookup"))
    out = capsys.readouterr().out
    assert "There is no exercise called 'lookp'. Did you mean 'lookup'?" in out


def test_a_checker_bug_is_reported_not_raised(monkeypatch, capsys):
    def broken_cases():
        raise RuntimeError("boom")

    monkeypatch.setattr(exercises()["lookup"], "cases", broken_cases)
    assert not check("lookup", model("lookup"))
    assert "the checker itself failed (RuntimeError)" in capsys.readouterr().out


def test_feedback_is_deterministic(capsys):
    outputs = []
    for _ in range(2):
        check("renorm", _renorm_variant(_clip))
        check("lookup", lambda i, w: np.asarray(w)[np.asarray(i) - 1])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "0x" not in outputs[0]


# ---------------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------------

QUESTIONS = {
    "predict_shape": [(2, 3, 4, 5), [2, 3, 4, 5], np.array([2, 3, 4, 5]), torch.Size([2, 3, 4, 5])],
    "onehot_cost": [2_560_000, 2.56e6, np.int64(2_560_000), 4 * 5000 * 128],
    "padding_grad_rows": [[3, 5], (3, 5), np.array([3, 5]), {5, 3}, [5, 3]],
    "max_norm_rows": [[1], (1,), np.array([1]), 1, torch.tensor([1])],
    "scale_grad_row": [1, 1.0, np.float32(1.0), 1.0000001, torch.tensor(1.0)],
    "sparse_grad_nnz": [5, 5.0, np.int64(5)],
}


@pytest.mark.parametrize(
    ("name", "answer"), [(name, answer) for name, answers in QUESTIONS.items() for answer in answers]
)
def test_questions_accept_equivalent_spellings(name, answer, capsys):
    assert check(name, answer)
    assert capsys.readouterr().out == f"✓ {name}: correct!\n"


WRONG_ANSWERS = [
    ("predict_shape", (2, 3, 4), "shape of the indices"),
    ("predict_shape", (10, 5), "shape of the table"),
    ("predict_shape", (24, 5), "not flattened"),
    ("predict_shape", (5, 2, 3, 4), "Each index is replaced"),
    ("onehot_cost", 512, "what the lookup copies"),
    ("onehot_cost", 640_000, "size of the table"),
    ("onehot_cost", 5_120_000, "one multiply-add as one operation"),
    ("onehot_cost", 1234, "dot products"),
    ("padding_grad_rows", [0, 3, 5], "padding_idx"),
    ("padding_grad_rows", [0, 1, 2, 3, 4, 5], "never looked up"),
    ("padding_grad_rows", [3], "Another row"),
    ("max_norm_rows", [1, 2], "never looked up"),
    ("max_norm_rows", [0, 1, 3], "short rows stay"),
    ("max_norm_rows", [0, 1, 2, 3], "Only looked-up rows"),
    ("max_norm_rows", [3], "looked up and its norm exceeds max_norm"),
    ("scale_grad_row", 3, "without scale_grad_by_freq"),
    ("scale_grad_row", 1 / 3, "one contribution after scaling"),
    ("scale_grad_row", 0.5, "Count how often row 2 occurs"),
    ("sparse_grad_nnz", 6, "padding_idx are left out"),
    ("sparse_grad_nnz", 3, "after .coalesce()"),
    ("sparse_grad_nnz", 10, "dense gradient"),
]


@pytest.mark.parametrize(("name", "answer", "phrase"), WRONG_ANSWERS)
def test_wrong_question_answers_get_a_hint_not_the_answer(name, answer, phrase, capsys):
    assert not check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: ") and phrase in out
    right = exercises()[name]
    assert right.shown not in out if right.shown else repr(right.answer) not in out


def test_question_answers_agree_with_lookup_lib():
    """The answers written in the exercises are what lookup_lib (and so torch) computes."""
    out = lookup_lib.embedding(np.zeros((2, 3, 4), dtype=np.int64), np.zeros((10, 5)))
    assert check("predict_shape", out.shape)
    assert check("onehot_cost", multiply_adds(4, 5000, 128))
    grad = lookup_lib.embedding_backward(np.ones((2, 3, 2)), [[5, 0, 0], [3, 5, 0]], 6, padding_idx=0)
    assert check("padding_grad_rows", np.flatnonzero(grad.any(axis=1)))
    weight = np.array([[0.5, 0.0], [3.0, 0.0], [0.0, 4.0], [0.0, 1.5]])  # 2-norms 0.5, 3.0, 4.0, 1.5
    before = weight.copy()
    lookup_lib.renorm_(weight, [1, 0, 1, 3], max_norm=2.0)
    assert check("max_norm_rows", np.flatnonzero((weight != before).any(axis=1)))
    emb = torch.nn.Embedding(10, 1, sparse=True, padding_idx=0)
    emb(torch.tensor([[4, 7, 4], [9, 4, 0]])).sum().backward()
    assert check("sparse_grad_nnz", emb.weight.grad._nnz())
    emb = torch.nn.Embedding(6, 3, scale_grad_by_freq=True)
    emb(torch.tensor([2, 2, 2, 5])).sum().backward()
    assert check("scale_grad_row", emb.weight.grad[2, 0].item())


@pytest.mark.parametrize(
    ("name", "answer", "phrase"),
    [
        ("predict_shape", "2, 3, 4, 5", "'2, 3, 4, 5' is a string; give the numbers themselves"),
        ("padding_grad_rows", [3.5, 5], "is not the kind of answer expected here"),
        ("predict_shape", (2.9, 3.1, 4, 5), "2.9 is not a whole number"),
        ("predict_shape", (2, 3, 4, 5.5), "5.5 is not a whole number"),
        ("predict_shape", (2, 3, 4, True), "True is a bool, not a number"),
        ("skipgram_pair_count", 14.99, "14.99 is not a whole number"),
        ("skipgram_pair_count", True, "True is a bool, not a number"),
        ("onehot_cost", 2_560_000.5, "is not a whole number"),
        ("embedding_params", 3_200_000.5, "is not a whole number"),
        ("sparse_grad_nnz", 5.2, "5.2 is not a whole number"),
        ("scale_grad_row", True, "True is a bool, not a number"),
        ("max_norm_rows", [True], "is not the kind of answer expected here"),
    ],
)
def test_a_question_answer_of_the_wrong_kind_is_reported(name, answer, phrase, capsys):
    assert not check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: ") and phrase in out, out


@pytest.mark.parametrize(
    ("name", "answer"), [("skipgram_pair_count", 14.0), ("predict_shape", (2.0, 3, 4, 5)), ("embedding_params", 3.2e6)]
)
def test_a_whole_number_written_as_a_float_is_accepted(name, answer, capsys):
    """15.0 is the number 15: a float is refused only when it has a fraction."""
    assert check(name, answer)


# ---------------------------------------------------------------------------------------------
# hint, solution, list
# ---------------------------------------------------------------------------------------------


def test_list_exercises_names_every_exercise_once():
    names = list_exercises()
    assert len(names) == len(set(names)) == len(exercises())
    required = ["one_hot", "lookup", "one_hot_matmul", "embedding_backward", "renorm"]
    required += ["predict_shape", "onehot_cost", "padding_grad_rows", "max_norm_rows", "embedding_bag_sum"]
    assert set(required) <= set(names)


@pytest.mark.parametrize("name", list_exercises())
def test_hint_prints_a_hint(name, capsys):
    hint(name)
    out = capsys.readouterr().out
    assert out.startswith(f"Hint ({name}): ") and len(out) > 40


@pytest.mark.parametrize("name", FUNCTIONS)
def test_solution_shows_source_that_passes_its_own_check(name, capsys):
    solution(name)
    source = capsys.readouterr().out.split("\n", 1)[1]
    assert source.startswith(f"def {name}(")
    namespace = {"np": np}
    exec(source, namespace)  # the text the student sees is a working answer
    assert check(name, namespace[name])


@pytest.mark.parametrize("name", QUESTION_NAMES)
def test_solution_of_a_question_shows_an_answer_that_checks(name, capsys):
    solution(name)
    shown = capsys.readouterr().out.splitlines()[1]
    assert check(name, eval(shown))


def test_hint_and_solution_of_an_unknown_name_do_not_raise(capsys):
    hint("nope")
    solution("nope")
    assert capsys.readouterr().out.count("There is no exercise called 'nope'.") == 2


# ---------------------------------------------------------------------------------------------
# Issue 14, lessons 01-04: the harder exercises (debugging, transfer). One block, its own tests,
# so that other lessons' entries can be added above without touching it.
# ---------------------------------------------------------------------------------------------


def table_size_sorted(vocab):
    return sorted(vocab.values())[-1] + 1


def table_size_numpy(vocab):
    return int(np.max(np.fromiter(vocab.values(), dtype=np.int64))) + 1


def table_size_torch(vocab):
    return int(torch.tensor(list(vocab.values())).max()) + 1


def masked_max_loop(rows, mask):
    rows, mask = np.asarray(rows, dtype=np.float64), np.asarray(mask, dtype=bool)
    out = np.zeros((rows.shape[0], rows.shape[2]))
    for b in range(rows.shape[0]):
        if mask[b].any():
            out[b] = rows[b][mask[b]].max(axis=0)
    return out


def masked_max_torch(rows, mask):
    rows, mask = torch.as_tensor(rows), torch.as_tensor(mask)[..., None]
    pooled = rows.masked_fill(~mask, float("-inf")).amax(dim=1)
    return torch.where(mask.any(dim=1), pooled, torch.zeros(()))


def masked_max_nan_to_num(rows, mask):
    pooled = np.where(np.asarray(mask)[..., None], rows, -np.inf).max(axis=1)
    return np.where(np.isneginf(pooled), 0.0, pooled)  # an all-padding sentence: -inf everywhere, made 0


def _penalised(weight, indices, max_norm, *, penalty_of, order="penalty first", keep_max_norm=True):
    """The exercise's loss, with the penalty computed from ``penalty_of(emb.weight)``, before or after the lookup."""
    emb = torch.nn.Embedding.from_pretrained(
        torch.tensor(weight), freeze=False, max_norm=max_norm if keep_max_norm else None
    )
    if order == "penalty first":
        penalty = penalty_of(emb.weight)
        out = emb(torch.as_tensor(indices))
    else:
        out = emb(torch.as_tensor(indices))
        penalty = penalty_of(emb.weight)
    ((out - 1) ** 2).sum().add(penalty).backward()
    return emb.weight.grad


def penalised_lookup_first(weight, indices, max_norm):
    return _penalised(weight, indices, max_norm, penalty_of=lambda w: 0.1 * w.pow(2).sum(), order="lookup first")


def penalised_renorm_outside_autograd(weight, indices, max_norm):
    table = torch.tensor(weight, requires_grad=True)
    with torch.no_grad():  # the rescaling max_norm does, done first, where autograd does not record it
        torch.embedding_renorm_(table, torch.as_tensor(indices).reshape(-1), max_norm, 2.0)
    out = torch.nn.functional.embedding(torch.as_tensor(indices), table)
    (((out - 1) ** 2).sum() + 0.1 * (table**2).sum()).backward()
    return table.grad


def penalised_numpy(weight, indices, max_norm):
    before = np.asarray(weight, dtype=np.float64)
    after = lookup_lib.renorm_(np.array(weight), indices, max_norm).astype(np.float64)
    grad_out = 2 * (after[np.asarray(indices)] - 1)  # d/d(out) of Σ(out − 1)²
    return lookup_lib.embedding_backward(grad_out, indices, before.shape[0]) + 0.2 * before


HARDER_CORRECT = {
    "num_embeddings_for": [model("num_embeddings_for"), table_size_sorted, table_size_numpy, table_size_torch],
    "masked_max": [model("masked_max"), masked_max_loop, masked_max_torch, masked_max_nan_to_num],
    "penalised_grad": [
        model("penalised_grad"),
        penalised_lookup_first,
        penalised_renorm_outside_autograd,
        penalised_numpy,
    ],
}
CORRECT.update(HARDER_CORRECT)  # for test_every_function_exercise_has_at_least_three_correct_answers_tested


@pytest.mark.parametrize(
    ("name", "answer"),
    [(name, answer) for name, answers in HARDER_CORRECT.items() for answer in answers],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_harder_exercises_accept_correct_implementations(name, answer, capsys):
    assert check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {name}: all ") and "cases pass" in out and out.count("\n") == 1


def _buggy_penalised(weight, indices, max_norm):
    return _penalised(weight, indices, max_norm, penalty_of=lambda w: 0.1 * w.pow(2).sum())


def _masked_mean(rows, mask):
    from lookup_lib.lessons.l03_padding_idx import masked_mean

    return masked_mean(rows, mask)


def _masked_max_zeroed(rows, mask):
    return (np.asarray(rows) * np.asarray(mask)[..., None]).max(axis=1)


def _penalised_shared_memory(weight, indices, max_norm):
    emb = torch.nn.Embedding.from_pretrained(torch.from_numpy(weight), freeze=False, max_norm=max_norm)  # shares weight
    out = emb(torch.as_tensor(indices))
    (((out - 1) ** 2).sum() + 0.1 * emb.weight.pow(2).sum()).backward()
    return emb.weight.grad


HARDER_WRONG = [
    # num_embeddings_for (lesson 01, debugging)
    ("num_embeddings_for", lambda vocab: max(vocab.values()), "off by one"),
    ("num_embeddings_for", len, "counting the tokens misses the gaps"),
    ("num_embeddings_for", lambda vocab: list(vocab.values())[-1] + 1, "the last token added"),
    ("num_embeddings_for", lambda vocab: float(max(vocab.values()) + 1), "return an int"),
    ("num_embeddings_for", lambda vocab: max(v for w, v in vocab.items() if w[0] != "<") + 1, "special tokens"),
    # masked_max (lesson 03, transfer)
    ("masked_max", lambda rows, mask: np.asarray(rows).max(axis=1), "took part in the max"),
    ("masked_max", _masked_max_zeroed, "0 beats negative entries"),
    ("masked_max", lambda r, m: np.where(np.asarray(m)[..., None], r, -np.inf).max(axis=1), "gave -inf or NaN"),
    ("masked_max", _masked_mean, "that is the masked mean"),
    ("masked_max", lambda r, m: np.where(np.asarray(m), np.asarray(r).max(axis=2), 0), "one vector per sentence"),
    # penalised_grad (lesson 04, debugging)
    ("penalised_grad", _buggy_penalised, "that is the error to fix"),
    (
        "penalised_grad",
        lambda w, i, m: _penalised(w, i, m, penalty_of=lambda t: 0.1 * t.detach().pow(2).sum()),
        "the penalty's gradient is missing",
    ),
    (
        "penalised_grad",
        lambda w, i, m: _penalised(w, i, m, penalty_of=lambda t: 0.1 * t.pow(2).sum(), keep_max_norm=False),
        "the looked-up rows were not rescaled",
    ),
    ("penalised_grad", lambda w, i, m: 0.2 * torch.tensor(w), "only the penalty's gradient"),
    ("penalised_grad", _penalised_shared_memory, "changed its input `weight`"),
]


@pytest.mark.parametrize(("name", "answer", "phrase"), HARDER_WRONG, ids=[f"{n}-{p[:30]}" for n, _, p in HARDER_WRONG])
def test_harder_exercises_reject_wrong_answers_naming_the_mistake(name, answer, phrase, capsys):
    assert not check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: ") and "First failure — " in out
    assert phrase in out, out
    assert f'Stuck? hint("{name}")' in out
    with pytest.raises(AssertionError):
        grade(name, answer)


def test_penalised_grad_accepts_either_fix_and_they_differ():
    """Penalising the table before the lookup (clone) or after it (lookup first) are both right, and not equal."""
    weight = np.array([[3, 4], [0.3, 0.4], [6, 8]], dtype=np.float32)
    clone_fix = model("penalised_grad")(weight, np.array([0, 1]), 2.0)
    order_fix = penalised_lookup_first(weight, np.array([0, 1]), 2.0)
    assert not torch.allclose(clone_fix, order_fix)  # row 0 is penalised as [3, 4] or as [1.2, 1.6]
    assert torch.allclose(clone_fix[1:], order_fix[1:])


def test_the_lessons_buggy_code_fails_the_way_the_exercise_says():
    """Lesson 04's penalised_grad_buggy raises the in-place error; lesson 01's build_table crashes on a real id."""
    weight = np.array([[3, 4], [0.3, 0.4]], dtype=np.float32)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        _buggy_penalised(weight, np.array([0, 1]), 1.0)
    vocab = {"<pad>": 0, "<unk>": 1, "the": 2, "cat": 3, "sat": 4, "on": 5, "mat": 6, "dog": 7}
    seed_rule = max(vocab[w] for w in "the cat sat on the mat".split()) + 1
    assert seed_rule == 7 < vocab["dog"] + 1 == model("num_embeddings_for")(vocab) == 8


# ---------------------------------------------------------------------------------------------
# Lessons 05-08, the harder exercises (issue 14): fit_rows (debugging), padded_mean (transfer)
# ---------------------------------------------------------------------------------------------


def _fit_loop(weight, indices, targets, steps, lr, *, sparse, optimizer, scale=False, zero_grad=True, clip=False):
    """The loop of lesson 05's fit_rows with its options: which of them run, and what they compute."""
    layer = torch.nn.Embedding.from_pretrained(
        torch.tensor(weight), freeze=False, sparse=sparse, scale_grad_by_freq=scale
    )
    opt = optimizer(layer.parameters(), lr=lr)
    indices, targets = torch.as_tensor(indices), torch.as_tensor(targets)
    for _ in range(steps):
        if zero_grad:
            opt.zero_grad()
        (layer(indices) - targets).pow(2).sum().backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(layer.parameters(), max_norm=100.0)
        opt.step()
    return layer.weight.detach()


def fit_dense_adam(weight, indices, targets, steps=20, lr=0.1):
    return _fit_loop(weight, indices, targets, steps, lr, sparse=False, optimizer=torch.optim.Adam)


def fit_dense_keeping_scale_and_clip(weight, indices, targets, steps=20, lr=0.1):
    """The smallest fix: a dense layer, so scale_grad_by_freq and clipping work (under Adam the scale cancels)."""
    return _fit_loop(
        weight, indices, targets, steps, lr, sparse=False, optimizer=torch.optim.Adam, scale=True, clip=True
    )


def fit_adam_by_hand(weight, indices, targets, steps=20, lr=0.1):
    table = np.array(weight, dtype=np.float32)
    flat = np.asarray(indices).reshape(-1)
    target = np.asarray(targets, dtype=np.float32).reshape(flat.size, -1)
    m, v = np.zeros_like(table), np.zeros_like(table)
    for t in range(1, steps + 1):
        grad = np.zeros_like(table)
        np.add.at(grad, flat, 2 * (table[flat] - target))
        m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad * grad
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        table -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return table


def fit_sharing_memory(weight, indices, targets, steps=20, lr=0.1):
    """Two bugs fixed, the third kept: torch.as_tensor(weight) shares the caller's array, which the steps rewrite."""
    layer = torch.nn.Embedding.from_pretrained(torch.as_tensor(weight), freeze=False, sparse=True)
    opt = torch.optim.SparseAdam(layer.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        (layer(torch.as_tensor(indices)) - torch.as_tensor(targets)).pow(2).sum().backward()
        opt.step()
    return layer.weight.detach()


def padded_mean_with_bag(ids, weight, padding_idx):
    return torch.nn.functional.embedding_bag(
        torch.as_tensor(ids), torch.as_tensor(weight), mode="mean", padding_idx=padding_idx
    )


def padded_mean_with_sample_weights(ids, weight, padding_idx):
    """mode='sum' with per_sample_weights 1/count on the real words: a mean by another name."""
    ids, weight = torch.as_tensor(ids), torch.as_tensor(weight)
    real = (ids != padding_idx).to(weight.dtype)  # (B, L)
    share = real / real.sum(dim=1, keepdim=True).clamp(min=1)
    return torch.nn.functional.embedding_bag(ids, weight, mode="sum", per_sample_weights=share)


def padded_mean_loop(ids, weight, padding_idx):
    weight = np.asarray(weight)
    out = np.zeros((len(ids), weight.shape[1]))
    for b, sentence in enumerate(np.asarray(ids)):
        real = [k for k in sentence if k != padding_idx]
        if real:
            out[b] = weight[real].mean(axis=0)
    return out


def _padded_mean_no_clamp(ids, weight, padding_idx):
    keep = (np.asarray(ids) != padding_idx)[..., None]
    with np.errstate(invalid="ignore"):
        return (np.asarray(weight)[ids] * keep).sum(axis=1) / keep.sum(axis=1)


L05_08_CORRECT = {
    "fit_rows": [model("fit_rows"), fit_dense_adam, fit_dense_keeping_scale_and_clip, fit_adam_by_hand],
    "padded_mean": [model("padded_mean"), padded_mean_with_bag, padded_mean_with_sample_weights, padded_mean_loop],
}
# so that test_every_function_exercise_has_at_least_three_correct_answers_tested sees them:
CORRECT.update(L05_08_CORRECT)

L05_08_WRONG = [
    # fit_rows: each bug of the lesson's loop, and the usual wrong fixes
    (
        "fit_rows",
        lambda w, i, t, steps=20, lr=0.1: _fit_loop(
            w, i, t, steps, lr, sparse=True, optimizer=torch.optim.Adam, scale=True
        ),
        "fail together at backward",
    ),
    (
        "fit_rows",
        lambda w, i, t, steps=20, lr=0.1: _fit_loop(w, i, t, steps, lr, sparse=True, optimizer=torch.optim.Adam),
        "refuses a sparse gradient",
    ),
    ("fit_rows", fit_sharing_memory, "changed its input `weight`"),
    (
        "fit_rows",
        lambda w, i, t, steps=20, lr=0.1: _fit_loop(w, i, t, steps, lr, sparse=True, optimizer=torch.optim.SGD),
        "plain SGD's update",
    ),
    (
        "fit_rows",
        lambda w, i, t, steps=20, lr=0.1: _fit_loop(w, i, t, steps, lr, sparse=True, optimizer=torch.optim.Adagrad),
        "Adagrad's update",
    ),
    (
        "fit_rows",
        lambda w, i, t, steps=20, lr=0.1: _fit_loop(
            w, i, t, steps, lr, sparse=True, optimizer=torch.optim.SparseAdam, zero_grad=False
        ),
        "keep opt.zero_grad()",
    ),
    ("fit_rows", lambda w, i, t, steps=20, lr=0.1: np.array(w), "the table did not change"),
    (
        "fit_rows",
        lambda w, i, t, steps=20, lr=0.1: fit_dense_adam(w, i, t, steps, lr)[np.asarray(i)],
        "the whole table",
    ),
    # padded_mean
    ("padded_mean", lambda ids, w, p: np.asarray(w)[ids].mean(axis=1), "padding included"),
    ("padded_mean", _padded_mean_no_clamp, "divided 0 by 0"),
    (
        "padded_mean",
        lambda ids, w, p: np.asarray(w)[ids].sum(axis=1) / np.maximum((ids != p).sum(axis=1, keepdims=True), 1),
        "the padding row was added to the sum",
    ),
    (
        "padded_mean",
        lambda ids, w, p: (np.asarray(w)[ids] * (ids != p)[..., None]).sum(axis=1) / ids.shape[1],
        "you divided by L",
    ),
    ("padded_mean", lambda ids, w, p: (np.asarray(w)[ids] * (ids != p)[..., None]).sum(axis=1), "asks for their mean"),
    ("padded_mean", lambda ids, w, p: model("padded_mean")(ids, w, 0), "use the padding_idx argument"),
    ("padded_mean", lambda ids, w, p: padded_mean_with_bag(ids, w, None), "padding included"),
    ("padded_mean", lambda ids, w, p: np.asarray(w)[ids], "one row per sentence"),
]


@pytest.mark.parametrize(
    ("name", "answer"),
    [(name, answer) for name, answers in L05_08_CORRECT.items() for answer in answers],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_lessons_05_08_harder_exercises_accept_every_correct_formulation(name, answer, capsys):
    assert check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {name}: all ") and "cases pass" in out and out.count("\n") == 1


@pytest.mark.parametrize(("name", "answer", "phrase"), L05_08_WRONG, ids=[f"{n}-{p[:30]}" for n, _, p in L05_08_WRONG])
def test_lessons_05_08_harder_exercises_reject_wrong_answers_and_name_the_mistake(name, answer, phrase, capsys):
    assert not check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: ") and "First failure — " in out
    assert phrase in out, out
    assert f'Stuck? hint("{name}")' in out


def test_fit_rows_reference_is_what_torch_adam_does_on_a_dense_table():
    """The NumPy Adam the checker expects is torch's Adam, and SparseAdam agrees with it when the rows stay the same."""
    exercise = exercises()["fit_rows"]
    for case in exercise.cases():
        expected = exercise.reference(*case.fresh()[0], **case.kwargs)
        np.testing.assert_allclose(
            fit_dense_adam(*case.fresh()[0], **case.kwargs).numpy(), expected, rtol=1e-5, atol=1e-6
        )


def test_padded_mean_reference_is_torch_embedding_bag_with_padding_idx():
    exercise = exercises()["padded_mean"]
    for case in exercise.cases():
        expected = exercise.reference(*case.fresh()[0])
        np.testing.assert_allclose(padded_mean_with_bag(*case.fresh()[0]).numpy(), expected, rtol=1e-6, atol=1e-7)
