"""Exercises of lesson 07 (one-hot or embedding?): parameter counts, input memory, the choice itself.

Expected values come from :func:`lookup_lib.lessons.l07_one_hot_vs_embedding.costs.model_costs` (one source of truth).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise
from lookup_lib.lessons.kit.feedback import whole_number
from lookup_lib.lessons.kit.i18n import mark, t
from lookup_lib.lessons.l07_one_hot_vs_embedding.costs import model_costs


# -- model solution (what solution() shows) -------------------------------------------------------
def model_params(num_items, dim, num_outputs):
    onehot = num_items * num_outputs + num_outputs  # Linear(N, C): weight (C, N) + bias (C,)
    embedding = num_items * dim + dim * num_outputs + num_outputs  # table (N, D) + Linear(D, C)
    return onehot, embedding


def _reference(num_items: int, dim: int, num_outputs: int) -> np.ndarray:
    cost = model_costs(num_items, dim, num_outputs, batch=1)
    return np.array([cost.onehot_params, cost.embedding_params])


def _cases() -> list[Case]:
    return [
        Case(mark("N=1,000 items, D=2, C=16 outputs"), (1_000, 2, 16)),
        Case(mark("N=4, D=4, C=16 (few categories)"), (4, 4, 16)),
        Case(mark("D larger than C"), (50_000, 64, 16)),
        Case(mark("a single output"), (10, 3, 1)),
    ]


def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    n, d, c = case.args
    if got.shape != expected.shape:
        return t("return two numbers: (one-hot model, embedding model).")
    if np.array_equal(got, expected[::-1]):
        return t("the two counts are swapped: return (one-hot, embedding).")
    if np.array_equal(got, expected - c):
        return t("the biases are missing: each Linear layer also has C bias terms.")
    if got[1] == n * d:
        return t("the embedding model also has a Linear(D, C) layer after the table.")
    return None


def _encodings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("a list of four strings is expected")
    words = tuple(str(v).strip().lower().replace("_", "-").replace(" ", "-") for v in value)
    if len(words) != 4 or not set(words) <= {"one-hot", "onehot", "embedding"}:
        raise ValueError("four answers, each 'one-hot' or 'embedding'")
    return tuple("one-hot" if w == "onehot" else w for w in words)


EXERCISES = [
    QuestionExercise(
        name="embedding_params",
        title=mark("Give the number of parameters of nn.Embedding(50_000, 64) as an int."),
        hint=mark("The whole layer is one (num_embeddings, embedding_dim) table; it has no bias."),
        answer=50_000 * 64,
        normalize=whole_number,
        wrong={
            50_000: mark("That is the number of rows; each row holds embedding_dim numbers."),
            64: mark("That is the length of one row; there is one row per category."),
            50_000 * 64 + 64: mark("nn.Embedding has no bias: only the table."),
        },
        fallback=mark("Count the entries of the (50,000, 64) table."),
        explanation=mark("One row of 64 numbers for each of the 50,000 categories: 3,200,000 parameters."),
    ),
    QuestionExercise(
        name="onehot_batch_bytes",
        title=mark("Give the bytes of a float32 one-hot batch (256 ids, N = 100,000) as an int."),
        hint=mark("The batch is a (256, N) float32 matrix; a float32 takes 4 bytes."),
        answer=256 * 100_000 * 4,
        normalize=whole_number,
        wrong={
            256 * 100_000: mark("That counts the entries; each float32 entry takes 4 bytes."),
            256 * 8: mark(
                "That is the batch as int64 indices — the point of an embedding. The one-hot batch is far larger."
            ),
            256 * 4: mark("A one-hot row has N entries, not one."),
            256 * 100_000 * 8: mark("float32 takes 4 bytes, not 8."),
        },
        fallback=mark("A (256, 100,000) matrix of 4-byte floats."),
        explanation=mark(
            "256 × 100,000 × 4 = 102,400,000 bytes (about 102 MB) for one batch, against 256 × 8 = 2,048 bytes "
            "as int64 indices."
        ),
    ),
    FunctionExercise(
        name="model_params",
        title=mark("Write model_params(num_items, dim, num_outputs) -> (onehot, embedding) parameter counts."),
        hint=mark(
            "one-hot → Linear(N, C) has a (C, N) weight and C biases. Embedding(N, D) → Linear(D, C) has an "
            "(N, D) table, a (C, D) weight and C biases."
        ),
        arg_names=("num_items", "dim", "num_outputs"),
        cases=_cases,
        reference=_reference,
        model=model_params,
        diagnose=_diagnose,
    ),
    QuestionExercise(
        name="choose_encoding",
        title=mark("Give a list of four strings, each 'one-hot' or 'embedding'."),
        hint=mark(
            "Few categories, each with its own unrelated effect: one-hot. Many categories that share "
            "structure (similar users, related words): embedding."
        ),
        answer=("one-hot", "embedding", "embedding", "one-hot"),
        shown='["one-hot", "embedding", "embedding", "one-hot"]',
        normalize=_encodings,
        wrong={
            ("embedding",) * 4: mark("For 4 payment methods or 3 colours a one-hot is exact, tiny and readable."),
            ("one-hot",) * 4: mark(
                "2 million user ids as one-hot inputs: how large is one batch? And rare users learn alone."
            ),
        },
        fallback=mark("Ask of each input: how many categories, and do they share hidden structure?"),
        explanation=mark(
            "(a) 4 unrelated payment methods and (d) 3 colours: one-hot. (b) 2 million users with shared tastes "
            "and (c) 50,000 related words: embedding."
        ),
    ),
]
