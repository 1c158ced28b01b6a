"""Lesson 12, section 9: 唐诗三百首 from Debian's fortunes-zh, character tokens, the group test, the stored result."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from lookup_lib.lessons.l12_meaning_from_real_text import chinese
from lookup_lib.lessons.l12_meaning_from_real_text.chinese import (
    CHARACTER_GROUPS,
    CHARACTER_PROBES,
    Poem,
    character_hits,
    characters,
    group_ceiling,
    group_scores,
    load_tang_poems,
    load_tang_result,
    paired_bootstrap,
    ppmi_characters,
    sentences,
    tang_corpus,
    train_characters,
)
from lookup_lib.lessons.l12_meaning_from_real_text.evaluate import group_agreement
from lookup_lib.lessons.l12_meaning_from_real_text.text import flatten

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "12_meaning_from_real_text.ipynb"

needs_fortunes = pytest.mark.skipif(not chinese.TANG300.is_file(),
                                    reason="Debian's fortunes-zh is not installed (.ci/run installs it)")




# -- the loader ------------------------------------------------------------------------------------------------

@needs_fortunes
def test_the_loader_reads_313_poems_with_titles_and_authors_and_no_escape_codes():
    poems = load_tang_poems()
    assert len(poems) == 313
    assert (poems[0].title, poems[0].author) == ("感遇・其一", "张九龄")
    last = poems[-1]
    assert (last.title, last.author, last.lines[0]) == ("金缕衣", "杜秋娘", "劝君莫惜金缕衣，劝君惜取少年时。")
    texts = [s for p in poems for s in (p.title, p.author, *p.lines, *p.preface)]
    assert not any("\x1b" in s or "[m" in s or "《" in s[:1] or s.startswith("作者") for s in texts)
    assert all(p.lines and p.title and p.author for p in poems)
    authors = [p.author for p in poems]
    assert len(set(authors)) == 79 and authors.count("杜甫") == 39 and authors.count("李白") == 29


@needs_fortunes
def test_a_preface_is_split_off_exactly_where_the_title_says_bingxu():
    poems = load_tang_poems()
    assert [p.title for p in poems if p.preface] == [p.title for p in poems if "并序" in p.title]
    assert sum(bool(p.preface) for p in poems) == 6
    pipa = next(p for p in poems if p.title == "琵琶行・并序")
    assert pipa.preface[0].startswith("元和十年") and pipa.lines[0] == "浔阳江头夜送客，枫叶荻花秋瑟瑟。"


@needs_fortunes
def test_the_corpus_is_the_same_text_on_every_machine_and_every_call(tmp_path):
    copy = tmp_path / "tang300"
    copy.write_bytes(chinese.TANG300.read_bytes())
    assert load_tang_poems(copy) == load_tang_poems()
    text = "\n".join("".join(s) for s in tang_corpus().sentences)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] == "1675b9b9a80c08e6"


def test_a_missing_package_names_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(chinese, "TANG300", tmp_path / "no-such-file")
    with pytest.raises(FileNotFoundError, match="apt-get install fortunes-zh"):
        load_tang_poems()


def test_a_record_that_is_not_a_poem_is_refused(tmp_path):
    bad = tmp_path / "tang300"
    bad.write_text("\x1b[32m《题》\x1b[m\n不是作者\n床前明月光，\n%\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unexpected poem header"):
        load_tang_poems(bad)


def test_the_parser_strips_escapes_and_keeps_the_lines(tmp_path):
    path = tmp_path / "tang300"
    path.write_text("\x1b[32m《静夜思》\x1b[m\n\x1b[33m作者：李白\x1b[m\n床前明月光，疑是地上霜。\n举头望明月，低头思故乡。\n%\n",
                    encoding="utf-8")
    assert load_tang_poems(path) == (Poem("静夜思", "李白", ("床前明月光，疑是地上霜。", "举头望明月，低头思故乡。")),)


# -- tokens ----------------------------------------------------------------------------------------------------

def test_a_character_is_a_token_and_punctuation_is_dropped():
    assert characters("曰：“余公孙大娘弟子也。”") == list("曰余公孙大娘弟子也")
    assert characters("１２３６ab, 𡵓") == ["𡵓"]  # an Extension-B character is still a character


def test_a_sentence_ends_at_the_full_stop_and_question_marks_not_at_the_comma():
    poem = Poem("t", "a", ("君问归期未有期，", "巴山夜雨涨秋池。何当共剪西窗烛？", "却话巴山夜雨时"))
    assert ["".join(s) for s in sentences(poem)] == ["君问归期未有期巴山夜雨涨秋池", "何当共剪西窗烛", "却话巴山夜雨时"]
    with_preface = Poem("t", "a", ("春眠不觉晓。",), preface=("序。",))
    assert sentences(with_preface) == [list("春眠不觉晓")]


@needs_fortunes
def test_the_vocabulary_is_sorted_holds_every_grouped_character_and_no_specials():
    corpus = tang_corpus()
    vocab = corpus.vocab
    assert (len(corpus.sentences), corpus.tokens, len(vocab)) == (1539, 19072, 871)
    assert vocab.words == sorted(vocab.words) and vocab.counts.min() >= 5 and vocab.unknown is None
    grouped = [c for members in CHARACTER_GROUPS.values() for c in members]
    assert len(grouped) == len(set(grouped)) == 93
    assert all(c in vocab for c in grouped + CHARACTER_PROBES)
    assert "夏" not in vocab and "冬" not in vocab  # 2 and 3 times: why the seasons joined the times of day


# -- the measure -----------------------------------------------------------------------------------------------

def test_character_hits_is_the_lessons_group_agreement_kept_per_character():
    vocab = tang_corpus().vocab if chinese.TANG300.is_file() else None
    if vocab is None:
        pytest.skip("needs fortunes-zh")
    rng = np.random.default_rng(5)
    for table in (rng.normal(size=(len(vocab), 50)), rng.normal(size=(len(vocab), 3))):
        hits = character_hits(table, vocab)
        assert hits.shape == (93,) and set(np.unique(hits)) <= {0.0, 0.2, 0.4, 0.6, 0.8, 1.0}
        assert hits.mean() == pytest.approx(group_agreement(table, vocab, CHARACTER_GROUPS))


def test_character_hits_is_one_where_groups_are_points_and_a_ceiling_where_groups_are_small():
    from lookup_lib.lessons.kit.vocab import build_vocab

    groups = {"a": list("一二三四五六"), "b": list("红白青黄绿紫"), "c": list("东南西")}
    vocab = build_vocab([[c for g in groups.values() for c in g]])
    table = np.zeros((len(vocab), 3))
    for axis, members in enumerate(groups.values()):
        for c in members:
            table[vocab.index(c), axis] = 1.0 + 0.01 * vocab.index(c)
    hits = character_hits(table, vocab, groups)
    assert hits[:12].tolist() == [1.0] * 12 and hits[12:].tolist() == [0.4] * 3  # a group of 3 has 2 mates
    assert hits.mean() == pytest.approx(group_ceiling(groups)) == pytest.approx((12 + 3 * 0.4) / 15)


def test_the_paired_bootstrap_is_zero_for_equal_tables_and_finds_a_shift():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 6, (5, 93)) / 5
    assert paired_bootstrap(a, a) == (0.0, 0.0, 0.0)
    point, low, high = paired_bootstrap(a, np.clip(a - 0.2, 0, None))
    assert 0 < low <= point <= high <= 0.2
    point, low, high = paired_bootstrap(a, rng.integers(0, 6, (200, 93)) / 5)
    assert low < point < high


# -- the experiment: the lesson's trainer, the stored result ---------------------------------------------------

def _lesson_trainer():
    """The ``train_here`` cell of lesson 12 (section 3), executed on its own."""
    from lookup_lib.lessons.l12_meaning_from_real_text import (
        SkipGram,
        keep_probability,
        noise_distribution,
        sample_pairs,
    )

    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if "def train_here" in "".join(c["source"]))
    scope = {"torch": torch, "np": np, "SkipGram": SkipGram, "noise_distribution": noise_distribution,
             "keep_probability": keep_probability, "sample_pairs": sample_pairs}
    exec(source, scope)
    return scope["train_here"]


@needs_fortunes
def test_the_library_trains_the_characters_with_the_loop_the_lesson_shows(one_thread):
    corpus = tang_corpus()
    ids, sentence = flatten(corpus.sentences, corpus.vocab)
    model, losses = _lesson_trainer()(ids, sentence, corpus.vocab.counts, epochs=1, seed=2)
    result = train_characters(seed=2, epochs=1)
    assert torch.equal(model.center.weight, result.model.center.weight) and losses == result.losses


def test_the_lesson_cell_calling_train_here_with_its_defaults_uses_the_tools_settings():
    defaults = _defaults(_lesson_trainer())
    assert {k: defaults[k] for k in chinese.SETTINGS} == chinese.SETTINGS


def _defaults(function) -> dict:
    import inspect

    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


@needs_fortunes
def test_the_tool_reproduces_the_stored_seed_0(one_thread):  # ~2 s: the lesson's settings, 5 epochs
    from tools import tang_characters

    assert tang_characters.check() == 0


@needs_fortunes
def test_the_stored_result_is_consistent_and_its_ppmi_is_what_the_library_computes_now():
    stored = load_tang_result()
    vocab = tang_corpus().vocab
    assert stored["corpus"] == {"poems": 313, "sentences": 1539, "tokens": 19072, "vocab": 871, "min_count": 5}
    assert stored["groups"] == CHARACTER_GROUPS and stored["ceiling"] == group_ceiling()
    assert [len(stored["models"][m]["hits"]) for m in ("course", "course_20", "ppmi")] == [5, 5, 1]
    assert stored["models"]["ppmi"]["hits"][0] == character_hits(ppmi_characters(), vocab).tolist()
    rand = chinese.random_hits(stored["random"]["tables"])
    assert rand.mean() == pytest.approx(stored["random"]["mean"])
    assert rand.mean(axis=0).tolist() == pytest.approx(stored["random"]["hits_mean"])
    scores = group_scores(stored)
    assert list(scores) == list(CHARACTER_GROUPS)
    assert scores["directions"]["ceiling"] == pytest.approx(0.6)
    for model in ("course", "course_20", "ppmi"):
        sizes = {g: len(m) for g, m in CHARACTER_GROUPS.items()}
        weighted = sum(scores[g][model] * sizes[g] for g in sizes) / 93
        assert weighted == pytest.approx(np.mean(stored["models"][model]["hits"]))


@needs_fortunes
def test_the_lesson_prose_quotes_the_stored_numbers():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown" and "tang" in c["id"])
    stored = load_tang_result()
    for model in ("course", "course_20"):
        per_seed = np.mean(stored["models"][model]["hits"], axis=1)
        assert f"{per_seed.mean():.3f} ± {per_seed.std(ddof=1):.3f}" in prose, model
    assert f"{np.mean(stored['models']['ppmi']['hits']):.3f}" in prose
    assert f"{stored['random']['mean']:.3f}" in prose and f"{stored['random']['p95']:.3f}" in prose
    for point, low, high in (stored["bootstrap"][k] for k in ("course-random", "course-ppmi", "course_20-ppmi")):
        assert f"{point:+.3f}".replace("-", "−") in prose
        assert f"[{low:+.3f}, {high:+.3f}]".replace("-", "−") in prose


# -- the figure ------------------------------------------------------------------------------------------------

@needs_fortunes
def test_the_figure_draws_one_marker_per_group_and_model_in_a_cjk_font():
    from lookup_lib.lessons.kit.fonts import find_cjk_font
    from lookup_lib.lessons.l12_meaning_from_real_text import plot_character_groups

    stored = load_tang_result()
    scores = group_scores(stored)
    fig = plot_character_groups(scores, stored["groups"], stored["corpus"]["tokens"])
    ax = fig.axes[0]
    dots = {c.get_gid(): c for c in ax.collections if (c.get_gid() or "").startswith("score:")}
    assert set(dots) == {"score:random", "score:course", "score:course_20", "score:ppmi"}
    assert dots["score:ppmi"].get_offsets()[:, 0].tolist() == [scores[g]["ppmi"] for g in CHARACTER_GROUPS]
    labels = {round(y): label.get_text() for y, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    top_down = [labels[y].split()[-1] for y in sorted(labels, reverse=True)]
    assert top_down == ["".join(m) for m in CHARACTER_GROUPS.values()]  # the first group on top
    assert fig.get_size_inches()[0] * fig.dpi <= 860
    if find_cjk_font() is not None:
        import matplotlib

        assert find_cjk_font() in matplotlib.rcParams["font.family"]
    with pytest.raises(ValueError, match="models must be among"):
        plot_character_groups(scores, stored["groups"], 1, models=("gensim",))
