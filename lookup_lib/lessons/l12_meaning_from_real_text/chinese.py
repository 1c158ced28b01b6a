"""Lesson 12, last section: character vectors from 唐诗三百首 (Three Hundred Tang Poems), measured as the KJV's were.

Source: Debian's package ``fortunes-zh`` (``apt-get install fortunes-zh``), file
``/usr/share/games/fortunes/tang300``: 313 poems, UTF-8, each a ``%``-separated record whose first line is the
title in 《》 and second line ``作者：`` and the author, both wrapped in ANSI colour escapes, then the poem's lines.
The package is GPL-3.0+ (``/usr/share/doc/fortunes-zh/copyright``: the collection and its packaging); the poems
are Tang-dynasty texts (618–907), long in the public domain. Nothing is downloaded: :func:`load_tang_poems` reads
the installed file and fails with a message naming the package when it is missing. The text is in simplified
characters (so 发 stands for both 發 "send out" and 髮 "hair").

Tokens. A character is a token (classical Chinese writes most words with one character, and there are no
spaces to split on). Punctuation is not a token: ，；： end a clause inside a sentence and are dropped, while
。？！ end a sentence, and a sentence is the unit the window may not cross — the role a verse has for the KJV
(:func:`~.text.flatten`'s ``verse``). A Tang sentence is usually a couplet, two clauses of 5 or 7 characters
(``兰叶春葳蕤，桂华秋皎洁。``) that are read together and are often parallel (对仗: 兰/桂, 叶/华, 春/秋 fill the same
slot). Titles and the prose prefaces of six poems (``并序``) are kept in :class:`Poem` but not trained on.

The experiment is lesson 12's, on 19,072 characters instead of 710k words: the course
trainer (:func:`~.sgns.train_sgns`, the loop the lesson shows) over seeds, PPMI-SVD (:func:`~.window.ppmi_vectors`)
and random Gaussian tables, scored with the lesson's :func:`~.evaluate.group_agreement` on groups of characters
chosen by us (:data:`CHARACTER_GROUPS`, fixed before any vector was trained), with a paired bootstrap over the
grouped characters. ``tools/tang_characters.py`` runs it over 5 seeds and stores the result
(:func:`load_tang_result`); the lesson retrains seed 0 with its own loop and checks it matches.
No matplotlib here (the figure is in ``chinese_figures.py``).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from lookup_lib.lessons.kit.vocab import Vocab, build_vocab
from lookup_lib.lessons.l12_meaning_from_real_text.evaluate import group_hits, neighbours
from lookup_lib.lessons.l12_meaning_from_real_text.sgns import SgnsResult, train_sgns
from lookup_lib.lessons.l12_meaning_from_real_text.text import flatten
from lookup_lib.lessons.l12_meaning_from_real_text.window import ppmi_vectors

__all__ = [
    "CHARACTER_GROUPS", "CHARACTER_PROBES", "FORTUNES_ZH_INSTALL", "SETTINGS", "TANG300", "Poem", "TangCorpus",
    "character_hits", "characters", "group_ceiling", "group_scores", "load_tang_poems", "load_tang_result",
    "paired_bootstrap", "ppmi_characters", "probe_neighbours", "random_hits", "sentences", "tang_corpus",
    "train_characters",
]

TANG300 = Path("/usr/share/games/fortunes/tang300")
FORTUNES_ZH_INSTALL = "apt-get install fortunes-zh   (Debian/Ubuntu: Chinese fortunes, incl. 唐诗三百首)"

# Chosen by us, before any vector was trained; every character occurs at least 5 times in the poems' lines
# (夏 2 and 冬 3 times: Tang poets write of spring and autumn, so the seasons join the times of day).
CHARACTER_GROUPS = {
    "numerals": list("一二三四五六七八九十百千万两"),
    "colours": list("红白青黄绿紫碧翠丹"),
    "directions": list("东南西北"),
    "times": list("春秋朝暮晓夜夕昏"),
    "body": list("手头目心眼面身口眉足骨首颜"),
    "waters": list("水江河海湖溪泉波浪潮川"),
    "weather": list("风雨云雪霜露雾烟"),
    "plants": list("花草柳松竹桃兰叶树木"),
    "animals": list("马鸟雁猿鱼龙鹤燕莺鸡虎"),
    "landforms": list("山峰岭岩石"),
}
CHARACTER_PROBES = list("月山春花水风酒愁")  # fixed with the groups

# The lesson's settings (its Genesis run: D 50, window 5, k 5, power 0.75, sample 1e-3, 5 epochs, batches of
# 1,024, lr 0.01), min_count 5; the tool and the lesson train with them, one thread.
SETTINGS = {"dim": 50, "window": 5, "negatives": 5, "power": 0.75, "sample": 1e-3, "epochs": 5,
            "batch_size": 1024, "lr": 0.01}
MIN_COUNT = 5

_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_SENTENCE_END = re.compile(r"[。？！]")


@dataclass(frozen=True)
class Poem:
    """One poem: title (without 《》), author, its lines as printed, a prose preface (the six titled 并序 have one)."""

    title: str
    author: str
    lines: tuple[str, ...]
    preface: tuple[str, ...] = ()


def load_tang_poems(path: str | Path | None = None) -> tuple[Poem, ...]:
    """The 313 poems of 唐诗三百首 from Debian's ``fortunes-zh``, in the file's order, colour escapes removed.

    ``path`` defaults to :data:`TANG300`, the installed file.

    Raises
    ------
    FileNotFoundError
        When the file is missing, naming the package to install.

    Examples
    --------
    >>> poems = load_tang_poems()
    >>> len(poems), poems[0].title, poems[0].author
    (313, '感遇・其一', '张九龄')
    >>> poems[0].lines[0]
    '兰叶春葳蕤，桂华秋皎洁。'
    """
    path = Path(TANG300 if path is None else path)
    if not path.is_file():
        raise FileNotFoundError(f"唐诗三百首 comes from Debian's fortunes-zh, not installed ({path} is missing): "
                                f"{FORTUNES_ZH_INSTALL}")
    return _parse(path.read_text(encoding="utf-8"))


@functools.cache
def _parse(raw: str) -> tuple[Poem, ...]:
    poems = []
    for record in raw.split("\n%\n"):
        rows = [_ESCAPE.sub("", row).rstrip() for row in record.strip("\n").split("\n")]
        if not any(rows):
            continue
        title, author, *body = rows
        if not (title.startswith("《") and title.endswith("》") and author.startswith("作者：")):
            raise ValueError(f"unexpected poem header in the fortunes-zh file: {title!r} / {author!r}")
        preface: list[str] = []
        if "" in body:  # a prose preface, then an empty line, then the poem
            cut = body.index("")
            preface, body = body[:cut], body[cut + 1:]
        poems.append(Poem(title[1:-1], author.removeprefix("作者："), tuple(r for r in body if r),
                          tuple(preface)))
    return tuple(poems)


def characters(text: str) -> list[str]:
    """The Chinese characters of ``text``, one token each; punctuation and anything else dropped.

    >>> characters("兰叶春葳蕤，桂华秋皎洁。")
    ['兰', '叶', '春', '葳', '蕤', '桂', '华', '秋', '皎', '洁']
    """
    return _HAN.findall(text)


def sentences(poem: Poem) -> list[list[str]]:
    """The poem's sentences (ending at 。？！, usually a couplet) as character lists; the preface is left out.

    >>> ["".join(s) for s in sentences(Poem("t", "a", ("兰叶春葳蕤，桂华秋皎洁。", "欣欣此生意，", "自尔为佳节。")))]
    ['兰叶春葳蕤桂华秋皎洁', '欣欣此生意自尔为佳节']
    """
    parts = _SENTENCE_END.split("".join(poem.lines))
    return [chars for part in parts if (chars := characters(part))]


@dataclass(frozen=True)
class TangCorpus:
    """The poems' sentences as character lists, and their vocabulary (characters seen ``min_count`` times, sorted).

    There is no held-out part and no ``<pad>``/``<unk>``: nothing downstream classifies text.
    """

    sentences: list[list[str]]
    vocab: Vocab

    @property
    def tokens(self) -> int:
        """Characters in all sentences (including those rarer than ``min_count``)."""
        return sum(len(s) for s in self.sentences)


@functools.cache
def tang_corpus(min_count: int = MIN_COUNT) -> TangCorpus:
    """All 313 poems as sentences of characters, and the sorted vocabulary of the characters seen ``min_count`` times.

    >>> corpus = tang_corpus()
    >>> len(corpus.sentences), corpus.tokens, len(corpus.vocab)
    (1539, 19072, 871)
    """
    sents = [s for poem in load_tang_poems() for s in sentences(poem)]
    return TangCorpus(sents, build_vocab(sents, min_count=min_count))


def character_hits(vectors: np.ndarray, vocab: Vocab, groups: dict[str, list[str]] = CHARACTER_GROUPS,
                   k: int = 5) -> np.ndarray:
    """Per grouped character, the fraction of its ``k`` nearest grouped characters that share its group, (N,).

    The characters in the order of ``groups``; the mean is the lesson's
    :func:`~.evaluate.group_agreement` (a test checks it), kept per character so the bootstrap can resample them.
    """
    return group_hits(vectors, vocab, groups, k) / k


def group_ceiling(groups: dict[str, list[str]] = CHARACTER_GROUPS, k: int = 5) -> float:
    """The best score a table can reach: a character of a group of n has at most n − 1 same-group neighbours.

    >>> group_ceiling({"a": list("xyz"), "b": list("uvwst")}, k=5)
    0.65
    """
    sizes = [len(members) for members in groups.values() for _ in members]
    return float(np.mean([min(k, n - 1) / k for n in sizes]))


def paired_bootstrap(hits_a: np.ndarray, hits_b: np.ndarray, n: int = 2000,
                     seed: int = 0) -> tuple[float, float, float]:
    """Mean-over-seeds score of A − of B, resampling the grouped characters (the same for both): (point, low, high).

    ``hits_a``, ``hits_b``: (seeds, N) per-character hits (:func:`character_hits`); the interval is the 2.5th and
    97.5th percentile of ``n`` resamples.
    """
    a, b = np.atleast_2d(hits_a).mean(axis=0), np.atleast_2d(hits_b).mean(axis=0)  # (N,): mean over seeds
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(a), (n, len(a)))  # (n, N): n resamples of the characters, the same for A and B
    draws = a[picks].mean(axis=1) - b[picks].mean(axis=1)
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(a.mean() - b.mean()), float(low), float(high)


def random_hits(n: int = 200, dim: int = 50, seed: int = 0) -> np.ndarray:
    """:func:`character_hits` of ``n`` random Gaussian tables of :func:`tang_corpus`'s size: "no meaning", (n, N)."""
    vocab = tang_corpus().vocab
    rng = np.random.default_rng(seed)
    return np.array([character_hits(rng.normal(size=(len(vocab), dim)), vocab) for _ in range(n)])


