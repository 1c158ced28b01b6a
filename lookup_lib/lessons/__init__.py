"""Everything a lesson needs besides the reference: one folder per lesson, and a small shared kit.

``lookup_lib/lessons/lNN_slug/`` belongs to ``notebooks/NN_slug.ipynb``. A folder holds that lesson's
``figures.py`` (drawing only), ``widget.py`` (ipywidgets over the figures), ``exercises.py`` (a list
``EXERCISES``, found by :mod:`lookup_lib.exercises` on its own) and whatever helpers compute what the
figures show; its ``__init__.py`` names what the notebook imports in one line. :mod:`~lookup_lib.lessons.kit`
holds what several lessons share. Adding a lesson is adding a folder: nothing is registered by hand.

The reference (``lookup_lib/*.py``) never imports from here.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["lesson_folders"]

_LESSON = re.compile(r"l\d\d_[a-z0-9_]+")


def lesson_folders() -> list[str]:
    """The lesson folders' names, in lesson order (``["l01_lookup_table", ...]``).

    Examples
    --------
    >>> lesson_folders()[0]
    'l01_lookup_table'
    """
    here = Path(__file__).parent
    folders = [p for p in here.iterdir() if p.is_dir() and _LESSON.fullmatch(p.name)]
    return sorted(p.name for p in folders if (p / "__init__.py").exists())
