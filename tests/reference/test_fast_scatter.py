"""fast_scatter.scatter_add_rows gives np.add.at's numbers bit for bit (core.FAST_SCATTER chooses between them)."""

from __future__ import annotations

import numpy as np
import pytest

from lookup_lib import core, fast_scatter
from tests.conftest import assert_bitwise_equal


def add_at(rows: np.ndarray, values: np.ndarray, num_rows: int, monkeypatch: pytest.MonkeyPatch) -> np.ndarray:
    monkeypatch.setattr(core, "FAST_SCATTER", False)
    return core.scatter_add_rows(rows, values, num_rows)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(12))
def test_fast_scatter_is_bitwise_np_add_at_with_heavy_repeats(dtype, seed: int, monkeypatch) -> None:
    rng = np.random.default_rng(seed)
    num_rows, dim = int(rng.integers(1, 20)), int(rng.choice([1, 3, 64, 65, 130]))
    n = int(rng.integers(1, 600))
    rows = rng.integers(0, num_rows, n)
    rows[: n // 2] = rng.integers(0, 2)  # one or two rows repeated far more than 64 times
    rng.shuffle(rows)
    values = (rng.standard_normal((n, dim)) * 10.0 ** rng.uniform(-6, 6, (n, 1))).astype(dtype)
    special = rng.random(values.shape)
    values[special < 0.01] = -0.0
    values[(special > 0.01) & (special < 0.012)] = np.inf
    values[(special > 0.012) & (special < 0.013)] = np.nan
    assert_bitwise_equal(
        fast_scatter.scatter_add_rows(rows, values, num_rows), add_at(rows, values, num_rows, monkeypatch)
    )


@pytest.mark.parametrize("repeats", [63, 64, 65, 200])
def test_fast_scatter_row_repeated_around_64_times_and_negative_zero(repeats: int, monkeypatch) -> None:
    values = np.full((repeats, 2), -0.0, np.float32)
    rows = np.zeros(repeats, np.int64)
    assert_bitwise_equal(fast_scatter.scatter_add_rows(rows, values, 2), add_at(rows, values, 2, monkeypatch))
    values = np.random.default_rng(repeats).standard_normal((repeats, 2)).astype(np.float32) * 1e4
    assert_bitwise_equal(fast_scatter.scatter_add_rows(rows, values, 2), add_at(rows, values, 2, monkeypatch))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fast_scatter_of_no_rows_is_zeros(dtype, monkeypatch) -> None:
    rows, values = np.zeros(0, np.int64), np.zeros((0, 3), dtype)
    assert_bitwise_equal(fast_scatter.scatter_add_rows(rows, values, 4), add_at(rows, values, 4, monkeypatch))
