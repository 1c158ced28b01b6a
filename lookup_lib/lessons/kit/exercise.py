"""The two kinds of exercise: write a function (checked on cases) and answer a question.

A :class:`FunctionExercise` runs the student's function on copies of each case's inputs,
compares the result with lookup_lib's reference, and, for a failure, asks the exercise's
``diagnose`` function whether the result looks like a well-known mistake.
A :class:`QuestionExercise` compares a value, and for a known wrong value says what that
value would mean, without giving the answer away.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lookup_lib.lessons.kit.feedback import FAIL, PASS, TODO, as_result_array, describe_exception, mismatch, show


@dataclass(frozen=True)
class Case:
    """One input on which a student's function is run.

    ``args`` are passed positionally, ``kwargs`` by keyword (only the options a case needs,
    so a first attempt without the optional parameters still passes the simple cases).
    """

    label: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)

    def fresh(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """Deep copies of the inputs: whatever an answer does to them cannot touch the case."""
        return copy.deepcopy(self.args), copy.deepcopy(self.kwargs)


@dataclass
class Outcome:
    """What happened on one case: passed, or the lines that explain the failure."""

    passed: bool
    lines: list[str] = field(default_factory=list)
    not_attempted: bool = False


class NotAttempted(Exception):
    """The answer is still the stub (it raised NotImplementedError, or is None)."""


@dataclass
class Exercise:
    """What every exercise has: a name, a one-line task, a hint, and a solution to show."""

    name: str
    title: str
    hint: str

    def check(self, answer: Any) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def solution_text(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def not_attempted(self) -> bool:
        print(
            f"{TODO} {self.name}: not attempted yet — write your answer in place of the stub, then run this cell again."
        )
        return False


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
    """

    arg_names: tuple[str, ...] = ()
    cases: Callable[[], list[Case]] = list
    reference: Callable[..., np.ndarray] = lambda *a, **k: np.zeros(0)
    model: Callable[..., Any] | None = None
    diagnose: Callable[[Case, np.ndarray, np.ndarray], str | None] = lambda case, got, expected: None
    in_place: int | None = None
    explain_error: Callable[[Case, BaseException], str | None] = lambda case, exc: None

    # -- running -----------------------------------------------------------------------------
    def check(self, answer: Any) -> bool:
        if answer is None:
            return self.not_attempted()
        if not callable(answer):
            print(
                f"{FAIL} {self.name}: expected a function, got a {type(answer).__name__}. "
                f"Pass the function itself: check({self.name!r}, {self.name})."
            )
            return False
        cases = self.cases()
        outcomes: list[tuple[Case, Outcome]] = []
        for case in cases:
            outcome = self.run_case(answer, case)
            if outcome.not_attempted:
                return self.not_attempted()
            outcomes.append((case, outcome))
        failed = [(case, outcome) for case, outcome in outcomes if not outcome.passed]
        if not failed:
            print(f"{PASS} {self.name}: all {len(cases)} cases pass. Well done!")
            return True
        first_case, first = failed[0]
        print(
            f"{FAIL} {self.name}: {len(failed)} of {len(cases)} cases fail "
            f"({'; '.join(case.label for case, _ in failed)})."
        )
        print(f"  First failure — {first_case.label}:")
        for line in self.show_inputs(first_case) + first.lines:
            print(f"    {line}")
        print(f'  Stuck? hint("{self.name}")')
        return False

    def run_case(self, answer: Callable[..., Any], case: Case) -> Outcome:
        """Run ``answer`` on fresh copies of the case, and compare with the reference."""
        expected_args, expected_kwargs = case.fresh()
        expected = np.asarray(self.reference(*expected_args, **expected_kwargs))
        args, kwargs = case.fresh()
        try:
            result = answer(*args, **kwargs)
        except NotImplementedError as exc:
            helper = _unwritten_helper(answer, exc)
            if helper is None:
                return Outcome(False, not_attempted=True)
            return Outcome(
                False, [f"your function calls `{helper}`, which is not written yet (it raises NotImplementedError)"]
            )
        except Exception as exc:  # noqa: BLE001 - a checker never raises: it reports
            lines = [f"raised {describe_exception(exc)}"]
            advice = self.explain_error(case, exc)
            return Outcome(False, lines + ([f"→ {advice}"] if advice else []))
        if self.in_place is not None:
            return self.compare_in_place(case, args, result, expected)
        changed = self.changed_inputs(case, args)
        got = as_result_array(result)
        if isinstance(got, str):
            return Outcome(False, [got])
        lines = mismatch(expected, got)
        if not lines and changed:
            lines = [
                f"the result is right, but your function changed its input `{changed}`; "
                "leave the inputs as they were (work on a copy)"
            ]
        return self.with_diagnosis(case, got, expected, lines)

    def compare_in_place(self, case: Case, args: tuple[Any, ...], result: Any, expected: np.ndarray) -> Outcome:
        """For an in-place exercise: the argument itself must hold the answer, and be returned."""
        target = args[self.in_place]
        original = case.args[self.in_place]
        name = self.arg_names[self.in_place]
        lines = mismatch(expected, target)
        returned = as_result_array(result)
        if lines:
            if not isinstance(returned, str) and not mismatch(expected, returned) and np.array_equal(target, original):
                lines = [
                    f"returned a copy instead of changing `{name}` in place: the result is right, "
                    f"but `{name}` itself is unchanged. Write into it, e.g. {name}[k] *= scale."
                ]
                return Outcome(False, lines)
            return self.with_diagnosis(case, target, expected, [f"`{name}` after the call:"] + lines)
        if result is not target:
            what = "None" if result is None else f"a different {type(result).__name__}"
            return Outcome(
                False,
                [
                    f"`{name}` was changed correctly, but the function returned {what}; "
                    f"finish with `return {name}` (the same array, not a copy)"
                ],
            )
        return Outcome(True)

    def with_diagnosis(self, case: Case, got: np.ndarray, expected: np.ndarray, lines: list[str]) -> Outcome:
        if not lines:
            return Outcome(True)
        try:
            advice = self.diagnose(case, got, expected)
        except Exception:  # noqa: BLE001 - a diagnosis is a bonus; it must never break a check
            advice = None
        return Outcome(False, lines + ([f"→ {advice}"] if advice else []))

    def changed_inputs(self, case: Case, args: tuple[Any, ...]) -> str | None:
        """The name of the first array argument the answer modified, if any."""
        for name, before, after in zip(self.arg_names, case.args, args, strict=False):
            if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
                if before.shape != after.shape or not np.array_equal(before, after, equal_nan=True):
                    return name
        return None

    def show_inputs(self, case: Case) -> list[str]:
        lines = [f"{name} = {show(value)}" for name, value in zip(self.arg_names, case.args, strict=False)]
        lines += [f"{key} = {show(value)}" for key, value in case.kwargs.items()]
        return lines

    def solution_text(self) -> str:
        return inspect.getsource(self.model).rstrip() if self.model is not None else "(no solution stored)"


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

    def check(self, answer: Any) -> bool:
        if answer is None or answer is Ellipsis:
            return self.not_attempted()
        try:
            value = self.normalize(answer)
        except Exception:  # noqa: BLE001 - any odd value is reported, never raised
            print(f"{FAIL} {self.name}: {show(answer)} is not the kind of answer expected here. {self.title}")
            return False
        if value == self.answer:
            print(f"{PASS} {self.name}: correct!")
            return True
        print(f"{FAIL} {self.name}: {show(answer)} is not right. {self.wrong.get(value, self.fallback)}")
        print(f'  Stuck? hint("{self.name}")')
        return False

    def solution_text(self) -> str:
        return f"{self.shown or repr(self.answer)}\n{self.explanation}".rstrip()


def _unwritten_helper(answer: Callable[..., Any], exc: NotImplementedError) -> str | None:
    """The name of the function that raised, when it is not the answer itself (e.g. a stub it calls)."""
    code = getattr(answer, "__code__", None)
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if code is None or tb is None or tb.tb_frame.f_code is code:
        return None
    return tb.tb_frame.f_code.co_name
