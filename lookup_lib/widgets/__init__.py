"""Interactive widgets of the lessons: thin ipywidgets wrappers over :mod:`lookup_lib.viz`.

Each is a :class:`FigureWidget`: it draws a static first render at once, so the picture is
there on GitHub, under nbval and without a kernel.
"""

from lookup_lib.widgets import bags, choice, grads, meaning, norms, onehot, padding, table
from lookup_lib.widgets._base import FigureWidget
from lookup_lib.widgets.bags import *  # noqa: F403
from lookup_lib.widgets.choice import *  # noqa: F403
from lookup_lib.widgets.grads import *  # noqa: F403
from lookup_lib.widgets.meaning import *  # noqa: F403
from lookup_lib.widgets.norms import *  # noqa: F403
from lookup_lib.widgets.onehot import *  # noqa: F403
from lookup_lib.widgets.padding import *  # noqa: F403
from lookup_lib.widgets.table import *  # noqa: F403

# the lesson modules, in lesson order; their public names are re-exported by the star-imports
_LESSON_MODULES = (table, onehot, padding, norms, grads, bags, choice, meaning)
__all__ = ["FigureWidget"] + [name for module in _LESSON_MODULES for name in module.__all__]
