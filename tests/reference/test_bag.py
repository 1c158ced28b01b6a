"""lookup_lib.bag against torch.nn.functional.embedding_bag (torch 2.13, CPU).

Hypothesis settings come from the project profile (tests/conftest.py: derandomized, no database).
Two oracles:
- torch's ``embedding_bag`` itself (forward bit for bit, backward through autograd), except on
  two corners where torch 2.13's CPU kernels contradict torch's documentation;
- ``documented_bags``: the documented semantics built from ``F.embedding`` and a plain Python
  loop over the bags (differentiable), which covers those corners too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from lookup_lib import embedding
from lookup_lib.bag import MODES, embedding_bag, embedding_bag_backward, per_sample_weights_backward
from tests.conftest import assert_bitwise_equal, seeds, spread_floats


@dataclass
class Case:
    """One call: the bags as generated (``bounds``), and the arguments that describe them."""

    indices: np.ndarray
    weight: np.ndarray
    bounds: list[int]  # bag b is indices.reshape(-1)[bounds[b]:bounds[b + 1]]
    offsets: np.ndarray | None = None
    mode: str = "mean"
    per_sample_weights: np.ndarray | None = None
    include_last_offset: bool = False
    padding_idx: int | None = None
    seed: int = 0

    def grad_output(self) -> np.ndarray:
        return spread_floats(self.seed + 2, (self.num_bags, self.weight.shape[1]), self.weight.dtype)

    def kwargs(self) -> dict:
        return dict(
            offsets=self.offsets,
            mode=self.mode,
            per_sample_weights=self.per_sample_weights,
            include_last_offset=self.include_last_offset,
            padding_idx=self.padding_idx,
        )

    @property
    def num_bags(self) -> int:
        return len(self.bounds) - 1


# The reductions: (mode, with per_sample_weights?)
REDUCTIONS = [("sum", False), ("sum", True), ("mean", False), ("max", False)]
REDUCTION_IDS = ["sum", "weighted_sum", "mean", "max"]


@st.composite
def bag_cases(draw, dtype: type, reduction: tuple[str, bool], trailing: bool = False) -> Case:
    """Random bags (some empty); ``trailing`` allows indices after the last offset (include_last_offset only).

    Floats span six decades (so that a sum in another order gives other bits); half the tables
    are rounded to integers, which gives ties and -0.0 (so that max's choice among equals shows).
    """
    num_rows, dim, seed = draw(st.integers(1, 6)), draw(st.integers(1, 3)), draw(seeds)
    weight = spread_floats(seed, (num_rows, dim), dtype)
    if draw(st.booleans()):
        weight = np.round(weight)
    rng = np.random.default_rng(seed)
    index_dtype = draw(st.sampled_from([np.int32, np.int64]))
    include_last_offset = draw(st.booleans())
    if draw(st.booleans()):  # 2-D: B bags of L indices (include_last_offset does not apply)
        num_bags, length = draw(st.integers(1, 4)), draw(st.integers(1, 6))
        indices = rng.integers(0, num_rows, (num_bags, length)).astype(index_dtype)
        bounds, offsets = list(range(0, num_bags * length + 1, length)), None
    else:
        lengths = draw(st.lists(st.integers(0, 6), min_size=1, max_size=5))
        bounds = [0, *np.cumsum(lengths, dtype=int).tolist()]
        extra = draw(st.integers(1, 3)) if trailing and include_last_offset else 0
        indices = rng.integers(0, num_rows, bounds[-1] + extra).astype(index_dtype)
        offsets = np.array(bounds if include_last_offset else bounds[:-1], dtype=index_dtype)
    mode, weighted = reduction
    psw = spread_floats(seed + 1, indices.shape, dtype) if weighted else None
    padding_idx = draw(st.none() | st.integers(-num_rows, num_rows - 1))
    return Case(indices, weight, bounds, offsets, mode, psw, include_last_offset, padding_idx, seed)


def torch_bag(case: Case, weight: torch.Tensor, psw: torch.Tensor | None = None, **extra) -> torch.Tensor:
    """torch's embedding_bag on the case."""
    kw = case.kwargs() | {"per_sample_weights": psw} | extra
    kw["offsets"] = None if case.offsets is None else torch.from_numpy(case.offsets)
    return F.embedding_bag(torch.from_numpy(case.indices), weight, **kw)


def documented_bags(case: Case, weight: torch.Tensor, psw: torch.Tensor | None = None, scale_grad_by_freq=False):
    """The documented semantics: look up with F.embedding, then reduce each bag in a Python loop."""
    flat = case.indices.reshape(-1)[: case.bounds[-1]]  # indices after the last bag are in no bag
    rows = F.embedding(torch.from_numpy(flat), weight, scale_grad_by_freq=scale_grad_by_freq)
    pad = None if case.padding_idx is None else case.padding_idx % weight.shape[0]
    weights = None if psw is None else psw.reshape(-1)
    out = []
    for start, end in zip(case.bounds[:-1], case.bounds[1:], strict=True):
        keep = [i for i in range(start, end) if flat[i] != pad]
        bag = rows[keep] if weights is None else rows[keep] * weights[keep, None]
        if not keep:  # zeros, still attached to weight so that autograd runs
            out.append(bag.sum(0))
            continue
        out.append({"sum": bag.sum(0), "mean": bag.mean(0), "max": bag.max(0).values}[case.mode])
    return torch.stack(out) if out else rows[:0]


def assert_close(ours: np.ndarray, expected: np.ndarray) -> None:
    """float64 results summed in another order: equal up to rounding, relative to the largest value."""
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-10 * np.abs(expected).max(initial=1.0))


