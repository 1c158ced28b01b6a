"""Lesson 06: the bags figure, the cost measurement, the topic data, the classifier figures and BagExplorer."""

import re
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lookup_lib.bag import bag_bounds, embedding_bag
from lookup_lib.lessons.kit.style import CHANGED, HIGHLIGHT, NEUTRAL, OUTPUT, PADDING, png_size, to_png
from lookup_lib.lessons.kit.vocab import PAD, UNK, build_vocab, tokenize
from lookup_lib.lessons.l06_embedding_bag.bags import cut_bags
from lookup_lib.lessons.l06_embedding_bag.cost import measure_bag_vs_lookup_sum
from lookup_lib.lessons.l06_embedding_bag.figures import (
    BagsPicture,
    draw_bags,
    plot_bags,
    plot_confusion,
    plot_top_words,
)
from lookup_lib.lessons.l06_embedding_bag.topics import confusion_matrix, load_topics, to_bags
from lookup_lib.lessons.l06_embedding_bag.widget import BagExplorer
from tools.make_topics import OUT, PER_TOPIC, TEST_PER_TOPIC, TOPICS, make_topics

WORDS = ["<pad>", "rain", "snow", "goal", "match", "hot"]
INDICES = np.array([1, 2, 5, 3, 0, 4, 5, 2])


def table(seed=0):
    return np.random.default_rng(seed).standard_normal((len(WORDS), 3)).astype(np.float32)


def axes_by_label(fig):
    return {ax.get_label(): ax for ax in fig.axes}


def cell_texts(ax, n_cols):
    """{(row, col): text} of the texts drawn at cell centres (x, y both end in .5) inside the grid."""
    out = {}
    for t in ax.texts:
        x, y = t.get_position()
        if x % 1 == 0.5 and y % 1 == 0.5 and 0 < x < n_cols:
            out[(int(y), int(x))] = t.get_text()
    return out


def bag_labels(ax):
    """The labels over the brackets ("bag 0", "bags 1, 2: empty"), left to right; not the row label "bags"."""
    return [t.get_text() for t in sorted(ax.texts, key=lambda t: t.get_position()[0])
            if re.match(r"bags? \d", t.get_text())]


def stream_cells(ax):
    """[(text, facecolour)] of the index cells (the patches in row y = 0), left to right."""
    patches = sorted((p for p in ax.patches if p.get_y() == 0), key=lambda p: p.get_x())
    texts = {int(t.get_position()[0]): t.get_text() for t in ax.texts if t.get_position()[1] == 0.5
             and t.get_position()[0] > 0}  # not the row label "indices" left of the cells
    return [(texts[int(p.get_x())], mcolors.to_hex(p.get_facecolor())) for p in patches]


# --- bag_bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "include_last_offset"), [([0, 3, 3], False), ([0, 2, 6], True), ([0], False), ([0, 8], True)]
)
def test_bag_bounds_cut_the_stream_into_the_bags_embedding_bag_sums(offsets, include_last_offset):
    w = table()
    bounds = bag_bounds(INDICES, offsets, include_last_offset)
    expected = np.stack([w[INDICES[a:b]].sum(axis=0) for a, b in zip(bounds[:-1], bounds[1:], strict=True)])
    got = embedding_bag(INDICES, w, offsets, mode="sum", include_last_offset=include_last_offset)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_bag_bounds_of_2d_indices_are_rows():
    assert bag_bounds(np.arange(6).reshape(2, 3)).tolist() == [0, 3, 6]


# --- draw_bags ------------------------------------------------------------------------------


