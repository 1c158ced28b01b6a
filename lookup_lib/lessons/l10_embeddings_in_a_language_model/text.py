"""Text → ids for lesson 10: Genesis from the King James Bible, a character vocabulary, a few BPE merges.

The text is :func:`lookup_lib.lessons.kit.corpus.load_kjv` (public domain, from Debian's ``bible-kjv``),
the book of Genesis, lower-cased. Verses are split, not characters: every tenth verse (verse 10, 20, ...
in reading order) is held out, so no held-out verse was seen in any part during training.
No matplotlib here; torch only for the tensors the model trains on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import torch

from lookup_lib.lessons.kit.corpus import load_kjv
from lookup_lib.lessons.kit.vocab import PAD, UNK, Vocab, build_vocab

__all__ = [
    "BOS",
    "SPECIALS",
    "char_vocab",
    "context_windows",
    "encode_verse",
    "genesis",
    "kjv_digit_count",
    "learn_merges",
    "merge_pair",
    "pair_counts",
    "split_by_verse",
]

BOS = "<bos>"
SPECIALS = (PAD, BOS, UNK)  # ids 0, 1, 2 — then the characters, sorted


def genesis() -> list[str]:
    """The 1,533 verses of Genesis (KJV), lower-cased, in reading order.

    >>> verses = genesis()
    >>> len(verses), verses[0]
    (1533, 'in the beginning god created the heaven and the earth.')
    """
    return [verse.text.lower() for verse in load_kjv() if verse.book == "Genesis"]


def split_by_verse(verses: Sequence[str], every: int = 10) -> tuple[list[str], list[str]]:
    """(training verses, held-out verses): every ``every``-th verse (the 10th, 20th, ...) is held out.

    >>> split_by_verse(list("abcdefghijkl"), every=4)
    (['a', 'b', 'c', 'e', 'f', 'g', 'i', 'j', 'k'], ['d', 'h', 'l'])
    """
    train = [v for n, v in enumerate(verses, start=1) if n % every]
    held_out = [v for n, v in enumerate(verses, start=1) if not n % every]
    return train, held_out


def char_vocab(verses: Sequence[str]) -> Vocab:
    """The specials ``<pad>, <bos>, <unk>`` (ids 0, 1, 2), then every character seen, sorted.

    >>> char_vocab(["ba!", "ab"]).words
    ['<pad>', '<bos>', '<unk>', '!', 'a', 'b']
    """
    return build_vocab([list(v) for v in verses], specials=SPECIALS)


def encode_verse(verse: str, vocab: Vocab) -> list[int]:
    """``<bos>``, the verse's characters, ``<bos>`` again: the same id starts a verse and ends it (makemore's ".").

    >>> encode_verse("ab", char_vocab(["ab"]))
    [1, 3, 4, 1]
    """
    bos = vocab.index(BOS)
    return [bos, *vocab.encode(list(verse)).tolist(), bos]


def context_windows(verses: Sequence[str], vocab: Vocab, block: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every (context of ``block`` ids → next id) pair of the verses; contexts start padded with ``<bos>``.

    Returns X of shape (N, block) and Y of shape (N,), int64: one pair per character and one for the end.

    >>> X, Y = context_windows(["ab"], char_vocab(["ab"]), block=2)
    >>> X.tolist(), Y.tolist()
    ([[1, 1], [1, 3], [3, 4]], [3, 4, 1])
    """
    bos = vocab.index(BOS)
    contexts, targets = [], []
    for verse in verses:
        ids = np.array([bos] * block + encode_verse(verse, vocab)[1:], dtype=np.int64)  # padded in front
        windows = np.lib.stride_tricks.sliding_window_view(ids, block + 1)  # (len, block + 1)
        contexts.append(windows[:, :block])
        targets.append(windows[:, block])
    return torch.from_numpy(np.concatenate(contexts)), torch.from_numpy(np.concatenate(targets))


# -- byte-pair encoding, the few steps the lesson writes in its cells ---------------------------------------
def pair_counts(sequences: Sequence[Sequence[int]]) -> Counter:
    """How often each pair of neighbouring ids occurs, over all sequences.

    >>> sorted(pair_counts([[1, 2, 1, 2], [2, 1]]).items())
    [((1, 2), 2), ((2, 1), 2)]
    """
    counts: Counter = Counter()
    for ids in sequences:
        counts.update(zip(ids, ids[1:], strict=False))
    return counts


def merge_pair(ids: Sequence[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """``ids`` with every non-overlapping occurrence of ``pair`` (left to right) replaced by ``new_id``.

    >>> merge_pair([5, 6, 6, 5, 6], (5, 6), 9)
    [9, 6, 9]
    """
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def learn_merges(sequences: Sequence[Sequence[int]], first_id: int, steps: int) -> tuple[list, list[list[int]]]:
    """``steps`` BPE merges: each time the most frequent pair (ties: the smallest pair) gets the next new id.

    Returns the merges ``[((a, b), new_id), ...]`` and the merged sequences.

    >>> merges, seqs = learn_merges([[1, 2, 1, 2, 3]], first_id=4, steps=2)
    >>> merges, seqs
    ([((1, 2), 4), ((4, 3), 5)], [[4, 5]])
    """
    seqs = [list(s) for s in sequences]
    merges = []
    for step in range(steps):
        counts = pair_counts(seqs)
        pair = min(counts, key=lambda p: (-counts[p], p))
        new_id = first_id + step
        seqs = [merge_pair(s, pair, new_id) for s in seqs]
        merges.append((pair, new_id))
    return merges, seqs


def kjv_digit_count() -> int:
    """How many digit characters the text of all 31,102 verses holds (none: verse numbers are metadata).

    >>> kjv_digit_count()
    0
    """
    return sum(ch.isdigit() for verse in load_kjv() for ch in verse.text)
