"""Helpers for testing lookup_lib yourself (lesson 09): read, run, break, check.

- :func:`show_source` prints a function of lookup_lib, or a test from ``tests/``, to read side by side.
- :func:`run_pytest` runs pytest (in a subprocess, or in this process) and returns only what is
  the same on every run: the exit code, the counts, and the sorted names of the tests that failed.
  :func:`run_notebook_tests` does the same for the ``test_*`` functions defined in a notebook (ipytest).
- :func:`broken` swaps a function of lookup_lib for a buggy one and always puts it back;
  :data:`BUGS` holds three plausible bugs, ready to use with :func:`broken_library`.
- :func:`check_property_test` is the checker of the lesson's exercises: a good test passes on
  the real library *and* fails on a broken one.

Nothing printed here carries a time, an address or a random name, because the lessons'
stored outputs are compared by nbval.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.feedback import FAIL, PASS, TODO, describe_exception
from lookup_lib.lessons.kit.i18n import mark, t, t_marked

__all__ = [
    "BUGS",
    "Bug",
    "OutcomeCollector",
    "PytestRun",
    "broken",
    "broken_library",
    "check_property_test",
    "negative_indices_wrap",
    "padding_forgotten",
    "repo_root",
    "run_notebook_tests",
    "run_pytest",
    "run_test",
    "scatter_overwrite",
    "show_source",
    "source_of",
    "summarize",
]

# Options for every pytest run started here. pyproject.toml's addopts add --nbval and
# --doctest-modules to every run; `-o addopts=` switches them off, and nbval is not even loaded.
PYTEST_OPTIONS = ("-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-o", "addopts=")

# ipytest names the notebook's module file t_<32 hex digits>.py, new on every kernel.
_IPYTEST_MODULE = re.compile(r"(^|.*/)t_[0-9a-f]{32}\.py::")
# Object reprs in error messages print where the object lives: never the same twice.
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# The folder above the lookup_lib package: the repository, in a checkout.
_REPO = Path(core.__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Reading the code
# ---------------------------------------------------------------------------------------------


def repo_root() -> Path:
    """The folder that holds ``lookup_lib/`` and ``tests/`` (found from ``lookup_lib.__file__``).

    Raises
    ------
    FileNotFoundError
        When lookup_lib was installed without its repository (no ``tests/`` next to it).
    """
    if not (_REPO / "tests").is_dir():
        raise FileNotFoundError(f"no tests/ folder next to lookup_lib in {_REPO}: use a checkout of the repository")
    return _REPO


def _relative(path: Path) -> str:
    """``path`` relative to the repository when it is inside it, as a POSIX string."""
    try:
        return path.resolve().relative_to(_REPO).as_posix()
    except ValueError:
        return path.name


def _find_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None:
    """The top-level ``def``/``class`` called ``name`` in a parsed file."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return node
    return None


def _without_docstring(lines: list[str], node: ast.AST, first_line: int) -> list[str]:
    """``lines`` (the source of ``node``, starting at file line ``first_line``) with its docstring cut to one line."""
    body = getattr(node, "body", [])
    if not (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)):
        return lines
    if not isinstance(body[0].value.value, str):
        return lines
    start, end = body[0].lineno - first_line, body[0].end_lineno - first_line
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    return lines[:start] + [f'{indent}"""{t("(docstring left out)")}"""'] + lines[end + 1 :]


def source_of(obj: Any, docstring: bool = True) -> str:
    """The source code of a function or class, headed by the file it lives in.

    Parameters
    ----------
    obj : function, class, or str
        An object (``lookup_lib.core.embedding_backward``), or a test named like pytest
        does, ``"tests/test_conformance.py::test_padding_row_gets_no_gradient"`` (the file
        is read, not imported, so its imports do not run).
    docstring : bool, default True
        False replaces the docstring by one line, to keep the code on one screen.

    Returns
    -------
    str
        ``"# <file relative to the repository>"`` then the source, decorators included.

    Examples
    --------
    >>> print(source_of(core.one_hot, docstring=False))  # doctest: +ELLIPSIS
    # lookup_lib/core.py
    def one_hot(indices: Any, ...) -> np.ndarray:
        \"\"\"(docstring left out)\"\"\"
        idx = as_indices(indices)
    ...
    """
    if isinstance(obj, str):
        file_part, _, name = obj.partition("::")
        path = repo_root() / file_part
        if not name or not path.is_file():
            raise ValueError(f"expected 'path/to/file.py::name' inside the repository, got {obj!r}")
        text = path.read_text(encoding="utf-8")
        node = _find_function(ast.parse(text), name)
        if node is None:
            raise ValueError(f"{file_part} has no top-level function or class called {name!r}")
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        lines = text.splitlines()[first - 1 : node.end_lineno]
    else:
        obj = inspect.unwrap(obj)
        lines = [line.rstrip("\n") for line in inspect.getsourcelines(obj)[0]]
        path = Path(inspect.getsourcefile(obj) or "<unknown>")
        node = ast.parse(textwrap.dedent("\n".join(lines))).body[0]
        first = 1  # the line numbers in `node` count from the first line of `lines`
    if not docstring:
        lines = _without_docstring(lines, node, first)
    return "\n".join([f"# {_relative(path)}", *lines])


