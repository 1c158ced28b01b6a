"""Every committed student notebook runs top to bottom on a fresh kernel, as a student receives it.

Solutions are stubs there, so each exercise's check must report "not attempted yet" (the mark ✎, in
either language) instead of ending the run; only cells tagged ``raises-exception`` may fail.

The two editions' student notebooks have the same code (tools/translate.py replaces only comments and
string literals, tools/make_student.py turns the same solutions into the same stubs; the last test here
checks it cell by cell), so the Chinese ones are the ones run: the run covers the code of both, and the
Chinese texts besides. The English teacher and Chinese teacher notebooks both run under nbval.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
STUDENT = ROOT / "notebooks" / "student"
ZH_STUDENT = ROOT / "notebooks" / "zh" / "student"
NOTEBOOKS = sorted(ZH_STUDENT.glob("[0-9][0-9]_*.ipynb"))
STUB, ANSWER_STUB = 'raise NotImplementedError("Your code here")', "# YOUR ANSWER HERE"
NOT_ATTEMPTED = "✎"  # kit.feedback.TODO: the first mark of a "not attempted yet" line in both languages


def _text(cell) -> str:
    return "".join(
        o.get("text", "") if o.get("output_type") == "stream" else str(o.get("data", {}).get("text/plain", ""))
        for o in cell.outputs
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_notebook_runs_and_every_check_says_not_attempted(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    unexpected = [
        i for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and "raises-exception" not in c.metadata.get("tags", [])
        and any(o.output_type == "error" for o in c.outputs)
    ]
    assert unexpected == [], f"cells {unexpected} raised"
    code = [c for c in nb.cells if c.cell_type == "code"]
    stubs = [i for i, c in enumerate(code) if STUB in c.source or ANSWER_STUB in c.source]
    teacher = (path.parent.parent / path.name).read_text(encoding="utf-8")
    assert bool(stubs) == ("### BEGIN SOLUTION" in teacher), "every teacher solution became a stub"
    for i in stubs:  # the check right after a stub tells the student it is still to do
        check = code[i + 1]
        assert check.source.lstrip().startswith(("check(", "check_")), check.source
        assert NOT_ATTEMPTED in _text(check), (check.source, _text(check))


def test_both_editions_have_the_same_student_notebooks_but_for_comments_and_strings():
    from tests.test_translations import same_code

    english = sorted(STUDENT.glob("[0-9][0-9]_*.ipynb"))
    assert [p.name for p in english] == [p.name for p in NOTEBOOKS]
    for en_path, zh_path in zip(english, NOTEBOOKS, strict=True):
        en, zh = nbformat.read(en_path, as_version=4), nbformat.read(zh_path, as_version=4)
        assert [c.cell_type for c in en.cells] == [c.cell_type for c in zh.cells], en_path.name
        for a, b in zip(en.cells, zh.cells, strict=True):
            if a.cell_type == "code":
                assert same_code(a.source, b.source) == [], (en_path.name, a.get("id"))
