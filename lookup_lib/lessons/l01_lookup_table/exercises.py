"""Lesson 01 exercises: the lookup by hand, the shape a lookup returns, and (debugging) the size of the table.

Expected values come from :mod:`lookup_lib.core`; the model functions are plain solutions a
student could write, shown by ``solution(name)``. Lesson 02 reuses the cases and diagnosis of
``lookup`` for ``one_hot_matmul`` (the same numbers, computed another way).
"""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise, ints
from lookup_lib.lessons.kit.feedback import close, whole_numbers
from lookup_lib.lessons.kit.i18n import mark, t


# -- model solution (what solution() shows) ------------------------------------------------------
def lookup(indices, weight):
    return np.asarray(weight)[np.asarray(indices)]  # one row of the table per index


def num_embeddings_for(vocab):
    return max(vocab.values()) + 1  # ids 0 … largest id need that many rows, whatever the training text holds


# -- cases ------------------------------------------------------------------------------------------
def _readable_table(num_rows: int = 5, dim: int = 3) -> np.ndarray:
    """Row k holds 10k, 10k + 1, ...: a wrong row is easy to spot in the feedback."""
    return (10 * np.arange(num_rows)[:, None] + np.arange(dim)).astype(np.float32)


def lookup_cases() -> list[Case]:
    rng = np.random.default_rng(1)
    table = _readable_table()
    return [
        Case(mark("simple 1-D indices"), (ints([4, 0, 2, 2]), table)),
        Case(mark("repeated unsorted indices"), (ints([3, 1, 3, 0, 3]), table)),
        Case(mark("2-D indices (a batch of sequences)"), (ints([[0, 4, 1], [2, 2, 3]]), table)),
        Case(mark("3-D indices"), (rng.integers(0, 5, size=(2, 2, 2)), table)),
        Case(mark("empty index array"), (ints([]), table)),
        Case(mark("random float64 table"), (rng.integers(0, 7, size=(3, 4)), rng.normal(size=(7, 4)))),
    ]


def _vocab(*words: str, start: int = 0) -> dict[str, int]:
    return {word: start + number for number, word in enumerate(words)}


def table_size_cases() -> list[Case]:
    """Vocabularies as a tokenizer hands them over: special tokens anywhere, ids with gaps, not in id order."""
    pruned = {"<pad>": 0, "<unk>": 1, "the": 2, "cat": 3, "sat": 5, "mat": 8}  # ids 4, 6 and 7 were pruned
    return [
        Case(mark("<unk> added after the words"), ((_vocab("cat", "mat", "on", "sat", "the") | {"<unk>": 5}),),
             exact=True),
        Case(mark("<pad> and <unk> first"), (_vocab("<pad>", "<unk>", "a", "dog", "ran"),), exact=True),
        Case(mark("ids with gaps (rare words pruned)"), (pruned,), exact=True),
        Case(mark("not in id order"), ({"zebra": 6, "<unk>": 0, "apple": 2, "<pad>": 7, "moon": 1},), exact=True),
        Case(mark("a single token"), ({"<unk>": 0},), exact=True),
    ]


