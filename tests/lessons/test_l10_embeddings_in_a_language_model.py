"""Lesson 10: text → ids, the models and their training loop (equal to the notebook's), tying, figures,
widget, and the exercise catalogue (equivalent spellings accepted, known wrong answers named)."""

from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.layout_engine import ConstrainedLayoutEngine

import lookup_lib
from lookup_lib.exercises import check, exercises
from lookup_lib.lessons.kit.style import png_size, to_png
from lookup_lib.lessons.l10_embeddings_in_a_language_model.exercises import table_parameters
from lookup_lib.lessons.l10_embeddings_in_a_language_model.figures import (
    TokenPlusPosition,
    char_group,
    plot_char_map,
    plot_losses,
    plot_token_plus_position,
)
from lookup_lib.lessons.l10_embeddings_in_a_language_model.model import (
    Bigram,
    CharMLP,
    TinyLM,
    count_parameters,
    held_out_loss,
    sample,
    train,
    tying_runs,
)
from lookup_lib.lessons.l10_embeddings_in_a_language_model.text import (
    BOS,
    char_vocab,
    context_windows,
    encode_verse,
    genesis,
    kjv_digit_count,
    learn_merges,
    merge_pair,
    pair_counts,
    split_by_verse,
)
from lookup_lib.lessons.l10_embeddings_in_a_language_model.widget import TokenPositionExplorer

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "10_embeddings_in_a_language_model.ipynb"
VERSES = ["in the beginning god created the heaven and the earth.", "and the earth was without form, and void;",
          "and god said, let there be light: and there was light."]


@pytest.fixture(scope="module")
def vocab():
    return char_vocab(VERSES)


