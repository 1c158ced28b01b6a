"""Lesson 05's figures and widget: the scatter-add picture, gradient-norm bars, the GradientExplorer."""

import numpy as np
import pytest
import torch
from matplotlib.patches import ConnectionPatch

from lookup_lib.lessons.kit.indices import parse_indices
from lookup_lib.lessons.kit.style import to_png
from lookup_lib.lessons.l05_gradients.figures import plot_grad_norms, plot_scatter_add
from lookup_lib.lessons.l05_gradients.gradients import grad_row_norms, outcome, row_gradients, try_sparse_step
from lookup_lib.lessons.l05_gradients.widget import GradientExplorer

INDICES = np.array([1, 3, 1, 0, 1])
GRAD_OUT = np.array([[1, 2], [3, 0], [4, -1], [2, 2], [-2, 5]], dtype=np.float32)  # (5, 2)
VOCAB = ["<pad>", "cat", "dog", "mat", "on", "sat", "saw", "the"]
BATCH = "the cat sat on the mat <pad> <pad>"


def scatter_add_by_hand(indices, grad_output, num_embeddings, padding_idx=None, scale=False):
    """The loop the lesson derives, written independently of lookup_lib."""
    idx = np.asarray(indices).reshape(-1)
    g = np.asarray(grad_output, dtype=np.float64).reshape(idx.size, -1)
    counts = np.bincount(idx, minlength=num_embeddings)
    grad = np.zeros((num_embeddings, g.shape[1]))
    for s, k in enumerate(idx):
        if k != padding_idx:
            grad[k] += g[s] / (counts[k] if scale else 1)
    return grad


def torch_grad(indices, grad_output, num_embeddings, padding_idx=None, scale=False):
    emb = torch.nn.Embedding(num_embeddings, grad_output.shape[-1], padding_idx=padding_idx, scale_grad_by_freq=scale)
    out = emb(torch.as_tensor(indices))
    (out * torch.as_tensor(grad_output)).sum().backward()
    return emb.weight.grad.numpy()


def cell_texts(ax, n_cols):
    """{(row, col): text} of the numbers draw_table wrote at the centres of the cells."""
    cells = {}
    for text in ax.texts:
        x, y = text.get_position()
        col, row = x - 0.5, y - 0.5
        if float(col).is_integer() and float(row).is_integer() and 0 <= col < n_cols:
            cells[int(row), int(col)] = text.get_text()
    return cells


def flows(fig):
    """{(s, k)} for every line drawn from position s to row k."""
    pairs = set()
    for artist in fig.artists:
        if isinstance(artist, ConnectionPatch) and (artist.get_gid() or "").startswith("flow:"):
            s, k = artist.get_gid().removeprefix("flow:").split("->")
            pairs.add((int(s), int(k)))
    return pairs


def bar_heights(fig, kind):
    """{row: height} of the bars with gid "kind:row"."""
    ax = fig.axes[0]
    return {int(p.get_gid().split(":")[1]): p.get_height() for p in ax.patches
            if (p.get_gid() or "").startswith(f"{kind}:")}


# -- parse_indices ------------------------------------------------------------------------------------
def test_parse_indices_reads_numbers_separated_by_commas_or_spaces():
    np.testing.assert_array_equal(parse_indices(" 1, 3,1  0\n2 "), [1, 3, 1, 0, 2])
    with pytest.raises(ValueError, match="type some indices"):
        parse_indices("")


def test_parse_indices_reads_words_of_the_vocabulary():
    expected = [VOCAB.index(w) for w in BATCH.split()]
    np.testing.assert_array_equal(parse_indices(BATCH, VOCAB), expected)


def test_parse_indices_names_the_token_it_cannot_read():
    with pytest.raises(ValueError, match="'zebra'"):
        parse_indices("the zebra", VOCAB)
    with pytest.raises(ValueError, match="'1.5'"):
        parse_indices("1, 1.5")


