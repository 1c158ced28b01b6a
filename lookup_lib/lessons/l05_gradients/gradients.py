"""What lesson 05 computes (no drawing here): the norm of each row of a lookup's gradient.

:func:`grad_row_norms` measures ``||dL/dW[k]||`` for each row k from :func:`lookup_lib.embedding_backward`,
with or without ``scale_grad_by_freq``; :func:`~lookup_lib.lessons.l05_gradients.figures.plot_grad_norms`
draws them as bars.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lookup_lib.core import embedding_backward

__all__ = ["grad_row_norms"]


def grad_row_norms(
    indices: Any,
    grad_output: Any,
    num_embeddings: int,
    *,
    padding_idx: int | None = None,
    scale_grad_by_freq: bool = False,
) -> np.ndarray:
    """The 2-norm of each row of the table's gradient, ``||dL/dW[k]||``.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
    grad_output : array_like, shape (*S, D)
        ``dL/dout``, one row per position.
    num_embeddings : int
        V.
    padding_idx : int, optional
        This row's gradient (and norm) is 0.
    scale_grad_by_freq : bool, default False
        Divide each row's gradient by its count in ``indices``.

    Returns
    -------
    numpy.ndarray of float64, shape (V,)

    Examples
    --------
    >>> ones = np.ones((4, 2))
    >>> grad_row_norms([1, 0, 1, 1], ones, 3).round(3)          # counts 1, 3, 0 times √2
    array([1.414, 4.243, 0.   ])
    >>> grad_row_norms([1, 0, 1, 1], ones, 3, scale_grad_by_freq=True).round(3)
    array([1.414, 1.414, 0.   ])
    """
    grad = embedding_backward(grad_output, indices, num_embeddings, padding_idx=padding_idx,
                              scale_grad_by_freq=scale_grad_by_freq)
    return np.linalg.norm(np.asarray(grad, dtype=np.float64), axis=1)
