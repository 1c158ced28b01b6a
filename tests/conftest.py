"""Shared hypothesis settings, strategies and helpers for the tests that compare lookup_lib with torch.

Profiles (choose with the environment variable ``HYPOTHESIS_PROFILE``):

- ``ci`` (default): few examples, no deadline, derandomized, no example database, so every run
  draws the same examples and a failure in CI reproduces locally.
- ``thorough``: many random examples, for hunting bugs by hand
  (``HYPOTHESIS_PROFILE=thorough pytest tests/test_conformance.py``).

The strategies draw the *structure* of a case (table size, index shape and dtype, which rows
repeat, padding, norms) with hypothesis, and the float contents from a drawn seed with NumPy:
fast, always finite, and with magnitudes spread over several decades, so that summing in a
different order gives different bits (which the bitwise tests need in order to be able to fail).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=2000, deadline=None, derandomize=False, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

FLOAT_DTYPES = (np.float32, np.float64)


def png_pixels(png: bytes) -> np.ndarray:
    """PNG bytes decoded to an (H, W, 4) int array of RGBA values: to compare pictures by pixels, not bytes."""
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def assert_bitwise_equal(actual: np.ndarray, expected: np.ndarray) -> None:
    """Same type (NumPy array), dtype, shape and bytes: -0.0 vs 0.0 and NaN payloads count."""
    assert isinstance(actual, np.ndarray), f"expected a NumPy array, got {type(actual).__name__}"
    assert actual.dtype == expected.dtype, f"dtype {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    if actual.tobytes() != expected.tobytes():
        bad = np.flatnonzero(
            np.ascontiguousarray(actual).view(f"u{actual.itemsize}").ravel()
            != np.ascontiguousarray(expected).view(f"u{expected.itemsize}").ravel()
        )
        raise AssertionError(
            f"{bad.size} of {actual.size} elements differ in their bits; first at flat index {bad[0]}: "
            f"{actual.ravel()[bad[0]]!r} != {expected.ravel()[bad[0]]!r}"
        )


def rtol_for(dtype: np.dtype) -> float:
    """A tight relative tolerance for results whose float operations run in another order."""
    return 1e-6 if np.dtype(dtype) == np.float32 else 1e-12


def spread_floats(seed: int, shape: tuple[int, ...], dtype: np.dtype = np.float32) -> np.ndarray:
    """Normal numbers whose magnitudes span six decades: sums of them depend on their order."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3, size=shape)
    return values.astype(dtype)


def table(seed: int, num_embeddings: int, dim: int, dtype: np.dtype = np.float32, scale: float = 1.0) -> np.ndarray:
    """A (V, D) weight of N(0, scale^2) values."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((num_embeddings, dim)) * scale).astype(dtype)


def t(array: np.ndarray) -> torch.Tensor:
    """A torch tensor owning a copy of ``array`` (torch never sees lookup_lib's memory)."""
    return torch.from_numpy(np.array(array, copy=True))


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------

seeds = st.integers(0, 2**32 - 1)
index_dtypes = st.sampled_from([np.int32, np.int64])
weight_dtypes = st.sampled_from(FLOAT_DTYPES)
# 0-d, empty (a side of 0) and 1- to 3-d index arrays.
index_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)
norm_types = st.sampled_from([1, 2.0, 3.0, np.inf])
max_norms = st.floats(0.5, 4.0)


def padding_idxs(num_embeddings: int) -> st.SearchStrategy[int | None]:
    """None, or any padding_idx torch accepts: in [-V, V), negative ones included."""
    return st.none() | st.integers(-num_embeddings, num_embeddings - 1)


@st.composite
def index_arrays(draw: st.DrawFn, num_embeddings: int, shape: st.SearchStrategy = index_shapes) -> np.ndarray:
    """Valid indices into a table of ``num_embeddings`` rows.

    Half of the arrays use only one or two distinct rows, so that repeats are the rule.
    """
    if draw(st.booleans()):
        elements = st.integers(0, num_embeddings - 1)
    else:
        pool = draw(st.lists(st.integers(0, num_embeddings - 1), min_size=1, max_size=2, unique=True))
        elements = st.sampled_from(pool)
    return draw(hnp.arrays(draw(index_dtypes), draw(shape), elements=elements))


@dataclass(frozen=True)
class LookupCase:
    """Indices into a (V, D) table, plus a seed for the float contents of the table and gradients."""

    indices: np.ndarray
    num_embeddings: int
    dim: int
    weight_dtype: type
    padding_idx: int | None
    seed: int

    def weight(self, scale: float = 1.0) -> np.ndarray:
        return table(self.seed, self.num_embeddings, self.dim, self.weight_dtype, scale)

    def grad_output(self) -> np.ndarray:
        return spread_floats(self.seed + 1, self.indices.shape + (self.dim,), self.weight_dtype)


@st.composite
def lookup_cases(draw: st.DrawFn, max_rows: int = 12, max_dim: int = 4) -> LookupCase:
    """A random table size, index array (any shape/dtype, repeats likely), padding and seed."""
    num_embeddings = draw(st.integers(1, max_rows))
    return LookupCase(
        indices=draw(index_arrays(num_embeddings)),
        num_embeddings=num_embeddings,
        dim=draw(st.integers(1, max_dim)),
        weight_dtype=draw(weight_dtypes),
        padding_idx=draw(padding_idxs(num_embeddings)),
        seed=draw(seeds),
    )


@st.composite
def hot_row_cases(draw: st.DrawFn) -> LookupCase:
    """One row repeated more than 64 times (the backward's separate path), mixed with others."""
    num_embeddings = draw(st.integers(1, 8))
    hot_row = draw(st.integers(0, num_embeddings - 1))
    repeats = draw(st.integers(65, 160))
    others = draw(st.integers(0, 60))
    seed = draw(seeds)
    rng = np.random.default_rng(seed)
    flat = np.concatenate([np.full(repeats, hot_row), rng.integers(0, num_embeddings, size=others)])
    rng.shuffle(flat)
    indices = flat.astype(draw(index_dtypes))
    if draw(st.booleans()) and flat.size % 2 == 0:
        indices = indices.reshape(2, -1)
    return LookupCase(
        indices=indices,
        num_embeddings=num_embeddings,
        dim=draw(st.integers(1, 4)),
        weight_dtype=draw(weight_dtypes),
        padding_idx=draw(padding_idxs(num_embeddings)),
        seed=seed,
    )


@pytest.fixture
def one_thread():
    """Torch on one thread for the test: the lessons and tools train tiny tensors on one thread, and two would
    wait for each other on a busy 2-core machine (and on one thread the numbers are the lessons')."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