def leaf(array: np.ndarray | None) -> torch.Tensor | None:
    return None if array is None else torch.tensor(array, requires_grad=True)


# ---- forward --------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS, ids=REDUCTION_IDS)
@given(data=st.data())
def test_forward_matches_torch_bit_for_bit(dtype, reduction, data):
    case = data.draw(bag_cases(dtype, reduction))
    ours = embedding_bag(case.indices, case.weight, **case.kwargs())
    psw = None if case.per_sample_weights is None else torch.from_numpy(case.per_sample_weights)
    assert_bitwise_equal(ours, torch_bag(case, torch.from_numpy(case.weight), psw).numpy())


@pytest.mark.parametrize("reduction", REDUCTIONS, ids=REDUCTION_IDS)
@settings(max_examples=30)  # the Python-loop oracle is slow; the rest of the profile applies
@given(data=st.data())
def test_forward_follows_the_documentation(reduction, data):
    case = data.draw(bag_cases(np.float64, reduction, trailing=True))
    ours = embedding_bag(case.indices, case.weight, **case.kwargs())
    psw = None if case.per_sample_weights is None else torch.from_numpy(case.per_sample_weights)
    assert_close(ours, documented_bags(case, torch.from_numpy(case.weight), psw).numpy())


def test_mean_divides_by_the_bag_size_like_torch():
    # x / n and x * (1 / n) differ in the last bit for some x when n is not a power of 2.
    rng = np.random.default_rng(1)
    weight = rng.standard_normal((20, 8)).astype(np.float32)
    offsets = np.r_[0, np.cumsum(np.arange(1, 13))[:-1]]  # bags of 1, 2, ..., 12 entries
    indices = rng.integers(0, 20, offsets[-1] + 12)
    ours = embedding_bag(indices, weight, offsets, mode="mean")
    theirs = F.embedding_bag(torch.from_numpy(indices), torch.from_numpy(weight), torch.from_numpy(offsets))
    assert_bitwise_equal(ours, theirs.numpy())


def test_2d_indices_are_1d_indices_with_equal_offsets():
    weight = np.random.default_rng(0).standard_normal((7, 3)).astype(np.float32)
    indices = np.array([[1, 2, 3], [4, 4, 0]])
    for mode in MODES:
        two_d = embedding_bag(indices, weight, mode=mode)
        assert_bitwise_equal(two_d, embedding_bag(indices.reshape(-1), weight, offsets=[0, 3], mode=mode))


def test_empty_bags_are_zero_in_every_mode():
    weight = np.full((3, 2), 7.0, dtype=np.float32)
    for mode in MODES:
        out = embedding_bag([1, 2], weight, offsets=[0, 0, 2], mode=mode)  # bags [], [1, 2], []
        assert_bitwise_equal(out[[0, 2]], np.zeros((2, 2), dtype=np.float32))
        assert_bitwise_equal(
            out,
            F.embedding_bag(torch.tensor([1, 2]), torch.from_numpy(weight), torch.tensor([0, 0, 2]), mode=mode).numpy(),
        )


