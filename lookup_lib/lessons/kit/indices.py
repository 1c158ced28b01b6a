"""Indices typed into a widget's text box, read the one way every lesson reads them.

Accepted: numbers separated by commas or spaces, with ``;`` between the rows of a 2-D batch
(``"0, 2, 0, 1; 1, 3, 4, 4"``); a Python list of any depth (``"[[0, 2], [1, 3]]"``); and, when a
vocabulary is given, its words in place of numbers (``"the cat the"``). The range is not checked
here: that is the lookup's job, and its error is the one the lesson wants the student to see.
The messages of the errors, shown in a widget under its text box, are in the lessons' language.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

import numpy as np

from lookup_lib.lessons.kit.i18n import t

__all__ = ["EXAMPLE", "parse_indices"]

EXAMPLE = "0, 2, 0, 1; 1, 3, 4, 4"
_INT64_MIN, _INT64_MAX = int(np.iinfo(np.int64).min), int(np.iinfo(np.int64).max)


def parse_indices(text: str, labels: Sequence[str] | None = None) -> np.ndarray:
    """Read indices typed as text.

    Parameters
    ----------
    text : str
        ``"0, 2; 1, 3"``, ``"4 0 -1"``, ``"[[0, 2], [1, 3]]"``, or words of ``labels``.
    labels : sequence of str, optional
        The vocabulary; a token that is one of these words stands for its position.

    Returns
    -------
    numpy.ndarray of int64
        Shape (N,) for one row, (R, N) for rows separated by ``;``, the list's shape for a Python list.

    Raises
    ------
    ValueError
        With a message a student can act on: empty text, a word, a float, ragged rows, a number
        too large for int64.

    Examples
    --------
    >>> parse_indices("0, 2; 1, 3").tolist()
    [[0, 2], [1, 3]]
    >>> parse_indices("4 0 -1").tolist()
    [4, 0, -1]
    >>> parse_indices("cat 0 the", labels=["<pad>", "the", "cat"]).tolist()
    [2, 0, 1]
    """
    text = text.strip()
    if not text:
        raise ValueError(t("type some indices, e.g. {example}", example=EXAMPLE))
    if text.startswith("["):
        return _from_python_literal(text)
    words = {word: k for k, word in enumerate(labels or [])}
    rows = [[_read_int(token, words) for token in re.split(r"[,\s]+", row.strip()) if token] for row in text.split(";")]
    rows = [row for row in rows if row]
    if not rows:
        raise ValueError(t("type some indices, e.g. {example}", example=EXAMPLE))
    if len({len(row) for row in rows}) > 1:
        lengths = ", ".join(str(len(row)) for row in rows)
        raise ValueError(t("every row must have the same number of indices (a tensor is rectangular); got {lengths}",
                           lengths=lengths))
    arr = np.array(rows, dtype=np.int64)
    return arr[0] if len(rows) == 1 else arr


def _read_int(token: str, words: dict[str, int]) -> int:
    """One index from its text or a vocabulary word; a float or an unknown word gets a message saying what to type."""
    if token in words:
        return words[token]
    try:
        value = int(token)
    except ValueError:
        pass
    else:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError(t("{token} is too large to be an index (indices are int64)", token=token))
        return value
    try:
        float(token)
    except ValueError:
        if words:
            raise ValueError(t("could not read {token} as an index: type whole numbers or words of the vocabulary, "
                               "e.g. {example}", token=repr(token), example=EXAMPLE)) from None
        raise ValueError(t("could not read {token} as an index: type whole numbers, e.g. {example}",
                           token=repr(token), example=EXAMPLE)) from None
    raise ValueError(t("{token} is not a whole number: indices must be integers (torch refuses float indices too)",
                       token=repr(token)))


def _from_python_literal(text: str) -> np.ndarray:
    """``"[[0, 2], [1, 3]]"`` → an int64 array; anything that is not a rectangular list of ints raises."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise ValueError(t("could not read {text} as a list of indices, e.g. [[0, 2, 0, 1], [1, 3, 4, 4]]",
                           text=repr(text))) from None
    try:
        arr = np.array(value)
    except ValueError:
        raise ValueError(t("every row must have the same number of indices (a tensor is rectangular)")) from None
    if arr.size == 0:
        return arr.astype(np.int64)  # [] is a float array to NumPy, but an empty list of indices here
    if arr.dtype.kind == "f":
        raise ValueError(t("indices must be integers, not floats (torch refuses float indices too)"))
    if arr.dtype.kind not in "iu":
        raise ValueError(t("could not read {text} as a list of whole numbers", text=repr(text)))
    if arr.dtype.kind == "u" or arr.max() > _INT64_MAX or arr.min() < _INT64_MIN:
        raise ValueError(t("an index is too large to be an index (indices are int64)"))
    return arr.astype(np.int64)
