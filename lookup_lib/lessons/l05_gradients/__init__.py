"""Lesson 05 · gradients: the scatter-add drawn, gradient row norms and their widget.

The notebook imports what it needs from here in one line. The modules beside this file hold the code:
``gradients.py`` computes (``grad_row_norms``), ``figures.py`` draws, ``widget.py`` holds
``GradientExplorer``, ``exercises.py`` the exercises.
"""

from lookup_lib.lessons.l05_gradients.figures import plot_grad_norms, plot_scatter_add
from lookup_lib.lessons.l05_gradients.widget import GradientExplorer

__all__ = ["GradientExplorer", "plot_grad_norms", "plot_scatter_add"]
