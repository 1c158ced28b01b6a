"""The checker's guards: time limits, ties, partly written answers, odd answers, printing, shortcuts, graded mode.

Each test is one defect of issue 14 that the checker must no longer have.
"""

from __future__ import annotations

import heapq
import sys
import time

import numpy as np
import pytest
import torch
from IPython.core.formatters import DisplayFormatter

from lookup_lib.exercises import GRADED_ENV, CheckResult, check, exercises, grade, grade_property_test, solution
from lookup_lib.lessons.kit.exercise import TimeUp, time_limit


def model(name):
    return exercises()[name].model


@pytest.fixture
def quick(monkeypatch):
    """Time limits of half a second, so that the endless loops below end quickly."""
    for name in ("lookup", "renorm"):
        monkeypatch.setattr(exercises()[name], "time_limit", 0.5)


# -- an endless loop --------------------------------------------------------------------------------


def endless_lookup(indices, weight):
    while True:
        pass


def endless_with_except(indices, weight):
    while True:
        try:
            time.sleep(0.01)
        except Exception:  # a student's catch-all cannot swallow the time limit
            pass


@pytest.mark.parametrize("answer", [endless_lookup, endless_with_except])
def test_an_endless_loop_is_stopped_and_reported(answer, quick, capsys):
    start = time.perf_counter()
    assert not check("lookup", answer)
    assert time.perf_counter() - start < 5
    out = capsys.readouterr().out
    assert 'lookup: your function did not finish within 0.5 s on case "simple 1-D indices"' in out


# Run in a fresh interpreter: the watchdog stops the loop with an asynchronous exception, and after it this
# process's later hypothesis runs could hang (measured: lesson 09's check_property_test spun without end in the
# same process, not in a new one), so the test keeps that exception out of the suite's shared process.
_THREADED = """
import threading
from lookup_lib.exercises import check, exercises
exercises()["lookup"].time_limit = 0.5

def endless_lookup(indices, weight):
    while True:
        pass

results = []
thread = threading.Thread(target=lambda: results.append(check("lookup", endless_lookup)))
thread.start()
thread.join(timeout=10)
print("ALIVE" if thread.is_alive() else "STOPPED", results)
"""


