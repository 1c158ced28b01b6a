"""Classroom exercises: ``check`` an answer, ask for a ``hint``, see the ``solution``.

In a lesson::

    from lookup_lib.exercises import check, hint, solution

    def lookup(indices, weight):
        return np.asarray(weight)[np.asarray(indices)]

    check("lookup", lookup)      # prints ✓ or what went wrong; returns True or False
    hint("lookup")               # a nudge
    solution("lookup")           # a model solution

``check`` never raises: a wrong answer, an answer that raises (even ``sys.exit()``), an endless
loop (stopped after a few seconds), and a stub that is not written yet (``raise NotImplementedError``
or ``None``) are all reported in a few printed lines; what the answer itself prints is cut to its
first 2,000 characters. (``KeyboardInterrupt`` is let through: the stop button still stops the cell.)
It returns a :class:`~lookup_lib.lessons.kit.exercise.CheckResult`, true or false like a bool
(``assert check(...)`` works), which shows nothing in a notebook, so the cell shows only the feedback.

Graded mode (nbgrader)
----------------------
``grade(name, answer)``, or ``check`` while the environment variable ``LOOKUP_LIB_GRADED=1`` is set,
is the graded form: a failure raises ``AssertionError`` with the same feedback as its message (nbgrader
counts a test cell as failed only when it raises), an answer that calls the very library function it
was asked to write fails, and ``solution()`` prints that solutions are not available. A course's
``nbgrader_config.py`` sets the variable (``tools/nbgrader_course.py`` writes one), so a notebook's check
cells ``check("lookup", lookup)`` are formative in self-study and graded under ``nbgrader autograde``.
``list_exercises()`` gives every exercise name. The exercises themselves live in the lesson
folders (``lookup_lib/lessons/lNN_slug/exercises.py``); this entry point finds them.

What these functions print is in the lessons' language (``LOOKUP_LIB_LANGUAGE``, see
:mod:`lookup_lib.lessons.kit.i18n`): the Chinese edition's feedback, hints and solutions are in Chinese.

Examples
--------
>>> check("predict_shape", (2, 3, 4, 5))
✓ predict_shape: correct!
True
>>> check("predict_shape", None)
✎ predict_shape: not attempted yet — write your answer in place of the stub, then run this cell again.
False
>>> grade("predict_shape", (2, 3, 4))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AssertionError: ✗ predict_shape: (2, 3, 4) is not right. That is the shape of the indices: ...
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
from typing import Any

from lookup_lib.lessons import lesson_folders
from lookup_lib.lessons.kit.exercise import CheckResult
from lookup_lib.lessons.kit.i18n import t, t_marked

__all__ = [
    "GRADED_ENV",
    "CheckResult",
    "check",
    "exercises",
    "grade",
    "grade_property_test",
    "graded_mode",
    "hint",
    "list_exercises",
    "solution",
]

GRADED_ENV = "LOOKUP_LIB_GRADED"


def graded_mode() -> bool:
    """True while the environment variable ``LOOKUP_LIB_GRADED`` is set, to anything but ``""``, ``0``, ``false``.

    Read on every call, so a course's ``nbgrader_config.py`` (or a notebook server's environment) switches it.
    """
    return os.environ.get(GRADED_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def exercises() -> dict[str, Any]:
    """Every exercise by name, in lesson order: the ``EXERCISES`` list of each lesson folder's ``exercises.py``.

    Found on first use (nothing is registered by hand), so ``import lookup_lib.exercises`` stays light.
    """
    if not _FOUND:
        for folder in lesson_folders():
            if importlib.util.find_spec(f"lookup_lib.lessons.{folder}.exercises") is None:
                continue  # a lesson without exercises (lesson 09 tests the library instead)
            module = importlib.import_module(f"lookup_lib.lessons.{folder}.exercises")
            for exercise in module.EXERCISES:
                if exercise.name in _FOUND:
                    raise RuntimeError(f"two exercises are called {exercise.name!r} (the second in {folder})")
                _FOUND[exercise.name] = exercise
    return _FOUND


_FOUND: dict[str, Any] = {}


def list_exercises() -> list[str]:
    """The names of all exercises, in lesson order.

    Examples
    --------
    >>> list_exercises()[:3]
    ['lookup', 'num_embeddings_for', 'predict_shape']
    """
    return list(exercises())


def _find(name: Any) -> Any:
    from lookup_lib.lessons.kit.feedback import FAIL, closest_name

    known = exercises()
    exercise = known.get(name) if isinstance(name, str) else None
    if exercise is None:
        guess = closest_name(name, list(known)) if isinstance(name, str) else None
        names = ", ".join(known)
        if guess:
            print(FAIL, t("There is no exercise called {name}. Did you mean {guess}? Exercises: {names}.",
                          name=repr(name), guess=repr(guess), names=names))
        else:
            print(FAIL, t("There is no exercise called {name}. Exercises: {names}.", name=repr(name), names=names))
    return exercise


def check(name: str, answer: Any, graded: bool | None = None) -> CheckResult:
    """Check an answer to exercise ``name`` and print what went right or wrong.

    Parameters
    ----------
    name : str
        The exercise name (see :func:`list_exercises`).
    answer : callable or value
        The student's function (for a "write a function" exercise) or value (for a question).
    graded : bool, optional
        The graded form (see the module's docstring); by default, graded while ``LOOKUP_LIB_GRADED`` is set.

    Returns
    -------
    CheckResult
        True (as a bool) only when every case passes; displays nothing in a notebook.
        Never raises in the formative form.

    Raises
    ------
    AssertionError
        In the graded form only, for any answer that does not pass, with the feedback as its message.
    """
    graded = graded_mode() if graded is None else graded
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        passed = _run_check(name, answer, graded)
    feedback = buffer.getvalue()
    if graded and not passed:
        raise AssertionError(feedback.rstrip() or t("{name}: not passed", name=name))
    print(feedback, end="")
    return CheckResult(passed, feedback)


def grade(name: str, answer: Any) -> CheckResult:
    """The graded form of :func:`check`: raises ``AssertionError`` (with the feedback) unless the answer passes."""
    return check(name, answer, graded=True)


def _run_check(name: str, answer: Any, graded: bool) -> bool:
    exercise = _find(name)
    if exercise is None:
        return False
    try:
        return bool(exercise.check(answer, graded=graded))
    except Exception as exc:  # noqa: BLE001 - last line of defence: a checker bug must not look like a student's
        from lookup_lib.lessons.kit.feedback import FAIL

        print(FAIL, t("{name}: the checker itself failed ({error}); please tell your teacher.", name=name,
                      error=type(exc).__name__))
        return False


def grade_property_test(test_fn: Any, bug: str) -> CheckResult:
    """Graded form of lesson 09's ``check_property_test``: silent when the test passes on lookup_lib and
    catches ``bug``, else ``AssertionError`` with the check's feedback (nbgrader's hidden tests call it)."""
    from lookup_lib.lessons.l09_test_the_library import check_property_test

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        passed = bool(check_property_test(test_fn, bug=bug))
    if not passed:
        raise AssertionError(buffer.getvalue().rstrip() or t("the test does not catch the bug"))
    return CheckResult(True, buffer.getvalue())


def hint(name: str) -> None:
    """Print a hint for exercise ``name``."""
    exercise = _find(name)
    if exercise is not None:
        print(t("Hint ({name}): {hint}", name=name, hint=t_marked(exercise.hint)))


def solution(name: str) -> None:
    """Print a model solution of exercise ``name`` (for a function: its source code); not in graded mode."""
    if graded_mode():
        print(t("Solutions are not available in graded mode ({variable} is set): try hint({quoted}).",
                variable=GRADED_ENV, quoted=repr(name)))
        return
    exercise = _find(name)
    if exercise is not None:
        print(t("Solution ({name}):", name=name))
        print(exercise.solution_text())
