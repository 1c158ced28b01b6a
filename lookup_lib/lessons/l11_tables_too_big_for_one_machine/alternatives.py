"""The arithmetic of big tables, and what to do instead of sharding: hash, quantize (NumPy, torch for training).

- ``memory_rows``: bytes of a table and of its optimizer state, and how many devices hold them;
- ``word_counts``: how often each word of a text occurs (the lesson measures Zipf's law on the KJV);
- ``hash_ids`` / ``colliding``: the hashing trick, a fixed number of rows for any vocabulary;
- ``quantize_rows`` / ``dequantize_rows``: int8 rows with one float32 scale per row;
- ``train_topic_model``: lesson 06's bag-of-words classifier on any word ids, its test accuracy.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import torch
from torch import nn

from lookup_lib.lessons.kit.tables import format_bytes

__all__ = ["colliding", "dequantize_rows", "hash_ids", "memory_rows", "quantize_rows", "topic_accuracy",
           "train_topic_model",
           "word_counts"]

STATE_COPIES = {"SGD": 0, "SGD + momentum": 1, "Adagrad": 1, "Adam / AdamW": 2, "SparseAdam": 2}


def memory_rows(num_rows: int, dim: int, device_bytes: float = 80e9, bytes_per_entry: int = 4) -> list[list[str]]:
    """One text row per optimizer: table + state bytes, and the devices of ``device_bytes`` they fill.

    >>> memory_rows(10**9, 128)[0]
    ['SGD', '512.0 GB', '0 B', '512.0 GB', '7']
    """
    table = num_rows * dim * bytes_per_entry
    rows = []
    for name, copies in STATE_COPIES.items():
        total = table * (1 + copies)
        rows.append([name, format_bytes(table), format_bytes(table * copies), format_bytes(total),
                     str(-(-total // int(device_bytes)))])
    return rows


def word_counts(texts: Iterable[Sequence[str]]) -> np.ndarray:
    """How often each distinct word occurs, most frequent first: ``(distinct words,)`` int64."""
    counts = Counter()
    for words in texts:
        counts.update(words)
    return np.array(sorted(counts.values(), reverse=True), dtype=np.int64)


def hash_ids(words: Sequence[str], buckets: int) -> np.ndarray:
    """The hashing trick: word → ``crc32(word) % buckets`` (the same on every machine, unlike ``hash``).

    >>> hash_ids(["rain", "snow", "goal"], 8).tolist()
    [5, 3, 6]
    """
    return np.array([zlib.crc32(w.encode("utf-8")) % buckets for w in words], dtype=np.int64)


def colliding(words: Sequence[str], buckets: int) -> int:
    """How many of ``words`` share their bucket with at least one other word."""
    ids = hash_ids(words, buckets)
    per_bucket = np.bincount(ids, minlength=buckets)
    return int((per_bucket[ids] > 1).sum())


def quantize_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per row: ``q = round(row / scale)``, ``scale = max|row| / 127``; returns ``(q, scale)``.

    >>> q, s = quantize_rows(np.array([[0.5, -1.0, 0.25]], np.float32))
    >>> q.tolist(), [round(float(x), 5) for x in s]
    ([[64, -127, 32]], [0.00787])
    """
    table = np.asarray(table, dtype=np.float32)
    scale = np.abs(table).max(axis=1) / 127
    scale[scale == 0] = 1.0  # an all-zero row stays zero
    q = np.clip(np.round(table / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def dequantize_rows(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The float32 table the int8 rows stand for: ``q * scale``."""
    return q.astype(np.float32) * scale[:, None]


class _Bags(nn.Module):
    def __init__(self, num_ids: int, dim: int, num_classes: int) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(num_ids, dim, mode="mean")
        self.out = nn.Linear(dim, num_classes)

    def forward(self, indices: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return self.out(self.bag(indices, offsets))


def _batches(offsets: np.ndarray, n_ids: int, rows: np.ndarray, indices: np.ndarray) -> tuple[torch.Tensor, ...]:
    ends = np.r_[offsets[1:], n_ids]
    parts = [indices[offsets[r]:ends[r]] for r in rows]
    return torch.from_numpy(np.concatenate(parts)), torch.tensor(np.r_[0, np.cumsum([len(p) for p in parts])[:-1]])


def train_topic_model(train: tuple[np.ndarray, np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray, np.ndarray],
                      num_ids: int, dim: int = 16, epochs: int = 8, seed: int = 0) -> tuple[nn.Module, float]:
    """Train lesson 06's bag-of-words classifier on ``(indices, offsets, labels)``; return it and its test accuracy."""
    torch.manual_seed(seed)
    order = torch.Generator().manual_seed(seed)
    num_classes = int(max(train[2].max(), test[2].max())) + 1
    model = _Bags(num_ids, dim, num_classes)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    labels = torch.from_numpy(train[2])
    for _ in range(epochs):
        for rows in torch.randperm(len(train[1]), generator=order).split(32):
            idx, offs = _batches(train[1], len(train[0]), rows.numpy(), train[0])
            loss = nn.functional.cross_entropy(model(idx, offs), labels[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model, topic_accuracy(model, test)


def topic_accuracy(model: nn.Module, test: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float:
    """The share of test sentences whose topic the model predicts."""
    with torch.no_grad():
        predicted = model(torch.from_numpy(test[0]), torch.from_numpy(test[1])).argmax(dim=1).numpy()
    return float((predicted == test[2]).mean())
