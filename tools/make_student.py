"""Stamp nbgrader metadata into the teacher notebooks, and generate the student notebooks from them.

Usage::

    python tools/make_student.py            # stamp notebooks/NN_*.ipynb, then write notebooks/student/NN_*.ipynb
    python tools/make_student.py --check    # exit 1 if a teacher notebook's stamp or notebooks/student/ is stale

Both editions: ``notebooks/`` → ``notebooks/student/`` and, when the Chinese edition exists,
``notebooks/zh/`` → ``notebooks/zh/student/`` (``--teacher-dir`` picks one).

Stamping (in place, idempotent: a notebook already stamped is not rewritten) gives every solution cell
and the check cell after it nbgrader's cell metadata, from the exercise named in ``check("name", ...)``:
the solution cell ``{"solution": true, "grade_id": "<name>_answer"}``, the check cell a locked test cell
``{"grade": true, "grade_id": "<name>", "points": 2 for a function, 1 for a value}``. Lesson 09's checks
(``check_property_test(test_x, bug="...")``) print and return a bool, so a hidden test cell (id
``grade-<test_x>``, calling ``grade_property_test``) is added after each one and stamped instead.

Written answers, graded by hand (nbgrader's "manually graded answer" cells), are markdown cells whose
first line is ``<!-- written answer: GRADE_ID, POINTS points -->`` and which hold the model answer and
its rubric between a line ``### BEGIN SOLUTION`` and a line ``### END SOLUTION`` (the question itself
goes before, outside the region). They are stamped ``{"solution": true, "grade": true, "grade_id":
GRADE_ID, "points": POINTS, "locked": false}`` and need no check cell after them.

Each lesson is written once, as the teacher notebook ``notebooks/NN_*.ipynb``, with the
solutions between nbgrader's markers ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
In the student version:

- a block inside a function body (an indented ``### BEGIN SOLUTION``) becomes
  ``raise NotImplementedError("Your code here")`` at the marker's indentation;
- a block at top level (a conceptual answer) becomes ``name = None  # YOUR ANSWER HERE``
  for each name it assigns;
- every code cell's outputs are cleared and its execution count set to None, and the
  notebook's saved widget state is dropped (it is output too);
- hidden tests (``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``) are removed, as nbgrader does;
- in a written-answer markdown cell the solution region (markers, model answer, rubric) becomes
  ``YOUR ANSWER HERE``, nbgrader's text stub; the comment line and the question stay;
- everything else stays identical. Running the script twice writes identical files.

``tools/nbgrader_course.py`` makes nbgrader's ``generate_assignment`` write the same stubs (it calls
:func:`student_source`), so a release and notebooks/student/ differ only in nbgrader's own metadata.
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
ZH_DIR = TEACHER_DIR / "zh"  # the Chinese edition (tools/translate.py), with its own student/
PATTERN = "[0-9][0-9]_*.ipynb"

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^[ \t]*### END SOLUTION\s*$")
BEGIN_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS\s*$")
END_HIDDEN = re.compile(r"^[ \t]*### END HIDDEN TESTS\s*$")
STUB = 'raise NotImplementedError("Your code here")'
ANSWER = "{name} = None  # YOUR ANSWER HERE"
TEXT_STUB = "YOUR ANSWER HERE"  # nbgrader's ClearSolutions.text_stub
# A teacher notebook's link into notebooks/student/ (lesson 00 sends learners there): in a student notebook,
# which already lives in student/, the link drops the folder.
STUDENT_LINK = re.compile(
    r"(?<=\]\()student/(?=\d\d_[A-Za-z0-9_]+\.ipynb)"  # the target of [text](student/NN_x.ipynb)
    r"|(?<=\[)student/(?=\d\d_[A-Za-z0-9_]+\.ipynb\])"  # a link text that is the path itself
)
WRITTEN_ANSWER = re.compile(  # the first line of a written answer: <!-- written answer: cost_growth, 3 points -->
    r"^<!--\s*written answer:\s*(?P<grade_id>[A-Za-z0-9_-]+)\s*,\s*(?P<points>\d+)\s*points?\s*-->\s*$"
)


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


def without_hidden_tests(source: str, where: str = "cell") -> str:
    """``source`` without its hidden-test blocks (markers included), as nbgrader's ClearHiddenTests leaves it."""
    out: list[str] = []
    hidden = False
    for number, line in enumerate(source.split("\n"), start=1):
        if BEGIN_HIDDEN.match(line):
            if hidden:
                raise SolutionMarkerError(f"{where}, line {number}: nested `### BEGIN HIDDEN TESTS`")
            hidden = True
        elif END_HIDDEN.match(line):
            if not hidden:
                raise SolutionMarkerError(f"{where}, line {number}: `### END HIDDEN TESTS` without a BEGIN")
            hidden = False
        elif not hidden:
            out.append(line)
    if hidden:
        raise SolutionMarkerError(f"{where}: `### BEGIN HIDDEN TESTS` has no matching `### END HIDDEN TESTS`")
    return "\n".join(out)


