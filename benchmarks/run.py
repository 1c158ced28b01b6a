"""Measure lookup_lib against torch, and a lookup against a plain memory copy, side by side.

Run from the repository root::

    python -m benchmarks.run                 # CPU: writes benchmarks/results-cpu.md and .json
    python -m benchmarks.run --device cuda   # torch on the GPU: benchmarks/results-cuda.md and .json
    python -m benchmarks.run --quick         # tiny sizes, a few seconds (results-cpu-quick.*)

Every figure is a ratio measured in the same run, never a lone time. The contenders of one case
take turns (A B C, B C A, C A B, ...), so that a busy moment of a shared machine hits them alike;
after one untimed warm-up call each, they are timed round after round, at least ``--repeats``
rounds and until the case has run 2 s. A time ratio is the median over the rounds of the two
contenders' times in the same round (the memory ratios are exact byte counts). The sections:

1. forward: ``lookup_lib.embedding`` vs ``F.embedding`` vs ``src.copy()`` of the output's bytes;
2. dense backward: ``lookup_lib.embedding_backward`` vs torch's kernel (and ``np.add.at``);
3. the one-hot product vs the lookup as V grows (torch rows from :mod:`lookup_lib.lessons.l02_one_hot_matmul.cost`);
4. ``embedding_bag`` vs ``embedding`` + a reduction, in lookup_lib and in torch.

With ``--device cuda`` the torch rows run on the GPU, against a GPU copy and against torch on
this machine's CPU (lookup_lib is NumPy: CPU only).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    # The command line: NumPy's matrix products (the one-hot rows) on one thread, as everything else
    # in lookup_lib runs; two BLAS threads on a busy two-core machine wait for each other.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import lookup_lib  # noqa: E402
from lookup_lib.lessons.l02_one_hot_matmul.cost import measure_lookup_vs_onehot  # noqa: E402

HERE = Path(__file__).resolve().parent
MAX_ROUNDS = 200  # at most this many samples of each contender in one case
SECTIONS = ("forward", "backward", "onehot", "bag")


# ---------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How big each section's cases are, and how often each contender is timed."""

    forward_vocab: tuple[int, ...]  # V of the forward grid
    forward_dims: tuple[int, ...]  # D of the forward grid
    num_indices: int  # indices per lookup (forward and backward)
    backward_vocab: int
    backward_dim: int  # D of every backward case ...
    backward_more_dims: tuple[int, ...]  # ... and uniform indices again at these D
    onehot_vocab: tuple[int, ...]
    onehot_dim: int
    onehot_batch: int
    bag_vocab: int
    bag_dim: int
    bags: int
    bag_length: int
    repeats: int  # timed calls of each contender, at least; the median is kept
    min_seconds: float = 0.0  # ... and more calls until each case has taken this long
    calls_per_sample: int = 1  # back-to-back calls in one timed sample of a GPU contender (short kernels)


FULL = Sizes(
    forward_vocab=(10_000, 100_000, 1_000_000),
    forward_dims=(64, 256, 1024),
    num_indices=65_536,
    backward_vocab=100_000,
    backward_dim=256,
    backward_more_dims=(64, 1024),
    onehot_vocab=(100, 1_000, 10_000, 100_000),
    onehot_dim=128,
    onehot_batch=256,
    bag_vocab=100_000,
    bag_dim=256,
    bags=4096,
    bag_length=16,
    repeats=9,
    min_seconds=2.0,
)
FULL_CUDA = replace(FULL, onehot_vocab=(1_000, 10_000, 100_000, 1_000_000), calls_per_sample=10)
QUICK = Sizes(
    forward_vocab=(100, 1_000),
    forward_dims=(8, 32),
    num_indices=512,
    backward_vocab=1_000,
    backward_dim=16,
    backward_more_dims=(4,),
    onehot_vocab=(10, 100),
    onehot_dim=8,
    onehot_batch=16,
    bag_vocab=1_000,
    bag_dim=16,
    bags=32,
    bag_length=8,
    repeats=3,
)


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------