def notebook_function(name):
    """The function ``name`` as the notebook's cell defines it (so the test follows the lesson's code)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    source = next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith(f"def {name}("))
    scope = {"torch": torch, "F": F}
    exec(source, scope)  # the lesson's own cell, read from the repository
    return scope[name]


# -- text ---------------------------------------------------------------------------------------------------
def test_genesis_split_by_verse_holds_out_every_tenth_verse():
    verses = genesis()
    train_verses, held_out = split_by_verse(verses)
    assert len(verses) == 1533 and len(held_out) == 153 and len(train_verses) == 1380
    assert held_out[0] == verses[9] and not set(held_out) & set(train_verses[:9])


def test_the_vocabulary_is_the_specials_then_the_sorted_characters(vocab):
    assert vocab.words[:3] == ["<pad>", BOS, "<unk>"]
    assert vocab.words[3:] == sorted(set("".join(VERSES)))
    assert vocab.encode(list("7")).tolist() == [vocab.unk] == [2]


def test_the_genesis_vocabulary_has_39_ids_and_the_bible_no_digits():
    vocab = char_vocab(split_by_verse(genesis())[0])
    assert len(vocab) == 39 and vocab.words[-1] == "z"
    assert kjv_digit_count() == 0


def test_context_windows_pair_each_character_with_the_block_before_it(vocab):
    block = 3
    X, Y = context_windows(VERSES, vocab, block)
    expected_x, expected_y = [], []
    for verse in VERSES:  # the plain loop the docstring describes
        ids = encode_verse(verse, vocab)
        window = [ids[0]] * block
        for target in ids[1:]:
            expected_x.append(window)
            expected_y.append(target)
            window = window[1:] + [target]
    assert X.tolist() == expected_x and Y.tolist() == expected_y
    assert X.dtype == Y.dtype == torch.int64 and len(Y) == sum(len(v) + 1 for v in VERSES)


def test_bpe_merges_follow_the_counts_and_the_notebooks_merge():
    seqs = [[1, 2, 3, 1, 2], [2, 3, 1, 2]]
    assert pair_counts(seqs) == Counter(p for s in seqs for p in zip(s, s[1:], strict=False))
    notebook_merge = notebook_function("merge")
    for pair in [(1, 2), (2, 3), (3, 1), (2, 2)]:
        for s in seqs + [[2, 2, 2], []]:
            assert merge_pair(s, pair, 9) == notebook_merge(s, pair, 9)
    merges, merged = learn_merges(seqs, first_id=4, steps=2)
    assert merges[0] == ((1, 2), 4) and merged[0][:1] == [4]
    assert sum(map(len, merged)) < sum(map(len, seqs))


# -- models -------------------------------------------------------------------------------------------------
def data(vocab, block):
    return context_windows(VERSES, vocab, block)


def test_the_library_train_is_the_notebooks_loop(vocab):
    fit = notebook_function("fit")
    X, Y = data(vocab, 3)
    torch.manual_seed(0)
    ours = CharMLP(len(vocab), 3, 2, 16)
    theirs = CharMLP(len(vocab), 3, 2, 16)
    theirs.load_state_dict(ours.state_dict())
    a = train(ours, X, Y, steps=15, lr=1e-2, seed=3, batch_size=32)
    b = fit(theirs, X, Y, steps=15, lr=1e-2, seed=3, batch_size=32)
    assert a == b
    assert all(torch.equal(p, q) for p, q in zip(ours.parameters(), theirs.parameters(), strict=True))


def test_a_bigram_is_a_v_by_v_table_looked_up_by_the_last_id(vocab):
    torch.manual_seed(0)
    model = Bigram(len(vocab))
    X, _ = data(vocab, 3)
    assert torch.equal(model(X), model.table.weight[X[:, -1]])
    assert count_parameters(model) == len(vocab) ** 2


def test_tied_output_layer_is_the_token_table_and_saves_v_times_d(vocab):
    V = len(vocab)
    tied, untied = TinyLM(V, 4, 8, 16, tied=True), TinyLM(V, 4, 8, 16, tied=False)
    assert tied.head is None and count_parameters(untied) - count_parameters(tied) == V * 8
    X, _ = data(vocab, 4)
    h = tied.proj(torch.tanh(tied.mix(tied.tok_emb(X) + tied.pos_emb.weight)).sum(1))
    assert torch.allclose(tied(X), h @ tied.tok_emb.weight.T)


def test_the_tied_gradient_is_scatter_add_plus_dense(vocab):
    V = len(vocab)
    torch.manual_seed(0)
    model = TinyLM(V, 4, 8, 16, tied=True)
    X, Y = data(vocab, 4)
    x = model.tok_emb(X)
    x.retain_grad()
    pos = x + model.pos_emb.weight
    h = model.proj(torch.tanh(model.mix(pos)).sum(1))
    logits = h @ model.tok_emb.weight.T
    logits.retain_grad()
    F.cross_entropy(logits, Y).backward()
    by_parts = lookup_lib.embedding_backward(x.grad, X, V) + (logits.grad.T @ h).detach().numpy()
    assert np.allclose(by_parts, model.tok_emb.weight.grad.numpy(), atol=1e-6)


def test_without_positions_tinylm_is_order_blind_and_with_them_it_is_not(vocab):
    torch.manual_seed(0)
    X, _ = data(vocab, 4)
    flipped = X.flip(1)
    bag = TinyLM(len(vocab), 4, 8, 16, tied=False, positions=False)
    assert torch.allclose(bag(X), bag(flipped), atol=1e-6)
    ordered = TinyLM(len(vocab), 4, 8, 16, tied=False)
    differs = (ordered(X) - ordered(flipped)).abs().amax(1) > 1e-4
    assert differs[(X != flipped).any(1)].all()


def test_a_context_longer_than_the_position_table_raises(vocab):
    model = TinyLM(len(vocab), 4, 8, 16, tied=True)
    with pytest.raises(IndexError):
        model(torch.zeros(1, 5, dtype=torch.int64))


def test_sampling_is_deterministic_and_stops_at_bos(vocab):
    torch.manual_seed(0)
    model = CharMLP(len(vocab), 3, 2, 16)
    a = sample(model, vocab, 3, 4, torch.Generator().manual_seed(1), max_len=20)
    b = sample(model, vocab, 3, 4, torch.Generator().manual_seed(1), max_len=20)
    assert a == b and len(a) == 4 and all(BOS not in t for t in a)  # max_len counts ids, not letters


def test_training_lowers_the_held_out_loss_and_tying_runs_report_per_seed(vocab):
    X, Y = data(vocab, 4)
    losses, models = tying_runs((X, Y, X, Y), len(vocab), 4, seeds=[0, 1], dim=8, hidden=16, steps=30)
    assert set(losses) == {True, False} and all(len(v) == 2 for v in losses.values())
    assert set(models) == {(t, s) for t in (True, False) for s in (0, 1)}
    torch.manual_seed(0)
    fresh = TinyLM(len(vocab), 4, 8, 16, tied=False)
    assert losses[False][0] == held_out_loss(models[(False, 0)], X, Y) < held_out_loss(fresh, X, Y)


# -- figures and widget -------------------------------------------------------------------------------------
def test_char_groups():
    assert [char_group(c) for c in "ab.' "] == ["vowel", "consonant", "punctuation", "punctuation",
                                               "space and specials"]


def test_char_map_labels_every_character_but_the_skipped(vocab):
    points = np.arange(2 * len(vocab), dtype=float).reshape(-1, 2)
    fig = plot_char_map(points, vocab.words, skip=("<pad>",))
    gids = {t.get_gid() for t in fig.axes[0].texts}
    assert gids == {f"char:{w}" for w in vocab.words if w != "<pad>"}
    with pytest.raises(ValueError, match="shape"):
        plot_char_map(points[:-1], vocab.words)


def test_loss_figure_draws_each_curve_and_its_held_out_level():
    fig = plot_losses({"a": [3.0, 2.0, 1.0], "b": [2.0] * 5}, {"a": 1.5}, window=2)
    gids = {line.get_gid() for line in fig.axes[0].lines}
    assert gids == {"curve:a", "curve:b", "held_out:a"}


def test_token_plus_position_figure_writes_the_sum():
    tok, pos = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5, 0.5], [-1.0, 1.0]])
    fig = plot_token_plus_position(tok, pos, ["a", "b"], position=1)
    summed = [t.get_text() for t in fig.axes[2].texts if t.get_text().replace(".", "").lstrip("-").isdigit()]
    assert summed == ["1.5", "2.5", "2.0", "5.0"]
    with pytest.raises(ValueError):
        plot_token_plus_position(tok, pos[:1], ["a", "b"])


def test_widget_sums_the_rows_and_refuses_a_context_past_the_table(vocab):
    rng = np.random.default_rng(0)
    tok, pos = rng.normal(size=(len(vocab), 3)), rng.normal(size=(4, 3))
    widget = TokenPositionExplorer("god", tok, pos, vocab)
    ids = vocab.encode(list("god"))
    assert np.allclose(widget.x, tok[ids] + pos[:3]) and widget.png.startswith(b"\x89PNG")
    widget.controls["text"].value = "earth"  # 5 characters, 4 positions
    assert widget.x is None and "out of range" in widget.error and "valid indices are 0 to 3" in widget.error
    widget.controls["text"].value = "the"
    widget.controls["position"].value = 3  # past the text: clamped to its last position
    assert widget.error == "" and widget.png == to_png(widget.draw("the", 3))
    assert "TokenPositionExplorer(text='the', position=3)" in widget._repr_mimebundle_()["text/plain"]


def test_widget_updates_its_figure_in_place_with_the_pixels_of_a_fresh_one(vocab):
    rng = np.random.default_rng(1)
    tok, pos = rng.normal(size=(len(vocab), 4)), rng.normal(size=(8, 4))
    widget = TokenPositionExplorer("god", tok, pos, vocab)
    figures, pictures = {}, {widget.png}
    # a position, a text of another length, the same length, a refused text, back to a length seen
    for text, position in [("god", 2), ("the earth", 2), ("let the", 2), ("let the", 5), ("and god", 5),
                           ("and the earth", 0), ("and", 0), ("and", 1), ("god", 1)]:
        before = widget.png
        with widget.hold():
            widget.controls["text"].value, widget.controls["position"].value = text, position
        assert widget.png != before, (text, position)  # every step changes what is shown
        pictures.add(widget.png)
        fresh = TokenPositionExplorer(text, tok, pos, vocab)  # built for this text, not updated from another
        fresh.controls["position"].value = position
        assert widget.png == fresh.png, (text, position)
        if not widget.error:
            fig = widget.draw(text, position)
            assert figures.setdefault(len(text), fig) is fig  # one figure per context length, reused
            ids = vocab.encode(list(text))
            shown = min(position, len(ids) - 1)
            static = plot_token_plus_position(tok[ids], pos[: len(ids)], list(text), position=shown)
            assert widget.png == to_png(static)
    assert len(pictures) == 9  # "god" at 2 and at 1 differ; the two messages differ (8 and 13 characters)


@pytest.mark.parametrize("dim", [2, 4, 6])
def test_token_plus_position_keeps_the_layout_its_values_get_and_is_drawn_at_the_size_it_is_shown(dim):
    rng = np.random.default_rng(dim)
    tables = TokenPlusPosition(5, dim)  # laid out once, for zeros and blank labels, and kept
    tok, pos, labels = rng.normal(size=(5, dim)) * 10, rng.normal(size=(5, dim)), list("a b.c")
    fig = tables.update(tok, pos, labels, position=4)
    fresh = plot_token_plus_position(tok, pos, labels, position=4)  # laid out when drawn, for these values
    assert isinstance(fresh.get_layout_engine(), ConstrainedLayoutEngine)
    assert not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    assert to_png(fig) == to_png(fresh)
    assert png_size(to_png(fig))[0] <= 860  # JupyterLab's output area: 868 px; wider pictures are shrunk, blurred
    with pytest.raises(ValueError, match="5 rows"):
        tables.update(np.zeros((4, dim)), np.zeros((4, dim)), list("abcd"))


# -- exercises: the catalogue -------------------------------------------------------------------------------
QUESTIONS = {
    "lm_input_shape": [(4, 8, 16), [4, 8, 16], np.array([4, 8, 16]), torch.Size([4, 8, 16])],
    "tied_param_count": [2592, 2592.0, np.int64(2592), torch.tensor(2592), 65 * 32 + 16 * 32],
    "gpt2_embedding_params": [39_383_808, 3.9383808e7, np.int64(39_383_808), torch.tensor(39_383_808)],
}

WRONG_ANSWERS = [
    ("lm_input_shape", (8, 16), "broadcast over the batch"),
    ("lm_input_shape", (4, 8), "shape of ids"),
    ("lm_input_shape", (32, 16), "Nothing is flattened"),
    ("lm_input_shape", (4, 16), "Nothing sums over the positions"),
    ("lm_input_shape", (4, 8, 32), "added, not concatenated"),
    ("lm_input_shape", (40, 16), "Each id becomes a row"),
    ("tied_param_count", 4672, "counts the token table twice"),
    ("tied_param_count", 2080, "position table has parameters too"),
    ("tied_param_count", 512, "position table alone"),
    ("tied_param_count", 4160, "Tied means one token table"),
    ("tied_param_count", 1234, "distinct tensors"),
    ("gpt2_embedding_params", 38_597_376, "That is the token table"),
    ("gpt2_embedding_params", 786_432, "That is the position table"),
    ("gpt2_embedding_params", 77_981_184, "count it once"),
    ("gpt2_embedding_params", 77_194_752, "Count the token table once"),
    ("gpt2_embedding_params", 124_439_808, "Multiply out"),
]


@pytest.mark.parametrize(("name", "answer"), [(n, a) for n, answers in QUESTIONS.items() for a in answers])
def test_questions_accept_equivalent_spellings(name, answer, capsys):
    assert check(name, answer)
    assert capsys.readouterr().out == f"✓ {name}: correct!\n"


def test_every_question_of_the_lesson_has_three_spellings_and_wrong_answers():
    from lookup_lib.lessons.l10_embeddings_in_a_language_model.exercises import EXERCISES

    names = [e.name for e in EXERCISES]
    assert sorted(names) == sorted(QUESTIONS)
    assert all(len(QUESTIONS[n]) >= 3 and any(isinstance(a, (torch.Tensor, torch.Size)) for a in QUESTIONS[n])
               for n in names)
    assert all(sum(w[0] == n for w in WRONG_ANSWERS) >= 3 for n in names)


@pytest.mark.parametrize(("name", "answer", "phrase"), WRONG_ANSWERS)
def test_wrong_question_answers_get_a_hint_not_the_answer(name, answer, phrase, capsys):
    assert not check(name, answer)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {name}: ") and phrase in out
    right = exercises()[name]
    assert repr(right.answer) not in out and f"{right.answer:,}" not in out if isinstance(right.answer, int) else True


@pytest.mark.parametrize("answer", ["4, 8, 16", True, (4, 8.5, 16)])
def test_odd_forms_are_reported_not_raised(answer, capsys):
    assert not check("lm_input_shape", answer)
    assert capsys.readouterr().out.startswith("✗ lm_input_shape: ")


def test_question_answers_agree_with_torch():
    tok, pos = torch.nn.Embedding(40, 16), torch.nn.Embedding(8, 16)
    assert check("lm_input_shape", (tok(torch.zeros(4, 8, dtype=torch.int64)) + pos(torch.arange(8))).shape)
    small = torch.nn.ModuleList([torch.nn.Embedding(65, 32), torch.nn.Embedding(16, 32)])
    assert check("tied_param_count", count_parameters(small))  # the tied head adds no tensor
    assert table_parameters(65, 16, 32, tied=False) == count_parameters(small) + 65 * 32
    gpt2 = torch.nn.ModuleList([torch.nn.Embedding(50_257, 768, _freeze=True, device="meta"),
                                torch.nn.Embedding(1_024, 768, device="meta")])
    assert check("gpt2_embedding_params", count_parameters(gpt2))


# -- the Chinese edition ------------------------------------------------------------------------------------
def test_the_gpt2_question_names_the_numbers_the_answer_uses():
    """Its title is written out (a marked text is a literal): it must state the constants the answer is built from."""
    from lookup_lib.lessons.l10_embeddings_in_a_language_model.exercises import (
        GPT2_CONTEXT,
        GPT2_DIM,
        GPT2_VOCAB,
    )

    title = exercises()["gpt2_embedding_params"].title
    assert f"V = {GPT2_VOCAB:,}," in title and f"length {GPT2_CONTEXT:,} " in title and f"d = {GPT2_DIM}," in title


def test_figures_and_widget_speak_the_lessons_language(vocab, monkeypatch):
    def shown():
        losses = plot_losses({"a": [3.0, 2.0, 1.0]}, {"a": 1.5}, window=2)
        points = np.arange(2 * len(vocab), dtype=float).reshape(-1, 2)
        char_map = plot_char_map(points, vocab.words)
        tables = plot_token_plus_position(np.zeros((2, 2)), np.zeros((2, 2)), ["a", "b"])
        widget = TokenPositionExplorer("god", np.zeros((len(vocab), 2)), np.zeros((4, 2)), vocab)
        return ([t.get_text() for t in losses.axes[0].get_legend().get_texts()] + [losses.axes[0].get_ylabel()]
                + [t.get_text() for t in char_map.axes[0].get_legend().get_texts()] + [char_map.axes[0].get_xlabel()]
                + [ax.get_title() for ax in tables.axes] + [widget.controls["text"].description, widget.caption.value])

    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "en")
    english = shown()
    assert english[:3] == ["a: training", "a: held out 1.500", "cross-entropy (nats per character)"]
    assert "vowel" in english and "dimension 0" in english and "= x, the model's input" in english
    assert "The context length is 4: type more characters" in english[-1]
    monkeypatch.setenv("LOOKUP_LIB_LANGUAGE", "zh")
    chinese = shown()
    assert chinese[:3] == ["a：训练", "a：留出 1.500", "交叉熵（每个字符的奈特数）"]
    assert "元音" in chinese and "维度 0" in chinese and "= x，模型的输入" in chinese and "上下文" in chinese
    assert "上下文长度是 4" in chinese[-1]
    assert [ax.get_label() for ax in plot_token_plus_position(np.zeros((2, 2)), np.zeros((2, 2)), "ab").axes] == [
        "tok_emb(ids)", "+ pos_emb(arange(T))", "= x, the model's input"]  # the axes' ids stay English