def test_an_endless_loop_is_stopped_outside_the_main_thread_too():
    """Without SIGALRM (another thread), a watchdog stops the loop."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _THREADED], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "STOPPED [False]" in done.stdout and "did not finish within 0.5 s" in done.stdout, done.stdout[-2000:]


def test_the_time_limit_is_disarmed_after_a_quick_answer():
    with time_limit(0.2):
        pass
    time.sleep(0.3)  # no TimeUp goes off later
    with pytest.raises(TimeUp), time_limit(0.1):
        time.sleep(2)


# -- ties in nearest ------------------------------------------------------------------------------------


def _cosines(vectors, i):
    v = np.asarray(vectors, dtype=float)
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)
    sims = unit @ unit[i]
    sims[i] = -np.inf
    return sims


def nearest_reversed_argsort(vectors, i, k):
    return np.argsort(_cosines(vectors, i))[::-1][:k]


def nearest_heapq(vectors, i, k):
    sims = _cosines(vectors, i)
    return heapq.nlargest(k, range(len(sims)), key=lambda j: sims[j])


def nearest_topk(vectors, i, k):
    return torch.topk(torch.as_tensor(_cosines(vectors, i)), k).indices


@pytest.mark.parametrize("answer", [nearest_reversed_argsort, nearest_heapq, nearest_topk])
def test_nearest_accepts_any_order_among_exact_ties(answer, capsys):
    assert check("nearest_rows", answer), capsys.readouterr().out


def test_nearest_still_rejects_a_wrong_row_and_a_repeated_row(capsys):
    assert not check("nearest_rows", lambda v, i, k: np.r_[nearest_heapq(v, i, k)[:-1], i])
    assert "itself is in the answer" in capsys.readouterr().out
    assert not check("nearest_rows", lambda v, i, k: np.r_[nearest_heapq(v, i, k)[:1]] .repeat(k))
    assert not check("nearest_rows", lambda v, i, k: nearest_heapq(v, i, k + 1)[1:])


# -- a partly written answer ----------------------------------------------------------------------------


def backward_without_scaling(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
    if scale_grad_by_freq:
        raise NotImplementedError
    return model("embedding_backward")(grad_output, indices, num_embeddings, padding_idx)


def renorm_two_norm_only(weight, indices, max_norm, norm_type=2.0):
    if norm_type != 2.0:
        raise NotImplementedError("norm_type")
    return model("renorm")(weight, indices, max_norm)


def test_a_partly_written_answer_says_which_cases_pass_and_which_are_not_written(capsys):
    assert not check("embedding_backward", backward_without_scaling)
    out = capsys.readouterr().out
    assert "not attempted" not in out
    assert out.startswith("✎ embedding_backward: 7 of 9 cases pass; the others are not written yet")
    assert "scale_grad_by_freq=True; scale_grad_by_freq with padding_idx=2" in out
    assert not check("renorm", renorm_two_norm_only)
    out = capsys.readouterr().out
    assert out.startswith("✎ renorm: 6 of 8 cases pass; the others are not written yet") and "norm_type=inf" in out


def test_a_partly_written_answer_with_a_failure_lists_both(capsys):
    def half(grad_output, indices, num_embeddings, padding_idx=None, scale_grad_by_freq=False):
        if scale_grad_by_freq:
            raise NotImplementedError
        return model("embedding_backward")(grad_output, indices, num_embeddings, None)  # padding forgotten

    assert not check("embedding_backward", half)
    out = capsys.readouterr().out
    assert out.startswith("✗ embedding_backward: 2 of 9 cases fail") and "2 are not written yet" in out


# -- inputs, odd numbers, exits, printing ---------------------------------------------------------------


def test_renorm_flags_an_answer_that_also_overwrites_indices(capsys):
    def renorm_clobbers_indices(weight, indices, max_norm, norm_type=2.0):
        model("renorm")(weight, indices, max_norm, norm_type)
        indices[...] = 0
        return weight

    assert not check("renorm", renorm_clobbers_indices)
    assert "also changed its input `indices`" in capsys.readouterr().out


def test_renorm_rejects_rescaling_a_row_exactly_at_max_norm(capsys):
    def renorm_at_least(weight, indices, max_norm, norm_type=2.0):
        for k in np.unique(indices):
            norm = np.linalg.norm(weight[k], ord=norm_type)
            if norm >= max_norm:
                weight[k] *= max_norm / (norm + 1e-7)
        return weight

    assert not check("renorm", renorm_at_least)
    out = capsys.readouterr().out
    assert "1 of 8 cases fail (a row exactly at max_norm stays)" in out
    assert "norm > max_norm, not >=" in out


@pytest.mark.parametrize(
    "answer",
    [
        lambda i, c: np.eye(c, dtype=np.int64)[i],
        lambda i, c: torch.nn.functional.one_hot(torch.as_tensor(i, dtype=torch.int64), c),
        lambda i, c: np.asarray(i)[..., None] == np.arange(c),
    ],
    ids=["int64", "torch-int64", "bool"],
)
def test_one_hot_must_be_floats(answer, capsys):
    assert not check("one_hot", answer)
    out = capsys.readouterr().out
    assert "the values are right, but the result has dtype" in out and "must be floats" in out


def test_sys_exit_in_an_answer_is_reported_not_raised(capsys):
    def exits(indices, weight):
        sys.exit(3)

    assert not check("lookup", exits)
    assert "called sys.exit() (SystemExit)" in capsys.readouterr().out


def test_keyboard_interrupt_still_interrupts():
    def interrupted(indices, weight):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check("lookup", interrupted)


def test_what_an_answer_prints_is_capped(capsys):
    def chatty(indices, weight):
        print("x" * 2_000_000)
        return model("lookup")(indices, weight)

    assert check("lookup", chatty)
    out = capsys.readouterr().out
    assert len(out) < 3_000
    assert out.startswith("x" * 2_000) and "more characters not shown" in out
    assert "✓ lookup: all 6 cases pass" in out


# -- the returned value ----------------------------------------------------------------------------------


def test_check_returns_a_result_that_is_a_bool_in_tests_and_nothing_in_a_notebook(capsys):
    right, wrong = check("predict_shape", (2, 3, 4, 5)), check("predict_shape", (2, 3))
    assert isinstance(right, CheckResult) and right and not wrong
    assert right == True and wrong == False  # noqa: E712 - the comparison is what is tested
    assert right.passed is True and wrong.passed is False and "correct" in right.feedback
    assert repr(right) == "True"
    assert DisplayFormatter().format(right) == ({}, {})  # IPython shows nothing for it


# -- graded mode -------------------------------------------------------------------------------------------


def test_graded_mode_raises_with_the_feedback(monkeypatch, capsys):
    monkeypatch.setenv(GRADED_ENV, "1")
    assert check("lookup", model("lookup"))
    assert capsys.readouterr().out.startswith("✓ lookup")
    with pytest.raises(AssertionError, match="First failure") as info:
        check("lookup", lambda i, w: np.asarray(w)[np.asarray(i) - 1])
    assert "off by one" in str(info.value)
    with pytest.raises(AssertionError, match="not attempted yet"):
        check("predict_shape", None)
    with pytest.raises(AssertionError, match="There is no exercise called"):
        check("nope", 1)
    monkeypatch.setenv(GRADED_ENV, "0")
    assert not check("predict_shape", None)  # formative again


def test_grade_is_the_graded_form_without_the_environment(capsys):
    assert grade("lookup", model("lookup"))
    with pytest.raises(AssertionError):
        grade("lookup", None)


def test_solution_is_not_shown_in_graded_mode(monkeypatch, capsys):
    monkeypatch.setenv(GRADED_ENV, "1")
    solution("lookup")
    out = capsys.readouterr().out
    assert out.startswith("Solutions are not available in graded mode") and "np.asarray" not in out
    monkeypatch.delenv(GRADED_ENV)
    solution("lookup")
    assert "def lookup(" in capsys.readouterr().out


def test_grade_property_test_raises_for_a_test_that_misses_the_bug(capsys):
    def test_shape_only():
        from lookup_lib import core

        assert core.embedding_backward(np.ones((2, 3)), [1, 1], 6).shape == (6, 3)

    def test_values():
        from lookup_lib import core

        grad = core.embedding_backward(np.ones((2, 3)), [1, 1], 6)
        assert np.all(grad[1] == 2)

    with pytest.raises(AssertionError, match="missed the bug"):
        grade_property_test(test_shape_only, bug="overwrite")
    assert grade_property_test(test_values, bug="overwrite")
    assert capsys.readouterr().out == ""
