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


# -- issue 16: what each widget looks like ------------------------------------------------------------
def _widget_root(page):
    root = page.locator(".jp-NotebookPanel:visible .lookup-figure-widget, #main-panel .lookup-figure-widget").first
    root.wait_for(timeout=30_000)
    root.scroll_into_view_if_needed()
    return root


def _assert_natural_size_and_fits(page, root, height: int = 900, exact: bool = True):
    """The picture at its PNG's pixel size (not stretched), and controls + picture within ``height`` px.

    ``exact=False``: a picture wider than the page may be shrunk to fit it, keeping its aspect.
    """
    image = root.locator(":scope > .widget-image")
    deadline = time.monotonic() + 15
    while image.evaluate("i => i.naturalWidth") == 0:
        assert time.monotonic() < deadline, "the picture never loaded"
        time.sleep(0.2)
    natural_w, natural_h, shown_w, shown_h = image.evaluate(
        "i => [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight]")
    if exact:
        assert (shown_w, shown_h) == (natural_w, natural_h), "the picture is stretched or squeezed"
    else:
        assert shown_w <= natural_w and abs(shown_h / shown_w - natural_h / natural_w) < 0.01, "stretched"
    box = root.bounding_box()
    assert box["height"] <= height, f"controls and picture are {box['height']:.0f} px tall: not both in view"


@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_norm_ball_widget_is_natural_size_and_fits_a_900px_window(ui, request, page):
    server = request.getfixturevalue(ui)
    page.set_viewport_size({"width": 1300, "height": 900})
    open_and_run_all(page, server, "04_max_norm.ipynb")
    root = _widget_root(page)
    _assert_natural_size_and_fits(page, root)
    root.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / f"04-{ui}-norm-ball-900px.png"))


def test_gradient_widget_shows_its_whole_default_text(lab, page):
    open_and_run_all(page, lab, "05_gradients.ipynb")
    root = _widget_root(page)
    box = root.locator(".widget-text input").first
    value, scroll_w, client_w = box.evaluate("i => [i.value, i.scrollWidth, i.clientWidth]")
    assert value.endswith("<pad>") and scroll_w <= client_w, f"the text is cut: {scroll_w} px in {client_w} px"
    page.screenshot(path=str(ARTIFACTS / "05-lab-indices-box.png"))


def test_one_hot_and_neighbour_widgets_look_right(lab, page):
    for notebook, name in (("02_one_hot_matmul.ipynb", "02-lab-one-hot-arrows.png"),
                           ("08_embeddings_capture_meaning.ipynb", "08-lab-neighbour-ring.png")):
        open_and_run_all(page, lab, notebook)
        root = _widget_root(page)
        _assert_natural_size_and_fits(page, root, height=1000, exact=False)
        root.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(ARTIFACTS / name))


def test_choice_widget_readout_has_room_and_a_typed_n_gets_a_message(lab, page):
    open_and_run_all(page, lab, "07_one_hot_vs_embedding.ipynb")
    root = _widget_root(page)
    row = root.locator(":scope > .widget-hbox > *")
    n_slider, d_slider = row.nth(0), row.nth(1)
    image = root.locator(":scope > .widget-image")
    before = image.get_attribute("src")
    n_slider.locator(".noUi-handle").first.focus()
    for _ in range(6):
        n_slider.locator(".noUi-handle").first.press("End")  # 10,000,000: the longest readout
    _wait_for_new_src(image, before)
    readout = n_slider.locator(".widget-readout").bounding_box()
    label = d_slider.locator(".widget-label").first.bounding_box()
    assert readout["x"] + readout["width"] <= label["x"], "the readout runs into the next label"
    typed = root.locator(".widget-text input").first
    typed.fill("5")
    typed.press("Enter")
    caption = root.locator(":scope > .widget-html")
    deadline = time.monotonic() + 15
    while "not on the slider" not in caption.inner_text():
        assert time.monotonic() < deadline, "no message for an N the slider does not have"
        time.sleep(0.25)
    page.screenshot(path=str(ARTIFACTS / "07-lab-readout-and-message.png"))
