"""lookup_lib's functions against torch: bitwise where torch is, a tight tolerance where float order differs.

Every property runs over random shapes (0-d, empty, 1- to 3-d), int32 and int64 indices, negative
padding, forced repeats and rows repeated more than 64 times; see ``conftest.py`` for the strategies.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lookup_lib as L
from tests.conftest import (
    LookupCase,
    assert_bitwise_equal,
    hot_row_cases,
    lookup_cases,
    max_norms,
    norm_types,
    rtol_for,
    seeds,
    spread_floats,
    t,
    table,
)


def torch_dense_grad(case: LookupCase, grad_output: np.ndarray, scale_grad_by_freq: bool = False) -> np.ndarray:
    """torch's gradient of the table for ``F.embedding(case.indices, W)`` given ``grad_output``."""
    weight = torch.zeros(case.num_embeddings, case.dim, dtype=torch.from_numpy(grad_output).dtype, requires_grad=True)
    out = F.embedding(t(case.indices), weight, padding_idx=case.padding_idx, scale_grad_by_freq=scale_grad_by_freq)
    out.backward(t(grad_output))
    return weight.grad.numpy()


def torch_sparse_grad(case: LookupCase, grad_output: np.ndarray) -> torch.Tensor:
    """torch's (uncoalesced) sparse gradient of the table.

    torch 2.13 fails on a 0-d index with padding_idx and sparse=True ("too many indices for tensor
    of dimension 0"), so a 0-d case is asked as shape (1,): the same gradient.
    """
    indices, grad_output = case.indices.reshape(-1), grad_output.reshape(-1, case.dim)
    weight = torch.zeros(case.num_embeddings, case.dim, dtype=torch.from_numpy(grad_output).dtype, requires_grad=True)
    F.embedding(t(indices), weight, padding_idx=case.padding_idx, sparse=True).backward(t(grad_output))
    return weight.grad


# ---------------------------------------------------------------------------------------------
# one_hot and one_hot_matmul
# ---------------------------------------------------------------------------------------------


@given(lookup_cases())
def test_one_hot_equals_torch_one_hot(case: LookupCase) -> None:
    out = L.one_hot(case.indices, case.num_embeddings)
    expected = F.one_hot(t(case.indices).long(), case.num_embeddings).numpy()
    assert out.dtype == np.float32
    assert out.shape == case.indices.shape + (case.num_embeddings,)
    np.testing.assert_array_equal(out, expected.astype(np.float32))


@given(lookup_cases(), st.sampled_from([np.int64, np.float64, np.bool_]))
def test_one_hot_dtype_argument_sets_the_result_dtype(case: LookupCase, dtype: type) -> None:
    out = L.one_hot(case.indices, case.num_embeddings, dtype=dtype)
    expected = F.one_hot(t(case.indices).long(), case.num_embeddings).numpy().astype(dtype)
    assert_bitwise_equal(out, expected)


@given(lookup_cases())
def test_one_hot_times_table_is_the_lookup(case: LookupCase) -> None:
    weight = case.weight()
    out = L.one_hot_matmul(case.indices, weight)
    expected = F.embedding(t(case.indices), t(weight)).numpy()
    torch_product = (F.one_hot(t(case.indices).long(), case.num_embeddings).to(t(weight).dtype) @ t(weight)).numpy()
    assert out.shape == expected.shape and out.dtype == expected.dtype
    # Products with 0 and 1 are exact, so the expensive way gives the very same values.
    np.testing.assert_allclose(out, expected, rtol=rtol_for(weight.dtype), atol=0)
    np.testing.assert_allclose(out, torch_product, rtol=rtol_for(weight.dtype), atol=0)


# ---------------------------------------------------------------------------------------------
# embedding (forward)
# ---------------------------------------------------------------------------------------------


@given(lookup_cases())
def test_forward_is_bitwise_torchs_forward(case: LookupCase) -> None:
    weight = case.weight()
    out = L.embedding(case.indices, weight, padding_idx=case.padding_idx)
    expected = F.embedding(t(case.indices), t(weight), padding_idx=case.padding_idx).numpy()
    assert out.shape == case.indices.shape + (case.dim,)
    assert_bitwise_equal(out, expected)


@given(
    st.integers(1, 6).flatmap(
        lambda num_embeddings: st.tuples(
            hnp.arrays(np.float32, (num_embeddings, 3), elements=st.floats(width=32, allow_nan=True)),
            hnp.arrays(
                np.int64,
                hnp.array_shapes(min_dims=0, max_dims=2, min_side=0),
                elements=st.integers(0, num_embeddings - 1),
            ),
        )
    )
)
def test_forward_copies_bits_of_any_float_including_nan_inf_and_negative_zero(data: tuple) -> None:
    weight, indices = data
    assert_bitwise_equal(L.embedding(indices, weight), F.embedding(t(indices), t(weight)).numpy())


