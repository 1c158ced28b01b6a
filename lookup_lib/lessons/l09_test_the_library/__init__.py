"""Lesson 09 · test the library yourself: source beside its test, pytest from the notebook, planted bugs.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l09_test_the_library.testing import (
    BUGS,
    Bug,
    OutcomeCollector,
    PytestRun,
    broken,
    broken_library,
    check_property_test,
    negative_indices_wrap,
    padding_forgotten,
    repo_root,
    run_notebook_tests,
    run_pytest,
    run_test,
    scatter_overwrite,
    show_source,
    source_of,
    summarize,
)

__all__ = [
    "BUGS",
    "Bug",
    "OutcomeCollector",
    "PytestRun",
    "broken",
    "broken_library",
    "check_property_test",
    "negative_indices_wrap",
    "padding_forgotten",
    "repo_root",
    "run_notebook_tests",
    "run_pytest",
    "run_test",
    "scatter_overwrite",
    "show_source",
    "source_of",
    "summarize",
]
