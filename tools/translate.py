"""Build the Chinese edition, ``notebooks/zh/``, from the English lessons and one translation file each.

Usage::

    python tools/translate.py                  # write notebooks/zh/NN_*.ipynb whose sources changed
    python tools/translate.py --check          # exit 1 if a translation is missing, stale, or not built
    python tools/translate.py --scaffold 07    # add the cells lesson 07's translation file lacks (zh = "")
    python tools/translate.py 07 --check       # only lesson 07 (any command takes lesson numbers)

A lesson is written once, in English (``notebooks/NN_slug.ipynb``). ``notebooks/zh/translations/NN_slug.toml``
holds what is said differently in Chinese, by cell id:

- a markdown cell: its whole Chinese text (``zh``), beside the English it translates (``en``) and that
  text's hash (``sha``, the first 12 hex digits of its SHA-256). When the English cell changes, its hash no
  longer matches and ``--check`` reports the translation stale, showing what changed, until it is
  translated again and ``sha``/``en`` are updated. ``--scaffold`` rewrites them for a stale entry, keeping
  its ``zh`` and adding ``revise = true``, which ``--check`` reports until the translator, having revised the
  Chinese, deletes it; the diff in version control shows the English change next to the Chinese to revise.
- a code cell: replacements of single tokens, a comment (``# ...``) or a string literal (``"..."``,
  ``f"..."``), each ``en`` the token exactly as the English cell has it and ``zh`` the token to put in its
  place. ``--scaffold`` proposes a new cell's comments and English-looking strings; a string that is data,
  not display, has its proposal deleted, and in a cell the Chinese notebook already has only new comments are
  proposed. The code
  itself is never written twice: the Chinese cell is the English one with those tokens replaced, so a code
  change reaches the Chinese edition by construction, and a changed comment or string no longer matches its
  replacement, which ``--check`` reports (and the new text as untranslated).
  ``[[replace]]`` at the top of a file applies in every cell of that lesson; ``common.toml`` holds the
  replacements shared by every lesson (the first cell, written by ``tools/first_cell.py``).

``--check`` reports: a markdown cell with no translation or a stale one; a comment in English left
untranslated (tool directives such as ``# noqa`` and nbgrader's ``### BEGIN SOLUTION`` stay as they are);
a replacement that matches nothing; a translation for a cell that no longer exists; nbgrader's markers in
a markdown cell not kept verbatim; and a built notebook whose sources differ from what this tool would
write now. ``tests/test_translations.py`` proves the code of each pair of notebooks equal apart from comments
and string literals, and their printed numbers equal.

Building keeps a Chinese notebook's stored outputs when its sources are unchanged; otherwise it writes the
new sources with the outputs of changed cells cleared, to be executed (``tools/execute_notebooks.py``).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lookup_lib.lessons.kit.i18n import replace_tokens, tokens

ROOT = Path(__file__).resolve().parent.parent
EN_DIR = ROOT / "notebooks"
LANGUAGE = "zh"
ZH_DIR = EN_DIR / LANGUAGE
TRANSLATIONS = ZH_DIR / "translations"
COMMON = TRANSLATIONS / "common.toml"
PATTERN = "[0-9][0-9]_*.ipynb"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[\s,;:'-]+[A-Za-z]{2,}")
# Comments that are instructions to a tool, not prose: they stay as they are.
DIRECTIVE = re.compile(r"^#+\s*(noqa|type:|doctest:|pragma|fmt:|ruff:|pyright:|BEGIN |END |YOUR )")
# Lines of a markdown cell that nbgrader and tools/make_student.py read: kept verbatim in the translation.
MARKER_LINE = re.compile(r"^\s*(<!-- written answer:.*-->|### (BEGIN|END) SOLUTION)\s*$")


def sha(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def source(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


# --- tokens: the comments and string literals of a cell (kit.i18n's, which also translates model solutions) -

def translatable_comment(text: str) -> bool:
    return not DIRECTIVE.match(text) and bool(ENGLISH_WORDS.search(text)) and not CJK.search(text)


def display_string(text: str) -> bool:
    """A string literal that reads as English words (a candidate display string for the scaffold)."""
    return bool(ENGLISH_WORDS.search(text)) and not CJK.search(text)


# --- translation files --------------------------------------------------------------------------------------

@dataclass
class Translation:
    path: Path
    cells: dict[str, dict[str, Any]] = field(default_factory=dict)  # cell id -> entry
    replace: dict[str, str] = field(default_factory=dict)  # lesson-wide token replacements
    order: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Translation:
        if not path.exists():
            return cls(path)
        with path.open("rb") as f:
            data = tomllib.load(f)
        cells = {entry["id"]: entry for entry in data.get("cell", [])}
        replace = {r["en"]: r["zh"] for r in data.get("replace", [])}
        return cls(path, cells, replace, list(cells))


def read_common() -> Translation:
    """``common.toml``: cells every lesson has (the first cell), and replacements for every lesson."""
    return Translation.read(COMMON)


def translation_path(english: Path) -> Path:
    return TRANSLATIONS / f"{english.stem}.toml"


def cell_replacements(entry: dict[str, Any] | None) -> dict[str, str]:
    return {r["en"]: r["zh"] for r in (entry or {}).get("replace", [])}


# --- building -----------------------------------------------------------------------------------------------

@dataclass
class Built:
    notebook: dict[str, Any]
    problems: list[str]


def build(english_path: Path, common: Translation | None = None) -> Built:
    """The Chinese notebook (sources and metadata; outputs as in the English one) and what is wrong."""
    english = json.loads(english_path.read_text(encoding="utf-8"))
    tr = Translation.read(translation_path(english_path))
    common = read_common() if common is None else common
    name = english_path.name
    problems: list[str] = []
    if not tr.path.exists():
        problems.append(f"{name}: no translation file {tr.path.relative_to(ROOT)} (run --scaffold)")
    ids = [c.get("id") for c in english["cells"]]
    for cell_id in tr.cells:
        if cell_id not in ids:
            problems.append(f"{name}: translation of cell {cell_id}, which the English notebook no longer has")
    nb = copy.deepcopy(english)
    used_lesson: set[str] = set()
    used_common: set[str] = set()
    for cell in nb["cells"]:
        cell_id = cell.get("id")
        entry = tr.cells.get(cell_id)
        text = source(cell)
        where = f"{name} cell {cell_id}"
        if cell["cell_type"] == "markdown":
            if not ENGLISH_WORDS.search(text):
                continue
            if entry is None or not entry.get("zh", "").strip():
                problems.append(f"{where}: markdown not translated")
                continue
            if entry.get("sha") != sha(text):
                old = entry.get("en", "")
                diff = "".join(difflib.unified_diff(lines(old), lines(text), "translated English", "English now", n=0))
                problems.append(f"{where}: translation stale (sha {entry.get('sha')} != {sha(text)}):\n{diff}")
            if entry.get("revise"):
                problems.append(f"{where}: the English changed; revise the Chinese, then delete `revise = true`")
            zh = entry["zh"]
            if [m for m in lines(text) if MARKER_LINE.match(m)] != [m for m in lines(zh) if MARKER_LINE.match(m)]:
                problems.append(f"{where}: nbgrader's marker lines must be kept verbatim in the translation")
            cell["source"] = zh
        elif cell["cell_type"] == "code":
            own = {**cell_replacements(common.cells.get(cell_id)), **cell_replacements(entry)}
            for key in [k for k, v in own.items() if not v.strip()]:
                problems.append(f"{where}: replacement not translated yet (zh = ''): {key!r}")
                del own[key]  # an empty zh never removes a token
            merged = {**common.replace, **tr.replace, **own}
            new, used = replace_tokens(text, merged)
            for key in own:
                if key not in used:
                    problems.append(f"{where}: replacement matches no token of the English cell: {key!r}")
            used_lesson |= used & set(tr.replace)
            used_common |= used & set(common.replace)
            for tok in tokens(text):
                if tok.kind == "comment" and tok.text not in merged and translatable_comment(tok.text):
                    problems.append(f"{where}: comment not translated: {tok.text!r}")
            cell["source"] = new
    for key in tr.replace:
        if key not in used_lesson:
            problems.append(f"{name}: lesson-wide replacement matches no token: {key!r}")
    nb["metadata"]["lookup_lib"] = {"language": LANGUAGE, "english": f"../{name}",
                                    "translation": f"translations/{tr.path.name}"}
    nb["_used_common"] = sorted(used_common)
    return Built(nb, problems)


def _sources(nb: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c.get("id"), c["cell_type"], source(c)) for c in nb["cells"]]


def write(built: Built, target: Path) -> bool:
    """Write ``built`` to ``target`` unless its sources are already there; True when written."""
    nb = built.notebook
    nb.pop("_used_common", None)
    if target.exists():
        stored = json.loads(target.read_text(encoding="utf-8"))
        if _sources(stored) == _sources(nb) and stored["metadata"].get("lookup_lib") == nb["metadata"]["lookup_lib"]:
            return False
        previous = {c.get("id"): c for c in stored["cells"]}
    else:
        previous = {}
    cleared = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        old = previous.get(cell.get("id"))
        if old is not None and source(old) == source(cell):
            cell["outputs"], cell["execution_count"] = old.get("outputs", []), old.get("execution_count")
        else:
            cell["outputs"], cell["execution_count"] = [], None
            cleared = True
    # The English widget state shows English labels: the Chinese notebook keeps the state its own execution
    # stored while every code output is kept, and has none once one is cleared (execution stores it again).
    nb["metadata"].pop("widgets", None)
    if not cleared and target.exists() and "widgets" in stored["metadata"]:
        nb["metadata"]["widgets"] = stored["metadata"]["widgets"]
    for cell in nb["cells"]:
        cell["source"] = lines(source(cell))
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"  # as nbformat writes it
    target.write_text(text, encoding="utf-8")
    return True


def english_lessons() -> list[Path]:
    return sorted(EN_DIR.glob(PATTERN))


def check(lessons: list[Path] | None = None) -> list[str]:
    """Every problem of the Chinese edition (of ``lessons``, default all), as lines; empty when complete and built."""
    common = read_common()
    problems: list[str] = []
    used_common: set[str] = set()
    everything = lessons is None or lessons == english_lessons()
    for english in english_lessons() if lessons is None else lessons:
        built = build(english, common)
        problems += built.problems
        used_common |= set(built.notebook.pop("_used_common"))
        target = ZH_DIR / english.name
        if not target.exists():
            problems.append(f"{english.name}: notebooks/zh/{english.name} not built (run tools/translate.py)")
            continue
        stored = json.loads(target.read_text(encoding="utf-8"))
        if _sources(stored) != _sources(built.notebook):
            problems.append(f"{english.name}: notebooks/zh/{english.name} is out of date "
                            "(run tools/translate.py, then tools/execute_notebooks.py on it)")
    for key in common.replace if everything else ():
        if key not in used_common:
            problems.append(f"common.toml: replacement matches no token in any lesson: {key!r}")
    return problems


# --- scaffolding --------------------------------------------------------------------------------------------

def toml_string(text: str) -> str:
    """``text`` as a TOML string: literal (no escapes) where it can be, else a basic string."""
    if "\n" in text:
        if "'''" not in text and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text):
            return "'''\n" + text + "'''"
        return json.dumps(text, ensure_ascii=False)
    if "'" not in text and not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", text):
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)


def render(tr: Translation, english_path: Path, header: str) -> str:
    """The translation file's text: a header, lesson-wide replacements, then the cells in notebook order."""
    english = json.loads(english_path.read_text(encoding="utf-8"))
    out = [header.rstrip() + "\n"]
    for en, zh in tr.replace.items():
        out.append(f"\n[[replace]]\nen = {toml_string(en)}\nzh = {toml_string(zh)}\n")
    for cell in english["cells"]:
        entry = tr.cells.get(cell.get("id"))
        if entry is None:
            continue
        out.append(f"\n[[cell]]\nid = {toml_string(entry['id'])}\n")
        if cell["cell_type"] == "markdown":
            out.append(f"sha = {toml_string(entry['sha'])}\n" + ("revise = true\n" if entry.get("revise") else "")
                       + f"en = {toml_string(entry['en'])}\nzh = {toml_string(entry.get('zh', ''))}\n")
        else:
            for r in entry.get("replace", []):
                out.append(f"[[cell.replace]]\nen = {toml_string(r['en'])}\nzh = {toml_string(r['zh'])}\n")
    return "".join(out)


