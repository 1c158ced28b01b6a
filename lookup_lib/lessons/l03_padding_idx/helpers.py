"""Lesson 03 helpers: padding a batch, the masked mean, and what SGD does to the padding row.

``pad_batch`` is a NumPy ``torch.nn.utils.rnn.pad_sequence(..., batch_first=True)`` with
truncation; ``masked_mean`` averages over real tokens only; ``sgd_trace`` runs a few SGD
steps on a table with ``lookup_lib``'s reference code and returns the table after each step;
``pad_and_look_up`` is all a padded-batch figure shows (ids, mask, looked-up rows, means).
The figures in :mod:`~lookup_lib.lessons.l03_padding_idx.figures` draw these; nothing here draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from lookup_lib.checks import as_indices, as_weight
from lookup_lib.core import embedding, embedding_backward

__all__ = ["PaddedBatch", "masked_mean", "pad_and_look_up", "pad_batch", "sgd_trace"]


def pad_batch(
    sequences: Sequence[Sequence[int]], max_len: int | None = None, padding_value: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Truncate and pad sequences of token ids into one rectangular batch.

    Parameters
    ----------
    sequences : sequence of B sequences of int
        Token ids of each sentence; lengths may differ.
    max_len : int, optional
        If given, every sequence is cut to its first ``max_len`` ids and the batch is padded
        to exactly ``max_len`` columns (even past the longest sequence). If None, the batch
        is as wide as the longest sequence, like ``pad_sequence(..., batch_first=True)``.
    padding_value : int, default 0
        The id written into the empty positions (the padding index).

    Returns
    -------
    ids : numpy.ndarray of int64, shape (B, T)
    mask : numpy.ndarray of bool, shape (B, T)
        True at real tokens, False at padding. It comes from the lengths, not from
        ``ids != padding_value``, so a real token that shares the padding id stays True.

    Examples
    --------
    >>> ids, mask = pad_batch([[4, 2, 7], [5]], padding_value=0)
    >>> ids
    array([[4, 2, 7],
           [5, 0, 0]])
    >>> mask.astype(int)
    array([[1, 1, 1],
           [1, 0, 0]])
    """
    if max_len is not None and max_len < 0:
        raise ValueError(f"max_len must be >= 0 or None, got {max_len}")
    lengths = [len(s) if max_len is None else min(len(s), max_len) for s in sequences]
    width = max(lengths, default=0) if max_len is None else max_len
    ids = np.full((len(sequences), width), padding_value, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=bool)
    for b, (seq, n) in enumerate(zip(sequences, lengths, strict=True)):
        ids[b, :n] = np.asarray(seq[:n], dtype=np.int64)
        mask[b, :n] = True
    return ids, mask


def masked_mean(rows: Any, mask: Any) -> np.ndarray:
    """Mean of the looked-up rows over real tokens only.

    Parameters
    ----------
    rows : array_like, shape (B, T, D)
        The output of the lookup, padding positions included.
    mask : array_like of bool, shape (B, T)
        True at real tokens.

    Returns
    -------
    numpy.ndarray, shape (B, D)
        ``sum_t rows[b, t] * mask[b, t] / max(sum_t mask[b, t], 1)``: the count is clamped
        to at least 1, like torch's ``mask.sum(1, keepdim=True).clamp(min=1)``, so a sentence
        with no real token gets zeros (instead of 0 / 0 = nan).

    Examples
    --------
    >>> rows = np.array([[[2.], [4.], [9.]]])
    >>> masked_mean(rows, [[True, True, False]])
    array([[3.]])
    >>> masked_mean(rows, [[False, False, False]])  # all padding: 0 / 1, not 0 / 0 = nan
    array([[0.]])
    """
    rows = np.asarray(rows)
    weights = np.asarray(mask, dtype=rows.dtype)[..., None]  # (B, T, 1)
    counts = weights.sum(axis=1)  # (B, 1)
    return (rows * weights).sum(axis=1) / np.maximum(counts, 1)


