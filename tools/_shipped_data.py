"""The command line shared by the scripts that generate the data files lookup_lib ships."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(out: Path, text: str, script: str, argv: list[str]) -> int:
    """Write ``text`` to ``out``; with ``--check`` only say whether ``out`` already holds it (exit 1 if not)."""
    if "--check" in argv:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out.relative_to(ROOT)} is {'up to date' if same else f'out of date: run {script}'}")
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}: {text.count(chr(10))} lines")
    return 0
