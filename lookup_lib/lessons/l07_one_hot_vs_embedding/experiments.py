"""Lesson 07's experiment: one-hot inputs or an embedding, for categories with or without hidden structure.

The task is a made-up shop. There are N products and C customer types; for a (product, customer
type) pair the label says whether that customer type buys the product. Two kinds of task:

- :func:`make_grouped_task`: each product secretly belongs to one of K departments, and the label
  depends only on the department (plus label noise). The rule has a 2-D shape: department k
  points in direction ``45° · k`` (for K = 8), customer type c in direction ``22.5° · c + 11.25°``
  (for C = 16), and a customer type buys from a department when the two directions are less than
  90° apart. Product frequencies follow a Zipf law, so many products are rare.
- :func:`make_unrelated_task`: every product has its own random yes/no pattern over the customer
  types: there is nothing one product could teach about another.

Two models read the product id and output one logit per customer type, shape (B, C):

- :class:`OneHotModel`: ``one_hot(product, N) @ W.T + b``, a (C, N) weight: N·C + C parameters.
  Each weight belongs to one (product, customer type) pair and learns only from that pair.
- :class:`EmbeddingModel`: ``Linear(Embedding(N, D)(product))``: N·D + D·C + C parameters. It is
  the same as a one-hot model whose (N, C) table is the product ``E @ W.T`` of rank D: every
  product is D numbers, and what those numbers mean is learned from all products together.
- :class:`BottleneckModel`: ``one_hot → Linear(N, D, bias=False) → Linear(D, C)``, the embedding
  model computed by a matrix product instead of a lookup. With ``init="embedding"`` its first
  weight is drawn N(0, 1) exactly as ``nn.Embedding`` draws its table, so with the same seeds it
  starts from, and trains to, the embedding model's numbers.

:func:`train` fits any of them (single-threaded, seeded: the same numbers on every run; optional
weight decay), and :func:`evaluate` scores its predictions against the rule without noise, for
every pair, grouped by how often the product occurred in training. Pairs that occur in training
can be learned by heart, so generalisation is measured on the **held-out** pairs (``pairs="unseen"``,
the default of :func:`accuracy_table` and the figures); the training pairs are reported apart.

torch is imported here (the NumPy reference in :mod:`lookup_lib.core` and the figures stay torch-free):
the models' costs by formula are in :mod:`lookup_lib.lessons.l07_one_hot_vs_embedding.costs`, the
figures of the results in its ``figures``.
"""

from __future__ import annotations

import contextlib
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.tables import text_table

__all__ = [
    "BUCKETS",
    "INITS",
    "PAIRS",
    "BottleneckModel",
    "ChoiceTask",
    "EmbeddingModel",
    "Evaluation",
    "OneHotModel",
    "TrainLog",
    "accuracy_table",
    "count_parameters",
    "describe_product",
    "evaluate",
    "make_grouped_task",
    "make_unrelated_task",
    "one_hot_rows",
    "predict",
    "taste_rule",
    "train",
    "zipf_probabilities",
]

# How often a product occurred in training: (label, lowest count, highest count or None for no limit).
# The labels are shown through t_marked (only "never" is words).
BUCKETS: tuple[tuple[str, int, int | None], ...] = ((mark("never"), 0, 0), ("1–2", 1, 2), ("3–9", 3, 9),
                                                    ("10+", 10, None))
# Which (product, customer type) pairs a score counts: never in training (held out), in training, or every pair.
PAIRS = ("unseen", "seen", "all")
# How BottleneckModel initialises its first layer.
INITS = ("embedding", "linear")


