"""What a lookup costs next to the same lookup written as a one-hot matrix product.

A lookup ``weight[indices]`` copies B rows of D numbers: O(B·D) work, and it makes only
the (B, D) output. The product ``one_hot(indices, V) @ weight`` first makes a (B, V)
matrix that is almost all zeros, then does B·V·D multiply-adds: O(B·V·D) work and
O(B·V) memory, both growing with the vocabulary size V.

:func:`measure_lookup_vs_onehot` times both in torch, side by side in one run, on any
device, and records the bytes each one materialises. torch is imported inside the
functions that use it, so the records and the byte formulas import without torch (the
lesson's figures use them). This module is shared with ``benchmarks/``.

:func:`measure_lookup_alone_and_after_product` explains why the lookup's time in that measurement
still grows with V: it times the same lookup run alone, over and over (its rows stay in the CPU's
caches), and run right after a one-hot product (which has just streamed the whole table and the
(B, V) matrix through the caches).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CostRecord",
    "lookup_bytes",
    "onehot_bytes",
    "multiply_adds",
    "measure_lookup_vs_onehot",
    "measure_lookup_alone_and_after_product",
]


@dataclass(frozen=True)
class CostRecord:
    """Time and memory of one lookup and of the same lookup as a one-hot product.

    Attributes
    ----------
    vocab_size : int
        V, the number of rows of the table.
    batch : int
        B, the number of indices looked up.
    dim : int
        D, the length of each row.
    lookup_seconds, onehot_seconds : float
        Median wall-clock time of one call of each method.
    lookup_bytes, onehot_bytes : int
        Bytes of the tensors each method makes: the output, plus the one-hot matrix for the product.
    """

    vocab_size: int
    batch: int
    dim: int
    lookup_seconds: float
    onehot_seconds: float
    lookup_bytes: int
    onehot_bytes: int

    @property
    def time_ratio(self) -> float:
        """How many times longer the one-hot product took."""
        return self.onehot_seconds / self.lookup_seconds

    @property
    def memory_ratio(self) -> float:
        """How many times more memory the one-hot product made."""
        return self.onehot_bytes / self.lookup_bytes


def lookup_bytes(batch: int, dim: int, itemsize: int = 4) -> int:
    """Bytes a lookup materialises: only its (B, D) output.

    Examples
    --------
    >>> lookup_bytes(batch=4, dim=128)  # 4 rows of 128 float32
    2048
    """
    return batch * dim * itemsize


def onehot_bytes(batch: int, vocab_size: int, dim: int, itemsize: int = 4) -> int:
    """Bytes the one-hot product materialises: the (B, V) one-hot matrix and the (B, D) output.

    Examples
    --------
    >>> onehot_bytes(batch=4, vocab_size=5000, dim=128)  # 80,000 for one_hot + 2,048 for the output
    82048
    """
    return batch * vocab_size * itemsize + lookup_bytes(batch, dim, itemsize)


def multiply_adds(batch: int, vocab_size: int, dim: int) -> int:
    """Multiply-adds of ``one_hot (B, V) @ weight (V, D)``: one per (b, v, d), B·V·D.

    Examples
    --------
    >>> multiply_adds(batch=4, vocab_size=5000, dim=128)
    2560000
    """
    return batch * vocab_size * dim


def _timed_call(fn: Callable[[], Any], synchronize: Callable[[], None]) -> tuple[float, Any]:
    """Seconds one call of ``fn`` takes (waiting for the device before and after), and its result."""
    synchronize()
    start = time.perf_counter()
    result = fn()
    synchronize()
    return time.perf_counter() - start, result


def _one_case(vocab_size: int, dim: int, batch: int, device: str, repeats: int, seed: int) -> CostRecord:
    """Build one table and index batch, time both methods alternately, and record their bytes."""
    import torch
    import torch.nn.functional as F

    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(vocab_size, dim, generator=gen).to(device)
    indices = torch.randint(0, vocab_size, (batch,), generator=gen).to(device)
    rows = torch.arange(batch, device=device)

    def lookup() -> tuple[Any, ...]:
        return (F.embedding(indices, weight),)  # (B, D)

    def onehot() -> tuple[Any, ...]:
        one_hot = torch.zeros(batch, vocab_size, dtype=weight.dtype, device=device)  # (B, V)
        one_hot[rows, indices] = 1.0
        return one_hot, one_hot @ weight  # (B, V), (B, D)

    synchronize = torch.cuda.synchronize if torch.device(device).type == "cuda" else (lambda: None)
    times: dict[str, list[float]] = {"lookup": [], "onehot": []}
    made: dict[str, tuple[Any, ...]] = {}
    with torch.no_grad():
        for name, fn in (("lookup", lookup), ("onehot", onehot)):
            made[name] = fn()  # warm-up: first calls pay for allocation and kernel set-up
        for _ in range(repeats):  # alternate, so a busy moment of the machine hits both
            for name, fn in (("lookup", lookup), ("onehot", onehot)):
                seconds, made[name] = _timed_call(fn, synchronize)
                times[name].append(seconds)
    return CostRecord(
        vocab_size=vocab_size,
        batch=batch,
        dim=dim,
        lookup_seconds=statistics.median(times["lookup"]),
        onehot_seconds=statistics.median(times["onehot"]),
        lookup_bytes=sum(t.nbytes for t in made["lookup"]),
        onehot_bytes=sum(t.nbytes for t in made["onehot"]),
    )


def measure_lookup_vs_onehot(
    vocab_sizes: Sequence[int],
    dim: int = 128,
    batch: int = 256,
    device: str = "cpu",
    repeats: int = 5,
    seed: int = 0,
    cpu_threads: int | None = None,
) -> list[CostRecord]:
    """Time ``F.embedding(indices, weight)`` against ``one_hot(indices, V) @ weight`` for each V.

    For each vocabulary size a float32 table (V, D) and B indices are drawn from a
    ``torch.Generator`` seeded with ``seed``. After one warm-up call of each, the two methods
    run alternately ``repeats`` times; each record keeps the median time of each. The bytes
    are those of the tensors each method returns (they are exactly :func:`lookup_bytes` and
    :func:`onehot_bytes`).

    Parameters
    ----------
    vocab_sizes : sequence of int
        The values of V to try, e.g. ``[100, 1000, 10_000, 100_000]``.
    dim : int, default 128
        D, the embedding dimension.
    batch : int, default 256
        B, the number of indices looked up at once.
    device : str, default "cpu"
        Where to run ("cpu", "cuda", ...); on CUDA the timer waits for the GPU to finish.
    repeats : int, default 5
        Timed calls of each method per vocabulary size (>= 1).
    seed : int, default 0
        Seed of the generator that draws the tables and indices.
    cpu_threads : int, optional
        If given, torch uses this many CPU threads while measuring (set back afterwards).
        One thread gives steadier timings on a busy, shared machine.

    Returns
    -------
    list of CostRecord
        One record per vocabulary size, in the order given.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for v in vocab_sizes:
        if int(v) != v or v < 1:
            raise ValueError(f"every vocabulary size must be a whole number >= 1, got {v!r}")
    import torch

    threads = torch.get_num_threads()
    if cpu_threads is not None:
        torch.set_num_threads(cpu_threads)
    try:
        if vocab_sizes:  # one untimed round first: the first torch calls of a process start thread pools
            _one_case(int(vocab_sizes[0]), dim, batch, device, 1, seed)
        return [_one_case(int(v), dim, batch, device, repeats, seed) for v in vocab_sizes]
    finally:
        torch.set_num_threads(threads)