@given(lookup_cases())
def test_forward_of_an_integer_table_is_bitwise_torchs(case: LookupCase) -> None:
    weight = np.random.default_rng(case.seed).integers(-(2**40), 2**40, size=(case.num_embeddings, case.dim))
    assert_bitwise_equal(L.embedding(case.indices, weight), F.embedding(t(case.indices), t(weight)).numpy())


@given(lookup_cases())
def test_forward_output_does_not_share_memory_with_the_weight(case: LookupCase) -> None:
    weight = case.weight()
    out = L.embedding(case.indices, weight)
    assert not np.shares_memory(out, weight)


@given(lookup_cases(), max_norms, norm_types)
def test_forward_with_max_norm_renormalises_weight_like_torch(
    case: LookupCase, max_norm: float, norm_type: float
) -> None:
    weight = case.weight(scale=2.0)
    torch_weight = t(weight)
    out = L.embedding(case.indices, weight, case.padding_idx, max_norm=max_norm, norm_type=norm_type)
    with torch.no_grad():
        expected = F.embedding(t(case.indices), torch_weight, case.padding_idx, max_norm=max_norm, norm_type=norm_type)
    rtol = rtol_for(weight.dtype)
    np.testing.assert_allclose(weight, torch_weight.numpy(), rtol=rtol, atol=0)
    np.testing.assert_allclose(out, expected.numpy(), rtol=rtol, atol=0)
    # The output is read from the renormalised table.
    assert_bitwise_equal(out, weight[case.indices])


# ---------------------------------------------------------------------------------------------
# renorm_
# ---------------------------------------------------------------------------------------------


@given(lookup_cases(), max_norms, norm_types)
def test_renorm_matches_torch_embedding_renorm(case: LookupCase, max_norm: float, norm_type: float) -> None:
    weight = case.weight(scale=2.0)
    torch_weight = t(weight)
    result = L.renorm_(weight, case.indices, max_norm, norm_type)
    torch.embedding_renorm_(torch_weight, t(case.indices), max_norm, norm_type)
    assert result is weight
    np.testing.assert_allclose(weight, torch_weight.numpy(), rtol=rtol_for(weight.dtype), atol=0)


@given(lookup_cases(), max_norms, norm_types)
def test_renorm_changes_only_referenced_rows_that_are_too_long(
    case: LookupCase, max_norm: float, norm_type: float
) -> None:
    weight = case.weight(scale=2.0)
    before = weight.copy()
    norms_before = np.linalg.norm(before.astype(np.float64), ord=norm_type, axis=1)
    L.renorm_(weight, case.indices, max_norm, norm_type)
    referenced = np.isin(np.arange(case.num_embeddings), case.indices)
    # A little slack: the norm is computed in the rows' dtype, like torch, and may differ in the last bit.
    too_long = referenced & (norms_before > max_norm * (1 + rtol_for(weight.dtype)))
    untouched = ~referenced | (norms_before <= max_norm * (1 - rtol_for(weight.dtype)))
    assert_bitwise_equal(weight[untouched], before[untouched])
    expected = before[too_long] * (max_norm / (norms_before[too_long] + L.core.RENORM_EPS))[:, None]
    np.testing.assert_allclose(weight[too_long], expected, rtol=rtol_for(weight.dtype))
    new_norms = np.linalg.norm(weight.astype(np.float64), ord=norm_type, axis=1)
    assert np.all(new_norms[too_long] <= max_norm * (1 + rtol_for(weight.dtype)))


@given(lookup_cases(), max_norms, norm_types, st.integers(2, 5))
def test_renorm_scales_a_repeated_row_once(case: LookupCase, max_norm: float, norm_type: float, times: int) -> None:
    once, repeated = case.weight(scale=2.0), case.weight(scale=2.0)
    L.renorm_(once, np.unique(case.indices), max_norm, norm_type)
    L.renorm_(repeated, np.tile(case.indices.ravel(), times), max_norm, norm_type)
    assert_bitwise_equal(repeated, once)


