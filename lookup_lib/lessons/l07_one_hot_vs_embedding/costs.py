"""What lesson 07's two models cost, by formula: parameters and the memory of one input batch.

Plain integer arithmetic (no torch, no matplotlib): the lesson's ``figures.plot_model_costs`` draws
these numbers, its ``widget.ChoiceExplorer`` shows them, its exercises check answers against them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.tables import format_bytes, text_table

__all__ = ["ModelCost", "cost_table", "model_costs"]


@dataclass(frozen=True)
class ModelCost:
    """Parameters and memory of ``one_hot → Linear(N, C)`` and ``Embedding(N, D) → Linear(D, C)``.

    Attributes
    ----------
    num_items, dim, num_outputs, batch : int
        N, D, C and the batch size B.
    """

    num_items: int
    dim: int
    num_outputs: int
    batch: int

    @property
    def onehot_params(self) -> int:
        """``N·C + C``: the (C, N) weight and the bias."""
        return self.num_items * self.num_outputs + self.num_outputs

    @property
    def embedding_params(self) -> int:
        """``N·D + D·C + C``: the (N, D) table, the (C, D) weight and the bias."""
        return self.num_items * self.dim + self.dim * self.num_outputs + self.num_outputs

    @property
    def onehot_input_bytes(self) -> int:
        """One batch of float32 one-hot vectors, shape (B, N): ``4·B·N`` bytes."""
        return 4 * self.batch * self.num_items

    @property
    def index_input_bytes(self) -> int:
        """One batch of int64 indices, shape (B,): ``8·B`` bytes."""
        return 8 * self.batch


def model_costs(num_items: int, dim: int, num_outputs: int, batch: int) -> ModelCost:
    """:class:`ModelCost` for N categories, embedding dimension D, C outputs and batch size B.

    Examples
    --------
    >>> cost = model_costs(num_items=50_000, dim=64, num_outputs=16, batch=32)
    >>> cost.onehot_params, cost.embedding_params, cost.onehot_input_bytes, cost.index_input_bytes
    (800016, 3201040, 6400000, 256)
    """
    for name, value in (("num_items", num_items), ("dim", dim), ("num_outputs", num_outputs), ("batch", batch)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return ModelCost(int(num_items), int(dim), int(num_outputs), int(batch))


def cost_table(num_items: Sequence[int], dim: int, num_outputs: int, batch: int) -> str:
    """Parameters (with their float32 bytes) and one batch of input for both models, one line per N.

    Examples
    --------
    >>> print(cost_table([10, 1000], dim=2, num_outputs=16, batch=500))
    N (categories)  one-hot params  (bytes)  embedding params  (bytes)  one-hot batch (500, N)  indices (500,)
                10             176    704 B                68    272 B                 20.0 kB          4.0 kB
             1,000          16,016  64.1 kB             2,048   8.2 kB                  2.0 MB          4.0 kB
    """
    header = [t("N (categories)"), t("one-hot params"), t("(bytes)"), t("embedding params"), t("(bytes)"),
              t("one-hot batch ({batch}, N)", batch=batch), t("indices ({batch},)", batch=batch)]
    rows = []
    for n in num_items:
        c = model_costs(n, dim, num_outputs, batch)
        rows.append([f"{n:,}", f"{c.onehot_params:,}", format_bytes(4 * c.onehot_params),
                     f"{c.embedding_params:,}", format_bytes(4 * c.embedding_params),
                     format_bytes(c.onehot_input_bytes), format_bytes(c.index_input_bytes)])
    return text_table(header, rows)
