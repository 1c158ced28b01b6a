"""Build a static HTML site of the executed lessons in site/, offline: every widget as its stored picture.

Usage::

    python tools/make_site.py                    # every notebooks/NN_*.ipynb -> site/NN_*.html + site/index.html
    python tools/make_site.py --out /tmp/s 01 04 # only lessons 01 and 04, into /tmp/s

What it does, per lesson (the teacher notebook, stored executed):

- nbconvert's ``lab`` HTML template, with ``image/png`` ahead of the widget mimetype: nbconvert would
  otherwise render each widget as a placeholder that its scripts fill from a CDN (offline: empty).
  Every widget output stores a picture (the lessons show a static picture first), so each widget place
  (``<div class="widget-place">``) shows it; a widget output without one is reported.
- No scripts: require.js, the widget manager, MathJax and mermaid (all from CDNs) are left out; the
  lessons are prose, code and pictures. The page's CSS is inlined by the template.
- Every solution folded: a code cell stamped ``nbgrader.solution`` (tools/make_student.py stamps them)
  sits in a closed ``<details class="solution">`` ("show solution"); in a written answer only the model
  answer and rubric (its ``### BEGIN SOLUTION`` region) are folded, the question stays. Hidden tests are
  left out, as in the student version.
- Links between lessons (``NN_slug.ipynb``, ``student/NN_slug.ipynb``) point to the pages.

site/index.html lists the lessons with their thumbnails (docs/thumbnails/NN.png, copied) and the
"what you learn" line of the README's lesson table.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: tools.make_student is imported from the repository
    sys.path.insert(0, str(ROOT))

from tools.make_student import BEGIN, END, without_hidden_tests  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"
THUMBNAILS = ROOT / "docs" / "thumbnails"
SITE = ROOT / "site"
PATTERN = "[0-9][0-9]_*.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
# nbconvert's HTML order with the pictures ahead of the widget view (and no JavaScript outputs)
DISPLAY_PRIORITY = [
    "text/html", "text/markdown", "image/svg+xml", "text/latex", "image/png", "image/jpeg", WIDGET, "text/plain",
]

TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style>
  details.solution { margin: 4px 0 8px; border-left: 4px solid #f2a541; padding-left: 8px; }
  details.solution > summary { cursor: pointer; color: #8a5a00; font-weight: 600; padding: 4px 0; }
  nav.site { font-family: sans-serif; padding: 8px 16px; border-bottom: 1px solid #ddd; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="site"><a href="index.html">&larr; all lessons</a></nav>
{%- endblock body_header -%}
{% block input_group -%}
{%- if cell.metadata.get('nbgrader', {}).get('solution') -%}
<details class="solution"><summary>show solution</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock input_group %}
{% block output %}
{%- if output.get('data', {}).get('application/vnd.jupyter.widget-view+json') -%}
<div class="widget-place">
{{ super() }}
</div>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock output %}
"""

LINK = re.compile(r'href="(?:\./)?(?:student/)?(\d\d_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')
FOLD_ANSWER = '<details class="solution"><summary>show model answer</summary>\n\n{}\n\n</details>'


