"""The course trainer on real text: skip-gram with negative sampling, word2vec's way, in mini-batches.

Lesson 12 shows this loop in its cells; :func:`train_sgns` is the same loop (a test trains both and
compares the tables). What it adds to lesson 08's ``train_skipgram``: word2vec's frequent-word
subsampling (:func:`keep_probability`), its shrinking window (:func:`sample_pairs`), fresh pairs every epoch,
big batches and a learning rate that falls to zero. The model *is* lesson 08's ``SkipGram``: two
``nn.Embedding`` tables and a dot product. No matplotlib here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from lookup_lib.lessons.l08_embeddings_capture_meaning.word2vec import SkipGram, noise_distribution

__all__ = ["SgnsResult", "keep_probability", "sample_pairs", "softmax_cost", "train_sgns"]


def keep_probability(counts: np.ndarray, sample: float = 1e-3) -> np.ndarray:
    """word2vec's chance of keeping each occurrence of a word of frequency f = count / total.

    ``(sqrt(f / sample) + 1) * sample / f``, at most 1: at ``sample = 1e-3`` a word making up 5 % of
    the text keeps about one occurrence in six; a word rarer than about 0.26 % is always kept.

    >>> keep_probability(np.array([50, 2950, 7000]), sample=1e-3).round(3).tolist()
    [0.647, 0.062, 0.039]
    """
    counts = np.asarray(counts, dtype=np.float64)
    freq = counts / counts.sum()
    with np.errstate(divide="ignore"):
        keep = (np.sqrt(freq / sample) + 1) * sample / freq
    return np.minimum(keep, 1.0)


def sample_pairs(ids: np.ndarray, verse: np.ndarray, keep: np.ndarray, window: int,
                 generator: torch.Generator) -> np.ndarray:
    """One epoch's (center, context) pairs, as word2vec draws them, shape (P, 2).

    1. every occurrence of word w survives with probability ``keep[w]`` (subsampling);
    2. each surviving center draws its own window b in 1..``window`` (near words count more);
    3. a pair is two surviving words of the same verse at most b apart.
    """
    ids_t = torch.as_tensor(ids)
    survive = torch.rand(len(ids), generator=generator, dtype=torch.float64) < torch.as_tensor(keep)[ids_t]
    ids, verse = ids[survive.numpy()], verse[survive.numpy()]
    reach = torch.randint(1, window + 1, (len(ids),), generator=generator).numpy()  # b of each center
    pairs = []
    for d in range(1, window + 1):
        same = verse[:-d] == verse[d:]
        left, right = ids[:-d], ids[d:]
        forward = same & (reach[:-d] >= d)  # center on the left, context d to its right
        backward = same & (reach[d:] >= d)  # center on the right
        pairs += [np.stack([left[forward], right[forward]], 1), np.stack([right[backward], left[backward]], 1)]
    return np.concatenate(pairs)


def softmax_cost(vocab_size: int, dim: int, pairs: int) -> tuple[int, int]:
    """Multiply-adds per epoch of the full softmax and of negative sampling with k = 5: (softmax, sampled).

    The softmax scores every pair against all V context vectors; negative sampling against 1 + k.
    """
    return pairs * vocab_size * dim, pairs * (1 + 5) * dim


@dataclass(frozen=True)
class SgnsResult:
    """What :func:`train_sgns` returns: the model, its center table (float32, (V, D)) and each epoch's mean loss."""

    model: SkipGram
    vectors: np.ndarray
    losses: list[float]


def train_sgns(
    ids: np.ndarray, verse: np.ndarray, counts: np.ndarray, *, dim: int = 50, window: int = 5,
    negatives: int = 5, power: float = 0.75, sample: float = 1e-3, epochs: int = 5,
    batch_size: int = 1024, lr: float = 0.01, seed: int = 0, device: str | torch.device = "cpu",
) -> SgnsResult:
    """Train lesson 08's :class:`SkipGram` on a word-id stream with word2vec's sampling; Adam, linear decay.

    Parameters
    ----------
    ids, verse : int64 arrays (T,): the words and the verse each is in (:func:`~.text.flatten`)
    counts : int array (V,): word counts; zero for ``<pad>`` and ``<unk>``, which are then never drawn
    dim, window, negatives, power, sample, epochs : word2vec's ``size``, ``window``, ``negative``,
        ``ns_exponent``, ``sample`` and ``iter``
    batch_size, lr : Adam's mini-batch and starting step, which falls linearly to 0 over training
    seed : one CPU ``torch.Generator`` draws the table, the subsampling, the windows, the order and the negatives
    """
    generator = torch.Generator().manual_seed(seed)
    model = SkipGram(len(counts), dim, generator=generator).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    noise = torch.as_tensor(noise_distribution(counts, power))  # (V,)
    keep = keep_probability(counts, sample)  # (V,)
    losses: list[float] = []
    for epoch in range(epochs):
        pairs = torch.as_tensor(sample_pairs(ids, verse, keep, window, generator))  # (P, 2)
        pairs = pairs[torch.randperm(len(pairs), generator=generator)]
        steps = (len(pairs) + batch_size - 1) // batch_size
        total = 0.0
        for step, start in enumerate(range(0, len(pairs), batch_size)):
            for group in optimizer.param_groups:  # linear decay to 0 over all epochs
                group["lr"] = lr * (1 - (epoch * steps + step) / (epochs * steps))
            batch = pairs[start:start + batch_size].to(device)  # (B, 2)
            drawn = torch.multinomial(noise, len(batch) * negatives, replacement=True, generator=generator)
            loss = model(batch[:, 0], batch[:, 1], drawn.view(-1, negatives).to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / len(pairs))
    return SgnsResult(model, model.vectors(), losses)