HEADER = """\
# {title}, in Chinese.
# tools/translate.py makes notebooks/zh/{name} from notebooks/{name} and this file.
# A markdown cell: its Chinese text `zh`, with the English it translates (`en`) and that text's hash (`sha`).
# A code cell: token replacements, each `en` a comment or string literal exactly as in the English cell
# and `zh` what replaces it; the code is the English code. Terms: docs/terminology.md."""


def scaffold(english_path: Path) -> Path:
    """Add to the lesson's translation file every cell it lacks, with an empty ``zh``; refresh stale hashes."""
    tr = Translation.read(translation_path(english_path))
    english = json.loads(english_path.read_text(encoding="utf-8"))
    common = read_common()
    built = ZH_DIR / english_path.name
    built_ids = {c.get("id") for c in json.loads(built.read_text(encoding="utf-8"))["cells"]} if built.exists() \
        else set()
    for cell in english["cells"]:
        cell_id, text = cell.get("id"), source(cell)
        entry = tr.cells.get(cell_id)
        if cell["cell_type"] == "markdown" and ENGLISH_WORDS.search(text):
            if entry is None:
                tr.cells[cell_id] = {"id": cell_id, "sha": sha(text), "en": text, "zh": ""}
            elif entry.get("sha") != sha(text):
                entry.update(sha=sha(text), en=text, revise=True)  # its zh stays, flagged until revised
        elif cell["cell_type"] == "code":
            known = {**common.replace, **cell_replacements(common.cells.get(cell_id)), **tr.replace,
                     **cell_replacements(entry)}
            # Strings are proposed for a cell the Chinese notebook does not have yet; in a cell already built a
            # string without a replacement was left as it is on purpose (data, not display): only a new comment
            # is proposed there.
            strings = cell_id not in built_ids
            new = [{"en": tok.text, "zh": ""} for tok in tokens(text)
                   if tok.text not in known
                   and ((tok.kind == "comment" and translatable_comment(tok.text))
                        or (strings and tok.kind == "string" and display_string(tok.text)))]
            seen: set[str] = set()
            new = [r for r in new if not (r["en"] in seen or seen.add(r["en"]))]
            if new:
                entry = tr.cells.setdefault(cell_id, {"id": cell_id, "replace": []})
                entry.setdefault("replace", []).extend(new)
    title = next((source(c).splitlines()[0].lstrip("# ") for c in english["cells"] if c["cell_type"] == "markdown"),
                 english_path.stem)
    header = HEADER.format(title=title, name=english_path.name)
    if tr.path.exists():  # keep the file's own header
        kept = []
        for line in tr.path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            kept.append(line)
        header = "\n".join(kept) or header
    tr.path.parent.mkdir(parents=True, exist_ok=True)
    tr.path.write_text(render(tr, english_path, header), encoding="utf-8")
    return tr.path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", metavar="NN", help="only these lessons (numbers); default: all")
    parser.add_argument("--check", action="store_true", help="report what is missing or stale; exit 1 if anything")
    parser.add_argument("--scaffold", action="store_true", help="extend the lessons' translation files (zh = '')")
    args = parser.parse_args(argv)
    chosen = [p for p in english_lessons() if not args.lessons or p.name[:2] in args.lessons]
    if args.scaffold:
        for path in chosen:
            print(f"scaffolded {scaffold(path).relative_to(ROOT)}")
        return 0
    if args.check:
        problems = check(chosen)
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s) in the Chinese edition" if problems else "the Chinese edition is complete")
        return 1 if problems else 0
    common = read_common()
    for english in chosen:
        built = build(english, common)
        for line in built.problems:
            print(line)
        if write(built, ZH_DIR / english.name):
            print(f"wrote notebooks/zh/{english.name}: execute it (python tools/execute_notebooks.py "
                  f"notebooks/zh/{english.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
