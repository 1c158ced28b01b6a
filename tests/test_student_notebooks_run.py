"""Every committed student notebook runs top to bottom on a fresh kernel, as a student receives it.

Solutions are stubs there, so each exercise's check must report "not attempted yet" instead of
ending the run; only cells tagged ``raises-exception`` may fail.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

STUDENT = Path(__file__).resolve().parent.parent / "notebooks" / "student"
NOTEBOOKS = sorted(STUDENT.glob("[0-9][0-9]_*.ipynb"))
STUB, ANSWER_STUB = 'raise NotImplementedError("Your code here")', "# YOUR ANSWER HERE"


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
        assert "not attempted yet" in _text(check), check.source
