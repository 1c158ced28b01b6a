"""Exercises on sharding: the owner of each row (row-wise blocks), and the memory of Adam's table.

Expected values come from :class:`~lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans.Plan`.
"""

from __future__ import annotations

import numpy as np

from lookup_lib.lessons.kit.exercise import Case, FunctionExercise, QuestionExercise, ints
from lookup_lib.lessons.kit.feedback import close
from lookup_lib.lessons.kit.i18n import mark, t


# -- model solution (what solution() shows) -------------------------------------------------------
def row_owner(indices, num_rows, world_size):
    rows_per_shard = -(-num_rows // world_size)  # ceil: the last shard may hold fewer rows
    return np.asarray(indices) // rows_per_shard


def _cases() -> list[Case]:
    rng = np.random.default_rng(11)
    return [
        Case(mark("10 rows on 2 shards"), (ints([0, 4, 5, 9]), 10, 2)),
        Case(mark("10 rows on 4 shards (3 per shard, the last holds 1)"), (ints([0, 2, 3, 8, 9]), 10, 4)),
        Case(mark("one shard"), (ints([3, 1, 4]), 5, 1)),
        Case(mark("a 2-D batch"), (ints([[6, 0], [13, 7]]), 14, 3)),
        Case(mark("random batch"), (rng.integers(0, 1000, 12), 1000, 3)),
    ]


def _reference(indices, num_rows, world_size) -> np.ndarray:
    from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import row_wise

    return row_wise(num_rows, world_size).owner(indices)


def _diagnose(case: Case, got: np.ndarray, expected: np.ndarray) -> str | None:
    indices, num_rows, world_size = case.args
    if got.dtype.kind == "f" and not close(got, np.round(got)):
        return t("a rank is a whole number: use integer division (//), not /.")
    if got.shape != expected.shape:
        return None
    if close(got, indices % world_size):
        return t("that is cyclic sharding (row k on rank k % W); this plan keeps blocks of neighbouring rows.")
    if close(got, indices // max(1, num_rows // world_size)):
        return t("rows per shard is num_rows / world_size rounded UP: rounding down makes a shard that does not exist.")
    if close(got, indices * world_size // num_rows):
        return t("close, but that splits rows in proportion; the plan gives every shard ceil(V / W) rows, "
                 "the last fewer.")
    return None


EXERCISES = [
    FunctionExercise(
        name="row_owner",
        title=mark("Write row_owner(indices, num_rows, world_size): the rank holding each row under row-wise blocks."),
        hint=mark(
            "Every shard holds ceil(num_rows / world_size) neighbouring rows: shard 0 the first ones, and so on. "
            "Which block does index k fall into? (Integer division; -(-a // b) rounds up.)"
        ),
        arg_names=("indices", "num_rows", "world_size"),
        cases=_cases,
        reference=_reference,
        model=row_owner,
        diagnose=_diagnose,
        dtype_kinds="iu",
        dtype_advice=mark("a rank is a whole number: use integer division (//), not /."),
    ),
    QuestionExercise(
        name="adam_table_gb",
        title=mark("Give the gigabytes (1 GB = 10⁹ bytes) as a number."),
        hint=mark(
            "A 10⁸ × 64 float32 table is 10⁸ · 64 · 4 bytes. Adam keeps two more tables of the same shape "
            "(the first and second moments)."
        ),
        answer=76.8,
        normalize=lambda value: round(float(value), 1),
        wrong={
            25.6: mark("That is the weights alone; Adam keeps two more tables of the same size."),
            51.2: mark("That counts one moment only: Adam keeps two (exp_avg and exp_avg_sq)."),
            102.4: mark("That is four tables; Adam needs the weights and two moments: three."),
            38.4: mark("That would be float16 weights and state; the table here is float32."),
        },
        explanation=mark("10⁸ · 64 · 4 B = 25.6 GB for the weights, and the same again for each of Adam's two "
                         "moments."),
    ),
]
