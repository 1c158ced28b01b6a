"""Bad input: the right error type, a message that names the bad value, and nothing changed in place.

Every call that could change ``weight`` is made with ``max_norm`` small enough that, had it
renormalised before noticing the bad input, every referenced row would have changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import lookup_lib as L
from tests.conftest import LookupCase, assert_bitwise_equal, lookup_cases, table

V, D = 5, 3


def long_rows() -> np.ndarray:
    """A (5, 3) float32 table whose every row is far longer than max_norm=1."""
    return table(7, V, D, scale=10.0)


def index_shape(indices) -> tuple[int, ...]:
    return tuple(indices.shape) if isinstance(indices, torch.Tensor) else np.shape(indices)


# Every public entry point that takes indices, as f(indices, weight); the in-place ones renormalise.
ENTRY_POINTS: dict[str, Callable] = {
    "embedding": lambda idx, w: L.embedding(idx, w, max_norm=1.0),
    "embedding padded": lambda idx, w: L.embedding(idx, w, padding_idx=-1, max_norm=1.0, norm_type=np.inf),
    "renorm_": lambda idx, w: L.renorm_(w, idx, max_norm=1.0),
    "one_hot": lambda idx, w: L.one_hot(idx, V),
    "one_hot_matmul": lambda idx, w: L.one_hot_matmul(idx, w),
    "embedding_backward": lambda idx, w: L.embedding_backward(np.ones(index_shape(idx) + (D,)), idx, V),
    "sparse backward": lambda idx, w: L.embedding_backward(np.ones(index_shape(idx) + (D,)), idx, V, sparse=True),
    "Embedding": lambda idx, w: L.Embedding(V, D, max_norm=1.0, _weight=w)(idx),
    "from_pretrained": lambda idx, w: L.Embedding.from_pretrained(w, max_norm=1.0)(idx),
}


@pytest.fixture(params=list(ENTRY_POINTS), ids=list(ENTRY_POINTS))
def entry_point(request: pytest.FixtureRequest) -> Callable:
    return ENTRY_POINTS[request.param]


def assert_fails_without_changing_weight(call: Callable, indices, error: type, match: str) -> None:
    weight = long_rows()
    before = weight.copy()
    with pytest.raises(error, match=match):
        call(indices, weight)
    assert_bitwise_equal(weight, before)


# ---------------------------------------------------------------------------------------------
# Indices that are not integers
# ---------------------------------------------------------------------------------------------

NOT_INTEGERS = {
    "float64 array": (np.array([0.0, 1.0]), "float64"),
    "float32 array": (np.array([[0.0], [1.0]], np.float32), "float32"),
    "0-d float": (np.array(1.0), "float64"),
    "float list": ([0.0, 1.0], "float64"),
    "bool array": (np.array([True, False]), "bool"),
    "bool list": ([True, False], "bool"),
    "str array": (np.array(["0", "1"]), "<U1"),
    "str list": (["0", "1"], "<U1"),
    "torch float": (torch.tensor([0.0, 1.0]), "float32"),
    "torch bool": (torch.tensor([True, False]), "bool"),
}


@pytest.mark.parametrize("indices, dtype_name", list(NOT_INTEGERS.values()), ids=list(NOT_INTEGERS))
def test_non_integer_indices_raise_type_error_naming_the_dtype(entry_point: Callable, indices, dtype_name: str) -> None:
    assert_fails_without_changing_weight(entry_point, indices, TypeError, f"dtype {re.escape(dtype_name)}")


def test_bool_indices_error_says_bools_are_masks() -> None:
    with pytest.raises(TypeError, match="masks, not indices"):
        L.embedding([True, False, True, False, True], long_rows())


def test_torch_also_refuses_float_indices() -> None:
    with pytest.raises(RuntimeError, match="Long, Int"):
        F.embedding(torch.tensor([0.0, 1.0]), torch.zeros(V, D))


# ---------------------------------------------------------------------------------------------
# Indices out of [0, V)
# ---------------------------------------------------------------------------------------------

OUT_OF_RANGE = {
    "V itself": ([0, 5], 5, "at position (1,)"),
    "negative -1 (no wrap-around)": ([[0, 1], [2, -1]], -1, "at position (1, 1)"),
    "-V": ([-5], -5, "at position (0,)"),
    "0-d": (np.array(7), 7, "(a 0-d index)"),
    "int32 max": (np.array([3, 2**31 - 1], np.int32), 2**31 - 1, "at position (1,)"),
    "torch tensor": (torch.tensor([[4, 9, 0]]), 9, "at position (0, 1)"),
    "first of several": ([1, 6, -2], 6, "at position (1,)"),
}


@pytest.mark.parametrize("indices, value, where", list(OUT_OF_RANGE.values()), ids=list(OUT_OF_RANGE))
def test_out_of_range_index_raises_index_error_naming_value_position_and_size(
    entry_point: Callable, indices, value: int, where: str
) -> None:
    pattern = rf"index {value} {re.escape(where)} .*\b{V} rows; valid indices are 0 to {V - 1}"
    assert_fails_without_changing_weight(entry_point, indices, IndexError, pattern)


def test_negative_index_error_says_there_is_no_wrap_around() -> None:
    with pytest.raises(IndexError, match="negative indices do not wrap around"):
        L.embedding([-1], long_rows())


def test_any_index_into_an_empty_table_is_out_of_range() -> None:
    with pytest.raises(IndexError, match="index 0 at position \\(0,\\) .* 0 rows; valid indices are none"):
        L.embedding([0], np.zeros((0, D), np.float32))


@given(lookup_cases(), st.data())
def test_one_bad_index_anywhere_is_reported_by_value_and_position_and_changes_nothing(
    case: LookupCase, data: st.DataObject
) -> None:
    indices = case.indices.reshape(-1).copy() if case.indices.ndim == 0 else case.indices.copy()
    if indices.size == 0:
        indices = np.zeros((1,), indices.dtype)
    position = data.draw(st.tuples(*(st.integers(0, side - 1) for side in indices.shape)))
    bad = data.draw(
        st.integers(case.num_embeddings, case.num_embeddings + 1000) | st.integers(-1000, -1), label="bad index"
    )
    indices[position] = bad
    weight = case.weight(scale=10.0)
    before = weight.copy()
    pattern = rf"index {bad} at position {re.escape(str(position))} .*\b{case.num_embeddings} rows"
    with pytest.raises(IndexError, match=pattern):
        L.embedding(indices, weight, padding_idx=case.padding_idx, max_norm=0.5)
    with pytest.raises(IndexError, match=pattern):
        L.renorm_(weight, indices, max_norm=0.5)
    assert_bitwise_equal(weight, before)


def test_failed_lookup_leaves_weight_unchanged_where_torch_changes_it() -> None:
    # torch 2.13 renormalises the referenced rows (index -1 wrapping to the last row) before it
    # notices that -1 is out of range; lookup_lib checks everything first.
    torch_weight = torch.from_numpy(long_rows())
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(torch.tensor([0, -1]), torch_weight, max_norm=1.0)
    changed = (torch_weight != torch.from_numpy(long_rows())).any(dim=1)
    assert changed.tolist() == [True, False, False, False, True]

    weight = long_rows()
    with pytest.raises(IndexError, match="index -1 at position \\(1,\\)"):
        L.embedding([0, -1], weight, max_norm=1.0)
    assert_bitwise_equal(weight, long_rows())


# ---------------------------------------------------------------------------------------------
# weight not 2-D
# ---------------------------------------------------------------------------------------------

NOT_2D = {
    "1-d": np.ones(5, np.float32),
    "3-d": np.ones((5, 3, 1), np.float32),
    "0-d": np.float32(1.0),
    "torch 1-d": torch.ones(5),
    "nested list 3-d": [[[1.0]]],
}


@pytest.mark.parametrize("weight", list(NOT_2D.values()), ids=list(NOT_2D))
@pytest.mark.parametrize(
    "call",
    [
        lambda w: L.embedding([0], w),
        lambda w: L.embedding([0], w, max_norm=1.0),
        lambda w: L.one_hot_matmul([0], w),
        lambda w: L.renorm_(w, [0], 1.0),
        lambda w: L.Embedding.from_pretrained(w),
    ],
    ids=["embedding", "embedding max_norm", "one_hot_matmul", "renorm_", "from_pretrained"],
)
def test_weight_that_is_not_2d_raises_value_error_naming_its_shape(call: Callable, weight) -> None:
    as_numpy = weight.numpy() if isinstance(weight, torch.Tensor) else np.asarray(weight)
    shape, before = as_numpy.shape, as_numpy.copy()
    with pytest.raises(ValueError, match=rf"2-D.*{re.escape(str(shape))}"):
        call(weight)
    assert_bitwise_equal(as_numpy, before)


def test_explicit_weight_of_the_wrong_shape_raises_value_error_naming_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(4, 3\).*num_embeddings=5.*\(5, 3\)"):
        L.Embedding(5, 3, _weight=np.zeros((4, 3), np.float32))


# ---------------------------------------------------------------------------------------------
# padding_idx outside [-V, V)
# ---------------------------------------------------------------------------------------------

BAD_PADDING = [V, V + 3, -V - 1, -100]
PADDING_CALLS = {
    "embedding": lambda w, p: L.embedding([0, 1], w, padding_idx=p, max_norm=1.0),
    "embedding_backward": lambda w, p: L.embedding_backward(np.ones((2, D)), [0, 1], V, padding_idx=p),
    "Embedding": lambda w, p: L.Embedding(V, D, padding_idx=p),
    "Embedding _weight": lambda w, p: L.Embedding(V, D, padding_idx=p, max_norm=1.0, _weight=w),
    "from_pretrained": lambda w, p: L.Embedding.from_pretrained(w, padding_idx=p, max_norm=1.0),
}


@pytest.mark.parametrize("padding_idx", BAD_PADDING)
@pytest.mark.parametrize("call", list(PADDING_CALLS.values()), ids=list(PADDING_CALLS))
def test_padding_idx_outside_the_table_raises_value_error_naming_it(call: Callable, padding_idx: int) -> None:
    weight = long_rows()
    with pytest.raises(ValueError, match=rf"padding_idx={padding_idx} .*\[-{V}, {V}\)"):
        call(weight, padding_idx)
    assert_bitwise_equal(weight, long_rows())


@pytest.mark.parametrize("padding_idx", BAD_PADDING)
def test_torch_also_refuses_padding_idx_outside_the_table(padding_idx: int) -> None:
    with pytest.raises(AssertionError, match="Padding_idx must be within"):
        F.embedding(torch.tensor([0]), torch.zeros(V, D), padding_idx=padding_idx)


@pytest.mark.parametrize("padding_idx", [1.0, "0", True])
def test_padding_idx_that_is_not_an_int_raises_type_error(padding_idx) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(padding_idx))):
        L.embedding([0], long_rows(), padding_idx=padding_idx)


# ---------------------------------------------------------------------------------------------
# max_norm <= 0, norm_type <= 0
# ---------------------------------------------------------------------------------------------

NORM_CALLS = {
    "embedding": lambda w, m, p: L.embedding([0, 2], w, max_norm=m, norm_type=p),
    "renorm_": lambda w, m, p: L.renorm_(w, [0, 2], max_norm=m, norm_type=p),
    "Embedding": lambda w, m, p: L.Embedding(V, D, max_norm=m, norm_type=p, _weight=w)([0, 2]),
    "from_pretrained": lambda w, m, p: L.Embedding.from_pretrained(w, max_norm=m, norm_type=p)([0, 2]),
}


@pytest.mark.parametrize("max_norm", [0, 0.0, -1.0, -np.inf, float("nan")])
@pytest.mark.parametrize("call", list(NORM_CALLS.values()), ids=list(NORM_CALLS))
def test_max_norm_not_positive_raises_value_error_naming_it(call: Callable, max_norm: float) -> None:
    weight = long_rows()
    with pytest.raises(ValueError, match=rf"max_norm .*got {re.escape(repr(max_norm))}"):
        call(weight, max_norm, 2.0)
    assert_bitwise_equal(weight, long_rows())


@pytest.mark.parametrize("norm_type", [0, 0.0, -2.0, -np.inf, float("nan")])
@pytest.mark.parametrize("call", list(NORM_CALLS.values()), ids=list(NORM_CALLS))
def test_norm_type_not_positive_raises_value_error_naming_it(call: Callable, norm_type: float) -> None:
    weight = long_rows()
    with pytest.raises(ValueError, match=rf"norm_type .*got {re.escape(repr(norm_type))}"):
        call(weight, 1.0, norm_type)
    assert_bitwise_equal(weight, long_rows())


def test_renorm_without_max_norm_raises_value_error() -> None:
    weight = long_rows()
    with pytest.raises(ValueError, match="max_norm, got None"):
        L.renorm_(weight, [0], None)
    assert_bitwise_equal(weight, long_rows())


# ---------------------------------------------------------------------------------------------
# In-place functions need a writable float table
# ---------------------------------------------------------------------------------------------


def test_max_norm_on_a_list_weight_raises_type_error_since_it_cannot_change_in_place() -> None:
    with pytest.raises(TypeError, match="in place.*got list"):
        L.embedding([0], long_rows().tolist(), max_norm=1.0)
    with pytest.raises(TypeError, match="in place.*got list"):
        L.renorm_(long_rows().tolist(), [0], 1.0)


def test_max_norm_on_an_integer_weight_raises_type_error_naming_the_dtype() -> None:
    weight = np.full((V, D), 10, dtype=np.int64)
    with pytest.raises(TypeError, match="floating-point weight, got dtype int64"):
        L.renorm_(weight, [0], 1.0)
    assert np.all(weight == 10)


def test_max_norm_on_a_read_only_weight_raises_value_error() -> None:
    weight = long_rows()
    weight.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        L.embedding([0], weight, max_norm=1.0)
    assert_bitwise_equal(weight, long_rows())


# ---------------------------------------------------------------------------------------------
# Backward: shapes, sparse + scale_grad_by_freq, and the layer's own rules
# ---------------------------------------------------------------------------------------------


def test_sparse_with_scale_grad_by_freq_raises_value_error() -> None:
    with pytest.raises(ValueError, match="scale_grad_by_freq.*sparse"):
        L.embedding_backward(np.ones((2, D)), [0, 1], V, scale_grad_by_freq=True, sparse=True)
    with pytest.raises(ValueError, match="scale_grad_by_freq.*sparse"):
        L.Embedding(V, D, scale_grad_by_freq=True, sparse=True)


def test_torch_also_refuses_sparse_with_scale_grad_by_freq() -> None:
    weight = torch.zeros(V, D, requires_grad=True)
    out = F.embedding(torch.tensor([0, 1]), weight, scale_grad_by_freq=True, sparse=True)
    with pytest.raises(RuntimeError, match="scale_grad_by_freq not supported with sparse"):
        out.sum().backward()


@pytest.mark.parametrize("grad_shape", [(2, 3), (3, D), (2, 1, D), (D,)], ids=str)
def test_grad_output_of_the_wrong_shape_raises_value_error_naming_both_shapes(grad_shape: tuple) -> None:
    pattern = rf"\(2, 3, 'D'\), got {re.escape(str(grad_shape))}"
    with pytest.raises(ValueError, match=pattern):
        L.embedding_backward(np.ones(grad_shape), np.zeros((2, 3), int), V)


def test_layer_keeps_its_gradient_when_a_backward_fails() -> None:
    emb = L.Embedding(V, D, rng=0)
    emb([[0, 1, 1]])
    emb.backward(np.ones((1, 3, D), np.float32))
    grad = emb.grad.copy()
    with pytest.raises(ValueError, match="grad_output must have shape"):
        emb.backward(np.ones((3, D), np.float32))
    assert_bitwise_equal(emb.grad, grad)


def test_failed_forward_leaves_layer_weight_unchanged_and_backward_then_raises() -> None:
    emb = L.Embedding(V, D, max_norm=1.0, _weight=long_rows())
    emb([1, 2])
    weight = emb.weight.copy()
    with pytest.raises(IndexError, match="index 5"):
        emb([0, 5])
    assert_bitwise_equal(emb.weight, weight)
    with pytest.raises(RuntimeError, match="successfully"):  # not the previous batch's indices, silently
        emb.backward(np.ones((2, D), np.float32))
    assert emb.grad is None


def test_backward_before_any_forward_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="before backward"):
        L.Embedding(V, D, rng=0).backward(np.ones((1, D)))


def test_backward_through_a_frozen_table_raises_runtime_error_like_torch() -> None:
    emb = L.Embedding.from_pretrained(long_rows())  # freeze=True
    emb([0])
    with pytest.raises(RuntimeError, match="frozen"):
        emb.backward(np.ones((1, D)))
    assert emb.grad is None
    torch_emb = torch.nn.Embedding.from_pretrained(torch.from_numpy(long_rows()))
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch_emb(torch.tensor([0])).sum().backward()


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (2.0, TypeError), (True, TypeError)])
def test_table_sizes_must_be_non_negative_ints(bad, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(bad))):
        L.Embedding(bad, D)
    with pytest.raises(error, match=re.escape(repr(bad))):
        L.Embedding(V, bad)
    one_hot_bad = -2 if bad == -1 else bad  # num_classes=-1 means "infer", as in torch
    with pytest.raises(error, match=re.escape(repr(one_hot_bad))):
        L.one_hot([0], one_hot_bad)
