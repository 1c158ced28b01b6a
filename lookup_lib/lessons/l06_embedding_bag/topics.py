"""The small text set of lesson 06, the three steps from text to the input of an ``EmbeddingBag``, and a score.

(``tokenize`` and ``build_vocab`` are the kit's, :mod:`lookup_lib.lessons.kit.vocab`; lesson 08 uses them too.)

``load_topics`` reads ``lookup_lib/data/topics.tsv`` (short sentences in four topics, written for
this project by ``tools/make_topics.py``). Then:

1. ``tokenize``: a sentence → its lower-case words;
2. ``build_vocab(..., specials=(PAD, UNK))``: the words of the training sentences → a sorted ``Vocab``
   (index k is the same word on every machine), with ``<pad>`` at 0 and ``<unk>`` at 1 for unseen words;
3. ``to_bags``: a list of encoded sentences → one flat index stream and the offsets where each
   sentence starts, which is what ``nn.EmbeddingBag`` takes.

``confusion_matrix`` then counts what a classifier of these sentences got right and wrong (the figures
draw it). No torch here: everything is plain Python and NumPy (a tensor is read through ``from_torch``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from lookup_lib.checks import from_torch

__all__ = ["TopicSet", "TopicSplit", "confusion_matrix", "load_topics", "to_bags"]


@dataclass(frozen=True)
class TopicSplit:
    """The sentences of one split and their topics.

    Attributes
    ----------
    texts : list of str, length S
    labels : numpy.ndarray of int64, shape (S,)
        ``labels[s]`` is the index of the topic of ``texts[s]`` in :attr:`TopicSet.topics`.
    """

    texts: list[str]
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class TopicSet:
    """The text set: topic names (sorted) and the train and test splits."""

    topics: list[str]
    train: TopicSplit
    test: TopicSplit


def load_topics(path: str | Path | None = None) -> TopicSet:
    """Read the topic-labelled sentences shipped with lookup_lib (or a file of the same format).

    The file is tab-separated with the columns ``split`` (``train`` / ``test``), ``topic`` and
    ``text``, after a header line naming them; lines starting with ``#`` are comments.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to ``lookup_lib/data/topics.tsv``.

    Returns
    -------
    TopicSet
        Topics sorted by name; each split keeps the order of the file.

    Examples
    --------
    >>> data = load_topics()
    >>> data.topics, len(data.train), len(data.test)
    (['food', 'sport', 'technology', 'weather'], 480, 160)
    """
    if path is None:
        text = resources.files("lookup_lib").joinpath("data/topics.tsv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    if not lines or lines[0].split("\t") != ["split", "topic", "text"]:
        raise ValueError("a topics file starts (after '#' comments) with the header line 'split<TAB>topic<TAB>text'")
    rows = [_parse_row(line, number) for number, line in enumerate(lines[1:], start=2)]
    topics = sorted({topic for _, topic, _ in rows})
    splits = {}
    for name in ("train", "test"):
        chosen = [(topic, sentence) for split, topic, sentence in rows if split == name]
        labels = np.array([topics.index(topic) for topic, _ in chosen], dtype=np.int64)
        splits[name] = TopicSplit([sentence for _, sentence in chosen], labels)
    return TopicSet(topics, splits["train"], splits["test"])


def _parse_row(line: str, number: int) -> tuple[str, str, str]:
    fields = line.split("\t")
    if len(fields) != 3 or fields[0] not in ("train", "test"):
        raise ValueError(f"data line {number} must be 'train|test<TAB>topic<TAB>text', got {line!r}")
    return fields[0], fields[1], fields[2]


def to_bags(encoded: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate encoded sentences into one index stream, and say where each one starts.

    Parameters
    ----------
    encoded : sequence of B sequences of int
        The word indices of each sentence; lengths may differ (and may be 0).

    Returns
    -------
    indices : numpy.ndarray of int64, shape (N,)
        All sentences one after the other, N = the total number of words.
    offsets : numpy.ndarray of int64, shape (B,)
        ``offsets[b]`` is where sentence b starts in ``indices``: 0, then the running sum of the
        lengths. Sentence b is ``indices[offsets[b]:offsets[b + 1]]`` (the last one runs to the end).

    Examples
    --------
    >>> indices, offsets = to_bags([[4, 2, 7], [5], [3, 3]])
    >>> indices.tolist(), offsets.tolist()
    ([4, 2, 7, 5, 3, 3], [0, 3, 4])
    """
    lengths = np.array([len(s) for s in encoded], dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    parts = [np.asarray(s, dtype=np.int64).reshape(-1) for s in encoded]
    indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return indices, offsets


def confusion_matrix(true: Any, predicted: Any, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    true, predicted : array_like of int, shape (S,)
        Class indices in ``[0, num_classes)``.
    num_classes : int

    Returns
    -------
    numpy.ndarray of int64, shape (C, C)
        ``m[t, p]`` = how many examples of class t were predicted as p; the diagonal is correct.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2], 3)
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])
    """
    t = np.asarray(from_torch(true), dtype=np.int64).reshape(-1)
    p = np.asarray(from_torch(predicted), dtype=np.int64).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"true and predicted must have the same length, got {t.size} and {p.size}")
    for name, values in (("true", t), ("predicted", p)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} classes must lie in [0, {num_classes}), got {values.min()}..{values.max()}")
    return np.bincount(t * num_classes + p, minlength=num_classes * num_classes).reshape(num_classes, num_classes)
