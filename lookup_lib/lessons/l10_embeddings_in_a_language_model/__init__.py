"""Lesson 10 · nn.Embedding inside a language model: ids, token and position tables, weight tying.

The notebook imports what it needs from here in one line. The modules beside this file hold the code:
``text.py`` turns Genesis (KJV, public domain) into ids (character vocabulary, verse split, context windows,
a few BPE merges), ``model.py`` holds the models and the library's copy of the training loop (tested equal to
the notebook's), ``figures.py`` draws, ``widget.py`` holds ``TokenPositionExplorer``, ``exercises.py`` the
exercises.
"""

from lookup_lib.lessons.l10_embeddings_in_a_language_model.figures import (
    plot_char_map,
    plot_losses,
    plot_token_plus_position,
)
from lookup_lib.lessons.l10_embeddings_in_a_language_model.model import (
    Bigram,
    CharMLP,
    TinyLM,
    count_parameters,
    held_out_loss,
    sample,
    train,
    tying_runs,
)
from lookup_lib.lessons.l10_embeddings_in_a_language_model.text import (
    BOS,
    char_vocab,
    context_windows,
    encode_verse,
    genesis,
    kjv_digit_count,
    learn_merges,
    split_by_verse,
)
from lookup_lib.lessons.l10_embeddings_in_a_language_model.widget import TokenPositionExplorer

__all__ = [
    "BOS",
    "Bigram",
    "CharMLP",
    "TinyLM",
    "TokenPositionExplorer",
    "char_vocab",
    "context_windows",
    "count_parameters",
    "encode_verse",
    "genesis",
    "kjv_digit_count",
    "held_out_loss",
    "learn_merges",
    "plot_char_map",
    "plot_losses",
    "plot_token_plus_position",
    "sample",
    "split_by_verse",
    "train",
    "tying_runs",
]