def test_rows_of_length_zero_give_zeros_where_torch_raises():
    weight = np.ones((3, 2), dtype=np.float32)
    assert_bitwise_equal(embedding_bag(np.zeros((2, 0), dtype=np.int64), weight), np.zeros((2, 2), dtype=np.float32))
    with pytest.raises(RuntimeError, match="step must be nonzero"):  # torch 2.13
        F.embedding_bag(torch.zeros((2, 0), dtype=torch.long), torch.from_numpy(weight))


def test_padding_is_skipped_and_not_counted_by_mean():
    weight = np.array([[100.0, 100.0], [1.0, 2.0], [3.0, 6.0]], dtype=np.float32)
    indices = [[0, 1, 2, 0], [0, 0, 0, 0]]  # the second bag is only padding
    mean = embedding_bag(indices, weight, mode="mean", padding_idx=0)
    np.testing.assert_array_equal(mean, [(weight[1] + weight[2]) / 2, [0, 0]])
    maxed = embedding_bag(indices, weight, mode="max", padding_idx=0)
    np.testing.assert_array_equal(maxed, [np.maximum(weight[1], weight[2]), [0, 0]])


def test_max_tie_goes_to_the_first_entry_as_in_torch():
    weight = np.array([[0.0, 0.0], [2.0, 1.0], [2.0, 5.0], [-0.0, 1.0]], dtype=np.float32)
    indices = [[0, 3], [3, 0], [1, 2, 1]]
    grad = np.array([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0]], dtype=np.float32)
    w = torch.tensor(weight, requires_grad=True)
    for bag, g in zip(indices, grad, strict=True):
        out = embedding_bag([bag], weight, mode="max")
        assert_bitwise_equal(out, F.embedding_bag(torch.tensor([bag]), w, mode="max").detach().numpy())
        assert np.signbit(out[0, 0]) == np.signbit(weight[bag[0], 0])  # 0.0 vs -0.0: the first one stays
        F.embedding_bag(torch.tensor([bag]), w, mode="max").backward(torch.from_numpy(g[None]))
    ours = sum(
        embedding_bag_backward(g[None], [b], 4, mode="max", weight=weight) for b, g in zip(indices, grad, strict=True)
    )
    np.testing.assert_array_equal(ours, w.grad.numpy())
    assert ours[1, 0] == 100.0 and ours[2, 0] == 0.0  # rows 1 and 2 tie at 2.0 in column 0: row 1 came first


def test_max_keeps_a_first_nan_and_ignores_a_later_one_as_in_torch():
    weight = np.array([[np.nan, 0.0], [3.0, 1.0], [1.0, 2.0]], dtype=np.float32)
    for bag in ([0, 1], [1, 0], [2, 0, 1]):
        theirs = F.embedding_bag(torch.tensor([bag]), torch.from_numpy(weight), mode="max").numpy()
        assert_bitwise_equal(embedding_bag([bag], weight, mode="max"), theirs)
        assert np.isnan(theirs[0, 0]) == (bag[0] == 0)


def test_max_norm_renormalises_in_place_like_torch():
    rng = np.random.default_rng(3)
    weight = (rng.standard_normal((6, 4)) * 3).astype(np.float32)
    original, theirs = weight.copy(), torch.from_numpy(weight.copy())
    for mode in MODES:
        ours = embedding_bag([1, 2, 2, 5, 0], weight, offsets=[0, 2], mode=mode, max_norm=1.5)
        expected = F.embedding_bag(torch.tensor([1, 2, 2, 5, 0]), theirs, torch.tensor([0, 2]), mode=mode, max_norm=1.5)
        np.testing.assert_allclose(ours, expected.numpy(), rtol=1e-6)
        np.testing.assert_allclose(weight, theirs.numpy(), rtol=1e-6)  # the same rows changed, in place
    np.testing.assert_allclose(np.linalg.norm(weight[[0, 1, 2, 5]], axis=1), 1.5, rtol=1e-6)  # all were longer
    np.testing.assert_array_equal(weight[[3, 4]], original[[3, 4]])  # rows 3 and 4 are in no bag: untouched


