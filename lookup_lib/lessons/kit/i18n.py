"""The lessons' language: English, or Chinese (中文) in ``notebooks/zh/``.

A lesson's code is the same in both editions; what it *shows* (figure titles and axis labels, widget
labels, printed tables, the exercises' feedback) goes through :func:`t`, which looks the English text
up in the Chinese catalogue when the language is ``"zh"``::

    ax.set_title(t("row {row} of the table", row=3))   # "row 3 of the table" / "表的第 3 行"

A text defined before it is shown (an exercise's hint, a column header in a constant) is written
``mark("...")``, which returns it unchanged, and shown with ``t_marked(text)``, which translates it then,
in the language of that moment. ``t`` and ``mark`` take the text literally, so the tests can list them all.

The English text is the key (as in gettext): the code reads as English, and a text that changes in
the code no longer finds its old translation, which ``tests/test_translations.py`` reports. The
catalogue is one ``zh.toml`` per lesson folder (and the kit's), each entry an ``en`` and a ``zh``
with the same ``{placeholders}``; the terms follow ``docs/terminology.md``.

The comments of the model solutions that ``solution(name)`` prints are not texts of ``t``: a catalogue
holds them as ``[[comment]]`` entries beside the ``[[msg]]`` ones, ``en`` a comment token exactly as the
source has it and ``zh`` the comment to print in its place::

    [[comment]]
    en = '# one row of the table per index'
    zh = '# 每个索引取表的一行'

:func:`translate_comments` replaces them in a piece of code (only comment tokens, so the code printed
is the code that runs), in Chinese; in English it returns the code as it is.

The language is the environment variable ``LOOKUP_LIB_LANGUAGE`` (``"en"`` when unset), read on every
call, like ``LOOKUP_LIB_GRADED``: each lesson's first cell sets it (``"zh"`` in the Chinese edition), and
processes a lesson starts inherit it. :func:`set_language` sets it from Python. In Chinese, figures
use a CJK font (:func:`~lookup_lib.lessons.kit.fonts.use_cjk_font`): :func:`prepare_figures` is
called by ``kit.style.new_figure``.
"""

from __future__ import annotations

import functools
import io
import os
import string
import tokenize
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LANGUAGES", "LANGUAGE_ENV", "catalogue", "comment_catalogue", "language", "mark", "prepare_figures",
           "set_language", "t", "t_marked", "translate_comments"]

LANGUAGE_ENV = "LOOKUP_LIB_LANGUAGE"
LANGUAGES = ("en", "zh")
LESSONS_DIR = Path(__file__).resolve().parent.parent
CATALOGUE_NAME = "zh.toml"


def language() -> str:
    """``"en"`` or ``"zh"``: the environment variable ``LOOKUP_LIB_LANGUAGE``, ``"en"`` when unset.

    An unknown value warns once and counts as ``"en"`` (a typo must not stop a lesson).
    """
    value = os.environ.get(LANGUAGE_ENV, "").strip().lower() or "en"
    if value not in LANGUAGES:
        _warn_unknown(value)
        return "en"
    return value


@functools.cache
def _warn_unknown(value: str) -> None:
    warnings.warn(f"{LANGUAGE_ENV}={value!r} is not one of {LANGUAGES}: the lessons speak English",
                  UserWarning, stacklevel=4)


def set_language(code: str) -> str:
    """Set the lessons' language (``"en"`` or ``"zh"``) for this process and those it starts; return it.

    >>> set_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: set_language: code='fr' is not a language of the lessons; allowed: 'en', 'zh'
    """
    if not isinstance(code, str) or code.strip().lower() not in LANGUAGES:
        allowed = ", ".join(repr(c) for c in LANGUAGES)
        raise ValueError(f"set_language: code={code!r} is not a language of the lessons; allowed: {allowed}")
    os.environ[LANGUAGE_ENV] = code.strip().lower()
    prepare_figures()
    return language()


def prepare_figures() -> None:
    """In Chinese, add a CJK font to matplotlib's fonts (after the default, so Latin text is unchanged)."""
    if language() == "zh":
        from lookup_lib.lessons.kit.fonts import use_cjk_font

        use_cjk_font()


def catalogue_files() -> list[Path]:
    """Every ``zh.toml`` of the kit and the lesson folders, in a fixed order."""
    return sorted(LESSONS_DIR.glob(f"*/{CATALOGUE_NAME}"))


def _load(path: Path) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def read_catalogue(path: Path) -> list[dict[str, str]]:
    """The text entries (``[[msg]]``: ``{"en": ..., "zh": ...}``) of one catalogue file, in file order."""
    return list(_load(path).get("msg", []))