# -- the tasks -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChoiceTask:
    """A shop: the hidden rule, each product's hidden group, and the noisy training examples.

    Attributes
    ----------
    truth : numpy.ndarray of bool, shape (N, C)
        ``truth[i, c]``: does customer type c buy product i (the rule, without noise)?
    group : numpy.ndarray of int64, shape (N,)
        Each product's hidden group (for an unrelated task, every product is its own group).
    items, contexts : numpy.ndarray of int64, shape (T,)
        The product and the customer type of each training example.
    labels : numpy.ndarray of float32, shape (T,)
        1.0 (buys) or 0.0, with a fraction ``label_noise`` of them flipped.
    label_noise : float
    """

    truth: np.ndarray
    group: np.ndarray
    items: np.ndarray
    contexts: np.ndarray
    labels: np.ndarray
    label_noise: float

    @property
    def num_items(self) -> int:
        """N, the number of products (categories)."""
        return int(self.truth.shape[0])

    @property
    def num_contexts(self) -> int:
        """C, the number of customer types (one output each)."""
        return int(self.truth.shape[1])

    @property
    def num_groups(self) -> int:
        """K, the number of hidden groups."""
        return int(self.group.max()) + 1

    @property
    def num_examples(self) -> int:
        """T, the number of training examples."""
        return int(self.items.size)

    def counts(self) -> np.ndarray:
        """How many training examples each product has, shape (N,), int64."""
        return np.bincount(self.items, minlength=self.num_items)

    def seen(self) -> np.ndarray:
        """Which (product, customer type) pairs occur in training, shape (N, C), bool."""
        seen = np.zeros(self.truth.shape, dtype=bool)
        seen[self.items, self.contexts] = True
        return seen

    def flipped(self) -> np.ndarray:
        """Which training labels disagree with the rule (the noise), shape (T,), bool."""
        return self.labels.astype(bool) != self.truth[self.items, self.contexts]


def taste_rule(num_groups: int, num_contexts: int) -> np.ndarray:
    """The grouped task's rule: does customer type c buy from group k? Shape (K, C), bool.

    Group k points in direction ``2π k / K``, customer type c in direction ``2π (c + ½) / C``;
    the answer is yes when the two directions are less than 90° apart (their cosine is positive).
    Neighbouring groups are bought by overlapping sets of customer types.

    Parameters
    ----------
    num_groups, num_contexts : int
        K and C.

    Returns
    -------
    numpy.ndarray of bool, shape (K, C)

    Examples
    --------
    >>> taste_rule(4, 4).astype(int)
    array([[1, 0, 0, 1],
           [1, 1, 0, 0],
           [0, 1, 1, 0],
           [0, 0, 1, 1]])
    """
    group_angle = 2 * np.pi * np.arange(num_groups) / num_groups
    context_angle = 2 * np.pi * (np.arange(num_contexts) + 0.5) / num_contexts
    return np.cos(group_angle[:, None] - context_angle[None, :]) > 1e-9


def zipf_probabilities(num_items: int, exponent: float) -> np.ndarray:
    """Probabilities proportional to ``1 / rank ** exponent`` for ranks 1..N (0 gives uniform).

    Examples
    --------
    >>> zipf_probabilities(4, 1.0).round(3)
    array([0.48, 0.24, 0.16, 0.12])
    """
    weights = 1.0 / np.arange(1, num_items + 1) ** exponent
    return weights / weights.sum()