@pytest.mark.parametrize("norm_type", [1, 2.0, 3.0, np.inf])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_renorm_divides_by_norm_plus_1e_7_like_torch(norm_type: float, dtype: type) -> None:
    # Rows of norm ~1e-6 against max_norm=1e-7: the 1e-7 added to the norm shrinks them ~10 % more
    # than max_norm / norm would, far beyond the tolerance.
    weight = table(0, 4, 3, dtype, scale=1e-6)
    torch_weight = t(weight)
    L.renorm_(weight, [3, 0, 1, 2], 1e-7, norm_type)
    torch.embedding_renorm_(torch_weight, torch.tensor([3, 0, 1, 2]), 1e-7, norm_type)
    np.testing.assert_allclose(weight, torch_weight.numpy(), rtol=rtol_for(dtype), atol=0)
    assert np.all(np.linalg.norm(weight.astype(np.float64), ord=norm_type, axis=1) < 0.99e-7)


@given(lookup_cases(), norm_types)
def test_row_norms_match_torch_vector_norm(case: LookupCase, norm_type: float) -> None:
    weight = case.weight(scale=2.0)
    expected = torch.linalg.vector_norm(t(weight), ord=norm_type, dim=1).numpy()
    np.testing.assert_allclose(L.row_norms(weight, norm_type), expected, rtol=rtol_for(weight.dtype) * 4)


# ---------------------------------------------------------------------------------------------
# embedding_backward: dense
# ---------------------------------------------------------------------------------------------


@given(lookup_cases())
def test_dense_backward_is_bitwise_torchs_gradient(case: LookupCase) -> None:
    grad_output = case.grad_output()
    grad = L.embedding_backward(grad_output, case.indices, case.num_embeddings, padding_idx=case.padding_idx)
    assert_bitwise_equal(grad, torch_dense_grad(case, grad_output))


@settings(max_examples=40)
@given(hot_row_cases())
def test_dense_backward_of_a_row_repeated_more_than_64_times_is_bitwise_torchs(case: LookupCase) -> None:
    grad_output = case.grad_output()
    grad = L.embedding_backward(grad_output, case.indices, case.num_embeddings, padding_idx=case.padding_idx)
    assert_bitwise_equal(grad, torch_dense_grad(case, grad_output))


