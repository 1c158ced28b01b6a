"""Lesson 02 helpers: what the product figures show, computed from indices checked once.

:func:`small_example` is the door of the figures and the widget: it checks the indices and the
table size once. :func:`onehot_product` and :func:`onehot_gradient` then compute, with the
reference (:mod:`lookup_lib.core`), the matrices the figures draw.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lookup_lib.checks import as_indices, check_range, from_torch
from lookup_lib.core import embedding_backward, one_hot

__all__ = ["MAX_INDICES", "MAX_VOCAB", "onehot_gradient", "onehot_product", "small_example"]

# The pictures are for small examples: at most this many table rows (one-hot columns) and indices.
MAX_VOCAB = 12
MAX_INDICES = 8


def small_example(indices: Any, num_rows: int) -> np.ndarray:
    """Check, once, that ``indices`` into a table of ``num_rows`` rows make a picture that fits.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
        1 to ``MAX_INDICES`` of them, each in ``[0, num_rows)``.
    num_rows : int
        V, 1 to ``MAX_VOCAB``.

    Returns
    -------
    numpy.ndarray of int, shape (*S)
        The indices, as :func:`lookup_lib.checks.as_indices` returns them.

    Raises
    ------
    ValueError
        For a table or a batch too large to draw ("draw a small example: ...").
    TypeError, IndexError
        For indices that are not integers or out of range, as :func:`lookup_lib.embedding` raises them.

    Examples
    --------
    >>> small_example([3, 0], 6).tolist()
    [3, 0]
    """
    if not 1 <= num_rows <= MAX_VOCAB:
        raise ValueError(f"draw a small example: a table of 1 to {MAX_VOCAB} rows, got {num_rows}")
    idx = as_indices(indices)
    if not 1 <= idx.size <= MAX_INDICES:
        raise ValueError(f"draw a small example: 1 to {MAX_INDICES} indices, got {idx.size}")
    check_range(idx, num_rows)
    return idx


def onehot_product(indices: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The one-hot matrix of checked ``indices`` and its product with ``weight``.

    Parameters
    ----------
    indices : numpy.ndarray of int, shape (*S), N = prod(S) indices in ``[0, V)``
    weight : numpy.ndarray, shape (V, D)

    Returns
    -------
    hot : numpy.ndarray, shape (N, V), dtype of ``weight``
        One row per index in C order, a 1 in the column of the index.
    output : numpy.ndarray, shape (*S, D)
        ``one_hot @ weight``, exactly :func:`lookup_lib.one_hot_matmul`.

    Examples
    --------
    >>> hot, out = onehot_product(np.array([2, 0]), np.arange(6.0).reshape(3, 2))
    >>> hot.tolist(), out.tolist()
    ([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [[4.0, 5.0], [0.0, 1.0]])
    """
    encoded = one_hot(indices, weight.shape[0], dtype=weight.dtype)  # (*S, V)
    return encoded.reshape(-1, weight.shape[0]), encoded @ weight


def onehot_gradient(
    indices: np.ndarray, grad_output: Any, num_embeddings: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The backward product ``one_hotᵀ @ grad_output`` of checked ``indices``, as the figure draws it.

    Parameters
    ----------
    indices : numpy.ndarray of int, shape (*S), N = prod(S) indices in ``[0, V)``
    grad_output : array_like, shape (*S, D)
    num_embeddings : int
        V.

    Returns
    -------
    hot_t : numpy.ndarray of float32, shape (V, N)
        The transposed one-hot matrix: row k has a 1 wherever index k was looked up.
    grad_rows : numpy.ndarray, shape (N, D)
        ``grad_output`` with one row per index, in C order.
    grad_weight : numpy.ndarray, shape (V, D)
        :func:`lookup_lib.embedding_backward`, the scatter-add, which equals ``hot_t @ grad_rows``.

    Raises
    ------
    ValueError
        If ``grad_output`` does not have the shape ``(*S, D)``.

    Examples
    --------
    >>> hot_t, rows, grad = onehot_gradient(np.array([1, 1]), np.ones((2, 1)), 3)
    >>> hot_t.tolist(), grad.ravel().tolist()
    ([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]], [0.0, 2.0, 0.0])
    """
    grad_weight = embedding_backward(grad_output, indices, num_embeddings)  # checks the shape of grad_output
    flat = indices.reshape(-1)
    grad_rows = np.asarray(from_torch(grad_output)).reshape(flat.size, -1)
    return one_hot(flat, num_embeddings).T, grad_rows, grad_weight
