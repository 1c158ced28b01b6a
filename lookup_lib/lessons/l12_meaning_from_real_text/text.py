"""Lesson 12's corpus: the King James Bible (public domain) as word ids, with every tenth verse held out.

The text is :func:`lookup_lib.lessons.kit.corpus.load_kjv` (Debian's ``bible-kjv``; the 1611 translation is
in the public domain). Verses 10, 20, 30, ... in canonical order are held out of *everything* that trains
word vectors, so the verse classifier's test verses were never seen, not even without labels.
No matplotlib and no torch here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from lookup_lib.lessons.kit.corpus import load_kjv
from lookup_lib.lessons.kit.vocab import PAD, UNK, Vocab, build_vocab, tokenize

__all__ = ["BOOK_GROUPS", "KjvCorpus", "book_group", "flatten", "kjv_corpus"]

# The six traditional divisions of the Protestant canon (labels for the verse classifier only).
BOOK_GROUPS = {
    "law": ["Genesis", "Exodus", "Leviticus", "Numbers", "Deuteronomy"],
    "history": ["Joshua", "Judges", "Ruth", "1 Samuel", "2 Samuel", "1 Kings", "2 Kings", "1 Chronicles",
                "2 Chronicles", "Ezra", "Nehemiah", "Esther"],
    "poetry": ["Job", "Psalms", "Proverbs", "Ecclesiastes", "Song of Solomon"],
    "prophets": ["Isaiah", "Jeremiah", "Lamentations", "Ezekiel", "Daniel", "Hosea", "Joel", "Amos", "Obadiah",
                 "Jonah", "Micah", "Nahum", "Habakkuk", "Zephaniah", "Haggai", "Zechariah", "Malachi"],
    "gospels_acts": ["Matthew", "Mark", "Luke", "John", "Acts"],
    "letters": [],  # every other New Testament book: Romans ... Revelation
}


def book_group(book: str) -> str:
    """The division a book belongs to (``"letters"`` for Romans ... Revelation)."""
    for name, books in BOOK_GROUPS.items():
        if book in books:
            return name
    return "letters"


@dataclass(frozen=True)
class KjvCorpus:
    """The verses as token lists, split 9:1, and the vocabulary of the training part.

    Attributes
    ----------
    train, held_out : list of list of str: tokenized verses (every tenth verse held out)
    train_labels, held_out_labels : list of str: each verse's division (see :data:`BOOK_GROUPS`)
    vocab : Vocab with ``<pad>`` and ``<unk>`` first, then words seen ``min_count`` times in ``train``
    """

    train: list[list[str]]
    held_out: list[list[str]]
    train_labels: list[str]
    held_out_labels: list[str]
    vocab: Vocab

    @property
    def tokens(self) -> int:
        """Words in the training verses."""
        return sum(len(v) for v in self.train)


@functools.cache
def kjv_corpus(min_count: int = 5, every: int = 10) -> KjvCorpus:
    """The KJV split by verse (every ``every``-th verse held out) and the training part's vocabulary.

    >>> corpus = kjv_corpus()
    >>> len(corpus.train), len(corpus.held_out), corpus.tokens, len(corpus.vocab)
    (27992, 3110, 710198, 5071)
    """
    verses = load_kjv()
    train, held, train_labels, held_labels = [], [], [], []
    for n, verse in enumerate(verses, start=1):
        tokens, label = tokenize(verse.text), book_group(verse.book)
        if n % every:
            train.append(tokens)
            train_labels.append(label)
        else:
            held.append(tokens)
            held_labels.append(label)
    vocab = build_vocab(train, min_count=min_count, specials=(PAD, UNK))
    return KjvCorpus(train, held, train_labels, held_labels, vocab)


def flatten(verses: list[list[str]], vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """All known words of ``verses`` as one id array, and the verse each came from (unknown words dropped).

    Returns
    -------
    ids : int64 array, shape (T,)
    verse : int64 array, shape (T,): ``verse[i]`` is the number of the verse word ``i`` is in

    >>> from lookup_lib.lessons.kit.vocab import build_vocab
    >>> vocab = build_vocab([["a", "b"]])
    >>> ids, verse = flatten([["a", "z", "b"], ["b"]], vocab)
    >>> ids.tolist(), verse.tolist()
    ([0, 1, 1], [0, 0, 1])
    """
    ids, where = [], []
    for n, tokens in enumerate(verses):
        known = [vocab.index(w) for w in tokens if w in vocab and vocab.index(w) >= 0]
        if vocab.unknown is not None:
            known = [i for i in known if i != vocab.unk]
        ids += known
        where += [n] * len(known)
    return np.array(ids, dtype=np.int64), np.array(where, dtype=np.int64)
