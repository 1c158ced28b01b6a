"""Lesson 12's window experiment: does a wider window make a word's neighbours the words it appears *with*?

A word's nearest neighbours can be words that share its contexts without appearing beside it ("gold" and
"silver", substitutes) or words that appear in the same verses ("bread" and "eat", companions). The measure,
:func:`verse_mates`, is the fraction of a word's k nearest neighbours that share at least one verse with it.
:func:`window_experiment` makes vectors from a few verses (e.g. Genesis) once per window, with PPMI-SVD
(deterministic, fast) or the course trainer, and measures them on the frequent words that subsampling keeps
whole. No matplotlib here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from lookup_lib.lessons.kit.vocab import Vocab
from lookup_lib.lessons.l12_meaning_from_real_text.baselines import cooccurrence, ppmi
from lookup_lib.lessons.l12_meaning_from_real_text.sgns import keep_probability, train_sgns
from lookup_lib.lessons.l12_meaning_from_real_text.text import flatten

__all__ = ["ppmi_vectors", "together", "verse_mates", "window_experiment"]


def ppmi_vectors(ids: np.ndarray, verse: np.ndarray, vocab_size: int, dim: int = 50, window: int = 5) -> np.ndarray:
    """PPMI-SVD for a small vocabulary: the same PPMI matrix as :func:`~.baselines.ppmi_svd`, an exact SVD.

    ``U · sqrt(S)`` of the top ``dim`` directions, (V, dim) float32, signs fixed as there. The SVD is torch's,
    on the threads ``torch.set_num_threads`` allows (NumPy's BLAS would take every core, and on a busy
    machine its threads wait for each other); for a few thousand words it takes well under a second.
    """
    m = torch.as_tensor(ppmi(cooccurrence(ids, verse, vocab_size, window)))
    u, s, _ = torch.linalg.svd(m)
    u = u[:, :dim]
    u = u * torch.sign(u[u.abs().argmax(dim=0), torch.arange(u.shape[1])])
    return (u * torch.sqrt(s[:dim])).numpy().astype(np.float32)


def together(ids: np.ndarray, verse: np.ndarray, vocab_size: int) -> np.ndarray:
    """(V, V) bool: ``out[a, b]`` when words a and b occur in one verse (the diagonal: a word seen at all).

    >>> together(np.array([0, 1, 2]), np.array([0, 0, 1]), 3).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
    """
    out = np.zeros((vocab_size, vocab_size), dtype=bool)
    starts = np.flatnonzero(np.r_[True, verse[1:] != verse[:-1]])
    for words in np.split(ids, starts[1:]):
        words = np.unique(words)
        out[np.ix_(words, words)] = True
    return out


def verse_mates(vectors: np.ndarray, words: np.ndarray, mates: np.ndarray, k: int = 5) -> float:
    """Among each query word's ``k`` nearest rows by cosine (itself left out), the fraction that are verse-mates.

    Parameters
    ----------
    vectors : float array (V, D): one row per word
    words : int array (Q,): the query rows
    mates : bool array (V, V): ``mates[a, b]`` when a and b share a verse (:func:`together`)
    k : neighbours per query word; ties go to the lower row

    Returns the fraction over all Q · k neighbours, a float in [0, 1].
    """
    v = np.asarray(vectors, dtype=np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    hits = 0
    for w in np.asarray(words):
        sims = v @ v[w]
        sims[w] = -np.inf
        nearest = np.lexsort((np.arange(len(sims)), -sims))[:k]
        hits += int(mates[w, nearest].sum())
    return hits / (k * len(words))


def window_experiment(verses: list[list[str]], vocab: Vocab, windows: Sequence[int] = (2, 10), *,
                      method: str = "ppmi", words: int = 150, k: int = 5, epochs: int = 3,
                      seed: int = 0) -> dict[int, float]:
    """Vectors from ``verses`` once per window; returns ``{window: verse_mates(...)}``.

    The vocabulary is the words these verses contain at least 5 times (as if built on them, min_count 5);
    the queries are the ``words`` most frequent of them that subsampling always keeps (so "the" and "and"
    are not asked). ``method="ppmi"``: PPMI-SVD (:func:`ppmi_vectors`), D = 50, deterministic, under a second;
    ``"course"``: the
    course trainer as in lesson 12's Genesis run (D 50, k 5, ``epochs``, batches of 1,024, lr 0.01, ``seed``).
    """
    if method not in ("ppmi", "course"):
        raise ValueError(f"method must be 'ppmi' or 'course', got {method!r}")
    if not windows or min(windows) < 1:
        raise ValueError(f"windows must be whole numbers >= 1, got {list(windows)}")
    ids, verse = flatten(verses, vocab)
    counts = np.bincount(ids, minlength=len(vocab))
    seen = np.flatnonzero(counts >= 5)  # (S,) rows of vocab
    inside = np.isin(ids, seen)
    ids, verse = np.searchsorted(seen, ids[inside]), verse[inside]  # word ids 0..S-1
    small = counts[seen]  # (S,)
    keep = keep_probability(small)
    order = np.lexsort((np.arange(len(seen)), -small))
    queries = order[keep[order] >= 1.0][:words]
    mates = together(ids, verse, len(seen))
    out = {}
    for window in windows:
        if method == "ppmi":
            vectors = ppmi_vectors(ids, verse, len(seen), 50, int(window))
        else:
            vectors = train_sgns(ids, verse, small, window=int(window), epochs=epochs, batch_size=1024, lr=0.01,
                                 seed=seed).vectors
        out[int(window)] = verse_mates(vectors, queries, mates, k)
    return out
