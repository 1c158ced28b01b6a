"""Lesson 02 · one-hot × matrix: the drawn product, its measured cost, the two views.

The notebook imports what it needs from here in one line; the modules beside this file hold the code:
``helpers`` (the matrices the figures show), ``cost`` (the measurement), ``figures``, ``widget``.
``format_bytes`` and ``format_seconds`` come from the kit (:mod:`lookup_lib.lessons.kit.tables`), for
the notebook's one import line.
"""

from lookup_lib.lessons.kit.tables import format_bytes, format_seconds
from lookup_lib.lessons.l02_one_hot_matmul.cost import (
    measure_lookup_alone_and_after_product,
    measure_lookup_vs_onehot,
    multiply_adds,
)
from lookup_lib.lessons.l02_one_hot_matmul.figures import draw_onehot_gradient, draw_onehot_matmul, plot_lookup_cost
from lookup_lib.lessons.l02_one_hot_matmul.widget import OneHotViews

__all__ = [
    "OneHotViews",
    "draw_onehot_gradient",
    "draw_onehot_matmul",
    "format_bytes",
    "format_seconds",
    "measure_lookup_alone_and_after_product",
    "measure_lookup_vs_onehot",
    "multiply_adds",
    "plot_lookup_cost",
]
