"""A downstream task for the shipped vectors: which division of the Bible a verse comes from.

Six classes (law, history, poetry, prophets, gospels & Acts, letters); the model averages the verse's word
vectors and applies one ``nn.Linear(D, 6)``. The table is either trained from a random start, or loaded with
``nn.Embedding.from_pretrained`` and frozen, or loaded and fine-tuned. Training verses are drawn from the
vectors' own training part; the test verses are the held-out tenth, never seen by any word-vector trainer.
No matplotlib here.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from lookup_lib.lessons.kit.vocab import Vocab

__all__ = ["DIVISIONS", "VerseClassifier", "encode_verses", "train_classifier"]

DIVISIONS = ["law", "history", "poetry", "prophets", "gospels_acts", "letters"]


def encode_verses(verses: list[list[str]], vocab: Vocab, length: int = 64) -> torch.Tensor:
    """Verses as a padded int64 tensor (N, length): word ids, ``<pad>`` after the end (long verses cut)."""
    out = torch.full((len(verses), length), vocab.pad, dtype=torch.int64)
    for n, tokens in enumerate(verses):
        ids = vocab.encode(tokens[:length])
        out[n, :len(ids)] = torch.as_tensor(ids)
    return out


class VerseClassifier(nn.Module):
    """Mean of the verse's word vectors (padding left out), then a linear layer to the 6 divisions."""

    def __init__(self, table: nn.Embedding, classes: int = 6) -> None:
        super().__init__()
        self.table = table  # (V, D)
        self.out = nn.Linear(table.embedding_dim, classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = (ids != self.table.padding_idx).unsqueeze(-1)  # (N, L, 1)
        mean = (self.table(ids) * mask).sum(1) / mask.sum(1).clamp(min=1)  # (N, D)
        return self.out(mean)  # (N, 6)


def train_classifier(
    ids: torch.Tensor, labels: torch.Tensor, test_ids: torch.Tensor, test_labels: torch.Tensor,
    vectors: np.ndarray | None, *, vocab_size: int = 0, dim: int = 50, freeze: bool = True, pad: int = 0,
    steps: int = 150, lr: float = 0.02,
    seed: int = 0,
) -> float:
    """Train on (ids, labels), full batch with Adam; return accuracy on the test verses.

    ``vectors=None``: a fresh ``nn.Embedding(vocab_size, dim, padding_idx=pad)`` (N(0, 1) rows), trained. Otherwise
    ``nn.Embedding.from_pretrained(vectors, freeze=freeze, padding_idx=pad)``.
    """
    torch.manual_seed(seed)
    if vectors is None:
        table = nn.Embedding(vocab_size, dim, padding_idx=pad)
    else:
        weight = torch.as_tensor(np.asarray(vectors, dtype=np.float32))
        table = nn.Embedding.from_pretrained(weight, freeze=freeze, padding_idx=pad)
    model = VerseClassifier(table)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(ids), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return float((model(test_ids).argmax(1) == test_labels).float().mean())
