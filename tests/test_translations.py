"""The Chinese edition (notebooks/zh/): complete, current, and the same code as the English lessons.

- ``tools/translate.py --check`` finds nothing missing or stale, and it does find a changed English cell;
- each pair of notebooks has the same cells, and code cells whose Python is equal once comments are
  dropped and every string literal is blanked (so only comments and display strings differ);
- the numbers a zh lesson printed when it was executed are those the English lesson printed;
- the catalogue of the kit's texts (``zh.toml`` files) covers every ``t("...")`` and keeps its placeholders.
"""

from __future__ import annotations

import ast
import collections
import copy
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from lookup_lib.lessons.kit import i18n
from tools import translate

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ids = [p.stem[:2] for p in ENGLISH]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_chinese_edition_is_complete_and_current():
    problems = translate.check()
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} in all; see tools/translate.py --check)"


def test_a_changed_english_cell_is_reported_stale(tmp_path, monkeypatch):
    english = ENGLISH[0]
    nb = load(english)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    cell["source"] = translate.source(cell) + "\nOne more English sentence."
    changed = tmp_path / english.name
    changed.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(translate, "translation_path", lambda p: translate.TRANSLATIONS / f"{p.stem}.toml")
    problems = translate.build(changed).problems
    assert any("stale" in p and cell["id"] in p and "+One more English sentence." in p for p in problems), problems


def test_a_new_english_comment_is_reported_untranslated(tmp_path, monkeypatch):
    english = ENGLISH[0]
    nb = load(english)
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    cell["source"] = translate.source(cell) + "\n# a brand new remark in English"
    changed = tmp_path / english.name
    changed.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(translate, "translation_path", lambda p: translate.TRANSLATIONS / f"{p.stem}.toml")
    problems = translate.build(changed).problems
    assert any("comment not translated" in p and "brand new remark" in p for p in problems), problems


def test_replacing_tokens_touches_only_the_tokens_named():
    code = 'x = "a b"  # first remark\nprint(f"{x} done")  # second remark\ns = "a b"\n'
    new, used = translate.replace_tokens(code, {'"a b"': '"甲 乙"', "# second remark": "# 第二条"})
    assert new == 'x = "甲 乙"  # first remark\nprint(f"{x} done")  # 第二条\ns = "甲 乙"\n'
    assert used == {'"a b"', "# second remark"}


class _BlankStrings(ast.NodeTransformer):
    """Every string constant becomes "": two string literals compare equal iff their f-string expressions are."""

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.copy_location(ast.Constant(value=""), node) if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:  # an f-string: keep its expressions
        # kept whole, format spec too; sorted, because a translation may put them in another order
        # ("{title} by {author}" -> "{author}的《{title}》"): the same expressions, shown differently
        values = sorted((v for v in node.values if isinstance(v, ast.FormattedValue)), key=ast.dump)
        return ast.copy_location(ast.JoinedStr(values=values), node)


def string_shape(literal: str) -> str:
    """A string literal with its text blanked: what is left is an f-string's expressions and format specs."""
    tree = ast.parse(literal, mode="eval")
    assert isinstance(tree.body, (ast.Constant, ast.JoinedStr)), f"not a string literal: {literal!r}"
    return ast.dump(_BlankStrings().visit(tree))


def code_tokens(code: str) -> list[tuple[int, str]]:
    """The cell's tokens without comments and blank lines (IPython's %magics tokenize as operators and names)."""
    skip = (tokenize.COMMENT, tokenize.NL)
    found = tokenize.generate_tokens(io.StringIO(code).readline)
    return [(tok.type, tok.string) for tok in found if tok.type not in skip]


def same_code(english: str, chinese: str) -> list[str]:
    """How two cells differ beyond comments and the text of string literals; empty when they do not."""
    a, b = code_tokens(english), code_tokens(chinese)
    if len(a) != len(b):
        return [f"{len(a)} tokens in English, {len(b)} in Chinese"]
    problems = []
    for (kind_a, text_a), (kind_b, text_b) in zip(a, b, strict=True):
        if text_a == text_b:
            continue
        if kind_a == kind_b == tokenize.STRING and string_shape(text_a) == string_shape(text_b):
            continue
        problems.append(f"{text_a!r} became {text_b!r}")
    return problems


