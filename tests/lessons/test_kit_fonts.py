"""kit.fonts: a CJK font is found and used, so 查找表 is drawn with real glyphs, not missing-glyph boxes."""

from __future__ import annotations

import warnings

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lookup_lib.lessons.kit import fonts


@pytest.fixture
def cjk_family():
    family = fonts.find_cjk_font()
    if family is None:
        pytest.skip("no CJK font on this machine: apt-get install fonts-noto-cjk (.ci/run installs it)")
    return family


def test_a_figure_with_chinese_text_draws_every_glyph_from_the_cjk_font(cjk_family):
    with matplotlib.rc_context():
        assert fonts.use_cjk_font() == cjk_family
        fig = Figure(figsize=(3, 1))
        FigureCanvasAgg(fig)
        text = fig.text(0.1, 0.5, "lookup table 查找表")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for a box
            fig.canvas.draw()
        used = [font_manager.get_font(p) for p in font_manager.fontManager._find_fonts_by_props(
            text.get_fontproperties())]
    assert any(f.family_name == cjk_family for f in used), [f.family_name for f in used]
    cjk = next(f for f in used if f.family_name == cjk_family)
    assert all(cjk.get_char_index(ord(ch)) != 0 for ch in "查找表独热编码嵌入")
    assert used[0].family_name == "DejaVu Sans"  # Latin text is drawn as before


def test_use_cjk_font_is_idempotent_and_keeps_the_default_first(cjk_family):
    rc = {"font.family": ["sans-serif"]}
    assert fonts.use_cjk_font(rc) == cjk_family
    fonts.use_cjk_font(rc)
    assert rc["font.family"] == ["sans-serif", cjk_family]
    assert fonts.covers(cjk_family)


def test_without_a_cjk_font_it_warns_naming_the_package(monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    fonts._warn_once.cache_clear()
    rc = {"font.family": ["sans-serif"]}
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        assert fonts.use_cjk_font(rc) is None
    assert rc == {"font.family": ["sans-serif"]}
    fonts._warn_once.cache_clear()


def test_a_font_file_matplotlib_has_not_cached_is_registered(monkeypatch, cjk_family):
    """matplotlib's font cache predates a font installed later: the files are searched and added."""
    path = font_manager.findfont(font_manager.FontProperties(family=cjk_family), fallback_to_default=False)
    manager = font_manager.FontManager.__new__(font_manager.FontManager)
    manager.__dict__.update(font_manager.fontManager.__dict__)
    manager.ttflist = [e for e in font_manager.fontManager.ttflist if e.fname != path]
    monkeypatch.setattr(font_manager, "fontManager", manager)
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda: [path])
    fonts.find_cjk_font.cache_clear()
    try:
        assert fonts.find_cjk_font() is not None
    finally:
        fonts.find_cjk_font.cache_clear()