def train_characters(seed: int = 0, **settings) -> SgnsResult:
    """The course trainer (:func:`~.sgns.train_sgns`) on :func:`tang_corpus`, with :data:`SETTINGS` unless overridden.

    Train on one thread (``torch.set_num_threads(1)``) to get ``tools/tang_characters.py``'s numbers bit for bit.
    """
    corpus = tang_corpus()
    ids, sentence = flatten(corpus.sentences, corpus.vocab)  # (T,), (T,)
    return train_sgns(ids, sentence, corpus.vocab.counts, seed=seed, **(SETTINGS | settings))


def ppmi_characters(dim: int = 50, window: int = 5) -> np.ndarray:
    """PPMI-SVD (:func:`~.window.ppmi_vectors`, exact SVD) on :func:`tang_corpus`, (V, dim) float32, deterministic."""
    corpus = tang_corpus()
    ids, sentence = flatten(corpus.sentences, corpus.vocab)
    return ppmi_vectors(ids, sentence, len(corpus.vocab), dim, window)


def load_tang_result() -> dict:
    """What ``tools/tang_characters.py`` stored (``lookup_lib/data/tang_characters.json``)."""
    text = resources.files("lookup_lib").joinpath("data/tang_characters.json").read_text(encoding="utf-8")
    return json.loads(text)


def group_scores(result: dict) -> dict[str, dict[str, float]]:
    """Per group, each model's mean score (over seeds and the group's characters) and the group's ceiling.

    ``{group: {"ceiling": ..., "random": ..., model: ...}}`` from :func:`load_tang_result`'s per-character hits.
    """
    out: dict[str, dict[str, float]] = {}
    chars = result["characters"]
    for name, members in result["groups"].items():
        rows = [chars.index(c) for c in members]
        scores = {"ceiling": group_ceiling({name: members}) if len(members) > 1 else 0.0,
                  "random": float(np.mean(np.asarray(result["random"]["hits_mean"])[rows]))}
        for model, run in result["models"].items():
            scores[model] = float(np.mean(np.asarray(run["hits"])[:, rows]))
        out[name] = scores
    return out


def probe_neighbours(vectors: np.ndarray, vocab: Vocab, probes: list[str] = CHARACTER_PROBES,
                     k: int = 5) -> dict[str, str]:
    """Each probe's ``k`` nearest characters by cosine, as one string: ``{"月": "明夜..."}``."""
    return {c: "".join(neighbours(vectors, vocab, c, k)) for c in probes}

