"""Word vectors from a small corpus: skip-gram with negative sampling (SGNS), built on ``nn.Embedding``.

The pieces, in the order lesson 08 uses them:

1. :func:`load_corpus` reads ``lookup_lib/data/corpus.txt`` (sentences and word groups);
2. the kit's :func:`~lookup_lib.lessons.kit.vocab.build_vocab` gives every word an index (sorted: the same everywhere);
3. :func:`skipgram_pairs` lists (center, context) pairs: words that appear near each other;
4. :class:`SkipGram` holds two tables, ``nn.Embedding(V, D)`` each, and scores a pair by a dot
   product; :func:`train_skipgram` teaches it to tell real pairs from random ones
   (:func:`noise_distribution` says how the random "negative" words are drawn);
5. :func:`cosine_similarities`, :func:`nearest` and the kit's ``pca`` read meaning off the vectors;
   :func:`group_agreement` scores the neighbours against the corpus' word groups.

Steps 1-3 and 5 are NumPy only; torch is needed for step 4.
Everything random takes a seed or a ``torch.Generator``: two runs give the same vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lookup_lib.lessons.kit.vocab import Vocab

__all__ = [
    "Corpus", "SkipGram", "TrainResult", "cooccurrence_counts", "cosine_similarities", "encode",
    "group_agreement", "load_corpus", "nearest", "noise_distribution", "ppmi", "ppmi_svd", "skipgram_pairs",
    "train_skipgram",
]


# -- 1. the corpus ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Corpus:
    """Sentences (lists of words) and the word groups listed in the corpus header.

    Attributes
    ----------
    sentences : list of list of str
    groups : dict of str to list of str
        ``{"animal": ["cat", "dog", ...], ...}``; used to colour plots and score neighbours only.
    """

    sentences: list[list[str]]
    groups: dict[str, list[str]]

    def group_of(self) -> dict[str, str]:
        """``{word: group name}`` for every word that belongs to a group."""
        return {word: name for name, words in self.groups.items() for word in words}


def load_corpus(path: str | Path | None = None) -> Corpus:
    """Read a corpus file: one sentence per line, ``#`` comments, ``# group NAME: w1 w2 ...`` lines.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to the corpus shipped with lookup_lib (``lookup_lib/data/corpus.txt``).

    Returns
    -------
    Corpus

    Examples
    --------
    >>> corpus = load_corpus()
    >>> len(corpus.sentences), corpus.sentences[0], corpus.groups["animal"][:3]
    (3000, ['my', 'son', 'called', 'me', 'yesterday'], ['cat', 'dog', 'rabbit'])
    """
    if path is None:
        text = resources.files("lookup_lib").joinpath("data/corpus.txt").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    sentences: list[list[str]] = []
    groups: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("# group "):
            name, _, words = line.removeprefix("# group ").partition(":")
            groups[name.strip()] = words.split()
        elif line and not line.startswith("#"):
            sentences.append(line.lower().split())
    return Corpus(sentences, groups)


# -- 2. the vocabulary: the kit's sorted Vocab (lookup_lib.lessons.kit.vocab) --------------------------------
def encode(sentences: Sequence[Sequence[str]], vocab: Vocab) -> list[np.ndarray]:
    """Each sentence as an int64 array of word indices; words not in ``vocab`` are dropped."""
    return [np.array([vocab.index(w) for w in sentence if w in vocab], dtype=np.int64) for sentence in sentences]


# -- 3. (center, context) pairs ---------------------------------------------------------------------
def skipgram_pairs(encoded: Sequence[np.ndarray], window: int = 2) -> np.ndarray:
    """Every (center, context) pair of words at most ``window`` positions apart in a sentence.

    Parameters
    ----------
    encoded : sequence of int arrays, one per sentence (see :func:`encode`)
    window : int, >= 1

    Returns
    -------
    numpy.ndarray of int64, shape (P, 2)
        Column 0 the center word, column 1 a word near it. A sentence of n >= window + 1 words
        gives ``2 * sum(n - d for d in 1..window)`` pairs. Pairs are ordered by sentence, then by
        distance, then by position: the same input always gives the same array.

    Examples
    --------
    >>> skipgram_pairs([np.array([7, 8, 9])], window=1).tolist()
    [[7, 8], [8, 9], [8, 7], [9, 8]]
    """
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    pairs = []
    for sentence in encoded:
        for d in range(1, window + 1):
            left, right = sentence[:-d], sentence[d:]  # words d apart: left[i] is d before right[i]
            pairs.append(np.stack([left, right], axis=1))  # center before its context
            pairs.append(np.stack([right, left], axis=1))  # center after its context
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(pairs).astype(np.int64, copy=False)


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """How negative words are drawn: probability proportional to ``count ** power``, shape (V,).

    ``power = 0.75`` (word2vec's choice) draws rare words more often than their frequency,
    and frequent words like "the" less often.

    Examples
    --------
    >>> noise_distribution(np.array([1, 16]), power=0.5).tolist()
    [0.2, 0.8]
    """
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


# -- 4. the model --------------------------------------------------------------------------------
class SkipGram(nn.Module):
    """Skip-gram with negative sampling: two lookup tables and a dot product.

    ``center`` holds the vectors we keep (the word embeddings); ``context`` the vectors a word
    has when it is the neighbour. A pair (c, o) gets the score ``center[c] · context[o]``;
    training pushes the scores of real pairs up and those of random pairs down.

    Parameters
    ----------
    vocab_size : int (V)
    dim : int (D)
    generator : torch.Generator, optional
        Draws the initial ``center`` table, uniform in ``[-0.5/D, 0.5/D]`` (word2vec's start);
        ``context`` starts at zero.
    """

    def __init__(self, vocab_size: int, dim: int, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.center = nn.Embedding(vocab_size, dim)  # (V, D)
        self.context = nn.Embedding(vocab_size, dim)  # (V, D)
        with torch.no_grad():
            self.center.weight.uniform_(-0.5 / dim, 0.5 / dim, generator=generator)
            self.context.weight.zero_()

    def forward(self, center: torch.Tensor, context: torch.Tensor, negatives: torch.Tensor) -> torch.Tensor:
        """The mean loss of a batch: ``-log σ(c·o) - Σ_k log σ(-c·n_k)``.

        Parameters
        ----------
        center, context : int64 tensors, shape (B,)
        negatives : int64 tensor, shape (B, K): K random words per pair

        Returns
        -------
        torch.Tensor, shape (): the loss averaged over the batch
        """
        c = self.center(center)  # (B, D)
        positive = (c * self.context(context)).sum(dim=1)  # (B,)
        negative = torch.einsum("bkd,bd->bk", self.context(negatives), c)  # (B, K)
        return -(F.logsigmoid(positive) + F.logsigmoid(-negative).sum(dim=1)).mean()

    def vectors(self) -> np.ndarray:
        """The word embeddings: a float32 NumPy copy of ``center.weight``, shape (V, D)."""
        return self.center.weight.detach().cpu().numpy().copy()


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train_skipgram` returns.

    Attributes
    ----------
    model : SkipGram (on the device it was trained on)
    vectors : numpy.ndarray of float32, shape (V, D): the center table after training
    losses : list of float: the mean loss of each epoch
    """

    model: SkipGram
    vectors: np.ndarray
    losses: list[float]


def train_skipgram(
    pairs: np.ndarray,
    counts: np.ndarray,
    *,
    dim: int = 16,
    epochs: int = 5,
    batch_size: int = 512,
    negatives: int = 5,
    lr: float = 0.01,
    seed: int = 0,
    device: str | torch.device = "cpu",
) -> TrainResult:
    """Train a :class:`SkipGram` with Adam on ``pairs`` and return its vectors and losses.

    One ``torch.Generator`` (CPU, seeded with ``seed``) draws the initial table, the order of the
    pairs in each epoch and the negative words, so the same arguments give the same vectors
    (on the same device).

    Parameters
    ----------
    pairs : int array, shape (P, 2): (center, context) rows from :func:`skipgram_pairs`
    counts : int array, shape (V,): word counts (``vocab.counts``), for :func:`noise_distribution`
    dim : embedding size D
    epochs, batch_size, lr : the usual
    negatives : K, random words per real pair
    seed : int
    device : where the model trains; the random draws are made on the CPU either way

    Returns
    -------
    TrainResult
    """
    generator = torch.Generator().manual_seed(seed)
    model = SkipGram(len(counts), dim, generator=generator).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    all_pairs = torch.as_tensor(np.asarray(pairs), dtype=torch.int64)  # (P, 2)
    noise = torch.as_tensor(noise_distribution(counts), dtype=torch.float64)  # (V,)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(all_pairs), generator=generator)
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = all_pairs[order[start:start + batch_size]]  # (B, 2)
            drawn = torch.multinomial(noise, batch.shape[0] * negatives, replacement=True, generator=generator)
            batch, drawn = batch.to(device), drawn.view(-1, negatives).to(device)  # (B, 2), (B, K)
            loss = model(batch[:, 0], batch[:, 1], drawn)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * batch.shape[0]
        losses.append(total / max(len(order), 1))
    return TrainResult(model, model.vectors(), losses)


# -- 5. reading the vectors ------------------------------------------------------------------------
def cosine_similarities(vectors: np.ndarray, query: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarity ``a·b / (‖a‖ ‖b‖)`` between rows.

    Parameters
    ----------
    vectors : array, shape (V, D)
    query : array, shape (D,) or (Q, D), optional
        Without it, every row against every row.

    Returns
    -------
    numpy.ndarray of float64: shape (V, V), (V,) for one query vector, or (Q, V)

    Examples
    --------
    >>> cosine_similarities(np.array([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]]), np.array([3.0, 0.0])).round(4)
    array([ 1.    ,  0.7071, -1.    ])
    """
    v = _unit_rows(np.asarray(vectors, dtype=np.float64))
    if query is None:
        return v @ v.T
    q = np.asarray(query, dtype=np.float64)
    return _unit_rows(q.reshape(-1, q.shape[-1])).reshape(q.shape) @ v.T


def nearest(vectors: np.ndarray, index: int, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows most cosine-similar to row ``index`` (itself excluded), most similar first.

    Ties are broken by the smaller index, so the answer never depends on the sort algorithm.

    Returns
    -------
    indices : numpy.ndarray of int64, shape (k,)
    similarities : numpy.ndarray of float64, shape (k,)

    Examples
    --------
    >>> rows = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.1], [1.0, 1.0]])
    >>> idx, sims = nearest(rows, 0, k=2)
    >>> idx.tolist(), sims.round(3).tolist()
    ([2, 3], [0.999, 0.707])
    """
    sims = cosine_similarities(vectors, np.asarray(vectors)[index])  # (V,)
    others = np.delete(np.arange(len(sims)), index)
    order = np.lexsort((others, -sims[others]))[:k]  # by similarity (descending), then by index
    chosen = others[order]
    return chosen.astype(np.int64), sims[chosen]


def group_agreement(vectors: np.ndarray, words: Sequence[str], groups: dict[str, list[str]], k: int = 5) -> float:
    """The fraction of the ``k`` nearest neighbours of each grouped word that are in its own group.

    Only words of ``groups`` are scored, and only among themselves (so "the" is never a neighbour).
    A random table scores about ``(n - 1) / (N - 1)`` for groups of n words out of N;
    1.0 means every neighbour of every word is from its group.
    """
    group_of = {word: name for name, members in groups.items() for word in members}
    rows = [k_ for k_, word in enumerate(words) if word in group_of]
    labels = [group_of[words[r]] for r in rows]
    sub = np.asarray(vectors)[rows]
    hits = 0
    for i in range(len(rows)):
        neighbours, _ = nearest(sub, i, k)
        hits += sum(labels[j] == labels[i] for j in neighbours)
    return hits / (k * len(rows))


# -- baselines without training: counts, PPMI, PPMI-SVD ------------------------------------------------
def cooccurrence_counts(pairs: np.ndarray, vocab_size: int) -> np.ndarray:
    """How often each word is the context of each word: a (V, V) table of counts from skip-gram pairs.

    Row ``c`` is word ``c``'s vector of "company": no training, no randomness.

    Examples
    --------
    >>> cooccurrence_counts(np.array([[0, 1], [1, 0], [0, 1]]), 3).tolist()
    [[0.0, 2.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    pairs = np.asarray(pairs, dtype=np.int64)
    if pairs.ndim != 2 or pairs.shape[1] != 2:
        raise ValueError(f"pairs must have shape (P, 2), got {pairs.shape}")
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1.0)
    return counts


def ppmi(counts: np.ndarray) -> np.ndarray:
    """Positive pointwise mutual information: ``max(0, log(P(c, o) / (P(c) P(o))))``, 0 where a pair never occurs.

    Examples
    --------
    >>> ppmi(np.array([[0.0, 2.0], [2.0, 0.0]])).round(3).tolist()
    [[0.0, 0.693], [0.693, 0.0]]
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    expected = counts.sum(axis=1, keepdims=True) * counts.sum(axis=0, keepdims=True) / (total or 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts / expected)
    return np.where(counts > 0, np.maximum(pmi, 0.0), 0.0)


def ppmi_svd(counts: np.ndarray, dim: int) -> np.ndarray:
    """The PPMI table cut to ``dim`` numbers per word by a truncated SVD (``U_d · S_d``): dense vectors, no training."""
    u, s, _ = np.linalg.svd(ppmi(counts), full_matrices=False)
    if not 1 <= dim <= len(s):
        raise ValueError(f"dim must be between 1 and {len(s)}, got {dim}")
    return u[:, :dim] * s[:dim]


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)