def student_source(source: str, where: str = "cell", hidden_tests: bool = False) -> str:
    """Replace every solution block of one cell's source with its stub (and drop hidden tests, unless kept).

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
    text = "\n".join(out)
    return text if hidden_tests else without_hidden_tests(text, where)


def written_answer(source: str) -> tuple[str, int] | None:
    """(grade id, points) of a written-answer markdown cell (its first line is the comment), else None."""
    found = WRITTEN_ANSWER.match(source.split("\n", 1)[0])
    return (found["grade_id"], int(found["points"])) if found else None


def student_markdown(source: str, where: str = "cell") -> str:
    """A written answer's source with its solution region replaced by ``YOUR ANSWER HERE``, as ClearSolutions does.

    Raises
    ------
    SolutionMarkerError
        When the region is missing, unpaired or nested, naming ``where`` and the line.
    """
    lines = source.split("\n")
    out: list[str] = []
    inside = False
    found = False
    for number, line in enumerate(lines, start=1):
        if BEGIN.match(line):
            if inside:
                raise SolutionMarkerError(f"{where}, line {number}: nested `### BEGIN SOLUTION`")
            inside = found = True
            out.append(BEGIN.match(line).group("indent") + TEXT_STUB)
        elif END.match(line):
            if not inside:
                raise SolutionMarkerError(f"{where}, line {number}: `### END SOLUTION` without a `### BEGIN SOLUTION`")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionMarkerError(f"{where}: `### BEGIN SOLUTION` has no matching `### END SOLUTION`")
    if not found:
        raise SolutionMarkerError(
            f"{where}: a written answer needs its model answer and rubric between `### BEGIN SOLUTION` "
            "and `### END SOLUTION`"
        )
    return "\n".join(out)


# -- nbgrader metadata -------------------------------------------------------------------------------
CHECK_CALL = re.compile(r"""^\s*check\(\s*["'](?P<name>\w+)["']""", re.MULTILINE)
PROPERTY_CHECK = re.compile(
    r"""^\s*check_property_test\(\s*(?P<test>\w+)\s*,\s*bug\s*=\s*["'](?P<bug>\w+)["']\s*\)""", re.MULTILINE
)
HIDDEN_TEST = """# Graded by nbgrader (hidden in the student version): the check above, raising if the test misses it.
### BEGIN HIDDEN TESTS
from lookup_lib.exercises import grade_property_test

grade_property_test({test}, bug="{bug}")
### END HIDDEN TESTS"""
FUNCTION_POINTS, VALUE_POINTS = 2, 1


def nbgrader_cell(grade_id: str, *, solution: bool = False, points: int | None = None) -> dict[str, Any]:
    """nbgrader's cell metadata (schema 3): a solution cell, or a locked test cell worth ``points``."""
    meta: dict[str, Any] = {
        "grade": points is not None,
        "grade_id": grade_id,
        "locked": points is not None,
        "schema_version": 3,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    return meta


def written_answer_cell(grade_id: str, points: int) -> dict[str, Any]:
    """nbgrader's metadata of a manually graded answer: a solution cell that is also graded, not locked."""
    meta = nbgrader_cell(grade_id, solution=True, points=points)
    meta["locked"] = False  # the student writes in it
    return meta


def _code_cell(cell_id: str, source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {},
        "outputs": [],
        "source": _lines(source),
    }


def _code_lines(source: str) -> list[str]:
    """A cell's lines without its comment lines (nbgrader's ``###`` markers kept): the Chinese edition
    translates the hidden test cell's comment, and stamping keeps it."""
    return [line for line in source.split("\n") if not (line.lstrip().startswith("#") and
                                                         not line.lstrip().startswith("###"))]


def stamp_notebook(teacher: dict[str, Any], name: str = "notebook") -> dict[str, Any]:
    """The teacher notebook with nbgrader metadata on every solution and check cell; the input is not changed.

    Raises
    ------
    SolutionMarkerError
        When a solution cell is not followed by a check cell naming its exercise.
    """
    nb = copy.deepcopy(teacher)
    cells = nb.get("cells", [])
    number = 0
    while number < len(cells):
        cell = cells[number]
        number += 1
        if cell.get("cell_type") == "markdown" and (written := written_answer(_text(cell.get("source", "")))):
            student_markdown(_text(cell["source"]), f"{name}, cell {number}")  # the region must be well formed
            cell.setdefault("metadata", {})["nbgrader"] = written_answer_cell(*written)
            continue
        if cell.get("cell_type") != "code" or not any(BEGIN.match(x) for x in _text(cell["source"]).split("\n")):
            continue
        where = f"{name}, cell {number}"
        after = cells[number] if number < len(cells) else {}
        source = _text(after.get("source", "")) if after.get("cell_type") == "code" else ""
        function = any(BEGIN.match(x) and BEGIN.match(x).group("indent") for x in _text(cell["source"]).split("\n"))
        points = FUNCTION_POINTS if function else VALUE_POINTS
        if found := CHECK_CALL.search(source):
            exercise = found["name"]
            cell.setdefault("metadata", {})["nbgrader"] = nbgrader_cell(f"{exercise}_answer", solution=True)
            after.setdefault("metadata", {})["nbgrader"] = nbgrader_cell(exercise, points=points)
        elif found := PROPERTY_CHECK.search(source):
            test = found["test"]
            cell.setdefault("metadata", {})["nbgrader"] = nbgrader_cell(f"{test}_answer", solution=True)
            hidden_id = f"grade-{test}"[:64]
            text = HIDDEN_TEST.format(test=test, bug=found["bug"])
            following = cells[number + 1] if number + 1 < len(cells) else None
            if following is None or following.get("id") != hidden_id:
                following = _code_cell(hidden_id, text)
                cells.insert(number + 1, following)
            if _code_lines(_text(following.get("source", ""))) != _code_lines(text):  # a translated comment stays
                following["source"] = _lines(text)
            following.setdefault("metadata", {})["nbgrader"] = nbgrader_cell(test, points=FUNCTION_POINTS)
        else:
            raise SolutionMarkerError(
                f'{where}: a solution cell must be followed by its check cell, `check("name", ...)` '
                "or `check_property_test(test_..., bug=...)`, which grades it"
            )
    return nb


def stamp_files(teacher_dir: Path = TEACHER_DIR) -> dict[Path, str]:
    """Teacher notebook path → its stamped text, for the notebooks whose stamp is missing or stale."""
    stale = {}
    for path in sorted(teacher_dir.glob(PATTERN)):
        text = path.read_text(encoding="utf-8")
        stamped = dumps(stamp_notebook(json.loads(text), path.name))
        if stamped != text:
            stale[path] = stamped
    return stale


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
        if cell.get("cell_type") == "markdown" and written_answer(_text(cell.get("source", ""))):
            cell["source"] = _lines(student_markdown(_text(cell["source"]), f"{name}, cell {number}"))
        if cell.get("cell_type") == "markdown" and STUDENT_LINK.search(_text(cell.get("source", ""))):
            cell["source"] = _lines(STUDENT_LINK.sub("", _text(cell["source"])))
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


def stamp(teacher_dir: Path = TEACHER_DIR) -> list[str]:
    """Write the nbgrader metadata into the teacher notebooks (only those that need it); one line per file."""
    changed = []
    for path, text in stamp_files(teacher_dir).items():
        path.write_text(text, encoding="utf-8")
        changed.append(f"stamped {path.name} (nbgrader metadata)")
    return changed


def editions() -> list[Path]:
    """The teacher folders: the English lessons, and the Chinese edition's (``notebooks/zh/``) when it exists."""
    return [TEACHER_DIR] + ([ZH_DIR] if any(ZH_DIR.glob(PATTERN)) else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the student notebooks are up to date")
    parser.add_argument("--teacher-dir", type=Path, default=None, help="default: notebooks/ and notebooks/zh/")
    parser.add_argument("--student-dir", type=Path, default=None, help="default: <teacher-dir>/student")
    args = parser.parse_args(argv)
    teacher_dirs = [args.teacher_dir] if args.teacher_dir else editions()
    status = 0
    for teacher_dir in teacher_dirs:
        student_dir = args.student_dir or teacher_dir / "student"
        where = "zh/" if teacher_dir == ZH_DIR and not args.teacher_dir else ""
        try:
            if args.check:
                stale = stamp_files(teacher_dir)
                problems = [f"{where}{path.name}: nbgrader metadata missing or stale" for path in stale]
                problems += [f"{where}{line}" for line in out_of_date(teacher_dir, student_dir)]
                for problem in problems:
                    print(problem)
                if problems:
                    print("Run `python tools/make_student.py` to stamp the lessons and regenerate the student "
                          "notebooks.")
                    status = 1
                continue
            for line in stamp(teacher_dir) + write(teacher_dir, student_dir):
                print(f"{where}{line}")
        except SolutionMarkerError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
