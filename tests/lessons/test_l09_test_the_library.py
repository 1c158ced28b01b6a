"""Lesson 09's testing helpers: reading sources, quiet pytest runs, swapping in bugs, and the exercises' checker."""

from __future__ import annotations

import ast
import functools
import inspect
import os
import re
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lookup_lib
from lookup_lib import core
from lookup_lib.lessons.l09_test_the_library import testing
from lookup_lib.lessons.l09_test_the_library.testing import (
    BUGS,
    broken,
    broken_library,
    check_property_test,
    run_notebook_tests,
    run_pytest,
    run_test,
    show_source,
    source_of,
    summarize,
)

FAST = settings(max_examples=20, derandomize=True, database=None, deadline=None)
TIMING = re.compile(r"\d+(\.\d+)?\s?s\b")


@functools.cache
def _decorated_for_source_of(x: int) -> int:
    """Read by a test of source_of: a decorated function."""
    return x + 1


# ---------------------------------------------------------------------------------------------
# source_of / show_source
# ---------------------------------------------------------------------------------------------


def test_source_of_a_function_is_its_file_header_then_its_source():
    text = source_of(core.one_hot)
    header, *lines = text.splitlines()
    assert header == "# lookup_lib/core.py"
    assert lines == inspect.getsource(core.one_hot).rstrip("\n").splitlines()


def test_source_without_docstring_keeps_every_code_line_and_one_placeholder():
    full = source_of(core.one_hot).splitlines()
    short = source_of(core.one_hot, docstring=False).splitlines()
    docstring = ast.parse(inspect.getsource(core.one_hot)).body[0].body[0]
    docstring_lines = docstring.end_lineno - docstring.lineno + 1
    assert '    """(docstring left out)"""' in short
    assert "One-hot encode" not in "\n".join(short)
    assert len(short) == len(full) - docstring_lines + 1
    assert short[-1] == full[-1] and short[1] == full[1]


def test_source_without_docstring_of_a_method_stays_valid_indented_python():
    text = source_of(lookup_lib.Embedding.backward, docstring=False)
    header, *lines = text.splitlines()
    assert header == "# lookup_lib/module.py"
    assert lines[1] == '        """(docstring left out)"""'
    ast.parse(textwrap.dedent("\n".join(lines)))


def test_source_of_a_function_without_docstring_is_unchanged():
    def add_one(x):
        return x + 1

    assert source_of(add_one, docstring=False) == source_of(add_one)


def test_source_of_a_test_id_reads_the_file_with_its_decorators():
    text = source_of("tests/lessons/test_l09_test_the_library.py::_decorated_for_source_of", docstring=False)
    assert text.splitlines() == [
        "# tests/lessons/test_l09_test_the_library.py",
        "@functools.cache",
        "def _decorated_for_source_of(x: int) -> int:",
        '    """(docstring left out)"""',
        "    return x + 1",
    ]


