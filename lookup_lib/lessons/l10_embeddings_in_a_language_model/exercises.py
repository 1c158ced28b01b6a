"""Lesson 10 exercises: the shape a GPT's first layer gives, and what tying saves (answers computed by lookup_lib)."""

from __future__ import annotations

import numpy as np

from lookup_lib import core
from lookup_lib.lessons.kit.exercise import QuestionExercise
from lookup_lib.lessons.kit.feedback import whole_number, whole_numbers
from lookup_lib.lessons.kit.i18n import mark

# GPT-2 small (Radford et al. 2019; the released "124M" checkpoint): vocabulary, context length, width.
GPT2_VOCAB, GPT2_CONTEXT, GPT2_DIM = 50_257, 1_024, 768


def _input_shape_answer() -> tuple[int, ...]:
    """Shape of tok_emb(ids) + pos_emb(arange(T)) for ids (4, 8), tables (40, 16) and (8, 16)."""
    tok = core.embedding(np.zeros((4, 8), dtype=np.int64), np.zeros((40, 16)))  # (4, 8, 16)
    pos = core.embedding(np.arange(8), np.zeros((8, 16)))  # (8, 16)
    return (tok + pos).shape


def table_parameters(vocab: int, context: int, dim: int, tied: bool) -> int:
    """Parameters of a token table, a position table, and a bias-free output layer (none if tied)."""
    return vocab * dim + context * dim + (0 if tied else vocab * dim)


EXERCISES = [
    QuestionExercise(
        name="lm_input_shape",
        title=mark(
            "ids has shape (4, 8); tok_emb = nn.Embedding(40, 16), pos_emb = nn.Embedding(8, 16). "
            "Give the shape of x = tok_emb(ids) + pos_emb(torch.arange(8)) as a tuple."
        ),
        hint=mark(
            "tok_emb(ids) adds one axis of length 16 to the shape of ids; pos_emb(arange(8)) has one row per "
            "position. How does broadcasting line the two up?"
        ),
        answer=_input_shape_answer(),
        normalize=whole_numbers,
        wrong={
            (8, 16): mark("That is pos_emb(arange(8)) alone: it is broadcast over the batch, one copy per sequence."),
            (4, 8): mark("That is the shape of ids: each id also becomes a row of 16 numbers."),
            (32, 16): mark("Nothing is flattened: batch and position stay two axes."),
            (4, 16): mark("Nothing sums over the positions: each position keeps its own row."),
            (4, 8, 32): mark("The two rows are added, not concatenated."),
        },
        fallback=mark("Each id becomes a row of 16; the position rows are added, position by position."),
        explanation=mark(
            "tok_emb(ids) is (4, 8, 16); pos_emb(arange(8)) is (8, 16) and broadcasts over the batch axis, so "
            "x[b, t] = tok_emb.weight[ids[b, t]] + pos_emb.weight[t], shape (4, 8, 16)."
        ),
    ),
    QuestionExercise(
        name="tied_param_count",
        title=mark(
            "A character model has V = 65, context length 16 and D = 32: a token table, a position table, and "
            "an output layer logits = h @ W.T without bias. With W tied to the token table, how many parameters "
            "do these three hold? Give an int."
        ),
        hint=mark(
            "Count each tensor once: the token table is (V, D), the position table (context, D). "
            "Tied, the output layer's W *is* the token table."
        ),
        answer=table_parameters(65, 16, 32, tied=True),
        normalize=whole_number,
        wrong={
            table_parameters(65, 16, 32, tied=False): mark(
                "That counts the token table twice: tied, the output layer is that very tensor (one Parameter)."
            ),
            65 * 32: mark("The position table has parameters too."),
            16 * 32: mark("That is the position table alone."),
            2 * 65 * 32: mark("Tied means one token table, and the position table counts too."),
        },
        fallback=mark("Add up the sizes of the distinct tensors."),
        explanation=mark("65·32 = 2,080 (token table, also the output layer) + 16·32 = 512 (positions) = 2,592."),
    ),
    QuestionExercise(
        name="gpt2_embedding_params",
        title=mark(
            # the numbers written out (a marked text is a literal): GPT2_VOCAB, GPT2_CONTEXT, GPT2_DIM (a test checks)
            "GPT-2 small has V = 50,257, context length 1,024 and d = 768, and ties its "
            "output layer to the token table. How many parameters do its token and position tables hold together? "
            "Give an int."
        ),
        hint=mark("Two tables: (V, d) and (context, d). Tied, the output layer adds no parameters of its own."),
        answer=table_parameters(GPT2_VOCAB, GPT2_CONTEXT, GPT2_DIM, tied=True),
        normalize=whole_number,
        wrong={
            GPT2_VOCAB * GPT2_DIM: mark("That is the token table; the position table holds parameters too."),
            GPT2_CONTEXT * GPT2_DIM: mark("That is the position table; add the token table."),
            table_parameters(GPT2_VOCAB, GPT2_CONTEXT, GPT2_DIM, tied=False): mark(
                "Tied, the output layer is the token table itself: count it once."
            ),
            2 * GPT2_VOCAB * GPT2_DIM: mark("Count the token table once, and add the position table."),
        },
        fallback=mark("Multiply out the two tables' shapes and add."),
        explanation=mark(
            "50,257·768 = 38,597,376 + 1,024·768 = 786,432 → 39,383,808: about 32 % of GPT-2 small's 124,439,808 "
            "parameters. Untied, a second (V, d) matrix would add 38.6 M more (163 M in all)."
        ),
    ),
]