def test_accepts_torch_tensors():
    weight = torch.arange(6.0).reshape(3, 2)
    out = embedding_bag(torch.tensor([0, 2, 1]), weight, offsets=torch.tensor([0, 1]), mode="sum")
    np.testing.assert_array_equal(out, [[0, 1], [6, 8]])


# ---- backward -------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS, ids=REDUCTION_IDS)
@given(data=st.data())
def test_backward_matches_torch_autograd(reduction, data):
    case = data.draw(bag_cases(np.float64, reduction))
    grad = case.grad_output()
    w, psw = leaf(case.weight), leaf(case.per_sample_weights)
    torch_bag(case, w, psw).backward(torch.from_numpy(grad))
    ours = embedding_bag_backward(grad, case.indices, len(case.weight), weight=case.weight, **case.kwargs())
    assert_close(ours, w.grad.numpy())
    if psw is not None:
        ours_psw = per_sample_weights_backward(
            grad, case.indices, case.weight, case.offsets, case.include_last_offset, case.padding_idx
        )
        assert_close(ours_psw, psw.grad.numpy())


@pytest.mark.parametrize("reduction", REDUCTIONS[:3], ids=REDUCTION_IDS[:3])  # scale_grad_by_freq does not apply to max
@settings(max_examples=30)  # the Python-loop oracle is slow; the rest of the profile applies
@given(scale_grad_by_freq=st.booleans(), data=st.data())
def test_backward_follows_the_documentation(reduction, scale_grad_by_freq, data):
    case = data.draw(bag_cases(np.float64, reduction, trailing=True))
    grad = case.grad_output()
    w, psw = leaf(case.weight), leaf(case.per_sample_weights)
    documented_bags(case, w, psw, scale_grad_by_freq).backward(torch.from_numpy(grad))
    ours = embedding_bag_backward(
        grad, case.indices, len(case.weight), scale_grad_by_freq=scale_grad_by_freq, **case.kwargs()
    )
    assert_close(ours, w.grad.numpy())


def test_backward_keeps_the_dtype_of_grad_output():
    grad = np.ones((1, 2), dtype=np.float32)
    assert embedding_bag_backward(grad, [[0, 1]], 3, mode="mean").dtype == np.float32


def test_padding_row_and_empty_bags_get_no_gradient():
    weight = np.arange(8.0).reshape(4, 2)
    for mode in MODES:
        grad = embedding_bag_backward(
            np.ones((3, 2)), [0, 0, 3], 4, offsets=[0, 0, 2], mode=mode, padding_idx=0, weight=weight
        )
        np.testing.assert_array_equal(grad, [[0, 0], [0, 0], [0, 0], [1, 1]])


# ---- the two torch 2.13 CPU corners we do not copy -------------------------------------------

# torch's answers for indices after the last offset (include_last_offset) are pinned for torch < 2.14 only.
TORCH_PINNED_CORNERS = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2]) < (2, 14)


def test_include_last_offset_ends_the_last_bag_where_torch_does_not():
    # Documented: "offsets has one additional element, where the last element is equivalent to
    # the size of indices. This matches the CSR format." So bag 0 is indices[0:2]; index 2 is in no bag.
    weight = np.array([[1.0, 1.0], [5.0, 5.0], [9.0, 9.0]], dtype=np.float32)
    indices, offsets = np.array([0, 1, 2]), np.array([0, 2])
    bag = embedding(indices[0:2], weight)  # (2, 2): the rows of the one bag
    expected = {"sum": bag.sum(0), "mean": bag.sum(0) / 2, "max": bag.max(0)}
    theirs = {}
    for mode in MODES:
        ours = embedding_bag(indices, weight, offsets, mode=mode, include_last_offset=True)
        np.testing.assert_array_equal(ours[0], expected[mode])
        theirs[mode] = F.embedding_bag(
            torch.from_numpy(indices),
            torch.from_numpy(weight),
            torch.from_numpy(offsets),
            mode=mode,
            include_last_offset=True,
        )[0].numpy()
    # torch 2.13 CPU (pytorch#191965): sum agrees; mean divides that sum by the count up to the
    # end of indices (3, not 2); max reduces up to the end of indices (the trailing 9 wins).
    # Indices after the last offset are out of contract, so a newer torch may answer anything there.
    if not TORCH_PINNED_CORNERS:
        pytest.skip(f"torch {torch.__version__}: only torch < 2.14's out-of-contract answer is pinned")
    np.testing.assert_array_equal(theirs["sum"], expected["sum"])
    np.testing.assert_array_equal(theirs["mean"], bag.sum(0) / len(indices))
    np.testing.assert_array_equal(theirs["max"], embedding(indices, weight).max(0))


