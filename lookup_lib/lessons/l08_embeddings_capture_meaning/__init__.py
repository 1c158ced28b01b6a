"""Lesson 08 · what embeddings capture: skip-gram word vectors, calendar rings, label embeddings.

The notebook imports what it needs from here in one line; the modules beside this file hold the code:
``word2vec`` (the corpus, skip-gram pairs and training, neighbours), ``categorical`` (weekdays, months
and class labels through an embedding), ``figures`` (drawing only), ``widget`` and ``exercises``.
Words become indices with the kit's :func:`~lookup_lib.lessons.kit.vocab.build_vocab` and vectors
become 2-D pictures with the kit's :func:`~lookup_lib.lessons.kit.projection.pca`; both are re-exported here.
"""

from lookup_lib.lessons.kit.projection import pca
from lookup_lib.lessons.kit.vocab import build_vocab
from lookup_lib.lessons.l08_embeddings_capture_meaning.categorical import (
    ACTIVITIES,
    MONTHS,
    WEEKDAYS,
    CalendarClassifier,
    LabelEmbeddingClassifier,
    calendar_accuracy,
    follows_cycle,
    group_similarity,
    label_predictions,
    make_calendar_data,
    make_grouped_data,
    mistakes_within_group,
    train_calendar,
    train_label_embeddings,
)
from lookup_lib.lessons.l08_embeddings_capture_meaning.figures import (
    plot_context_window,
    plot_projection,
    plot_rings,
    plot_similarity_matrices,
    plot_word_neighbourhood,
)
from lookup_lib.lessons.l08_embeddings_capture_meaning.widget import NeighbourExplorer
from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import (
    SkipGram,
    cooccurrence_counts,
    cosine_similarities,
    encode,
    group_agreement,
    load_corpus,
    nearest,
    noise_distribution,
    ppmi,
    ppmi_svd,
    skipgram_pairs,
    train_skipgram,
)

__all__ = [
    "ACTIVITIES",
    "CalendarClassifier",
    "LabelEmbeddingClassifier",
    "MONTHS",
    "NeighbourExplorer",
    "SkipGram",
    "WEEKDAYS",
    "build_vocab",
    "calendar_accuracy",
    "cooccurrence_counts",
    "cosine_similarities",
    "encode",
    "follows_cycle",
    "group_agreement",
    "group_similarity",
    "label_predictions",
    "load_corpus",
    "make_calendar_data",
    "make_grouped_data",
    "mistakes_within_group",
    "nearest",
    "noise_distribution",
    "pca",
    "ppmi",
    "ppmi_svd",
    "plot_context_window",
    "plot_projection",
    "plot_rings",
    "plot_similarity_matrices",
    "plot_word_neighbourhood",
    "skipgram_pairs",
    "train_calendar",
    "train_label_embeddings",
    "train_skipgram",
]
