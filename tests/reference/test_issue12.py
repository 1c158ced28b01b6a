"""Issue 12: torch's renorm arithmetic bit for bit, and bad input named clearly without changing anything."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lookup_lib as L
from lookup_lib import bag, core
from tests.conftest import assert_bitwise_equal


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_type", [1.0, 2.0, np.inf])
@pytest.mark.parametrize("dim", [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 64, 100, 300])
def test_renorm_is_bitwise_torchs_for_norms_1_2_inf(dtype, norm_type: float, dim: int) -> None:
    if torch.backends.cpu.get_cpu_capability() == "DEFAULT":
        pytest.skip("core.NORM_FMA is set for torch's vectorised (AVX2/AVX512) kernels")
    rng = np.random.default_rng(dim)
    weight = (rng.standard_normal((50, dim)) * 10.0 ** rng.uniform(-2, 2, (50, 1))).astype(dtype)
    expected = torch.from_numpy(weight.copy())
    torch.embedding_renorm_(expected, torch.arange(50), 1.0, norm_type)
    assert_bitwise_equal(L.renorm_(weight, np.arange(50), 1.0, norm_type), expected.numpy())


def unchanged(call, *arrays):
    before = [a.copy() for a in arrays]
    call()
    for a, b in zip(arrays, before, strict=True):
        assert_bitwise_equal(a, b)


def raises_unchanged(error, match, call, *arrays):
    before = [a.copy() for a in arrays]
    with pytest.raises(error, match=match):
        call()
    for a, b in zip(arrays, before, strict=True):
        assert_bitwise_equal(a, b)


W = np.arange(12, dtype=np.float32).reshape(4, 3) * 3
G = np.ones((2, 3), np.float32)
IDX = np.array([0, 1])

BAD = [
    (
        "sparse_str",
        TypeError,
        r"sparse must be a bool .* got 'False'",
        lambda: L.embedding_backward(G, IDX, 4, sparse="False"),
    ),
    (
        "scale_str",
        TypeError,
        r"scale_grad_by_freq must be a bool .* got 'False'",
        lambda: L.embedding_backward(G, IDX, 4, scale_grad_by_freq="False"),
    ),
    (
        "grad_bool",
        TypeError,
        r"grad_output must hold floating-point .*\(dtype bool\)",
        lambda: L.embedding_backward(np.ones((2, 3), bool), [0, 1], 5),
    ),
    (
        "grad_str",
        TypeError,
        r"grad_output must hold floating-point .*'abc'",
        lambda: L.embedding_backward("abc", [0], 5),
    ),
    (
        "idx_2_64",
        TypeError,
        r"\[18446744073709551616\] \(dtype object\) — every index must fit in int64",
        lambda: L.embedding([2**64], W, max_norm=1.0),
    ),
    (
        "idx_2_63",
        TypeError,
        r"\[-1, 9223372036854775808\] \(dtype float64\) — every index must fit in int64",
        lambda: L.embedding([-1, 2**63], W, max_norm=1.0),
    ),
    ("idx_none", TypeError, r"indices must be an array, a list or a tensor, got None", lambda: L.embedding(None, W)),
    (
        "idx_ragged",
        ValueError,
        r"indices must be a rectangular .* \[\[0, 1\], \[2\]\]",
        lambda: L.embedding([[0, 1], [2]], W),
    ),
    (
        "weight_ragged",
        ValueError,
        r"weight must be a rectangular .* \[\[0.0, 1.0\], \[2.0\]\]",
        lambda: L.embedding([0], [[0.0, 1.0], [2.0]]),
    ),
    (
        "offsets_uint64",
        TypeError,
        r"offsets must be integers of dtype int64 or int32.*dtype uint64",
        lambda: L.embedding_bag(IDX, W, np.array([0, 2**64 - 1], np.uint64), max_norm=1.0),
    ),
    (
        "weight_bf16",
        TypeError,
        r"weight is a tensor of dtype torch.bfloat16",
        lambda: L.embedding([0], torch.ones(2, 2, dtype=torch.bfloat16)),
    ),
    (
        "idx_uint8",
        TypeError,
        r"int64 or int32, as torch requires, got dtype uint8",
        lambda: L.embedding(np.array([0, 1], np.uint8), W, max_norm=1.0),
    ),
    (
        "idx_int16",
        TypeError,
        r"int64 or int32, as torch requires, got dtype int16",
        lambda: L.embedding(np.array([0], np.int16), W),
    ),
    (
        "psw_dtype",
        TypeError,
        r"per_sample_weights must have the dtype of the weight, float32, got dtype float64",
        lambda: L.embedding_bag(IDX, W, [0], mode="sum", per_sample_weights=np.array([1e300, 1e300]), max_norm=1.0),
    ),
]


@pytest.mark.parametrize("name, error, match, call", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_argument_and_value_and_changes_nothing(name, error, match, call) -> None:
    raises_unchanged(error, match, call, W, G, IDX)


def test_torch_also_refuses_mixed_per_sample_weights_and_small_index_dtypes() -> None:
    with pytest.raises(RuntimeError, match="same type"):
        F.embedding_bag(
            torch.tensor([0, 1]),
            torch.ones(3, 2),
            torch.tensor([0]),
            mode="sum",
            per_sample_weights=torch.ones(2, dtype=torch.float64),
        )
    with pytest.raises(RuntimeError, match="Long, Int"):
        F.embedding(torch.tensor([0], dtype=torch.uint8), torch.ones(3, 2))


def test_indices_that_view_the_tables_bytes_are_read_before_the_renorm() -> None:
    table = np.zeros((4, 2), np.float64)
    table.view(np.int64)[0] = [3, 3]  # row 0's bytes read as int64 are the indices [3, 3]
    table[3] = [30.0, 40.0]
    idx = table.view(np.int64)[0]
    expected_idx = torch.tensor([3, 3])
    t = torch.from_numpy(table.copy())
    out_t = F.embedding(expected_idx, t, max_norm=1.0)
    out = L.embedding(idx, table, max_norm=1.0)
    assert_bitwise_equal(out, out_t.numpy())


def test_layer_copies_its_indices_so_a_reused_buffer_does_not_move_the_gradient() -> None:
    emb = L.Embedding(4, 2, rng=0)
    buf = np.array([0, 1])
    emb(buf)
    buf[:] = [2, 3]
    emb.backward(np.ones((2, 2), np.float32))
    assert emb.grad[[0, 1]].tolist() == [[1, 1], [1, 1]] and not emb.grad[[2, 3]].any()


def test_one_hot_infers_num_classes_and_refuses_empty_input_like_torch() -> None:
    assert_bitwise_equal(L.one_hot([2, 0], dtype=np.int64), F.one_hot(torch.tensor([2, 0])).numpy())
    with pytest.raises(RuntimeError, match="Can not infer"):
        F.one_hot(torch.tensor([], dtype=torch.long))
    for n in (-1, 0):
        with pytest.raises(ValueError, match=f"cannot infer num_classes from empty indices .*num_classes={n}"):
            L.one_hot([], n)
    assert L.one_hot([], 3).shape == (0, 3)


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("padding_idx", [None, 1])
def test_sparse_bag_gradient_is_torchs_uncoalesced(mode: str, padding_idx) -> None:
    w = torch.randn(5, 2, dtype=torch.float64, requires_grad=True)
    idx, offs = torch.tensor([3, 1, 2, 1, 1, 4]), torch.tensor([0, 2, 2])
    g = torch.arange(6.0, dtype=torch.float64).reshape(3, 2) + 1
    F.embedding_bag(idx, w, offs, mode=mode, sparse=True, padding_idx=padding_idx).backward(g)
    ours = bag.embedding_bag_backward(
        g.numpy(), idx.numpy(), 5, offs.numpy(), mode, padding_idx=padding_idx, sparse=True
    )
    assert isinstance(ours, core.SparseGrad)
    assert ours.indices.tolist() == w.grad._indices()[0].tolist()
    assert_bitwise_equal(ours.values, w.grad._values().numpy())


def test_embedding_bag_layer_matches_torch_forward_backward_and_repr() -> None:
    table = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
    ours = L.EmbeddingBag.from_pretrained(table.copy(), freeze=False, mode="sum", padding_idx=0)
    theirs = torch.nn.EmbeddingBag.from_pretrained(
        torch.from_numpy(table.copy()), freeze=False, mode="sum", padding_idx=0
    )
    assert repr(ours) == repr(theirs)
    idx, offs, psw = np.array([1, 0, 5, 5, 2]), np.array([0, 2]), np.arange(5, dtype=np.float32)
    out = ours(idx, offs, psw)
    out_t = theirs(torch.from_numpy(idx), torch.from_numpy(offs), torch.from_numpy(psw))
    assert_bitwise_equal(out, out_t.detach().numpy())
    ours.backward(np.ones((2, 3), np.float32))
    out_t.sum().backward()
    assert_bitwise_equal(ours.grad, theirs.weight.grad.numpy())
    ours.zero_grad()
    assert ours.grad is None


PSW = np.arange(2, dtype=np.float32) + 1
STRING_FLAGS = [
    ("bag_ilo", "include_last_offset", lambda v: L.embedding_bag(IDX, W, [0, 2], include_last_offset=v, max_norm=1.0)),
    ("bag_backward_ilo", "include_last_offset",
     lambda v: L.embedding_bag_backward(G[:1], IDX, 4, [0], "sum", PSW, include_last_offset=v)),
    ("bag_backward_sparse", "sparse", lambda v: L.embedding_bag_backward(G[:1], IDX, 4, [0], "sum", PSW, sparse=v)),
    ("bag_backward_scale", "scale_grad_by_freq",
     lambda v: L.embedding_bag_backward(G[:1], IDX, 4, [0], "max", weight=W, scale_grad_by_freq=v)),
    ("layer_sparse", "sparse", lambda v: L.Embedding(4, 3, sparse=v, _weight=W)),
    ("layer_scale", "scale_grad_by_freq", lambda v: L.Embedding(4, 3, scale_grad_by_freq=v, _weight=W)),
    ("bag_layer_sparse", "sparse", lambda v: L.EmbeddingBag(4, 3, mode="max", sparse=v, _weight=W)),
    ("bag_layer_ilo", "include_last_offset", lambda v: L.EmbeddingBag(4, 3, include_last_offset=v, _weight=W)),
]


@pytest.mark.parametrize("name, flag, call", STRING_FLAGS, ids=[f[0] for f in STRING_FLAGS])
@pytest.mark.parametrize("value", ["False", "True", 0, None])
def test_string_flags_of_bags_name_the_flag_and_value_and_change_nothing(name, flag, call, value) -> None:
    # bool("False") is True: a flag must be a real bool, as torch's argument parser requires.
    raises_unchanged(TypeError, rf"{flag} must be a bool .* got {value!r}", lambda: call(value), W, G, IDX, PSW)


def test_embedding_bag_backward_after_a_failed_forward_raises() -> None:
    layer = L.EmbeddingBag(4, 3, mode="sum", _weight=W.copy())
    layer(IDX, np.array([0]))
    with pytest.raises(IndexError, match="index 9"):
        layer(np.array([0, 9]), np.array([0]))
    with pytest.raises(RuntimeError, match=r"before backward\(\)"):
        layer.backward(np.ones((1, 3), np.float32))
    assert layer.grad is None
