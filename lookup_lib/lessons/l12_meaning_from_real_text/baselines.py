"""The peer and the baselines the course trainer is measured against: gensim's Word2Vec and PPMI-SVD.

PPMI-SVD counts (word, context) pairs in the same shrinking window word2vec uses, turns the counts into
positive pointwise mutual information with word2vec's 0.75 smoothing of the context distribution, and keeps
the top D singular directions, ``U · sqrt(S)`` (Levy, Goldberg & Dagan 2015). It is the theory of SGNS, not a
strawman: SGNS with k negatives is optimal when ``center · context = PMI − log k`` (Levy & Goldberg 2014).
gensim is imported only inside :func:`gensim_word2vec`. No matplotlib and no torch here.
"""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.vocab import Vocab

__all__ = ["cooccurrence", "fixed_hash", "gensim_word2vec", "ppmi", "ppmi_svd"]


def cooccurrence(ids: np.ndarray, verse: np.ndarray, vocab_size: int, window: int = 5) -> np.ndarray:
    """Counts of (word, context) within ``window`` in the same verse, each weighted (window − d + 1) / window.

    The weight is the chance that word2vec's shrinking window reaches distance d; shape (V, V), symmetric.
    """
    counts = np.zeros((vocab_size, vocab_size))
    for d in range(1, window + 1):
        same = verse[:-d] == verse[d:]
        weight = (window - d + 1) / window
        np.add.at(counts, (ids[:-d][same], ids[d:][same]), weight)
    return counts + counts.T


def ppmi(counts: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """max(0, log P(w, c) / (P(w) P_α(c))), with the context distribution smoothed by ``alpha``."""
    total = counts.sum()
    row = counts.sum(axis=1, keepdims=True) / total
    col = counts.sum(axis=0) ** alpha
    col = (col / col.sum())[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts / total / (row * col))
    return np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0)


def ppmi_svd(ids: np.ndarray, verse: np.ndarray, vocab_size: int, dim: int = 50, window: int = 5) -> np.ndarray:
    """Word vectors from counts alone: the top ``dim`` singular directions of the PPMI matrix, (V, dim) float32.

    A randomized SVD (Halko, Martinsson & Tropp 2011: a seeded Gaussian sketch, four power iterations), which
    agrees with a full SVD's top directions far beyond what the evaluation can see and takes seconds instead
    of minutes; each column's sign is fixed so its largest entry is positive (cosines do not depend on it).
    """
    m = ppmi(cooccurrence(ids, verse, vocab_size, window))
    sketch = m @ np.random.default_rng(0).normal(size=(vocab_size, dim + 30))
    for _ in range(4):
        sketch = m @ (m.T @ np.linalg.qr(sketch)[0])
    q = np.linalg.qr(sketch)[0]
    u_small, s, _ = np.linalg.svd(q.T @ m, full_matrices=False)
    u = (q @ u_small)[:, :dim]
    u = u * np.sign(u[np.abs(u).argmax(axis=0), np.arange(dim)])
    return (u * np.sqrt(s[:dim])).astype(np.float32)


def fixed_hash(text: str) -> int:
    """A hash that is the same in every process (Python's ``hash`` of a str changes per process)."""
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def gensim_word2vec(verses: list[list[str]], vocab: Vocab, *, dim: int = 50, window: int = 5, negatives: int = 5,
                    power: float = 0.75, sample: float = 1e-3, epochs: int = 5, seed: int = 0) -> np.ndarray:
    """gensim's skip-gram with negative sampling, one worker, on the same verses: vectors in ``vocab``'s rows.

    ``workers=1``, ``seed`` and :func:`fixed_hash` make it deterministic; min_count=5 gives the same words as
    ``vocab`` (rows gensim does not know, the specials, stay zero).
    """
    from gensim.models import Word2Vec

    model = Word2Vec(verses, vector_size=dim, window=window, min_count=5, sg=1, hs=0, negative=negatives,
                     ns_exponent=power, sample=sample, epochs=epochs, seed=seed, workers=1, hashfxn=fixed_hash)
    out = np.zeros((len(vocab), dim), dtype=np.float32)
    for word in model.wv.index_to_key:
        out[vocab.index(word)] = model.wv[word]
    return out
