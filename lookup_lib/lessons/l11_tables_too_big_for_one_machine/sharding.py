"""Sharded embedding tables on ``torch.distributed``: the worker code the lesson launches.

Every rank holds a slice of the table (its ``Plan.rows_of(rank)``) and its own batch of indices.

- **Forward** (``lookup``): check the indices (lookup_lib's ``check_range``, on the caller, before
  anything is sent), group them by owner, ``all_to_all`` the counts, then the indices; every owner
  copies the rows asked for and ``all_to_all`` sends them back; the caller puts them back in batch order.
- **Backward** (``push_grads``): the gradient of each looked-up row travels the same way back to its
  owner, which adds it into its slice's gradient with ``index_add_`` (in the order a single process would).
- **Bags**: pooled by the caller from the gathered rows, with ``F.embedding_bag`` itself (bit for bit the
  single-process result), or pooled by each owner over its own rows and the partial sums added by
  the caller (``owner_pooled_bag_sum``: less traffic, another order of additions).

``mp.spawn`` starts a new Python for each rank and imports the function it runs, so ``worker`` lives
here, in a module, not in a notebook cell. ``launch`` runs it on ``127.0.0.1`` with a free port, a
timeout on every collective and on the whole run, and stops every process in a ``finally``.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

from lookup_lib.checks import check_range
from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import (
    INDEX_BYTES,
    Plan,
    route,
    row_wise,
    table_wise,
)

__all__ = ["Problem", "ShardFailure", "Traffic", "launch", "lookup", "make_problem", "push_grads", "worker"]

COLLECTIVE_TIMEOUT = 10.0  # seconds any one collective may wait for a peer


class ShardFailure(RuntimeError):
    """A rank died or hung: the run was stopped and every process cleaned up."""


# ---------------------------------------------------------------------------------------------
# The problem every rank and the single-process reference share
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A table, and for every step and rank a batch of bags and a target for each bag's vector."""

    table: torch.Tensor  # (V, D) float32
    batches: torch.Tensor  # (steps, W, B, L) int64: step s, rank r holds batches[s, r], B bags of L indices
    targets: torch.Tensor  # (steps, W, B, L, D) float32: the target of every looked-up row
    lr: float = 0.05


