"""Lesson 04 · max_norm: renorm step by step, the unit balls and their widget.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l04_max_norm.figures import (
    RenormStep,
    draw_norm_ball,
    norm_label,
    plot_norm_ball,
    plot_norm_balls,
    plot_renorm_step,
    plot_renorm_table,
    renorm_step,
    unit_ball,
)
from lookup_lib.lessons.l04_max_norm.widget import (
    NormBallExplorer,
)

__all__ = [
    "NormBallExplorer",
    "RenormStep",
    "draw_norm_ball",
    "norm_label",
    "plot_norm_ball",
    "plot_norm_balls",
    "plot_renorm_step",
    "plot_renorm_table",
    "renorm_step",
    "unit_ball",
]
