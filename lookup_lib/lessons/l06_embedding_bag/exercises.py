"""Exercises on ``nn.EmbeddingBag``: sum each bag of looked-up rows into one row; and a transfer exercise,
the mean of each padded sentence that leaves padding out and survives a sentence of padding only.

Expected values come from :func:`lookup_lib.bag.embedding_bag` (``mode="sum"``; ``mode="mean"`` with ``padding_idx``).
"""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, ints
from lookup_lib.lessons.kit.feedback import close
from lookup_lib.lessons.kit.i18n import mark, t


# -- model solution (what solution() shows) -------------------------------------------------------
def embedding_bag_sum(indices, weight, offsets):
    indices, weight = np.asarray(indices), np.asarray(weight)
    out = np.zeros((len(offsets), weight.shape[1]), dtype=weight.dtype)  # (B, D): an empty bag stays 0
    for b in range(len(offsets)):
        end = offsets[b + 1] if b + 1 < len(offsets) else len(indices)  # the last bag runs to the end
        out[b] = weight[indices[offsets[b] : end]].sum(axis=0)
    return out


# -- cases ------------------------------------------------------------------------------------------
def _bag_cases() -> list[Case]:
    rng = np.random.default_rng(5)
    table = (10 * np.arange(5)[:, None] + np.arange(3)).astype(np.float32)  # row k: 10k, 10k + 1, 10k + 2
    return [
        Case(mark("two bags"), (ints([0, 2, 1, 1, 2]), table, ints([0, 2]))),
        Case(mark("repeated indices in a bag"), (ints([3, 3, 3, 1]), table, ints([0, 3]))),
        Case(mark("one index per bag"), (ints([4, 0, 2]), table, ints([0, 1, 2]))),
        Case(mark("a single bag"), (ints([4, 1, 0, 1]), table, ints([0]))),
        Case(mark("an empty bag in the middle"), (ints([1, 2, 3]), table, ints([0, 2, 2]))),
        Case(mark("an empty last bag"), (ints([1, 2]), table, ints([0, 2]))),
        Case(mark("no indices at all (two empty bags)"), (ints([]), table, ints([0, 0]))),
        Case(mark("random float64 table"), (rng.integers(0, 6, size=9), rng.normal(size=(6, 4)), ints([0, 4, 5]))),
    ]


def _reference(indices, weight, offsets, mode: str = "sum") -> np.ndarray:
    from lookup_lib.bag import embedding_bag  # the one source of truth for bags

    return embedding_bag(indices, weight, offsets, mode=mode)


# -- diagnoses ----------------------------------------------------------------------------------------
def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    indices, weight, offsets = case.args
    num_bags, dim = expected.shape
    if got.shape == (num_bags - 1, dim):
        return t("the last bag is missing: bag B-1 runs from offsets[-1] to the end of indices.")
    if got.shape == (indices.size, dim) and indices.size != num_bags:
        return t("each bag must be reduced to one row: the result has one row per bag, (len(offsets), D).")
    if got.shape != expected.shape:
        return None
    if close(got, _reference(indices, weight, offsets, "mean")):
        return t("you averaged each bag (mode='mean'); this exercise asks for the sum.")
    if close(got, _reference(indices, weight, offsets, "max")):
        return t("you took the largest entry (mode='max'); this exercise asks for the sum.")
    ends = np.r_[offsets[1:], indices.size]
    empty = offsets == ends
    wrong = ~np.isclose(got, expected, rtol=1e-5, atol=1e-6).all(axis=1)
    if empty.any() and (wrong <= empty).all():
        return t("an empty bag must give a row of zeros (np.add.reduceat gives the next row instead).")
    return None


def _explain_error(case: Case, exc: BaseException) -> str | None:
    if isinstance(exc, IndexError) and "reduceat" in str(exc):
        return t("np.add.reduceat cannot start a bag at len(indices): treat empty bags yourself.")
    return None



# -- transfer: the mean of a padded batch, padding left out ------------------------------------------------
def padded_mean(ids, weight, padding_idx):
    ids, weight = np.asarray(ids), np.asarray(weight)
    keep = (ids != padding_idx)[..., None]  # (B, L, 1): True where a real word is
    total = (weight[ids] * keep).sum(axis=1)  # (B, D): the padding row is left out, whatever it holds
    count = keep.sum(axis=1)  # (B, 1): real words per sentence
    return total / np.maximum(count, 1)  # a sentence of padding only: 0 / 1 = zeros, not 0 / 0