# -- grad_row_norms -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dim", [1, 4])
def test_with_ones_a_row_norm_is_its_count_times_root_d_and_scaling_removes_the_count(dim):
    idx = np.array([2, 5, 2, 2, 0, 5])
    counts = np.bincount(idx, minlength=6)
    ones = np.ones((idx.size, dim))
    np.testing.assert_allclose(grad_row_norms(idx, ones, 6), counts * np.sqrt(dim))
    np.testing.assert_allclose(grad_row_norms(idx, ones, 6, scale_grad_by_freq=True), (counts > 0) * np.sqrt(dim))
    assert grad_row_norms(idx, ones, 6, padding_idx=2)[2] == 0.0


@pytest.mark.parametrize("scale", [False, True])
@pytest.mark.parametrize("padding_idx", [None, 0])
def test_grad_row_norms_match_torch_autograd(scale, padding_idx):
    g = np.random.default_rng(0).standard_normal((2, 5, 3)).astype(np.float32)
    idx = np.array([[1, 3, 1, 0, 1], [3, 3, 0, 4, 1]])
    expected = np.linalg.norm(torch_grad(idx, g, 6, padding_idx, scale), axis=1)
    np.testing.assert_allclose(grad_row_norms(idx, g, 6, padding_idx=padding_idx, scale_grad_by_freq=scale),
                               expected, rtol=1e-6)


# -- plot_scatter_add ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("padding_idx", "scale"), [(None, False), (0, False), (None, True), (0, True)])
def test_scatter_add_draws_the_gradient_of_the_table(padding_idx, scale):
    expected = scatter_add_by_hand(INDICES, GRAD_OUT, 4, padding_idx, scale)
    fig = plot_scatter_add(INDICES, GRAD_OUT, expected, padding_idx=padding_idx, scale_grad_by_freq=scale)
    ax_out, ax_w = fig.axes
    assert (ax_out.get_label(), ax_w.get_label()) == ("grad_output", "grad_weight")
    drawn = cell_texts(ax_w, 2)
    assert {(r, c): float(v) for (r, c), v in drawn.items()} == pytest.approx(
        {(r, c): expected[r, c] for r in range(4) for c in range(2)})
    drawn_out = cell_texts(ax_out, 2)
    assert {(r, c): float(v) for (r, c), v in drawn_out.items()} == {
        (r, c): float(GRAD_OUT[r, c]) for r in range(5) for c in range(2)}
    assert to_png(fig).startswith(b"\x89PNG")


def test_scatter_add_draws_one_line_per_position_except_padding():
    grad = scatter_add_by_hand(INDICES, GRAD_OUT, 4)
    assert flows(plot_scatter_add(INDICES, GRAD_OUT, grad)) == {(s, int(k)) for s, k in enumerate(INDICES)}
    assert flows(plot_scatter_add(INDICES, GRAD_OUT, grad, padding_idx=0)) == {
        (s, int(k)) for s, k in enumerate(INDICES) if k != 0}


def test_scatter_add_says_where_each_row_gradient_comes_from():
    grad = scatter_add_by_hand(INDICES, GRAD_OUT, 4, scale=True)
    texts = {t.get_text() for t in plot_scatter_add(INDICES, GRAD_OUT, grad, scale_grad_by_freq=True).axes[1].texts}
    assert "row 1  ← s=0+2+4  ÷3" in texts
    assert "row 2  (not used)" in texts


def test_scatter_add_accepts_2d_indices_and_labels():
    grad = scatter_add_by_hand(INDICES[:4], GRAD_OUT[:4], 4)
    fig = plot_scatter_add(INDICES[:4].reshape(2, 2), GRAD_OUT[:4].reshape(2, 2, 2), grad, labels=list("abcd"))
    assert "s=1: d" in {t.get_text() for t in fig.axes[0].texts}
    assert flows(fig) == {(0, 1), (1, 3), (2, 1), (3, 0)}


