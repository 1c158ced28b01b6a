"""Generate the student notebooks from the teacher notebooks.

Usage::

    python tools/make_student.py            # write notebooks/student/NN_*.ipynb
    python tools/make_student.py --check    # exit 1 if notebooks/student/ is out of date

Each lesson is written once, as the teacher notebook ``notebooks/NN_*.ipynb``, with the
solutions between nbgrader's markers ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
In the student version:

- a block inside a function body (an indented ``### BEGIN SOLUTION``) becomes
  ``raise NotImplementedError("Your code here")`` at the marker's indentation;
- a block at top level (a conceptual answer) becomes ``name = None  # YOUR ANSWER HERE``
  for each name it assigns;
- every code cell's outputs are cleared and its execution count set to None, and the
  notebook's saved widget state is dropped (it is output too);
- everything else stays identical. Running the script twice writes identical files.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEACHER_DIR = ROOT / "notebooks"
STUDENT_DIR = TEACHER_DIR / "student"
PATTERN = "[0-9][0-9]_*.ipynb"

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*### END SOLUTION\s*$")
STUB = 'raise NotImplementedError("Your code here")'
ANSWER = "{name} = None  # YOUR ANSWER HERE"


class SolutionMarkerError(ValueError):
    """A solution block that cannot be turned into a stub (markers unpaired, nothing to replace)."""


# -- one cell's source ---------------------------------------------------------------------------------
def assigned_names(block: str, where: str) -> list[str]:
    """The names a top-level solution block assigns, in order of first assignment."""
    try:
        tree = ast.parse(block)
    except SyntaxError as exc:
        raise SolutionMarkerError(f"{where}: the top-level solution block is not valid Python ({exc.msg})") from exc
    names: list[str] = []
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            targets = [statement.target]
        else:
            continue
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, (ast.Attribute, ast.Subscript)):
                    raise SolutionMarkerError(
                        f"{where}: a top-level solution block may only assign plain names, got `{ast.unparse(target)}`"
                    )
                if isinstance(node, ast.Name) and node.id not in names:
                    names.append(node.id)
    if not names:
        raise SolutionMarkerError(
            f"{where}: the top-level solution block assigns no name, so there is nothing to turn into "
            "`name = None`; put the markers inside a function body, or assign the answer to a name"
        )
    return names


def student_source(source: str, where: str = "cell") -> str:
    """Replace every solution block of one cell's source with its stub.

    Raises
    ------
    SolutionMarkerError
        For a BEGIN without an END (or the reverse, or nested BEGINs), naming ``where`` and the line.
    """
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        begin = BEGIN.match(line)
        if begin is None:
            if END.match(line):
                raise SolutionMarkerError(f"{where}, line {i + 1}: `### END SOLUTION` without a `### BEGIN SOLUTION`")
            out.append(line)
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if END.match(lines[j]) or BEGIN.match(lines[j])), None)
        if end is None or BEGIN.match(lines[end]):
            raise SolutionMarkerError(f"{where}, line {i + 1}: `### BEGIN SOLUTION` has no matching `### END SOLUTION`")
        indent = begin.group("indent")
        if indent:
            out.append(indent + STUB)
        else:
            block = "\n".join(lines[i + 1 : end])
            out.extend(ANSWER.format(name=name) for name in assigned_names(block, f"{where}, line {i + 1}"))
        i = end + 1
    return "\n".join(out)


# -- one notebook --------------------------------------------------------------------------------------
def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _lines(text: str) -> list[str]:
    """Source as nbformat stores it: a list of lines, each but the last ending in a newline."""
    return text.splitlines(keepends=True)


def student_notebook(teacher: dict[str, Any], name: str = "notebook") -> dict[str, Any]:
    """The student version of a teacher notebook (a parsed .ipynb JSON dict); the input is not changed."""
    nb = copy.deepcopy(teacher)
    nb.get("metadata", {}).pop("widgets", None)  # saved widget state: output, and different on every run
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        cell["source"] = _lines(student_source(_text(cell.get("source", "")), f"{name}, cell {number}"))
        cell["outputs"] = []
        cell["execution_count"] = None
    return nb


def dumps(nb: dict[str, Any]) -> str:
    """JSON text the way nbformat writes it (sorted keys, indent 1, UTF-8 kept), with a final newline."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def expected_files(teacher_dir: Path = TEACHER_DIR) -> dict[str, str]:
    """File name → the text its student version must have, for every teacher notebook."""
    files = {}
    for path in sorted(teacher_dir.glob(PATTERN)):
        teacher = json.loads(path.read_text(encoding="utf-8"))
        files[path.name] = dumps(student_notebook(teacher, path.name))
    return files


def out_of_date(teacher_dir: Path = TEACHER_DIR, student_dir: Path = STUDENT_DIR) -> list[str]:
    """Sentences naming every student notebook that is missing, stale, or has no teacher notebook."""
    wanted = expected_files(teacher_dir)
    problems = []
    for name, text in wanted.items():
        path = student_dir / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: out of date")
    for path in sorted(student_dir.glob(PATTERN)):
        if path.name not in wanted:
            problems.append(f"{path.name}: has no teacher notebook")
    return problems


def write(teacher_dir: Path = TEACHER_DIR, student_dir: Path = STUDENT_DIR) -> list[str]:
    """Write every student notebook and remove orphans; return one line per file changed."""
    student_dir.mkdir(parents=True, exist_ok=True)
    wanted = expected_files(teacher_dir)
    changed = []
    for name, text in wanted.items():
        path = student_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(f"wrote {name}")
    for path in sorted(student_dir.glob(PATTERN)):
        if path.name not in wanted:
            path.unlink()
            changed.append(f"removed {path.name} (no teacher notebook)")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that notebooks/student/ is up to date")
    parser.add_argument("--teacher-dir", type=Path, default=TEACHER_DIR)
    parser.add_argument("--student-dir", type=Path, default=None, help="default: <teacher-dir>/student")
    args = parser.parse_args(argv)
    student_dir = args.student_dir or args.teacher_dir / "student"
    try:
        if args.check:
            problems = out_of_date(args.teacher_dir, student_dir)
            for problem in problems:
                print(problem)
            if problems:
                print("Run `python tools/make_student.py` to regenerate the student notebooks.")
            return 1 if problems else 0
        for line in write(args.teacher_dir, student_dir):
            print(line)
    except SolutionMarkerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