def _text(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def fold_written_answer(source: str) -> str:
    """A written answer's markdown with its ``### BEGIN SOLUTION`` region inside a closed <details>."""
    out, region, inside = [], [], False
    for line in source.split("\n"):
        if BEGIN.match(line):
            inside, region = True, []
        elif END.match(line) and inside:
            inside = False
            out.append(FOLD_ANSWER.format("\n".join(region).strip()))
        elif inside:
            region.append(line)
        else:
            out.append(line)
    if inside:  # unpaired: fold the rest rather than show it
        out.append(FOLD_ANSWER.format("\n".join(region).strip()))
    return "\n".join(out)


def site_notebook(nb: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The notebook as the site shows it, and one line per widget output with no picture to show."""
    nb = copy.deepcopy(nb)
    nb.get("metadata", {}).pop("widgets", None)  # widget state: only the widget manager script reads it
    cells, missing = [], []
    for number, cell in enumerate(nb.get("cells", []), start=1):
        source = cell["source"] = _text(cell.get("source", ""))
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown" and meta.get("solution"):
            cell["source"] = fold_written_answer(source)
        elif cell.get("cell_type") == "code":
            shown = without_hidden_tests(source)
            if shown.strip() == "" and source.strip() != "":
                continue  # a hidden-test cell: graded by nbgrader, not part of the lesson
            cell["source"] = shown
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET in data and "image/png" not in data and "image/jpeg" not in data:
                    missing.append(f"cell {number}: a widget output with no stored picture")
        cells.append(cell)
    nb["cells"] = cells
    return nb, missing


def exporter():
    """nbconvert's HTML exporter with the site's template and display priority."""
    import jinja2
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    config.HTMLExporter.template_name = "lab"
    exp = HTMLExporter(config=config, extra_loaders=[jinja2.DictLoader({"site.html.j2": TEMPLATE})])
    exp.template_file = "site.html.j2"
    return exp


def title_of(nb: dict[str, Any], fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            found = re.search(r"^#\s+(.+)$", _text(cell["source"]), flags=re.M)
            if found:
                return found.group(1).strip()
    return fallback


def readme_summaries(readme: Path = ROOT / "README.md") -> dict[str, str]:
    """Lesson stem -> the README table's "what you learn" cell (markdown), where the table has a row for it."""
    row = re.compile(r"\]\(notebooks/(\d\d_[A-Za-z0-9_]+)\.ipynb\)\s*\|\s*([^|]+?)\s*\|")
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    return {found.group(1): found.group(2) for found in row.finditer(text)}


def _inline_markdown(text: str) -> str:
    """Backticks as <code>, the rest escaped: enough for the README's one-line summaries."""
    parts = text.split("`")
    return "".join(f"<code>{html.escape(p)}</code>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Embeddings from the lookup table up</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body {{ font-family: sans-serif; max-width: 980px; margin: 24px auto; padding: 0 16px; color: #2e2e2e; }}
 table {{ border-collapse: collapse; width: 100%; }}
 td {{ border-top: 1px solid #ddd; padding: 8px; vertical-align: top; }}
 td.thumb {{ width: 170px; }} img {{ width: 160px; }}
 code {{ background: #f4f4f4; padding: 0 3px; }}
</style></head>
<body>
<h1>Embeddings from the lookup table up</h1>
<p>The lessons as they are stored, executed: prose, code, printed results and pictures. A widget shows
the picture it first drew; to move its controls, open the lesson in JupyterLab (<code>make lab</code>).
Every solution is folded: click "show solution".</p>
<table>
{rows}
</table>
</body></html>
"""


def index_html(lessons: list[tuple[str, str, str, bool]]) -> str:
    """lessons: (stem, title, summary markdown, has a thumbnail)."""
    rows = []
    for stem, title, summary, thumb in lessons:
        img = f'<img src="thumbnails/{stem[:2]}.png" alt="">' if thumb else ""
        rows.append(f'<tr><td class="thumb">{img}</td><td><a href="{stem}.html">{html.escape(title)}</a></td>'
                    f"<td>{_inline_markdown(summary)}</td></tr>")
    return INDEX.format(rows="\n".join(rows))


def build(out: Path = SITE, only: list[str] | None = None, notebooks: Path = NOTEBOOKS) -> list[str]:
    """Write the site; return the warnings (widget outputs with no picture). ``only``: lesson numbers."""
    paths = [p for p in sorted(notebooks.glob(PATTERN)) if not only or p.name[:2] in only]
    out.mkdir(parents=True, exist_ok=True)
    (out / "thumbnails").mkdir(exist_ok=True)
    exp, summaries, lessons, warnings = exporter(), readme_summaries(), [], []
    import nbformat

    for path in paths:
        raw = json.loads(path.read_text(encoding="utf-8"))
        nb, missing = site_notebook(raw)
        warnings += [f"{path.name}, {m}" for m in missing]
        body, _ = exp.from_notebook_node(nbformat.from_dict(nb))
        body = LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
        (out / f"{path.stem}.html").write_text(body, encoding="utf-8")
        thumb = THUMBNAILS / f"{path.name[:2]}.png"
        if thumb.exists():
            shutil.copyfile(thumb, out / "thumbnails" / thumb.name)
        lessons.append((path.stem, title_of(raw, path.stem), summaries.get(path.stem, ""), thumb.exists()))
    (out / "index.html").write_text(index_html(lessons), encoding="utf-8")
    return warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all), e.g. 01 04")
    parser.add_argument("--out", type=Path, default=SITE)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    warnings = build(args.out, args.lessons or None)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    count = len(list(args.out.glob(PATTERN.replace(".ipynb", ".html"))))
    print(f"wrote {args.out}/index.html and {count} lessons in {time.perf_counter() - start:.1f} s")
    return 1 if warnings else 0


if __name__ == "__main__":
    sys.exit(main())
