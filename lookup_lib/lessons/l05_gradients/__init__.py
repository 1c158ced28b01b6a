"""Lesson 05 · gradients: the scatter-add drawn, gradient row norms and their widget.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l05_gradients.figures import (
    grad_row_norms,
    plot_grad_norms,
    plot_scatter_add,
)
from lookup_lib.lessons.l05_gradients.widget import (
    GradientExplorer,
)

__all__ = [
    "GradientExplorer",
    "grad_row_norms",
    "plot_grad_norms",
    "plot_scatter_add",
]
