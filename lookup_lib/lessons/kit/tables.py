"""Text formatting the lessons print: sizes, durations and plain-text tables.

Everything here is deterministic text, because nbval compares the lessons' printed outputs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["columns", "format_bytes", "format_seconds", "text_table"]


def columns(text: str) -> int:
    """How many columns ``text`` takes in a monospaced font: a CJK character (wide, "W"/"F") takes two.

    >>> columns("row"), columns("第 3 行")
    (3, 7)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_seconds(seconds: float) -> str:
    """A duration with a unit, as the lessons print them: ``"12.3 µs"``, ``"4.56 ms"``, ``"1.20 s"``.

    Examples
    --------
    >>> format_seconds(0.0000123), format_seconds(0.00456), format_seconds(1.2)
    ('12.3 µs', '4.56 ms', '1.20 s')
    """
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def format_bytes(n: float) -> str:
    """A size in bytes, kB, MB or GB (powers of 1000): ``"2.0 kB"``, ``"102.4 MB"``.

    Examples
    --------
    >>> format_bytes(512), format_bytes(2048), format_bytes(102_400_000)
    ('512 B', '2.0 kB', '102.4 MB')
    """
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Cells as right-aligned text columns, each as wide as its widest cell, two spaces apart.

    Widths are display columns (:func:`columns`), so a Chinese header lines up with its numbers.

    Examples
    --------
    >>> print(text_table(["N", "params"], [["10", "176"], ["1,000", "16,016"]]))
        N  params
       10     176
    1,000  16,016
    >>> print(text_table(["词", "次数"], [["a", "10"], ["bb", "1,000"]]))
    词   次数
     a     10
    bb  1,000
    """
    widths = [max(columns(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return "\n".join("  ".join(" " * (w - columns(cell)) + cell for cell, w in zip(row, widths, strict=True))
                     for row in [header, *rows])