def show_source(obj: Any, docstring: bool = True) -> None:
    """Print :func:`source_of` ``(obj, docstring)``: the code to read, with the file it comes from."""
    print(source_of(obj, docstring))


# ---------------------------------------------------------------------------------------------
# Running pytest, keeping only what is deterministic
# ---------------------------------------------------------------------------------------------


class PytestRun(NamedTuple):
    """What a pytest run leaves that is the same on every run.

    Attributes
    ----------
    exit_code : int
        pytest's: 0 all passed, 1 some failed, 2 interrupted, 4 usage error, 5 no tests collected.
    summary : list of str
        ``"2 failed, 5 passed"`` (or ``"no tests ran"``), then ``"FAILED <test id>"`` for each
        failing test and ``"ERROR <id>"`` for each error, sorted by name. No timings.
    """

    exit_code: int
    summary: list[str]


class OutcomeCollector:
    """A pytest plugin that records each test's outcome (and nothing about time)."""

    def __init__(self) -> None:
        self.outcomes: dict[str, str] = {}

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.outcomes[report.nodeid or "<collection>"] = "error"

    def pytest_runtest_logreport(self, report: Any) -> None:
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        elif report.when != "call" and report.failed:
            outcome = "error"
        elif report.when == "call" or report.skipped:
            outcome = report.outcome
        else:
            return
        if self.outcomes.get(report.nodeid) not in ("failed", "error"):  # a teardown error must not hide a failure
            self.outcomes[report.nodeid] = outcome

    def summary(self) -> list[str]:
        """The counts line, then the failing and erroring tests, sorted."""
        return summarize(self.outcomes)


def summarize(outcomes: dict[str, str]) -> list[str]:
    """``{test id: outcome}`` → ``["1 failed, 2 passed", "FAILED id"]``, in pytest's words and order.

    Examples
    --------
    >>> summarize({"t.py::b": "failed", "t.py::a": "passed", "t.py::c": "failed"})
    ['2 failed, 1 passed', 'FAILED t.py::b', 'FAILED t.py::c']
    >>> summarize({})
    ['no tests ran']
    """
    names = {test: _IPYTEST_MODULE.sub("", test) for test in outcomes}
    order = ["failed", "passed", "skipped", "xfailed", "xpassed", "error"]
    counts = [(outcome, sum(1 for o in outcomes.values() if o == outcome)) for outcome in order]
    words = [f"{n} {'errors' if outcome == 'error' and n > 1 else outcome}" for outcome, n in counts if n]
    lines = [", ".join(words) or "no tests ran"]
    for label, outcome in (("FAILED", "failed"), ("ERROR", "error")):
        lines += [f"{label} {name}" for name in sorted(names[t] for t, o in outcomes.items() if o == outcome)]
    return lines


@contextlib.contextmanager
def _quiet_in(folder: Path | None) -> Iterator[io.StringIO]:
    """Swallow everything printed (pytest's progress and timing lines); optionally work in ``folder``."""
    buffer = io.StringIO()
    previous = Path.cwd()
    try:
        if folder is not None:
            os.chdir(folder)
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            yield buffer
    finally:
        os.chdir(previous)


