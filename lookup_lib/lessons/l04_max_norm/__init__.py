"""Lesson 04 · max_norm: renorm step by step, the unit balls and their widget.

The notebook imports what it needs from here in one line. The modules beside this file hold the code:
``norms.py`` computes (``renorm_step``, ``RenormStep``, ``unit_ball``, ``ulps_apart``), ``figures.py`` draws,
``widget.py`` holds ``NormBallExplorer``, ``exercises.py`` the exercises.
"""

from lookup_lib.lessons.l04_max_norm.figures import plot_norm_balls, plot_renorm_table
from lookup_lib.lessons.l04_max_norm.norms import ulps_apart
from lookup_lib.lessons.l04_max_norm.widget import NormBallExplorer

__all__ = ["NormBallExplorer", "plot_norm_balls", "plot_renorm_table", "ulps_apart"]
