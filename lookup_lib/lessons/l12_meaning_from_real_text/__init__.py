"""Lesson 12 · meaning from real text: word vectors trained on the King James Bible, measured honestly.

``text`` (the corpus, split by verse), ``sgns`` (the course trainer: subsampling, shrinking window,
negative sampling), ``baselines`` (PPMI-SVD and gensim's Word2Vec), ``evaluate`` (WordSim353, SimLex-999,
word groups, bootstrap, analogies), ``classify`` (a verse classifier over ``from_pretrained`` vectors),
``shipped`` (the vectors and evaluation made by ``tools/train_real_vectors.py``, the learning curve and the
classifier table), ``window`` (the window experiment), ``figures``, ``exercises``; ``chinese`` and
``chinese_figures`` (the last section: character vectors from 唐诗三百首, Debian's ``fortunes-zh``).
"""

from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import SkipGram, noise_distribution
from lookup_lib.lessons.l12_meaning_from_real_text.chinese import (
    CHARACTER_GROUPS,
    CHARACTER_PROBES,
    character_hits,
    group_scores,
    load_tang_poems,
    load_tang_result,
    ppmi_characters,
    probe_neighbours,
    tang_corpus,
)
from lookup_lib.lessons.l12_meaning_from_real_text.chinese_figures import plot_character_groups
from lookup_lib.lessons.l12_meaning_from_real_text.classify import (
    DIVISIONS,
    MODES,
    encode_verses,
    three_starts,
    train_classifier,
)
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
from lookup_lib.lessons.l12_meaning_from_real_text.figures import plot_classifier, plot_learning_curve, plot_scores
from lookup_lib.lessons.l12_meaning_from_real_text.sgns import keep_probability, sample_pairs, train_sgns
from lookup_lib.lessons.l12_meaning_from_real_text.shipped import (
    curve_summary,
    load_classifier,
    load_evaluation,
    load_learning_curve,
    load_vectors,
)
from lookup_lib.lessons.l12_meaning_from_real_text.text import flatten, kjv_corpus
from lookup_lib.lessons.l12_meaning_from_real_text.window import together, verse_mates, window_experiment

__all__ = [
    "CHARACTER_GROUPS", "CHARACTER_PROBES", "character_hits", "group_scores", "load_tang_poems", "load_tang_result",
    "plot_character_groups", "ppmi_characters", "probe_neighbours", "tang_corpus",
    "DIVISIONS", "MODES", "PROBES", "WORD_GROUPS", "SkipGram", "analogy_accuracy", "curve_summary",
    "encode_verses", "flatten", "group_agreement", "keep_probability", "kjv_corpus", "load_analogies",
    "load_classifier", "load_evaluation", "load_learning_curve", "load_similarity_pairs", "load_vectors",
    "neighbours", "noise_distribution", "pair_cosines", "plot_classifier", "plot_learning_curve", "plot_scores",
    "sample_pairs", "spearman", "three_starts", "together", "train_classifier", "train_sgns", "verse_mates",
    "window_experiment",
]
