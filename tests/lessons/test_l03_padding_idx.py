"""Lesson 03 helpers: padding a batch, the masked mean, the SGD trace, their figures and the widget."""

import ast
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pad_sequence

from lookup_lib.lessons.kit.style import HIGHLIGHT, PADDING, png_size, to_png
from lookup_lib.lessons.l03_padding_idx.figures import draw_padded_batch, plot_row_trace
from lookup_lib.lessons.l03_padding_idx.helpers import masked_mean, pad_and_look_up, pad_batch, sgd_trace
from lookup_lib.lessons.l03_padding_idx.widget import PaddingExplorer

SENTENCES = ["the cat sat down", "dogs nap", "a dog ran"]
VOCAB = ["<pad>"] + sorted({w for s in SENTENCES for w in s.split()})
SEQS = [[VOCAB.index(w) for w in s.split()] for s in SENTENCES]


def table(seed=0, padding_idx=0):
    w = np.random.default_rng(seed).standard_normal((len(VOCAB), 3)).astype(np.float32)
    w[padding_idx] = 0.0
    return w


def axes_by_label(fig):
    return {ax.get_label(): ax for ax in fig.axes}


def cells(ax):
    """{(row, col): (text, facecolour)} of a grid drawn with one text at the centre of each cell."""
    colors = {(int(p.get_y()), int(p.get_x())): mcolors.to_hex(p.get_facecolor()) for p in ax.patches}
    out = {}
    for t in ax.texts:
        x, y = t.get_position()
        key = (int(np.floor(y)), int(np.floor(x)))
        if x > 0 and y > 0 and key in colors:
            out[key] = (t.get_text(), colors[key])
    return out


def grid(ax, shape):
    """The cell texts of a drawn grid, as a (R, C) array of str."""
    c = cells(ax)
    return np.array([[c[(r, k)][0] for k in range(shape[1])] for r in range(shape[0])])


# --- pad_batch and masked_mean ------------------------------------------------------------


@pytest.mark.parametrize("padding_value", [0, 7])
def test_pad_batch_matches_torch_pad_sequence(padding_value):
    ids, mask = pad_batch(SEQS, padding_value=padding_value)
    expected = pad_sequence([torch.tensor(s) for s in SEQS], batch_first=True, padding_value=padding_value)
    np.testing.assert_array_equal(ids, expected.numpy())
    np.testing.assert_array_equal(mask.sum(axis=1), [len(s) for s in SEQS])


def test_pad_batch_truncates_below_the_longest_and_pads_above_it():
    short, short_mask = pad_batch(SEQS, max_len=2)
    np.testing.assert_array_equal(short, [s[:2] for s in SEQS])
    assert short_mask.all()
    wide, wide_mask = pad_batch(SEQS, max_len=6, padding_value=0)
    assert wide.shape == (3, 6) and not wide_mask[:, 4:].any() and (wide[:, 4:] == 0).all()


def test_pad_batch_mask_comes_from_lengths_even_when_a_real_token_has_the_padding_id():
    ids, mask = pad_batch([[0, 5], [0]], padding_value=0)
    np.testing.assert_array_equal(mask, [[True, True], [True, False]])
    assert (ids == 0).sum() == 3


def test_masked_mean_ignores_padding_rows_whatever_they_hold():
    rows = np.random.default_rng(1).standard_normal((3, 4, 2))
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
    expected = np.stack([rows[b, : mask[b].sum()].mean(axis=0) for b in range(3)])
    np.testing.assert_allclose(masked_mean(rows, mask), expected)
    rows[~mask] = 99.0  # a non-zero padding row must not change the masked mean
    np.testing.assert_allclose(masked_mean(rows, mask), expected)