@pytest.mark.parametrize(
    "target, message",
    [
        (
            "tests/lessons/test_l09_test_the_library.py::no_such_function",
            "no top-level function or class called 'no_such_function'",
        ),
        ("tests/no_such_file.py::f", "expected 'path/to/file.py::name'"),
        ("tests/lessons/test_l09_test_the_library.py", "expected 'path/to/file.py::name'"),
    ],
)
def test_source_of_a_bad_test_id_says_what_is_wrong(target, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        source_of(target)


def test_show_source_prints_source_of(capsys):
    show_source(core.one_hot, docstring=False)
    assert capsys.readouterr().out == source_of(core.one_hot, docstring=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Summaries and pytest runs
# ---------------------------------------------------------------------------------------------


def test_summary_counts_in_pytests_order_and_sorts_the_failures():
    outcomes = {
        "t.py::test_z": "failed",
        "t.py::test_a": "passed",
        "t.py::test_m": "failed",
        "t.py::test_s": "skipped",
        "t.py::test_e": "error",
        "t.py::test_d": "error",
    }
    assert summarize(outcomes) == [
        "2 failed, 1 passed, 1 skipped, 2 errors",
        "FAILED t.py::test_m",
        "FAILED t.py::test_z",
        "ERROR t.py::test_d",
        "ERROR t.py::test_e",
    ]


def test_summary_drops_ipytests_random_module_name():
    name = "notebooks/t_" + "0123456789abcdef" * 2 + ".py::test_x"
    assert summarize({name: "failed"}) == ["1 failed", "FAILED test_x"]
    assert summarize({}) == ["no tests ran"]


def _write_tests(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


SAMPLE = """
    def test_c():
        assert False

    def test_a():
        assert True

    def test_b():
        raise ValueError("no")
"""


def test_in_process_run_gives_counts_and_sorted_failures_without_timings(tmp_path):
    path = _write_tests(tmp_path, "test_sample_in_process", SAMPLE)
    cwd = os.getcwd()
    exit_code, summary = run_pytest([str(path), "--import-mode=importlib"], in_process=True)
    assert os.getcwd() == cwd
    assert exit_code == 1
    assert summary[0] == "2 failed, 1 passed"
    assert [line.rsplit("::", 1)[1] for line in summary[1:]] == ["test_b", "test_c"]
    assert all(line.startswith("FAILED ") for line in summary[1:])
    assert not any(TIMING.search(line) for line in summary)


def test_only_an_in_process_run_sees_a_swapped_function(tmp_path):
    path = _write_tests(
        tmp_path,
        "test_sees_patch",
        """
        from lookup_lib import core

        def test_one_hot_is_real():
            assert core.one_hot([0], 2).tolist() == [[1.0, 0.0]]
        """,
    )
    args = [str(path), "--import-mode=importlib"]
    with broken(core, "one_hot", lambda *args, **kwargs: "oops"):
        subprocess_run = run_pytest(args)
        in_process_run = run_pytest(args, in_process=True)
    assert subprocess_run == (0, ["1 passed"])
    assert in_process_run[0] == 1 and in_process_run[1][0] == "1 failed"


def test_a_subprocess_that_dies_before_reporting_raises_with_its_output(monkeypatch):
    monkeypatch.setattr(testing, "_CHILD", "import sys\nprint('went wrong')\nsys.exit(3)")
    with pytest.raises(RuntimeError, match=r"exit code 3\):\nwent wrong"):
        run_pytest(["tests/lessons/test_l09_test_the_library.py"])


def _notebook_module() -> types.ModuleType:
    module = types.ModuleType("fake_notebook")
    exec(  # noqa: S102 - builds a stand-in for a notebook's namespace
        textwrap.dedent(
            """
            def helper():
                return 1

            def test_ok():
                assert helper() == 1

            def test_bad():
                assert helper() == 2
            """
        ),
        module.__dict__,
    )
    return module


def test_notebook_tests_run_quietly_with_plain_test_names(capsys):
    module = _notebook_module()
    cwd, before = os.getcwd(), set(os.listdir())
    assert run_notebook_tests(module=module) == (1, ["1 failed, 1 passed", "FAILED test_bad"])
    assert run_notebook_tests("-k", "ok", module=module) == (0, ["1 passed"])
    assert capsys.readouterr().out == ""
    assert os.getcwd() == cwd and set(os.listdir()) == before


# ---------------------------------------------------------------------------------------------
# broken and the bugs
# ---------------------------------------------------------------------------------------------


def test_broken_swaps_inside_the_block_and_restores_after_an_error():
    original = core.one_hot
    with pytest.raises(ZeroDivisionError):
        with broken(core, "one_hot", len) as replacement:
            assert core.one_hot is len and replacement is len
            1 / 0  # noqa: B018 - the block ends with an error
    assert core.one_hot is original


def test_broken_refuses_a_name_the_module_does_not_have():
    with pytest.raises(AttributeError, match="has no attribute 'scatter_add_row'"):
        with broken(core, "scatter_add_row", len):
            pass  # pragma: no cover
    assert not hasattr(core, "scatter_add_row")


def test_overwrite_bug_keeps_one_contribution_of_a_repeated_row():
    grad = np.array([[1.0], [2.0], [4.0]])
    with broken_library("overwrite"):
        bad = core.embedding_backward(grad, [0, 2, 0], 3)
    good = core.embedding_backward(grad, [0, 2, 0], 3)
    assert good[:, 0].tolist() == [1.0 + 4.0, 0.0, 2.0]
    assert bad[0, 0] in (1.0, 4.0) and bad[1:, 0].tolist() == good[1:, 0].tolist()


def test_padding_bug_gives_the_padding_row_a_gradient():
    grad = np.ones((3, 2))
    with broken_library("padding"):
        bad = core.embedding_backward(grad, [1, 1, 0], 2, padding_idx=-1)
        with pytest.raises(ValueError):
            core.embedding_backward(grad, [1, 1, 0], 2, padding_idx=5)  # still checked
    good = core.embedding_backward(grad, [1, 1, 0], 2, padding_idx=-1)
    assert good[1].tolist() == [0.0, 0.0] and bad[1].tolist() == [2.0, 2.0]


def test_negative_wraps_bug_reads_the_last_row_for_minus_one():
    weight = np.arange(6.0).reshape(3, 2)
    with broken_library("negative_wraps"):
        assert core.embedding([-1], weight).tolist() == [weight[-1].tolist()]
        with pytest.raises(IndexError):
            core.embedding([3], weight)
    with pytest.raises(IndexError):
        core.embedding([-1], weight)


def test_every_bug_swaps_an_existing_name_and_is_restored():
    for bug in BUGS.values():
        original = getattr(bug.module, bug.attribute)
        with broken_library(bug.name):
            assert getattr(bug.module, bug.attribute) is bug.replacement
        assert getattr(bug.module, bug.attribute) is original


def _code_lines(fn) -> list[str]:
    """The source of ``fn`` without its docstring, its name in the ``def`` line replaced by ``_``."""
    lines = inspect.getsource(fn).splitlines()
    node = ast.parse(textwrap.dedent("\n".join(lines))).body[0]
    first = node.body[0]
    has_docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    signature = [line.replace(f"def {fn.__name__}(", "def _(") for line in lines[: first.lineno - 1]]
    return signature + lines[first.end_lineno if has_docstring else first.lineno - 1 :]


# The fragment of the real line that each planted bug changes (and that its BUG comment names).
REAL_FRAGMENT = {
    "overwrite": "np.add.at(out, rows, values)",
    "padding": "int(padding_idx) % num_embeddings",
    "negative_wraps": "indices.min() >= 0",
}


@pytest.mark.parametrize("name", list(REAL_FRAGMENT))
def test_each_planted_bug_is_the_real_code_with_exactly_one_line_changed(name):
    """A planted bug is a copy of the real function with one line changed: if the real code moves, this fails."""
    import difflib

    bug = BUGS[name]
    real = _code_lines(getattr(bug.module, bug.attribute))
    if name == "overwrite":  # the readable form: what runs with core.FAST_SCATTER = False
        fast = [k for k, line in enumerate(real) if line.strip() == "if FAST_SCATTER:"]
        assert len(fast) == 1 and "fast_scatter.scatter_add_rows" in real[fast[0] + 1]
        real = real[: fast[0]] + real[fast[0] + 2 :]
    planted = _code_lines(bug.replacement)
    matcher = difflib.SequenceMatcher(a=real, b=planted, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    assert len(changes) == 1, f"{bug.replacement.__name__} differs from the real code in {len(changes)} places"
    tag, i1, i2, j1, j2 = changes[0]
    assert (tag, i2 - i1, j2 - j1) == ("replace", 1, 1), f"{bug.replacement.__name__}: {changes[0]}"
    assert REAL_FRAGMENT[name] in real[i1] and REAL_FRAGMENT[name] not in planted[j1].partition("#")[0]
    assert "# BUG" in planted[j1] and REAL_FRAGMENT[name] in planted[j1].partition("# BUG")[2]


def test_the_overwrite_bug_stands_in_for_the_fast_path_too():
    """With the fast path on (the default) or off, the real library sums repeats and the bug does not."""
    grad, rows = np.array([[1.0], [2.0], [4.0]]), [0, 2, 0]
    before = core.FAST_SCATTER
    try:
        for fast in (True, False):
            core.FAST_SCATTER = fast
            assert core.embedding_backward(grad, rows, 3)[0, 0] == 5.0
            with broken_library("overwrite"):
                assert core.embedding_backward(grad, rows, 3)[0, 0] in (1.0, 4.0)
    finally:
        core.FAST_SCATTER = before


def test_unknown_bug_lists_the_known_ones():
    with pytest.raises(KeyError, match="overwrite, padding, negative_wraps"):
        broken_library("typo")


# ---------------------------------------------------------------------------------------------
# check_property_test and run_test
# ---------------------------------------------------------------------------------------------


@FAST
@given(indices=st.lists(st.integers(0, 3), max_size=6))
def _sums_repeats(indices):
    grad = np.ones((len(indices), 1))
    expected = np.bincount(np.array(indices, dtype=np.int64), minlength=4)
    assert lookup_lib.embedding_backward(grad, indices, 4)[:, 0].tolist() == expected.tolist()


@FAST
@given(indices=st.lists(st.integers(0, 3), max_size=6))
def _shape_only(indices):
    assert lookup_lib.embedding_backward(np.ones((len(indices), 1)), indices, 4).shape == (4, 1)


@FAST
@given(index=st.integers(-3, -1))
def _negative_raises(index):
    with pytest.raises(IndexError):
        lookup_lib.embedding([index], np.zeros((3, 1)))


def test_a_test_that_catches_the_bug_passes_the_check_with_its_failing_case(capsys):
    assert check_property_test(_sums_repeats, bug="overwrite") is True
    out = capsys.readouterr().out
    assert out.startswith("✓ _sums_repeats passes on the real lookup_lib and catches the bug")
    assert "Failing test case: _sums_repeats(" in out and "indices=[0, 0]" in out
    assert core.scatter_add_rows is not BUGS["overwrite"].replacement


def test_a_pytest_raises_test_catches_the_wrapping_bug(capsys):
    assert check_property_test(_negative_raises, bug="negative_wraps") is True
    assert "DID NOT RAISE" in capsys.readouterr().out


def test_a_test_that_cannot_fail_is_told_it_missed_the_bug(capsys):
    assert check_property_test(_shape_only, bug="overwrite") is False
    out = capsys.readouterr().out
    assert out.startswith("✗ _shape_only passes on the real lookup_lib, but also on the broken one")
    assert BUGS["overwrite"].hint in out


def test_a_test_that_fails_on_the_real_library_is_rejected_first(capsys):
    def test_wrong():
        assert lookup_lib.one_hot([1], 2).tolist() == [[1.0, 0.0]], "row 1 should be hot"

    assert check_property_test(test_wrong, bug="overwrite") is False
    out = capsys.readouterr().out
    assert "fails on the real lookup_lib" in out and "AssertionError: row 1 should be hot" in out


@pytest.mark.parametrize("answer", [None, "stub"])
def test_a_stub_is_not_attempted(answer, capsys):
    if answer == "stub":

        @FAST
        @given(st.integers())
        def answer(x):
            raise NotImplementedError("Your code here")

    assert check_property_test(answer, bug="padding") is False
    out = capsys.readouterr().out
    assert out.startswith("✎") and "not attempted yet" in out


def test_a_value_instead_of_a_function_is_reported(capsys):
    assert check_property_test(42, bug="padding") is False
    assert "expected a test function, got a int" in capsys.readouterr().out


def test_the_checks_output_is_the_same_on_every_run(capsys):
    check_property_test(_sums_repeats, bug="overwrite")
    first = capsys.readouterr().out
    check_property_test(_sums_repeats, bug="overwrite")
    assert capsys.readouterr().out == first


def test_run_test_prints_a_pass_or_a_capped_address_free_failure(capsys):
    def test_fine():
        pass

    def test_long():
        raise AssertionError("\n".join([f"line {i} at {hex(id(object()))}" for i in range(20)]))

    run_test(test_fine)
    assert capsys.readouterr().out == "✓ test_fine passed\n"
    run_test(test_long, max_lines=3)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "✗ test_long failed:",
        "    AssertionError:",
        "      line 0 at 0x…",
        "      line 1 at 0x…",
        "      line 2 at 0x…",
        "      ...",
    ]


def test_a_test_function_is_checked_once_per_bug_and_replayed_after(capsys):
    """The graded hidden cell re-checks the same function: the outcome is replayed, not re-run."""
    from lookup_lib.lessons.l09_test_the_library import testing

    calls = []

    def test_counts_its_runs():
        calls.append(1)
        assert lookup_lib.embedding_backward(np.ones((2, 1)), [0, 0], 1)[0, 0] == 2.0

    first = testing.check_property_test(test_counts_its_runs, bug="overwrite")
    printed = capsys.readouterr().out
    runs = len(calls)
    again = testing.check_property_test(test_counts_its_runs, bug="overwrite")
    assert first is again is True and len(calls) == runs == 2  # once on the real library, once broken
    assert capsys.readouterr().out == printed


def test_the_checks_feedback_speaks_chinese_in_the_chinese_edition(monkeypatch, capsys):
    """In zh every sentence of the checker is Chinese (the bug's description and hint too); the test's name, the
    error and hypothesis's failing case stay as Python prints them. New functions: a checked one is replayed."""
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")

    @FAST
    @given(indices=st.lists(st.integers(0, 3), max_size=6))
    def _shape_only_zh(indices):
        assert lookup_lib.embedding_backward(np.ones((len(indices), 1)), indices, 4).shape == (4, 1)

    @FAST
    @given(indices=st.lists(st.integers(0, 3), max_size=6))
    def _sums_repeats_zh(indices):
        grad = np.ones((len(indices), 1))
        expected = np.bincount(np.array(indices, dtype=np.int64), minlength=4)
        assert lookup_lib.embedding_backward(grad, indices, 4)[:, 0].tolist() == expected.tolist()

    assert check_property_test(_shape_only_zh, bug="overwrite") is False
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "✗ _shape_only_zh 在真正的 lookup_lib 上通过，但在埋了 bug 的版本上也通过：它漏掉了这个 bug。",
        "  这个 bug：反向传播对重复的行做覆盖而不是累加（out[rows] = values）。",
        "  提示：使用会重复的索引，把梯度的第 k 行与所有索引为 k 的位置上的输出梯度之和作比较"
        "（或者与 torch 的梯度比较）。",
    ]
    assert check_property_test(_sums_repeats_zh, bug="overwrite") is True
    out = capsys.readouterr().out
    assert out.startswith("✓ _sums_repeats_zh 在真正的 lookup_lib 上通过，并且抓住了 bug：反向传播对重复的行")
    assert "Failing test case: _sums_repeats_zh(" in out and "indices=[0, 0]" in out
    run_test(_sums_repeats_zh)
    assert capsys.readouterr().out == "✓ _sums_repeats_zh 通过\n"
    assert '"""（此处省略文档字符串）"""' in source_of(core.one_hot, docstring=False)
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    assert '"""(docstring left out)"""' in source_of(core.one_hot, docstring=False)