def test_include_last_offset_with_padding_where_torch_sums_the_trailing_indices():
    weight = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    indices, offsets = np.array([1, 2, 3, 3]), np.array([0, 2])  # one bag, [1, 2]; 1 is padding
    ours = embedding_bag(indices, weight, offsets, mode="sum", include_last_offset=True, padding_idx=1)
    np.testing.assert_array_equal(ours[0], embedding([2], weight)[0])
    theirs = F.embedding_bag(
        torch.from_numpy(indices),
        torch.from_numpy(weight),
        torch.from_numpy(offsets),
        mode="sum",
        include_last_offset=True,
        padding_idx=1,
    )
    if not TORCH_PINNED_CORNERS:  # out of contract (see above)
        pytest.skip(f"torch {torch.__version__}: only torch < 2.14's out-of-contract answer is pinned")
    np.testing.assert_array_equal(theirs[0].numpy(), weight[2] + weight[3] + weight[3])  # torch 2.13 CPU


def test_indices_after_the_last_offset_get_no_gradient_and_do_not_count():
    # torch 2.13 CPU reads uninitialised memory for row 1 here (sum), so only the documented
    # semantics is checked: index 1 at position 2 is in no bag.
    case = Case(np.array([1, 2, 1]), np.ones((3, 2)), [0, 2], np.array([0, 2]), "sum", include_last_offset=True)
    grad = np.array([[1.0, 10.0]])
    for scale_grad_by_freq in (False, True):
        w = leaf(case.weight)
        documented_bags(case, w, scale_grad_by_freq=scale_grad_by_freq).backward(torch.from_numpy(grad))
        ours = embedding_bag_backward(grad, case.indices, 3, scale_grad_by_freq=scale_grad_by_freq, **case.kwargs())
        np.testing.assert_array_equal(ours, w.grad.numpy())
        np.testing.assert_array_equal(ours, [[0, 0], [1, 10], [1, 10]])


def test_scale_grad_by_freq_divides_each_row_by_its_own_count_where_torch_does_not():
    # Documented: "scale gradients by the inverse of frequency of the words in the mini-batch".
    # Row 1 occurs twice and row 3 once in [1, 1, 3]: each gets 2 * 1/2 = 1 and 1 * 1/1 = 1.
    indices, grad = [1, 1, 3], np.ones((1, 3), dtype=np.float32)
    for mode in ("sum", "mean"):
        case = Case(np.array(indices), np.ones((4, 3), dtype=np.float32), [0, 3], np.array([0]), mode)
        w = leaf(case.weight)
        documented_bags(case, w, scale_grad_by_freq=True).backward(torch.from_numpy(grad))
        ours = embedding_bag_backward(grad, indices, 4, offsets=[0], mode=mode, scale_grad_by_freq=True)
        np.testing.assert_allclose(ours, w.grad.numpy(), rtol=1e-6)
        assert ours[1, 0] == ours[3, 0]
        w_bag = leaf(case.weight)
        torch_bag(case, w_bag, scale_grad_by_freq=True).backward(torch.from_numpy(grad))
        # torch 2.13 CPU (pytorch#190063) divides row 3 by row 1's count, 2; PR #190264 fixed it
        # (announced for 2.15; torch 2.14.1 already gives [1, 1], measured).
        fixed = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:3]) >= (2, 14, 1)
        divisor = [[1], [1]] if fixed else [[1], [2]]
        np.testing.assert_allclose(w_bag.grad.numpy()[[1, 3]], ours[[1, 3]] / divisor, rtol=1e-6)


# ---- errors: clear, and nothing changed -------------------------------------------------------