def test_same_code_tells_code_changes_from_string_changes():
    assert same_code('print("row", 3)  # remark', 'print("行", 3)  # 注释') == []
    assert same_code('print(f"{n:,} words")', 'print(f"{n:,} 个词")') == []
    assert same_code('print("row", 3)', 'print("row", 4)') == ["'3' became '4'"]
    assert same_code('print(f"{n:,} words")', 'print(f"{m:,} words")')
    assert same_code('f"{a} of {b}"', 'f"{b} 中的 {a}"') == []  # reordered for the language, same expressions
    assert same_code('print(f"{n:,} words")', 'print(f"{n:.2f} words")')
    assert same_code("%xmode Minimal\nx = 1", "%xmode Context\nx = 1") == ["'Minimal' became 'Context'"]
    assert same_code('x = "a"', 'x = "a"; y = 1')


@pytest.mark.parametrize("english", ENGLISH, ids=ids)
def test_the_zh_lesson_has_the_english_code(english):
    zh = translate.ZH_DIR / english.name
    en_nb, zh_nb = load(english), load(zh)
    en_cells, zh_cells = en_nb["cells"], zh_nb["cells"]
    assert [(c.get("id"), c["cell_type"]) for c in en_cells] == [(c.get("id"), c["cell_type"]) for c in zh_cells]
    # its widgets' stored state (their static pictures outside Jupyter) came from its own execution
    assert ("widgets" in zh_nb["metadata"]) == ("widgets" in en_nb["metadata"]), "execute the zh lesson again"
    for a, b in zip(en_cells, zh_cells, strict=True):
        if a["cell_type"] == "code":
            assert same_code(translate.source(a), translate.source(b)) == [], a.get("id")
            assert a.get("metadata", {}).get("tags") == b.get("metadata", {}).get("tags"), a.get("id")
            assert a.get("metadata", {}).get("nbgrader") == b.get("metadata", {}).get("nbgrader"), a.get("id")


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:[,.]\d+)*(?:e[-+]?\d+)?")


def printed_numbers(cell: dict) -> collections.Counter:
    """The numbers in a code cell's text outputs (printed text, reprs, tracebacks' last lines)."""
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
        elif out.get("output_type") in ("execute_result", "display_data"):
            plain = out.get("data", {}).get("text/plain", "")
            if "image/png" not in out.get("data", {}) and "application/vnd.jupyter.widget-view+json" not in out.get(
                    "data", {}):
                texts.append(plain if isinstance(plain, str) else "".join(plain))
        elif out.get("output_type") == "error":
            texts.append(out.get("evalue", ""))
    return collections.Counter(NUMBER.findall(sanitize("\n".join(texts))))


def sanitize_rules() -> list[tuple[re.Pattern, str]]:
    """nbval's sanitize rules (tests/nbval_sanitize.cfg): the texts that truly vary from run to run."""
    rules, pattern = [], None
    for line in (ROOT / "tests" / "nbval_sanitize.cfg").read_text(encoding="utf-8").splitlines():
        if line.startswith("regex:"):
            pattern = re.compile(line.split(":", 1)[1].strip())
        elif line.startswith("replace:") and pattern is not None:
            rules.append((pattern, line.split(":", 1)[1].strip()))
            pattern = None
    return rules


def sanitize(text: str) -> str:
    for pattern, replacement in sanitize_rules():
        text = pattern.sub(replacement, text)
    return text


def test_timings_are_not_compared_but_other_numbers_are():
    cell = {"outputs": [{"output_type": "stream", "text": "lookup 1.25 ms, 3.5× faster; 42 rows"}]}
    assert printed_numbers(cell) == collections.Counter(["42"])


@pytest.mark.parametrize("english", ENGLISH, ids=ids)
def test_the_zh_lesson_printed_the_english_numbers(english):
    zh = translate.ZH_DIR / english.name
    zh_cells = {c.get("id"): c for c in load(zh)["cells"]}
    for cell in load(english)["cells"]:
        if cell["cell_type"] == "code":
            other = zh_cells[cell.get("id")]
            assert printed_numbers(other) == printed_numbers(cell), (cell.get("id"), translate.source(cell)[:200])


# --- the kit's catalogue ----------------------------------------------------------------------------------

