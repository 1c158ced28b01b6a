"""Scoring word vectors: word-similarity benchmarks, a paired bootstrap, analogies, word groups, neighbours.

The benchmarks ship inside gensim (``gensim/test/test_data``): WordSim353 (Finkelstein et al. 2002, relatedness)
and SimLex-999 (Hill et al. 2015, similarity), read with ``gensim.test.utils.datapath``; nothing is downloaded.
Only pairs whose two words are in the vocabulary are scored, and every model is scored on the *same* pairs.
Spearman's ρ is computed here with NumPy (ranks with ties averaged), the same number scipy gives.
No matplotlib and no torch here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lookup_lib.lessons.kit.vocab import Vocab

__all__ = [
    "PROBES", "WORD_GROUPS", "SimilarityPairs", "analogy_accuracy", "bootstrap_difference",
    "group_agreement", "group_hits", "load_analogies", "load_similarity_pairs", "neighbours", "pair_cosines",
    "random_tables", "spearman",
]

# Fixed before any vector was trained (KJV words; each in the vocabulary at min_count 5).
PROBES = ["king", "god", "lord", "son", "water", "bread", "david", "egypt", "gold", "sheep", "sin", "love"]
WORD_GROUPS = {
    "tribes": ["reuben", "simeon", "levi", "judah", "dan", "naphtali", "gad", "asher", "issachar", "zebulun",
               "benjamin", "ephraim", "manasseh"],
    "numbers": ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
                "thirty", "forty", "fifty", "hundred", "thousand"],
    "metals": ["gold", "silver", "brass", "iron", "copper", "tin", "lead"],
    "animals": ["sheep", "oxen", "goats", "camels", "asses", "horses", "lambs", "rams", "bullocks", "cattle"],
    "body": ["hand", "head", "eyes", "feet", "heart", "mouth", "face", "ears", "arm", "fingers"],
    "family": ["father", "mother", "son", "daughter", "brother", "sister", "wife", "husband"],
    "nations": ["egypt", "babylon", "assyria", "moab", "edom", "syria", "ammon", "philistines"],
    "food": ["bread", "wine", "oil", "honey", "milk", "flesh", "corn", "fruit"],
}


@dataclass(frozen=True)
class SimilarityPairs:
    """Word pairs with human scores, restricted to a vocabulary.

    Attributes
    ----------
    a, b : int64 arrays, shape (P,): the two words' rows
    gold : float64 array, shape (P,): the human score, as a percentile rank within its benchmark
        (so WordSim353's 0-10 relatedness and SimLex-999's 0-10 similarity can be pooled)
    source : array of str, shape (P,): ``"wordsim353"`` or ``"simlex999"``
    total : dict of str to int: pairs in each benchmark before restricting to the vocabulary
    """

    a: np.ndarray
    b: np.ndarray
    gold: np.ndarray
    source: np.ndarray
    total: dict[str, int]

    def __len__(self) -> int:
        return len(self.a)

    def only(self, source: str) -> SimilarityPairs:
        keep = self.source == source
        return SimilarityPairs(self.a[keep], self.b[keep], self.gold[keep], self.source[keep], self.total)


def _read_pairs(path: str) -> list[tuple[str, str, float]]:
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        a, b, score = line.rstrip("\n").split("\t")[:3]
        rows.append((a.lower(), b.lower(), float(score)))
    return rows


def load_similarity_pairs(vocab: Vocab) -> SimilarityPairs:
    """WordSim353 and SimLex-999 (from gensim's test data), the pairs both of whose words ``vocab`` knows."""
    from gensim.test.utils import datapath

    a, b, gold, source, total = [], [], [], [], {}
    for name, file in (("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
        rows = _read_pairs(datapath(file))
        total[name] = len(rows)
        percentile = _ranks(np.array([r[2] for r in rows])) / len(rows)
        for (w1, w2, _), p in zip(rows, percentile, strict=True):
            if w1 in vocab and w2 in vocab and vocab.index(w1) != vocab.index(w2):
                a.append(vocab.index(w1))
                b.append(vocab.index(w2))
                gold.append(p)
                source.append(name)
    return SimilarityPairs(np.array(a), np.array(b), np.array(gold), np.array(source), total)


def _ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n along the last axis, ties given their average rank (as scipy.stats.rankdata)."""
    x = np.asarray(x, dtype=np.float64)
    order = np.argsort(x, axis=-1, kind="stable")
    ranks = np.empty_like(x)
    np.put_along_axis(ranks, order, np.arange(1, x.shape[-1] + 1, dtype=np.float64) * np.ones_like(x), axis=-1)
    if x.ndim == 1:
        for value in np.unique(x):
            tied = x == value
            if tied.sum() > 1:
                ranks[tied] = ranks[tied].mean()
        return ranks
    return np.stack([_ranks(row) for row in x])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation of two 1-D arrays (Pearson's r of their ranks).

    >>> spearman(np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 20.0, 40.0, 30.0]))
    0.8
    """
    rx, ry = _ranks(x), _ranks(y)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    return round(float(rx @ ry / np.sqrt((rx @ rx) * (ry @ ry))), 12)


def pair_cosines(vectors: np.ndarray, pairs: SimilarityPairs) -> np.ndarray:
    """The cosine of each pair's two rows, shape (P,)."""
    v = np.asarray(vectors, dtype=np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return np.einsum("pd,pd->p", v[pairs.a], v[pairs.b])


def random_tables(vocab_size: int, dim: int, pairs: SimilarityPairs, n: int = 200, seed: int = 0) -> np.ndarray:
    """Spearman's ρ of ``n`` random Gaussian tables on ``pairs``: what "no meaning at all" scores, shape (n,)."""
    rng = np.random.default_rng(seed)
    return np.array([spearman(pair_cosines(rng.normal(size=(vocab_size, dim)), pairs), pairs.gold)
                     for _ in range(n)])


def bootstrap_difference(
    cosines_a: Sequence[np.ndarray], cosines_b: Sequence[np.ndarray], gold: np.ndarray,
    n: int = 2000, seed: int = 0,
) -> tuple[float, float, float]:
    """Paired bootstrap of mean-over-seeds Spearman(A) − mean-over-seeds Spearman(B): (difference, low, high).

    Each resample draws the word pairs with replacement, the *same* pairs for both models (paired), and
    scores every seed of each model on them; the interval is the 2.5th and 97.5th percentile.
    """
    rng = np.random.default_rng(seed)
    a, b = np.asarray(cosines_a), np.asarray(cosines_b)  # (seeds, P)

    def score(ca: np.ndarray, cb: np.ndarray, g: np.ndarray) -> float:
        return np.mean([spearman(c, g) for c in ca]) - np.mean([spearman(c, g) for c in cb])

    point = score(a, b, gold)
    draws = []
    for _ in range(n):
        pick = rng.integers(0, len(gold), len(gold))
        draws.append(score(a[:, pick], b[:, pick], gold[pick]))
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(point), float(low), float(high)


def neighbours(vectors: np.ndarray, vocab: Vocab, word: str, k: int = 5) -> list[str]:
    """The ``k`` words most cosine-similar to ``word`` (itself and the specials left out)."""
    v = np.asarray(vectors, dtype=np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    sims = v @ v[vocab.index(word)]
    sims[vocab.index(word)] = -np.inf
    sims[np.asarray(vocab.counts) == 0] = -np.inf  # <pad>, <unk>
    order = np.lexsort((np.arange(len(sims)), -sims))[:k]
    return [vocab.words[i] for i in order]


def group_hits(vectors: np.ndarray, vocab: Vocab, groups: dict[str, list[str]], k: int = 5) -> np.ndarray:
    """Per grouped word (in the order of ``groups``, those ``vocab`` knows), how many of its ``k`` nearest grouped
    words share its group: an int array (N,). Ties go to the earlier word."""
    words = [w for members in groups.values() for w in members if w in vocab]
    label = {w: name for name, members in groups.items() for w in members}
    v = np.asarray(vectors, dtype=np.float64)[[vocab.index(w) for w in words]]
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    sims = v @ v.T
    np.fill_diagonal(sims, -np.inf)
    hits = np.empty(len(words), dtype=np.int64)
    for i, w in enumerate(words):
        order = np.lexsort((np.arange(len(words)), -sims[i]))[:k]
        hits[i] = sum(label[words[j]] == label[w] for j in order)
    return hits


def group_agreement(vectors: np.ndarray, vocab: Vocab, groups: dict[str, list[str]] = WORD_GROUPS,
                    k: int = 5) -> float:
    """Among the grouped words only, the fraction of each word's ``k`` nearest that share its group."""
    hits = group_hits(vectors, vocab, groups, k)
    return int(hits.sum()) / (k * len(hits))


def load_analogies(vocab: Vocab) -> tuple[np.ndarray, dict[str, int]]:
    """Google's analogy questions (gensim's ``questions-words.txt``) whose four words ``vocab`` knows.

    Returns the questions as an int64 array (Q, 4), a : b :: c : d, and ``{"total": ..., "covered": ...}``.
    """
    from gensim.test.utils import datapath

    rows, total = [], 0
    for line in open(datapath("questions-words.txt"), encoding="utf-8"):
        if line.startswith(":"):
            continue
        words = line.lower().split()
        total += 1
        if len(words) == 4 and all(w in vocab for w in words):
            rows.append([vocab.index(w) for w in words])
    return np.array(rows, dtype=np.int64).reshape(-1, 4), {"total": total, "covered": len(rows)}


def analogy_accuracy(vectors: np.ndarray, questions: np.ndarray, exclude_query: bool = True) -> float:
    """3CosAdd: the fraction of a : b :: c : d where d is the word nearest to b − a + c (by cosine).

    With ``exclude_query`` (what word2vec and gensim do) a, b and c cannot be the answer; without, they can,
    and the nearest word is very often c or b itself (Linzen 2016; Nissim et al. 2020).
    """
    if len(questions) == 0:
        return float("nan")
    v = np.asarray(vectors, dtype=np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    a, b, c, d = questions.T
    target = v[b] - v[a] + v[c]
    sims = target @ v.T  # (Q, V)
    if exclude_query:
        rows = np.arange(len(questions))
        for col in (a, b, c):
            sims[rows, col] = -np.inf
    return float(np.mean(sims.argmax(axis=1) == d))
