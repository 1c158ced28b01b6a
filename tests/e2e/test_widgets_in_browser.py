"""The lessons' widgets in a real browser: run all cells, drive a control, see the picture change.

Screenshots of each step are saved under test-artifacts/e2e/.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e._browser import open_and_run_all
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def _widget_image(page, index: int = 0):
    """The index-th rendered widget image (a live widget, not a static PNG)."""
    images = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output .widget-image")
    images.nth(index).wait_for(timeout=30_000)
    return images.nth(index)


def _wait_for_new_src(image, old: str, timeout_s: float = 15) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        src = image.get_attribute("src")
        if src and src != old:
            return src
        time.sleep(0.25)
    raise AssertionError("the widget's picture did not change")


def test_lookup_explorer_redraws_for_new_indices_in_jupyterlab(lab, page):
    open_and_run_all(page, lab, "01_lookup_table.ipynb")
    box = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output .widget-text input").first
    box.scroll_into_view_if_needed()
    image = _widget_image(page)
    before = image.get_attribute("src")
    page.screenshot(path=str(ARTIFACTS / "01-lab-before.png"))
    box.fill("4, 4, 0")
    box.press("Enter")
    _wait_for_new_src(image, before)
    caption = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output .widget-html").first.inner_text()
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "01-lab-after.png"))
    assert "error" not in caption.lower()
    # a bad index shows a friendly message instead of breaking the widget
    box.fill("9")
    box.press("Enter")
    deadline = time.monotonic() + 15
    while "9" not in page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output .widget-html").first.inner_text():
        assert time.monotonic() < deadline, "no message for an out-of-range index"
        time.sleep(0.25)
    page.screenshot(path=str(ARTIFACTS / "01-lab-bad-index.png"))


def test_norm_ball_explorer_redraws_when_max_norm_moves_in_jupyterlab(lab, page):
    open_and_run_all(page, lab, "04_max_norm.ipynb")
    readout = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output .widget-slider .widget-readout").first
    readout.scroll_into_view_if_needed()
    image = _widget_image(page)
    before = image.get_attribute("src")
    page.screenshot(path=str(ARTIFACTS / "04-lab-before.png"))
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.5")
    page.keyboard.press("Enter")
    _wait_for_new_src(image, before)
    assert readout.inner_text().strip() == "0.50"
    page.screenshot(path=str(ARTIFACTS / "04-lab-after.png"))


def test_a_lesson_widget_renders_in_notebook7(notebook7, page):
    open_and_run_all(page, notebook7, "01_lookup_table.ipynb")
    image = _widget_image(page)
    image.scroll_into_view_if_needed()
    assert (image.get_attribute("src") or "").startswith("blob:") or "png" in (image.get_attribute("src") or "")
    page.screenshot(path=str(ARTIFACTS / "01-notebook7.png"))
