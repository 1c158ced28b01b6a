"""Insert or update every lesson's first code cell: the set-up check that runs before ``import lookup_lib as L``.

Usage::

    python tools/first_cell.py                      # every notebooks/NN_*.ipynb (teacher versions)
    python tools/first_cell.py notebooks/07_*.ipynb # only these
    python tools/first_cell.py --check              # exit 1 if a lesson's first code cell is missing or stale

Then ``python tools/make_student.py`` copies the cell into the student versions.

A kernel without the course installed (Colab, a bare Jupyter, the wrong kernel picked) would fail on
the lesson's import cell with ``ModuleNotFoundError: No module named 'lookup_lib'``. The cell written
here looks for the package without importing it (``importlib.util.find_spec``) and, when it is missing,
stops with one line saying what to run; on Colab it installs the course from ``COURSE_REPOSITORY``
(the one place the address lives), or says that there is no public address yet. When the package is
importable the cell prints nothing, so its stored output is empty and nbval compares nothing.

The cell is tagged ``course-setup`` and has the id ``course-setup``. Running the tool twice changes
nothing; a notebook whose cell is current is not rewritten. The cell's outputs are cleared only when
its source changes (a re-execution, ``tools/execute_notebooks.py``, then stores its empty output and
the shifted execution counts).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEACHER_DIR = ROOT / "notebooks"
PATTERN = "[0-9][0-9]_*.ipynb"

# Where Colab installs the course from: a pip-installable git address ("https://github.com/OWNER/REPO"),
# or None while the course has no public address. The only copy: every lesson's cell is generated from it.
COURSE_REPOSITORY: str | None = None

TAG = "course-setup"
CELL_ID = "course-setup"

TEMPLATE = '''\
# Set-up check (the same first cell in every lesson): silent when this kernel can import lookup_lib.
import importlib.util
import os
import sys

# The language of the lesson's figures, widgets and feedback: "en"; "zh" in the Chinese edition, notebooks/zh/.
os.environ["LOOKUP_LIB_LANGUAGE"] = "en"

if importlib.util.find_spec("lookup_lib") is None:
    COURSE_REPOSITORY = {repository!r}  # from tools/first_cell.py
    if "google.colab" in sys.modules and COURSE_REPOSITORY:
        import subprocess

        pip = [sys.executable, "-m", "pip", "install", "-q", f"lookup_lib[lessons] @ git+{{COURSE_REPOSITORY}}"]
        subprocess.run(pip, check=True)
        importlib.invalidate_caches()
    elif "google.colab" in sys.modules:
        raise ModuleNotFoundError("lookup_lib is missing and the course has no public address yet to install "
                                  "it from on Colab: run the lessons on your machine (`make lab`)")
    else:
        raise ModuleNotFoundError(f"lookup_lib is missing in this kernel ({{sys.executable}}): in the course folder "
                                  "run `make lab` (or `pip install -r requirements.txt`, then restart the kernel)")'''


def cell_source(repository: str | None = COURSE_REPOSITORY) -> str:
    """The first code cell's source, with ``repository`` as the Colab install address."""
    return TEMPLATE.format(repository=repository)


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _first_code(cells: list[dict[str, Any]]) -> int | None:
    return next((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), None)


def is_setup_cell(cell: dict[str, Any]) -> bool:
    return cell.get("cell_type") == "code" and TAG in cell.get("metadata", {}).get("tags", [])


def problem(nb: dict[str, Any], source: str | None = None) -> str | None:
    """Why the notebook's first code cell is not the current set-up cell, or None when it is."""
    source = cell_source() if source is None else source
    cells = nb.get("cells", [])
    first = _first_code(cells)
    if first is None or not is_setup_cell(cells[first]):
        return "its first code cell is not the set-up cell (tag course-setup)"
    if _text(cells[first].get("source", "")) != source:
        return "its set-up cell is stale"
    if cells[first].get("outputs"):
        return "its set-up cell has stored output (it must print nothing when lookup_lib is importable)"
    if sum(is_setup_cell(c) for c in cells) != 1:
        return "it has more than one set-up cell"
    return None


def with_setup_cell(nb: dict[str, Any], source: str | None = None) -> dict[str, Any]:
    """The notebook with its set-up cell current (inserted before the first code cell, or updated in place)."""
    source = cell_source() if source is None else source
    cells = nb.setdefault("cells", [])
    setup = [i for i, c in enumerate(cells) if is_setup_cell(c)]
    for i in reversed(setup[1:]):  # one is enough
        del cells[i]
    if setup:
        cell = cells.pop(setup[0])
    else:
        cell = {"cell_type": "code", "execution_count": None, "id": CELL_ID, "metadata": {"tags": [TAG]},
                "outputs": [], "source": []}
    if _text(cell.get("source", "")) != source:
        cell["source"] = _lines(source)
        cell["outputs"] = []
        cell["execution_count"] = None
    cell["outputs"] = []  # it prints nothing where lookup_lib imports; any stored output is stale
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if TAG not in tags:
        tags.append(TAG)
    if not cell.get("id") or cell["id"] in {c.get("id") for c in cells}:
        cell["id"] = CELL_ID
    first = _first_code(cells)
    cells.insert(len(cells) if first is None else first, cell)
    return nb


def dumps(nb: dict[str, Any]) -> str:
    """JSON text as nbformat and tools/make_student.py write it (sorted keys, indent 1, UTF-8 kept)."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help=f"default: every notebooks/{PATTERN}")
    parser.add_argument("--check", action="store_true", help="only report lessons whose set-up cell is stale")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(TEACHER_DIR.glob(PATTERN))
    bad = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        if args.check:
            if why := problem(nb):
                print(f"{path.name}: {why}")
                bad += 1
            continue
        new = dumps(with_setup_cell(nb))
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path.name}")
    if bad:
        print("Run `python tools/first_cell.py` and then `python tools/make_student.py`.")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
