"""The shared figure and widget pattern the lessons build on."""

import base64

import ipywidgets as widgets
import numpy as np
import pytest

from lookup_lib.lessons.kit.style import draw_table, new_figure, to_png
from lookup_lib.lessons.kit.widget import FigureWidget
from tests.conftest import png_pixels


class Doubler(FigureWidget):
    def __init__(self):
        super().__init__({"k": widgets.IntSlider(value=1, min=0, max=4)}, caption="test")

    def draw(self, k):
        fig = new_figure(2, 1)
        draw_table(fig.add_subplot(), np.full((2, 2), 2 * k), highlight_rows=[k % 2])
        return fig


def test_first_render_happens_at_construction():
    w = Doubler()
    assert w.png.startswith(b"\x89PNG") and w.image.value == w.png


def test_changing_a_control_redraws_the_figure():
    w = Doubler()
    before = w.png
    w.controls["k"].value = 3
    assert w.png != before and w.image.value == w.png


def test_mimebundle_carries_a_static_png_and_a_plain_text_without_model_ids():
    w = Doubler()
    bundle = w._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == w.png
    assert bundle["text/plain"] == "Doubler(k=1)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_draw_table_rejects_non_2d_input_with_its_shape():
    with pytest.raises(ValueError, match=r"\(3,\)"):
        draw_table(new_figure(1, 1).add_subplot(), np.zeros(3))


def test_draw_table_truncates_long_tables():
    fig = new_figure(2, 2)
    ax = fig.add_subplot()
    draw_table(ax, np.zeros((30, 2)), max_rows=5)
    assert any("25 more rows" in t.get_text() for t in ax.texts)
    assert to_png(fig).startswith(b"\x89PNG")


# -- kit.corpus: the King James text from Debian's bible-kjv ----------------------------------------------
KJV_SHA256 = "f8e1b312f5384b263a2021ae6db370d18b7b6a61c11735f9a83f85cf17d355a0"


def test_the_kjv_is_every_verse_in_order_and_the_same_text_everywhere():
    import hashlib
    import shutil

    from lookup_lib.lessons.kit.corpus import load_kjv

    if shutil.which("bible") is None:
        pytest.skip("Debian's bible-kjv is not installed (.ci/run installs it)")
    verses = load_kjv()
    assert len(verses) == 31102 and len({v.book for v in verses}) == 66
    assert (verses[0].book, verses[0].chapter, verses[0].number) == ("Genesis", 1, 1)
    assert (verses[-1].book, verses[-1].chapter, verses[-1].number) == ("Revelation", 22, 21)
    assert hashlib.sha256("\n".join(v.text for v in verses).encode()).hexdigest() == KJV_SHA256


def test_without_the_package_the_loader_says_what_to_install(monkeypatch):
    import shutil

    from lookup_lib.lessons.kit import corpus

    monkeypatch.setattr(shutil, "which", lambda name: None)
    corpus.load_kjv.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="apt-get install bible-kjv"):
            corpus.load_kjv()
    finally:
        corpus.load_kjv.cache_clear()


def test_keep_layout_gives_the_live_layouts_pixels_and_switches_the_engine_off():
    from lookup_lib.lessons.kit.style import keep_layout

    def build():
        fig = new_figure(4, 3)
        ax = fig.add_subplot()
        ax.set_title("a title that takes room")
        ax.set_ylabel("rows")
        inside = [ax.text(0.5, 0.5, f"{v:.2f}", transform=ax.transAxes) for v in (0.25, 0.5)]
        return fig, inside

    live, _ = build()
    kept, inside = build()
    keep_layout(kept, inside)
    assert kept.get_layout_engine() is None or type(kept.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine"
    assert all(t.get_visible() for t in inside)  # shown again after the layout
    assert to_png(kept) == to_png(live)


def test_blit_draws_in_full_once_then_only_the_moving_artists_with_a_full_draws_pixels():
    from lookup_lib.lessons.kit.style import Blit

    def build(x):
        fig = new_figure(4, 3)
        ax = fig.add_subplot()
        ax.plot([0, 1, 2], [0, 1, 4], "-")
        ax.set_title("curve")
        (mark,) = ax.plot([x], [x * x], "o", markersize=10)
        return fig, mark

    fig, mark = build(0.5)
    blit = Blit(fig, [mark])
    first = blit.png()
    mark.set_data([1.5], [2.25])
    moved = blit.png()
    assert blit.full_draws == 1 and mark.get_animated()
    fresh, _ = build(1.5)
    assert np.array_equal(png_pixels(moved), png_pixels(to_png(fresh)))  # as if drawn afresh
    assert not np.array_equal(png_pixels(first), png_pixels(moved))
    blit.invalidate()
    blit.png()
    assert blit.full_draws == 2


def test_a_figure_widget_renders_a_blit_figure_with_the_blit():
    from lookup_lib.lessons.kit.style import Blit

    class Mover(FigureWidget):
        def __init__(self):
            self.fig = new_figure(3, 2)
            ax = self.fig.add_subplot()
            ax.set_xlim(0, 10)
            (self.mark,) = ax.plot([0], [0], "o")
            self.blit = Blit(self.fig, [self.mark])
            super().__init__({"x": widgets.IntSlider(value=1, min=0, max=10)})

        def draw(self, x):
            self.mark.set_data([x], [0])
            return self.fig

    w = Mover()
    w.controls["x"].value = 7
    assert w.blit.full_draws == 1 and w.drawn == 2 and w.png != b""
