"""Real text for the lessons, from a package registry: the King James Bible (1611), public domain.

Source: Debian's packages ``bible-kjv`` (the ``bible`` command, GPL-2+) and ``bible-kjv-text`` (its
data; the translation's copyright expired long ago: see ``/usr/share/doc/bible-kjv-text/copyright``).
Nothing is downloaded at run time: :func:`load_kjv` asks the installed ``bible`` command for every
verse, Genesis 1:1 to Revelation 22:21, and fails with a message that says what to install when the
packages are missing. About 31,000 verses, 820,000 words, 4.3 MB of text; the same text on every
machine that has the packages (checked by ``tests/lessons/test_kit.py``).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass

__all__ = ["KJV_INSTALL", "Verse", "load_kjv"]

KJV_INSTALL = "apt-get install bible-kjv   (Debian/Ubuntu: the `bible` command and its text, bible-kjv-text)"
_VERSE = re.compile(r"^\s*(\d+)\s+(.*\S)\s*$")
_BOOK = re.compile(r"^(?P<book>\S.*\S|\S) (?P<chapter>\d+)$")


@dataclass(frozen=True)
class Verse:
    """One verse: its book, chapter and number, and its text (KJV spelling and punctuation)."""

    book: str
    chapter: int
    number: int
    text: str


@functools.cache
def load_kjv() -> tuple[Verse, ...]:
    """Every verse of the King James Bible, in canonical order (read once per process, then cached).

    Raises
    ------
    FileNotFoundError
        When the ``bible`` command is not installed, naming the packages to install.

    Examples
    --------
    >>> verses = load_kjv()
    >>> verses[0]
    Verse(book='Genesis', chapter=1, number=1, text='In the beginning God created the heaven and the earth.')
    >>> len(verses), verses[-1].book
    (31102, 'Revelation')
    """
    program = shutil.which("bible")
    if program is None:
        raise FileNotFoundError(f"the King James text comes from Debian's bible-kjv, not installed: {KJV_INSTALL}")
    dump = subprocess.run(
        [program, "gen1:1-rev22:21"], capture_output=True, text=True, check=True, timeout=60, env={"COLUMNS": "100000"}
    ).stdout
    verses: list[Verse] = []
    book, chapter = "", 0
    for line in dump.splitlines():
        heading = _BOOK.match(line)
        if heading and not line.startswith(" "):
            book, chapter = heading["book"], int(heading["chapter"])
            continue
        verse = _VERSE.match(line)
        if verse:
            verses.append(Verse(book, chapter, int(verse[1]), verse[2]))
        elif line.strip() and verses:  # a verse wrapped onto a second line
            last = verses[-1]
            verses[-1] = Verse(last.book, last.chapter, last.number, f"{last.text} {line.strip()}")
    return tuple(verses)
