"""Who owns which row: sharding plans, the routing of a batch, and the bytes it costs (NumPy only).

A plan maps every row of one big (stacked) table to an owner rank and a local row there:

- ``row_wise(num_rows, world_size)``: contiguous blocks of ``ceil(num_rows / world_size)`` rows;
- ``row_wise(num_rows, world_size, cyclic=True)``: row ``k`` lives on rank ``k % world_size``;
- ``table_wise(table_sizes, world_size)``: every table whole on one rank (largest first, to the
  least loaded rank: what a sharding planner does, by rows only).

``route`` says, for one rank's batch, which owner each index goes to and in which order it is sent;
``traffic`` counts the bytes every rank sends to every other rank for a batch (forward and backward).
The distributed worker (``sharding.py``) and the widget both use these, so the bytes the lesson
predicts and the bytes it measures come from one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INDEX_BYTES = 8  # an int64 index
FLOAT_BYTES = 4  # a float32 entry

__all__ = ["INDEX_BYTES", "FLOAT_BYTES", "Plan", "Routing", "route", "row_wise", "table_wise", "traffic"]


@dataclass(frozen=True)
class Plan:
    """Where every row of a (stacked) table of ``num_rows`` rows lives.

    Attributes
    ----------
    kind : "block", "cyclic" or "table"
    num_rows : int, rows of the whole (stacked) table
    world_size : int, number of ranks
    starts : (T + 1,) int64, where each table starts in the stacked table (one table: [0, num_rows])
    table_ranks : (T,) int64, the owner of each table ("table" plans only)
    """

    kind: str
    num_rows: int
    world_size: int
    starts: np.ndarray
    table_ranks: np.ndarray

    def block(self) -> int:
        """Rows per rank of a block plan: the number of rows divided by the ranks, rounded up."""
        return -(-self.num_rows // self.world_size)

    def owner(self, indices: np.ndarray) -> np.ndarray:
        """The rank that holds each index's row, same shape as ``indices``."""
        indices = np.asarray(indices, dtype=np.int64)
        if self.kind == "block":
            return indices // self.block()
        if self.kind == "cyclic":
            return indices % self.world_size
        return self.table_ranks[np.searchsorted(self.starts, indices, side="right") - 1]

    def rows_of(self, rank: int) -> np.ndarray:
        """The global rows rank ``rank`` holds, in the order of its local storage."""
        rows = np.arange(self.num_rows, dtype=np.int64)
        return rows[self.owner(rows) == rank]

    def local(self, indices: np.ndarray) -> np.ndarray:
        """Each index's row number inside its owner's local storage."""
        indices = np.asarray(indices, dtype=np.int64)
        if self.kind == "block":
            return indices % self.block()
        if self.kind == "cyclic":
            return indices // self.world_size
        table = np.searchsorted(self.starts, indices, side="right") - 1
        sizes = np.diff(self.starts)
        before = np.zeros(len(sizes), dtype=np.int64)  # rows of earlier tables on the same rank
        for t in range(len(sizes)):
            before[t] = sizes[:t][self.table_ranks[:t] == self.table_ranks[t]].sum()
        return indices - self.starts[table] + before[table]


def row_wise(num_rows: int, world_size: int, cyclic: bool = False) -> Plan:
    """Split one table by rows: blocks of ``ceil(num_rows / world_size)`` rows, or row k on rank k % W.

    >>> row_wise(10, 4).owner(np.arange(10)).tolist()
    [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]
    >>> row_wise(10, 4, cyclic=True).owner(np.arange(10)).tolist()
    [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    """
    return Plan("cyclic" if cyclic else "block", num_rows, world_size, np.array([0, num_rows]), np.zeros(1, np.int64))


def table_wise(table_sizes: list[int], world_size: int) -> Plan:
    """Put every table whole on one rank: largest table first, each to the rank with the fewest rows so far.

    >>> table_wise([100, 600, 300], 2).table_ranks.tolist()
    [1, 0, 1]
    """
    sizes = np.asarray(table_sizes, dtype=np.int64)
    ranks = np.zeros(len(sizes), dtype=np.int64)
    load = np.zeros(world_size, dtype=np.int64)
    for t in np.argsort(-sizes, kind="stable"):
        ranks[t] = int(np.argmin(load))
        load[ranks[t]] += sizes[t]
    return Plan("table", int(sizes.sum()), world_size, np.r_[0, np.cumsum(sizes)], ranks)


@dataclass(frozen=True)
class Routing:
    """One rank's batch, routed: ``order`` sorts the flat indices by owner (stably), ``counts[r]`` go to rank r."""

    owner: np.ndarray  # (N,) owner rank of each index
    local: np.ndarray  # (N,) row inside the owner's storage
    order: np.ndarray  # (N,) positions sorted by owner, original order kept within an owner
    counts: np.ndarray  # (W,) how many indices go to each rank


def route(plan: Plan, indices: np.ndarray) -> Routing:
    """Route a batch: which owner gets each index, and the send order (grouped by owner).

    >>> r = route(row_wise(10, 2), np.array([7, 1, 9, 2]))
    >>> r.owner.tolist(), r.order.tolist(), r.counts.tolist(), r.local.tolist()
    ([1, 0, 1, 0], [1, 3, 0, 2], [2, 2], [2, 1, 4, 2])
    """
    flat = np.asarray(indices, dtype=np.int64).reshape(-1)
    owner = plan.owner(flat)
    return Routing(owner, plan.local(flat), np.argsort(owner, kind="stable"),
                   np.bincount(owner, minlength=plan.world_size))


def traffic(plan: Plan, batches: list[np.ndarray], dim: int, backward: bool = True) -> np.ndarray:
    """Bytes rank i sends to rank j (i != j) for one step: indices out, rows back, row gradients out.

    ``batches[r]`` is rank r's batch. A rank's own indices never leave it, so the diagonal is 0.
    (The per-rank counts, W int64 numbers each, are left out: they are the same for every batch.)

    >>> traffic(row_wise(10, 2), [np.array([7, 1]), np.array([2, 3])], dim=4).tolist()
    [[0, 56], [64, 0]]
    """
    sent = np.zeros((plan.world_size, plan.world_size), dtype=np.int64)
    row = dim * FLOAT_BYTES
    for src, batch in enumerate(batches):
        counts = route(plan, batch).counts
        for dst in range(plan.world_size):
            if dst != src:
                sent[src, dst] += counts[dst] * (INDEX_BYTES + (row if backward else 0))  # ids (+ grads) out
                sent[dst, src] += counts[dst] * row  # the rows come back
    return sent
