"""Embeddings of categories other than words: calendar inputs and class labels (lesson 08).

Two small experiments, each a synthetic data set, a model built on ``nn.Embedding`` and a
training loop that returns what the lesson plots:

- **Entity embeddings of inputs.** A weekday (7 values) and a month (12 values) go into a
  classifier through ``nn.Embedding(7, D)`` and ``nn.Embedding(12, D)``. The target, what
  someone does that day, depends *smoothly* on the position in the week and in the year
  (:data:`ACTIVITIES`), so neighbouring days should get neighbouring vectors: a ring.
- **Label embeddings.** A classifier scores class c with ``h · E[c]``, where ``E`` is an
  ``nn.Embedding(C, D)`` of the classes. Classes come in groups whose inputs look alike
  (:data:`LABEL_GROUPS`), so related classes should get similar rows of ``E``.

Data are drawn with ``numpy.random.default_rng(seed)``, weights with a seeded ``torch.Generator``:
the same seeds give the same vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lookup_lib.lessons.kit.i18n import t

__all__ = [
    "ACTIVITIES", "LABEL_GROUPS", "MONTHS", "WEEKDAYS", "Activity", "CalendarClassifier", "CalendarData",
    "CalendarResult", "GroupedData", "LabelEmbeddingClassifier", "LabelResult", "OneHotCalendarClassifier",
    "calendar_accuracy", "calendar_logits", "follows_cycle", "group_similarity", "label_predictions",
    "make_calendar_data", "make_grouped_data", "mistakes_within_group", "train_calendar",
    "train_label_embeddings",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# -- experiment 1: weekday and month as inputs ------------------------------------------------------
@dataclass(frozen=True)
class Activity:
    """One class of the calendar task and how its score rises and falls over the week and the year.

    Its logit is ``month_amp · cos(2π (m - month_peak) / 12) + week_amp · cos(2π (w - week_peak) / 7)``
    for month index m and weekday index w: smooth, with its maximum at the peaks.
    """

    name: str
    month_peak: float
    month_amp: float
    week_peak: float
    week_amp: float

    def describe(self) -> str:
        """One line: when the activity is most likely, and how strongly each cycle matters.

        Examples
        --------
        >>> ACTIVITIES[0].describe()
        'ski: peaks in jan–feb (strength 2.0) and on sat–sun (strength 1.0)'
        """
        return t("{name}: peaks in {months} (strength {month_amp}) and on {weekdays} (strength {week_amp})",
                 name=self.name, months=_at(MONTHS, self.month_peak), month_amp=self.month_amp,
                 weekdays=_at(WEEKDAYS, self.week_peak), week_amp=self.week_amp)


def _at(names: tuple[str, ...], peak: float) -> str:
    """The name at a position of the cycle; between two names (e.g. 0.5) both, joined by a dash."""
    low, high = int(np.floor(peak)), int(np.ceil(peak)) % len(names)
    return names[low] if low == high else f"{names[low]}–{names[high]}"


ACTIVITIES = (
    Activity("ski", month_peak=0.5, month_amp=2.0, week_peak=5.5, week_amp=1.0),
    Activity("swim", month_peak=6.5, month_amp=2.0, week_peak=6.0, week_amp=0.5),
    Activity("garden", month_peak=3.5, month_amp=1.5, week_peak=5.0, week_amp=1.0),
    Activity("pick apples", month_peak=9.0, month_amp=1.5, week_peak=6.0, week_amp=0.5),
    Activity("office", month_peak=2.0, month_amp=0.3, week_peak=2.0, week_amp=2.0),
    Activity("cinema", month_peak=11.0, month_amp=0.5, week_peak=4.5, week_amp=1.5),
)


@dataclass(frozen=True)
class CalendarData:
    """Days drawn at random and what was done on each.

    Attributes
    ----------
    weekday : int64 array, shape (N,), values 0..6 (Monday..Sunday)
    month : int64 array, shape (N,), values 0..11
    label : int64 array, shape (N,): the index of the activity in :data:`ACTIVITIES`
    probs : float64 array, shape (7, 12, C): the true probability of each activity per (weekday, month)
    """

    weekday: np.ndarray
    month: np.ndarray
    label: np.ndarray
    probs: np.ndarray

    def best_accuracy(self) -> float:
        """The *expected* accuracy of always guessing the most likely activity, on these days.

        No model can beat it on average; on a finite sample any rule, this one too, can land above
        or below it by luck (see :meth:`rule_accuracy`).
        """
        return float(self.probs.max(axis=2)[self.weekday, self.month].mean())

    def rule_accuracy(self) -> float:
        """The accuracy the true-chances rule (guess the most likely activity) really got on these days."""
        return float((self.probs.argmax(axis=2)[self.weekday, self.month] == self.label).mean())


def calendar_logits(activities: tuple[Activity, ...] = ACTIVITIES) -> np.ndarray:
    """The true logits of every activity for every (weekday, month), shape (7, 12, C)."""
    w = np.arange(7)[:, None, None]
    m = np.arange(12)[None, :, None]
    month_peak, month_amp, week_peak, week_amp = (np.array([getattr(a, f) for a in activities])
                                                  for f in ("month_peak", "month_amp", "week_peak", "week_amp"))
    return (month_amp * np.cos(2 * np.pi * (m - month_peak) / 12)
            + week_amp * np.cos(2 * np.pi * (w - week_peak) / 7))


def make_calendar_data(n: int = 6000, seed: int = 0) -> CalendarData:
    """``n`` random days (uniform weekday and month) and an activity drawn from the true probabilities.

    Examples
    --------
    >>> data = make_calendar_data(5, seed=0)
    >>> data.weekday.shape, data.probs.shape, bool(np.allclose(data.probs.sum(axis=2), 1))
    ((5,), (7, 12, 6), True)
    """
    rng = np.random.default_rng(seed)
    logits = calendar_logits()
    probs = np.exp(logits - logits.max(axis=2, keepdims=True))
    probs /= probs.sum(axis=2, keepdims=True)
    weekday = rng.integers(0, 7, size=n)
    month = rng.integers(0, 12, size=n)
    cumulative = probs[weekday, month].cumsum(axis=1)  # (n, C)
    label = (rng.random((n, 1)) > cumulative).sum(axis=1)  # inverse-CDF sampling, one draw per day
    return CalendarData(weekday.astype(np.int64), month.astype(np.int64), label.astype(np.int64), probs)


class CalendarClassifier(nn.Module):
    """Weekday and month through their own ``nn.Embedding``, then one linear layer to activity scores.

    ``logits = head(concat(weekday_emb[w], month_emb[m]))``: all the model knows about a month is
    its D numbers, so months that call for the same activities must get similar numbers.
    """

    def __init__(self, dim: int = 2, num_classes: int = len(ACTIVITIES), generator: torch.Generator | None = None):
        super().__init__()
        self.weekday = nn.Embedding(7, dim)  # (7, D)
        self.month = nn.Embedding(12, dim)  # (12, D)
        self.head = nn.Linear(2 * dim, num_classes)
        with torch.no_grad():
            for p in self.parameters():
                p.normal_(0.0, 0.1, generator=generator)

    def forward(self, weekday: torch.Tensor, month: torch.Tensor) -> torch.Tensor:
        """Scores of shape (B, C) for int64 ``weekday`` and ``month`` of shape (B,)."""
        x = torch.cat([self.weekday(weekday), self.month(month)], dim=1)  # (B, 2D)
        return self.head(x)  # (B, C)


@dataclass(frozen=True)
class CalendarResult:
    """What :func:`train_calendar` returns.

    Attributes
    ----------
    weekday_before, month_before : float32 arrays, shapes (7, D) and (12, D): the tables at the start
    weekday_vectors, month_vectors : the same tables after training
    losses : list of float, one per step
    accuracy : float, on the training days (a training figure: see :func:`calendar_accuracy` for fresh days)
    model : the trained model (a :class:`CalendarClassifier`, or a :class:`OneHotCalendarClassifier`)
    """

    weekday_before: np.ndarray
    month_before: np.ndarray
    weekday_vectors: np.ndarray
    month_vectors: np.ndarray
    losses: list[float]
    accuracy: float
    model: nn.Module


class OneHotCalendarClassifier(nn.Module):
    """The baseline without a bottleneck: one-hot weekday and one-hot month side by side, one linear layer.

    ``logits = concat(one_hot(w, 7), one_hot(m, 12)) @ W + b`` with ``W`` of shape (19, C): every
    weekday and every month gets its own C scores, nothing is shared, so no ring is needed and none
    can be read off. ``W`` is kept as its two blocks, ``weekday_scores`` (7, C) and ``month_scores``
    (12, C), and the forward pass reads the rows the one-hot vectors select instead of multiplying
    by their zeros (lesson 07: one-hot times a matrix is a lookup): the same scores, faster to train.
    """

    def __init__(self, num_classes: int = len(ACTIVITIES), generator: torch.Generator | None = None):
        super().__init__()
        self.weekday_scores = nn.Parameter(torch.empty(7, num_classes))  # rows 0-6 of W
        self.month_scores = nn.Parameter(torch.empty(12, num_classes))  # rows 7-18 of W
        self.bias = nn.Parameter(torch.empty(num_classes))
        with torch.no_grad():
            for p in self.parameters():
                p.normal_(0.0, 0.1, generator=generator)

    def forward(self, weekday: torch.Tensor, month: torch.Tensor) -> torch.Tensor:
        """Scores of shape (B, C) for int64 ``weekday`` and ``month`` of shape (B,)."""
        return F.embedding(weekday, self.weekday_scores) + F.embedding(month, self.month_scores) + self.bias


def train_calendar(data: CalendarData, *, dim: int = 2, steps: int = 200, lr: float = 0.1,
                   seed: int = 0, one_hot: bool = False) -> CalendarResult:
    """Train a :class:`CalendarClassifier` on all of ``data`` at once (full batch, Adam).

    With ``one_hot=True`` the model is a :class:`OneHotCalendarClassifier` instead (``dim`` is
    ignored; the "tables" returned are then its ``weekday_scores`` and ``month_scores``, shapes (7, C)
    and (12, C)).
    """
    generator = torch.Generator().manual_seed(seed)
    model: nn.Module = (OneHotCalendarClassifier(len(ACTIVITIES), generator=generator) if one_hot
                        else CalendarClassifier(dim, len(ACTIVITIES), generator=generator))
    before = _calendar_tables(model)
    w, m, y = (torch.as_tensor(a) for a in (data.weekday, data.month, data.label))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(w, m), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return CalendarResult(*before, *_calendar_tables(model), losses, calendar_accuracy(model, data), model)


def calendar_accuracy(model: nn.Module, data: CalendarData) -> float:
    """The share of the days of ``data`` on which ``model``'s most likely activity is the one drawn.

    Pass days the model was not trained on (``make_calendar_data(n, seed=another)``) to measure how
    well it generalises; on its training days it is a training figure.
    """
    w, m, y = (torch.as_tensor(a) for a in (data.weekday, data.month, data.label))
    with torch.no_grad():
        return (model(w, m).argmax(dim=1) == y).double().mean().item()


def _calendar_tables(model: nn.Module) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(model, OneHotCalendarClassifier):
        return (model.weekday_scores.detach().cpu().numpy().copy(), model.month_scores.detach().cpu().numpy().copy())
    return _table(model.weekday), _table(model.month)


def follows_cycle(points: np.ndarray) -> bool:
    """True if the points, taken in order, go once around their centre, always turning the same way.

    That is what "the vectors form a ring in order" means: sorted by their angle around the
    centre, the points come out as 0, 1, ..., n-1 (or the reverse), up to where you start.

    Parameters
    ----------
    points : array, shape (n, 2), n >= 3

    Examples
    --------
    >>> angles = 2 * np.pi * np.arange(7) / 7
    >>> ring = np.stack([np.cos(angles), 2 * np.sin(angles)], axis=1)  # an ellipse, in order
    >>> follows_cycle(ring), follows_cycle(ring[[0, 2, 1, 3, 4, 5, 6]])
    (True, False)
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 3:
        raise ValueError(f"follows_cycle needs points of shape (n >= 3, 2), got {points.shape}")
    centred = points - points.mean(axis=0)
    angles = np.arctan2(centred[:, 1], centred[:, 0])
    steps = np.diff(np.append(angles, angles[0]))
    steps = (steps + np.pi) % (2 * np.pi) - np.pi  # each turn in (-π, π]
    same_way = bool(np.all(steps > 0) or np.all(steps < 0))
    return same_way and bool(np.isclose(abs(steps.sum()), 2 * np.pi))