def _examples(
    truth: np.ndarray, probabilities: np.ndarray, num_examples: int, label_noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw products by frequency (ranks shuffled over ids), customer types uniformly, noisy labels."""
    num_items, num_contexts = truth.shape
    id_of_rank = rng.permutation(num_items)  # the most frequent product is not product 0
    items = id_of_rank[rng.choice(num_items, size=num_examples, p=probabilities)]
    contexts = rng.integers(0, num_contexts, size=num_examples)
    flipped = rng.random(num_examples) < label_noise
    labels = (truth[items, contexts] ^ flipped).astype(np.float32)
    return items.astype(np.int64), contexts.astype(np.int64), labels


def make_grouped_task(
    num_items: int = 1000,
    num_groups: int = 8,
    num_contexts: int = 16,
    num_examples: int = 8000,
    zipf_exponent: float = 1.0,
    label_noise: float = 0.1,
    seed: int = 0,
) -> ChoiceTask:
    """Products in hidden groups; the label depends only on the group (:func:`taste_rule`) plus noise.

    Parameters
    ----------
    num_items : int
        N, the number of products.
    num_groups : int
        K, the number of hidden groups; each product gets one uniformly at random.
    num_contexts : int
        C, the number of customer types.
    num_examples : int
        T, the number of training examples.
    zipf_exponent : float
        Products are drawn with probability ∝ 1 / rank ** exponent: a few are frequent, many rare.
    label_noise : float
        Fraction of training labels flipped.
    seed : int
        Everything is drawn from ``np.random.default_rng(seed)``.

    Returns
    -------
    ChoiceTask

    Examples
    --------
    >>> task = make_grouped_task(num_items=50, num_examples=200)
    >>> task.truth.shape, task.num_groups, task.num_examples
    ((50, 16), 8, 200)
    >>> bool((task.truth == taste_rule(8, 16)[task.group]).all())
    True
    """
    rng = np.random.default_rng(seed)
    group = rng.integers(0, num_groups, size=num_items).astype(np.int64)
    truth = taste_rule(num_groups, num_contexts)[group]
    items, contexts, labels = _examples(truth, zipf_probabilities(num_items, zipf_exponent), num_examples,
                                        label_noise, rng)
    return ChoiceTask(truth, group, items, contexts, labels, label_noise)


def make_unrelated_task(
    num_items: int = 4,
    num_contexts: int = 16,
    num_examples: int = 2000,
    zipf_exponent: float = 0.0,
    label_noise: float = 0.1,
    seed: int = 0,
) -> ChoiceTask:
    """Every product has its own random yes/no pattern over the customer types: no shared structure.

    Parameters are those of :func:`make_grouped_task`, without groups; by default the products
    are equally frequent (``zipf_exponent=0``). Each product is its own group.

    Examples
    --------
    >>> task = make_unrelated_task()
    >>> task.truth.shape, task.num_groups, int(task.counts().sum())
    ((4, 16), 4, 2000)
    """
    rng = np.random.default_rng(seed)
    truth = rng.random((num_items, num_contexts)) < 0.5
    group = np.arange(num_items, dtype=np.int64)
    items, contexts, labels = _examples(truth, zipf_probabilities(num_items, zipf_exponent), num_examples,
                                        label_noise, rng)
    return ChoiceTask(truth, group, items, contexts, labels, label_noise)


# -- the models ----------------------------------------------------------------------------------------------
def one_hot_rows(items: torch.Tensor, num_items: int) -> torch.Tensor:
    """The one-hot vectors of ``items`` as float32, shape (B, N): the same tensor as ``F.one_hot(items, N).float()``.

    Built in one pass (zeros, then a 1 at each row's index), where ``F.one_hot`` first builds an
    int64 (B, N) matrix and then converts it: one (B, N) allocation per batch instead of two.

    Raises
    ------
    ValueError
        If an id is outside ``0 .. num_items - 1``.

    Examples
    --------
    >>> one_hot_rows(torch.tensor([2, 0]), 3)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    if items.numel() and (int(items.min()) < 0 or int(items.max()) >= num_items):
        raise ValueError(f"items must be ids in 0..{num_items - 1}, got values from {int(items.min())} "
                         f"to {int(items.max())}")
    rows = torch.zeros(items.shape[0], num_items, device=items.device)  # (B, N)
    rows[torch.arange(items.shape[0], device=items.device), items] = 1.0
    return rows


class OneHotModel(nn.Module):
    """``one_hot(product, N) @ W.T + b``: one weight per (product, customer type) pair.

    Parameters
    ----------
    num_items : int
        N, the length of each one-hot vector.
    num_outputs : int
        C, one logit per customer type.
    seed : int
        Seeds the initial weights (the global torch RNG is left as it was).
    """

    def __init__(self, num_items: int, num_outputs: int, seed: int = 0) -> None:
        super().__init__()
        self.num_items = num_items
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.linear = nn.Linear(num_items, num_outputs)  # weight (C, N), bias (C,)

    def forward(self, items: torch.Tensor) -> torch.Tensor:
        """Logits of shape (B, C) for product ids of shape (B,)."""
        x = one_hot_rows(items, self.num_items)  # (B, N): the input really is one-hot, F.one_hot(...).float()
        return self.linear(x)  # (B, C)


class EmbeddingModel(nn.Module):
    """``Linear(Embedding(N, D)(product))``: D learned numbers per product, then one shared layer.

    Parameters
    ----------
    num_items : int
        N, the number of rows of the embedding table.
    dim : int
        D, the embedding dimension.
    num_outputs : int
        C, one logit per customer type.
    seed : int
        Seeds the initial weights (the global torch RNG is left as it was).
    """

    def __init__(self, num_items: int, dim: int, num_outputs: int, seed: int = 0) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.embedding = nn.Embedding(num_items, dim)  # weight (N, D), initialised N(0, 1)
            self.linear = nn.Linear(dim, num_outputs)  # weight (C, D), bias (C,)

    def forward(self, items: torch.Tensor) -> torch.Tensor:
        """Logits of shape (B, C) for product ids of shape (B,)."""
        return self.linear(self.embedding(items))  # (B, D) -> (B, C)

    def vectors(self) -> np.ndarray:
        """The learned table, one row per product: a float32 NumPy copy of shape (N, D)."""
        return self.embedding.weight.detach().cpu().numpy().copy()


class BottleneckModel(nn.Module):
    """``one_hot(product, N) → Linear(N, D, bias=False) → Linear(D, C)``: the embedding model, by matmul.

    The first layer's (D, N) weight is the transposed (N, D) table: ``one_hot(i) @ weight.T`` is row i
    of it, which is what ``nn.Embedding`` looks up. So this model computes the same function as
    :class:`EmbeddingModel`, reading a one-hot vector instead of an index.

    Parameters
    ----------
    num_items : int
        N, the length of each one-hot vector.
    dim : int
        D, the width of the bottleneck.
    num_outputs : int
        C, one logit per customer type.
    seed : int
        Seeds the initial weights (the global torch RNG is left as it was).
    init : {"embedding", "linear"}
        ``"embedding"``: the first weight is drawn N(0, 1), in the order ``nn.Embedding(N, D)`` draws
        its table, and the second layer after it, so with the same seed every initial number equals
        :class:`EmbeddingModel`'s. ``"linear"``: torch's default ``nn.Linear`` init (uniform in
        ±1/√N, about ±0.03 for N = 1,000).
    """

    def __init__(self, num_items: int, dim: int, num_outputs: int, seed: int = 0, init: str = "embedding") -> None:
        if init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        super().__init__()
        self.num_items = num_items
        self.init = init
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            if init == "embedding":
                table = nn.init.normal_(torch.empty(num_items, dim))  # (N, D): nn.Embedding's draw
                self.first = nn.utils.skip_init(nn.Linear, num_items, dim, bias=False)  # draws nothing
                with torch.no_grad():
                    self.first.weight.copy_(table.T)  # (D, N)
            else:
                self.first = nn.Linear(num_items, dim, bias=False)  # weight (D, N), torch's default init
            self.linear = nn.Linear(dim, num_outputs)  # weight (C, D), bias (C,)

    def forward(self, items: torch.Tensor) -> torch.Tensor:
        """Logits of shape (B, C) for product ids of shape (B,)."""
        x = one_hot_rows(items, self.num_items)  # (B, N), as F.one_hot(items, N).float()
        return self.linear(self.first(x))  # (B, D) -> (B, C)

    def vectors(self) -> np.ndarray:
        """The first layer as a table, one row per product: a float32 NumPy copy of shape (N, D)."""
        return self.first.weight.detach().cpu().numpy().T.copy()


def count_parameters(model: nn.Module) -> int:
    """The number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# -- training and scoring ------------------------------------------------------------------------------------
@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Run torch on one CPU thread (fast for these tiny models, and the same sums on every machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass(frozen=True)
class TrainLog:
    """What :func:`train` did: the mean loss of each epoch and the wall-clock time.

    Attributes
    ----------
    losses : tuple of float, one per epoch
    seconds : float
        Time taken (varies from run to run: print it only as a formatted duration).
    steps : int
        Optimiser steps taken.
    """

    losses: tuple[float, ...]
    seconds: float
    steps: int


def train(
    model: nn.Module,
    task: ChoiceTask,
    *,
    epochs: int = 25,
    batch_size: int = 500,
    lr: float = 0.05,
    weight_decay: float = 0.0,
    seed: int = 0,
    device: str = "cpu",
) -> TrainLog:
    """Fit ``model`` to the task's examples with Adam and binary cross-entropy; changes ``model`` in place.

    Each example (product i, customer type c, label y) trains only logit c of ``model(i)``.
    Batches are shuffled with a ``torch.Generator`` seeded by ``seed``; on the CPU, torch runs
    on one thread, so two runs with the same seeds give bit-identical weights.

    Parameters
    ----------
    model : OneHotModel, EmbeddingModel or BottleneckModel (anything mapping (B,) ids to (B, C) logits)
    task : ChoiceTask
    epochs, batch_size : int
    lr : float
        Adam's learning rate.
    weight_decay : float
        Adam's L2 penalty (``torch.optim.Adam(weight_decay=...)``): ``weight_decay · w`` is added to
        the gradient of every parameter ``w``, biases included, so weights that the data do not
        hold up shrink. 0 (the default) for none.
    seed : int
        Seeds the order of the examples.
    device : str
        Where to train ("cpu" or "cuda"); the model is moved there.

    Returns
    -------
    TrainLog
    """
    if not (isinstance(weight_decay, (int, float)) and weight_decay >= 0):
        raise ValueError(f"weight_decay must be a number >= 0, got {weight_decay!r}")
    generator = torch.Generator().manual_seed(seed)
    items = torch.as_tensor(task.items, device=device)  # (T,)
    contexts = torch.as_tensor(task.contexts, device=device)  # (T,)
    labels = torch.as_tensor(task.labels, device=device)  # (T,)
    model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    losses, steps = [], 0
    start = time.perf_counter()
    with _one_thread():
        for _ in range(epochs):
            order = torch.randperm(task.num_examples, generator=generator).to(device)
            total = torch.zeros((), device=device)
            for batch in order.split(batch_size):
                logits = model(items[batch]).gather(1, contexts[batch, None]).squeeze(1)  # (b,): logit c of each
                loss = F.binary_cross_entropy_with_logits(logits, labels[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                total += loss.detach() * batch.numel()
                steps += 1
            losses.append(float(total) / task.num_examples)
    return TrainLog(tuple(losses), time.perf_counter() - start, steps)


def predict(model: nn.Module, num_items: int) -> np.ndarray:
    """The model's answer for every (product, customer type) pair: logit > 0, shape (N, C), bool."""
    device = next(model.parameters()).device
    with torch.no_grad(), _one_thread():
        logits = model(torch.arange(num_items, device=device))  # (N, C)
    return (logits > 0).cpu().numpy()


@dataclass(frozen=True)
class Evaluation:
    """How often a model's predictions match the rule (without noise), overall and by product frequency.

    Attributes
    ----------
    correct : numpy.ndarray of bool, shape (N, C)
        Prediction == ``task.truth`` for every pair.
    counts : numpy.ndarray of int64, shape (N,)
        Training examples per product.
    seen : numpy.ndarray of bool, shape (N, C)
        Pairs that occur in training.
    buckets : tuple of (label, lowest, highest or None)
    """

    correct: np.ndarray
    counts: np.ndarray
    seen: np.ndarray
    buckets: tuple[tuple[str, int, int | None], ...] = BUCKETS

    def in_bucket(self, bucket: int) -> np.ndarray:
        """Products whose training count falls in bucket ``bucket``, shape (N,), bool."""
        _, low, high = self.buckets[bucket]
        return (self.counts >= low) & (self.counts <= (high if high is not None else self.counts.max()))

    def pair_mask(self, pairs: str = "unseen") -> np.ndarray:
        """The pairs a score counts, shape (N, C), bool: ``"unseen"`` (held out), ``"seen"`` or ``"all"``."""
        if pairs not in PAIRS:
            raise ValueError(f"pairs must be one of {PAIRS}, got {pairs!r}")
        if pairs == "all":
            return np.ones(self.correct.shape, dtype=bool)
        return self.seen.copy() if pairs == "seen" else ~self.seen

    def bucket_accuracy(self, pairs: str = "unseen") -> np.ndarray:
        """Accuracy over the chosen pairs of the products in each bucket, shape (len(buckets),); NaN if none."""
        mask = self.pair_mask(pairs)
        return np.array([_mean(self.correct[self.in_bucket(b)[:, None] & mask]) for b in range(len(self.buckets))])

    def bucket_sizes(self) -> np.ndarray:
        """Number of products in each bucket, shape (len(buckets),), int64."""
        return np.array([int(self.in_bucket(b).sum()) for b in range(len(self.buckets))], dtype=np.int64)

    def bucket_pairs(self, pairs: str = "unseen") -> np.ndarray:
        """Number of the chosen pairs in each bucket, shape (len(buckets),), int64."""
        mask = self.pair_mask(pairs)
        return np.array([int((self.in_bucket(b)[:, None] & mask).sum()) for b in range(len(self.buckets))],
                        dtype=np.int64)

    @property
    def accuracy(self) -> float:
        """Accuracy over all N·C pairs."""
        return _mean(self.correct)

    @property
    def seen_accuracy(self) -> float:
        """Accuracy over the pairs that occur in training."""
        return _mean(self.correct[self.seen])

    @property
    def unseen_accuracy(self) -> float:
        """Accuracy over the pairs that never occur in training."""
        return _mean(self.correct[~self.seen])


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def evaluate(
    model: nn.Module, task: ChoiceTask, buckets: Sequence[tuple[str, int, int | None]] = BUCKETS
) -> Evaluation:
    """Score ``model`` on every (product, customer type) pair against the rule without noise."""
    correct = predict(model, task.num_items) == task.truth
    return Evaluation(correct, task.counts(), task.seen(), tuple(buckets))


PAIR_NAMES = {"unseen": mark("held-out pairs"), "seen": mark("training pairs"), "all": mark("pairs")}


def accuracy_table(evaluations: Mapping[str, Evaluation], pairs: str = "unseen") -> str:
    """Accuracy by how often the product occurred in training, one column per model, as text.

    With ``pairs="unseen"`` (the default) only the held-out pairs count, those that never occur in
    training: that is generalisation. A last line then gives the accuracy on the training pairs,
    labelled as such (a model can learn those by heart). ``"seen"`` and ``"all"`` score those pairs.
    All evaluations must be of the same task.

    Examples
    --------
    >>> task = ChoiceTask(truth=np.ones((3, 2), bool), group=np.arange(3), items=np.array([1, 1, 2]),
    ...                   contexts=np.array([0, 1, 0]), labels=np.ones(3, np.float32), label_noise=0.0)
    >>> half = Evaluation(np.array([[1, 1], [1, 1], [1, 0]], bool), task.counts(), task.seen())
    >>> print(accuracy_table({"model": half}))
    times seen  products  held-out pairs  model
         never         1               2   100%
           1–2         2               1     0%
           3–9         0               0      –
           10+         0               0      –
           all         3               3    67%
    on the 3 training pairs (not a test of generalisation): model 100%
    """
    first = next(iter(evaluations.values()))
    columns = [e.bucket_accuracy(pairs) for e in evaluations.values()]
    rows = []
    for b, ((label, _, _), size, count) in enumerate(zip(first.buckets, first.bucket_sizes(),
                                                          first.bucket_pairs(pairs), strict=True)):
        rows.append([t_marked(label), f"{size:,}", f"{count:,}"] + [_percent(column[b]) for column in columns])
    total = int(first.pair_mask(pairs).sum())
    rows.append([t("all"), f"{first.counts.size:,}", f"{total:,}"]
                + [_percent(_mean(e.correct[e.pair_mask(pairs)])) for e in evaluations.values()])
    table = text_table([t("times seen"), t("products"), t_marked(PAIR_NAMES[pairs]), *evaluations], rows)
    if pairs == "unseen":
        trained = t(", ").join(f"{name} {_percent(e.seen_accuracy)}" for name, e in evaluations.items())
        table += "\n" + t("on the {n:,} training pairs (not a test of generalisation): ", n=int(first.seen.sum()))
        table += trained
    return table


def _percent(value: float) -> str:
    """Whole percents: the last decimal would change with the seed, and could with the CPU."""
    return "–" if np.isnan(value) else f"{100 * value:.0f}%"


def describe_product(
    task: ChoiceTask, item: int, predictions: Mapping[str, np.ndarray], group_name: str = "group"
) -> str:
    """One product's training examples, its row of the rule and each model's row, as aligned text.

    ``1`` = buys, ``.`` = does not; a ``^`` marks the customer types seen in training. Each model's
    score counts the held-out customer types only (those without a ``^``).

    Parameters
    ----------
    task : ChoiceTask
    item : int
        The product.
    predictions : {model name: bool array of shape (N, C)}
        E.g. ``{"one-hot": predict(onehot, N)}``.
    group_name : str
        What a hidden group is called ("department").

    Examples
    --------
    >>> task = ChoiceTask(truth=np.array([[True, True, False, False]]), group=np.array([0]),
    ...                   items=np.array([0, 0]), contexts=np.array([3, 0]),
    ...                   labels=np.array([1.0, 1.0], dtype=np.float32), label_noise=0.1)
    >>> print(describe_product(task, 0, {"a model": np.array([[True, False, False, True]])}))
    product 0 (group 0), 2 examples: type 3 → 1 (flipped), type 0 → 1
       customer type  0123
            the rule  11..
    seen in training  ^  ^
             a model  1..1  1/2 held-out right
    """
    mask = task.items == item
    flipped = task.flipped()[mask]
    examples = [t("type {c} → {y}", c=c, y=int(y)) + (t(" (flipped)") if f else "")
                for c, y, f in zip(task.contexts[mask], task.labels[mask], flipped, strict=True)]
    seen = task.seen()[item]  # (C,)
    seen_row = "".join("^" if s else " " for s in seen).rstrip()
    names = {"types": t("customer type"), "rule": t("the rule"), "seen": t("seen in training")}
    width = max(_width(names["seen"]), *(_width(name) for name in predictions))
    head = t("product {item} ({group_name} {group}), {n} examples: ", item=item, group_name=group_name,
             group=task.group[item], n=int(mask.sum()))
    lines = [head + t(", ").join(examples),
             f"{_right(names['types'], width)}  " + "".join(str(c % 10) for c in range(task.num_contexts)),
             f"{_right(names['rule'], width)}  " + _ones(task.truth[item]),
             f"{_right(names['seen'], width)}  " + seen_row]
    for name, predicted in predictions.items():
        row = np.asarray(predicted)[item]
        right = int(((row == task.truth[item]) & ~seen).sum())
        score = t("{right}/{total} held-out right", right=right, total=int((~seen).sum()))
        lines.append(f"{_right(name, width)}  {_ones(row)}  {score}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """The columns ``text`` takes in a monospaced font: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` columns (``f"{text:>{width}}"`` for text without wide characters)."""
    return " " * max(0, width - _width(text)) + text


def _ones(row: np.ndarray) -> str:
    return "".join("1" if x else "." for x in row)
