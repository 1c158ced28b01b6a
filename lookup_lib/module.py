"""``Embedding``: the layer object, holding a table and its gradient, like ``torch.nn.Embedding``."""

from __future__ import annotations

from typing import Any

import numpy as np

from lookup_lib.bag import MODES, embedding_bag, embedding_bag_backward
from lookup_lib.checks import (
    as_indices,
    as_weight,
    check_bool,
    check_max_norm,
    check_positive_int,
    check_sparse_without_scaling,
    from_torch,
    normalize_padding_idx,
)
from lookup_lib.core import SparseGrad, embedding, embedding_backward

__all__ = ["Embedding", "EmbeddingBag"]


class Embedding:
    """A lookup table with a gradient: the NumPy twin of ``torch.nn.Embedding``.

    Parameters
    ----------
    num_embeddings : int
        V, the number of rows (the vocabulary size), e.g. 10,000 words.
    embedding_dim : int
        D, the length of each row, e.g. 300.
    padding_idx : int, optional
        In ``[-V, V)``, stored normalised to ``[0, V)``. This row is zeroed at
        construction (not when ``_weight`` is given) and always gets a zero gradient.
    max_norm, norm_type
        If ``max_norm`` is set, every forward pass first renormalises the looked-up rows
        in place (see :func:`lookup_lib.renorm_`).
    scale_grad_by_freq : bool
        Divide each row's gradient by its count in the mini-batch.
    sparse : bool
        ``.grad`` becomes a :class:`lookup_lib.SparseGrad`.
    _weight : array_like, shape (V, D), optional
        Use this table as it is (it must have the shape (num_embeddings, embedding_dim)).
    rng : numpy.random.Generator or int, optional
        Where the N(0, 1) initial values come from; pass a seed for reproducible tables.

    Examples
    --------
    >>> emb = Embedding(5, 3, padding_idx=-1, rng=0)
    >>> emb
    Embedding(5, 3, padding_idx=4)
    >>> emb([[0, 4]]).shape
    (1, 2, 3)
    >>> emb.weight[4]
    array([0., 0., 0.], dtype=float32)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self.num_embeddings = check_positive_int(num_embeddings, "num_embeddings", allow_zero=True)
        self.embedding_dim = check_positive_int(embedding_dim, "embedding_dim", allow_zero=True)
        self.padding_idx = normalize_padding_idx(padding_idx, self.num_embeddings)
        check_max_norm(max_norm, norm_type)
        self.scale_grad_by_freq = check_bool(scale_grad_by_freq, "scale_grad_by_freq")  # bool("False") is True
        self.sparse = check_bool(sparse, "sparse")
        check_sparse_without_scaling(self.sparse, self.scale_grad_by_freq)
        self.max_norm = max_norm
        self.norm_type = norm_type
        if _weight is None:
            generator = np.random.default_rng(rng)
            shape = (self.num_embeddings, self.embedding_dim)
            self.weight = generator.standard_normal(shape, dtype=np.float32)
            if self.padding_idx is not None:
                self.weight[self.padding_idx] = 0.0
        else:
            table = as_weight(from_torch(_weight))
            if table.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(
                    f"_weight has shape {table.shape}, but num_embeddings={num_embeddings} and "
                    f"embedding_dim={embedding_dim} ask for {(self.num_embeddings, self.embedding_dim)}"
                )
            self.weight = table  # kept as given, padding row included (as torch does)
        self.requires_grad = True
        self.grad: np.ndarray | SparseGrad | None = None
        self._last_indices: np.ndarray | None = None

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """Build a layer around an existing (V, D) table, e.g. pre-trained word vectors.

        The table is kept as given: the padding row is not zeroed, and, as in torch, the
        layer shares memory with ``embeddings`` when it is a float NumPy array.
        ``freeze=True`` (the default) sets ``requires_grad = False``.

        Examples
        --------
        >>> table = np.array([[1., 2.], [3., 4.]], dtype=np.float32)
        >>> emb = Embedding.from_pretrained(table, padding_idx=0)
        >>> emb([0, 1]), emb.requires_grad
        (array([[1., 2.],
               [3., 4.]], dtype=float32), False)
        """
        table = np.asarray(from_torch(embeddings))
        if table.ndim != 2:
            raise ValueError(f"embeddings must be 2-D (V, D), got shape {table.shape}")
        layer = cls(
            table.shape[0],
            table.shape[1],
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
            _weight=table,
        )
        layer.requires_grad = not freeze
        return layer

    def __call__(self, indices: Any) -> np.ndarray:
        """Forward pass: ``weight[indices]``, shape ``(*indices.shape, D)``."""
        self._last_indices = None  # a failed forward leaves nothing for backward() to use
        idx = as_indices(indices).copy()  # a copy: the caller may reuse its buffer before backward()
        out = embedding(idx, self.weight, self.padding_idx, self.max_norm, self.norm_type)
        self._last_indices = idx
        return out

    def backward(self, grad_output: Any) -> None:
        """Add the gradient for the last forward pass into ``.grad``.

        Like ``loss.backward()`` in torch, gradients accumulate until ``zero_grad()``.
        """
        if not self.requires_grad:
            raise RuntimeError("this table is frozen (requires_grad=False): it gets no gradient")
        if self._last_indices is None:
            raise RuntimeError("call the layer on some indices (successfully) before backward()")
        grad = embedding_backward(
            grad_output,
            self._last_indices,
            self.num_embeddings,
            padding_idx=self.padding_idx,
            scale_grad_by_freq=self.scale_grad_by_freq,
            sparse=self.sparse,
        )
        self.grad = grad if self.grad is None else self.grad + grad

    def zero_grad(self) -> None:
        """Forget the accumulated gradient (``.grad`` becomes None, as in torch)."""
        self.grad = None

    def __repr__(self) -> str:
        extras = [f"{self.num_embeddings}, {self.embedding_dim}"]
        if self.padding_idx is not None:
            extras.append(f"padding_idx={self.padding_idx}")
        if self.max_norm is not None:
            extras.append(f"max_norm={self.max_norm}")
        if self.norm_type != 2:
            extras.append(f"norm_type={self.norm_type}")
        if self.scale_grad_by_freq:
            extras.append("scale_grad_by_freq=True")
        if self.sparse:
            extras.append("sparse=True")
        return f"Embedding({', '.join(extras)})"


class EmbeddingBag(Embedding):
    """Bags of rows reduced to one row each: the NumPy twin of ``torch.nn.EmbeddingBag``.

    Parameters as for :class:`Embedding`, plus ``mode`` ("mean", "sum" or "max") and
    ``include_last_offset``; calls take ``(indices, offsets=None, per_sample_weights=None)``
    as :func:`lookup_lib.bag.embedding_bag` does.

    Examples
    --------
    >>> bag = EmbeddingBag(4, 2, mode="sum", rng=0)
    >>> bag
    EmbeddingBag(4, 2, mode='sum')
    >>> bag([[0, 1], [2, 3]]).shape
    (2, 2)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        include_last_offset = check_bool(include_last_offset, "include_last_offset")
        if mode == "max" and check_bool(sparse, "sparse"):
            raise ValueError("mode='max' has no sparse gradient (torch refuses it too)")
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type,
                         scale_grad_by_freq, sparse, _weight, rng)
        self.mode = mode
        self.include_last_offset = include_last_offset
        self._last_call: dict[str, Any] | None = None

    @classmethod
    def from_pretrained(  # type: ignore[override]
        cls,
        embeddings: Any,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """Build a bag layer around an existing (V, D) table (kept as given, as in torch)."""
        table = as_weight(embeddings)
        layer = cls(*table.shape, max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq,
                    mode=mode, sparse=sparse, _weight=table, include_last_offset=include_last_offset,
                    padding_idx=padding_idx)
        layer.requires_grad = not freeze
        return layer

    def __call__(self, indices: Any, offsets: Any = None, per_sample_weights: Any = None) -> np.ndarray:
        """Forward pass: one row per bag, shape ``(B, D)``."""
        self._last_call = None
        idx = as_indices(indices).copy()  # copies: the caller may reuse its buffers before backward()
        offs = None if offsets is None else as_indices(offsets, "offsets").copy()
        psw = None if per_sample_weights is None else np.array(from_torch(per_sample_weights, "per_sample_weights"))
        out = embedding_bag(idx, self.weight, offs, self.mode, psw, self.include_last_offset, self.padding_idx,
                            self.max_norm, self.norm_type)
        saved = self.weight.copy() if self.mode == "max" else None  # max needs the table the forward saw
        self._last_call = dict(indices=idx, offsets=offs, per_sample_weights=psw, weight=saved)
        return out

    def backward(self, grad_output: Any) -> None:
        """Add the gradient for the last forward pass into ``.grad`` (accumulates until ``zero_grad()``)."""
        if not self.requires_grad:
            raise RuntimeError("this table is frozen (requires_grad=False): it gets no gradient")
        if self._last_call is None:
            raise RuntimeError("call the layer on some indices (successfully) before backward()")
        grad = embedding_bag_backward(grad_output, num_embeddings=self.num_embeddings, mode=self.mode,
                                      include_last_offset=self.include_last_offset, padding_idx=self.padding_idx,
                                      scale_grad_by_freq=self.scale_grad_by_freq, sparse=self.sparse,
                                      **self._last_call)
        self.grad = grad if self.grad is None else self.grad + grad

    def __repr__(self) -> str:
        extras = [f"{self.num_embeddings}, {self.embedding_dim}"]
        if self.max_norm is not None:
            extras.append(f"max_norm={self.max_norm}")
        if self.norm_type != 2:
            extras.append(f"norm_type={self.norm_type}")
        if self.scale_grad_by_freq:
            extras.append("scale_grad_by_freq=True")
        extras.append(f"mode={self.mode!r}")
        if self.padding_idx is not None:
            extras.append(f"padding_idx={self.padding_idx}")
        return f"EmbeddingBag({', '.join(extras)})"