# -- experiment 2: embeddings of the class labels ----------------------------------------------------
LABEL_GROUPS: dict[str, list[str]] = {
    "animal": ["cat", "dog", "fox"],
    "vehicle": ["car", "bus", "truck"],
    "fruit": ["apple", "pear", "plum"],
}


@dataclass(frozen=True)
class GroupedData:
    """Feature vectors of classes that come in groups: classes of a group have nearby means.

    Attributes
    ----------
    x : float32 array, shape (N, F)
    y : int64 array, shape (N,)
    classes : list of str, length C
    groups : list of str, length C: the group of each class
    """

    x: np.ndarray
    y: np.ndarray
    classes: list[str]
    groups: list[str]


def make_grouped_data(n_per_class: int = 200, num_features: int = 8, group_spread: float = 4.0,
                      class_spread: float = 1.0, noise: float = 2.0, seed: int = 0,
                      sample_seed: int | None = None) -> GroupedData:
    """Gaussian clouds: class mean = its group's centre + a smaller offset of its own.

    Group centres are ``N(0, group_spread²)`` per feature, class offsets ``N(0, class_spread²)``
    and each sample adds ``N(0, noise²)``. With ``group_spread`` > ``class_spread`` a cat looks
    more like a dog than like a bus; with ``noise`` > ``class_spread`` cats and dogs are often
    confused, cats and buses rarely.

    ``seed`` fixes the world (the group centres and class means). ``sample_seed``, when given, draws
    the samples from their own generator: the same classes, fresh examples (a held-out set for a
    model trained on the data of ``seed``). Without it the samples continue the world's generator.

    Examples
    --------
    >>> data = make_grouped_data(n_per_class=4, seed=0)
    >>> data.x.shape, data.y.tolist()[:5], data.classes[:2], data.groups[:4]
    ((36, 8), [0, 0, 0, 0, 1], ['cat', 'dog'], ['animal', 'animal', 'animal', 'vehicle'])
    """
    rng = np.random.default_rng(seed)
    classes = [c for members in LABEL_GROUPS.values() for c in members]
    groups = [g for g, members in LABEL_GROUPS.items() for _ in members]
    centres = {g: rng.normal(0.0, group_spread, num_features) for g in LABEL_GROUPS}
    means = np.stack([centres[g] + rng.normal(0.0, class_spread, num_features) for g in groups])  # (C, F)
    y = np.repeat(np.arange(len(classes)), n_per_class)
    samples = rng if sample_seed is None else np.random.default_rng(sample_seed)
    x = means[y] + samples.normal(0.0, noise, (len(y), num_features))
    return GroupedData(x.astype(np.float32), y.astype(np.int64), classes, groups)


