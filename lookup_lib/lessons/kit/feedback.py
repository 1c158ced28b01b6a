"""Text helpers for the exercise checkers: show arrays, compare them, describe an exception.

Everything printed here is deterministic (no addresses, no timings), because the lessons'
stored outputs are compared by nbval. The sentences are in the lessons' language
(:func:`~lookup_lib.lessons.kit.i18n.t`); the numbers and arrays in them are the same in every language.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from lookup_lib.checks import from_torch
from lookup_lib.lessons.kit.i18n import t

# How close an answer must be to the reference: float rounding passes, a wrong number does not.
RTOL = 1e-5
ATOL = 1e-6

PASS = "✓"
FAIL = "✗"
TODO = "✎"

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def show(value: Any) -> str:
    """A short, one-line, deterministic text for an array or a Python value."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, suppress=True, threshold=24, edgeitems=3, linewidth=10_000):
            text = np.array2string(value, separator=", ")
        text = " ".join(text.split())  # one line: nested rows joined by single spaces
        if value.ndim != 1 or value.size > 12:
            return t("{values}  (shape {shape})", values=text, shape=value.shape)
        return text
    return repr(value)


def as_result_array(value: Any) -> np.ndarray | str:
    """``value`` as a numeric NumPy array, or a sentence saying why it is not one."""
    if value is None:
        return t("returned None — did you forget the `return` statement?")
    value = from_torch(value)
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - anything the student returns must be described, never raised
        return t("returned a {kind} that NumPy cannot turn into an array ({error})", kind=type(value).__name__,
                 error=type(exc).__name__)
    if arr.dtype.kind not in "biuf":
        return t("returned a {kind} of dtype {dtype}; expected an array of numbers", kind=type(value).__name__,
                 dtype=arr.dtype)
    return arr


def mismatch(expected: np.ndarray, got: np.ndarray, exact: bool = False) -> list[str]:
    """Lines describing how ``got`` differs from ``expected``; empty when they agree.

    They agree within float rounding (``RTOL``, ``ATOL``), or, with ``exact``, only when every
    value is equal (a row that must stay untouched, not be rescaled by 0.99999995).
    """
    if got.shape != expected.shape:
        return [t("expected shape {expected}, got shape {got}", expected=expected.shape, got=got.shape)]
    g = got.astype(np.float64)
    e = expected.astype(np.float64)
    if np.array_equal(g, e, equal_nan=True) if exact else np.allclose(g, e, rtol=RTOL, atol=ATOL):
        return []
    diff = np.abs(g - e)
    largest = np.nanmax(diff) if not np.isnan(diff).all() else np.nan
    return [
        t("expected: {values}", values=show(expected)),
        t("got:      {values}", values=show(got)),
        t("max difference: {largest:.4g}", largest=largest) + (t("  (your result contains NaN)") if np.isnan(g).any()
                                                                else ""),
    ]


def close(a: Any, b: Any) -> bool:
    """True when two arrays have the same shape and agree within float rounding."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=RTOL, atol=ATOL))


def describe_exception(exc: BaseException) -> str:
    """``"IndexError: index 5 is out of bounds ..."`` on one line, without memory addresses."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    message = _ADDRESS.sub("0x…", message)
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def closest_name(name: str, names: list[str]) -> str | None:
    """The known exercise name most like ``name``, for "did you mean" messages."""
    import difflib

    found = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    return found[0] if found else None


def row_numbers(value: Any) -> tuple[int, ...]:
    """Row numbers given as a list, tuple, set, NumPy array or single int, as a sorted tuple."""
    if isinstance(value, (set, frozenset)):
        value = sorted(value)
    array = np.asarray(from_torch(value))
    if array.dtype.kind not in "iuf" or (array.dtype.kind == "f" and not np.all(array == np.round(array))):
        raise TypeError("row numbers must be whole numbers")
    return tuple(sorted(int(k) for k in array.reshape(-1)))


class AnswerFormError(ValueError):
    """An answer of the wrong form; the message says what form is expected (printed by the checker)."""


def number(value: Any) -> float:
    """``value`` as a float; a bool is refused (``True`` is not the number 1 here).

    >>> number(np.float32(0.5)), number(3)
    (0.5, 3.0)
    >>> number(True)
    Traceback (most recent call last):
    ...
    lookup_lib.lessons.kit.feedback.AnswerFormError: True is a bool, not a number
    """
    if isinstance(value, (bool, np.bool_)) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        raise AnswerFormError(t("{value} is a bool, not a number", value=repr(value)))
    return float(from_torch(value))


def whole_number(value: Any) -> int:
    """``value`` as an int when it is a whole number: 15, 15.0, np.int64(15) and 1.5e1 give 15.

    A float with a fraction (14.99) and a bool are refused with a sentence saying so.

    >>> whole_number(15.0), whole_number(np.int64(4)), whole_number(2.56e6)
    (15, 4, 2560000)
    >>> whole_number(14.99)
    Traceback (most recent call last):
    ...
    lookup_lib.lessons.kit.feedback.AnswerFormError: 14.99 is not a whole number
    """
    x = number(value)
    if not np.isfinite(x) or x != int(x):
        raise AnswerFormError(t("{value} is not a whole number", value=show(value)))
    return int(x)


def whole_numbers(value: Any) -> tuple[int, ...]:
    """A sequence of whole numbers (tuple, list, array, torch.Size) as a tuple of ints.

    >>> whole_numbers([2, 3.0, np.int64(4)])
    (2, 3, 4)
    """
    if isinstance(value, (str, bytes)):
        raise AnswerFormError(t("{value} is a string; give the numbers themselves, e.g. (1, 2)", value=repr(value)))
    value = from_torch(value)
    if isinstance(value, np.ndarray):
        value = value.tolist() if value.ndim else [value.item()]
    return tuple(whole_number(n) for n in value)


MAX_PRINTED = 2_000  # characters of an answer's own printing shown per check


def capped(text: str, limit: int = MAX_PRINTED) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out.

    >>> capped("x" * 10, limit=4)
    'xxxx\\n… 6 more characters not shown\\n'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n" + t("… {n:,} more characters not shown", n=len(text) - limit) + "\n"