def run_pytest(args: Sequence[str], in_process: bool = False, timeout: float = 300.0) -> PytestRun:
    """Run pytest on the repository's tests and return the exit code and a deterministic summary.

    Parameters
    ----------
    args : sequence of str
        What you would type after ``pytest``, with paths relative to the repository,
        e.g. ``["tests/test_conformance.py", "-k", "padding"]``. Keep it small: one file,
        or one test selected with ``-k``.
    in_process : bool, default False
        False runs ``python -m pytest`` in a fresh process: what you would get in a terminal.
        True runs pytest inside this Python process, so it sees whatever was changed here,
        for example a function swapped by :func:`broken`. Test files imported by an earlier
        in-process run are not read again: after editing one, restart the kernel.
    timeout : float, default 300
        Seconds before a subprocess run is stopped.

    Returns
    -------
    PytestRun
        ``(exit_code, summary)``; see :class:`PytestRun`. Timings are left out on purpose.
    """
    root = repo_root()
    full_args = [*PYTEST_OPTIONS, "--rootdir", str(root), *args]
    if in_process:
        import pytest

        collector = OutcomeCollector()
        with _quiet_in(root):
            exit_code = pytest.main(full_args, plugins=[collector])
        return PytestRun(int(exit_code), collector.summary())
    return _run_pytest_subprocess(full_args, root, timeout)


# The program the subprocess runs: pytest with the collector, then the outcomes as JSON into a file.
_CHILD = """
import json, sys
import pytest
from lookup_lib.lessons.l09_test_the_library.testing import OutcomeCollector
collector = OutcomeCollector()
code = pytest.main(sys.argv[2:], plugins=[collector])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump({"exit_code": int(code), "outcomes": collector.outcomes}, f)
"""


def _run_pytest_subprocess(full_args: list[str], root: Path, timeout: float) -> PytestRun:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "outcomes.json"
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(report), *full_args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if not report.exists():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise RuntimeError(f"pytest stopped before reporting (exit code {done.returncode}):\n{tail}")
        result = json.loads(report.read_text(encoding="utf-8"))
    return PytestRun(result["exit_code"], summarize(result["outcomes"]))


def run_notebook_tests(*args: str, module: ModuleType | None = None) -> PytestRun:
    """Run the ``test_*`` functions defined in this notebook with ipytest, quietly.

    ``ipytest.run`` prints pytest's report, whose last line holds a timing; this runs it
    with the output swallowed and returns the same deterministic summary as :func:`run_pytest`.
    Tests run in this process, so they see a function swapped by :func:`broken`.

    Parameters
    ----------
    *args : str
        Extra pytest options, e.g. ``"-k", "padding"``.
    module : module, optional
        Where the tests are defined; default ``__main__`` (the notebook).
    """
    import ipytest

    collector = OutcomeCollector()
    # ipytest writes an empty stand-in file for the notebook into the working folder: use a
    # fresh folder, with its own pytest.ini so that no configuration file around it applies.
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        with _quiet_in(Path(folder)):
            exit_code = ipytest.run(*PYTEST_OPTIONS, *args, module=module, plugins=[collector], addopts=[])
    return PytestRun(int(exit_code), collector.summary())


