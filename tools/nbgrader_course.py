"""Set up an nbgrader course from the lessons, and the preprocessor that makes nbgrader stub like make_student.

Usage::

    python tools/make_student.py                                  # stamp the lessons (nbgrader metadata) first
    python tools/nbgrader_course.py COURSE_DIR lesson01=01 lesson07=07 [--course-id ID]

writes ``COURSE_DIR/nbgrader_config.py`` and copies the (stamped) teacher notebooks into
``COURSE_DIR/source/<assignment>/`` (``lesson01=01,02`` puts lessons 01 and 02 in one assignment).
Then, in COURSE_DIR, nbgrader's own commands: ``nbgrader generate_assignment lesson01``, ``nbgrader
release_assignment``/``collect`` (or copy into ``submitted/<student>/<assignment>/``), ``nbgrader autograde
lesson01``, ``nbgrader export``.

The config

- sets ``LOOKUP_LIB_GRADED=1`` for nbgrader and the kernels it starts: the check cells ``check("name", x)``
  raise under ``autograde``/``validate`` (nbgrader counts a test cell as failed only when it raises);
- replaces nbgrader's ClearSolutions by :class:`StudentStubs`, which writes make_student's stubs
  (``raise NotImplementedError("Your code here")`` inside a function, ``name = None  # YOUR ANSWER HERE``
  for a top-level answer, so that "Run All" reaches every check) and drops the saved widget state.
  nbgrader's single ``code_stub`` would put a bare ``raise`` at top level and stop "Run All" at the first question.
  A written answer (a markdown cell starting ``<!-- written answer: GRADE_ID, POINTS points -->``) gets
  make_student's text stub, ``YOUR ANSWER HERE`` in place of the model answer and rubric, as ClearSolutions
  writes it; ``nbgrader autograde`` leaves it for a person to grade (``nbgrader formgrader``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import ClearSolutions

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.make_student import PATTERN, TEACHER_DIR, student_markdown, student_source, written_answer  # noqa: E402

CONFIG = '''"""nbgrader configuration of the lookup_lib lessons (written by tools/nbgrader_course.py)."""

import os
import sys

sys.path.insert(0, {repo!r})  # the repository: tools/nbgrader_course.py

from nbgrader.converters import GenerateAssignment  # noqa: E402
from nbgrader.preprocessors import ClearSolutions  # noqa: E402

from tools.nbgrader_course import StudentStubs  # noqa: E402

# The check cells raise under nbgrader (autograde, validate); solution() says solutions are not available.
os.environ["LOOKUP_LIB_GRADED"] = "1"

c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = {course_id!r}
c.GenerateAssignment.preprocessors = [
    StudentStubs if step is ClearSolutions else step
    for step in GenerateAssignment.class_traits()["preprocessors"].default()
]
c.Execute.timeout = 300  # seconds per cell: lesson 07 trains small models
'''


class StudentStubs(ClearSolutions):
    """ClearSolutions writing the stubs of tools/make_student.py, hidden tests kept (ClearHiddenTests comes later)."""

    def _replace_solution_region(self, cell: Any, language: str) -> bool:
        if cell.cell_type == "markdown" and written_answer(cell.source):
            stubbed = student_markdown(cell.source, "cell")
            replaced = stubbed != cell.source
            cell.source = stubbed
            return replaced
        if cell.cell_type != "code":
            return super()._replace_solution_region(cell, language)
        stubbed = student_source(cell.source, "cell", hidden_tests=True)
        replaced = stubbed != cell.source
        cell.source = stubbed
        return replaced

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        nb.metadata.pop("widgets", None)  # saved widget state: output, and different on every run
        return super().preprocess(nb, resources)


def write_config(course_dir: Path, course_id: str = "lookup_lib") -> Path:
    course_dir.mkdir(parents=True, exist_ok=True)
    path = course_dir / "nbgrader_config.py"
    path.write_text(CONFIG.format(repo=str(ROOT), root=str(course_dir.resolve()), course_id=course_id))
    return path


def add_assignment(
    course_dir: Path, assignment: str, lessons: list[str], teacher_dir: Path = TEACHER_DIR
) -> list[Path]:
    """Copy the teacher notebooks of ``lessons`` (``["01", "07"]``) into ``source/<assignment>/``."""
    target = course_dir / "source" / assignment
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for number in lessons:
        found = sorted(teacher_dir.glob(f"{number}_*.ipynb"))
        if len(found) != 1 or not found[0].match(PATTERN):
            raise FileNotFoundError(f"no lesson {number} in {teacher_dir}")
        copied.append(Path(shutil.copy(found[0], target / found[0].name)))
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course_dir", type=Path)
    parser.add_argument("assignments", nargs="*", help="NAME=NN[,NN...], e.g. lesson01=01")
    parser.add_argument("--course-id", default="lookup_lib")
    parser.add_argument("--teacher-dir", type=Path, default=TEACHER_DIR)
    args = parser.parse_args(argv)
    print(f"wrote {write_config(args.course_dir, args.course_id)}")
    for spec in args.assignments:
        name, _, lessons = spec.partition("=")
        for path in add_assignment(args.course_dir, name, lessons.split(","), args.teacher_dir):
            print(f"copied {path.name} into source/{name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
