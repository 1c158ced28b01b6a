"""Lesson 02 · one-hot × matrix: the drawn product, its measured cost, the two views.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l02_one_hot_matmul.cost import (
    CostRecord,
    lookup_bytes,
    measure_lookup_vs_onehot,
    multiply_adds,
    onehot_bytes,
)
from lookup_lib.lessons.l02_one_hot_matmul.figures import (
    draw_onehot_gradient,
    draw_onehot_matmul,
    plot_lookup_cost,
)
from lookup_lib.lessons.l02_one_hot_matmul.widget import (
    OneHotViews,
)

__all__ = [
    "CostRecord",
    "OneHotViews",
    "draw_onehot_gradient",
    "draw_onehot_matmul",
    "lookup_bytes",
    "measure_lookup_vs_onehot",
    "multiply_adds",
    "onehot_bytes",
    "plot_lookup_cost",
]
