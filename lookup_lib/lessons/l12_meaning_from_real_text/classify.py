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

__all__ = ["DIVISIONS", "MODES", "VerseClassifier", "encode_verses", "three_starts", "train_classifier"]

DIVISIONS = ["law", "history", "poetry", "prophets", "gospels_acts", "letters"]
MODES = ("random init", "frozen", "fine-tuned")


def encode_verses(verses: list[list[str]], vocab: Vocab, length: int = 64) -> torch.Tensor:
    """Verses as a padded int64 tensor (N, length): word ids, ``<pad>`` after the end (long verses cut)."""
    out = torch.full((len(verses), length), vocab.pad, dtype=torch.int64)
    for n, tokens in enumerate(verses):
        ids = vocab.encode(tokens[:length])
        out[n, :len(ids)] = torch.as_tensor(ids)
    return out


class VerseClassifier(nn.Module):
    """Mean of the verse's word vectors (padding left out), then a linear layer to the 6 divisions.

    The mean is ``F.embedding_bag(..., mode="mean")`` over each verse's non-padding ids (lesson 06): the same
    numbers as masking the padded (N, L, D) lookup and dividing by the length, without building that tensor.
    A verse with no known word gets the zero vector.
    """

    def __init__(self, table: nn.Embedding, classes: int = 6) -> None:
        super().__init__()
        self.table = table  # (V, D)
        self.out = nn.Linear(table.embedding_dim, classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        keep = ids != self.table.padding_idx  # (N, L)
        offsets = torch.cumsum(keep.sum(1), 0) - keep.sum(1)  # (N,): where each verse starts in ids[keep]
        mean = nn.functional.embedding_bag(ids[keep], self.table.weight, offsets, mode="mean")  # (N, D)
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


def three_starts(
    ids: torch.Tensor, labels: torch.Tensor, test_ids: torch.Tensor, test_labels: torch.Tensor,
    vectors: np.ndarray, n: int, seed: int,
) -> dict[str, float]:
    """Test accuracy of the three starts (:data:`MODES`) on ``n`` training verses drawn with ``seed``.

    The verses are ``torch.randperm(len(ids), generator=seed)[:n]``; the same seed starts the classifier.
    ``vectors`` are the pre-trained table (its padding row already zero).
    """
    if not 1 <= n <= len(ids):
        raise ValueError(f"n must be between 1 and {len(ids)} (the training verses), got {n}")
    pick = torch.randperm(len(ids), generator=torch.Generator().manual_seed(seed))[:n]
    args = (ids[pick], labels[pick], test_ids, test_labels)
    return {
        "random init": train_classifier(*args, None, vocab_size=len(vectors), dim=vectors.shape[1], seed=seed),
        "frozen": train_classifier(*args, vectors, freeze=True, seed=seed),
        "fine-tuned": train_classifier(*args, vectors, freeze=False, seed=seed),
    }
