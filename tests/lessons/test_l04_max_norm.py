"""Lesson 04: renorm_step, unit_ball, ulps_apart; the norm balls and before/after arrows; the NormBallExplorer."""

import math

import numpy as np
import pytest
from matplotlib.text import Annotation

from lookup_lib import renorm_, row_norms
from lookup_lib.lessons.kit.style import to_png
from lookup_lib.lessons.l04_max_norm.figures import norm_label, plot_norm_ball, plot_norm_balls, plot_renorm_table
from lookup_lib.lessons.l04_max_norm.norms import renorm_step, ulps_apart, unit_ball
from lookup_lib.lessons.l04_max_norm.widget import NormBallExplorer

NORM_TYPES = [1.0, 2.0, math.inf]
TABLE = np.array([[3.0, 4.0], [1.0, 0.5], [0.0, 2.0], [-2.0, -1.5], [1.5, -2.0], [-1.2, 0.9]], dtype=np.float32)
INDICES = [0, 3, 1, 0, 2, 5]


def arrows(ax) -> dict[str, tuple[float, float]]:
    """{gid: tip} of every arrow drawn on ``ax``."""
    return {a.get_gid(): a.xy for a in ax.texts if isinstance(a, Annotation) and a.get_gid()}


def ball_outline(ax) -> np.ndarray:
    (line,) = [line for line in ax.get_lines() if line.get_gid() == "ball"]
    return np.asarray(line.get_xydata())


