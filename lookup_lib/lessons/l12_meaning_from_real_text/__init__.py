"""Lesson 12 · meaning from real text: word vectors trained on the King James Bible, measured honestly.

``text`` (the corpus, split by verse), ``sgns`` (the course trainer: subsampling, shrinking window,
negative sampling), ``baselines`` (PPMI-SVD and gensim's Word2Vec), ``evaluate`` (WordSim353, SimLex-999,
word groups, bootstrap, analogies), ``classify`` (a verse classifier over ``from_pretrained`` vectors),
``shipped`` (the vectors and evaluation made by ``tools/train_real_vectors.py``), ``figures``, ``exercises``.
"""

from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import SkipGram, noise_distribution
from lookup_lib.lessons.l12_meaning_from_real_text.classify import DIVISIONS, encode_verses, train_classifier
from lookup_lib.lessons.l12_meaning_from_real_text.evaluate import (
    PROBES,
    WORD_GROUPS,
    analogy_accuracy,
    group_agreement,
    load_analogies,
    load_similarity_pairs,
    neighbours,
    pair_cosines,
    spearman,
)
from lookup_lib.lessons.l12_meaning_from_real_text.sgns import keep_probability, sample_pairs, train_sgns
from lookup_lib.lessons.l12_meaning_from_real_text.shipped import load_evaluation, load_vectors
from lookup_lib.lessons.l12_meaning_from_real_text.text import flatten, kjv_corpus

__all__ = [
    "DIVISIONS", "PROBES", "WORD_GROUPS", "SkipGram", "analogy_accuracy", "encode_verses", "flatten",
    "group_agreement", "keep_probability", "kjv_corpus", "load_analogies", "load_evaluation",
    "load_similarity_pairs", "load_vectors", "neighbours", "noise_distribution", "pair_cosines",
    "sample_pairs", "spearman", "train_classifier", "train_sgns",
]
