"""Text → indices, one way for every lesson: ``tokenize``, then a sorted ``Vocab``.

A word's index is its position in ``Vocab.words``: the specials you ask for first (``<pad>``,
``<unk>``, in the order given), then the words seen at least ``min_count`` times, sorted. Sorting
(instead of numbering words as they are met) makes index k the same word on every machine and every
run, whatever order the sentences come in. ``counts`` says how often each word was seen (0 for a
special), which lesson 08's negative sampling needs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PAD", "UNK", "Vocab", "build_vocab", "tokenize"]

PAD, UNK = "<pad>", "<unk>"
_WORD = re.compile(r"[a-z0-9']+")


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
    """A vocabulary: the specials first, then the known words in sorted order.

    Attributes
    ----------
    words : list of str, length V
        ``words[k]`` is the word of row k of an embedding table.
    counts : numpy.ndarray of int64, shape (V,)
        How often each word occurs in the text the vocabulary was built from (0 for the specials).
    unknown : str or None
        The special that every unseen word becomes (``"<unk>"``); with None, an unseen word is a ``KeyError``.
    """

    words: list[str]
    counts: np.ndarray
    unknown: str | None = None
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ids", {word: k for k, word in enumerate(self.words)})
        if self.unknown is not None and self.unknown not in self._ids:
            raise ValueError(f"unknown={self.unknown!r} must be one of the words, e.g. a special")

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._ids

    def __repr__(self) -> str:
        shown = ", ".join(repr(w) for w in self.words[:6])
        more = f", … {len(self.words) - 6} more" if len(self.words) > 6 else ""
        return f"Vocab({len(self.words)} words: [{shown}{more}])"

    @property
    def pad(self) -> int:
        """Index of ``<pad>`` (a ``KeyError`` if the vocabulary has none)."""
        return self._ids[PAD]

    @property
    def unk(self) -> int:
        """Index of the unknown-word special (a ``KeyError`` if the vocabulary has none)."""
        if self.unknown is None:
            raise KeyError("this vocabulary has no unknown-word special: build it with specials=(PAD, UNK)")
        return self._ids[self.unknown]

    def index(self, word: str) -> int:
        """The row of ``word``; an unseen word gives :attr:`unk`, or a ``KeyError`` naming it if there is none."""
        if word in self._ids:
            return self._ids[word]
        if self.unknown is None:
            raise KeyError(f"{word!r} is not in the vocabulary ({len(self.words)} words)")
        return self._ids[self.unknown]

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """The int64 indices of ``tokens``, shape (len(tokens),), each as :meth:`index` gives it."""
        return np.array([self.index(t) for t in tokens], dtype=np.int64)


def build_vocab(token_lists: Iterable[Sequence[str]], min_count: int = 1, specials: Sequence[str] = ()) -> Vocab:
    """The sorted vocabulary of the words seen at least ``min_count`` times, after ``specials``.

    With ``UNK`` among the specials, unseen words map to it; without, they raise ``KeyError``.

    Examples
    --------
    >>> vocab = build_vocab([["the", "cat"], ["the", "dog"]])
    >>> vocab.words, vocab.counts.tolist(), vocab.index("dog")
    (['cat', 'dog', 'the'], [1, 1, 2], 1)
    >>> vocab = build_vocab([["the", "rain"], ["the", "match"]], specials=(PAD, UNK))
    >>> vocab.words
    ['<pad>', '<unk>', 'match', 'rain', 'the']
    >>> vocab.encode(["the", "snow"]).tolist()  # "snow" was never seen: <unk>
    [4, 1]
    """
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be an int >= 1, got {min_count!r}")
    if len(set(specials)) != len(specials):
        raise ValueError(f"specials must be different words, got {list(specials)}")
    counts = Counter(word for tokens in token_lists for word in tokens)
    words = sorted(w for w, c in counts.items() if c >= min_count and w not in specials)
    all_words = [*specials, *words]
    seen = np.array([0 if w in specials else counts[w] for w in all_words], dtype=np.int64)
    return Vocab(all_words, seen, unknown=UNK if UNK in specials else None)