def t_calls() -> dict[str, list[str]]:
    """Every literal text passed to ``t(...)`` or ``mark(...)`` in lookup_lib/lessons (and lookup_lib/exercises.py)."""
    found: dict[str, list[str]] = collections.defaultdict(list)
    for path in [*sorted(i18n.LESSONS_DIR.rglob("*.py")), ROOT / "lookup_lib" / "exercises.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "mark"):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                literal = node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                found[node.args[0].value if literal else f"<not a literal at {where}>"].append(where)
    return found


def test_every_t_call_names_its_english_text_literally():
    """The catalogue can only be checked for texts written out: t(label) with a variable is not allowed
    (a text held in a variable is written mark("...") where it is defined and shown with t_marked)."""
    assert not [text for text in t_calls() if text.startswith("<not a literal")]


def test_every_text_the_kit_shows_has_a_chinese_translation():
    catalogue = i18n.catalogue()
    missing = {text: where for text, where in t_calls().items() if text not in catalogue}
    assert not missing, "\n".join(f"{w[0]}: {text!r}" for text, w in list(missing.items())[:30])


def test_the_catalogue_has_no_obsolete_or_conflicting_entries():
    """An entry no t()/mark() uses is obsolete; a text in two files must have one translation."""
    used = t_calls()
    seen: dict[str, tuple[str, Path]] = {}
    for path in i18n.catalogue_files():
        for entry in i18n.read_catalogue(path):
            assert entry["en"] in used, f"{path.relative_to(ROOT)}: no t({entry['en']!r}) uses this entry"
            zh, first = seen.setdefault(entry["en"], (entry["zh"], path))
            assert zh == entry["zh"], f"{entry['en']!r}: {zh!r} in {first}, {entry['zh']!r} in {path}"


@pytest.mark.parametrize("path", i18n.catalogue_files(), ids=lambda p: p.parent.name)
def test_each_translation_keeps_its_placeholders_and_is_chinese(path):
    for entry in i18n.read_catalogue(path):
        assert i18n.fields(entry["zh"]) == i18n.fields(entry["en"]), entry
        kept_name = entry["zh"] == entry["en"] and " " not in entry["en"]  # "PPMI-SVD": a name, kept as it is
        assert translate.CJK.search(entry["zh"]) or kept_name or not translate.ENGLISH_WORDS.search(entry["en"]), entry


def test_t_speaks_the_language_of_the_environment(monkeypatch):
    text, translated = next(iter(i18n.catalogue().items()))
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    assert i18n.t(text) == text
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    assert i18n.t(text) == translated
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "klingon")
    with pytest.warns(UserWarning, match="klingon"):
        assert i18n.t(text) == text


def test_set_language_refuses_an_unknown_language_and_changes_nothing(monkeypatch):
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "zh")
    with pytest.raises(ValueError, match=r"code='fr'.*allowed: 'en', 'zh'"):
        i18n.set_language("fr")
    assert i18n.language() == "zh"


def test_building_twice_gives_the_same_notebook():
    """Building is deterministic (no set order, time or path in it)."""
    english = ENGLISH[0]
    a, b = translate.build(english), translate.build(english)
    assert copy.deepcopy(a.notebook) == b.notebook


def test_scaffolding_a_stale_entry_keeps_its_chinese_and_flags_it_until_revised(tmp_path, monkeypatch):
    english = ENGLISH[0]
    copy_of_translation = tmp_path / f"{english.stem}.toml"
    copy_of_translation.write_text(translate.translation_path(english).read_text(encoding="utf-8"), encoding="utf-8")
    nb = load(english)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    cell["source"] = translate.source(cell) + "\nOne more English sentence."
    changed = tmp_path / english.name
    changed.write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(translate, "translation_path", lambda p: copy_of_translation)
    old_zh = translate.Translation.read(copy_of_translation).cells[cell["id"]]["zh"]
    translate.scaffold(changed)
    entry = translate.Translation.read(copy_of_translation).cells[cell["id"]]
    assert entry["zh"] == old_zh and entry["revise"] is True and entry["sha"] == translate.sha(cell["source"])
    assert any("revise the Chinese" in p and cell["id"] in p for p in translate.build(changed).problems)


def test_readme_zh_lists_every_chinese_lesson_and_its_links_resolve():
    text = (ROOT / "README.zh.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)\)", text)
    assert [p for p in links if not p.startswith("http") and not (ROOT / p).exists()] == []
    for english in ENGLISH:
        assert f"(notebooks/zh/{english.name})" in text, english.name
    assert "(README.zh.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
