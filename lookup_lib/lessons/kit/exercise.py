"""The two kinds of exercise: write a function (checked on cases) and answer a question.

A :class:`FunctionExercise` runs the student's function on copies of each case's inputs,
compares the result with lookup_lib's reference, and, for a failure, asks the exercise's
``diagnose`` function whether the result looks like a well-known mistake.
A :class:`QuestionExercise` compares a value, and for a known wrong value says what that
value would mean, without giving the answer away.

Running an answer (:func:`run_answer`) is guarded: each call has a time limit (an endless loop
is stopped and reported), what the answer prints is kept to its first ``MAX_PRINTED`` characters,
``sys.exit()`` is reported like any exception, and calls of the library function the exercise asks
for (its ``shortcuts``, e.g. ``torch.nn.functional.embedding`` for ``lookup``) are counted.
``KeyboardInterrupt`` is let through on purpose: the stop button must still stop a cell.

Every line of feedback goes through :func:`~lookup_lib.lessons.kit.i18n.t`, so it is printed in the
lessons' language; the texts an exercise defines at import time (its ``title``, ``hint``, the cases'
``label``, a question's ``wrong`` answers, ``fallback``, ``explanation`` and ``shown``, ``dtype_advice``)
are written ``mark("...")`` in the lesson and translated here, where they are shown, by ``t_marked``.
``solution()`` prints the model's source with its comments translated (``i18n.translate_comments``).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import dis
import importlib
import inspect
import io
import signal
import threading
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lookup_lib.lessons.kit.feedback import (
    FAIL,
    MAX_PRINTED,
    PASS,
    TODO,
    AnswerFormError,
    as_result_array,
    capped,
    describe_exception,
    mismatch,
    show,
)
from lookup_lib.lessons.kit.i18n import t, t_marked, translate_comments

# Seconds one call of an answer may run; every case of the lessons takes milliseconds.
TIME_LIMIT = 5.0


class CheckResult:
    """What ``check`` returns: true or false like the bool it stands for, and shown as nothing in a notebook.

    ``bool(result)``, ``assert check(...)``, ``if check(...)`` and ``check(...) == True`` all work;
    ``result.passed`` is the plain bool and ``result.feedback`` the text that was printed.
    In IPython (a notebook) the object displays nothing, so a check cell shows only the feedback,
    not a trailing ``True``/``False``; its plain ``repr`` (a console, a doctest) is ``True``/``False``.

    >>> result = CheckResult(True, "✓ done")
    >>> bool(result), result == True, result.passed, result
    (True, True, True, True)
    """

    __slots__ = ("passed", "feedback")

    def __init__(self, passed: bool, feedback: str = "") -> None:
        self.passed = bool(passed)
        self.feedback = feedback

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CheckResult):
            return self.passed == other.passed
        if isinstance(other, (bool, np.bool_)):
            return self.passed == bool(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return repr(self.passed)

    def _ipython_display_(self) -> None:
        """Display nothing: the feedback has been printed already."""


class TimeUp(BaseException):
    """Raised inside an answer that ran past its time limit (a BaseException: ``except Exception`` cannot eat it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`TimeUp` in the running code once ``seconds`` have passed.

    In the main thread on Unix (a notebook's kernel, pytest) a SIGALRM timer interrupts the code,
    even inside ``time.sleep``. Elsewhere a watchdog thread sets an asynchronous exception in this
    thread, which stops any Python loop (not a single long call into C, which ends first).
    """
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():

        def on_alarm(signum: int, frame: Any) -> None:
            raise TimeUp

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    target = threading.get_ident()
    lock = threading.Lock()
    done = threading.Event()
    fired = []

    def watchdog() -> None:
        if not done.wait(seconds):
            with lock:
                if not done.is_set():
                    fired.append(True)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(TimeUp))

    thread = threading.Thread(target=watchdog, name="check-watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with lock:
            done.set()
            if fired:  # an exception still pending must not go off later, somewhere else
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
        thread.join()


class CappedWriter(io.TextIOBase):
    """A text stream keeping the first ``limit`` characters written to it and counting the rest."""

    def __init__(self, limit: int = MAX_PRINTED) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        self.total += len(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        return len(text)

    def text(self) -> str:
        """What was written, cut to the limit, saying how many characters were left out."""
        shown = "".join(self.parts)
        if self.total <= self.limit:
            return shown
        return capped(shown + " " * (self.total - self.kept), self.limit)


def _resolve(path: str) -> tuple[Any, str, Any] | None:
    """``"torch.nn.functional.embedding"`` → (module, "embedding", the function), or None if absent."""
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    if not hasattr(module, attr):
        return None
    return module, attr, getattr(module, attr)


def _referenced_objects(answer: Any) -> Iterator[Any]:
    """The globals and closure values an answer's code (nested functions included) refers to by name."""
    code = getattr(answer, "__code__", None)
    scope = getattr(answer, "__globals__", {})
    for cell in getattr(answer, "__closure__", None) or ():
        with contextlib.suppress(ValueError):
            yield cell.cell_contents
    stack = [code] if code is not None else []
    while stack:
        code = stack.pop()
        for instruction in dis.get_instructions(code):  # names read as globals, not attribute names
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and instruction.argval in scope:
                yield scope[instruction.argval]
        stack.extend(c for c in code.co_consts if isinstance(c, types.CodeType))


def static_shortcut(answer: Any, shortcuts: tuple[str, ...]) -> str | None:
    """The first of ``shortcuts`` that ``answer`` is, or names directly (``from torch... import embedding``)."""
    found = {}
    for path in shortcuts:
        resolved = _resolve(path)
        if resolved is not None:
            found.setdefault(id(resolved[2]), path)
    if id(answer) in found:
        return found[id(answer)]
    for obj in _referenced_objects(answer):
        if id(obj) in found:
            return found[id(obj)]
    return None


@contextlib.contextmanager
def counting_calls(shortcuts: tuple[str, ...], called: list[str]) -> Iterator[None]:
    """While active, a call of any of ``shortcuts`` (looked up as a module attribute) appends its path to ``called``."""
    patched = []
    for path in shortcuts:
        resolved = _resolve(path)
        if resolved is None:
            continue
        module, attr, original = resolved
        setattr(module, attr, _counter(original, path, called))
        patched.append((module, attr, original))
    try:
        yield
    finally:
        for module, attr, original in reversed(patched):
            setattr(module, attr, original)


def _counter(original: Callable[..., Any], path: str, called: list[str]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        called.append(path)
        return original(*args, **kwargs)

    return counted


@dataclass
class Run:
    """What one call of an answer did: its result, or the exception it raised, or that it ran out of time."""

    result: Any = None
    error: BaseException | None = None
    timed_out: bool = False


def run_answer(
    answer: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    seconds: float = TIME_LIMIT,
    output: CappedWriter | None = None,
    shortcuts: tuple[str, ...] = (),
    called: list[str] | None = None,
) -> Run:
    """Call ``answer(*args, **kwargs)`` under a time limit, its printing sent to ``output``; never raises
    (but ``KeyboardInterrupt``: the stop button still stops the cell)."""
    output = output if output is not None else CappedWriter()
    called = called if called is not None else []
    try:
        with (
            contextlib.redirect_stdout(output),
            contextlib.redirect_stderr(output),
            counting_calls(shortcuts, called),
            time_limit(seconds),
        ):
            return Run(result=answer(*args, **kwargs))
    except TimeUp:
        return Run(timed_out=True)
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - a checker never raises: it reports
        return Run(error=exc)


def ints(values: Any) -> np.ndarray:
    """``values`` as an int64 array: the index arrays the cases are written with."""
    return np.array(values, dtype=np.int64)


@dataclass(frozen=True)
class Case:
    """One input on which a student's function is run.

    ``args`` are passed positionally, ``kwargs`` by keyword (only the options a case needs,
    so a first attempt without the optional parameters still passes the simple cases).
    """

    label: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    exact: bool = False  # compare with ==, not within float rounding

    def fresh(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Deep copies of the inputs: whatever an answer does to them cannot touch the case."""
        return copy.deepcopy(self.args), copy.deepcopy(self.kwargs)


@dataclass
class Outcome:
    """What happened on one case: passed, or the lines that explain the failure."""

    passed: bool
    lines: list[str] = field(default_factory=list)
    not_attempted: bool = False
    timed_out: bool = False


class NotAttempted(Exception):
    """The answer is still the stub (it raised NotImplementedError, or is None)."""


@dataclass
class Exercise:
    """What every exercise has: a name, a one-line task, a hint, and a solution to show."""

    name: str
    title: str
    hint: str

    def check(self, answer: Any, graded: bool = False) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def solution_text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def not_attempted(self) -> bool:
        print(TODO, t("{name}: not attempted yet — write your answer in place of the stub, then run this cell again.",
                      name=self.name))
        return False

    def stuck(self) -> None:
        """The line that ends a failure: where to find a hint."""
        print("  " + t('Stuck? hint("{name}")', name=self.name))


@dataclass
class FunctionExercise(Exercise):
    """Write a function; it is checked on ``cases`` against ``reference``.

    Attributes
    ----------
    arg_names : names of the positional arguments, used when showing a failing input.
    cases : builds the list of :class:`Case` (called on every check, so cases are never shared).
    reference : computes the expected output from (copies of) a case's inputs.
    model : a plain solution a student could write; ``solution()`` shows its source.
    diagnose : ``(case, got, expected) -> str | None`` names a well-known mistake.
    in_place : index of the argument the function must change in place and return, if any.
    explain_error : ``(case, exception) -> str | None`` explains a well-known exception.
    compare : ``(case, got, expected) -> lines``, replacing :func:`mismatch` where several answers are right
        (ties in a ranking); empty lines mean the answer is right.
    dtype_kinds : NumPy dtype kinds the result must have (``"f"``: floats), with ``dtype_advice`` saying why.
    shortcuts : dotted names of library functions that *are* the exercise (``torch.nn.functional.embedding``
        for ``lookup``): an answer using one passes with a note in self-study, and fails when graded.
    time_limit : seconds one call of the answer may take.
    """

    arg_names: tuple[str, ...] = ()
    cases: Callable[[], list[Case]] = list
    reference: Callable[..., np.ndarray] = lambda *a, **k: np.zeros(0)
    model: Callable[..., Any] | None = None
    diagnose: Callable[[Case, np.ndarray, np.ndarray], str | None] = lambda case, got, expected: None
    in_place: int | None = None
    explain_error: Callable[[Case, BaseException], str | None] = lambda case, exc: None
    compare: Callable[[Case, np.ndarray, np.ndarray], list[str]] | None = None
    dtype_kinds: str | None = None
    dtype_advice: str = ""
    shortcuts: tuple[str, ...] = ()
    time_limit: float = TIME_LIMIT

    # -- running -----------------------------------------------------------------------------
    def check(self, answer: Any, graded: bool = False) -> bool:
        if answer is None:
            return self.not_attempted()
        if not callable(answer):
            print(FAIL, t("{name}: expected a function, got a {kind}. Pass the function itself: "
                          "check({quoted}, {name}).",
                          name=self.name, kind=type(answer).__name__, quoted=repr(self.name)))
            return False
        cases = self.cases()
        output = CappedWriter()
        called: list[str] = []
        outcomes: list[tuple[Case, Outcome]] = []
        for case in cases:
            outcome = self.run_case(answer, case, output=output, called=called)
            outcomes.append((case, outcome))
            if outcome.timed_out:
                break  # the next cases would most likely loop as well
        printed = output.text()
        if printed:
            print(printed, end="" if printed.endswith("\n") else "\n")
        if all(outcome.not_attempted for _, outcome in outcomes):
            return self.not_attempted()
        shortcut = (called[0] if called else None) or static_shortcut(answer, self.shortcuts)
        timed_out = [(case, outcome) for case, outcome in outcomes if outcome.timed_out]
        if timed_out:
            case, _ = timed_out[0]
            print(FAIL, t('{name}: your function did not finish within {seconds:g} s on case "{case}" — an endless '
                          "loop? (a `while` whose condition never becomes false)",
                          name=self.name, seconds=self.time_limit, case=t_marked(case.label)))
            for line in self.show_inputs(case):
                print(f"    {line}")
            self.stuck()
            return False
        todo = [case for case, outcome in outcomes if outcome.not_attempted]
        failed = [(case, outcome) for case, outcome in outcomes if not outcome.passed and not outcome.not_attempted]
        passing = len(cases) - len(todo) - len(failed)
        if not failed and not todo:
            if shortcut and graded:
                print(FAIL, t("{name}: all {n} cases pass, but your answer calls `{shortcut}`, the very function this "
                              "exercise asks you to write. A graded answer must do it by hand.",
                              name=self.name, n=len(cases), shortcut=shortcut))
                return False
            print(PASS, t("{name}: all {n} cases pass. Well done!", name=self.name, n=len(cases)))
            if shortcut:
                print("  " + t("Note: your answer calls `{shortcut}` — the very function this exercise asks you to "
                               'write. Now write it by hand, without it (hint("{name}")): a graded check refuses the '
                               "shortcut.", shortcut=shortcut, name=self.name))
            return True
        sep = t("; ")
        unwritten = t("not written yet (your function raises NotImplementedError): {cases}",
                      cases=sep.join(t_marked(c.label) for c in todo))
        if not failed:
            print(TODO, t("{name}: {passing} of {n} cases pass; the others are {unwritten}.",
                          name=self.name, passing=passing, n=len(cases), unwritten=unwritten))
            print("  " + t("Finish those parts, then run this cell again."))
            return False
        print(FAIL, t("{name}: {failed} of {n} cases fail ({cases}).", name=self.name, failed=len(failed), n=len(cases),
                      cases=sep.join(t_marked(case.label) for case, _ in failed)))
        if todo:
            print("  " + t("{passing} pass; {todo} are {unwritten}.", passing=passing, todo=len(todo),
                           unwritten=unwritten))
        first_case, first = failed[0]
        print("  " + t("First failure — {case}:", case=t_marked(first_case.label)))
        for line in self.show_inputs(first_case) + first.lines:
            print(f"    {line}")
        self.stuck()
        return False

    def run_case(
        self,
        answer: Callable[..., Any],
        case: Case,
        output: CappedWriter | None = None,
        called: list[str] | None = None,
    ) -> Outcome:
        """Run ``answer`` on fresh copies of the case, and compare with the reference."""
        expected_args, expected_kwargs = case.fresh()
        expected = np.asarray(self.reference(*expected_args, **expected_kwargs))
        args, kwargs = case.fresh()
        run = run_answer(
            answer, args, kwargs, seconds=self.time_limit, output=output, shortcuts=self.shortcuts, called=called
        )
        if run.timed_out:
            return Outcome(False, timed_out=True)
        if isinstance(run.error, NotImplementedError):
            helper = _unwritten_helper(answer, run.error)
            if helper is None:
                return Outcome(False, not_attempted=True)
            return Outcome(False, [t("your function calls `{helper}`, which is not written yet (it raises "
                                     "NotImplementedError)", helper=helper)])
        if isinstance(run.error, SystemExit):
            return Outcome(False, [t("called sys.exit() (SystemExit): return the result instead of stopping Python")])
        if run.error is not None:
            lines = [t("raised {error}", error=describe_exception(run.error))]
            advice = self.explain_error(case, run.error)
            return Outcome(False, lines + ([f"→ {advice}"] if advice else []))
        result = run.result
        if self.in_place is not None:
            return self.compare_in_place(case, args, result, expected)
        changed = self.changed_inputs(case, args)
        got = as_result_array(result)
        if isinstance(got, str):
            return Outcome(False, [got])
        lines = self.compare(case, got, expected) if self.compare else mismatch(expected, got, exact=case.exact)
        if not lines and self.dtype_kinds and got.dtype.kind not in self.dtype_kinds:
            lines = [t("the values are right, but the result has dtype {dtype}; {advice}", dtype=got.dtype,
                       advice=t_marked(self.dtype_advice))]
            return Outcome(False, lines)
        if not lines and changed:
            lines = [t("the result is right, but your function changed its input `{name}`; leave the inputs as they "
                       "were (work on a copy)", name=changed)]
        return self.with_diagnosis(case, got, expected, lines)

    def compare_in_place(self, case: Case, args: tuple[Any, ...], result: Any, expected: np.ndarray) -> Outcome:
        """For an in-place exercise: the argument itself must hold the answer, and be returned."""
        target = args[self.in_place]
        original = case.args[self.in_place]
        name = self.arg_names[self.in_place]
        lines = mismatch(expected, target, exact=case.exact)
        returned = as_result_array(result)
        if lines:
            if (
                not isinstance(returned, str)
                and not mismatch(expected, returned, exact=case.exact)
                and np.array_equal(target, original)
            ):
                lines = [t("returned a copy instead of changing `{name}` in place: the result is right, but `{name}` "
                           "itself is unchanged. Write into it, e.g. {name}[k] *= scale.", name=name)]
                return Outcome(False, lines)
            return self.with_diagnosis(case, target, expected, [t("`{name}` after the call:", name=name)] + lines)
        if result is not target:
            what = "None" if result is None else t("a different {kind}", kind=type(result).__name__)
            return Outcome(False, [t("`{name}` was changed correctly, but the function returned {what}; finish with "
                                     "`return {name}` (the same array, not a copy)", name=name, what=what)])
        changed = self.changed_inputs(case, args, skip=self.in_place)
        if changed:
            return Outcome(False, [t("`{name}` is right, but your function also changed its input `{changed}`; change "
                                     "only `{name}` (work on a copy of `{changed}` if you need one)",
                                     name=name, changed=changed)])
        return Outcome(True)

    def with_diagnosis(self, case: Case, got: np.ndarray, expected: np.ndarray, lines: list[str]) -> Outcome:
        if not lines:
            return Outcome(True)
        try:
            advice = self.diagnose(case, got, expected)
        except Exception:  # noqa: BLE001 - a diagnosis is a bonus; it must never break a check
            advice = None
        return Outcome(False, lines + ([f"→ {advice}"] if advice else []))

    def changed_inputs(self, case: Case, args: tuple[Any, ...], skip: int | None = None) -> str | None:
        """The name of the first array argument the answer modified (but argument ``skip``), if any."""
        for number, (name, before, after) in enumerate(zip(self.arg_names, case.args, args, strict=False)):
            if number == skip:
                continue
            if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
                if before.shape != after.shape or not np.array_equal(before, after, equal_nan=True):
                    return name
        return None

    def show_inputs(self, case: Case) -> list[str]:
        lines = [f"{name} = {show(value)}" for name, value in zip(self.arg_names, case.args, strict=False)]
        lines += [f"{key} = {show(value)}" for key, value in case.kwargs.items()]
        return lines

    def solution_text(self) -> str:
        """The model's source, its comments in the lessons' language."""
        if self.model is None:
            return t("(no solution stored)")
        return translate_comments(inspect.getsource(self.model)).rstrip()


@dataclass
class QuestionExercise(Exercise):
    """Answer a question with a value.

    Attributes
    ----------
    answer : the correct value, in normal form.
    normalize : turns an accepted spelling (tuple, list, NumPy array, ...) into normal form;
        raises ``TypeError``/``ValueError`` for something that cannot be an answer.
    wrong : a normal-form wrong answer → what that answer would mean (never the answer itself).
    fallback : feedback for any other wrong answer.
    explanation : shown by ``solution()`` after the answer.
    shown : how ``solution()`` writes the answer, when not as ``repr(answer)``.
    """

    answer: Any = None
    normalize: Callable[[Any], Any] = lambda value: value
    wrong: dict[Any, str] = field(default_factory=dict)
    fallback: str = ""
    explanation: str = ""
    shown: str = ""

    def check(self, answer: Any, graded: bool = False) -> bool:
        if answer is None or answer is Ellipsis:
            return self.not_attempted()
        try:
            value = self.normalize(answer)
        except AnswerFormError as exc:  # the normal form says what is wrong: a fraction, a bool, ...
            print(FAIL, t("{name}: {problem}. {task}", name=self.name, problem=exc, task=t_marked(self.title)))
            return False
        except Exception:  # noqa: BLE001 - any odd value is reported, never raised
            print(FAIL, t("{name}: {answer} is not the kind of answer expected here. {task}", name=self.name,
                          answer=show(answer), task=t_marked(self.title)))
            return False
        if value == self.answer:
            print(PASS, t("{name}: correct!", name=self.name))
            return True
        why = t_marked(self.wrong.get(value, self.fallback))
        print(FAIL, t("{name}: {answer} is not right. {why}", name=self.name, answer=show(answer), why=why))
        self.stuck()
        return False

    def solution_text(self) -> str:
        shown = t_marked(self.shown) if self.shown else repr(self.answer)
        return f"{shown}\n{t_marked(self.explanation)}".rstrip()


def _unwritten_helper(answer: Callable[..., Any], exc: NotImplementedError) -> str | None:
    """The name of the function that raised, when it is not the answer itself (e.g. a stub it calls)."""
    code = getattr(answer, "__code__", None)
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if code is None or tb is None or tb.tb_frame.f_code is code:
        return None
    return tb.tb_frame.f_code.co_name
