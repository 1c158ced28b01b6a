"""Lesson 01 · the lookup table: the drawn lookup, its widget, and the trained toy's picture.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l01_lookup_table.figures import (
    draw_learned_embedding,
    draw_lookup,
    draw_lookup_error,
)
from lookup_lib.lessons.l01_lookup_table.helpers import (
    group_distances,
)
from lookup_lib.lessons.l01_lookup_table.widget import (
    LookupExplorer,
)

__all__ = [
    "LookupExplorer",
    "draw_learned_embedding",
    "draw_lookup",
    "draw_lookup_error",
    "group_distances",
]