def test_draw_bags_draws_the_stream_the_brackets_and_the_outputs():
    w, offsets = table(), [0, 3, 3, 6]
    fig = draw_bags(INDICES, w, offsets, "mean", padding_idx=0, words=WORDS)
    axes = axes_by_label(fig)
    cells = stream_cells(axes["stream"])
    assert [text.split("\n") for text, _ in cells] == [[str(i), WORDS[i]] for i in INDICES]
    assert [color for _, color in cells] == [PADDING if i == 0 else HIGHLIGHT for i in INDICES]
    assert bag_labels(axes["stream"]) == ["bag 0", "bag 1: empty", "bag 2", "bag 3"]
    out = embedding_bag(INDICES, w, offsets, mode="mean", padding_idx=0)
    drawn = cell_texts(axes["bags"], 3)
    np.testing.assert_allclose([[float(drawn[(b, d)]) for d in range(3)] for b in range(4)], out, atol=0.005)
    formulas = [t.get_text() for t in axes["bags"].texts if t.get_text().startswith("←")]
    assert formulas == ["← (w[1] + w[2] + w[5]) / 3", "← empty → zeros", "← (w[3] + w[4]) / 2", "← (w[5] + w[2]) / 2"]


def test_draw_bags_shows_weights_and_the_entries_after_the_last_offset():
    psw = np.array([2.0, 1, 1, 0.5, 1, 1, 1, 1], dtype=np.float32)  # the weight's dtype, as torch requires
    fig = draw_bags(INDICES, table(), [0, 2, 5], "sum", per_sample_weights=psw, include_last_offset=True)
    ax = axes_by_label(fig)["stream"]
    colors = [color for _, color in stream_cells(ax)]
    assert colors == [HIGHLIGHT] * 5 + [NEUTRAL] * 3
    assert "in no bag" in [t.get_text() for t in ax.texts]
    weights = sorted((x, t.get_text()) for t in ax.texts for x, y in [t.get_position()] if y == 2.0 and x > 0)
    assert [text for _, text in weights] == [f"{w:g}" for w in psw]
    formulas = [t.get_text() for t in axes_by_label(fig)["bags"].texts if t.get_text().startswith("←")]
    assert formulas == ["← 2·w[1] + 1·w[2]", "← 1·w[5] + 0.5·w[3] + 1·w[0]"]


def test_draw_bags_groups_empty_bags_at_one_offset_and_shortens_long_formulas():
    fig = draw_bags(INDICES, table(), [0, 0, 0], "max")
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "bags 0, 1: empty" in texts
    assert "← max(w[1], w[2], w[5], …)" in texts
    single = draw_bags(INDICES, table(), [0, 7], "mean")
    assert "← w[2] / 1" in [t.get_text() for t in axes_by_label(single)["bags"].texts]


def test_draw_bags_2d_indices_are_one_bag_per_row():
    fig = draw_bags(INDICES.reshape(2, 4), table(), mode="sum")
    assert bag_labels(axes_by_label(fig)["stream"]) == ["bag 0", "bag 1"]


def test_draw_bags_raises_the_errors_of_embedding_bag():
    with pytest.raises(ValueError, match="must not decrease"):
        draw_bags(INDICES, table(), [0, 5, 2])
    with pytest.raises(ValueError, match="mode='sum'"):
        draw_bags(INDICES, table(), [0], "mean", per_sample_weights=np.ones(INDICES.size))


def test_draw_bags_cell_size_does_not_depend_on_the_number_of_bags():
    small = draw_bags(INDICES, table(), [0])
    large = draw_bags(INDICES, table(), [0, 1, 2, 3, 4, 5])
    cell = [axes_by_label(f)["table"].get_window_extent().height / len(WORDS) for f in (small, large)]
    assert cell[0] == pytest.approx(cell[1], rel=0.02)
    assert to_png(large).startswith(b"\x89PNG")


def test_cut_bags_computes_once_what_plot_bags_draws():
    w, offsets = table(), [0, 3, 3, 6]
    bags = cut_bags(INDICES, w, offsets, "mean", padding_idx=-len(WORDS))  # -6 is row 0, as in torch
    assert bags.padding_idx == 0 and bags.bounds.tolist() == [0, 3, 3, 6, 8]
    np.testing.assert_array_equal(bags.output, embedding_bag(INDICES, w, offsets, mode="mean", padding_idx=0))
    assert bags.used_rows() == sorted(set(INDICES.tolist()) - {0})
    assert bags.formulas() == ["(w[1] + w[2] + w[5]) / 3", "empty → zeros", "(w[3] + w[4]) / 2", "(w[5] + w[2]) / 2"]
    drawn = [t.get_text() for t in axes_by_label(plot_bags(bags, words=WORDS))["bags"].texts
             if t.get_text().startswith("←")]
    assert drawn == [f"← {f}" for f in bags.formulas()]