def read_comments(path: Path) -> list[dict[str, str]]:
    """The model solutions' comment entries (``[[comment]]``) of one catalogue file, in file order."""
    return list(_load(path).get("comment", []))


def _merged(section: str) -> dict[str, str]:
    """English → Chinese from one section (``msg`` or ``comment``) of every catalogue file; the first wins."""
    merged: dict[str, str] = {}
    for path in catalogue_files():
        for entry in _load(path).get(section, []):
            merged.setdefault(entry["en"], entry["zh"])
    return merged


@functools.cache
def catalogue() -> dict[str, str]:
    """English text → Chinese text, from every catalogue file (read once per process)."""
    return _merged("msg")


@functools.cache
def comment_catalogue() -> dict[str, str]:
    """English comment token → Chinese comment, from every catalogue file's ``[[comment]]`` entries."""
    return _merged("comment")


@dataclass(frozen=True)
class Token:
    """A comment or a string literal of a piece of code, with its character offsets in it."""

    kind: str  # "comment" or "string"
    text: str
    start: int
    end: int


def tokens(code: str) -> list[Token]:
    """The comments and string literals of ``code`` (IPython magics are fine); none if it does not tokenize.

    >>> [(t.kind, t.text, t.start) for t in tokens("x = 1  # one\\ns = '# not a comment'\\n")]
    [('comment', '# one', 7), ('string', "'# not a comment'", 17)]
    """
    starts = [0]  # where each line starts, the lines split as tokenize splits them
    for line in iter(io.StringIO(code).readline, ""):
        starts.append(starts[-1] + len(line))
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in (tokenize.COMMENT, tokenize.STRING):
                (row, col), (end_row, end_col) = tok.start, tok.end
                found.append(Token("comment" if tok.type == tokenize.COMMENT else "string", tok.string,
                                   starts[row - 1] + col, starts[end_row - 1] + end_col))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return found


def comment_tokens(code: str) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of every comment token of ``code`` (character offsets); none if it does not tokenize.

    >>> comment_tokens("x = 1  # one\\ns = '# not a comment'\\n")
    [(7, 12, '# one')]
    """
    return [(t.start, t.end, t.text) for t in tokens(code) if t.kind == "comment"]


def replace_tokens(code: str, replacements: dict[str, str]) -> tuple[str, set[str]]:
    """``code`` with every comment or string token found in ``replacements`` replaced; and the keys used.

    Only whole tokens change: a string that looks like a comment, or code, never does.
    """
    out, used, at = [], set(), 0
    for tok in tokens(code):
        if tok.text in replacements:
            out += [code[at:tok.start], replacements[tok.text]]
            at = tok.end
            used.add(tok.text)
    out.append(code[at:])
    return "".join(out), used


def translate_comments(code: str, table: dict[str, str] | None = None) -> str:
    """``code`` with each comment that the catalogues' ``[[comment]]`` entries (or ``table``) translate
    replaced, in Chinese; in English, ``code`` as it is. Only comment tokens change: not a string that
    looks like a comment, not the code.

    >>> translate_comments("y = x  # double it\\n", {"# double it": "# 加倍"})
    'y = x  # double it\\n'
    """
    if language() != "zh":
        return code
    return replace_tokens(code, comment_catalogue() if table is None else table)[0]  # keys are comments


def fields(text: str) -> list[str]:
    """The ``{placeholders}`` of a format string, sorted (``"{a} and {b:.2f}"`` → ``["a", "b"]``)."""
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name is not None})


def t(text: str, /, **values: object) -> str:
    """``text`` in the lessons' language, with ``values`` filled into its ``{placeholders}``.

    Without ``values`` the text is returned as it is (braces and all). A text the catalogue lacks is
    shown in English: never an error in front of a student (the tests make sure there is none).

    >>> t("{n:,} learnable numbers", n=3_000_000)
    '3,000,000 learnable numbers'
    """
    return _translated(text, values)


def _translated(text: str, values: dict[str, object]) -> str:
    if language() == "zh":
        text = catalogue().get(text, text)
    return text.format(**values) if values else text


def mark(text: str, /) -> str:
    """``text`` unchanged: marks a literal to be translated later, where it is shown, by :func:`t_marked`."""
    return text


def t_marked(text: str, /, **values: object) -> str:
    """A text marked with :func:`mark` (held in a variable), in the lessons' language; like :func:`t`.

    (It does not call ``t`` by name: every ``t(...)`` in the code names its text literally, for the tests.)
    """
    return _translated(text, values)