# ---------------------------------------------------------------------------------------------
# Breaking the library on purpose
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def broken(module: ModuleType, name: str, replacement: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """Swap ``module.name`` for ``replacement`` inside a ``with`` block; always put the original back.

    Patch the name where it is *looked up*: ``core.embedding_backward`` calls
    ``scatter_add_rows`` through ``core``'s globals, so ``broken(core, "scatter_add_rows", ...)``
    changes every backward pass, while patching a name somebody imported by value does nothing.

    Parameters
    ----------
    module : module
        E.g. ``lookup_lib.core``.
    name : str
        An attribute the module already has (a typo raises instead of patching nothing).
    replacement : callable
        The buggy stand-in.

    Examples
    --------
    >>> with broken(core, "one_hot", lambda *args, **kwargs: "oops"):
    ...     core.one_hot([0], 2)
    'oops'
    >>> core.one_hot([0], 2)
    array([[1., 0.]], dtype=float32)
    """
    if not hasattr(module, name):
        raise AttributeError(f"{module.__name__} has no attribute {name!r}: there is nothing to break")
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield replacement
    finally:
        setattr(module, name, original)


# -- three plausible bugs, each one line away from the real code ------------------------------------
# Each is a copy of the function it replaces with one line changed (the line marked BUG), so that reading
# the two side by side shows the whole bug. tests/lessons/test_l09_test_the_library.py checks that each copy
# still differs from the real source by exactly that line. scatter_overwrite copies scatter_add_rows's
# readable form, the NumPy lines that run with core.FAST_SCATTER = False (the fast path gives the same bits).


def scatter_overwrite(rows: np.ndarray, values: np.ndarray, num_rows: int) -> np.ndarray:
    """BUG on purpose: the backward's scatter *overwrites* instead of adding.

    ``out[rows] = values`` keeps one contribution per row, so a row looked up twice
    gets one gradient instead of their sum. The right line is ``np.add.at(out, rows, values)``.
    """
    out = np.zeros((num_rows, values.shape[-1]), dtype=values.dtype)
    out[rows] = values  # BUG: should be np.add.at(out, rows, values)
    return out


def padding_forgotten(padding_idx: int | None, num_embeddings: int) -> int | None:
    """BUG on purpose: ``padding_idx`` is checked, then forgotten, so the padding row gets a gradient."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, (bool, np.bool_)) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"padding_idx={padding_idx} is outside the table: with num_embeddings={num_embeddings} "
            f"it must lie in [{-num_embeddings}, {num_embeddings})"
        )
    return None  # BUG: should be int(padding_idx) % num_embeddings, the row number of the padding row


def negative_indices_wrap(indices: np.ndarray, num_rows: int, what: str = "table") -> None:
    """BUG on purpose: only too-large indices are refused, so -1 silently means the last row."""
    if indices.size == 0 or indices.max() < num_rows:  # BUG: should also need indices.min() >= 0
        return  # the common case: two passes over the indices, no temporary arrays
    bad = (indices < 0) | (indices >= num_rows)
    position = tuple(int(i) for i in np.argwhere(bad)[0])
    value = int(indices[position])
    where = f"at position {position}" if position else "(a 0-d index)"
    hint = " (negative indices do not wrap around)" if value < 0 else ""
    valid = f"0 to {num_rows - 1}" if num_rows > 0 else "none: the table is empty"
    raise IndexError(
        f"index {value} {where} is out of range for a {what} of {num_rows} rows; "
        f"valid indices are {valid}{hint}"
    )


@dataclass(frozen=True)
class Bug:
    """A plausible bug: which name of which module to replace, by what, and how to tell."""

    name: str
    module: ModuleType
    attribute: str
    replacement: Callable[..., Any]
    description: str
    hint: str


BUGS: dict[str, Bug] = {
    bug.name: bug
    for bug in (
        Bug(
            "overwrite",
            core,
            "scatter_add_rows",
            scatter_overwrite,
            mark("the backward overwrites repeated rows instead of adding them (out[rows] = values)"),
            mark("use an index that repeats, and compare row k of the gradient with the sum of the "
                 "output gradients at every position where the index is k (or with torch's gradient)."),
        ),
        Bug(
            "padding",
            core,
            "normalize_padding_idx",
            padding_forgotten,
            mark("the backward forgets padding_idx: the padding row gets a gradient"),
            mark("draw a padding_idx and indices that contain it, then assert that the padding row "
                 "of the gradient is exactly zero."),
        ),
        Bug(
            "negative_wraps",
            core,
            "check_range",
            negative_indices_wrap,
            mark("a negative index wraps around to the end of the table instead of raising"),
            mark("draw a negative index and assert that the lookup raises IndexError "
                 "(with pytest.raises(IndexError): ...), as torch does."),
        ),
    )
}


def broken_library(bug: str) -> contextlib.AbstractContextManager[Callable[..., Any]]:
    """``with broken_library("overwrite"):`` — lookup_lib with one of the :data:`BUGS` in it.

    Examples
    --------
    >>> with broken_library("overwrite"):
    ...     core.embedding_backward(np.ones((2, 1)), [0, 0], num_embeddings=1)
    array([[1.]])
    >>> core.embedding_backward(np.ones((2, 1)), [0, 0], num_embeddings=1)
    array([[2.]])
    """
    if bug not in BUGS:
        raise KeyError(f"no bug called {bug!r}; the bugs are {', '.join(BUGS)}")
    found = BUGS[bug]
    return broken(found.module, found.attribute, found.replacement)


# ---------------------------------------------------------------------------------------------
# The exercises' checker
# ---------------------------------------------------------------------------------------------


def _failure(exc: BaseException, max_lines: int = 1) -> list[str]:
    """The exception (its first ``max_lines`` lines), then hypothesis's smallest failing case.

    hypothesis attaches the failing case as a note; with ``derandomize=True`` it is the same on
    every run. Its other notes (which lines of code only failing cases ran) are left out.
    """
    message = [line.rstrip() for line in _ADDRESS.sub("0x…", str(exc)).strip().splitlines() if line.strip()]
    lines = [describe_exception(exc)] if max_lines <= 1 or len(message) <= 1 else [f"{type(exc).__name__}:"]
    if max_lines > 1 and len(message) > 1:
        lines += [f"  {line}" for line in message[:max_lines]] + (["  ..."] if len(message) > max_lines else [])
    for note in getattr(exc, "__notes__", []):
        if note.startswith(("Falsifying example", "Failing test case")):
            lines += note.splitlines()
    return lines


def _run_test(test_fn: Callable[[], Any]) -> BaseException | None:
    """Call a test function with its output swallowed; return what it raised, or None if it passed."""
    try:
        with _quiet_in(None):
            test_fn()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - pytest.raises/pytest.fail raise BaseExceptions; all mean "failed"
        return exc
    return None


def run_test(test_fn: Callable[[], Any], max_lines: int = 12) -> None:
    """Call one test function and print whether it passed; if not, why, and the failing case.

    Unlike a bare call, nothing is raised, and the output holds no file paths, so it can be
    stored in a lesson. With ``@given`` the failing case is hypothesis's shrunk, smallest one.

    Examples
    --------
    >>> def test_fails():
    ...     assert 1 + 1 == 3, "arithmetic is broken"
    >>> run_test(test_fails)
    ✗ test_fails failed:
        AssertionError: arithmetic is broken
    """
    name = getattr(test_fn, "__name__", t("the test"))
    error = _run_test(test_fn)
    if error is None:
        print(PASS, t("{name} passed", name=name))
        return
    print(FAIL, t("{name} failed:", name=name))
    print(*(f"    {line}" for line in _failure(error, max_lines)), sep="\n")


def check_property_test(test_fn: Callable[[], Any] | None, bug: str = "overwrite") -> bool:
    """Check a test you wrote: it must pass on lookup_lib, and fail once ``bug`` is put in.

    Parameters
    ----------
    test_fn : callable taking no arguments
        Your ``test_...`` function (with ``@given`` its arguments are drawn by hypothesis).
    bug : str
        One of :data:`BUGS`: ``"overwrite"``, ``"padding"``, ``"negative_wraps"``.

    Returns
    -------
    bool
        True when the test passes on the real library and catches the bug. Prints why.
    """
    found = BUGS[bug]
    if test_fn is None:
        print(TODO, t("not attempted yet — write your test in place of the stub, then run this cell again."))
        return False
    if not callable(test_fn):
        print(FAIL, t("expected a test function, got a {kind}; pass the function itself.", kind=type(test_fn).__name__))
        return False
    try:
        seen = _CHECKED.get(test_fn, {})
    except TypeError:  # not weak-referenceable: check it every time
        seen = None
    if seen is not None and bug in seen:  # this very function was checked already (e.g. by the graded cell)
        printed, result = seen[bug]
        print(printed, end="")
        return result
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        result = _check_property_test(test_fn, found)
    print(printed.getvalue(), end="")
    if seen is not None:
        _CHECKED.setdefault(test_fn, {})[bug] = (printed.getvalue(), result)
    return result


# test function -> {bug: (what its check printed, its result)}: a function object is checked once per bug.
# A test is run with derandomize=True, so a second check would print the same; redefining it makes a new object.
_CHECKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _check_property_test(test_fn: Callable[[], Any], found: Bug) -> bool:
    """The work of :func:`check_property_test`, on a callable test and a known bug."""
    name = getattr(test_fn, "__name__", t("your test"))
    error = _run_test(test_fn)
    if isinstance(error, NotImplementedError):
        print(TODO, t("{name}: not attempted yet — write your test in place of the stub, then run this cell again.",
                      name=name))
        return False
    if error is not None:
        print(FAIL, t("{name} fails on the real lookup_lib, which is correct here; fix the test first:", name=name))
        print(*(f"    {line}" for line in _failure(error)), sep="\n")
        return False
    with broken_library(found.name):
        caught = _run_test(test_fn)
    if caught is None:
        print(FAIL, t("{name} passes on the real lookup_lib, but also on the broken one: it missed the bug.",
                      name=name))
        print("  " + t("The bug: {bug}.", bug=t_marked(found.description)))
        print("  " + t("Hint: {hint}", hint=t_marked(found.hint)))
        return False
    print(PASS, t("{name} passes on the real lookup_lib and catches the bug: {bug}.", name=name,
                  bug=t_marked(found.description)))
    print(*(f"    {line}" for line in _failure(caught)), sep="\n")
    return True
