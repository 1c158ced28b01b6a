"""The Chinese edition in a real browser: a zh lesson runs in JupyterLab and its live figure is the Chinese one.

The figure is a PNG the kernel draws; its labels cannot be read from the page, so the test compares
pixels: the picture the widget shows after Run All is the one stored when the zh notebook was executed
(whose figure texts tests/lessons/ check are Chinese), and not the English lesson's picture.
Screenshots: test-artifacts/e2e/zh-*.png.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.conftest import png_pixels
from tests.e2e._browser import open_and_run_all
from tests.e2e.conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")
LESSON = "01_lookup_table.ipynb"


def stored_widget_pngs(path) -> list[bytes]:
    """The PNGs of the Image widgets saved in a notebook's widget state, in the order the models are stored."""
    state = json.loads(path.read_text(encoding="utf-8"))["metadata"]["widgets"][
        "application/vnd.jupyter.widget-state+json"]["state"]
    return [base64.b64decode(buf["data"]) for model in state.values() if model["model_name"] == "ImageModel"
            for buf in model.get("buffers", [])]


def test_a_chinese_lesson_runs_in_jupyterlab_and_shows_its_chinese_figure(lab, page):
    open_and_run_all(page, lab, f"zh/{LESSON}")
    panel = page.locator(".jp-NotebookPanel:visible")
    heading = panel.locator(".jp-MarkdownOutput h1").first.inner_text()
    assert CJK.search(heading), heading
    image = panel.locator(".jp-OutputArea-output .widget-image").first
    image.wait_for(timeout=30_000)
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "zh-01-lab.png"))
    live = bytes(page.evaluate(
        "async (img) => Array.from(new Uint8Array(await (await fetch(img.src)).arrayBuffer()))",
        image.element_handle()))
    zh = stored_widget_pngs(ROOT / "notebooks" / "zh" / LESSON)
    en = stored_widget_pngs(ROOT / "notebooks" / LESSON)
    pixels = png_pixels(live)
    assert any(same(png_pixels(p), pixels) for p in zh), "the live figure is not the stored Chinese one"
    assert not any(same(png_pixels(p), pixels) for p in en), "the live figure is the English one"


def same(a, b) -> bool:
    return a.shape == b.shape and bool((a == b).all())
