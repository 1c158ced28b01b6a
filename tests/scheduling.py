"""How `pytest -n 2 --dist loadfile --no-loadscope-reorder` shares the suite between two workers.

A pytest plugin (loaded by ``-p tests.scheduling`` in pyproject.toml). xdist's ``loadfile`` keeps each
file on one worker: right for a notebook under nbval (its cells share one kernel, in order) and for
files whose tests share a module fixture (the nbgrader course, a JupyterLab server), but wrong for a
file of independent slow cases: the run of every student notebook, about a third of the suite's work,
then sits on one worker while the other idles. (``--dist loadgroup`` would express this with markers,
but pytest-xdist 3.8 renames node ids through an attribute pytest 9.2 no longer reads, so its groups
are ignored: measured here, a group's cases ran on both workers.)

So under ``--dist loadfile`` this plugin's scheduler (xdist's public ``pytest_xdist_make_scheduler``
hook) keeps a file together, except the files in ``SPLIT``, whose cases go one by one to whichever
worker is free. Files are handed out in collection order, and the files in ``FIRST`` are moved to the
front (a stable sort: a notebook's cells keep their order), so the longest pieces start first and
short ones fill the gaps at the end. With ``-n 0`` or another ``--dist`` it changes only that order.
"""

from __future__ import annotations

import pytest

# Files of independent cases (no shared fixture beyond tmp_path): each case is its own unit of work.
SPLIT = ("tests/test_student_notebooks_run.py",)
# Files that must never run at the same time go to one worker as one unit of work, one after the other: the
# two editions of lesson 11, whose 2 + 4 gloo ranks each would oversubscribe the 2 cores together and a rank
# timed out (seen once, in a clean-clone run).
TOGETHER = {
    "notebooks/11_tables_too_big_for_one_machine.ipynb": "lesson 11, both editions",
    "notebooks/zh/11_tables_too_big_for_one_machine.ipynb": "lesson 11, both editions",
}
# The longest pieces of work, started first (measured with `pytest --durations`): the nbgrader round trip
# (one module fixture, ~2.5 min), the student notebooks (10-60 s each), the browser tests, the slowest lessons.
FIRST = (
    "tests/test_nbgrader_roundtrip.py",
    "tests/test_student_notebooks_run.py",
    "tests/e2e/test_widgets_in_browser.py",
    "tests/lessons/test_l12_meaning_from_real_text.py",
    "notebooks/11_",
    "notebooks/zh/11_",
    "notebooks/12_",
    "notebooks/zh/12_",
    "notebooks/10_",
    "notebooks/zh/10_",
    "notebooks/09_",
    "notebooks/zh/09_",
    "tests/e2e/",
)


def file_of(nodeid: str) -> str:
    """The file part of a node id (``tests/test_x.py::test_y[1]`` → ``tests/test_x.py``)."""
    return nodeid.split("::", 1)[0]


def scope_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its file, the test itself in a ``SPLIT`` file, or a ``TOGETHER`` group."""
    path = file_of(nodeid)
    return nodeid if path in SPLIT else TOGETHER.get(path, path)


def rank(nodeid: str) -> int:
    """Where a test's file comes in the run: the index of its ``FIRST`` prefix, or after all of them."""
    path = file_of(nodeid)
    return next((i for i, prefix in enumerate(FIRST) if path.startswith(prefix)), len(FIRST))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: rank(item.nodeid))  # stable: the order inside a file is kept


@pytest.hookimpl(optionalhook=True)  # xdist's hook: absent (and unused) without xdist, e.g. `-p no:xdist`
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # pragma: no cover - runs in xdist's controller
    if config.getvalue("dist") != "loadfile":
        return None  # xdist's own scheduler for the mode asked for
    from xdist.scheduler import LoadScopeScheduling

    class FilesExceptSplit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return FilesExceptSplit(config, log)


