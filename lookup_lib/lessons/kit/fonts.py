"""A font for the lessons' Chinese terms (查找表, 独热编码, 嵌入), so figures do not draw them as boxes.

matplotlib's default font, DejaVu Sans, has no CJK glyphs. :func:`find_cjk_font` looks for one of the
usual CJK families among the fonts matplotlib knows and, if none is there (matplotlib caches its font
list, so a font installed after that is missed), among the system's font files, which it registers
with ``fontManager.addfont``. :func:`use_cjk_font` adds the family found to ``rcParams["font.family"]``, after
the default, so any text that needs it finds it and Latin text is unchanged; with none, it warns once,
naming the package to install (Debian/Ubuntu: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import functools
import re
import warnings

import matplotlib
from matplotlib import font_manager

# Preferred first: Simplified Chinese forms (the lessons' terms), then any CJK family that covers them.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "Noto Serif CJK SC",
    "AR PL UMing CN", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
)
# File names of CJK fonts (fonts-noto-cjk, fonts-wqy-*, Source Han, fonts-arphic-*, Windows, macOS).
CJK_FILE = re.compile(r"(cjk|sourcehan|wqy|wenquanyi|uming|ukai|msyh|simhei|pingfang|heiti|notosanssc)", re.I)
INSTALL_HINT = (
    "no CJK font found: Chinese text in the figures will show as boxes. Install one, e.g. "
    "`sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu), then restart the kernel"
)
SAMPLE = "查找表"


def _known_families() -> set[str]:
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _pick(families: set[str]) -> str | None:
    return next((name for name in CJK_FAMILIES if name in families), None)


def covers(family: str, text: str = SAMPLE) -> bool:
    """Whether the font matplotlib finds for ``family`` has a glyph for every character of ``text``."""
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    font = font_manager.get_font(path)  # the face of a collection (.ttc) that findfont chose
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


@functools.cache
def find_cjk_font() -> str | None:
    """The family name of a CJK font on this system (registering its file with matplotlib if needed), or None."""
    if (family := _pick(_known_families())) is not None:
        return family
    for path in font_manager.findSystemFonts():
        if CJK_FILE.search(path.replace("-", "").replace("_", "")):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # an unreadable or unsupported file: try the next
                continue
    return _pick(_known_families())


def use_cjk_font(rc: dict | None = None) -> str | None:
    """Add a CJK family to ``rc["font.family"]`` (default: matplotlib's rcParams); return it, or None.

    It goes after the families already there, so Latin text and digits are drawn as before (DejaVu Sans)
    and matplotlib falls back to it, glyph by glyph, for the characters they lack (a generic family such
    as "sans-serif" names one font, the first of ``font.sans-serif`` found: the fallback is along
    ``font.family``). With no CJK font on the system it changes nothing and warns, once per process,
    what to install.
    """
    rc = matplotlib.rcParams if rc is None else rc
    family = find_cjk_font()
    if family is None:
        _warn_once()
        return None
    families = rc["font.family"]
    families = [families] if isinstance(families, str) else list(families)
    if family not in families:
        rc["font.family"] = [*families, family]
    return family


@functools.cache
def _warn_once() -> None:
    warnings.warn(INSTALL_HINT, UserWarning, stacklevel=3)
