"""Every lesson starts with the set-up cell of tools/first_cell.py, and the cell says what to run.

The cell runs before ``import lookup_lib as L``: where the package is importable it prints nothing;
where it is missing it stops with one line naming the command (or, on Colab, installs the course from
``COURSE_REPOSITORY``, or says there is no public address yet). Its source is executed here as plain
Python with ``lookup_lib`` hidden (``sys.modules["lookup_lib"] = None`` makes ``find_spec`` answer None).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tools import first_cell
from tools.make_student import STUDENT_DIR

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STUDENTS = sorted(STUDENT_DIR.glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS + STUDENTS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_every_lesson_starts_with_the_current_setup_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    why = first_cell.problem(nb)
    assert why is None, f"{path.name}: {why}; run `python tools/first_cell.py {path}`, then tools/make_student.py"


def _run(source: str, monkeypatch, *, missing: bool, colab: bool) -> None:
    if missing:
        monkeypatch.setitem(sys.modules, "lookup_lib", None)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(compile(source, "<course-setup cell>", "exec"), {})


def test_the_cell_prints_nothing_when_lookup_lib_is_importable(monkeypatch, capsys):
    _run(first_cell.cell_source(), monkeypatch, missing=False, colab=False)
    assert capsys.readouterr() == ("", "")


def test_without_lookup_lib_the_cell_stops_with_the_command_to_run(monkeypatch):
    with pytest.raises(ModuleNotFoundError) as error:
        _run(first_cell.cell_source(), monkeypatch, missing=True, colab=False)
    message = str(error.value)
    assert "\n" not in message and "make lab" in message and "pip install -r requirements.txt" in message
    assert sys.executable in message  # which kernel is missing it: the usual cause is the wrong kernel


def test_on_colab_without_an_address_the_cell_says_so_instead_of_installing(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    with pytest.raises(ModuleNotFoundError, match="no public address yet"):
        _run(first_cell.cell_source(None), monkeypatch, missing=True, colab=True)
    assert calls == []


def test_on_colab_with_an_address_the_cell_installs_the_course_from_it(monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **k: calls.append(cmd))
    _run(first_cell.cell_source("https://example.org/course.git"), monkeypatch, missing=True, colab=True)
    assert calls == [[sys.executable, "-m", "pip", "install", "-q",
                      "lookup_lib[lessons] @ git+https://example.org/course.git"]]


def test_the_address_lives_in_one_constant():
    assert f"COURSE_REPOSITORY = {first_cell.COURSE_REPOSITORY!r}" in first_cell.cell_source()
    # it runs before the lesson's import, and never imports the package itself
    assert not re.search(r"^\s*(import|from) lookup_lib", first_cell.cell_source(), flags=re.M)


def test_the_tool_is_idempotent_and_inserts_before_the_first_code_cell():
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# title"]},
                    {"cell_type": "code", "id": "i", "metadata": {}, "outputs": [], "execution_count": 1,
                     "source": ["import lookup_lib as L"]}]}
    once = first_cell.with_setup_cell(json.loads(json.dumps(nb)))
    assert [c["id"] for c in once["cells"]] == ["t", first_cell.CELL_ID, "i"]
    assert first_cell.problem(once) is None and first_cell.problem(nb) is not None
    twice = first_cell.with_setup_cell(json.loads(json.dumps(once)))
    assert first_cell.dumps(twice) == first_cell.dumps(once)
    stale = json.loads(json.dumps(once))
    stale["cells"][1]["source"] = ["print('old')"]
    stale["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["old\n"]}]
    assert first_cell.problem(stale) == "its set-up cell is stale"
    assert first_cell.dumps(first_cell.with_setup_cell(stale)) == first_cell.dumps(once)