@pytest.mark.parametrize("repeats", [63, 64, 65, 66, 300])
def test_dense_backward_sums_repeats_in_input_order_around_the_64_threshold(repeats: int) -> None:
    # Row 1 repeated `repeats` times between other rows; values of very different sizes, so any
    # other summation order (pairwise, sorted, ...) changes the bits.
    indices = np.tile([1, 0, 1, 2], repeats)[: repeats + repeats // 2]
    grad_output = spread_floats(repeats, indices.shape + (3,))
    case = LookupCase(indices, num_embeddings=3, dim=3, weight_dtype=np.float32, padding_idx=None, seed=0)
    assert np.count_nonzero(indices == 1) >= repeats // 2
    grad = L.embedding_backward(grad_output, indices, 3)
    assert_bitwise_equal(grad, torch_dense_grad(case, grad_output))
    in_order = np.zeros(3, dtype=np.float32)
    for position in np.flatnonzero(indices == 1):
        in_order += grad_output[position]
    assert_bitwise_equal(grad[1], in_order)


@given(lookup_cases())
def test_padding_row_gets_no_gradient(case: LookupCase) -> None:
    grad = L.embedding_backward(case.grad_output(), case.indices, case.num_embeddings, padding_idx=case.padding_idx)
    if case.padding_idx is not None:
        assert_bitwise_equal(grad[case.padding_idx], np.zeros(case.dim, dtype=grad.dtype))
    never_seen = ~np.isin(np.arange(case.num_embeddings), case.indices)
    assert_bitwise_equal(grad[never_seen], np.zeros((never_seen.sum(), case.dim), dtype=grad.dtype))


@given(lookup_cases())
def test_scale_grad_by_freq_matches_torch_closely(case: LookupCase) -> None:
    grad_output = case.grad_output()
    grad = L.embedding_backward(
        grad_output, case.indices, case.num_embeddings, padding_idx=case.padding_idx, scale_grad_by_freq=True
    )
    expected = torch_dense_grad(case, grad_output, scale_grad_by_freq=True)
    assert grad.dtype == expected.dtype and grad.shape == expected.shape
    # Summands span six decades, so compare with a tolerance scaled to the largest one per row.
    atol = rtol_for(grad.dtype) * np.abs(grad_output).max(initial=0) * 4
    np.testing.assert_allclose(grad, expected, rtol=rtol_for(grad.dtype), atol=atol)


@settings(max_examples=30)
@given(hot_row_cases())
def test_scale_grad_by_freq_of_a_row_repeated_more_than_64_times_matches_torch(case: LookupCase) -> None:
    grad_output = case.grad_output()
    grad = L.embedding_backward(
        grad_output, case.indices, case.num_embeddings, padding_idx=case.padding_idx, scale_grad_by_freq=True
    )
    expected = torch_dense_grad(case, grad_output, scale_grad_by_freq=True)
    atol = rtol_for(grad.dtype) * np.abs(grad_output).max(initial=0) * 4
    np.testing.assert_allclose(grad, expected, rtol=rtol_for(grad.dtype), atol=atol)


@given(lookup_cases())
def test_scale_grad_by_freq_averages_each_rows_contributions(case: LookupCase) -> None:
    # Property without torch: with all gradient rows equal to 1, row k gets 1 (count / count),
    # except the padding row (0) and rows never looked up (0).
    ones = np.ones(case.indices.shape + (case.dim,), dtype=np.float64)
    grad = L.embedding_backward(
        ones, case.indices, case.num_embeddings, padding_idx=case.padding_idx, scale_grad_by_freq=True
    )
    seen = np.isin(np.arange(case.num_embeddings), case.indices)
    if case.padding_idx is not None:
        seen[case.padding_idx % case.num_embeddings] = False
    # count additions of 1/count give 1 up to rounding
    np.testing.assert_allclose(grad, np.repeat(seen[:, None], case.dim, axis=1).astype(np.float64), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# embedding_backward: sparse
# ---------------------------------------------------------------------------------------------


@given(lookup_cases())
def test_sparse_gradient_indices_and_values_are_torchs_uncoalesced(case: LookupCase) -> None:
    grad_output = case.grad_output()
    sparse = L.embedding_backward(
        grad_output, case.indices, case.num_embeddings, padding_idx=case.padding_idx, sparse=True
    )
    expected = torch_sparse_grad(case, grad_output)
    assert isinstance(sparse, L.SparseGrad)
    assert sparse.shape == tuple(expected.shape)
    assert_bitwise_equal(sparse.indices, expected._indices().reshape(-1).numpy())
    assert_bitwise_equal(sparse.values, expected._values().numpy())


@given(lookup_cases())
def test_sparse_indices_are_the_flattened_input_without_padding_in_input_order(case: LookupCase) -> None:
    sparse = L.embedding_backward(
        case.grad_output(), case.indices, case.num_embeddings, padding_idx=case.padding_idx, sparse=True
    )
    flat = case.indices.reshape(-1).astype(np.int64)
    keep = flat != (case.padding_idx % case.num_embeddings if case.padding_idx is not None else -1)
    assert_bitwise_equal(sparse.indices, flat[keep])
    assert_bitwise_equal(sparse.values, case.grad_output().reshape(-1, case.dim)[keep])
    assert sparse.nnz == int(keep.sum())


@given(lookup_cases())
def test_sparse_to_dense_is_bitwise_the_dense_gradient(case: LookupCase) -> None:
    grad_output = case.grad_output()
    args = (grad_output, case.indices, case.num_embeddings, case.padding_idx)
    sparse = L.embedding_backward(*args, sparse=True)
    assert_bitwise_equal(sparse.to_dense(), L.embedding_backward(*args))
    assert_bitwise_equal(sparse.to_dense(), torch_dense_grad(case, grad_output))


@given(st.one_of(lookup_cases(), hot_row_cases()))
def test_sparse_coalesce_matches_torch_coalesce(case: LookupCase) -> None:
    grad_output = case.grad_output()
    coalesced = L.embedding_backward(
        grad_output, case.indices, case.num_embeddings, padding_idx=case.padding_idx, sparse=True
    ).coalesce()
    expected = torch_sparse_grad(case, grad_output).coalesce()
    assert isinstance(coalesced, L.SparseGrad)
    assert_bitwise_equal(coalesced.indices, expected.indices().reshape(-1).numpy())
    assert np.all(np.diff(coalesced.indices) > 0)  # sorted and unique
    atol = rtol_for(grad_output.dtype) * np.abs(grad_output).max(initial=0) * 4
    np.testing.assert_allclose(coalesced.values, expected.values().numpy(), rtol=rtol_for(grad_output.dtype), atol=atol)
    assert coalesced.values.dtype == grad_output.dtype


# ---------------------------------------------------------------------------------------------
# Inputs: lists, int32 / int64 arrays, torch tensors
# ---------------------------------------------------------------------------------------------

INDEX_FORMS = {
    "list": lambda a: a.tolist(),
    "int32 array": lambda a: a.astype(np.int32),
    "int64 array": lambda a: a.astype(np.int64),
    "torch int64": lambda a: torch.from_numpy(a.astype(np.int64)),
    "torch int32": lambda a: torch.from_numpy(a.astype(np.int32)),
}


@pytest.fixture(params=list(INDEX_FORMS), ids=list(INDEX_FORMS))
def index_form(request: pytest.FixtureRequest):
    return INDEX_FORMS[request.param]


@pytest.mark.parametrize(
    "indices",
    [np.array([[3, 0, 3], [1, 4, 4]]), np.array(2), np.zeros((0,), int), np.zeros((2, 0), int)],
    ids=["2-d", "0-d", "empty", "empty 2-d"],
)
def test_every_function_accepts_lists_arrays_and_tensors_and_returns_numpy(index_form, indices: np.ndarray) -> None:
    weight = table(0, 5, 2)
    grad_output = spread_floats(1, indices.shape + (2,))
    given_indices = index_form(indices)
    results = {
        "embedding": (L.embedding(given_indices, weight), weight[indices]),
        "one_hot": (L.one_hot(given_indices, 5), L.one_hot(indices, 5)),
        "one_hot_matmul": (L.one_hot_matmul(given_indices, weight), L.one_hot_matmul(indices, weight)),
        "backward": (
            L.embedding_backward(grad_output, given_indices, 5),
            torch_dense_grad(LookupCase(indices, 5, 2, np.float32, None, 0), grad_output),
        ),
        "torch weight": (L.embedding(given_indices, torch.from_numpy(weight)), weight[indices]),
        "torch grad_output": (
            L.embedding_backward(torch.from_numpy(grad_output), given_indices, 5),
            L.embedding_backward(grad_output, indices, 5),
        ),
    }
    for name, (got, expected) in results.items():
        assert isinstance(got, np.ndarray), name
        assert_bitwise_equal(got, expected)


def test_zero_d_index_gives_one_row_like_torch() -> None:
    weight = table(0, 5, 3)
    out = L.embedding(np.array(4), weight)
    assert out.shape == (3,)
    assert_bitwise_equal(out, F.embedding(torch.tensor(4), t(weight)).numpy())
    assert L.one_hot(np.array(4), 5).shape == (5,)
    assert L.one_hot_matmul(np.array(4), weight).shape == (3,)


@pytest.mark.parametrize(
    "indices",
    [[], [[]], np.zeros((0, 3), np.int32), torch.zeros(4, 0, dtype=torch.long)],
    ids=["[]", "[[]]", "(0,3) int32", "torch (4,0)"],
)
def test_empty_indices_give_empty_outputs_and_a_zero_gradient(indices) -> None:
    shape = np.asarray(indices).shape if not isinstance(indices, torch.Tensor) else tuple(indices.shape)
    weight = table(0, 5, 3)
    before = weight.copy()
    assert L.embedding(indices, weight, max_norm=0.1).shape == shape + (3,)
    assert_bitwise_equal(weight, before)  # nothing referenced, nothing renormalised
    assert L.one_hot(indices, 5).shape == shape + (5,)
    assert L.one_hot_matmul(indices, weight).shape == shape + (3,)
    grad = L.embedding_backward(np.zeros(shape + (3,), np.float32), indices, 5)
    assert_bitwise_equal(grad, np.zeros((5, 3), np.float32))
    assert L.embedding_backward(np.zeros(shape + (3,), np.float32), indices, 5, sparse=True).nnz == 0


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.0, float("inf")])
def test_torch_weight_with_max_norm_is_renormalised_in_place_sharing_memory(norm_type: float) -> None:
    indices = torch.tensor([[0, 2], [2, 4]])
    weight = torch.from_numpy(table(3, 6, 4, scale=3.0))
    twin = weight.clone()
    out = L.embedding(indices, weight, max_norm=1.0, norm_type=norm_type)
    with torch.no_grad():
        expected = F.embedding(indices, twin, max_norm=1.0, norm_type=norm_type)
    assert not torch.equal(weight, t(table(3, 6, 4, scale=3.0)))  # it did change
    np.testing.assert_allclose(weight.numpy(), twin.numpy(), rtol=1e-6)
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-6)
    result = L.renorm_(weight, [1, 5], max_norm=1.0, norm_type=norm_type)
    assert np.shares_memory(result, weight.numpy())
    torch.embedding_renorm_(twin, torch.tensor([1, 5]), 1.0, norm_type)
    np.testing.assert_allclose(weight.numpy(), twin.numpy(), rtol=1e-6)


@given(lookup_cases(max_rows=6), seeds)
def test_one_hot_matmul_equals_embedding_values_for_finite_tables(case: LookupCase, seed: int) -> None:
    weight = table(seed, case.num_embeddings, case.dim, case.weight_dtype)
    np.testing.assert_array_equal(L.one_hot_matmul(case.indices, weight), L.embedding(case.indices, weight))
