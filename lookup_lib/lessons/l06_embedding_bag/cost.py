"""What a bag saves (lesson 06): time and bytes of ``F.embedding_bag`` next to ``F.embedding`` then ``.sum(1)``.

:func:`measure_bag_vs_lookup_sum` times both side by side — the forward pass alone (under ``no_grad``), or
forward and backward (``backward=True``) — and counts the bytes of the tensors each forward pass makes;
torch is imported inside the functions that use it (as in lesson 02's ``cost``), so the record
imports without torch.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["BagCost", "measure_bag_vs_lookup_sum"]


@dataclass(frozen=True)
class BagCost:
    """Time and bytes of ``embedding_bag(mode="sum")`` and of ``embedding(...)`` then ``.sum(1)``.

    Attributes
    ----------
    num_bags, bag_size, vocab_size, dim : int
        B bags of L indices each, into a (V, D) float32 table.
    bag_seconds, lookup_sum_seconds : float
        Median wall-clock time of one call of each: the forward pass under ``no_grad`` or, when
        ``backward`` is True, forward + ``.sum().backward()`` into the table's gradient.
    bag_bytes, lookup_sum_bytes : int
        Bytes of the tensors each forward pass makes (from the sizes of those tensors in a CPU run):
        the bag's output (B, D) and its bookkeeping; the lookup's (B, L, D) rows and the (B, D) sum.
    backward : bool
        Whether the times include the backward pass.
    """

    num_bags: int
    bag_size: int
    vocab_size: int
    dim: int
    bag_seconds: float
    lookup_sum_seconds: float
    bag_bytes: int
    lookup_sum_bytes: int
    backward: bool = False

    @property
    def time_ratio(self) -> float:
        """How many times longer embedding + sum took."""
        return self.lookup_sum_seconds / self.bag_seconds

    @property
    def memory_ratio(self) -> float:
        """How many times more bytes embedding + sum made."""
        return self.lookup_sum_bytes / self.bag_bytes


def _made_bytes(weight: Any, indices: Any) -> tuple[int, int]:
    """Bytes made on CPU by embedding_bag(sum) and by embedding + sum, from the tensors' sizes."""
    import torch
    import torch.nn.functional as F

    weight, indices = weight.cpu(), indices.cpu()
    rows = F.embedding(indices, weight)  # (B, L, D): the intermediate
    total = rows.sum(dim=1)  # (B, D)
    num_bags, bag_size = indices.shape
    offsets = torch.arange(0, num_bags * bag_size, bag_size)  # (B,): what F.embedding_bag makes for 2-D input
    # F.embedding_bag calls this op: output (B, D) plus bookkeeping (offset2bag, bag_size, max_indices)
    made = torch.ops.aten._embedding_bag_forward_only(weight, indices.reshape(-1), offsets, False, 0)
    return offsets.nbytes + sum(t.nbytes for t in made), rows.nbytes + total.nbytes


def measure_bag_vs_lookup_sum(
    num_bags: int = 1024,
    bag_size: int = 64,
    vocab_size: int = 50_000,
    dim: int = 128,
    device: str = "cpu",
    repeats: int = 10,
    seed: int = 0,
    backward: bool = False,
) -> BagCost:
    """Time ``F.embedding_bag(idx, w, mode="sum")`` against ``F.embedding(idx, w).sum(dim=1)``, side by side.

    A float32 table (V, D) and B bags of L indices, shape (B, L), are drawn from a
    ``torch.Generator`` seeded with ``seed``. After one warm-up call of each, the two run
    alternately ``repeats`` times (a busy moment of the machine hits both); the record keeps the
    median of each. By default only the forward pass is timed, under ``torch.no_grad()``; with
    ``backward=True`` the table requires a gradient and each timed call is forward +
    ``.sum().backward()`` (the gradient is reset before each call). The bytes are always those the
    forward pass makes, from the sizes of its tensors in a CPU run, so they are the same on every machine.

    Parameters
    ----------
    num_bags, bag_size, vocab_size, dim : int
        B, L, V and D.
    device : str, default "cpu"
        Where to time ("cpu", "cuda", ...); on CUDA the timer waits for the GPU.
    repeats : int, default 10
        Timed calls of each (>= 1).
    seed : int, default 0
    backward : bool, default False
        Time forward + backward instead of the forward pass alone.

    Returns
    -------
    BagCost
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    import torch
    import torch.nn.functional as F

    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(vocab_size, dim, generator=gen)
    indices = torch.randint(0, vocab_size, (num_bags, bag_size), generator=gen)
    bag_bytes, lookup_sum_bytes = _made_bytes(weight, indices)
    weight, indices = weight.to(device), indices.to(device)
    forward = {
        "bag": lambda: F.embedding_bag(indices, weight, mode="sum"),  # (B, D), no (B, L, D) in between
        "lookup_sum": lambda: F.embedding(indices, weight).sum(dim=1),  # (B, L, D) → (B, D)
    }
    if backward:
        weight.requires_grad_(True)

        def with_backward(call: Any) -> Any:
            def run() -> None:
                weight.grad = None
                call().sum().backward()

            return run

        calls = {name: with_backward(call) for name, call in forward.items()}
    else:
        calls = forward
    synchronize = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)
    times: dict[str, list[float]] = {name: [] for name in calls}
    with torch.set_grad_enabled(backward):
        for call in calls.values():
            call()  # warm-up
        for _ in range(repeats):
            for name, call in calls.items():
                synchronize()
                start = time.perf_counter()
                call()
                synchronize()
                times[name].append(time.perf_counter() - start)
    return BagCost(num_bags, bag_size, vocab_size, dim, statistics.median(times["bag"]),
                   statistics.median(times["lookup_sum"]), bag_bytes, lookup_sum_bytes, backward)
