"""Classroom exercises: ``check`` an answer, ask for a ``hint``, see the ``solution``.

In a lesson::

    from lookup_lib.exercises import check, hint, solution

    def lookup(indices, weight):
        return np.asarray(weight)[np.asarray(indices)]

    check("lookup", lookup)      # prints ✓ or what went wrong; returns True or False
    hint("lookup")               # a nudge
    solution("lookup")           # a model solution

``check`` never raises: a wrong answer, an answer that raises, and a stub that is not written
yet (``raise NotImplementedError`` or ``None``) are all reported in a few printed lines.
``list_exercises()`` gives every exercise name. The exercises themselves live in the lesson
folders (``lookup_lib/lessons/lNN_slug/exercises.py``); this entry point finds them.

Examples
--------
>>> check("predict_shape", (2, 3, 4, 5))
✓ predict_shape: correct!
True
>>> check("predict_shape", None)
✎ predict_shape: not attempted yet — write your answer in place of the stub, then run this cell again.
False
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from lookup_lib.lessons import lesson_folders

__all__ = ["check", "hint", "solution", "list_exercises", "exercises"]


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
    ['lookup', 'predict_shape', 'one_hot']
    """
    return list(exercises())


def _find(name: Any) -> Any:
    from lookup_lib.lessons.kit.feedback import FAIL, closest_name

    known = exercises()
    exercise = known.get(name) if isinstance(name, str) else None
    if exercise is None:
        guess = closest_name(name, list(known)) if isinstance(name, str) else None
        suggestion = f" Did you mean {guess!r}?" if guess else ""
        print(f"{FAIL} There is no exercise called {name!r}.{suggestion} Exercises: {', '.join(known)}.")
    return exercise


def check(name: str, answer: Any) -> bool:
    """Check an answer to exercise ``name`` and print what went right or wrong.

    Parameters
    ----------
    name : str
        The exercise name (see :func:`list_exercises`).
    answer : callable or value
        The student's function (for a "write a function" exercise) or value (for a question).

    Returns
    -------
    bool
        True only when every case passes. Never raises.
    """
    exercise = _find(name)
    if exercise is None:
        return False
    try:
        return exercise.check(answer)
    except Exception as exc:  # noqa: BLE001 - last line of defence: a checker bug must not look like a student's
        from lookup_lib.lessons.kit.feedback import FAIL

        print(f"{FAIL} {name}: the checker itself failed ({type(exc).__name__}); please tell your teacher.")
        return False


def hint(name: str) -> None:
    """Print a hint for exercise ``name``."""
    exercise = _find(name)
    if exercise is not None:
        print(f"Hint ({name}): {exercise.hint}")


def solution(name: str) -> None:
    """Print a model solution of exercise ``name`` (for a function: its source code)."""
    exercise = _find(name)
    if exercise is not None:
        print(f"Solution ({name}):")
        print(exercise.solution_text())