def test_masked_mean_of_a_sentence_of_padding_only_is_zero_not_nan():
    rows = np.random.default_rng(2).standard_normal((3, 4, 2)).astype(np.float32)
    mask = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=bool)
    got = masked_mean(rows, mask)
    assert not np.isnan(got).any()
    np.testing.assert_array_equal(got[1], [0.0, 0.0])
    with np.errstate(invalid="ignore"):
        unclamped = (rows * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    assert np.isnan(unclamped[1]).all()  # what the lesson's first formula gives: 0 / 0


def test_masked_mean_is_the_lessons_clamped_torch_formula():
    ids = pad_sequence([torch.tensor(s) for s in SEQS] + [torch.tensor([], dtype=torch.long)], batch_first=True)
    mask = ids != 0
    out = torch.nn.Embedding.from_pretrained(torch.tensor(table()), padding_idx=0)(ids)  # (4, 4, 3)
    expected = (out * mask[..., None]).sum(dim=1) / mask.sum(dim=1, keepdim=True).clamp(min=1)
    np.testing.assert_array_equal(masked_mean(out.numpy(), mask.numpy()), expected.numpy())


def test_pad_and_look_up_is_pad_batch_then_the_lookup_then_the_masked_mean():
    w = table()
    batch = pad_and_look_up(SEQS, w, max_len=3, padding_idx=0)
    ids, mask = pad_batch(SEQS, 3, padding_value=0)
    np.testing.assert_array_equal(batch.ids, ids)
    np.testing.assert_array_equal(batch.mask, mask)
    np.testing.assert_array_equal(batch.rows, w[ids])
    np.testing.assert_allclose(batch.means, masked_mean(w[ids], mask))
    assert batch.rows.shape == (3, 3, 3) and batch.means.shape == (3, 3)


def test_helpers_compute_without_drawing():
    """A helper never imports matplotlib: the figures draw, the helpers compute."""
    import lookup_lib.lessons.l03_padding_idx.helpers as helpers

    tree = ast.parse(Path(helpers.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and not any(name.split(".")[0] in ("matplotlib", "ipywidgets") for name in imported)


# --- sgd_trace ------------------------------------------------------------------------------


def test_sgd_trace_never_changes_a_zero_padding_row_but_moves_a_used_row():
    ids, _ = pad_batch(SEQS)
    history = sgd_trace(table(), ids, steps=5, padding_idx=0, lr=0.1, momentum=0.9, weight_decay=0.1)
    assert history.shape == (6, len(VOCAB), 3)
    assert (history[:, 0] == 0).all()
    cat = VOCAB.index("cat")
    assert not np.allclose(history[-1, cat], history[0, cat])


def test_sgd_trace_accepts_a_tensor_table_and_tensor_indices():
    w = table()
    from_tensors = sgd_trace(torch.tensor(w, requires_grad=True), torch.tensor(SEQS[0]), steps=2, padding_idx=0)
    np.testing.assert_array_equal(from_tensors, sgd_trace(w, SEQS[0], steps=2, padding_idx=0))


def test_sgd_trace_does_not_change_its_input():
    w = table()
    before = w.copy()
    sgd_trace(w, SEQS[0], steps=2, padding_idx=0)
    np.testing.assert_array_equal(w, before)


def test_weight_decay_shrinks_a_non_zero_padding_row_geometrically():
    w = table()
    w[0] = 1.0
    lr, wd, steps = 0.1, 0.1, 4
    history = sgd_trace(w, pad_batch(SEQS)[0], steps, padding_idx=0, lr=lr, weight_decay=wd)
    factors = (1 - lr * wd) ** np.arange(steps + 1)
    np.testing.assert_allclose(history[:, 0, 0], factors, rtol=1e-6)
    plain = sgd_trace(w, pad_batch(SEQS)[0], steps, padding_idx=0, lr=lr, momentum=0.9)
    assert (plain[:, 0] == 1.0).all()  # without decay, momentum alone never moves it


@pytest.mark.parametrize(("momentum", "weight_decay"), [(0.0, 0.0), (0.9, 0.0), (0.0, 0.1), (0.9, 0.1)])
def test_sgd_trace_matches_torch_sgd(momentum, weight_decay):
    w = table()
    w[0] = 0.5  # a non-zero padding row, so weight decay has something to act on
    ids = torch.tensor(pad_batch(SEQS)[0])
    emb = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, padding_idx=0)
    opt = torch.optim.SGD(emb.parameters(), lr=0.1, momentum=momentum, weight_decay=weight_decay)
    expected = [emb.weight.detach().clone()]
    for _ in range(3):
        opt.zero_grad()
        (0.5 * ((emb(ids) - 1.0) ** 2).sum()).backward()
        opt.step()
        expected.append(emb.weight.detach().clone())
    history = sgd_trace(w, ids, 3, padding_idx=0, lr=0.1, momentum=momentum, weight_decay=weight_decay)
    np.testing.assert_allclose(history, torch.stack(expected).numpy(), rtol=1e-5, atol=1e-6)


# --- figures --------------------------------------------------------------------------------


@pytest.mark.parametrize("max_len", [None, 2, 6])
def test_draw_padded_batch_draws_the_padded_ids_and_the_mask(max_len):
    ids, mask = pad_batch(SEQS, max_len)
    axes = axes_by_label(draw_padded_batch(SEQS, VOCAB, table(), max_len))
    drawn_ids = grid(axes["ids"], ids.shape)
    np.testing.assert_array_equal([[int(t.split("\n")[0]) for t in row] for row in drawn_ids], ids)
    np.testing.assert_array_equal([[t.split("\n")[1] for t in row] for row in drawn_ids],
                                  np.array(VOCAB)[ids])
    np.testing.assert_array_equal(grid(axes["mask"], mask.shape), mask.astype(int).astype(str))
    mask_colors = cells(axes["mask"])
    for (r, c), (_, color) in mask_colors.items():
        assert color == (HIGHLIGHT if mask[r, c] else PADDING)


def test_draw_padded_batch_draws_the_rows_the_table_holds_and_the_masked_mean():
    w = table()
    w[0] = 5.0  # forward returns whatever the padding row holds: the figure must show it
    ids, mask = pad_batch(SEQS)
    axes = axes_by_label(draw_padded_batch(SEQS, VOCAB, w))
    rows = grid(axes["rows"], (ids.size, 3)).astype(float)
    np.testing.assert_allclose(rows, w[ids.reshape(-1)], atol=0.005)
    row_colors = cells(axes["rows"])
    assert {row_colors[(k, 0)][1] for k in np.flatnonzero(~mask.reshape(-1))} == {PADDING}
    means = grid(axes["mean"], (3, 3)).astype(float)
    np.testing.assert_allclose(means, masked_mean(w[ids], mask), atol=0.005)


def test_plot_row_trace_draws_each_component_of_each_row():
    history = sgd_trace(table(), SEQS[0], steps=3, padding_idx=0)
    fig = plot_row_trace(history, [0, SEQS[0][0]], ["pad", "the"])
    axes = axes_by_label(fig)
    for row in (0, SEQS[0][0]):
        lines = axes[f"row {row}"].get_lines()
        assert len(lines) == 3
        for d, line in enumerate(lines):
            np.testing.assert_array_equal(line.get_ydata(), history[:, row, d])
    assert to_png(fig).startswith(b"\x89PNG")


def test_plot_row_trace_rejects_a_2d_history():
    with pytest.raises(ValueError, match="steps"):
        plot_row_trace(np.zeros((3, 2)), [0], ["x"])


# --- widget ---------------------------------------------------------------------------------


def test_padding_explorer_slider_changes_the_picture_and_the_drawn_batch():
    w = PaddingExplorer(SEQS, VOCAB, torch.tensor(table()))
    slider = w.controls["max_len"]
    assert (slider.min, slider.value, slider.max) == (1, 4, 6)
    before = w.png
    slider.value = 2
    assert w.png != before and w.image.value == w.png
    axes = axes_by_label(w.draw(**w.values()))
    np.testing.assert_array_equal(grid(axes["mask"], (3, 2)), np.full((3, 2), "1"))
    assert w._repr_mimebundle_()["text/plain"] == "PaddingExplorer(max_len=2)"


# --- the widget's speed: one figure drawn again, at the size shown (issue 17) ---------------

MAX_PNG_WIDTH = 860  # JupyterLab's output area is 868 px wide; a wider PNG is shrunk by the browser


def test_padding_explorer_redrawn_in_place_has_the_pixels_of_a_fresh_one():
    w = PaddingExplorer(SEQS, VOCAB, table(), max_len=2)
    w.memo = False  # every change draws the kept figure again
    first = w.draw(**w.values())
    for max_len in (6, 1, 3):
        w.controls["max_len"].value = max_len
    assert w.draw(**w.values()) is first
    assert w.png == PaddingExplorer(SEQS, VOCAB, table(), max_len=3).png
    axes = axes_by_label(first)
    assert len(cells(axes["mask"])) == 3 * 3  # nothing left over from the wider batches drawn before


def test_padding_explorer_keeps_its_panels_in_place_and_fits_the_output_area():
    w = PaddingExplorer(SEQS, VOCAB, table())
    sizes = set()
    for max_len in range(1, w.controls["max_len"].max + 1):
        w.controls["max_len"].value = max_len
        sizes.add(png_size(w.png)[0])
        left = {name: round(ax.get_position().x0 * w.draw(**w.values()).get_figwidth(), 6)
                for name, ax in axes_by_label(w.draw(**w.values())).items()}
        if max_len == 1:
            first_left = left
        assert left == first_left  # room for the slider's longest batch: the panels never move sideways
    assert len(sizes) == 1 and max(sizes) <= MAX_PNG_WIDTH


def test_draw_padded_batch_gives_every_cell_one_size_at_every_max_len():
    for max_len in (1, 4, 6):
        fig = draw_padded_batch(SEQS, VOCAB, table(), max_len)
        for ax in fig.axes:
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            box = ax.get_position()
            cell = (box.width * fig.get_figwidth() / (x1 - x0), box.height * fig.get_figheight() / (y0 - y1))
            assert cell == pytest.approx((0.5, 0.38)), (max_len, ax.get_label())


# ---- the Chinese edition (LOOKUP_LIB_LANGUAGE=zh) ----

@pytest.mark.parametrize("max_len", [0, 2, 4, 6])
def test_in_chinese_every_title_is_chinese_and_inside_the_figure(monkeypatch, max_len):
    """A CJK character is about twice as wide as a Latin one: the hand-made layout keeps room for it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    fig = draw_padded_batch(SEQS, VOCAB, table(), max_len)
    renderer = FigureCanvasAgg(fig).get_renderer()
    width = fig.get_figwidth() * fig.dpi
    titles = {name: ax.title for name, ax in axes_by_label(fig).items()}
    assert titles["mask"].get_text() == "掩码：1 = 真实词元"
    assert titles["ids"].get_text() == f"填充后的 ids (3, {max_len})（灰色 = <pad>）"
    rows_left = axes_by_label(fig)["rows"].get_window_extent(renderer).x0  # where the rows' labels may start
    for name, title in titles.items():
        box = title.get_window_extent(renderer)
        assert 0 <= box.x0 and box.x1 <= width, (name, title.get_text())
        assert name == "rows" or box.x1 <= rows_left, (name, title.get_text())  # the left column stays left


def test_in_chinese_the_row_trace_and_the_widget_speak_chinese(monkeypatch):
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    history = sgd_trace(table(), np.array(SEQS[1]), 2, padding_idx=0)
    fig = plot_row_trace(history, [0, SEQS[1][0]], ["pad", "dogs"])
    axes = axes_by_label(fig)
    assert sorted(axes) == ["row 0", f"row {SEQS[1][0]}"]  # the labels code finds the panels by stay English
    assert axes["row 0"].get_title() == "pad\n最大变化：0"
    assert axes["row 0"].get_xlabel() == "优化器步数"
    w = PaddingExplorer(SEQS, VOCAB, table())
    assert w.caption.value == "短于最长的句子时截断，长于它时填充；灰色 = 填充。"
    assert png_size(w.png)[0] <= MAX_PNG_WIDTH