@dataclass
class Section:
    """One table of the report: rows of figures, and how to show them."""

    name: str
    title: str
    intro: str
    columns: list[tuple[str, str]]  # (header, key in each row)
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def synchronizer(device: str) -> Callable[[], None]:
    """A function that waits until the device has finished its queued work (nothing to wait for on CPU)."""
    return torch.cuda.synchronize if device == "cuda" else (lambda: None)


@dataclass
class Timing:
    """The timed samples of each contender of one case, round by round."""

    samples: dict[str, list[float]]

    @property
    def seconds(self) -> dict[str, float]:
        """Median seconds per call of each contender."""
        return {name: statistics.median(times) for name, times in self.samples.items()}

    @property
    def rounds(self) -> int:
        return len(next(iter(self.samples.values())))

    def ratio(self, a: str, b: str) -> float:
        """Median over the rounds of a's time ÷ b's time in the same round (paired: a slow moment cancels)."""
        return statistics.median(x / y for x, y in zip(self.samples[a], self.samples[b], strict=True))

    def record(self) -> dict[str, Any]:
        """What the JSON keeps: the medians and the number of samples."""
        return {"seconds": self.seconds, "rounds": self.rounds}


def side_by_side(contenders: dict[str, Callable[[], Any]], sizes: Sizes, device: str) -> Timing:
    """Time the contenders of one case, taking turns.

    Each contender is called once untimed (warm-up); then rounds follow, at least
    ``sizes.repeats`` of them and more until ``sizes.min_seconds`` have passed (cheap cases get
    many samples: the machine is shared and noisy). Round r starts with contender r
    (A B C, B C A, C A B, ...), so none is always first after a pause. One timed sample is
    one call, or for a contender named "... (GPU)" ``sizes.calls_per_sample`` back-to-back calls,
    divided by that number (a GPU kernel can take less time than the Python call that starts it).
    """
    names, sync = list(contenders), synchronizer(device)
    for fn in contenders.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in names}
    began = time.perf_counter()
    rounds = 0
    while rounds < sizes.repeats or (time.perf_counter() - began < sizes.min_seconds and rounds < MAX_ROUNDS):
        shift = rounds % len(names)
        for name in names[shift:] + names[:shift]:
            fn, calls = contenders[name], sizes.calls_per_sample if name.endswith("(GPU)") else 1
            sync()
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            sync()
            samples[name].append((time.perf_counter() - start) / calls)
        rounds += 1
    return Timing(samples)


def traced_peak_bytes(fn: Callable[[], Any]) -> int:
    """The most memory NumPy (and Python) held at once while ``fn`` ran, above what was held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def random_table(num_embeddings: int, dim: int, device: str, seed: int) -> torch.Tensor:
    """A (V, D) float32 table of uniform numbers, made on ``device``.

    On the CPU it is a NumPy array seen as a tensor: lookup_lib and torch read the same memory.
    """
    if device == "cpu":
        return torch.from_numpy(np.random.default_rng(seed).random((num_embeddings, dim), dtype=np.float32))
    gen = torch.Generator(device=device).manual_seed(seed)
    return torch.rand(num_embeddings, dim, generator=gen, device=device)


def zipf_probabilities(num_rows: int, exponent: float = 1.0) -> np.ndarray:
    """Zipf's law over the rows: row k is drawn with probability proportional to 1 / (k + 1) ** exponent."""
    p = 1.0 / np.arange(1, num_rows + 1) ** exponent
    return p / p.sum()