def test_bag_explorer_reduces_the_bags_once_per_redraw(monkeypatch):
    import lookup_lib.lessons.l06_embedding_bag.bags as bags_module

    calls = []
    real = bags_module.embedding_bag
    monkeypatch.setattr(bags_module, "embedding_bag", lambda *a, **k: calls.append(a) or real(*a, **k))
    w = BagExplorer(INDICES, table(), offsets=[0, 3])
    w.controls["mode"].value = "sum"
    assert len(calls) == 2  # the first draw and one redraw: embedding_bag once each, not once more for the figure


# --- measure_bag_vs_lookup_sum --------------------------------------------------------------


def test_measure_counts_the_bytes_each_method_makes():
    b, length, v, d = 8, 5, 30, 4
    cost = measure_bag_vs_lookup_sum(b, length, v, d, repeats=2)
    assert cost.lookup_sum_bytes == (b * length * d + b * d) * 4  # the (B, L, D) rows and the (B, D) sum
    assert b * d * 4 <= cost.bag_bytes < cost.lookup_sum_bytes  # the output and some int64 bookkeeping
    assert cost.bag_seconds > 0 and cost.lookup_sum_seconds > 0
    assert cost.memory_ratio == cost.lookup_sum_bytes / cost.bag_bytes
    assert cost.time_ratio == cost.lookup_sum_seconds / cost.bag_seconds


def test_the_two_methods_measured_compute_the_same_thing():
    gen = torch.Generator().manual_seed(0)
    w, idx = torch.randn(30, 4, generator=gen), torch.randint(0, 30, (8, 5), generator=gen)
    torch.testing.assert_close(F.embedding_bag(idx, w, mode="sum"), F.embedding(idx, w).sum(dim=1))


def test_measure_can_time_the_backward_pass_too():
    forward_only = measure_bag_vs_lookup_sum(8, 5, 30, 4, repeats=2)
    both = measure_bag_vs_lookup_sum(8, 5, 30, 4, repeats=2, backward=True)
    assert not forward_only.backward and both.backward
    assert both.bag_seconds > 0 and both.lookup_sum_seconds > 0
    assert (both.bag_bytes, both.lookup_sum_bytes) == (forward_only.bag_bytes, forward_only.lookup_sum_bytes)


def test_the_two_methods_measured_have_the_same_gradient():
    gen = torch.Generator().manual_seed(0)
    idx = torch.randint(0, 30, (8, 5), generator=gen)
    grads = []
    for method in (lambda w: F.embedding_bag(idx, w, mode="sum"), lambda w: F.embedding(idx, w).sum(dim=1)):
        w = torch.randn(30, 4, generator=torch.Generator().manual_seed(1)).requires_grad_()
        method(w).sum().backward()
        grads.append(w.grad)
    torch.testing.assert_close(*grads)


def test_measure_refuses_zero_repeats():
    with pytest.raises(ValueError, match="repeats"):
        measure_bag_vs_lookup_sum(2, 2, 4, 2, repeats=0)


# --- classifier figures ----------------------------------------------------------------------


def test_confusion_matrix_counts_pairs():
    rng = np.random.default_rng(0)
    true, pred = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    m = confusion_matrix(true, pred, 4)
    for t in range(4):
        for p in range(4):
            assert m[t, p] == np.sum((true == t) & (pred == p))
    assert confusion_matrix(torch.tensor(true), torch.tensor(pred), 4).tolist() == m.tolist()
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix([0, 1], [0], 2)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        confusion_matrix([0, 2], [0, 1], 2)