def measure_lookup_alone_and_after_product(
    vocab_size: int,
    dim: int = 128,
    batch: int = 256,
    repeats: int = 7,
    seed: int = 0,
    cpu_threads: int | None = None,
) -> tuple[float, float]:
    """Median seconds of one CPU lookup run alone, and of the same lookup right after a one-hot product.

    The table and indices are those :func:`measure_lookup_vs_onehot` draws for ``vocab_size`` (same
    seed). "Alone": the lookup is called ``repeats`` times in a row, after one warm-up call, so the
    B rows it reads and the memory it writes stay in the caches. "After a product": before each timed
    lookup, ``one_hot(indices, V) @ weight`` runs untimed, as it does in the alternating measurement.

    Parameters
    ----------
    vocab_size, dim, batch, seed : int
        V, D, B and the generator's seed, as in :func:`measure_lookup_vs_onehot`.
    repeats : int, default 7
        Timed lookups of each kind (>= 1).
    cpu_threads : int, optional
        If given, torch uses this many CPU threads while measuring (set back afterwards).

    Returns
    -------
    alone, after_product : float
        The two median times, in seconds.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    import torch
    import torch.nn.functional as F

    gen = torch.Generator().manual_seed(seed)
    weight = torch.randn(vocab_size, dim, generator=gen)  # (V, D)
    indices = torch.randint(0, vocab_size, (batch,), generator=gen)  # (B,)
    rows = torch.arange(batch)

    def lookup() -> Any:
        return F.embedding(indices, weight)  # (B, D)

    def product() -> Any:
        one_hot = torch.zeros(batch, vocab_size)  # (B, V)
        one_hot[rows, indices] = 1.0
        return one_hot @ weight  # (B, D)

    def no_wait() -> None:
        return None

    threads = torch.get_num_threads()
    if cpu_threads is not None:
        torch.set_num_threads(cpu_threads)
    try:
        with torch.no_grad():
            for _ in range(20):  # warm-up: the first calls of a process pay for set-up
                lookup()
            product()
            alone = [_timed_call(lookup, no_wait)[0] for _ in range(repeats)]
            after = []
            for _ in range(repeats):
                product()
                after.append(_timed_call(lookup, no_wait)[0])
    finally:
        torch.set_num_threads(threads)
    return statistics.median(alone), statistics.median(after)
