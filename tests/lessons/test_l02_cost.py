"""lookup_lib.lessons.l02_one_hot_matmul.cost: what a lookup and a one-hot product each cost, measured side by side."""

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lookup_lib.lessons.kit.tables import format_bytes, format_seconds  # noqa: E402
from lookup_lib.lessons.l02_one_hot_matmul.cost import (  # noqa: E402
    CostRecord,
    lookup_bytes,
    measure_lookup_vs_onehot,
    multiply_adds,
    onehot_bytes,
)

SANITIZE = Path(__file__).parents[1] / "nbval_sanitize.cfg"


@pytest.fixture(scope="module")
def records():
    return measure_lookup_vs_onehot([50, 7, 300], dim=8, batch=5, repeats=2, seed=1)


def test_records_have_the_fields_the_benchmarks_read(records):
    names = [f.name for f in dataclasses.fields(CostRecord)]
    assert names == ["vocab_size", "batch", "dim", "lookup_seconds", "onehot_seconds", "lookup_bytes", "onehot_bytes"]
    assert all(isinstance(r, CostRecord) for r in records)


def test_one_record_per_vocabulary_size_in_the_order_given(records):
    assert [(r.vocab_size, r.batch, r.dim) for r in records] == [(50, 5, 8), (7, 5, 8), (300, 5, 8)]


def test_timings_are_positive_and_finite(records):
    for r in records:
        for seconds in (r.lookup_seconds, r.onehot_seconds, r.time_ratio):
            assert math.isfinite(seconds) and seconds > 0


def test_recorded_bytes_are_those_of_the_tensors_each_method_makes(records):
    for r in records:
        one_hot = np.zeros((r.batch, r.vocab_size), dtype=np.float32)
        output = np.zeros((r.batch, r.dim), dtype=np.float32)
        assert r.lookup_bytes == output.nbytes == lookup_bytes(r.batch, r.dim)
        assert r.onehot_bytes == one_hot.nbytes + output.nbytes == onehot_bytes(r.batch, r.vocab_size, r.dim)
        assert r.memory_ratio == pytest.approx((one_hot.nbytes + output.nbytes) / output.nbytes)


@pytest.mark.parametrize("itemsize, dtype", [(4, np.float32), (8, np.float64), (2, np.float16)])
def test_byte_formulas_follow_the_item_size(itemsize, dtype):
    batch, vocab, dim = 3, 11, 6
    assert lookup_bytes(batch, dim, itemsize) == np.zeros((batch, dim), dtype).nbytes
    assert onehot_bytes(batch, vocab, dim, itemsize) == np.zeros((batch, vocab + dim), dtype).nbytes


def test_multiply_adds_count_one_term_per_batch_row_vocab_row_and_column():
    batch, vocab, dim = 2, 3, 4
    terms = sum(1 for _b in range(batch) for _v in range(vocab) for _d in range(dim))
    assert multiply_adds(batch, vocab, dim) == terms
    assert multiply_adds(4, 5000, 128) == 4 * 5000 * 128  # the seed's example


def test_one_hot_product_grows_with_the_vocabulary_in_memory_but_the_lookup_does_not(records):
    by_v = sorted(records, key=lambda r: r.vocab_size)
    assert len({r.lookup_bytes for r in by_v}) == 1
    assert [r.onehot_bytes for r in by_v] == sorted({r.onehot_bytes for r in by_v})


def test_cpu_threads_is_set_back_afterwards():
    before = torch.get_num_threads()
    measure_lookup_vs_onehot([4], dim=2, batch=2, repeats=1, cpu_threads=1)
    assert torch.get_num_threads() == before


def test_same_seed_draws_the_same_problem():
    a = measure_lookup_vs_onehot([20], dim=4, batch=3, repeats=1, seed=5)[0]
    b = measure_lookup_vs_onehot([20], dim=4, batch=3, repeats=1, seed=5)[0]
    assert (a.lookup_bytes, a.onehot_bytes) == (b.lookup_bytes, b.onehot_bytes)


@pytest.mark.parametrize("kwargs, message", [
    ({"vocab_sizes": [10], "repeats": 0}, "repeats"),
    ({"vocab_sizes": [0]}, "vocabulary size"),
    ({"vocab_sizes": [2.5]}, "vocabulary size"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        measure_lookup_vs_onehot(**kwargs)


def _sanitize_rule(title_word: str) -> re.Pattern:
    """The regex of the nbval sanitize rule whose title starts with ``title_word``."""
    text = SANITIZE.read_text(encoding="utf-8")
    match = re.search(r"^\[" + title_word + r"[^\]]*\]\s*\nregex: (.+)$", text, flags=re.MULTILINE)
    assert match, f"no [{title_word}...] rule in {SANITIZE.name}"
    return re.compile(match.group(1))


@pytest.mark.parametrize("seconds", [3e-9, 1.23e-5, 4.5e-4, 0.0123, 0.5, 2.0, 75.0])
def test_printed_durations_are_masked_by_the_timing_rule(seconds):
    text = format_seconds(seconds)
    assert _sanitize_rule("timings").fullmatch(text), text


@pytest.mark.parametrize("n", [0, 512, 2048, 131_072, 102_400_000, 3_000_000_000])
def test_printed_sizes_are_not_mistaken_for_durations(n):
    text = format_bytes(n)
    assert not _sanitize_rule("timings").search(text), text
    assert text.split()[1] in {"B", "kB", "MB", "GB"}