class LabelEmbeddingClassifier(nn.Module):
    """Scores every class by a dot product with its row of a label table: ``logits = h @ E.T``.

    ``h = encoder(x)`` (one linear layer) has D numbers; ``E = labels.weight`` is an
    ``nn.Embedding(C, D)`` of the classes. With D < C, classes have to share directions.
    Scoring all classes at once multiplies by the whole table instead of looking up a few rows:
    ``h @ E.T`` is ``F.linear(h, E)``, a bias-free ``nn.Linear(D, C)`` whose weight is the table.

    ``head="linear"`` uses a plain ``nn.Linear(D, C)`` (with its bias) as ``labels`` instead: its
    ``weight`` has the same shape (C, D), one row per class, and can be read the same way.
    """

    HEADS = ("embedding", "linear")

    def __init__(self, num_features: int, num_classes: int, dim: int = 3, generator: torch.Generator | None = None,
                 head: str = "embedding"):
        super().__init__()
        if head not in self.HEADS:
            raise ValueError(f"head must be one of {self.HEADS}, got {head!r}")
        self.head = head
        self.encoder = nn.Linear(num_features, dim)
        self.labels = nn.Embedding(num_classes, dim) if head == "embedding" else nn.Linear(dim, num_classes)  # (C, D)
        with torch.no_grad():
            for p in self.parameters():
                p.normal_(0.0, 0.3, generator=generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scores of shape (B, C) for features ``x`` of shape (B, F)."""
        h = self.encoder(x)  # (B, D)
        if self.head == "linear":
            return self.labels(h)  # h @ W.T + b
        return h @ self.labels.weight.T  # (B, D) @ (D, C) -> (B, C)


@dataclass(frozen=True)
class LabelResult:
    """What :func:`train_label_embeddings` returns.

    Attributes
    ----------
    labels_before, labels : float32 arrays, shape (C, D): the label table at the start and after training
    losses : list of float, one per step
    predictions : int64 array, shape (N,): the predicted class of each training example
    accuracy : float, on the training examples (a training figure: see :func:`label_predictions`)
    model : the trained :class:`LabelEmbeddingClassifier`
    """

    labels_before: np.ndarray
    labels: np.ndarray
    losses: list[float]
    predictions: np.ndarray
    accuracy: float
    model: LabelEmbeddingClassifier


def train_label_embeddings(data: GroupedData, *, dim: int = 3, steps: int = 300, lr: float = 0.03,
                           seed: int = 0, head: str = "embedding") -> LabelResult:
    """Train a :class:`LabelEmbeddingClassifier` on all of ``data`` at once (full batch, Adam).

    ``head`` is passed on: "embedding" (``h @ E.T``) or "linear" (a plain ``nn.Linear`` output layer).
    """
    generator = torch.Generator().manual_seed(seed)
    model = LabelEmbeddingClassifier(data.x.shape[1], len(data.classes), dim, generator=generator, head=head)
    before = _table(model.labels)
    x, y = torch.as_tensor(data.x), torch.as_tensor(data.y)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    predictions = label_predictions(model, data)
    accuracy = float((predictions == data.y).mean())
    return LabelResult(before, _table(model.labels), losses, predictions, accuracy, model)


def label_predictions(model: LabelEmbeddingClassifier, data: GroupedData) -> np.ndarray:
    """The class ``model`` predicts for each example of ``data``: int64 array, shape (N,)."""
    with torch.no_grad():
        return model(torch.as_tensor(data.x)).argmax(dim=1).numpy()


def group_similarity(similarity: np.ndarray, groups: list[str]) -> tuple[float, float]:
    """Mean similarity of pairs of classes in the same group, and in different groups (diagonal left out).

    Examples
    --------
    >>> s = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.3], [0.1, 0.3, 1.0]])
    >>> group_similarity(s, ["a", "a", "b"])
    (0.8, 0.2)
    """
    labels = np.asarray(groups)
    same = labels[:, None] == labels[None, :]
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    s = np.asarray(similarity)
    return float(s[same & off_diagonal].mean()), float(s[~same].mean())


def mistakes_within_group(predictions: np.ndarray, labels: np.ndarray, groups: list[str]) -> float:
    """Of the wrong predictions, the fraction that name a class of the right group (NaN if none are wrong).

    Examples
    --------
    >>> mistakes_within_group(np.array([1, 0, 2, 2]), np.array([0, 0, 1, 2]), ["a", "a", "b"])
    0.5
    """
    group = np.asarray(groups)
    wrong = np.asarray(predictions) != np.asarray(labels)
    if not wrong.any():
        return float("nan")
    return float((group[np.asarray(predictions)[wrong]] == group[np.asarray(labels)[wrong]]).mean())


def _table(embedding: nn.Embedding) -> np.ndarray:
    return embedding.weight.detach().cpu().numpy().copy()
