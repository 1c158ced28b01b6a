"""Lesson 06 · EmbeddingBag: bags drawn over offsets, cost measured, a topic classifier.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l06_embedding_bag.figures import (
    BagCost,
    confusion_matrix,
    draw_bags,
    measure_bag_vs_lookup_sum,
    plot_confusion,
    plot_top_words,
)
from lookup_lib.lessons.l06_embedding_bag.topics import (
    TopicSet,
    TopicSplit,
    load_topics,
    to_bags,
)
from lookup_lib.lessons.l06_embedding_bag.widget import (
    BagExplorer,
)

__all__ = [
    "BagCost",
    "BagExplorer",
    "TopicSet",
    "TopicSplit",
    "confusion_matrix",
    "draw_bags",
    "load_topics",
    "measure_bag_vs_lookup_sum",
    "plot_confusion",
    "plot_top_words",
    "to_bags",
]
