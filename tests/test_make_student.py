"""tools/make_student.py: teacher notebooks in, student notebooks (solutions stubbed) out."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_student", ROOT / "tools" / "make_student.py")
make_student = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_student)

STUB = 'raise NotImplementedError("Your code here")'


# ---------------------------------------------------------------------------------------------
# One cell
# ---------------------------------------------------------------------------------------------


def test_a_block_in_a_function_body_becomes_a_stub_at_its_indentation():
    source = (
        "def lookup(indices, weight):\n"
        '    """Rows of weight."""\n'
        "    ### BEGIN SOLUTION\n"
        "    rows = np.asarray(indices)\n"
        "    return weight[rows]\n"
        "    ### END SOLUTION"
    )
    assert make_student.student_source(source) == (
        f'def lookup(indices, weight):\n    """Rows of weight."""\n    {STUB}'
    )


def test_nested_indentation_is_kept():
    source = (
        "class Table:\n"
        "    def lookup(self, indices):\n"
        "        if indices is None:\n"
        "            ### BEGIN SOLUTION\n"
        "            return None\n"
        "            ### END SOLUTION\n"
        "        ### BEGIN SOLUTION\n"
        "        return self.weight[indices]\n"
        "        ### END SOLUTION\n"
        "\n"
        "print('after')"
    )
    assert make_student.student_source(source).split("\n") == [
        "class Table:",
        "    def lookup(self, indices):",
        "        if indices is None:",
        f"            {STUB}",
        f"        {STUB}",
        "",
        "print('after')",
    ]


def test_a_top_level_block_becomes_one_none_per_assigned_name():
    source = (
        "# Predict the shape\n"
        "### BEGIN SOLUTION\n"
        "predicted_shape = (2, 3, 4, 5)\n"
        "rows, cols = 3, 5\n"
        "cost: int = 4 * 5000 * 128\n"
        "rows += 0\n"
        "print(predicted_shape)\n"
        "### END SOLUTION\n"
        'check("predict_shape", predicted_shape)'
    )
    assert make_student.student_source(source).split("\n") == [
        "# Predict the shape",
        "predicted_shape = None  # YOUR ANSWER HERE",
        "rows = None  # YOUR ANSWER HERE",
        "cols = None  # YOUR ANSWER HERE",
        "cost = None  # YOUR ANSWER HERE",
        'check("predict_shape", predicted_shape)',
    ]


def test_a_cell_without_markers_is_unchanged():
    source = "x = 1\n\ndef f():\n    return x\n"
    assert make_student.student_source(source) == source


def test_markers_with_trailing_spaces_are_recognised():
    assert make_student.student_source("def f():\n    ### BEGIN SOLUTION  \n    return 1\n    ### END SOLUTION ") == (
        f"def f():\n    {STUB}"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "line 2: `### BEGIN SOLUTION` has no matching"),
        ("x = 1\n### END SOLUTION\n", "line 2: `### END SOLUTION` without a `### BEGIN SOLUTION`"),
        ("### BEGIN SOLUTION\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION", "line 1: `### BEGIN SOLUTION` has"),
        ("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION", "assigns no name"),
        ("### BEGIN SOLUTION\nresult.value = 1\n### END SOLUTION", "only assign plain names, got `result.value`"),
        ("### BEGIN SOLUTION\nx = (\n### END SOLUTION", "not valid Python"),
    ],
)
def test_malformed_blocks_give_a_clear_error(source, message):
    with pytest.raises(make_student.SolutionMarkerError, match="^02_x.ipynb, cell 3") as info:
        make_student.student_source(source, "02_x.ipynb, cell 3")
    assert message in str(info.value)


# ---------------------------------------------------------------------------------------------
# One notebook
# ---------------------------------------------------------------------------------------------


def teacher_notebook() -> dict:
    md = nbformat.v4.new_markdown_cell("# Exercises\n\n### BEGIN SOLUTION\nnot code, left alone\n### END SOLUTION")
    imports = nbformat.v4.new_code_cell("import numpy as np\nfrom lookup_lib.exercises import check, hint, solution")
    function = nbformat.v4.new_code_cell(
        "def lookup(indices, weight):\n    ### BEGIN SOLUTION\n    return np.asarray(weight)[np.asarray(indices)]\n"
        "    ### END SOLUTION"
    )
    function_check = nbformat.v4.new_code_cell('check("lookup", lookup)')
    question = nbformat.v4.new_code_cell("### BEGIN SOLUTION\npredicted_shape = (2, 3, 4, 5)\n### END SOLUTION")
    question_check = nbformat.v4.new_code_cell('check("predict_shape", predicted_shape)')
    failing = nbformat.v4.new_code_cell("np.zeros(2)[5]", metadata={"tags": ["raises-exception"]})
    nb = nbformat.v4.new_notebook(
        cells=[md, imports, function, function_check, question, question_check, failing],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
        if cell.cell_type == "code":
            cell.execution_count = number
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"output {number}\n")]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"model-id": {}}}}
    return json.loads(nbformat.writes(nb))


def test_student_notebook_stubs_solutions_and_clears_outputs_only():
    teacher = teacher_notebook()
    before = copy.deepcopy(teacher)
    student = make_student.student_notebook(teacher, "07_test.ipynb")
    assert teacher == before  # the teacher notebook is not touched
    cells = student["cells"]
    assert "".join(cells[2]["source"]) == f"def lookup(indices, weight):\n    {STUB}"
    assert "".join(cells[4]["source"]) == "predicted_shape = None  # YOUR ANSWER HERE"
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert "widgets" not in student["metadata"]
    # everything else identical: markdown (markers and all), ids, tags, other code, metadata
    for old, new in zip(teacher["cells"], cells, strict=True):
        assert old["id"] == new["id"] and old["metadata"] == new["metadata"]
    assert cells[0] == teacher["cells"][0]
    for number in (1, 3, 5, 6):
        assert cells[number]["source"] == teacher["cells"][number]["source"]
    assert student["metadata"] == {key: value for key, value in teacher["metadata"].items() if key != "widgets"}


def test_a_student_notebook_is_valid_nbformat():
    student = make_student.student_notebook(teacher_notebook())
    nbformat.validate(nbformat.from_dict(student))


def test_a_malformed_cell_is_named_with_notebook_and_cell():
    teacher = teacher_notebook()
    teacher["cells"][2]["source"] = "def f():\n    ### BEGIN SOLUTION\n    return 1"
    with pytest.raises(make_student.SolutionMarkerError, match="07_test.ipynb, cell 3, line 2"):
        make_student.student_notebook(teacher, "07_test.ipynb")


# ---------------------------------------------------------------------------------------------
# Files: write, deterministic, --check
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def lesson_dir(tmp_path: Path) -> Path:
    (tmp_path / "07_test.ipynb").write_text(json.dumps(teacher_notebook()), encoding="utf-8")
    (tmp_path / "notes.ipynb").write_text(json.dumps(teacher_notebook()), encoding="utf-8")  # not a lesson
    return tmp_path


def run_main(lesson_dir: Path, *extra: str) -> int:
    return make_student.main(["--teacher-dir", str(lesson_dir), *extra])


def test_generation_is_deterministic(lesson_dir, capsys):
    assert run_main(lesson_dir) == 0
    first = (lesson_dir / "student" / "07_test.ipynb").read_bytes()
    assert capsys.readouterr().out == "stamped 07_test.ipynb (nbgrader metadata)\nwrote 07_test.ipynb\n"
    assert run_main(lesson_dir) == 0
    assert (lesson_dir / "student" / "07_test.ipynb").read_bytes() == first
    assert capsys.readouterr().out == ""  # nothing changed the second time
    assert sorted(p.name for p in (lesson_dir / "student").iterdir()) == ["07_test.ipynb"]


def test_check_mode_passes_when_in_sync_and_fails_when_stale(lesson_dir, capsys):
    assert run_main(lesson_dir, "--check") == 1
    assert "07_test.ipynb: missing" in capsys.readouterr().out
    run_main(lesson_dir)
    assert run_main(lesson_dir, "--check") == 0
    teacher = json.loads((lesson_dir / "07_test.ipynb").read_text())
    teacher["cells"][1]["source"] = "import numpy as np  # changed"
    (lesson_dir / "07_test.ipynb").write_text(json.dumps(teacher))
    capsys.readouterr()
    assert run_main(lesson_dir, "--check") == 1
    assert "07_test.ipynb: out of date" in capsys.readouterr().out


def test_check_mode_reports_a_student_notebook_without_teacher(lesson_dir, capsys):
    run_main(lesson_dir)
    (lesson_dir / "student" / "09_gone.ipynb").write_text("{}")
    assert run_main(lesson_dir, "--check") == 1
    assert "09_gone.ipynb: has no teacher notebook" in capsys.readouterr().out
    run_main(lesson_dir)
    assert not (lesson_dir / "student" / "09_gone.ipynb").exists()


def test_a_marker_error_exits_with_a_message(lesson_dir, capsys):
    teacher = json.loads((lesson_dir / "07_test.ipynb").read_text())
    teacher["cells"][2]["source"] = "def f():\n    ### BEGIN SOLUTION\n    return 1"
    (lesson_dir / "07_test.ipynb").write_text(json.dumps(teacher))
    assert run_main(lesson_dir) == 2
    assert "error: 07_test.ipynb, cell 3, line 2: `### BEGIN SOLUTION` has no matching" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The real notebooks, and running a student notebook
# ---------------------------------------------------------------------------------------------


def test_committed_student_notebooks_are_in_sync_with_the_teacher_notebooks():
    if not any(make_student.STUDENT_DIR.glob(make_student.PATTERN)):
        pytest.skip("notebooks/student/ is empty: run `python tools/make_student.py`")
    assert make_student.out_of_date() == [], "run `python tools/make_student.py` and commit notebooks/student/"


def test_the_chinese_edition_has_its_student_notebooks_in_sync():
    zh = make_student.ZH_DIR
    assert make_student.editions() == [make_student.TEACHER_DIR, zh]
    assert make_student.out_of_date(zh, zh / "student") == [], "run `python tools/make_student.py`"
    assert make_student.stamp_files(zh) == {}, "run `python tools/make_student.py`"


def test_a_generated_student_notebook_runs_and_its_checks_say_not_attempted(tmp_path):
    student = nbformat.reads(make_student.dumps(make_student.student_notebook(teacher_notebook())), as_version=4)
    client = NotebookClient(student, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = ["".join(o.get("text", "") for o in cell.outputs) for cell in student.cells if cell.cell_type == "code"]
    not_attempted = "not attempted yet — write your answer in place of the stub"
    assert f"✎ lookup: {not_attempted}" in outputs[2]
    assert f"✎ predict_shape: {not_attempted}" in outputs[4]
    errors = [o for cell in student.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert [e.ename for e in errors] == ["IndexError"]  # only the cell tagged raises-exception


def test_a_check_cell_shows_the_feedback_but_no_true_or_false(tmp_path):
    student = nbformat.reads(make_student.dumps(make_student.student_notebook(teacher_notebook())), as_version=4)
    NotebookClient(
        student, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    checks = [c for c in student.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert len(checks) == 2
    for cell in checks:
        assert [o.output_type for o in cell.outputs] == ["stream"], cell.outputs  # no execute_result `False`


# ---------------------------------------------------------------------------------------------
# nbgrader metadata: stamped from the exercise names, idempotently
# ---------------------------------------------------------------------------------------------


def test_stamping_marks_solution_and_check_cells_from_the_exercise_names():
    stamped = make_student.stamp_notebook(teacher_notebook(), "07_test.ipynb")
    meta = [cell["metadata"].get("nbgrader") for cell in stamped["cells"]]
    assert meta[2] == {
        "grade": False,
        "grade_id": "lookup_answer",
        "locked": False,
        "schema_version": 3,
        "solution": True,
    }
    assert meta[3] == {
        "grade": True,
        "grade_id": "lookup",
        "locked": True,
        "points": 2,
        "schema_version": 3,
        "solution": False,
    }
    assert meta[4]["grade_id"] == "predict_shape_answer" and meta[5]["grade_id"] == "predict_shape"
    assert meta[5]["points"] == 1
    assert meta[0] is meta[1] is meta[6] is None
    assert make_student.stamp_notebook(stamped) == stamped  # idempotent


def _property_notebook() -> dict:
    nb = teacher_notebook()
    nb["cells"] = nb["cells"][:2] + [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "sol",
            "metadata": {},
            "outputs": [],
            "source": "def test_padding():\n    ### BEGIN SOLUTION\n    assert True\n    ### END SOLUTION",
        },
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "chk",
            "metadata": {},
            "outputs": [],
            "source": 'check_property_test(test_padding, bug="padding")',
        },
    ]
    return nb


def test_a_property_check_gets_a_hidden_test_cell_added_once():
    stamped = make_student.stamp_notebook(_property_notebook())
    assert [c["id"] for c in stamped["cells"][2:]] == ["sol", "chk", "grade-test_padding"]
    hidden = stamped["cells"][4]
    assert hidden["metadata"]["nbgrader"]["grade_id"] == "test_padding" and hidden["metadata"]["nbgrader"]["locked"]
    assert 'grade_property_test(test_padding, bug="padding")' in "".join(hidden["source"])
    assert make_student.stamp_notebook(stamped) == stamped  # not added twice
    student = make_student.student_notebook(stamped)
    assert "".join(student["cells"][4]["source"]).startswith("# Graded by nbgrader")
    assert "grade_property_test" not in "".join(student["cells"][4]["source"])  # hidden tests are removed


def test_a_solution_without_a_check_cell_is_an_error():
    nb = teacher_notebook()
    nb["cells"][3]["source"] = "print('no check here')"
    with pytest.raises(make_student.SolutionMarkerError, match="07_x.ipynb, cell 3: a solution cell must be"):
        make_student.stamp_notebook(nb, "07_x.ipynb")


def test_main_stamps_the_teacher_notebooks_and_check_mode_sees_a_missing_stamp(lesson_dir, capsys):
    assert run_main(lesson_dir, "--check") == 1
    assert "07_test.ipynb: nbgrader metadata missing or stale" in capsys.readouterr().out
    assert run_main(lesson_dir) == 0
    assert capsys.readouterr().out == "stamped 07_test.ipynb (nbgrader metadata)\nwrote 07_test.ipynb\n"
    teacher = json.loads((lesson_dir / "07_test.ipynb").read_text())
    assert teacher["cells"][3]["metadata"]["nbgrader"]["grade_id"] == "lookup"
    assert run_main(lesson_dir, "--check") == 0
    assert run_main(lesson_dir) == 0 and capsys.readouterr().out == ""  # nothing to do the second time


def test_committed_teacher_notebooks_are_stamped():
    if not any(make_student.STUDENT_DIR.glob(make_student.PATTERN)):
        pytest.skip("notebooks/student/ is empty")
    stale = [path.name for path in make_student.stamp_files()]
    assert stale == [], "run `python tools/make_student.py` to stamp the nbgrader metadata"


# ---------------------------------------------------------------------------------------------
# Written answers, graded by hand: <!-- written answer: GRADE_ID, POINTS points --> markdown cells
# ---------------------------------------------------------------------------------------------

WRITTEN = (
    "<!-- written answer: cost_growth, 3 points -->\n"
    "**Your answer** (prediction, measurement, explanation):\n"
    "\n"
    "### BEGIN SOLUTION\n"
    "*Model answer.* The product grows with V.\n"
    "\n"
    "Rubric (3 points):\n"
    "- 1 point for a prediction written before running;\n"
    "### END SOLUTION\n"
    "\n"
    "(kept: after the region)"
)


def _written_notebook(source: str = WRITTEN) -> dict:
    nb = teacher_notebook()
    cell = nbformat.v4.new_markdown_cell(source)
    cell["id"] = "written"
    nb["cells"].insert(6, json.loads(json.dumps(cell)))  # after the question's check cell, no check cell after it
    return nb


def test_a_written_answer_is_stamped_as_a_manually_graded_cell():
    stamped = make_student.stamp_notebook(_written_notebook(), "02_x.ipynb")
    assert stamped["cells"][6]["metadata"]["nbgrader"] == {
        "grade": True,
        "grade_id": "cost_growth",
        "locked": False,
        "points": 3,
        "schema_version": 3,
        "solution": True,
    }
    assert stamped["cells"][0]["metadata"].get("nbgrader") is None  # markers without the comment: not an answer
    assert make_student.stamp_notebook(stamped) == stamped  # idempotent


def test_the_student_version_of_a_written_answer_keeps_the_question_and_stubs_the_region():
    student = make_student.student_notebook(make_student.stamp_notebook(_written_notebook()))
    assert "".join(student["cells"][6]["source"]) == (
        "<!-- written answer: cost_growth, 3 points -->\n"
        "**Your answer** (prediction, measurement, explanation):\n"
        "\n"
        "YOUR ANSWER HERE\n"
        "\n"
        "(kept: after the region)"
    )
    assert student["cells"][0] == teacher_notebook()["cells"][0]  # an ordinary markdown cell is left alone


def test_the_student_stub_of_a_written_answer_is_what_nbgraders_clear_solutions_writes():
    from nbgrader.preprocessors import ClearSolutions

    cell = nbformat.v4.new_markdown_cell(WRITTEN)
    ClearSolutions()._replace_solution_region(cell, "python")
    assert make_student.student_markdown(WRITTEN) == cell.source


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("<!-- written answer: cost_growth, 3 points -->", ("cost_growth", 3)),
        ("<!--written answer: padding-drift,1 point-->", ("padding-drift", 1)),
        ("<!-- a comment -->", None),
        ("**Your answer**", None),
    ],
)
def test_the_written_answer_comment_is_recognised_on_the_first_line_only(first_line, expected):
    assert make_student.written_answer(f"{first_line}\n### BEGIN SOLUTION\nx\n### END SOLUTION") == expected
    assert make_student.written_answer(f"intro\n{first_line}") is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<!-- written answer: a, 1 points -->\nno region", "needs its model answer and rubric between"),
        ("<!-- written answer: a, 1 points -->\n### BEGIN SOLUTION\nanswer", "has no matching `### END SOLUTION`"),
        ("<!-- written answer: a, 1 points -->\nanswer\n### END SOLUTION", "line 3: `### END SOLUTION` without"),
    ],
)
def test_a_malformed_written_answer_is_an_error_naming_the_cell(source, message):
    with pytest.raises(make_student.SolutionMarkerError, match="02_x.ipynb, cell 7") as info:
        make_student.stamp_notebook(_written_notebook(source), "02_x.ipynb")
    assert message in str(info.value)


def test_nbgraders_generate_assignment_stub_equals_make_students_for_a_written_answer():
    from tools.nbgrader_course import StudentStubs

    teacher = _written_notebook()
    teacher["cells"][0]["source"] = "# Exercises"  # nbgrader refuses solution markers outside a solution cell
    stamped = make_student.stamp_notebook(teacher)
    nb = nbformat.reads(make_student.dumps(stamped), as_version=4)  # as nbgrader reads it: sources as strings
    released, _ = StudentStubs().preprocess(nb, {})
    ours = make_student.student_notebook(stamped)
    assert released.cells[6].source == "".join(ours["cells"][6]["source"])
    assert released.cells[2].source == "".join(ours["cells"][2]["source"])  # code stubs unchanged


def test_a_link_into_student_drops_the_folder_in_the_student_version():
    from tools.make_student import student_notebook

    link = "Next: [student/01_lookup_table.ipynb](student/01_lookup_table.ipynb); teachers: [01](01_lookup_table.ipynb)"
    teacher = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(link)])
    student = student_notebook(json.loads(nbformat.writes(teacher)))
    assert "".join(student["cells"][0]["source"]) == (
        "Next: [01_lookup_table.ipynb](01_lookup_table.ipynb); teachers: [01](01_lookup_table.ipynb)"
    )