def test_plot_confusion_writes_the_counts_and_colours_mistakes():
    m = np.array([[5, 1, 0], [0, 4, 0], [2, 0, 3]])
    fig = plot_confusion(m, ["a", "b", "c"])
    ax = axes_by_label(fig)["confusion"]
    texts = {(int(t.get_position()[1]), int(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert texts == {(r, c): str(m[r, c]) for r in range(3) for c in range(3)}
    colors = {(int(p.get_y()), int(p.get_x())): mcolors.to_hex(p.get_facecolor()) for p in ax.patches}
    assert colors[(0, 0)] == OUTPUT and colors[(2, 0)] == CHANGED and colors[(0, 2)] == NEUTRAL
    assert ax.get_title() == "accuracy 12/15 = 80.0%"
    with pytest.raises(ValueError, match="len"):
        plot_confusion(m, ["a", "b"])


def test_plot_top_words_shows_the_best_words_of_each_class_in_order():
    scores = np.array([[9.0, 9.0], [1.0, 3.0], [2.0, 1.0], [3.0, 2.0]])
    words = ["<pad>", "x", "y", "z"]
    fig = plot_top_words(scores, words, ["first", "second"], k=2, skip=["<pad>"])
    axes = axes_by_label(fig)
    for name, expected in (("first", ["z", "y"]), ("second", ["x", "z"])):
        ax = axes[name]
        assert [t.get_text() for t in ax.get_yticklabels()] == expected
        widths = [bar.get_width() for bar in ax.patches]
        assert widths == sorted(widths, reverse=True)
    with pytest.raises(ValueError, match="shape"):
        plot_top_words(scores[:, :1], words, ["first", "second"])


# --- BagExplorer ----------------------------------------------------------------------------


def test_bag_explorer_redraws_when_the_offsets_or_the_mode_change():
    w = BagExplorer(torch.tensor(INDICES), torch.tensor(table()), offsets=[0, 3], mode="mean", words=WORDS)
    np.testing.assert_array_equal(w.output, embedding_bag(INDICES, table(), [0, 3], mode="mean"))
    first = w.png
    w.controls["offsets"].value = "0, 2, 2, 6"
    assert w.png != first and w.image.value == w.png
    np.testing.assert_array_equal(w.output, embedding_bag(INDICES, table(), [0, 2, 2, 6], mode="mean"))
    before = w.png
    w.controls["mode"].value = "max"
    assert w.png != before
    np.testing.assert_array_equal(w.output, embedding_bag(INDICES, table(), [0, 2, 2, 6], mode="max"))
    assert w._repr_mimebundle_()["text/plain"] == "BagExplorer(offsets='0, 2, 2, 6', mode='max')"


@pytest.mark.parametrize(("text", "message"), [("0, 5, 2", "must not decrease"), ("1, 3", "must be 0"),
                                                 ("0; 2", "one list"), ("0, x", "could not read")])
def test_bag_explorer_explains_offsets_that_do_not_make_bags(text, message):
    w = BagExplorer(INDICES, table())
    w.controls["offsets"].value = text
    assert w.output is None and message in w.message
    assert "do not make bags" in w.caption.value
    w.controls["offsets"].value = "0, 4"
    assert w.output is not None and w.message == ""


# --- the topic data: the shipped file -------------------------------------------------------


def raw_rows() -> list[list[str]]:
    """The data lines of the shipped file, split at tabs, read without lookup_lib."""
    lines = [line for line in OUT.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [line.split("\t") for line in lines[1:]]


def test_shipped_file_is_what_the_script_writes_and_the_script_is_deterministic():
    assert make_topics() == make_topics()
    assert OUT.read_text(encoding="utf-8") == make_topics()


def test_the_header_says_the_data_was_written_for_this_project():
    assert "written for this project" in OUT.read_text(encoding="utf-8").splitlines()[0]


def test_load_topics_reads_every_row_in_file_order():
    data = load_topics()
    rows = raw_rows()
    assert data.topics == sorted(TOPICS)
    for split in ("train", "test"):
        expected = [(topic, text) for s, topic, text in rows if s == split]
        got = getattr(data, split)
        assert list(zip([data.topics[k] for k in got.labels], got.texts, strict=True)) == expected
        assert got.labels.dtype == np.int64


def test_every_topic_has_its_share_of_each_split_and_no_sentence_twice():
    data = load_topics()
    test_counts = np.bincount(data.test.labels, minlength=len(data.topics))
    train_counts = np.bincount(data.train.labels, minlength=len(data.topics))
    np.testing.assert_array_equal(test_counts, TEST_PER_TOPIC)
    np.testing.assert_array_equal(train_counts, PER_TOPIC - TEST_PER_TOPIC)
    pairs = [(topic, text) for _, topic, text in raw_rows()]
    assert len(set(pairs)) == len(pairs)  # so no (sentence, topic) of the test split is also in train


def test_load_topics_reads_another_file_and_refuses_a_file_without_the_header(tmp_path: Path):
    good = tmp_path / "mini.tsv"
    good.write_text("# a comment\nsplit\ttopic\ttext\ntrain\tb\tx y\ntest\ta\tz\ntrain\ta\tw\n", encoding="utf-8")
    data = load_topics(good)
    assert data.topics == ["a", "b"]
    assert data.train.texts == ["x y", "w"] and data.train.labels.tolist() == [1, 0]
    bad = tmp_path / "bad.tsv"
    bad.write_text("train\ta\tw\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        load_topics(bad)
    bad.write_text("split\ttopic\ttext\nvalid\ta\tw\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_topics(bad)


# --- tokenize, vocabulary, bags ---------------------------------------------------------------


def test_tokenize_lowercases_and_drops_punctuation():
    assert tokenize("The STORM, it's here!  Stay in.") == ["the", "storm", "it's", "here", "stay", "in"]
    assert tokenize("") == []


def test_build_vocab_is_sorted_after_the_two_specials_whatever_the_order_of_sentences():
    sentences = [["rain", "and", "snow"], ["goal"], ["rain"]]
    vocab = build_vocab(sentences, specials=(PAD, UNK))
    assert vocab.words == ["<pad>", "<unk>", "and", "goal", "rain", "snow"]
    assert build_vocab(sentences[::-1], specials=(PAD, UNK)).words == vocab.words
    assert (vocab.pad, vocab.unk) == (0, 1)
    assert build_vocab(sentences, min_count=2, specials=(PAD, UNK)).words == ["<pad>", "<unk>", "rain"]
    with pytest.raises(ValueError, match="min_count"):
        build_vocab(sentences, min_count=0, specials=(PAD, UNK))


def test_encode_maps_each_word_to_its_row_and_unknown_words_to_unk():
    vocab = build_vocab([["rain", "snow"]], specials=(PAD, UNK))
    ids = vocab.encode(["snow", "hail", "rain"])
    assert ids.dtype == np.int64
    assert [vocab.words[i] for i in ids] == ["snow", "<unk>", "rain"]


def test_to_bags_concatenates_and_offsets_point_at_each_start():
    sentences = [np.array([5, 3]), np.array([], dtype=np.int64), np.array([7, 7, 2])]
    indices, offsets = to_bags(sentences)
    ends = np.r_[offsets[1:], indices.size]
    for sentence, start, end in zip(sentences, offsets, ends, strict=True):
        np.testing.assert_array_equal(indices[start:end], sentence)
    assert indices.dtype == offsets.dtype == np.int64
    assert to_bags([])[0].size == 0 and to_bags([])[1].size == 0


def test_mean_bags_of_the_data_equal_each_sentence_mean():
    data = load_topics()
    vocab = build_vocab((tokenize(t) for t in data.train.texts), specials=(PAD, UNK))
    encoded = [vocab.encode(tokenize(t)) for t in data.test.texts[:20]]
    weight = np.random.default_rng(0).standard_normal((len(vocab), 4))
    indices, offsets = to_bags(encoded)
    expected = np.stack([weight[e].mean(axis=0) for e in encoded])
    np.testing.assert_allclose(embedding_bag(indices, weight, offsets, mode="mean"), expected)


# --- BagExplorer's speed: one figure changed in place, at the size shown (issue 17) -------------

MAX_PNG_WIDTH = 860  # JupyterLab's output area is 868 px wide; a wider PNG is shrunk by the browser


def test_bag_explorer_changed_in_place_has_the_pixels_of_a_fresh_one():
    w = BagExplorer(INDICES, table(), offsets="0, 3", mode="sum", words=WORDS)
    w.memo = False  # every change draws the kept figure again
    first = w.draw(**w.values())
    for name, value in [("mode", "max"), ("offsets", "0, 2, 2, 6"), ("offsets", "0, 9"), ("offsets", "0, 1, 5"),
                        ("mode", "mean")]:
        w.controls[name].value = value
    assert w.message == ""
    assert w.draw(**w.values()) is first  # the same figure, after a message figure too
    fresh = BagExplorer(INDICES, table(), offsets="0, 1, 5", mode="mean", words=WORDS)
    assert w.png == fresh.png
    assert len(axes_by_label(first)["bags"].patches) == 3 * 3  # three bags now; none left from four


def test_bags_picture_draws_another_stream_afresh():
    picture = BagsPicture(words=WORDS)
    picture.update(cut_bags(INDICES, table(), [0, 3], "sum"))
    other = cut_bags(INDICES[:4], table(1), [0, 2], "max")
    assert to_png(picture.update(other)) == to_png(plot_bags(other, words=WORDS))


def test_bag_explorer_pictures_fit_the_output_area():
    w = BagExplorer(INDICES, table(), offsets="0, 3", words=WORDS)
    for offsets in ("0", "0, 1, 2, 3, 4, 5, 6, 7", "0, 2, 2, 6"):
        w.controls["offsets"].value = offsets
        width, _ = png_size(w.png)
        assert width <= MAX_PNG_WIDTH, offsets
        assert w.image.layout.width == f"{width}px"


def test_bags_picture_recolours_the_stream_and_the_table_in_place():
    picture = BagsPicture(words=WORDS)
    picture.update(cut_bags(INDICES, table(), [0, 3], "sum"))
    # include_last_offset: bag 0 is INDICES[0:2]; the rest is in no bag (white cells, rows not lit)
    fewer = cut_bags(INDICES, table(), [0, 2], "sum", include_last_offset=True)
    assert to_png(picture.update(fewer)) == to_png(plot_bags(fewer, words=WORDS))


# -- the Chinese edition (LOOKUP_LIB_LANGUAGE=zh) --------------------------------------------------------
def test_the_figures_and_the_explorer_speak_chinese_and_english_stays_as_it_was(monkeypatch):
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    english = axes_by_label(draw_bags(INDICES, table(), [0, 3, 3], "mean", words=WORDS))
    assert english["bags"].get_title() == "mean of each bag (3, 3)"
    assert {"bag 0", "bag 1: empty", "bags", "indices", "position"} <= {t.get_text() for t in english["stream"].texts}
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    fig = draw_bags(INDICES, table(), [0, 3, 3, 3], "mean", words=WORDS)
    zh = axes_by_label(fig)
    assert zh["bags"].get_title() == "每个袋的 mean (4, 3)"
    assert zh["table"].get_title() == "weight (6, 3)"  # the argument's name stays
    assert {"袋 0", "袋 1, 2：空", "袋", "索引", "位置"} <= {t.get_text() for t in zh["stream"].texts}
    assert "← 空袋 → 全零" in {t.get_text() for t in zh["bags"].texts}
    assert png_size(to_png(fig))[0] <= MAX_PNG_WIDTH
    weighted = axes_by_label(draw_bags(INDICES, table(), [0, 2], "sum", per_sample_weights=np.ones(8, np.float32),
                                       include_last_offset=True))
    assert {"权重", "不属于任何袋"} <= {t.get_text() for t in weighted["stream"].texts}
    ax = plot_confusion([[3, 1], [0, 4]], ["food", "sport"]).axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("准确率 7/8 = 87.5%", "预测的主题", "真实的主题")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["food", "sport"]  # topic names are data
    top = plot_top_words(np.eye(3, 2), ["a", "b", "c"], ["food", "sport"], k=2)
    assert top._supxlabel.get_text() == "只含一个词的袋对该主题的得分"
    w = BagExplorer(INDICES, table(), offsets="0, 3", mode="sum", words=WORDS)
    assert w.caption.value == "8 个索引，2 个袋 → 输出 (2, 3)"
    w.controls["offsets"].value = "0; 3"
    assert w.caption.value.startswith("<b>这些 offsets 构不成袋：</b>offsets 是一列起始位置")
