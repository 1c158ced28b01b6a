"""Lesson 06 · EmbeddingBag: bags drawn over offsets, cost measured, a topic classifier.

The notebook imports what it needs from here in one line, lesson 03's padded batches and the kit's
vocabulary and number formats included. The modules beside this file hold the code: ``bags.py``
cuts the bags the figure shows, ``cost.py`` measures a bag against a lookup + sum, ``topics.py`` reads
the text set and scores the classifier, ``figures.py`` draws, ``widget.py`` holds ``BagExplorer``,
``exercises.py`` the exercises.
"""

from lookup_lib.lessons.kit.tables import format_bytes, format_seconds
from lookup_lib.lessons.kit.vocab import PAD, UNK, build_vocab, tokenize
from lookup_lib.lessons.l03_padding_idx import masked_mean, pad_batch
from lookup_lib.lessons.l06_embedding_bag.cost import measure_bag_vs_lookup_sum
from lookup_lib.lessons.l06_embedding_bag.figures import draw_bags, plot_confusion, plot_top_words
from lookup_lib.lessons.l06_embedding_bag.topics import confusion_matrix, load_topics, to_bags
from lookup_lib.lessons.l06_embedding_bag.widget import BagExplorer

__all__ = [
    "PAD",
    "UNK",
    "BagExplorer",
    "build_vocab",
    "confusion_matrix",
    "draw_bags",
    "format_bytes",
    "format_seconds",
    "load_topics",
    "masked_mean",
    "measure_bag_vs_lookup_sum",
    "pad_batch",
    "plot_confusion",
    "plot_top_words",
    "to_bags",
    "tokenize",
]