def test_scatter_add_refuses_more_rows_than_it_can_draw():
    with pytest.raises(ValueError, match="at most"):
        plot_scatter_add(np.zeros(40, dtype=np.int64), np.ones((40, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="grad_weight"):
        plot_scatter_add(INDICES, GRAD_OUT, np.zeros((4, 3)))


def test_scatter_add_only_draws_the_gradient_it_is_given():
    """The figure computes nothing: it draws the numbers it is handed, even wrong ones."""
    fig = plot_scatter_add(INDICES, GRAD_OUT, np.full((4, 2), 7.0))
    assert set(cell_texts(fig.axes[1], 2).values()) == {"7"}


# -- plot_grad_norms ----------------------------------------------------------------------------------
def test_grad_norm_bars_show_both_settings_with_the_counts_under_each_row():
    idx = parse_indices(BATCH, VOCAB)
    ones = np.ones((idx.size, 4))
    fig = plot_grad_norms(row_gradients(idx, ones, len(VOCAB)), labels=VOCAB)
    counts = np.bincount(idx, minlength=len(VOCAB))
    assert bar_heights(fig, "sum") == pytest.approx(dict(enumerate(2.0 * counts)))
    assert bar_heights(fig, "scaled") == pytest.approx(dict(enumerate(2.0 * (counts > 0))))
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[VOCAB.index("the")] == "the\n×2" and ticks[VOCAB.index("dog")] == "dog\n×0"


def test_grad_norm_bars_accept_a_2d_batch_and_torch_tensors():
    idx = torch.as_tensor(parse_indices(BATCH, VOCAB).reshape(2, 4))
    fig = plot_grad_norms(row_gradients(idx, torch.ones(2, 4, 4), len(VOCAB), scale_grad_by_freq=False))
    counts = np.bincount(idx.flatten().numpy(), minlength=len(VOCAB))
    assert bar_heights(fig, "sum") == pytest.approx(dict(enumerate(2.0 * counts)))


def test_grad_norm_bars_draw_only_the_setting_asked_for_and_mark_padding():
    idx = parse_indices(BATCH, VOCAB)
    rows = row_gradients(idx, np.ones((idx.size, 4)), len(VOCAB), padding_idx=0)
    fig = plot_grad_norms(rows, scale_grad_by_freq=True, labels=VOCAB, ymax=10.0)
    assert bar_heights(fig, "sum") == {}
    assert bar_heights(fig, "scaled")[0] == 0.0
    assert fig.axes[0].get_xticklabels()[0].get_text().endswith("(padding)")
    assert fig.axes[0].get_ylim()[1] == pytest.approx(11.2)


def test_grad_norm_bars_refuse_a_setting_that_was_not_computed():
    rows = row_gradients([1, 1], np.ones((2, 2)), 3, scale_grad_by_freq=False)
    with pytest.raises(ValueError, match="row_gradients"):
        plot_grad_norms(rows, scale_grad_by_freq=True)


# -- row_gradients ------------------------------------------------------------------------------------
@pytest.mark.parametrize("padding_idx", [None, 0, -4])
def test_row_gradients_hold_torch_gradients_norms_and_counts_for_each_setting(padding_idx):
    g = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)
    rows = row_gradients(INDICES, g, 4, padding_idx=padding_idx)
    pad = None if padding_idx is None else padding_idx % 4
    assert rows.settings == [False, True] and rows.padding_idx == pad and rows.num_embeddings == 4
    assert rows.counts.tolist() == np.bincount(INDICES, minlength=4).tolist()
    for scale in (False, True):
        np.testing.assert_allclose(rows.grads[scale], torch_grad(INDICES, g, 4, pad, scale), rtol=1e-6)
        np.testing.assert_allclose(rows.norms[scale], grad_row_norms(INDICES, g, 4, padding_idx=pad,
                                                                     scale_grad_by_freq=scale))


def test_row_gradients_call_the_backward_once_per_setting(monkeypatch):
    import lookup_lib.lessons.l05_gradients.gradients as gradients

    calls = []
    real = gradients.embedding_backward
    monkeypatch.setattr(gradients, "embedding_backward", lambda *a, **k: calls.append(k) or real(*a, **k))
    row_gradients(INDICES, GRAD_OUT, 4)
    assert [k["scale_grad_by_freq"] for k in calls] == [False, True]


# -- outcome and try_sparse_step ----------------------------------------------------------------------
def test_outcome_says_ok_or_the_error_type_and_its_first_sentence():
    assert outcome(lambda: None) == "ok"

    def fails():
        raise NotImplementedError("Could not run 'aten::x'. This could be because\n/root/.venv/site-packages/x.py")

    assert outcome(fails) == "NotImplementedError: Could not run 'aten::x'"
    assert outcome(lambda: [][0]) == "IndexError: list index out of range"


def test_try_sparse_step_reports_what_torch_does_with_a_sparse_gradient():
    weight, g = torch.zeros(4, 2), torch.ones(5, 2)
    assert try_sparse_step("SGD", {}, weight, INDICES, g) == "steps: rows [0, 1, 3] change; state: none"
    assert try_sparse_step("SparseAdam", {}, weight, INDICES, g).endswith("state: dense (4, 2)")
    assert try_sparse_step("SGD", {"momentum": 0.9}, weight, INDICES, g).endswith("state: sparse")
    assert try_sparse_step("Adam", {}, weight, INDICES, g).startswith("raises RuntimeError: Adam does not support")
    assert try_sparse_step("NoSuchOptimizer", {}, weight, INDICES, g) == "not in this torch"
    assert try_sparse_step("LBFGS", {}, weight, INDICES, g).endswith("state: dense (8,)")  # flattened: V·D


def test_scale_grad_by_freq_counts_within_one_call_not_the_batch():
    """The lesson's claim: lookups of [1, 1] then [1] give row 1 a gradient of 2, one call of [1, 1, 1] gives 1."""
    emb = torch.nn.Embedding(3, 1, scale_grad_by_freq=True)
    (emb(torch.tensor([1, 1])).sum() + emb(torch.tensor([1])).sum()).backward()
    assert emb.weight.grad[1].item() == 2.0
    emb.weight.grad = None
    emb(torch.tensor([1, 1, 1])).sum().backward()
    assert emb.weight.grad[1].item() == 1.0


# -- GradientExplorer ---------------------------------------------------------------------------------
def test_explorer_draws_at_once_with_a_deterministic_text():
    w = GradientExplorer(BATCH, len(VOCAB), labels=VOCAB)
    assert w.png.startswith(b"\x89PNG") and w.image.value == w.png
    assert type(w.controls["indices"]).__name__ == "Text"
    text = w._repr_mimebundle_()["text/plain"]
    assert text == f"GradientExplorer(indices={BATCH!r}, scale_grad_by_freq=False, padding=False)"
    np.testing.assert_array_equal(w.grad, scatter_add_by_hand(parse_indices(BATCH, VOCAB), np.ones((8, 4)), 8))


@pytest.mark.parametrize(("control", "value"), [("scale_grad_by_freq", True), ("padding", True),
                                                ("indices", "dog dog dog saw")])
def test_explorer_redraws_and_recomputes_when_a_control_changes(control, value):
    w = GradientExplorer(BATCH, len(VOCAB), labels=VOCAB)
    before = w.png
    w.controls[control].value = value
    v = w.values()
    idx = parse_indices(v["indices"], VOCAB)
    expected = scatter_add_by_hand(idx, np.ones((idx.size, 4)), 8, 0 if v["padding"] else None,
                                   v["scale_grad_by_freq"])
    assert w.png != before and w.image.value == w.png
    np.testing.assert_array_equal(w.grad, expected)


def test_explorer_explains_text_it_cannot_read_and_recovers():
    w = GradientExplorer("1, 2", 4)
    w.controls["indices"].value = "1, x"
    assert w.grad is None and "'x'" in w.error and w.png.startswith(b"\x89PNG")
    w.controls["indices"].value = "1, 7"
    assert w.grad is None and "0 to 3" in w.error
    w.controls["indices"].value = "3 3"
    assert w.error == "" and w.grad[3].tolist() == [2.0] * 4
    w.controls["indices"].value = "  "
    assert w.grad is None and "type some indices" in w.error


def test_explorer_checks_its_labels():
    with pytest.raises(ValueError, match="labels"):
        GradientExplorer("0", 3, labels=["a", "b"])


@pytest.mark.parametrize(("scale", "backward_calls"), [(False, 1), (True, 2)])
def test_explorer_computes_each_gradient_once_per_draw(monkeypatch, scale, backward_calls):
    """The plain sum (which fixes the y axis) and, if ticked, the scaled one: nothing computed twice."""
    import lookup_lib.lessons.l05_gradients.gradients as gradients

    calls = []
    real = gradients.embedding_backward
    monkeypatch.setattr(gradients, "embedding_backward", lambda *a, **k: calls.append(k) or real(*a, **k))
    GradientExplorer(BATCH, len(VOCAB), labels=VOCAB, scale_grad_by_freq=scale)
    assert len(calls) == backward_calls


# -- the Chinese edition (LOOKUP_LIB_LANGUAGE=zh) --------------------------------------------------------
def test_the_figures_widget_and_sparse_steps_speak_chinese_and_english_stays_as_it_was(monkeypatch):
    weight, g = torch.zeros(4, 2), torch.ones(5, 2)
    grad = scatter_add_by_hand(INDICES, GRAD_OUT, 4)
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    fig = plot_scatter_add(INDICES, GRAD_OUT, grad)
    assert fig.axes[1].get_title() == "dL/dW: a scatter-add" and "row 2  (not used)" in {
        t.get_text() for t in fig.axes[1].texts}
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    fig = plot_scatter_add(INDICES, GRAD_OUT, grad, scale_grad_by_freq=True, padding_idx=0)
    assert fig.axes[0].get_title() == "dL/dout：每个位置 s 一行"
    assert fig.axes[1].get_title() == "dL/dW：散射累加，÷ 次数"
    texts = {t.get_text() for t in fig.axes[1].texts}
    assert {"第 0 行  填充：0", "第 2 行  （未使用）", "第 1 行  ← s=0+2+4  ÷3"} <= texts
    rows = row_gradients(parse_indices(BATCH, VOCAB), np.ones((8, 4)), len(VOCAB), padding_idx=0)
    ax = plot_grad_norms(rows, labels=VOCAB).axes[0]
    assert ax.get_xticklabels()[0].get_text() == "<pad>\n×2 （填充）"
    assert ax.get_xlabel() == "第 k 行，×次数：k 在这些索引中出现的次数"
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert legend == ["scale_grad_by_freq=False：对各位置求和", "scale_grad_by_freq=True：和 ÷ 次数"]
    assert try_sparse_step("SGD", {}, weight, INDICES, g) == "能走一步：行 [0, 1, 3] 改变；状态：无"
    assert try_sparse_step("SparseAdam", {}, weight, INDICES, g).endswith("状态：稠密 (4, 2)")
    assert try_sparse_step("Adam", {}, weight, INDICES, g).startswith("报错 RuntimeError: Adam does not support")
    assert try_sparse_step("NoSuchOptimizer", {}, weight, INDICES, g) == "此版本 torch 中没有"
    w = GradientExplorer(BATCH, len(VOCAB), labels=VOCAB)
    assert w.controls["indices"].description == "索引"
    assert w.controls["scale_grad_by_freq"].description == "scale_grad_by_freq"  # a code name stays
    assert "按 Enter" in w.caption.value
