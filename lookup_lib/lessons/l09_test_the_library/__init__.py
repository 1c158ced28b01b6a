"""Lesson 09 · test the library yourself: source beside its test, pytest from the notebook, planted bugs.

The notebook imports what it needs from here in one line; ``testing`` beside this file holds the code
(and the three planted bugs, :data:`~lookup_lib.lessons.l09_test_the_library.testing.BUGS`, each a copy
of a real function of the reference with one line changed).
"""

from lookup_lib.lessons.l09_test_the_library.testing import (
    broken,
    check_property_test,
    run_notebook_tests,
    run_pytest,
    run_test,
    scatter_overwrite,
    show_source,
)

__all__ = [
    "broken",
    "check_property_test",
    "run_notebook_tests",
    "run_pytest",
    "run_test",
    "scatter_overwrite",
    "show_source",
]