def draw_indices(kind: str, num_rows: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n int64 indices into ``num_rows`` rows: ``uniform``, ``one row`` (all the same) or ``Zipf``."""
    if kind == "uniform":
        return rng.integers(0, num_rows, n)
    if kind == "one row":
        return np.full(n, num_rows // 2, dtype=np.int64)
    if kind == "Zipf":
        return rng.choice(num_rows, size=n, p=zipf_probabilities(num_rows))
    raise ValueError(f"unknown index distribution {kind!r}")


def free_memory() -> None:
    """Give the GPU memory the last case held back to the device before the next one allocates."""
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


# ---------------------------------------------------------------------------------------------
# 1. Forward
# ---------------------------------------------------------------------------------------------


def forward_section(sizes: Sizes, device: str, max_table_gb: float, seed: int) -> Section:
    """The lookup vs a plain copy of the same bytes, for every (V, D) of the grid."""
    n = sizes.num_indices
    if device == "cpu":
        section = Section(
            "forward",
            "Forward: lookup vs plain copy",
            f"{n:,} uniform indices into a float32 (V, D) table. `lookup_lib ÷ torch`: time of "
            "`lookup_lib.embedding` over `F.embedding` (target ≤ 1: at least torch's speed). "
            "`share of copy`: time of `src.copy()` of the output's bytes (an (N, D) array: the same "
            "allocation and writes, without the random reads) over the lookup's time, i.e. the "
            "fraction of the copy bandwidth the lookup reaches (target ≥ 0.5 for D ≥ 256).",
            [
                ("V", "V"),
                ("D", "D"),
                ("lookup_lib ÷ torch", "lib_over_torch"),
                ("lookup_lib: share of copy", "lib_share_of_copy"),
                ("torch: share of copy", "torch_share_of_copy"),
            ],
        )
    else:
        section = Section(
            "forward",
            "Forward on the GPU: lookup vs plain copy, and vs the CPU",
            f"{n:,} uniform indices into a float32 (V, D) table. `share of copy`: time of a GPU "
            "`src.clone()` of the output's bytes over the time of `F.embedding` on the GPU. "
            "`CPU ÷ GPU`: torch's time on this machine's CPU over its time on the GPU.",
            [("V", "V"), ("D", "D"), ("torch: share of copy", "torch_share_of_copy"), ("CPU ÷ GPU", "cpu_over_gpu")],
        )
    rng = np.random.default_rng(seed)
    for V in sizes.forward_vocab:
        for D in sizes.forward_dims:
            table_gb = V * D * 4 / 1e9
            if table_gb > max_table_gb:
                section.notes.append(
                    f"V={V:,}, D={D}: skipped, its table is {table_gb:.1f} GB (> --max-table-gb {max_table_gb:g})."
                )
                continue
            section.rows.append(_forward_case(V, D, n, sizes, device, rng, seed))
            free_memory()
    return section


def _forward_case(
    V: int, D: int, n: int, sizes: Sizes, device: str, rng: np.random.Generator, seed: int
) -> dict[str, Any]:
    """Time the lookups and the copy of one (V, D) case."""
    indices = torch.from_numpy(rng.integers(0, V, n))
    weight = random_table(V, D, device, seed)
    src = random_table(n, D, device, seed + 1)  # as many bytes as one lookup's output
    if device == "cpu":
        w, idx, s = weight.numpy(), indices.numpy(), src.numpy()
        timing = side_by_side(
            {
                "lookup_lib": lambda: lookup_lib.embedding(idx, w),
                "torch": lambda: F.embedding(indices, weight),
                "copy": lambda: s.copy(),
            },
            sizes,
            device,
        )
        ratios = {
            "lib_over_torch": timing.ratio("lookup_lib", "torch"),
            "lib_share_of_copy": timing.ratio("copy", "lookup_lib"),
            "torch_share_of_copy": timing.ratio("copy", "torch"),
        }
    else:
        idx_gpu, weight_cpu = indices.to(device), weight.cpu()
        timing = side_by_side(
            {
                "torch (GPU)": lambda: F.embedding(idx_gpu, weight),
                "copy (GPU)": lambda: src.clone(),
                "torch (CPU)": lambda: F.embedding(indices, weight_cpu),
            },
            sizes,
            device,
        )
        ratios = {
            "torch_share_of_copy": timing.ratio("copy (GPU)", "torch (GPU)"),
            "cpu_over_gpu": timing.ratio("torch (CPU)", "torch (GPU)"),
        }
    return {"V": V, "D": D, "N": n, **timing.record(), **ratios}


# ---------------------------------------------------------------------------------------------
# 2. Dense backward
# ---------------------------------------------------------------------------------------------

PADDING_SHARE = 0.25  # with padding, this share of the positions holds the padding index (row 0)


@dataclass(frozen=True)
class BackwardCase:
    """Which indices, which options, which D."""

    indices: str  # a kind for draw_indices
    padding: bool
    scale_grad_by_freq: bool
    dim: int
    with_add_at: bool = False  # also time np.add.at, the plain form

    @property
    def options(self) -> str:
        named = [
            name for name, on in (("padding_idx", self.padding), ("scale_grad_by_freq", self.scale_grad_by_freq)) if on
        ]
        return " + ".join(named) or "—"


def backward_cases(sizes: Sizes) -> list[BackwardCase]:
    """Three index distributions, the two options that change the sum, and uniform indices at other D."""
    D = sizes.backward_dim
    return [
        BackwardCase("uniform", False, False, D, with_add_at=True),
        BackwardCase("one row", False, False, D, with_add_at=True),
        BackwardCase("Zipf", False, False, D, with_add_at=True),
        BackwardCase("uniform", True, False, D),
        BackwardCase("uniform", False, True, D),
        BackwardCase("Zipf", True, True, D),
        *(BackwardCase("uniform", False, False, d) for d in sizes.backward_more_dims),
    ]


def backward_section(sizes: Sizes, device: str, seed: int) -> Section:
    """The dense gradient of the table, for several index distributions and options."""
    n, V = sizes.num_indices, sizes.backward_vocab
    intro = (
        f"Gradient of a (V={V:,}, D) float32 table from {n:,} indices; `Zipf`: row k drawn with "
        f"probability ∝ 1/(k+1); `padding_idx`: row 0, and {PADDING_SHARE:.0%} of the positions hold it. "
        "torch's time is that of its dense kernel `torch.ops.aten.embedding_dense_backward` "
        "(what autograd calls for `F.embedding`). "
    )
    if device == "cpu":
        intro += "`lookup_lib ÷ torch`: time of `lookup_lib.embedding_backward` over torch's (target ≤ 1.5)."
        columns = [
            ("indices", "indices"),
            ("options", "options"),
            ("D", "D"),
            ("lookup_lib ÷ torch", "lib_over_torch"),
            ("np.add.at ÷ torch", "add_at_over_torch"),
        ]
    else:
        intro += "`CPU ÷ GPU`: torch's time on this machine's CPU over its time on the GPU."
        columns = [("indices", "indices"), ("options", "options"), ("D", "D"), ("CPU ÷ GPU", "cpu_over_gpu")]
    section = Section("backward", "Dense backward", intro, columns)
    rng = np.random.default_rng(seed)
    for case in backward_cases(sizes):
        section.rows.append(_backward_case(case, V, n, sizes, device, rng))
        free_memory()
    return section


def _backward_case(
    case: BackwardCase, V: int, n: int, sizes: Sizes, device: str, rng: np.random.Generator
) -> dict[str, Any]:
    """Time the dense backward of one case."""
    idx = draw_indices(case.indices, V, n, rng)
    pad = 0 if case.padding else None
    if case.padding:
        idx[rng.random(n) < PADDING_SHARE] = 0
    grad = rng.standard_normal((n, case.dim), dtype=np.float32)
    scale = case.scale_grad_by_freq

    def torch_backward(g: torch.Tensor, i: torch.Tensor) -> Callable[[], Any]:
        return lambda: torch.ops.aten.embedding_dense_backward(g, i, V, -1 if pad is None else pad, scale)

    tg, ti = torch.from_numpy(grad), torch.from_numpy(idx)
    if device == "cpu":
        contenders = {
            "lookup_lib": lambda: lookup_lib.embedding_backward(
                grad, idx, V, padding_idx=pad, scale_grad_by_freq=scale
            ),
            "torch": torch_backward(tg, ti),
        }
        if case.with_add_at:
            contenders["np.add.at"] = lambda: np.add.at(np.zeros((V, case.dim), np.float32), idx, grad)
        timing = side_by_side(contenders, sizes, device)
        ratios = {"lib_over_torch": timing.ratio("lookup_lib", "torch")}
        if case.with_add_at:
            ratios["add_at_over_torch"] = timing.ratio("np.add.at", "torch")
    else:
        contenders = {
            "torch (GPU)": torch_backward(tg.to(device), ti.to(device)),
            "torch (CPU)": torch_backward(tg, ti),
        }
        timing = side_by_side(contenders, sizes, device)
        ratios = {"cpu_over_gpu": timing.ratio("torch (CPU)", "torch (GPU)")}
    return {
        "indices": case.indices,
        "options": case.options,
        "D": case.dim,
        "V": V,
        "N": n,
        **timing.record(),
        **ratios,
    }


# ---------------------------------------------------------------------------------------------
# 3. One-hot product vs lookup
# ---------------------------------------------------------------------------------------------


def onehot_section(sizes: Sizes, device: str, seed: int) -> Section:
    """Time and memory of ``one_hot(indices, V) @ weight`` over those of the lookup, as V grows."""
    B, D = sizes.onehot_batch, sizes.onehot_dim
    records = measure_lookup_vs_onehot(
        list(sizes.onehot_vocab), dim=D, batch=B, device=device, repeats=sizes.repeats, seed=seed
    )
    columns = [
        ("V", "V"),
        ("torch: time", "torch_time_ratio"),
        ("torch: bytes made", "torch_bytes_ratio"),
    ]
    intro = (
        f"{B} indices into a (V, D={D}) float32 table. Each figure is one-hot product ÷ lookup. "
        "torch rows come from lesson 02's `cost.measure_lookup_vs_onehot`: median times, and the bytes "
        "of the tensors each method makes (the one-hot matrix and the output, vs the output)."
    )
    if device == "cpu":
        columns += [("lookup_lib: time", "lib_time_ratio"), ("lookup_lib: peak memory", "lib_peak_ratio")]
        intro += (
            " lookup_lib rows: `one_hot_matmul` vs `embedding`, timed side by side; peak memory as "
            "traced by `tracemalloc` (NumPy's allocations, the one-hot's bool and float arrays included)."
        )
    section = Section("onehot", "One-hot product vs lookup as V grows", intro, columns)
    rng = np.random.default_rng(seed)
    for record in records:
        row: dict[str, Any] = {
            "V": record.vocab_size,
            "D": D,
            "B": B,
            "seconds": {"torch lookup": record.lookup_seconds, "torch one-hot": record.onehot_seconds},
            "torch_time_ratio": record.time_ratio,
            "torch_bytes_ratio": record.memory_ratio,
        }
        if device == "cpu":
            row.update(_onehot_lookup_lib(record.vocab_size, D, B, sizes, rng))
        section.rows.append(row)
        free_memory()
    return section


def _onehot_lookup_lib(V: int, D: int, B: int, sizes: Sizes, rng: np.random.Generator) -> dict[str, Any]:
    """lookup_lib's one-hot product vs its lookup: time ratio and traced peak memory ratio."""
    weight = rng.standard_normal((V, D), dtype=np.float32)
    idx = rng.integers(0, V, B)
    timing = side_by_side(
        {
            "lookup_lib lookup": lambda: lookup_lib.embedding(idx, weight),
            "lookup_lib one-hot": lambda: lookup_lib.one_hot_matmul(idx, weight),
        },
        sizes,
        "cpu",
    )
    peak_lookup = traced_peak_bytes(lambda: lookup_lib.embedding(idx, weight))
    peak_onehot = traced_peak_bytes(lambda: lookup_lib.one_hot_matmul(idx, weight))
    return {
        "seconds_lookup_lib": timing.seconds,
        "rounds_lookup_lib": timing.rounds,
        "peak_bytes": {"lookup_lib lookup": peak_lookup, "lookup_lib one-hot": peak_onehot},
        "lib_time_ratio": timing.ratio("lookup_lib one-hot", "lookup_lib lookup"),
        "lib_peak_ratio": peak_onehot / peak_lookup,
    }


# ---------------------------------------------------------------------------------------------
# 4. embedding_bag vs embedding + reduction
# ---------------------------------------------------------------------------------------------


def bag_section(sizes: Sizes, device: str, seed: int) -> Section:
    """One call that reduces each bag vs a lookup of every index followed by a reduction."""
    V, D, B, L = sizes.bag_vocab, sizes.bag_dim, sizes.bags, sizes.bag_length
    intro = (
        f"{B:,} bags of {L} uniform indices ((B, L) indices, one bag per row) into a (V={V:,}, D={D}) "
        "float32 table. `bag ÷ (lookup + reduce)`: time of `embedding_bag` over that of `embedding` "
        "followed by `.sum(1)` / `.mean(1)` on the (B, L, D) result."
    )
    if device == "cpu":
        intro += " `lookup_lib bag ÷ torch bag`: the two `embedding_bag`s."
        columns = [
            ("mode", "mode"),
            ("lookup_lib: bag ÷ (lookup + reduce)", "lib_bag_over_lookup"),
            ("torch: bag ÷ (lookup + reduce)", "torch_bag_over_lookup"),
            ("lookup_lib bag ÷ torch bag", "lib_bag_over_torch_bag"),
        ]
    else:
        columns = [("mode", "mode"), ("torch (GPU): bag ÷ (lookup + reduce)", "torch_bag_over_lookup")]
    section = Section("bag", "embedding_bag vs embedding + reduction", intro, columns)
    rng = np.random.default_rng(seed)
    weight = random_table(V, D, device, seed)
    indices = torch.from_numpy(rng.integers(0, V, (B, L))).to(device)
    on = "" if device == "cpu" else " (GPU)"  # GPU contenders are named so (see side_by_side)
    for mode in ("sum", "mean"):
        contenders = _bag_contenders(mode, weight, indices, with_lookup_lib=device == "cpu")
        timing = side_by_side({name + on: fn for name, fn in contenders.items()}, sizes, device)
        row: dict[str, Any] = {
            "mode": mode,
            "V": V,
            "D": D,
            "bags": B,
            "bag_length": L,
            **timing.record(),
            "torch_bag_over_lookup": timing.ratio("torch bag" + on, "torch lookup + reduce" + on),
        }
        if device == "cpu":
            row["lib_bag_over_lookup"] = timing.ratio("lookup_lib bag", "lookup_lib lookup + reduce")
            row["lib_bag_over_torch_bag"] = timing.ratio("lookup_lib bag", "torch bag")
        section.rows.append(row)
    return section


def _bag_contenders(
    mode: str, weight: torch.Tensor, indices: torch.Tensor, with_lookup_lib: bool
) -> dict[str, Callable[[], Any]]:
    """torch's bag and lookup + reduction, and lookup_lib's too (CPU tensors only)."""
    contenders = {
        "torch bag": lambda: F.embedding_bag(indices, weight, mode=mode),
        "torch lookup + reduce": lambda: getattr(F.embedding(indices, weight), mode)(1),
    }
    if with_lookup_lib:
        w, idx = weight.numpy(), indices.numpy()
        contenders["lookup_lib bag"] = lambda: lookup_lib.embedding_bag(idx, w, mode=mode)
        contenders["lookup_lib lookup + reduce"] = lambda: getattr(lookup_lib.embedding(idx, w), mode)(1)
    return contenders


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def machine(device: str) -> dict[str, Any]:
    """What ran the benchmarks: versions, processor, threads, and the GPU's name on CUDA."""
    info: dict[str, Any] = {
        "device": device,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "cpu": _cpu_name(),
        "cpu_count": _cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    if device == "cuda":
        info["gpu"] = torch.cuda.get_device_name()
    return info


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def format_cell(value: Any) -> str:
    """A ratio as ``0.62×``, an int with thousands separators, anything else as it is; missing: ``—``."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}×" if value < 100 else f"{value:,.0f}×"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def to_markdown(info: dict[str, Any], sections: Sequence[Section], sizes: Sizes, command: str) -> str:
    """The report: a header saying what ran where, then one table per section."""
    where = info.get("gpu", info["cpu"])
    lines = [
        f"# Benchmarks: {info['device'].upper()} ({where})",
        "",
        f"Written by `{command}`. Every figure is a ratio measured side by side in this run: the "
        f"contenders of a case take turns, each called once to warm up, then timed round after round, at least "
        f"{sizes.repeats} rounds and until the case has run {sizes.min_seconds:g} s"
        + (
            f"; one timed sample of a GPU contender = {sizes.calls_per_sample} calls"
            if sizes.calls_per_sample > 1
            else ""
        )
        + ". A time ratio is the median over the rounds of the two times of one round. The median times "
        "and the number of rounds are in the JSON file next to this one. "
        "A ratio < 1 means the first-named contender is faster (or smaller).",
        "",
        f"Machine: {info['cpu']}, {info['cpu_count']} CPU cores"
        + (f", GPU {info['gpu']}" if "gpu" in info else "")
        + f"; Python {info['python']}, NumPy {info['numpy']}, torch {info['torch']}. "
        f"torch used {info['torch_threads']} CPU thread(s) (`--torch-threads`); lookup_lib is NumPy, one thread.",
    ]
    for section in sections:
        lines += ["", f"## {section.title}", "", section.intro, ""]
        lines.append("| " + " | ".join(header for header, _ in section.columns) + " |")
        lines.append(
            "|"
            + "|".join("---" if key in ("indices", "options", "mode") else "---:" for _, key in section.columns)
            + "|"
        )
        for row in section.rows:
            lines.append("| " + " | ".join(format_cell(row.get(key)) for _, key in section.columns) + " |")
        if section.notes:
            lines += [""] + [f"- {note}" for note in section.notes]
    return "\n".join(lines) + "\n"


def run(sizes: Sizes, device: str, sections: Sequence[str], max_table_gb: float, seed: int) -> list[Section]:
    """Run the chosen sections, in order, and return their tables."""
    builders: dict[str, Callable[[], Section]] = {
        "forward": lambda: forward_section(sizes, device, max_table_gb, seed),
        "backward": lambda: backward_section(sizes, device, seed),
        "onehot": lambda: onehot_section(sizes, device, seed),
        "bag": lambda: bag_section(sizes, device, seed),
    }
    done = []
    for name in sections:
        start = time.perf_counter()
        done.append(builders[name]())
        print(f"{name}: done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return done


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], prog="python -m benchmarks.run")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where torch runs (default: cpu)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few seconds (a smoke test)")
    parser.add_argument("--repeats", type=int, help="timed calls of each contender (default: 9, --quick: 3)")
    parser.add_argument("--only", help=f"comma-separated sections to run, of {','.join(SECTIONS)} (default: all)")
    parser.add_argument(
        "--max-table-gb", type=float, help="skip forward cases with a bigger table (default: 1.5 on CPU, 8 on CUDA)"
    )
    parser.add_argument("--out-dir", type=Path, default=HERE, help="where to write the results (default: benchmarks/)")
    parser.add_argument(
        "--torch-threads",
        type=int,
        help="CPU threads for torch (default: 1 with --device cpu, like NumPy's lookups, and steadier on a "
        "shared machine; torch's own default with --device cuda, where they give the CPU side of CPU ÷ GPU)",
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    args.only = SECTIONS if args.only is None else tuple(s.strip() for s in args.only.split(","))
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {sorted(unknown)}; choose from {','.join(SECTIONS)}")
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be >= 1")
    if args.torch_threads is not None and args.torch_threads < 1:
        parser.error("--torch-threads must be >= 1")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda: torch sees no CUDA device here")
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmarks, write ``results-<device>[-quick].md`` and ``.json``, and return the JSON data."""
    args = parse_args(argv)
    sizes = QUICK if args.quick else FULL_CUDA if args.device == "cuda" else FULL
    if args.repeats is not None:
        sizes = replace(sizes, repeats=args.repeats)
    max_table_gb = args.max_table_gb if args.max_table_gb is not None else (8.0 if args.device == "cuda" else 1.5)
    command = " ".join(["python -m benchmarks.run", *(sys.argv[1:] if argv is None else argv)])
    threads = torch.get_num_threads()
    torch.set_num_threads(args.torch_threads or (1 if args.device == "cpu" else threads))
    try:
        info = machine(args.device)
        sections = run(sizes, args.device, args.only, max_table_gb, args.seed)
    finally:
        torch.set_num_threads(threads)
    stem = f"results-{args.device}" + ("-quick" if args.quick else "")
    data = {"machine": info, "sizes": asdict(sizes), "command": command, "sections": [asdict(s) for s in sections]}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / f"{stem}.json").write_text(json.dumps(data, indent=1) + "\n")
    (args.out_dir / f"{stem}.md").write_text(to_markdown(info, sections, sizes, command))
    print(f"wrote {args.out_dir / stem}.md and .json", file=sys.stderr)
    return data


if __name__ == "__main__":
    main()
