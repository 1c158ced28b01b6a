"""The kit in Chinese (LOOKUP_LIB_LANGUAGE=zh): exercise feedback, hints and solutions, and the figures' font.

- a right and a wrong answer get the same verdict in both languages, Chinese feedback in zh, and the
  same numbers in both (only the words change);
- ``hint()`` and ``solution()`` print Chinese, and a model solution's comments are translated
  (``[[comment]]`` entries of the catalogues), its code left as it is;
- every ``[[comment]]`` entry names a comment some lesson module has (none obsolete), and every comment
  of every model solution that ``solution()`` prints has one (reported by lesson, comment by comment);
- a figure made with ``kit.style.new_figure`` draws Chinese with the Noto Sans CJK SC face of the
  collection (not its JP/TC/KR faces) and no glyph is missing.
"""

from __future__ import annotations

import collections
import contextlib
import io
import re
import tokenize
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib import font_manager

from lookup_lib.exercises import check, exercises, hint, list_exercises, solution
from lookup_lib.lessons.kit import fonts, i18n
from lookup_lib.lessons.kit.exercise import FunctionExercise
from lookup_lib.lessons.kit.indices import parse_indices
from tools import translate

CJK = translate.CJK
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[,.]\d+)*(?:e[-+]?\d+)?")  # as tests/test_translations.py counts them
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def zh(monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")


def printed(call, *args) -> tuple[object, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        result = call(*args)
    return result, buffer.getvalue()


def in_both(monkeypatch, call, *args) -> tuple[tuple[object, str], tuple[object, str]]:
    """``call(*args)`` and what it printed, in English and then in Chinese."""
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    english = printed(call, *args)
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    chinese = printed(call, *args)
    return english, chinese


# --- feedback -------------------------------------------------------------------------------------------

def lookup_right(indices, weight):
    return np.asarray(weight)[np.asarray(indices)]


def lookup_transposed(indices, weight):
    return np.asarray(weight)[np.asarray(indices)].T


def lookup_off_by_one(indices, weight):
    weight = np.asarray(weight)
    return weight[np.clip(np.asarray(indices) + 1, 0, len(weight) - 1)]


def lookup_stub(indices, weight):
    raise NotImplementedError


def lookup_half_written(indices, weight):
    if np.asarray(indices).ndim > 1:
        raise NotImplementedError
    return np.asarray(weight)[np.asarray(indices)]


ANSWERS = [
    ("lookup", lookup_right, True),
    ("lookup", lookup_transposed, False),
    ("lookup", lookup_off_by_one, False),
    ("lookup", lookup_stub, False),
    ("lookup", lookup_half_written, False),
    ("lookup", 3, False),
    ("predict_shape", (2, 3, 4, 5), True),
    ("predict_shape", (2, 3, 4), False),
    ("predict_shape", (7, 7), False),
    ("predict_shape", "(2, 3)", False),
    ("predict_shape", None, False),
    ("num_embeddings_for", lambda vocab: max(vocab.values()) + 1, True),
    ("num_embeddings_for", lambda vocab: len(vocab), False),
    ("num_embeddings_for", lambda vocab: max(vocab.values()), False),
    ("num_embeddings_for", lambda vocab: float(max(vocab.values()) + 1), False),
    ("no_such_exercise", 1, False),
    ("lookp", 1, False),
]


@pytest.mark.parametrize(("name", "answer", "passes"), ANSWERS,
                         ids=[f"{name}-{k}" for k, (name, _, _) in enumerate(ANSWERS)])
def test_feedback_is_chinese_with_the_english_numbers(monkeypatch, name, answer, passes):
    (en_result, en_text), (zh_result, zh_text) = in_both(monkeypatch, check, name, answer)
    assert bool(en_result) is bool(zh_result) is passes
    assert not CJK.search(en_text), en_text
    assert CJK.search(zh_text), zh_text
    assert collections.Counter(NUMBER.findall(zh_text)) == collections.Counter(NUMBER.findall(en_text)), (
        en_text, zh_text)
    assert zh_text.count("\n") == en_text.count("\n"), (en_text, zh_text)  # the same lines, one by one
    assert zh_text[0] == en_text[0]  # the ✓ ✗ ✎ that starts the feedback


def test_a_wrong_answer_names_its_case_and_mistake_in_chinese(zh):
    _, text = printed(check, "lookup", lookup_off_by_one)
    assert "✗ lookup：" in text and "第一个未通过的用例" in text
    assert "差了一" in text  # the lesson's diagnosis, in Chinese
    assert 'hint("lookup")' in text  # code stays code
    _, text = printed(check, "predict_shape", (2, 3, 4))
    assert text.startswith("✗ predict_shape：(2, 3, 4) 不对。这是索引的形状"), text


def test_english_feedback_is_unchanged(monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    _, text = printed(check, "lookup", lookup_right)
    assert text == "✓ lookup: all 6 cases pass. Well done!\n"
    _, text = printed(check, "predict_shape", None)
    assert text == ("✎ predict_shape: not attempted yet — write your answer in place of the stub, "
                    "then run this cell again.\n")


def lookup_endless(indices, weight):
    while True:
        pass


def lookup_with_torch(indices, weight):
    import torch

    return torch.nn.functional.embedding(torch.as_tensor(indices), torch.as_tensor(weight))


def test_timeouts_shortcuts_and_graded_mode_speak_chinese(monkeypatch):
    from lookup_lib.exercises import GRADED_ENV, grade

    monkeypatch.setattr(exercises()["lookup"], "time_limit", 0.2)
    (_, en_text), (_, zh_text) = in_both(monkeypatch, check, "lookup", lookup_endless)
    assert "did not finish within 0.2 s" in en_text and "没有在 0.2 秒内结束" in zh_text
    (_, en_text), (_, zh_text) = in_both(monkeypatch, check, "lookup", lookup_with_torch)
    assert "Note: your answer calls `torch.nn.functional.embedding`" in en_text
    assert "注意：你的答案调用了 `torch.nn.functional.embedding`" in zh_text
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    with pytest.raises(AssertionError, match="计分的答案必须亲手实现"):
        grade("lookup", lookup_with_torch)
    monkeypatch.setenv(GRADED_ENV, "1")
    _, text = printed(solution, "lookup")
    assert text == f"计分模式下不提供参考答案（已设置 {GRADED_ENV}）：试试 hint('lookup')。\n"


def test_hint_and_solution_print_chinese(zh):
    _, text = printed(hint, "lookup")
    assert text.startswith("提示（lookup）：") and CJK.search(text.split("：", 1)[1])
    _, text = printed(solution, "predict_shape")
    assert text.startswith("参考答案（predict_shape）：\n(2, 3, 4, 5)\n") and "每个索引都变成一行 5 个数" in text


def code_without_comments(code: str) -> list[tuple[int, str]]:
    skip = (tokenize.COMMENT, tokenize.NL)
    return [(tok.type, tok.string) for tok in tokenize.generate_tokens(io.StringIO(code).readline)
            if tok.type not in skip]


def test_a_solution_prints_the_model_code_with_its_comments_translated(monkeypatch):
    (_, english), (_, chinese) = in_both(monkeypatch, solution, "lookup")
    assert "# one row of the table per index" in english
    assert "# 每个索引取出表中的一行" in chinese and "# one row" not in chinese
    en_code, zh_code = english.split("\n", 1)[1], chinese.split("\n", 1)[1]
    assert code_without_comments(zh_code) == code_without_comments(en_code)


def test_translate_comments_replaces_comment_tokens_only(zh):
    code = 'x = "# double it"  # double it\ny = x * 2  # double it\n'
    assert i18n.translate_comments(code, {"# double it": "# 加倍"}) == 'x = "# double it"  # 加倍\ny = x * 2  # 加倍\n'
    assert i18n.translate_comments("def f(:\n  # x", {"# x": "# 叉"}) == "def f(:\n  # x"  # untokenizable: as it is


def test_parse_errors_of_the_text_boxes_are_chinese(monkeypatch):
    for text in ["", "0, x", "1.5", "0, 1; 2", "[[0], [1, 2]]", "[0.5]", "99999999999999999999"]:
        messages = []
        for language in ("en", "zh"):
            monkeypatch.setenv(i18n.LANGUAGE_ENV, language)
            with pytest.raises(ValueError) as raised:
                parse_indices(text)
            messages.append(str(raised.value))
        english, chinese = messages
        assert CJK.search(chinese) and not CJK.search(english), messages
        assert collections.Counter(NUMBER.findall(chinese)) == collections.Counter(NUMBER.findall(english)), messages


# --- the comments of the model solutions --------------------------------------------------------------

def comment_entries() -> list[tuple[Path, dict[str, str]]]:
    return [(path, entry) for path in i18n.catalogue_files() for entry in i18n.read_comments(path)]


def lesson_comments() -> set[str]:
    """Every comment token of every module under lookup_lib/lessons."""
    found = set()
    for path in sorted(i18n.LESSONS_DIR.rglob("*.py")):
        found.update(text for _, _, text in i18n.comment_tokens(path.read_text(encoding="utf-8")))
    return found


def test_every_comment_entry_is_a_comment_of_a_lesson_and_is_chinese():
    """No obsolete [[comment]] entry (its en is a comment token of some lesson module, exactly), one
    translation per comment, and each a Chinese comment."""
    comments = lesson_comments()
    seen: dict[str, tuple[str, Path]] = {}
    problems = []
    for path, entry in comment_entries():
        where = path.relative_to(ROOT)
        if entry["en"] not in comments:
            problems.append(f"{where}: no lesson module has the comment {entry['en']!r} (obsolete entry?)")
        if not (entry["zh"].startswith("#") and CJK.search(entry["zh"])):
            problems.append(f"{where}: {entry['zh']!r} is not a Chinese comment")
        zh, first = seen.setdefault(entry["en"], (entry["zh"], path))
        if zh != entry["zh"]:
            problems.append(f"{entry['en']!r}: {zh!r} in {first.relative_to(ROOT)}, {entry['zh']!r} in {where}")
    assert not problems, "\n".join(problems)


def test_the_read_catalogue_of_the_translation_tests_ignores_comment_entries():
    kit = i18n.LESSONS_DIR / "kit" / i18n.CATALOGUE_NAME
    assert all(set(entry) == {"en", "zh"} for entry in i18n.read_catalogue(kit))
    l01 = i18n.LESSONS_DIR / "l01_lookup_table" / i18n.CATALOGUE_NAME
    msgs = {entry["en"] for entry in i18n.read_catalogue(l01)}
    comments = {entry["en"] for entry in i18n.read_comments(l01)}
    assert comments and not msgs & comments


def test_every_comment_of_every_model_solution_is_printed_in_chinese(monkeypatch):
    """solution(name) for every exercise, in Chinese: no comment of the code it prints is left in English.

    Lists what is missing by lesson: each is a [[comment]] entry to add to that lesson's zh.toml.
    """
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    missing: dict[str, list[str]] = collections.defaultdict(list)
    for name in list_exercises():
        exercise = exercises()[name]
        _, text = printed(solution, name)
        if not isinstance(exercise, FunctionExercise) or exercise.model is None:
            continue
        code = text.split("\n", 1)[1]
        for _, _, comment in i18n.comment_tokens(code):
            # "# (B, D)" is no English: as in tools/translate.py, only words need a translation
            english = translate.ENGLISH_WORDS.search(comment) and not translate.DIRECTIVE.match(comment)
            if english and not CJK.search(comment):
                lesson = exercise.model.__module__.split(".")[2]
                missing[lesson].append(f"  {name}: {comment!r}")
    report = [f"{lesson}/zh.toml lacks [[comment]] entries for:\n" + "\n".join(lines)
              for lesson, lines in sorted(missing.items())]
    assert not missing, "\n".join(report)


# --- the figures' font ----------------------------------------------------------------------------------

SC = "Noto Sans CJK SC"
TITLE = "查找表、独热编码与嵌入"


@pytest.fixture
def noto_sc(monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    if fonts.find_cjk_font() != SC:
        pytest.skip(f"{SC} is not installed here: apt-get install fonts-noto-cjk (.ci/run installs it)")
    with matplotlib.rc_context():
        yield


def draw_chinese_title():
    from lookup_lib.lessons.kit.style import new_figure, to_png

    fig = new_figure(4, 1.2)  # in Chinese, it adds the CJK font to matplotlib's families
    ax = fig.add_subplot()
    title = ax.set_title(f"lookup table {TITLE} 查找表独热编码嵌入 (2, 4, 3)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for a box
        png = to_png(fig)
    return fig, title, png


def test_a_chinese_figure_draws_every_glyph_from_the_noto_sans_cjk_sc_face(noto_sc):
    assert i18n.language() == "zh"
    _, title, _ = draw_chinese_title()
    assert SC in matplotlib.rcParams["font.family"]
    paths = font_manager.fontManager._find_fonts_by_props(title.get_fontproperties())
    used = [font_manager.get_font(p) for p in paths]
    assert used[0].family_name == "DejaVu Sans"  # Latin text and digits are drawn as before
    cjk = [f for f in used if f.get_char_index(ord("查"))]
    assert cjk, [f.family_name for f in used]
    face = cjk[0]  # the first font of the fallback chain with the glyph is the one that draws it
    assert (face.family_name, face.style_name) == (SC, "Regular")
    assert face.postscript_name.startswith("NotoSansCJKsc"), face.postscript_name  # the SC face, not JP/TC/KR
    assert all(face.get_char_index(ord(ch)) != 0 for ch in "查找表独热编码嵌入" + TITLE)
    text = title.get_text()
    assert all(any(f.get_char_index(ord(ch)) for f in used) for ch in text if not ch.isspace())


def test_each_chinese_character_is_laid_out_with_the_sc_face(noto_sc):
    """The glyph matplotlib lays out for each character comes from the SC face (matplotlib's own layout)."""
    text_helpers = pytest.importorskip("matplotlib._text_helpers")
    if not hasattr(text_helpers, "layout"):
        pytest.skip("this matplotlib has no _text_helpers.layout")
    _, title, _ = draw_chinese_title()
    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(title.get_fontproperties()))
    font.set_size(title.get_fontsize(), 100)
    faces = {item.char: item.ft_object.postscript_name for item in text_helpers.layout(title.get_text(), font)}
    chinese = {ch: faces.get(ch) for ch in title.get_text() if CJK.search(ch)}
    assert chinese and all(str(ps).startswith("NotoSansCJKsc") for ps in chinese.values()), chinese
    assert faces["l"].startswith("DejaVuSans"), faces["l"]


def test_set_language_zh_prepares_the_cjk_font(noto_sc, monkeypatch):
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    assert i18n.set_language("zh") == "zh"
    assert matplotlib.rcParams["font.family"] == ["sans-serif", SC]