def make_problem(num_rows: int, dim: int, world_size: int, bags: int = 4, bag_size: int = 5, steps: int = 3,
                 seed: int = 0) -> Problem:
    """Seeded random table, batches (with repeated rows, some of them across ranks) and targets."""
    gen = torch.Generator().manual_seed(seed)
    table = torch.randn(num_rows, dim, generator=gen)
    hot = max(1, num_rows // 10)  # half the indices come from the first tenth of the rows: repeats
    uniform = torch.randint(0, num_rows, (steps, world_size, bags, bag_size), generator=gen)
    hot_ids = torch.randint(0, hot, (steps, world_size, bags, bag_size), generator=gen)
    pick = torch.rand(steps, world_size, bags, bag_size, generator=gen) < 0.5
    batches = torch.where(pick, hot_ids, uniform)
    targets = torch.randn(steps, world_size, bags, bag_size, dim, generator=gen)
    return Problem(table, batches, targets)


# ---------------------------------------------------------------------------------------------
# The exchange: forward and backward
# ---------------------------------------------------------------------------------------------


@dataclass
class Traffic:
    """Bytes this rank sent to other ranks (its own share never leaves it), by what was sent."""

    counts: int = 0
    indices: int = 0
    rows: int = 0
    grads: int = 0
    partials: int = 0
    calls: int = 0

    def total(self) -> int:
        return self.counts + self.indices + self.rows + self.grads + self.partials


def _exchange(send: torch.Tensor, send_counts: list[int], recv_counts: list[int], rank: int, what: str,
              traffic: Traffic) -> torch.Tensor:
    """``all_to_all_single``: ``send`` is grouped by destination; returns what the others sent, grouped by source."""
    recv = torch.empty((sum(recv_counts), *send.shape[1:]), dtype=send.dtype)
    dist.all_to_all_single(recv, send.contiguous(), recv_counts, send_counts)
    per_item = send.element_size() * (int(np.prod(send.shape[1:])) if send.dim() > 1 else 1)
    off_rank = sum(c for r, c in enumerate(send_counts) if r != rank)
    setattr(traffic, what, getattr(traffic, what) + off_rank * per_item)
    traffic.calls += 1
    return recv


@dataclass
class Exchange:
    """What the backward pass needs to send the gradients the way the rows came."""

    order: torch.Tensor  # (N,) the batch positions, grouped by owner
    send_counts: list[int]
    recv_counts: list[int]
    recv_local: torch.Tensor  # the local rows the other ranks asked this rank for


def lookup(plan: Plan, shard: torch.Tensor, indices: torch.Tensor, rank: int,
           traffic: Traffic) -> tuple[torch.Tensor, Exchange]:
    """The rows of ``indices`` (any shape, global row ids) from their owners: ``(*indices.shape, D)``."""
    flat = indices.reshape(-1)
    check_range(indices.numpy(), plan.num_rows)  # the same message as lookup_lib's, before anything is sent
    routing = route(plan, flat.numpy())
    order = torch.from_numpy(routing.order)
    send_counts = routing.counts.tolist()
    recv_counts_t = torch.empty(plan.world_size, dtype=torch.int64)
    dist.all_to_all_single(recv_counts_t, torch.from_numpy(routing.counts))  # everyone learns what comes
    traffic.counts += (plan.world_size - 1) * INDEX_BYTES
    recv_counts = recv_counts_t.tolist()
    asked = _exchange(torch.from_numpy(routing.local)[order], send_counts, recv_counts, rank, "indices", traffic)
    with torch.no_grad():
        rows_out = shard[asked]  # (sum(recv_counts), D): the rows the others asked for
    got = _exchange(rows_out, recv_counts, send_counts, rank, "rows", traffic)  # grouped by owner
    rows = torch.empty_like(got)
    rows[order] = got  # back in batch order
    return rows.reshape(*indices.shape, shard.shape[1]), Exchange(order, send_counts, recv_counts, asked)


def push_grads(grad_rows: torch.Tensor, ex: Exchange, shard_grad: torch.Tensor, rank: int,
               traffic: Traffic) -> None:
    """Send each looked-up row's gradient to its owner, which adds them into ``shard_grad`` (in batch order)."""
    grads = grad_rows.reshape(-1, shard_grad.shape[1])[ex.order]
    got = _exchange(grads, ex.send_counts, ex.recv_counts, rank, "grads", traffic)  # rank 0's first, then 1's, …
    shard_grad.index_add_(0, ex.recv_local, got)


def owner_pooled_bag_sum(plan: Plan, shard: torch.Tensor, bags: torch.Tensor, rank: int,
                         traffic: Traffic) -> torch.Tensor:
    """Sum-pooled bags ``(B, L)`` where each owner sums its own rows of every bag, and the caller adds the W partials.

    Sends an index and its bag number out, and one ``(B, D)`` partial per owner back, instead of every row.
    """
    num_bags, dim = bags.shape[0], shard.shape[1]
    flat = bags.reshape(-1)
    check_range(bags.numpy(), plan.num_rows)
    routing = route(plan, flat.numpy())
    order = torch.from_numpy(routing.order)
    bag_of = torch.arange(num_bags).repeat_interleave(bags.shape[1])
    recv_counts_t = torch.empty(plan.world_size, dtype=torch.int64)
    dist.all_to_all_single(recv_counts_t, torch.from_numpy(routing.counts))
    traffic.counts += (plan.world_size - 1) * INDEX_BYTES
    recv_counts = recv_counts_t.tolist()
    pairs = torch.stack([torch.from_numpy(routing.local), bag_of], dim=1)[order]  # (N, 2): local row, bag
    asked = _exchange(pairs, routing.counts.tolist(), recv_counts, rank, "indices", traffic)
    partial = torch.zeros(plan.world_size * num_bags, dim)  # one (B, D) block per source rank
    source = torch.arange(plan.world_size).repeat_interleave(torch.tensor(recv_counts))
    with torch.no_grad():
        partial.index_add_(0, source * num_bags + asked[:, 1], shard[asked[:, 0]])
    back = _exchange(partial, [num_bags] * plan.world_size, [num_bags] * plan.world_size, rank, "partials", traffic)
    return back.reshape(plan.world_size, num_bags, dim).sum(dim=0)  # the W partial sums of every bag


# ---------------------------------------------------------------------------------------------
# The jobs a rank runs
# ---------------------------------------------------------------------------------------------


def _train_steps(plan: Plan, problem: Problem, rank: int, traffic: Traffic, mode: str | None) -> dict[str, Any]:
    """SGD steps on this rank's slice: loss = sum of squared errors of the rows (or bags) against targets."""
    shard = problem.table[torch.from_numpy(plan.rows_of(rank))].clone()
    outputs, first_grad = [], None
    for step in range(problem.batches.shape[0]):
        batch, target = problem.batches[step, rank], problem.targets[step, rank]
        rows, ex = lookup(plan, shard, batch, rank, traffic)  # (B, L, D)
        rows.requires_grad_()
        if mode is None:
            out = rows  # nn.Embedding: one row per index
            loss = ((out - target) ** 2).sum()
        else:  # nn.EmbeddingBag, pooled here from the gathered rows, in the single-process order
            flat_rows = rows.reshape(-1, rows.shape[-1])
            offsets = torch.arange(0, flat_rows.shape[0], batch.shape[1])
            out = F.embedding_bag(torch.arange(flat_rows.shape[0]), flat_rows, offsets, mode=mode)  # (B, D)
            loss = ((out - target[:, 0]) ** 2).sum()
        loss.backward()
        grad = torch.zeros_like(shard)
        push_grads(rows.grad, ex, grad, rank, traffic)
        if first_grad is None:
            first_grad = grad.clone()
        shard.add_(grad, alpha=-problem.lr)  # what torch.optim.SGD does to a dense weight
        outputs.append(out.detach())
    return {"outputs": outputs, "first_grad": first_grad, "shard": shard}


def job_prove(rank: int, world_size: int, num_rows: int = 60, dim: int = 4, cyclic: bool = False,
              **_: Any) -> dict[str, Any]:
    """Everything the lesson compares with one process: Embedding, EmbeddingBag (sum, mean), owner pooling, tables."""
    problem = make_problem(num_rows, dim, world_size)
    plan = row_wise(num_rows, world_size, cyclic=cyclic)
    result: dict[str, Any] = {"rows_of": plan.rows_of(rank)}
    for name, mode in (("embedding", None), ("bag_sum", "sum"), ("bag_mean", "mean")):
        traffic = Traffic()
        result[name] = _train_steps(plan, problem, rank, traffic, mode)
        result[name]["traffic"] = traffic
    shard = problem.table[torch.from_numpy(plan.rows_of(rank))]
    traffic = Traffic()
    result["owner_pooled"] = {"out": owner_pooled_bag_sum(plan, shard, problem.batches[0, rank], rank, traffic),
                              "traffic": traffic}
    sizes = [num_rows // 2, num_rows // 3, num_rows - num_rows // 2 - num_rows // 3]  # three tables, stacked
    tables = table_wise(sizes, world_size)
    traffic = Traffic()
    result["table_wise"] = _train_steps(tables, problem, rank, traffic, None)
    result["table_wise"]["rows_of"] = tables.rows_of(rank)
    return result


def job_time(rank: int, world_size: int, num_rows: int = 200_000, dim: int = 64, batch: int = 16_384,
             repeats: int = 5, **_: Any) -> dict[str, Any]:
    """Seconds per training step (lookup, backward, SGD) on this rank's half of a global batch."""
    gen = torch.Generator().manual_seed(1)
    table = torch.randn(num_rows, dim, generator=gen)
    plan = row_wise(num_rows, world_size)
    shard = table[torch.from_numpy(plan.rows_of(rank))].clone()
    indices = torch.randint(0, num_rows, (repeats + 1, world_size, batch // world_size), generator=gen)
    times = []
    for k in range(repeats + 1):  # the first step warms up
        dist.barrier()
        start = time.perf_counter()
        traffic = Traffic()
        rows, ex = lookup(plan, shard, indices[k, rank], rank, traffic)
        grad = torch.zeros_like(shard)
        push_grads(2 * rows, ex, grad, rank, traffic)  # the gradient of sum(rows ** 2)
        shard.add_(grad, alpha=-0.01)
        dist.barrier()
        times.append(time.perf_counter() - start)
    return {"seconds": float(np.median(times[1:])), "traffic": traffic}


def job_die(rank: int, world_size: int, **_: Any) -> dict[str, Any]:
    """Rank 1 dies in the middle of a step (as a machine would); the others wait in a collective."""
    problem = make_problem(60, 4, world_size)
    plan = row_wise(60, world_size)
    shard = problem.table[torch.from_numpy(plan.rows_of(rank))].clone()
    lookup(plan, shard, problem.batches[0, rank], rank, Traffic())  # one step goes through
    if rank == 1:
        os._exit(3)  # no cleanup, no goodbye: like a killed process
    lookup(plan, shard, problem.batches[1, rank], rank, Traffic())  # rank 0 waits here for rank 1
    return {}


def job_bad_index(rank: int, world_size: int, **_: Any) -> dict[str, Any]:
    """Rank 0's batch holds a row that does not exist; lookup() refuses it before routing."""
    problem = make_problem(60, 4, world_size)
    plan = row_wise(60, world_size)
    shard = problem.table[torch.from_numpy(plan.rows_of(rank))].clone()
    batch = problem.batches[0, rank].clone()
    if rank == 0:
        batch[1, 2] = 60  # one past the last row
    lookup(plan, shard, batch, rank, Traffic())
    return {}


JOBS = {"prove": job_prove, "time": job_time, "die": job_die, "bad_index": job_bad_index}


def worker(rank: int, world_size: int, port: int, job: str, outdir: str, options: dict[str, Any]) -> None:
    """One rank: join the group on 127.0.0.1:port (gloo), run ``JOBS[job]``, save its result for the parent."""
    torch.set_num_threads(1)  # one core per rank: the processes do not fight over threads
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world_size,
                            timeout=datetime.timedelta(seconds=options.get("timeout", COLLECTIVE_TIMEOUT)))
    try:
        result = JOBS[job](rank, world_size, **options)
        torch.save(result, os.path.join(outdir, f"rank{rank}.pt"))
    except Exception as exc:  # tell the parent what went wrong, in words, then fail
        with open(os.path.join(outdir, f"rank{rank}.error"), "w", encoding="utf-8") as f:
            f.write(f"{type(exc).__name__}\n{exc}")
        raise
    finally:
        dist.destroy_process_group()


# ---------------------------------------------------------------------------------------------
# The launcher
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nobody listens on now, on 127.0.0.1 (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(job: str, world_size: int, timeout: float = 60.0, **options: Any) -> list[dict[str, Any]]:
    """Run ``JOBS[job]`` on ``world_size`` processes (gloo on 127.0.0.1); return every rank's result.

    Raises
    ------
    IndexError, ValueError : what a rank raised (the message as it was).
    ShardFailure : a rank died or the run passed ``timeout`` seconds; every process is stopped first.
    """
    outdir = tempfile.mkdtemp(prefix="shards-")
    logging.getLogger("torch.multiprocessing.spawn").setLevel(logging.ERROR)  # no "Terminating process <pid>" lines
    ctx = mp.spawn(worker, args=(world_size, free_port(), job, outdir, options), nprocs=world_size, join=False)
    deadline = time.monotonic() + timeout
    try:
        while not ctx.join(timeout=0.05):
            if time.monotonic() > deadline:
                raise ShardFailure(t("{job} on {n} processes ran past {timeout:g} s; stopped every rank",
                                     job=repr(job), n=world_size, timeout=timeout))
        return [torch.load(os.path.join(outdir, f"rank{r}.pt"), weights_only=False) for r in range(world_size)]
    except mp.ProcessRaisedException:
        for r in range(world_size):
            path = os.path.join(outdir, f"rank{r}.error")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    name, _, message = f.read().partition("\n")
                error = {"IndexError": IndexError, "ValueError": ValueError}.get(name, ShardFailure)
                raise error(message) from None
        raise ShardFailure(t("a rank of {job} raised; stopped every rank", job=repr(job))) from None
    except mp.ProcessExitedException as exc:
        raise ShardFailure(t("rank {rank} died (exit code {code}) in the middle of {job}; the other ranks were stopped",
                             rank=exc.error_index, code=exc.exit_code, job=repr(job))) from None
    finally:
        for p in ctx.processes:  # nothing outlives the call, whatever happened
            if p.is_alive():
                p.kill()
            p.join(timeout=5)
        shutil.rmtree(outdir, ignore_errors=True)
