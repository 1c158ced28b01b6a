"""The shape of the house: the reference small and apart, one folder per lesson, one import spelling.

These are the rules of ``lookup_lib``'s layout (README, "Layout"), checked on the files themselves,
so that a change that breaks one fails here with the file and the rule named.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lookup_lib.lessons import lesson_folders

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lookup_lib"
REFERENCE = sorted(PACKAGE.glob("*.py"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_REFERENCE_LINES = 1800
FORBIDDEN_IN_REFERENCE = ("torch", "matplotlib", "ipywidgets")


def _imported_modules(path: Path) -> list[str]:
    """Every module an ``import`` or ``from ... import`` in ``path`` names (at any depth)."""
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module)
    return modules


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_the_reference_is_readable_in_one_sitting():
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in REFERENCE)
    assert lines <= MAX_REFERENCE_LINES, f"lookup_lib/*.py holds {lines} lines; the reference's budget is 1,800"


@pytest.mark.parametrize("path", REFERENCE, ids=lambda p: p.name)
def test_no_reference_file_imports_torch_matplotlib_or_ipywidgets(path):
    bad = [m for m in _imported_modules(path) if m.split(".")[0] in FORBIDDEN_IN_REFERENCE]
    assert not bad, f"lookup_lib/{path.name} imports {bad}: the reference is plain NumPy"


def test_importing_the_reference_and_the_exercises_entry_point_loads_none_of_them():
    code = (
        "import sys, lookup_lib, lookup_lib.exercises; "
        "print(sorted(set(sys.modules) & {'torch', 'matplotlib', 'ipywidgets'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_the_backward_shows_the_idea_np_add_at():
    assert "np.add.at(out, rows, values)" in (PACKAGE / "core.py").read_text(encoding="utf-8")


def test_the_reference_never_imports_a_lesson():
    for path in REFERENCE:
        bad = [m for m in _imported_modules(path) if m.startswith("lookup_lib.lessons") and path.name != "exercises.py"]
        assert not bad, f"lookup_lib/{path.name} imports {bad}"


def test_no_private_name_is_imported_across_modules():
    """``from lookup_lib.x import _name`` reaches into another module's insides."""
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lookup_lib"):
                where = f"{path.relative_to(ROOT)}: {node.module}"
                offences += [f"{where}.{a.name}" for a in node.names if a.name.startswith("_")]
                if any(part.startswith("_") for part in node.module.split(".")):
                    offences.append(where)
    assert not offences


def test_every_lesson_notebook_has_its_folder_and_every_folder_its_notebook():
    lessons = {p.stem for p in NOTEBOOKS if p.stem != "00_setup_check"}
    folders = {name[1:] for name in lesson_folders()}
    assert folders == lessons


@pytest.mark.parametrize("folder", lesson_folders())
def test_a_lesson_folder_says_what_the_notebook_imports(folder):
    import importlib

    package = importlib.import_module(f"lookup_lib.lessons.{folder}")
    assert package.__doc__, f"{folder}/__init__.py needs a docstring saying what the lesson's kit holds"
    missing = [name for name in getattr(package, "__all__", []) if not hasattr(package, name)]
    assert hasattr(package, "__all__") and not missing


@pytest.mark.parametrize("folder", lesson_folders())
def test_figure_code_only_draws(folder):
    """Helpers compute; figures draw. A lesson's non-drawing modules do not import matplotlib."""
    for path in sorted((PACKAGE / "lessons" / folder).glob("*.py")):
        if path.name in ("figures.py", "widget.py", "__init__.py"):
            continue
        bad = [m for m in _imported_modules(path) if m.split(".")[0] in ("matplotlib", "ipywidgets")]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}: drawing belongs in figures.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_lesson_imports_lookup_lib_one_way(path):
    code = "\n".join(_code_cells(path))
    assert "noqa" not in code, f"{path.name} shows a noqa comment to students"
    spellings = set(re.findall(r"^\s*(?:import lookup_lib\b.*|from lookup_lib\S* import)", code, flags=re.M))
    allowed = {"import lookup_lib as L", "from lookup_lib.exercises import"}
    own = f"from lookup_lib.lessons.l{path.stem} import"
    unexpected = sorted(s.strip() for s in spellings if s.strip() not in allowed | {own})
    assert not unexpected, f"{path.name}: import lookup_lib as L, the lesson's own kit ({own} ...) and the exercises"
    assert re.search(r"^import lookup_lib as L$", code, flags=re.M)
    spelled_out = re.search(r"\blookup_lib\.(?!exercises|lessons)\w", code)
    assert not spelled_out, f"{path.name} spells lookup_lib.x instead of L.x"