@pytest.mark.parametrize("p", NORM_TYPES + [0.5, 3.0])
def test_unit_ball_points_have_p_norm_one(p):
    points = unit_ball(p)
    np.testing.assert_allclose(row_norms(points, p), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(points[0], points[-1])  # a closed loop


@pytest.mark.parametrize(("p", "corner"), [(1.0, [0.0, 1.0]), (2.0, [0.5**0.5, 0.5**0.5]), (math.inf, [1.0, 1.0])])
def test_unit_ball_has_the_expected_shape(p, corner):
    """Diamond, circle, square: each goes all the way round and passes through its own corner point."""
    points = unit_ball(p)
    angles = np.arctan2(points[:, 1], points[:, 0])
    assert np.ptp(np.unwrap(angles)) == pytest.approx(2 * np.pi)
    assert np.abs(points - corner).sum(axis=1).min() < 1e-12


@pytest.mark.parametrize("p", NORM_TYPES)
@pytest.mark.parametrize("max_norm", [0.5, 2.0])
def test_drawn_ball_outline_has_p_norm_max_norm(p, max_norm):
    ax = plot_norm_ball(TABLE, INDICES, max_norm, p).axes[0]
    np.testing.assert_allclose(row_norms(ball_outline(ax), p) / max_norm, 1.0, rtol=1e-9)


@pytest.mark.parametrize("p", NORM_TYPES)
def test_arrows_before_and_after_match_renorm_(p):
    expected = renorm_(TABLE.copy(), INDICES, 2.0, p)
    changed = np.flatnonzero((expected != TABLE).any(axis=1))
    tips = arrows(plot_norm_ball(TABLE, INDICES, 2.0, p).axes[0])
    for k in range(TABLE.shape[0]):
        np.testing.assert_allclose(tips[f"after:{k}"], expected[k])
        if k in changed:
            np.testing.assert_allclose(tips[f"before:{k}"], TABLE[k])
        else:
            assert f"before:{k}" not in tips
    assert len(changed) > 0


def test_rows_not_looked_up_are_drawn_as_they_were_even_when_too_long():
    tips = arrows(plot_norm_ball(TABLE, [1], 2.0).axes[0])
    np.testing.assert_array_equal(tips["after:4"], TABLE[4])
    assert not any(gid.startswith("before:") for gid in tips)


def test_plot_norm_balls_draws_one_panel_per_norm_type_with_its_own_ball():
    fig = plot_norm_balls(TABLE, INDICES, 2.0)
    assert len(fig.axes) == 3
    for ax, p in zip(fig.axes, NORM_TYPES, strict=True):
        np.testing.assert_allclose(row_norms(ball_outline(ax), p), 2.0, rtol=1e-9)
        assert f"norm_type={norm_label(p)}" in ax.get_title()


def test_renorm_step_leaves_its_input_alone_and_reports_changed_rows():
    table = TABLE.copy()
    step = renorm_step(table, INDICES, 2.0)
    np.testing.assert_array_equal(table, TABLE)
    np.testing.assert_array_equal(step.after, renorm_(TABLE.copy(), INDICES, 2.0))
    assert step.changed.tolist() == [0, 3]  # row 2 has norm exactly 2 (not > 2); row 4 is not looked up
    assert step.looked_up.tolist() == sorted(set(INDICES))


def test_renorm_table_writes_each_rows_norm_before_and_after():
    fig = plot_renorm_table(TABLE, INDICES, 2.0)
    before, after = fig.axes
    texts_before = {t.get_text() for t in before.texts}
    texts_after = {t.get_text() for t in after.texts}
    assert "5.000" in texts_before and "5.000" not in texts_after  # row 0: norm 5 rescaled to 2
    assert "1.600" in texts_after  # row 0 after: [1.2, 1.6]
    assert to_png(fig).startswith(b"\x89PNG")


def test_norm_ball_refuses_rows_that_are_not_2d():
    with pytest.raises(ValueError, match="2-D rows"):
        plot_norm_ball(np.ones((3, 4)), [0], 1.0)


def test_explorer_has_a_float_slider_for_max_norm_and_draws_at_once():
    w = NormBallExplorer(TABLE, INDICES)
    assert type(w.controls["max_norm"]).__name__ == "FloatSlider"
    assert w.png.startswith(b"\x89PNG")
    assert w.step.changed.tolist() == [0, 3]
    text = w._repr_mimebundle_()["text/plain"]
    assert text == "NormBallExplorer(max_norm=2.0, norm_type=2.0, indices=(0, 1, 2, 3, 5))"


@pytest.mark.parametrize(
    ("control", "value"),
    [("max_norm", 1.0), ("norm_type", 1.0), ("norm_type", math.inf), ("indices", (1, 4))],
)
def test_explorer_redraws_when_a_control_changes(control, value):
    w = NormBallExplorer(TABLE, INDICES)
    before_png = w.png
    w.controls[control].value = value
    values = w.values()
    expected = renorm_(TABLE.copy(), list(values["indices"]), values["max_norm"], values["norm_type"])
    assert w.png != before_png and w.image.value == w.png
    np.testing.assert_array_equal(w.step.after, expected)


def test_explorer_never_changes_the_table_it_was_given():
    table = TABLE.copy()
    w = NormBallExplorer(table, INDICES)
    w.controls["max_norm"].value = 0.5
    np.testing.assert_array_equal(table, TABLE)


def test_explorer_rejects_a_norm_type_it_cannot_offer():
    with pytest.raises(ValueError, match="norm_type"):
        NormBallExplorer(TABLE, INDICES, norm_type=3.0)


# --- ulps_apart -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ulps_apart_counts_steps_of_the_float_grid(dtype):
    x = np.array([1.0, 2.0, -3.5, 1e-30], dtype=dtype)
    up = x.copy()
    for steps in range(1, 4):
        up = np.nextafter(up, dtype(np.inf))
        np.testing.assert_array_equal(ulps_apart(x, up), steps)
        np.testing.assert_array_equal(ulps_apart(up, x), steps)  # symmetric
    np.testing.assert_array_equal(ulps_apart(x, x), 0)


def test_ulps_apart_across_zero_and_at_the_powers_of_two():
    tiny = np.float32(1e-45)
    np.testing.assert_array_equal(ulps_apart(np.float32([-tiny, -0.0]), np.float32([tiny, 0.0])), [2, 0])
    two = np.float32(2.0)
    below, above = np.nextafter(two, np.float32(0)), np.nextafter(two, np.float32(4))
    assert two - below == 2.0**-23 and above - two == 2.0**-22  # the grid is twice as fine just below 2
    np.testing.assert_array_equal(ulps_apart(np.float32([below]), np.float32([above])), [2])


def test_ulps_apart_refuses_mixed_dtypes_and_nan():
    with pytest.raises(TypeError, match="float32"):
        ulps_apart(np.float32([1.0]), np.float64([1.0]))
    with pytest.raises(ValueError, match="NaN"):
        ulps_apart(np.float32([np.nan]), np.float32([1.0]))


# --- what the lesson claims about torch's max_norm ----------------------------------------------


def test_a_float32_lookup_can_leave_a_row_one_ulp_above_max_norm():
    torch = pytest.importorskip("torch")
    emb = torch.nn.Embedding.from_pretrained(torch.tensor([[4.4, -7.1]]), max_norm=2.0)
    emb(torch.tensor([0]))
    norm = emb.weight[0].norm()
    assert norm.item() > 2.0
    assert ulps_apart(np.float32([norm.item()]), np.float32([2.0]))[0] == 1


@pytest.mark.parametrize("p", NORM_TYPES)
def test_renorm_is_torchs_bit_for_bit_on_a_random_table(p):
    torch = pytest.importorskip("torch")
    if torch.backends.cpu.get_cpu_capability() == "DEFAULT":
        pytest.skip("lookup_lib.core.NORM_FMA is set for torch's AVX2/AVX512 kernels")
    rng = np.random.default_rng(0)
    big = rng.standard_normal((1000, 16)).astype(np.float32)
    picked = rng.integers(0, 1000, size=500)
    emb = torch.nn.Embedding.from_pretrained(torch.tensor(big), max_norm=1.0, norm_type=p)
    emb(torch.tensor(picked))
    np.testing.assert_array_equal(renorm_(big.copy(), picked, 1.0, p), emb.weight.numpy())


@pytest.mark.parametrize("context", ["no_grad", "inference_mode"])
def test_max_norm_rewrites_a_frozen_layer_in_eval_mode(context):
    torch = pytest.importorskip("torch")
    vectors = torch.tensor(TABLE)
    emb = torch.nn.Embedding.from_pretrained(vectors, freeze=True, max_norm=2.0).eval()
    with getattr(torch, context)():
        emb(torch.tensor([0]))
    np.testing.assert_allclose(vectors[0].numpy(), [1.2, 1.6], rtol=1e-6)  # from_pretrained shares the tensor


def test_a_bad_index_after_valid_ones_leaves_torch_rows_rescaled_and_ours_untouched():
    torch = pytest.importorskip("torch")
    emb = torch.nn.Embedding.from_pretrained(torch.tensor(TABLE), max_norm=1.0)
    with pytest.raises(IndexError, match="index 6 out of range"):
        emb(torch.tensor([6, 0, 2]))
    assert (emb.weight.numpy() != TABLE).any(axis=1).nonzero()[0].tolist() == [0, 2]
    ours = TABLE.copy()
    with pytest.raises(IndexError, match="index 6"):
        renorm_(ours, [6, 0, 2], 1.0)
    np.testing.assert_array_equal(ours, TABLE)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_explorer_keeps_its_axes_and_layout_and_looks_like_a_fresh_figure(language, monkeypatch):
    """One scale for every slider position, the first layout kept: the pixels of a figure laid out afresh
    (in Chinese too, whose title and legend are measured in a CJK font)."""
    import math

    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", language)

    from lookup_lib.lessons.kit.style import to_png
    from lookup_lib.lessons.l04_max_norm.figures import plot_renorm_step
    from tests.conftest import png_pixels

    w = NormBallExplorer(TABLE, INDICES)
    first_limits = w.draw(**w.values()).axes[0].get_xlim()
    layout = w._layout
    for max_norm, norm_type in ((0.5, 1.0), (4.5, math.inf), (1.25, 2.0)):
        with w.hold():
            w.controls["max_norm"].value = max_norm
            w.controls["norm_type"].value = norm_type
        fig = w.draw(**w.values())
        assert fig.axes[0].get_xlim() == first_limits and w._layout is layout
        assert np.array_equal(png_pixels(w.png), png_pixels(to_png(plot_renorm_step(w.step, limit=w.limit))))
    assert w.limit >= float(np.linalg.norm(TABLE, axis=1).max())  # every row, and any ball that rescales one


def test_the_figures_and_the_explorer_speak_chinese_and_english_stays_as_it_was(monkeypatch):
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    english = plot_norm_ball(TABLE, INDICES, 2.0).axes[0]
    assert english.get_title() == "norm_type=2: ‖v‖₂ ≤ 2\nrescaled rows: 0, 3"
    assert english.get_xlabel() == "coordinate 0 of the row"
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    fig = plot_norm_ball(TABLE, [1], 2.0)
    ax = fig.axes[0]
    assert ax.get_title() == "norm_type=2：‖v‖₂ ≤ 2\n被重新缩放的行：无"  # the test's name of the panel is kept
    assert ax.get_xlabel() == "行的坐标 0"
    assert [t.get_text() for t in fig.legends[0].get_texts()][-1] == "未被查找"
    table = plot_renorm_table(TABLE, INDICES, 2.0)
    assert "第 0 行" in {t.get_text() for t in table.axes[0].texts}
    w = NormBallExplorer(TABLE, INDICES)
    assert w.controls["indices"].description == "被查找"
    assert w.controls["indices"].options[0] == ("第 0 行", 0)
    assert "重新缩放" in w.caption.value
