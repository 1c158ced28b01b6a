"""Figures of the lessons: pure functions, data in, ``matplotlib.figure.Figure`` out.

One module per lesson topic; everything public is re-exported here.
"""

from lookup_lib.viz._style import draw_table, new_figure, to_png
from lookup_lib.viz.norms import *  # noqa: F403
from lookup_lib.viz.onehot import *  # noqa: F403
from lookup_lib.viz.padding import *  # noqa: F403
from lookup_lib.viz.table import *  # noqa: F403

__all__ = ["draw_table", "new_figure", "to_png"]
