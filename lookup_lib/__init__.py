"""lookup_lib: a readable NumPy reference for ``torch.nn.Embedding``, and the lessons' helpers.

The reference code (no torch inside) lives in :mod:`lookup_lib.core` and
:mod:`lookup_lib.module`; figures in :mod:`lookup_lib.viz`; widgets in
:mod:`lookup_lib.widgets`; classroom exercises in :mod:`lookup_lib.exercises`.
"""

from lookup_lib.bag import embedding_bag, embedding_bag_backward
from lookup_lib.core import (
    SparseGrad,
    embedding,
    embedding_backward,
    one_hot,
    one_hot_matmul,
    renorm_,
    row_norms,
)
from lookup_lib.module import Embedding, EmbeddingBag

__all__ = [
    "Embedding",
    "EmbeddingBag",
    "SparseGrad",
    "embedding",
    "embedding_backward",
    "embedding_bag",
    "embedding_bag_backward",
    "one_hot",
    "one_hot_matmul",
    "renorm_",
    "row_norms",
]
__version__ = "0.1.0"
