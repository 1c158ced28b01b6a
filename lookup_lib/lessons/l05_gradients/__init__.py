"""Lesson 05 · gradients: the scatter-add drawn, gradient row norms and their widget, sparse optimizers tried.

The notebook imports what it needs from here in one line. The modules beside this file hold the code:
``gradients.py`` computes (``row_gradients`` once per chart, ``grad_row_norms``; ``try_sparse_step`` and
``outcome`` try a call and say in one line what happened), ``figures.py`` draws what it is given,
``widget.py`` holds ``GradientExplorer``, ``exercises.py`` the exercises.
"""

from lookup_lib.lessons.l05_gradients.figures import plot_grad_norms, plot_scatter_add
from lookup_lib.lessons.l05_gradients.gradients import RowGradients, outcome, row_gradients, try_sparse_step
from lookup_lib.lessons.l05_gradients.widget import GradientExplorer

__all__ = [
    "GradientExplorer",
    "RowGradients",
    "outcome",
    "plot_grad_norms",
    "plot_scatter_add",
    "row_gradients",
    "try_sparse_step",
]