def sgd_trace(
    weight: Any,
    indices: Any,
    steps: int,
    *,
    padding_idx: int | None = None,
    lr: float = 0.1,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    target: float = 1.0,
) -> np.ndarray:
    """Train a table for a few SGD steps and return it after each step.

    The loss pulls every looked-up vector, padding positions included, towards ``target``:
    ``loss = 0.5 * sum((weight[indices] - target) ** 2)``, so ``grad_output = out - target``.
    The gradient comes from :func:`lookup_lib.embedding_backward` (the padding row gets 0);
    the update is ``torch.optim.SGD``'s (no dampening, no Nesterov)::

        d = grad + weight_decay * weight          # the decay term is not part of the gradient
        buf = d (first step), else momentum * buf + d
        weight = weight - lr * buf                # buf is d when momentum == 0

    Parameters
    ----------
    weight : array_like, shape (V, D)
        The starting table; it is copied, not changed.
    indices : array_like of int, shape (*S)
        The same batch at every step.
    steps : int
        Number of optimizer steps, >= 0.
    padding_idx : int, optional
        Row that gets no gradient (``[-V, V)``).
    lr, momentum, weight_decay : float
        As in ``torch.optim.SGD``.
    target : float, default 1.0
        What each looked-up entry is pulled towards.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, V, D)
        ``history[0]`` is the starting table, ``history[t]`` the table after step t.

    Examples
    --------
    >>> w = np.array([[0., 0.], [3., 3.]], dtype=np.float32)
    >>> sgd_trace(w, [1, 0], steps=1, padding_idx=0, lr=0.5)[:, :, 0]
    array([[0., 3.],
           [0., 2.]], dtype=float32)
    """
    table = np.array(as_weight(weight), dtype=np.float32)  # a copy
    idx = as_indices(indices)  # converted once, used at every step
    history = [table.copy()]
    buf = None
    for _ in range(steps):
        out = embedding(idx, table)
        grad = embedding_backward(out - np.float32(target), idx, table.shape[0], padding_idx=padding_idx)
        d = grad + np.float32(weight_decay) * table if weight_decay else grad
        if momentum:
            buf = d if buf is None else np.float32(momentum) * buf + d
            d = buf
        table = table - np.float32(lr) * d
        history.append(table.copy())
    return np.stack(history)


class PaddedBatch(NamedTuple):
    """A padded batch and its lookup: everything :func:`~.figures.draw_padded_batch` draws."""

    ids: np.ndarray  # (B, T) int64, padded with padding_idx
    mask: np.ndarray  # (B, T) bool, True at real tokens
    rows: np.ndarray  # (B, T, D), embedding(ids, weight)
    means: np.ndarray  # (B, D), masked_mean(rows, mask)


def pad_and_look_up(
    sequences: Sequence[Sequence[int]], weight: np.ndarray, max_len: int | None = None, padding_idx: int = 0
) -> PaddedBatch:
    """Pad ``sequences`` (see :func:`pad_batch`), look the ids up in ``weight``, and average over real tokens.

    Parameters
    ----------
    sequences : sequence of B sequences of int
    weight : numpy.ndarray, shape (V, D)
        A checked table (:func:`lookup_lib.checks.as_weight`).
    max_len : int, optional
        Truncate / pad to this many columns.
    padding_idx : int, default 0
        The id written into the padding positions.

    Returns
    -------
    PaddedBatch

    Examples
    --------
    >>> batch = pad_and_look_up([[1, 2], [2]], np.array([[0.0], [2.0], [4.0]]))
    >>> batch.ids.tolist(), batch.means.ravel().tolist()
    ([[1, 2], [2, 0]], [3.0, 4.0])
    """
    ids, mask = pad_batch(sequences, max_len, padding_value=padding_idx)  # (B, T), (B, T)
    rows = embedding(ids, weight)  # (B, T, D)
    return PaddedBatch(ids, mask, rows, masked_mean(rows, mask))
