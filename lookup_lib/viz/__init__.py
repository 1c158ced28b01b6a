"""Figures of the lessons: pure functions, data in, ``matplotlib.figure.Figure`` out.

One module per lesson topic; everything public is re-exported here.
"""

from lookup_lib.viz import bags, choice, grads, meaning, norms, onehot, padding, table
from lookup_lib.viz._style import draw_table, new_figure, to_png
from lookup_lib.viz.bags import *  # noqa: F403
from lookup_lib.viz.choice import *  # noqa: F403
from lookup_lib.viz.grads import *  # noqa: F403
from lookup_lib.viz.meaning import *  # noqa: F403
from lookup_lib.viz.norms import *  # noqa: F403
from lookup_lib.viz.onehot import *  # noqa: F403
from lookup_lib.viz.padding import *  # noqa: F403
from lookup_lib.viz.table import *  # noqa: F403

# the lesson modules, in lesson order; their public names are re-exported by the star-imports
_LESSON_MODULES = (table, onehot, padding, norms, grads, bags, choice, meaning)
__all__ = ["draw_table", "new_figure", "to_png"] + [name for module in _LESSON_MODULES for name in module.__all__]


def _show_figures_as_png() -> None:
    """In IPython, display a returned ``Figure`` as a PNG, with or without ``%matplotlib inline``.

    Our figures are made without pyplot, so nothing else registers a PNG formatter for them.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        from matplotlib.figure import Figure

        shell.display_formatter.formatters["image/png"].for_type(Figure, to_png)


_show_figures_as_png()
