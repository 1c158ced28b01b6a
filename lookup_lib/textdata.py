"""The small text set of lesson 06, and the three steps from text to the input of an ``EmbeddingBag``.

``load_topics`` reads ``lookup_lib/data/topics.tsv`` (short sentences in four topics, written for
this project by ``tools/make_topics.py``). Then:

1. ``tokenize``: a sentence → its lower-case words;
2. ``build_vocab``: the words of the training sentences → a sorted :class:`Vocab` (index k is the
   same word on every machine), with ``<pad>`` at 0 and ``<unk>`` at 1 for unseen words;
3. ``to_bags``: a list of encoded sentences → one flat index stream and the offsets where each
   sentence starts, which is what ``nn.EmbeddingBag`` takes.

No torch here: everything is plain Python and NumPy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = ["TopicSplit", "TopicSet", "Vocab", "load_topics", "tokenize", "build_vocab", "to_bags"]

PAD, UNK = "<pad>", "<unk>"
_WORD = re.compile(r"[a-z0-9']+")


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


def tokenize(text: str) -> list[str]:
    """Lower-case ``text`` and split it into words (runs of letters, digits and apostrophes).

    Examples
    --------
    >>> tokenize("Heavy rain, then SUNSHINE!")
    ['heavy', 'rain', 'then', 'sunshine']
    """
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Vocab:
    """A vocabulary: ``<pad>`` (0), ``<unk>`` (1), then the known words in sorted order.

    Attributes
    ----------
    words : list of str, length V
        ``words[k]`` is the word of row k of an embedding table.
    """

    words: list[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ids", {word: k for k, word in enumerate(self.words)})

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        shown = ", ".join(repr(w) for w in self.words[:6])
        more = f", … {len(self.words) - 6} more" if len(self.words) > 6 else ""
        return f"Vocab({len(self.words)} words: [{shown}{more}])"

    @property
    def pad(self) -> int:
        """Index of ``<pad>`` (0)."""
        return self._ids[PAD]

    @property
    def unk(self) -> int:
        """Index of ``<unk>`` (1), given to every word that is not in the vocabulary."""
        return self._ids[UNK]

    def index(self, word: str) -> int:
        """The row of ``word``, or :attr:`unk` if the vocabulary does not know it."""
        return self._ids.get(word, self.unk)

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """The int64 indices of ``tokens``, shape (len(tokens),); unknown words become :attr:`unk`."""
        return np.array([self.index(t) for t in tokens], dtype=np.int64)


def build_vocab(token_lists: Iterable[Sequence[str]], min_count: int = 1) -> Vocab:
    """The sorted vocabulary of the words seen at least ``min_count`` times, after ``<pad>`` and ``<unk>``.

    Sorting (instead of numbering words as they are met) gives every word the same index on
    every run, whatever order the sentences come in.

    Examples
    --------
    >>> vocab = build_vocab([["the", "rain"], ["the", "match"]])
    >>> vocab.words
    ['<pad>', '<unk>', 'match', 'rain', 'the']
    >>> vocab.encode(["the", "snow"]).tolist()  # "snow" was never seen: <unk>
    [4, 1]
    """
    if min_count < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}")
    counts = Counter(word for tokens in token_lists for word in tokens)
    words = sorted(w for w, c in counts.items() if c >= min_count and w not in (PAD, UNK))
    return Vocab([PAD, UNK, *words])


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
