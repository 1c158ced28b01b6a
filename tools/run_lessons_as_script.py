"""Run every lesson's code cells in a plain IPython shell and compare printed text with the stored outputs.

Usage: python tools/run_lessons_as_script.py [NOTEBOOK ...]

Made for machines without Jupyter (a GPU box, say): it needs only IPython, not a kernel or
nbclient. Cells tagged ``raises-exception`` must raise; any other exception is a failure.
What each cell prints (stdout) is compared with the stored stream output after the same
sanitize rules nbval uses (tests/nbval_sanitize.cfg). Lessons pick their device themselves
(``"cuda" if torch.cuda.is_available() else "cpu"``) and must still print the stored,
CPU-determined text. Exit status 0 only when every lesson ran without an unexpected error.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sanitize_rules() -> list[tuple[re.Pattern[str], str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "tests" / "nbval_sanitize.cfg", encoding="utf-8")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def sanitize(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def stored_stdout(cell: dict) -> str:
    return "".join(
        "".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream"
        and o.get("name") == "stdout"
    )


def run_notebook(path: Path, rules) -> dict:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.ast_node_interactivity = "none"  # compare print()ed text only
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    report = {"cells": len(cells), "errors": [], "mismatches": []}
    os.chdir(path.parent)
    start = time.perf_counter()
    for n, cell in enumerate(cells, 1):
        # %matplotlib needs a kernel's GUI hooks; figures here are never shown anyway
        source = re.sub(r"^%matplotlib.*$", "", "".join(cell["source"]), flags=re.M)
        expect_error = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            result = shell.run_cell(source, silent=False, store_history=False)
        raised = result.error_in_exec is not None or result.error_before_exec is not None
        if raised != expect_error:
            err = result.error_in_exec or result.error_before_exec
            report["errors"].append(f"cell {n}: {'no exception' if expect_error else repr(err)}")
        ignore = "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
        got, want = sanitize(buffer.getvalue(), rules), sanitize(stored_stdout(cell), rules)
        if not ignore and not expect_error and got != want:
            report["mismatches"].append(f"cell {n}: stored {want[:200]!r} | got {got[:200]!r}")
    report["seconds"] = time.perf_counter() - start
    InteractiveShell.clear_instance()
    return report


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("MPLBACKEND", "Agg")
    rules = sanitize_rules()
    paths = [Path(p).resolve() for p in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    failed = False
    for path in paths:
        r = run_notebook(path, rules)
        failed |= bool(r["errors"])
        print(f"{path.name}: {r['cells']} cells, {len(r['errors'])} unexpected errors, "
              f"{len(r['mismatches'])} printed-text differences, {r['seconds']:.1f} s", flush=True)
        for line in r["errors"] + r["mismatches"]:
            print("   ", line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
