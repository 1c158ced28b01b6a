"""The static site (tools/make_site.py) in Chromium with the network off: every widget place shows its
stored picture, and no solution is visible until it is unfolded.

Two lessons keep it quick: 01 (a widget, code solutions) and 02 (a widget, code solutions, a written
answer whose model answer is folded).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.e2e._browser import block_network
from tests.e2e.conftest import ARTIFACTS, ROOT
from tools import make_site
from tools.make_student import BEGIN

pytestmark = pytest.mark.e2e
LESSONS = ["01", "02"]
NOTEBOOKS = {p.stem: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) if p.name[:2] in LESSONS}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    warnings = make_site.build(out, LESSONS)
    print(f"site of {len(LESSONS)} lessons built in {time.perf_counter() - start:.1f} s")
    assert warnings == [], warnings
    return out


def _widget_outputs(path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum(make_site.WIDGET in o.get("data", {}) for c in cells for o in c.get("outputs", []))


def _solution_lines(path) -> list[str]:
    """The first line of each solution region: text that must not be on screen until unfolded."""
    lines = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"]).split("\n")
        for i, line in enumerate(source[:-1]):
            if BEGIN.match(line) and source[i + 1].strip():
                lines.append(source[i + 1].strip())
    return lines


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_every_widget_place_shows_its_stored_picture_with_the_network_off(site, page, stem):
    refused = block_network(page)
    page.goto((site / f"{stem}.html").as_uri())
    places = page.locator(".widget-place")
    assert places.count() == _widget_outputs(NOTEBOOKS[stem]) > 0
    for i in range(places.count()):
        image = places.nth(i).locator("img")
        assert image.count() == 1, f"widget place {i} shows no picture"
        image.scroll_into_view_if_needed()
        assert image.is_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"widget picture {i} did not load"
    broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
    assert broken == 0
    assert refused == [], f"the page asked the network for {refused}"
    page.screenshot(path=str(ARTIFACTS / f"site-{stem}.png"), full_page=False)


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_no_solution_is_visible_until_it_is_unfolded(site, page, stem):
    block_network(page)
    page.goto((site / f"{stem}.html").as_uri())
    folds = page.locator("details.solution")
    assert folds.count() >= 1
    shown = page.inner_text("body")
    assert "BEGIN SOLUTION" not in shown
    hidden = _solution_lines(NOTEBOOKS[stem])
    assert hidden and not [line for line in hidden if line in shown]
    for i in range(folds.count()):
        assert not folds.nth(i).evaluate("d => d.open")
    folds.first.locator("summary").click()
    assert folds.first.evaluate("d => d.open")
    assert hidden[0] in page.inner_text("body")  # unfolded, the solution reads as code


def test_the_index_lists_the_lessons_with_their_thumbnails(site, page):
    refused = block_network(page)
    page.goto((site / "index.html").as_uri())
    links = page.locator("table a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [f"{s}.html" for s in NOTEBOOKS]
    assert all((site / f"{s}.html").exists() for s in NOTEBOOKS)
    images = page.locator("table img")
    assert images.count() == len(NOTEBOOKS)
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert refused == []
    page.screenshot(path=str(ARTIFACTS / "site-index.png"), full_page=True)