BAD_CALLS = [
    (dict(indices=[0, 1], offsets=[0], mode="min"), ValueError, r"mode must be one of \('sum', .*\), got 'min'"),
    (dict(indices=[0, 1, 2], offsets=[1, 2]), ValueError, r"offsets\[0\] must be 0 .* got 1"),
    (dict(indices=[0, 1, 2], offsets=[0, 2, 1]), ValueError, r"must not decrease, got offsets\[1\]=2 > offsets\[2\]=1"),
    (dict(indices=[0, 1, 2], offsets=[0, 5]), ValueError, r"offsets\[-1\]=5 is past the end .* \[0, 3\]"),
    (dict(indices=[0, 1, 2], offsets=[0, 5], include_last_offset=True), ValueError, r"offsets\[-1\]=5 is past"),
    (dict(indices=[0, 1], offsets=[], include_last_offset=True), ValueError, "at least one offset"),
    (dict(indices=[0, 1]), ValueError, "1-D indices need offsets"),
    (dict(indices=[[0, 1]], offsets=[0]), ValueError, "offsets must be None"),
    (dict(indices=[[[0]]]), ValueError, r"must be 1-D .* or 2-D .* got shape \(1, 1, 1\)"),
    (dict(indices=[0.0, 1.0], offsets=[0]), TypeError, "indices must be integers .* float64"),
    (dict(indices=[0, 1], offsets=[0.0]), TypeError, r"offsets must be integers .*\[0\.0\] \(dtype float64\)"),
    (dict(indices=[[0, 1]], mode="mean", per_sample_weights=[[1.0, 2.0]]), ValueError, "mode='sum', got mode='mean'"),
    (dict(indices=[[0, 1]], mode="max", per_sample_weights=[[1.0, 2.0]]), ValueError, "mode='sum', got mode='max'"),
    (dict(indices=[[0, 1]], mode="sum", per_sample_weights=[1.0, 2.0]), ValueError, r"shape of indices, \(1, 2\)"),
    (dict(indices=[[0, 7]]), IndexError, r"index 7 at position \(0, 1\) .* valid indices are 0 to 3"),
    (dict(indices=[0, -1], offsets=[0]), IndexError, "index -1 .* do not wrap around"),
    (dict(indices=[[0, 1]], padding_idx=4), ValueError, r"padding_idx=4 .* \[-4, 4\)"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS)
def test_bad_input_is_named_and_changes_nothing(call, error, message):
    weight = np.full((4, 3), 10.0, dtype=np.float32)  # every row far longer than max_norm
    with pytest.raises(error, match=message):
        embedding_bag(weight=weight, max_norm=1.0, **call)
    np.testing.assert_array_equal(weight, np.full((4, 3), 10.0))


def test_torch_renormalises_before_rejecting_per_sample_weights_we_do_not():
    weight = np.full((2, 2), 10.0, dtype=np.float32)
    theirs = torch.from_numpy(weight.copy())
    with pytest.raises(NotImplementedError):
        F.embedding_bag(torch.tensor([[0]]), theirs, mode="mean", per_sample_weights=torch.ones(1, 1), max_norm=1.0)
    assert theirs[0, 0] < 10.0  # torch 2.13 changed row 0 before raising
    with pytest.raises(ValueError, match="need mode='sum'"):
        embedding_bag([[0]], weight, mode="mean", per_sample_weights=[[1.0]], max_norm=1.0)
    assert weight[0, 0] == 10.0


def test_integer_weight_is_refused():
    with pytest.raises(TypeError, match="floating-point weight, got dtype int64"):
        embedding_bag([[0]], np.ones((2, 2), dtype=np.int64))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (dict(mode="max"), "mode='max' needs the weight"),
        (dict(mode="max", weight=np.ones((3, 2)), scale_grad_by_freq=True), "does not apply to mode='max'"),
        (dict(mode="max", weight=np.ones((2, 2))), r"weight must have shape .* \(3, 2\), got \(2, 2\)"),
        (dict(grad_output=np.ones((2, 2))), r"grad_output must have shape \(num_bags, D\) = \(1, D\), got \(2, 2\)"),
    ],
)
def test_backward_bad_input_is_named(call, message):
    args = dict(grad_output=np.ones((1, 2)), indices=[[0, 1]], num_embeddings=3) | call
    with pytest.raises(ValueError, match=message):
        embedding_bag_backward(**args)


def test_torch_refuses_scale_grad_by_freq_with_max_too():
    with pytest.raises(ValueError, match="max mode does not support scaling"):
        F.embedding_bag(torch.tensor([[0]]), torch.ones(2, 2), mode="max", scale_grad_by_freq=True)
