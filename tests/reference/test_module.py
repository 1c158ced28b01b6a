"""The ``Embedding`` layer against ``torch.nn.Embedding``: initialisation, forward, accumulated gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import lookup_lib as L
from tests.conftest import (
    LookupCase,
    assert_bitwise_equal,
    index_arrays,
    lookup_cases,
    max_norms,
    norm_types,
    rtol_for,
    spread_floats,
    t,
    table,
)


def twins(case: LookupCase, weight: np.ndarray, **options) -> tuple[L.Embedding, torch.nn.Embedding]:
    """A lookup_lib layer and a torch layer holding the same table (separate copies)."""
    ours = L.Embedding(case.num_embeddings, case.dim, padding_idx=case.padding_idx, _weight=weight.copy(), **options)
    theirs = torch.nn.Embedding(
        case.num_embeddings, case.dim, padding_idx=case.padding_idx, _weight=t(weight), **options
    )
    return ours, theirs


# ---------------------------------------------------------------------------------------------
# Construction
# ---------------------------------------------------------------------------------------------


def test_weight_is_initialised_standard_normal_float32() -> None:
    emb = L.Embedding(400, 50, rng=0)
    assert emb.weight.shape == (400, 50) and emb.weight.dtype == np.float32  # torch's default dtype
    assert abs(emb.weight.mean()) < 0.03  # the mean of 20,000 N(0, 1) draws has std 0.007
    assert abs(emb.weight.std() - 1.0) < 0.03
    assert 0.3 < np.mean(np.abs(emb.weight) < 0.5) < 0.46  # P(|z| < 0.5) = 0.383 for a normal


def test_seed_makes_the_table_reproducible() -> None:
    assert_bitwise_equal(L.Embedding(6, 4, rng=3).weight, L.Embedding(6, 4, rng=3).weight)
    assert_bitwise_equal(L.Embedding(6, 4, rng=np.random.default_rng(3)).weight, L.Embedding(6, 4, rng=3).weight)
    assert not np.array_equal(L.Embedding(6, 4, rng=3).weight, L.Embedding(6, 4, rng=4).weight)


@pytest.mark.parametrize("padding_idx, row", [(0, 0), (3, 3), (-1, 5), (-6, 0)])
def test_padding_row_is_zero_at_init_and_padding_idx_is_normalised_like_torch(padding_idx: int, row: int) -> None:
    emb = L.Embedding(6, 4, padding_idx=padding_idx, rng=0)
    torch_emb = torch.nn.Embedding(6, 4, padding_idx=padding_idx)
    assert emb.padding_idx == torch_emb.padding_idx == row
    assert_bitwise_equal(emb.weight[row], np.zeros(4, np.float32))  # +0.0, bit for bit
    assert_bitwise_equal(torch_emb.weight[row].detach().numpy(), np.zeros(4, np.float32))
    others = np.delete(emb.weight, row, axis=0)
    assert np.all(others != 0)


def test_explicit_weight_is_kept_as_given_padding_row_included_like_torch() -> None:
    weight = table(0, 5, 3)
    emb = L.Embedding(5, 3, padding_idx=2, _weight=weight)
    torch_emb = torch.nn.Embedding(5, 3, padding_idx=2, _weight=t(weight))
    assert emb.weight is weight  # the very array: no copy, no zeroed row
    assert_bitwise_equal(emb.weight, torch_emb.weight.detach().numpy())


def test_explicit_torch_weight_shares_memory_with_the_layer() -> None:
    weight = torch.from_numpy(table(0, 5, 3))
    emb = L.Embedding(5, 3, _weight=weight)
    assert isinstance(emb.weight, np.ndarray) and np.shares_memory(emb.weight, weight.numpy())


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"padding_idx": -1},
        {"padding_idx": 0, "max_norm": 1.0},
        {"max_norm": 2, "norm_type": 1.0},
        {"max_norm": 1.5, "norm_type": float("inf"), "sparse": True},
        {"padding_idx": 2, "norm_type": 3.0, "scale_grad_by_freq": True},
    ],
    ids=str,
)
def test_attributes_and_repr_match_torch(options: dict) -> None:
    emb, torch_emb = L.Embedding(5, 3, rng=0, **options), torch.nn.Embedding(5, 3, **options)
    assert repr(emb) == repr(torch_emb)
    for name in ["num_embeddings", "embedding_dim", "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq"]:
        assert getattr(emb, name) == getattr(torch_emb, name), name
    assert emb.sparse == torch_emb.sparse
    assert emb.requires_grad == torch_emb.weight.requires_grad is True
    assert emb.grad is None and torch_emb.weight.grad is None


# ---------------------------------------------------------------------------------------------
# from_pretrained
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained_freeze_sets_requires_grad_like_torch(freeze: bool) -> None:
    weight = table(0, 4, 2)
    emb = L.Embedding.from_pretrained(weight, freeze=freeze)
    torch_emb = torch.nn.Embedding.from_pretrained(t(weight), freeze=freeze)
    assert emb.requires_grad == torch_emb.weight.requires_grad == (not freeze)


def test_from_pretrained_is_frozen_by_default() -> None:
    assert L.Embedding.from_pretrained(table(0, 4, 2)).requires_grad is False


def test_from_pretrained_keeps_the_table_padding_row_included_like_torch() -> None:
    weight = table(1, 4, 2)
    emb = L.Embedding.from_pretrained(weight, padding_idx=-4)
    torch_emb = torch.nn.Embedding.from_pretrained(t(weight), padding_idx=-4)
    assert emb.padding_idx == torch_emb.padding_idx == 0
    assert np.all(emb.weight[0] != 0)  # not zeroed
    assert_bitwise_equal(emb.weight, torch_emb.weight.numpy())
    assert np.shares_memory(emb.weight, weight)  # as torch shares memory with the given tensor
    torch_weight = torch.from_numpy(table(1, 4, 2))
    assert np.shares_memory(L.Embedding.from_pretrained(torch_weight).weight, torch_weight.numpy())


def test_from_pretrained_passes_every_option_on_like_torch() -> None:
    options = {"padding_idx": 1, "max_norm": 2.0, "norm_type": 1.0, "sparse": True}
    emb = L.Embedding.from_pretrained(table(1, 4, 2), freeze=False, **options)
    torch_emb = torch.nn.Embedding.from_pretrained(t(table(1, 4, 2)), freeze=False, **options)
    assert repr(emb) == repr(torch_emb)
    assert (emb.max_norm, emb.norm_type, emb.sparse, emb.padding_idx) == (2.0, 1.0, True, 1)


def test_unfrozen_pretrained_layer_gets_torchs_gradient() -> None:
    weight, indices = table(2, 4, 3), np.array([[3, 1, 3]])
    grad_output = spread_floats(5, (1, 3, 3))
    emb = L.Embedding.from_pretrained(weight.copy(), freeze=False, padding_idx=1)
    torch_emb = torch.nn.Embedding.from_pretrained(t(weight), freeze=False, padding_idx=1)
    emb(indices)
    emb.backward(grad_output)
    torch_emb(t(indices)).backward(t(grad_output))
    assert_bitwise_equal(emb.grad, torch_emb.weight.grad.numpy())


# ---------------------------------------------------------------------------------------------
# Forward
# ---------------------------------------------------------------------------------------------


@given(lookup_cases())
def test_layer_forward_is_bitwise_torchs(case: LookupCase) -> None:
    ours, theirs = twins(case, case.weight())
    out = ours(case.indices)
    assert out.shape == case.indices.shape + (case.dim,)
    assert_bitwise_equal(out, theirs(t(case.indices)).detach().numpy())
    assert not np.shares_memory(out, ours.weight)


@given(lookup_cases(), max_norms, norm_types)
def test_layer_with_max_norm_renormalises_its_weight_in_place_like_torch(
    case: LookupCase, max_norm: float, norm_type: float
) -> None:
    weight = case.weight(scale=2.0)
    ours, theirs = twins(case, weight, max_norm=max_norm, norm_type=norm_type)
    table_before = ours.weight
    rtol = rtol_for(weight.dtype)
    for _ in range(2):  # the second pass finds rows just under max_norm: both must leave them (nearly) alone
        out = ours(case.indices)
        torch_out = theirs(t(case.indices)).detach().numpy()
        np.testing.assert_allclose(out, torch_out, rtol=rtol, atol=0)
        np.testing.assert_allclose(ours.weight, theirs.weight.detach().numpy(), rtol=rtol, atol=0)
    assert ours.weight is table_before  # changed in place, not replaced


# ---------------------------------------------------------------------------------------------
# Backward and accumulation
# ---------------------------------------------------------------------------------------------


def test_grad_is_none_before_the_first_backward_and_after_zero_grad() -> None:
    emb = L.Embedding(5, 3, rng=0)
    assert emb.grad is None
    emb([1, 2])
    emb.backward(np.ones((2, 3), np.float32))
    assert isinstance(emb.grad, np.ndarray) and emb.grad.shape == (5, 3)
    emb.zero_grad()
    assert emb.grad is None


@given(lookup_cases(), st.data())
def test_dense_gradients_accumulate_over_two_backwards_bitwise_like_torch(
    case: LookupCase, data: st.DataObject
) -> None:
    second = data.draw(index_arrays(case.num_embeddings), label="second batch")
    ours, theirs = twins(case, case.weight())
    for k, indices in enumerate([case.indices, second]):
        grad_output = spread_floats(case.seed + k, indices.shape + (case.dim,), case.weight_dtype)
        assert_bitwise_equal(ours(indices), theirs(t(indices)).detach().numpy())
        ours.backward(grad_output)
        theirs(t(indices)).backward(t(grad_output))
        assert_bitwise_equal(ours.grad, theirs.weight.grad.numpy())
    if case.padding_idx is not None:
        assert not ours.grad[ours.padding_idx].any()


@given(lookup_cases(), st.data())
def test_scaled_gradients_accumulate_over_two_backwards_like_torch(case: LookupCase, data: st.DataObject) -> None:
    second = data.draw(index_arrays(case.num_embeddings), label="second batch")
    ours, theirs = twins(case, case.weight(), scale_grad_by_freq=True)
    largest = 0.0
    for k, indices in enumerate([case.indices, second]):
        grad_output = spread_floats(case.seed + k, indices.shape + (case.dim,), case.weight_dtype)
        largest = max(largest, np.abs(grad_output).max(initial=0))
        ours(indices)
        ours.backward(grad_output)
        theirs(t(indices)).backward(t(grad_output))
        atol = rtol_for(case.weight_dtype) * largest * 8
        np.testing.assert_allclose(ours.grad, theirs.weight.grad.numpy(), rtol=rtol_for(case.weight_dtype), atol=atol)


@given(lookup_cases())
def test_sparse_layer_gradient_is_torchs_uncoalesced_gradient(case: LookupCase) -> None:
    ours, theirs = twins(case, case.weight(), sparse=True)
    flat = case.indices.reshape(-1)  # torch 2.13 fails on a 0-d index with padding and sparse=True
    grad_output = case.grad_output()
    ours(case.indices)
    ours.backward(grad_output)
    theirs(t(flat)).backward(t(grad_output.reshape(-1, case.dim)))
    assert isinstance(ours.grad, L.SparseGrad)
    assert ours.grad.shape == tuple(theirs.weight.grad.shape)
    assert_bitwise_equal(ours.grad.indices, theirs.weight.grad._indices().reshape(-1).numpy())
    assert_bitwise_equal(ours.grad.values, theirs.weight.grad._values().numpy())


@given(lookup_cases(), st.data())
def test_sparse_gradients_accumulate_over_two_backwards_to_torchs_sum(case: LookupCase, data: st.DataObject) -> None:
    # torch adds two uncoalesced sparse gradients by merging their index lists, so its raw
    # _indices() order after accumulation is an artefact of that merge; the sums must agree.
    second = data.draw(index_arrays(case.num_embeddings), label="second batch")
    ours, theirs = twins(case, case.weight(), sparse=True)
    largest = 0.0
    nnz = 0
    for k, indices in enumerate([case.indices, second]):
        grad_output = spread_floats(case.seed + k, indices.shape + (case.dim,), case.weight_dtype)
        largest = max(largest, np.abs(grad_output).max(initial=0))
        ours(indices)
        ours.backward(grad_output)
        theirs(t(indices.reshape(-1))).backward(t(grad_output.reshape(-1, case.dim)))
        nnz += int(np.count_nonzero(indices != ours.padding_idx) if ours.padding_idx is not None else indices.size)
    assert ours.grad.nnz == nnz  # every looked-up, non-padding position is kept
    expected = theirs.weight.grad.coalesce()
    coalesced = ours.grad.coalesce()
    tolerance = {"rtol": rtol_for(case.weight_dtype), "atol": rtol_for(case.weight_dtype) * largest * 8}
    assert_bitwise_equal(coalesced.indices, expected.indices().reshape(-1).numpy())
    np.testing.assert_allclose(coalesced.values, expected.values().numpy(), **tolerance)
    np.testing.assert_allclose(ours.grad.to_dense(), theirs.weight.grad.to_dense().numpy(), **tolerance)


def test_zero_d_index_forward_and_backward_like_torch() -> None:
    weight = table(0, 5, 3)
    emb, torch_emb = L.Embedding(5, 3, _weight=weight.copy()), torch.nn.Embedding(5, 3, _weight=t(weight))
    out = emb(np.array(4))
    assert out.shape == (3,)
    assert_bitwise_equal(out, torch_emb(torch.tensor(4)).detach().numpy())
    grad_output = spread_floats(0, (3,))
    emb.backward(grad_output)
    torch_emb(torch.tensor(4)).backward(t(grad_output))
    assert_bitwise_equal(emb.grad, torch_emb.weight.grad.numpy())


@pytest.mark.parametrize("indices", [[], [[]], np.zeros((3, 0), np.int32)], ids=["[]", "[[]]", "(3,0)"])
def test_empty_batch_gives_empty_output_and_a_zero_gradient(indices) -> None:
    emb = L.Embedding(5, 3, rng=0)
    out = emb(indices)
    assert out.shape == np.shape(indices) + (3,) and out.dtype == np.float32
    emb.backward(np.zeros(out.shape, np.float32))
    assert_bitwise_equal(emb.grad, np.zeros((5, 3), np.float32))


@pytest.mark.parametrize(
    "convert",
    [lambda a: a.tolist(), lambda a: a.astype(np.int32), lambda a: torch.from_numpy(a)],
    ids=["list", "int32", "torch"],
)
def test_layer_accepts_lists_int32_and_tensors_and_returns_numpy(convert) -> None:
    indices = np.array([[0, 4, 4], [2, 0, 1]])
    emb = L.Embedding(5, 3, padding_idx=0, rng=0)
    out = emb(convert(indices))
    assert isinstance(out, np.ndarray)
    assert_bitwise_equal(out, emb.weight[indices])
    emb.backward(torch.from_numpy(np.ones((2, 3, 3), np.float32)))
    assert emb.grad[4].tolist() == [2.0] * 3 and emb.grad[0].tolist() == [0.0] * 3
