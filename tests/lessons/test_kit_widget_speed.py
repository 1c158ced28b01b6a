"""FigureWidget's speed contract (issue 17): natural-size image, sliders on release, coalesced redraws."""

import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from lookup_lib.lessons.kit.style import DPI, draw_table, new_figure, png_size, to_png
from lookup_lib.lessons.kit.widget import DOM_CLASS, FigureWidget


class Two(FigureWidget):
    def __init__(self):
        super().__init__({"k": widgets.IntSlider(value=1, min=0, max=4), "flag": widgets.Checkbox(value=False)})

    def draw(self, k, flag):
        fig = new_figure(2 + k / 2, 1)
        draw_table(fig.add_subplot(), np.full((2, 2), 2 * k + flag))
        return fig


def test_the_image_is_shown_at_the_png_size_and_never_stretched():
    w = Two()
    width, height = Image.open(io.BytesIO(w.png)).size
    assert png_size(w.png) == (width, height)
    assert w.image.layout.width == f"{width}px" and w.image.layout.height == "auto"
    assert w.image.layout.max_width == "100%"  # shrinks in a narrow page, keeps its aspect
    w.controls["k"].value = 4  # a wider figure: the layout follows the new PNG
    assert w.image.layout.width == f"{png_size(w.png)[0]}px" != f"{width}px"


def test_sliders_send_their_value_on_release_only():
    w = Two()
    assert w.controls["k"].continuous_update is False


def test_changes_inside_hold_draw_once_with_the_last_values():
    w = Two()
    before = w.renders
    with w.hold():
        for k in (2, 3, 4, 0):
            w.controls["k"].value = k
        w.controls["flag"].value = True
    assert w.renders == before + 1
    with w.hold():
        pass  # nothing changed: no redraw
    assert w.renders == before + 1
    fresh = Two()
    with fresh.hold():
        fresh.controls["k"].value, fresh.controls["flag"].value = 0, True
    assert w.png == fresh.png


def test_each_change_outside_hold_draws_once():
    w = Two()
    before = w.renders
    w.controls["k"].value = 2
    w.controls["k"].value = 2  # no change, no redraw
    assert w.renders == before + 1


def test_the_box_carries_a_css_class_the_browser_can_find():
    assert DOM_CLASS in Two()._dom_classes


def test_to_png_gives_the_pixels_savefig_gives():
    fig = new_figure(3, 2)
    draw_table(fig.add_subplot(), np.arange(6.0).reshape(3, 2), highlight_rows=[1], title="t")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    fast = np.asarray(Image.open(io.BytesIO(to_png(fig))))
    assert np.array_equal(fast, np.asarray(Image.open(buf)))


def test_png_size_refuses_other_bytes():
    with pytest.raises(ValueError, match="PNG"):
        png_size(b"GIF89a" + bytes(30))


class Curve(FigureWidget):
    """A constrained-layout figure whose ticks stay put while the data changes."""

    def __init__(self):
        super().__init__({"a": widgets.IntSlider(value=1, min=1, max=5)})

    def draw(self, a):
        fig = new_figure(3, 2)
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [0, a / 10, 0.2])
        ax.set_ylim(0, 1)
        ax.set_title("t")
        return fig


def test_a_layout_is_measured_once_and_reused_with_the_same_pixels():
    w = Curve()
    w.controls["a"].value = 3  # same ticks and titles: the first layout is reused, engine off
    assert len(w._layouts) == 1
    fresh = Curve.draw(w, a=3)
    assert w.png == to_png(fresh)  # what the constrained layout itself gives


def test_going_back_to_values_reuses_their_picture_but_still_draws():
    w = Curve()
    first, drawn = w.png, w.drawn
    w.controls["a"].value = 2
    w.controls["a"].value = 1
    assert w.png == first and w.drawn == drawn + 1 and w.renders == 3
    w.memo = False
    w.controls["a"].value = 2
    w.controls["a"].value = 1
    assert w.png == first and w.drawn == drawn + 3
