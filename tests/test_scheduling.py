"""tests/scheduling.py: which tests travel together between xdist workers, and which start first."""

from pathlib import Path

from tests import scheduling


def test_a_notebooks_cells_and_a_files_tests_stay_together():
    assert scheduling.scope_of("notebooks/01_lookup_table.ipynb::Cell 3") == "notebooks/01_lookup_table.ipynb"
    assert scheduling.scope_of("tests/test_nbgrader_roundtrip.py::test_x") == "tests/test_nbgrader_roundtrip.py"
    assert scheduling.scope_of("tests/lessons/test_l01.py::test_y[1-2]") == "tests/lessons/test_l01.py"


def test_the_student_notebook_runs_are_split_one_by_one():
    a = "tests/test_student_notebooks_run.py::test_student_notebook_runs[01_lookup_table.ipynb]"
    b = "tests/test_student_notebooks_run.py::test_student_notebook_runs[02_one_hot_matmul.ipynb]"
    assert scheduling.scope_of(a) == a != scheduling.scope_of(b) == b


def test_the_longest_pieces_come_first_and_the_rest_keep_their_order():
    ids = ["lookup_lib/core.py::lookup_lib.core.embedding", "notebooks/01_x.ipynb::Cell 0",
           "notebooks/12_y.ipynb::Cell 0", "notebooks/01_x.ipynb::Cell 1", "tests/test_nbgrader_roundtrip.py::t"]
    ordered = sorted(ids, key=scheduling.rank)
    assert ordered == ["tests/test_nbgrader_roundtrip.py::t", "notebooks/12_y.ipynb::Cell 0",
                       "lookup_lib/core.py::lookup_lib.core.embedding", "notebooks/01_x.ipynb::Cell 0",
                       "notebooks/01_x.ipynb::Cell 1"]


def test_every_file_named_in_the_plan_exists():
    from pathlib import Path

    root = Path(scheduling.__file__).resolve().parents[1]
    for path in scheduling.SPLIT:
        assert (root / path).is_file(), path
    files = [p.relative_to(root).as_posix() for top in ("tests", "notebooks") for p in (root / top).rglob("*")]
    for prefix in scheduling.FIRST:
        assert any(f.startswith(prefix) for f in files), prefix


def test_the_two_editions_of_lesson_11_are_one_unit_of_work():
    en = "notebooks/11_tables_too_big_for_one_machine.ipynb::Cell 3"
    zh = "notebooks/zh/11_tables_too_big_for_one_machine.ipynb::Cell 3"
    assert scheduling.scope_of(en) == scheduling.scope_of(zh)
    assert scheduling.scope_of("notebooks/12_meaning_from_real_text.ipynb::Cell 3") != scheduling.scope_of(
        "notebooks/zh/12_meaning_from_real_text.ipynb::Cell 3")
    for path in scheduling.TOGETHER:
        assert (Path(scheduling.__file__).resolve().parents[1] / path).is_file(), path