def _diagnose_table_size(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    (vocab,) = case.args
    ids = list(vocab.values())
    if got.shape != ():
        return t("return one number: how many rows the table needs.")
    value = got.item()
    words = [number for token, number in vocab.items() if not token.startswith("<")]
    largest = max(vocab, key=vocab.get)
    if words and value == max(words) + 1 != expected.item():
        if value == max(ids):  # counting only the words, or off by one: the same number here
            return t("the largest id, {largest_id}, belongs to the special token {token}: special tokens are looked "
                     "up too and need their rows, and ids 0 … k need k + 1 rows (off by one otherwise).",
                     largest_id=max(ids), token=repr(largest))
        return t("the special tokens (<pad>, <unk>, ...) are looked up too: they need their rows like any word.")
    if value == max(ids):
        return t("off by one: ids 0 … k need k + 1 rows (nn.Embedding(k, D) has rows 0 … k - 1).")
    if value == len(vocab) and len(vocab) != expected.item():
        return t("counting the tokens misses the gaps: some ids are unused, and the largest id still needs its row. "
                 "The table must reach the largest id.")
    if value == ids[-1] + 1 and ids[-1] != max(ids):
        return t("the last token added is not always the one with the largest id: look at every id.")
    if value < expected.item():
        return t("some id of the vocabulary (a special token?) would be out of range: the table must cover every id.")
    return None


# -- diagnoses ----------------------------------------------------------------------------------------
def diagnose_lookup(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    indices, weight = case.args
    num_rows, dim = weight.shape
    if indices.ndim > 1 and got.shape == (indices.size, dim):
        return t("the output was flattened: keep the shape of indices and add the embedding axis, (*indices.shape, D).")
    if num_rows != dim and got.shape == (*indices.shape, num_rows):
        return t("this looks like a transposed table: weight has shape (V, D) and row k is the vector of category k.")
    if got.ndim == 2 and close(got.T, expected):
        return t("the result is transposed: it should have shape (*indices.shape, D), one row per index.")
    if got.shape == expected.shape and indices.size:
        for shift in (-1, 1):
            moved = indices + shift
            valid = (moved >= 0) & (moved < num_rows)
            if valid.any() and close(got[valid], weight[moved[valid]]):
                return t("off by one: index k must give row k, but you returned row k{shift:+d}.", shift=shift)
    return None


def _explain_lookup_error(case: Case, exc: BaseException) -> str | None:
    if isinstance(exc, IndexError) and "axis 1" in str(exc):
        return t("you indexed the columns (axis 1); the rows of weight (axis 0) are the categories.")
    return None


# -- exercises ------------------------------------------------------------------------------------------
EXERCISES = [
    FunctionExercise(
        name="lookup",
        title=mark("Write lookup(indices, weight) → the rows of weight, shape (*indices.shape, D)."),
        hint=mark(
            "An embedding is a table with one row per category: indexing weight with an integer "
            "array picks one row per index and keeps the index array's shape."
        ),
        arg_names=("indices", "weight"),
        cases=lookup_cases,
        reference=core.embedding,
        model=lookup,
        diagnose=diagnose_lookup,
        explain_error=_explain_lookup_error,
        shortcuts=(
            "torch.nn.functional.embedding",  # nn.Embedding calls it too
            "torch.embedding",
            "lookup_lib.embedding",
            "lookup_lib.core.embedding",
        ),
    ),
    FunctionExercise(
        name="num_embeddings_for",
        title=mark(
            "Write num_embeddings_for(vocab) → how many rows nn.Embedding needs so that every id of vocab fits."
        ),
        hint=mark(
            "Read the traceback: which id is out of range, and where does it come from? The table must have a "
            "row for every id the vocabulary can produce, special tokens included, not only the ids in the "
            "training text; and an id k needs rows 0 … k."
        ),
        arg_names=("vocab",),
        cases=table_size_cases,
        reference=num_embeddings_for,
        model=num_embeddings_for,
        diagnose=_diagnose_table_size,
        dtype_kinds="iu",
        dtype_advice=mark("a number of rows is a whole number: nn.Embedding(6.0, 3) is refused; return an int."),
    ),
    QuestionExercise(
        name="predict_shape",
        title=mark("Give the shape as a tuple, e.g. (1, 2)."),
        hint=mark(
            "nn.Embedding(num_embeddings, embedding_dim) replaces every index by one row of length "
            "embedding_dim. What happens to the shape of the indices?"
        ),
        answer=(2, 3, 4, 5),
        normalize=whole_numbers,
        wrong={
            (2, 3, 4): mark("That is the shape of the indices: each index also turns into a whole vector."),
            (10, 5): mark("That is the shape of the table (weight), not of the output."),
            (24, 5): mark("The index dimensions are kept, not flattened into one."),
            (2, 3, 4, 10): mark("Which of nn.Embedding(10, 5)'s two numbers is the length of each row?"),
            (2, 3, 4, 10, 5): mark("The output holds one row per index, not the whole table per index."),
        },
        fallback=mark("Each index is replaced by one row of the table."),
        explanation=mark(
            "The index shape (2, 3, 4) is kept and one axis of length embedding_dim = 5 is "
            "added: every index becomes a row of 5 numbers."
        ),
    ),
]
