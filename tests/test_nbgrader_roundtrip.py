"""The nbgrader round trip, for real: stamp two lessons, generate the release, autograde three submissions.

The teacher notebooks score full marks on every automatically graded cell, the untouched release zero, and a
submission with one wrong answer loses exactly that answer's points; the written answer (lesson 02's
``cost_growth``) is left for a person to grade. The release equals make_student's student version but for
nbgrader's metadata. Lessons 01 and 02 are cheap ones (nbgrader runs each notebook once per student).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # nbgrader shells out to `alembic`: the venv's bin must be on PATH
LESSONS = ["01_lookup_table.ipynb", "02_one_hot_matmul.ipynb"]
WRONG = "def lookup(indices, weight):\n    return np.asarray(weight)[np.asarray(indices) - 1]  # off by one\n"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_student = _load("make_student")


def nbgrader(course: Path, *args: str) -> str:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("LOOKUP_LIB_GRADED", None)  # the course's config sets it
    done = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True, timeout=400
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    teacher = tmp_path_factory.mktemp("teacher")
    for name in LESSONS:
        shutil.copy(ROOT / "notebooks" / name, teacher / name)
    assert make_student.main(["--teacher-dir", str(teacher)]) == 0  # stamp, and write teacher/student/
    course = tmp_path_factory.mktemp("course")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "nbgrader_course.py"),
            str(course),
            "ps1=01,02",
            "--teacher-dir",
            str(teacher),
        ],
        check=True,
        capture_output=True,
    )
    nbgrader(course, "generate_assignment", "ps1", "--force")
    for student in ("full", "zero", "wrong"):
        nbgrader(course, "db", "student", "add", student)
        (course / "submitted" / student / "ps1").mkdir(parents=True)
    for name in LESSONS:
        shutil.copy(teacher / name, course / "submitted" / "full" / "ps1" / name)
        shutil.copy(course / "release" / "ps1" / name, course / "submitted" / "zero" / "ps1" / name)
        nb = json.loads((teacher / name).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == "lookup_answer":
                cell["source"] = WRONG
        (course / "submitted" / "wrong" / "ps1" / name).write_text(json.dumps(nb), encoding="utf-8")
    nbgrader(course, "autograde", "ps1")
    (course / "teacher").symlink_to(teacher)
    return course


WRITTEN = {"cost_growth": 3}  # written answers: grade id → points, graded by hand
AUTOGRADED = {
    "lookup": 2,
    "predict_shape": 1,
    "num_embeddings_for": 2,
    "one_hot": 2,
    "one_hot_matmul": 2,
    "onehot_cost": 1,
}


def _grades(course: Path, student: str) -> dict[str, tuple[float | None, float, bool, float]]:
    """grade id → (auto score, score, needs manual grading, max score)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {
            grade.name: (grade.auto_score, grade.score, grade.needs_manual_grade, grade.max_score)
            for name in LESSONS
            for grade in gb.find_submission_notebook(name.removesuffix(".ipynb"), "ps1", student).grades
        }


def _scores(course: Path, student: str) -> dict[str, float]:
    return {name: score for name, (_, score, _, _) in _grades(course, student).items() if name not in WRITTEN}


@pytest.mark.slow
def test_the_teacher_notebooks_score_full_marks(course):
    assert _scores(course, "full") == AUTOGRADED


@pytest.mark.slow
def test_a_written_answer_waits_for_a_person(course):
    """An answered written cell needs manual grading: no automatic score, 0 until graded, out of its points."""
    grades = _grades(course, "full")
    for name, points in WRITTEN.items():
        assert grades[name] == (None, 0, True, points)


@pytest.mark.slow
def test_the_untouched_release_scores_zero(course):
    scores = _scores(course, "zero")
    assert set(scores) == set(AUTOGRADED) and set(scores.values()) == {0}
    grades = _grades(course, "zero")
    for name, points in WRITTEN.items():  # left as released ("YOUR ANSWER HERE"): 0 automatically, nothing to grade
        assert grades[name] == (0, 0, False, points)


@pytest.mark.slow
def test_one_wrong_answer_loses_exactly_its_points(course):
    full, wrong = _scores(course, "full"), _scores(course, "wrong")
    assert wrong == {**full, "lookup": 0}
    graded = _cells(course / "autograded" / "wrong" / "ps1" / LESSONS[0])
    check = next(c for c in graded if c["metadata"].get("nbgrader", {}).get("grade_id") == "lookup")
    error = next(o for o in check["outputs"] if o["output_type"] == "error")
    assert error["ename"] == "AssertionError" and "off by one" in error["evalue"]  # the feedback, as the message


@pytest.mark.slow
def test_the_release_is_the_student_version_but_for_nbgraders_metadata(course):
    for name in LESSONS:
        release = json.loads((course / "release" / "ps1" / name).read_text(encoding="utf-8"))
        student = json.loads((course / "teacher" / "student" / name).read_text(encoding="utf-8"))
        assert "widgets" not in release["metadata"]
        assert [c["cell_type"] for c in release["cells"]] == [c["cell_type"] for c in student["cells"]]
        for ours, theirs in zip(student["cells"], release["cells"], strict=True):
            assert "".join(ours["source"]) == "".join(theirs["source"]), ours["source"]
            assert ours.get("outputs", []) == theirs.get("outputs", [])
            nbgrader_keys = {"nbgrader", "deletable", "editable"}  # LockCells adds the last two
            mine = {k: v for k, v in ours["metadata"].items() if k not in nbgrader_keys}
            assert mine == {k: v for k, v in theirs["metadata"].items() if k not in nbgrader_keys}