def _padded_cases() -> list[Case]:
    rng = np.random.default_rng(6)
    table = (10 * np.arange(6)[:, None] + np.arange(2) + 1).astype(np.float32)  # row k: 10k + 1, 10k + 2
    return [
        Case(mark("padding_idx=0, one padded sentence"), (ints([[3, 4, 0], [1, 2, 5]]), table, 0)),
        Case(mark("padding_idx=0, two pads"), (ints([[5, 0, 0], [2, 3, 0]]), table, 0)),
        Case(mark("a sentence of padding only"), (ints([[2, 4, 1], [0, 0, 0]]), table, 0)),
        Case(mark("padding_idx=5, not 0"), (ints([[0, 5, 5], [1, 0, 2]]), table, 5)),
        Case(mark("a repeated word counts twice"), (ints([[4, 4, 1, 0]]), table, 0)),
        Case(mark("random float64 table, padding_idx=3"),
             (rng.integers(0, 7, size=(4, 5)), rng.normal(size=(7, 3)), 3)),
        Case(mark("every sentence padding only"), (ints([[2, 2], [2, 2]]), table, 2)),
    ]


def _padded_reference(ids, weight, padding_idx) -> np.ndarray:
    from lookup_lib.bag import embedding_bag

    return embedding_bag(ids, weight, mode="mean", padding_idx=padding_idx)


def _diagnose_padded(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    ids, weight, padding_idx = case.args
    if got.shape != expected.shape:
        return t("one row per sentence: shape (B, D) = {shape}, the mean over axis 1 of the (B, L, D) rows.",
                 shape=expected.shape)
    if np.isnan(got).any():
        return t("a sentence of padding only divided 0 by 0 (NaN): count at least 1, e.g. np.maximum(count, 1).")
    rows = np.asarray(weight, dtype=np.float64)[ids]  # (B, L, D)
    if close(got, rows.mean(axis=1)):
        return t("that is the mean over all L positions, padding included: leave padding out of the sum and the count.")
    keep = (ids != padding_idx)[..., None]
    count = np.maximum(keep.sum(axis=1), 1)
    if close(got, rows.sum(axis=1) / count):
        return t("the count is right, but the padding row was added to the sum; its values are not zero here "
                 "— mask it.")
    if close(got, (rows * keep).sum(axis=1) / ids.shape[1]):
        return t("you divided by L, the padded length; divide by the number of real words of each sentence.")
    if close(got, (rows * keep).sum(axis=1)):
        return t("that is the sum of the real words; the exercise asks for their mean.")
    if padding_idx != 0:
        keep0 = (ids != 0)[..., None]
        if close(got, (rows * keep0).sum(axis=1) / np.maximum(keep0.sum(axis=1), 1)):
            return t("you left out row 0, but the padding here is row {padding_idx}: use the padding_idx argument.",
                     padding_idx=padding_idx)
    return None


EXERCISES = [
    FunctionExercise(
        name="embedding_bag_sum",
        title=mark("Write embedding_bag_sum(indices, weight, offsets) → (B, D): the sum of the rows of each bag."),
        hint=mark(
            "Bag b is indices[offsets[b]:offsets[b + 1]], and the last bag runs to the end of indices. "
            "Look up its rows and add them (sum over axis 0); an empty bag gives a row of zeros."
        ),
        arg_names=("indices", "weight", "offsets"),
        cases=_bag_cases,
        reference=_reference,
        model=embedding_bag_sum,
        diagnose=_diagnose,
        explain_error=_explain_error,
        shortcuts=(
            "torch.nn.functional.embedding_bag",
            "torch.embedding_bag",
            "lookup_lib.embedding_bag",
            "lookup_lib.bag.embedding_bag",
        ),
    ),
    FunctionExercise(
        name="padded_mean",
        title=mark(
            "Write padded_mean(ids, weight, padding_idx) → (B, D): the mean of the rows of each padded sentence, "
            "padding left out, and zeros for a sentence of padding only."
        ),
        hint=mark(
            "A mask ids != padding_idx says which positions are real words. Sum the looked-up rows times the mask, "
            "and divide by the number of real words — at least 1, so that a sentence of padding only gives zeros. "
            "Or hand the padded 2-D batch to F.embedding_bag with mode='mean' and padding_idx."
        ),
        arg_names=("ids", "weight", "padding_idx"),
        cases=_padded_cases,
        reference=_padded_reference,
        model=padded_mean,
        diagnose=_diagnose_padded,
    ),
]
