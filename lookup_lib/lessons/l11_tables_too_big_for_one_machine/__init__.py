"""Lesson 11 · Tables too big for one machine: sharded embeddings on torch.distributed, and the alternatives.

The notebook imports what it needs from here in one line. ``plans.py`` says who owns which row and what a
batch costs in bytes (NumPy only); ``sharding.py`` is the worker code ``mp.spawn`` imports in every rank
(the exchange forward and backward, the jobs, the launcher with its timeouts); ``alternatives.py`` holds
the memory arithmetic, word counts, the hashing trick, int8 rows and the small topic model;
``figures.py`` draws, ``widget.py`` holds ``ShardExplorer``, ``exercises.py`` the exercises.
"""

from lookup_lib.lessons.kit.corpus import load_kjv
from lookup_lib.lessons.kit.tables import format_bytes, format_seconds, text_table
from lookup_lib.lessons.kit.vocab import build_vocab, tokenize
from lookup_lib.lessons.l06_embedding_bag.topics import load_topics, to_bags
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.alternatives import (
    colliding,
    dequantize_rows,
    hash_ids,
    memory_rows,
    quantize_rows,
    topic_accuracy,
    train_topic_model,
    word_counts,
)
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.figures import draw_routing, plot_zipf
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import route, row_wise, table_wise, traffic
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.sharding import (
    ShardFailure,
    launch,
    lookup,
    make_problem,
    push_grads,
)
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.widget import ShardExplorer, example_batches

__all__ = [
    "ShardExplorer",
    "ShardFailure",
    "build_vocab",
    "colliding",
    "dequantize_rows",
    "draw_routing",
    "example_batches",
    "format_bytes",
    "format_seconds",
    "hash_ids",
    "launch",
    "load_kjv",
    "load_topics",
    "lookup",
    "make_problem",
    "memory_rows",
    "plot_zipf",
    "push_grads",
    "quantize_rows",
    "route",
    "row_wise",
    "table_wise",
    "text_table",
    "to_bags",
    "tokenize",
    "topic_accuracy",
    "traffic",
    "train_topic_model",
    "word_counts",
]
