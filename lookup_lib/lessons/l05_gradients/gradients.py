"""What lesson 05 computes (no drawing here): a lookup's gradient, the norm of each of its rows, and what
an optimizer does with a sparse gradient.

:func:`row_gradients` runs :func:`lookup_lib.embedding_backward` once per setting of ``scale_grad_by_freq``
and keeps the gradients, their row norms and each row's count in a :class:`RowGradients`, which
:func:`~lookup_lib.lessons.l05_gradients.figures.plot_grad_norms` draws (the figure computes nothing).
:func:`grad_row_norms` is the norm of each row for one setting. :func:`try_sparse_step` tries one
optimizer on a sparse gradient and says, in one line, what happened; :func:`outcome` runs any call and
says ``ok`` or ``Type: first sentence of the error`` (an intended error shown short, no traceback).
torch is imported inside the functions that use it, so this module imports without torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lookup_lib.checks import as_indices, from_torch, normalize_padding_idx
from lookup_lib.core import embedding_backward
from lookup_lib.lessons.kit.i18n import t

__all__ = ["RowGradients", "grad_row_norms", "outcome", "row_gradients", "try_sparse_step"]


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


@dataclass(frozen=True)
class RowGradients:
    """A lookup's gradient for one or two settings of ``scale_grad_by_freq``, computed once.

    Attributes
    ----------
    counts : numpy.ndarray of int64, shape (V,)
        How often each row occurs in the indices.
    padding_idx : int or None
        The padding row (already made non-negative), whose gradient is 0.
    grads : dict of bool to numpy.ndarray, shape (V, D)
        ``dL/dW`` for each setting computed (False = plain sum, True = divided by the count).
    norms : dict of bool to numpy.ndarray of float64, shape (V,)
        ``||dL/dW[k]||`` for each setting computed.
    """

    counts: np.ndarray
    padding_idx: int | None
    grads: dict[bool, np.ndarray]
    norms: dict[bool, np.ndarray]

    @property
    def num_embeddings(self) -> int:
        """V."""
        return int(self.counts.size)

    @property
    def settings(self) -> list[bool]:
        """The settings of ``scale_grad_by_freq`` computed, in the order asked for."""
        return list(self.grads)


def row_gradients(
    indices: Any,
    grad_output: Any,
    num_embeddings: int,
    *,
    padding_idx: int | None = None,
    scale_grad_by_freq: bool | Iterable[bool] = (False, True),
) -> RowGradients:
    """The gradient of a lookup and its row norms, one ``embedding_backward`` call per setting.

    Parameters
    ----------
    indices : array_like of int, shape (*S)
    grad_output : array_like, shape (*S, D)
        ``dL/dout``; torch tensors are accepted.
    num_embeddings : int
        V.
    padding_idx : int, optional
    scale_grad_by_freq : bool or iterable of bool, default (False, True)
        The settings to compute.

    Returns
    -------
    RowGradients

    Examples
    --------
    >>> rows = row_gradients([1, 0, 1, 1], np.ones((4, 2)), 3)
    >>> rows.counts.tolist(), rows.settings
    ([1, 3, 0], [False, True])
    >>> rows.grads[False][1].tolist(), rows.grads[True][1].tolist()
    ([3.0, 3.0], [1.0, 1.0])
    """
    settings = [scale_grad_by_freq] if isinstance(scale_grad_by_freq, bool) else list(scale_grad_by_freq)
    idx = as_indices(indices).reshape(-1)
    grad_out = np.asarray(from_torch(grad_output))
    grad_out = grad_out.reshape(idx.size, grad_out.shape[-1])  # (N, D)
    pad = normalize_padding_idx(padding_idx, num_embeddings)
    grads = {bool(s): embedding_backward(grad_out, idx, num_embeddings, padding_idx=pad, scale_grad_by_freq=bool(s))
             for s in settings}
    norms = {s: np.linalg.norm(np.asarray(g, dtype=np.float64), axis=1) for s, g in grads.items()}
    counts = np.bincount(idx, minlength=num_embeddings) if idx.size else np.zeros(num_embeddings, dtype=np.int64)
    return RowGradients(counts, pad, grads, norms)


def outcome(call: Callable[[], Any]) -> str:
    """Run ``call()``; return ``"ok"``, or ``"Type: first sentence of the message"`` if it raises.

    An intended error, in one short line: no traceback, no machine paths.

    Examples
    --------
    >>> outcome(lambda: 1 + 1)
    'ok'
    >>> outcome(lambda: int("x"))
    "ValueError: invalid literal for int() with base 10: 'x'"
    """
    try:
        call()
    except Exception as exc:  # the point is to show any error, whatever its type
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        first = message.split(". ")[0].rstrip(".")
        return f"{type(exc).__name__}: {first}"
    return "ok"


def try_sparse_step(name: str, options: dict[str, Any], weight: Any, indices: Any, grad_output: Any) -> str:
    """One step of ``torch.optim.<name>(**options)`` on a sparse gradient: what happened, in one line.

    A fresh ``nn.Embedding.from_pretrained(weight, sparse=True)`` looks up ``indices``; the loss is
    ``(out * grad_output).sum()``. Then one optimizer step (LBFGS gets the closure it needs).

    Returns
    -------
    str
        ``"steps: rows [0, 1, 3] change; state: dense (4, 2)"`` (the rows the step changed, and the state
        the optimizer keeps: ``none``, ``sparse``, or the shapes of its dense state tensors),
        ``"raises Type: first sentence"``, or
        ``"not in this torch"`` when ``torch.optim`` has no such class (Adafactor came in torch 2.5).
    """
    import torch
    from torch import nn

    if not hasattr(torch.optim, name):
        return t("not in this torch")
    layer = nn.Embedding.from_pretrained(torch.as_tensor(weight).detach().clone(), freeze=False, sparse=True)
    idx, grad_out = torch.as_tensor(indices), torch.as_tensor(grad_output)

    def loss() -> torch.Tensor:  # the closure LBFGS calls: forward and backward again
        layer.weight.grad = None
        value = (layer(idx) * grad_out).sum()
        value.backward()
        return value

    loss()
    before = layer.weight.detach().clone()
    result = {}

    def step() -> None:
        result["opt"] = opt = getattr(torch.optim, name)(layer.parameters(), lr=0.1, **options)
        opt.step(loss) if name == "LBFGS" else opt.step()

    error = outcome(step)
    if error != "ok":
        return t("raises {error}", error=error)
    changed = (layer.weight.detach() != before).any(dim=1).nonzero().flatten().tolist()
    state = [x for s in result["opt"].state.values() for x in s.values() if isinstance(x, torch.Tensor) and x.dim()]
    dense = sorted({tuple(x.shape) for x in state if x.layout == torch.strided})
    if dense:
        kept = t("dense {shapes}", shapes=", ".join(str(s) for s in dense))
    else:
        kept = t("sparse") if state else t("none")
    return t("steps: rows {rows} change; state: {state}", rows=changed, state=kept)
