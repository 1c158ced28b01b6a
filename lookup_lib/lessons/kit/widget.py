"""The one widget pattern every lesson uses: controls + a figure, with a static first render.

A ``FigureWidget`` is a ``VBox`` of controls and an ``Image``. Subclasses give ``controls``
(ipywidgets) and ``draw(**values) -> Figure``. Changing any control calls ``update()``
(a plain method tests can call), which redraws the figure into the image.

Displayed in a notebook, it offers two representations: the live widget, and a PNG of its
current figure. A live JupyterLab shows the widget; GitHub, nbconvert, VS Code or a notebook
whose kernel has stopped show the PNG, so the picture is never lost.

Speed (issue 17): the image is shown at the PNG's own pixel size (its layout width is set to
it, never stretched, only shrunk to fit a narrow page), sliders send their value when released
(``continuous_update=False``), and ``with widget.hold():`` coalesces several control changes
into one redraw. Two caches make a redraw cheap without changing its pixels:

- **layout**: a constrained-layout figure is laid out by measuring every text around its axes
  (40-55% of a redraw). Its result depends only on those texts, so it is kept per
  :func:`layout_key` (figure size, grid, tick labels, titles, axis labels, legends, texts outside
  the axes); a later figure with the same key gets the same axes positions and its layout engine
  is switched off: the same pixels, without the measuring.
- **pictures**: the PNG of each combination of control values already drawn (the last
  ``MEMO_SIZE``), so going back to a value is instant. ``draw`` still runs each time (it sets the
  attributes tests and students read, e.g. ``output``); only the rendering is skipped. A subclass
  whose picture depends on more than its control values sets ``memo = False``.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from lookup_lib.lessons.kit.style import png_size, to_png

# The CSS class of every FigureWidget's box: what the browser benchmark and tests look for.
DOM_CLASS = "lookup-figure-widget"
# How many PNGs (one per combination of control values) a widget keeps, and how many layouts.
MEMO_SIZE = 64
LAYOUT_CACHE_SIZE = 64


class FigureWidget(widgets.VBox):
    """Controls on top, the figure below; redraws whenever a control's value changes."""

    memo = True  # keep the PNG of each combination of control values (False: the picture depends on more)

    def __init__(self, controls: dict[str, widgets.ValueWidget], caption: str = "") -> None:
        self.controls = controls
        # shown at the PNG's size (set by update), shrunk to fit a narrow page, never stretched
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto",
                                                                      align_self="flex-start"))
        self.caption = widgets.HTML(caption)
        self.png: bytes = b""
        self.renders = 0  # how many times the figure was drawn (tests check coalescing with it)
        self.drawn = 0  # how many figures were rendered to PNG (a memo hit renders none)
        self._held = 0
        self._pending = False
        self._pngs: OrderedDict[Any, bytes] = OrderedDict()
        self._layouts: OrderedDict[Any, Any] = OrderedDict()
        for control in controls.values():
            if isinstance(control, _SLIDERS):
                control.continuous_update = False  # one redraw when the handle is released, not one per pixel
            control.observe(self._on_change, names="value")
        super().__init__([widgets.HBox(list(controls.values())), self.caption, self.image])
        self.add_class(DOM_CLASS)
        self.update()

    def values(self) -> dict[str, Any]:
        """The current value of each control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def draw(self, **values: Any) -> Figure:  # pragma: no cover - subclasses implement it
        raise NotImplementedError

    def update(self) -> None:
        """Redraw the figure for the current control values."""
        self._pending = False
        values = self.values()
        fig = self.draw(**values)
        memo_key = _memo_key(values) if self.memo else None
        png = self._pngs.get(memo_key) if memo_key is not None else None
        if png is None:
            png = self._render(fig)
            if memo_key is not None:
                _remember(self._pngs, memo_key, png, MEMO_SIZE)
        else:
            self._pngs.move_to_end(memo_key)
        self.png = png
        width, _ = png_size(self.png)  # the height follows: height auto keeps the aspect
        if self.image.layout.width != f"{width}px":
            self.image.layout.width = f"{width}px"
        self.image.value = self.png
        self.renders += 1

    def _render(self, fig: Figure) -> bytes:
        """PNG of ``fig``; a constrained layout already computed for the same texts is reused."""
        self.drawn += 1
        blit = getattr(fig, "lookup_blit", None)  # kit.style.Blit: only the moving artists are drawn again
        if blit is not None:
            return blit.png()
        if not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
            return to_png(fig)
        key = layout_key(fig)
        known = self._layouts.get(key)
        if known is not None:
            apply_layout(fig, known)
            return to_png(fig)
        png = to_png(fig)  # laid out by the engine while drawing
        _remember(self._layouts, key, record_layout(fig), LAYOUT_CACHE_SIZE)
        return png

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls at once and redraw once, at the end (if anything changed)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._pending:
                self.update()

    def _on_change(self, change: dict[str, Any]) -> None:
        if self._held:
            self._pending = True
            return
        self.update()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"{type(self).__name__}({self.describe()})"
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle

    def describe(self) -> str:
        """Short, deterministic text for the plain-text representation (no model ids)."""
        return ", ".join(f"{k}={v!r}" for k, v in self.values().items())


def _memo_key(values: dict[str, Any]) -> Any:
    key = tuple((name, type(v).__name__, v) for name, v in values.items())
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _remember(cache: OrderedDict, key: Any, value: Any, size: int) -> None:
    cache[key] = value
    while len(cache) > size:
        cache.popitem(last=False)


def _text_key(text: Any) -> tuple:
    if text is None or not text.get_visible() or not text.get_text():
        return ()
    return (text.get_text(), text.get_fontsize(), text.get_fontweight(), text.get_rotation())


def layout_key(fig: Figure) -> tuple:
    """What a constrained layout of ``fig`` depends on: equal keys give equal axes positions.

    The figure's size, each axes' place in its grid and aspect, and every text the layout measures:
    tick labels, titles, axis labels, legends, the figure's super-titles, and the texts an axes
    holds whose anchor lies outside it (texts inside it do not move the layout). Computing the
    tick labels runs the locators, which is cheap next to measuring the texts.
    """
    parts: list[Any] = [tuple(fig.get_size_inches()), fig.dpi,
                        tuple(_text_key(getattr(fig, a, None)) for a in ("_suptitle", "_supxlabel", "_supylabel"))]
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        grid = (spec.get_geometry(), tuple(spec.get_gridspec().get_width_ratios() or ()),
                tuple(spec.get_gridspec().get_height_ratios() or ())) if spec is not None else None
        ticks = []
        for axis in (ax.xaxis, ax.yaxis):
            visible = axis.get_visible() and ax.axison
            ticks.append(tuple(_text_key(t) for t in axis.get_ticklabels()) if visible else ())
            ticks.append(_text_key(axis.label) if visible else ())
        titles = tuple(_text_key(t) for t in (ax.title, ax._left_title, ax._right_title))
        outside = []
        for t in ax.texts:
            x, y = ax.transAxes.inverted().transform(t.get_transform().transform(t.get_unitless_position()))
            if not (0 <= x <= 1 and 0 <= y <= 1) and t.get_in_layout():
                outside.append((_text_key(t), t.get_ha(), t.get_va(), round(float(x), 6), round(float(y), 6)))
        legend = ax.get_legend()
        legend_key = (tuple(_text_key(t) for t in legend.get_texts()), legend._loc,
                      str(legend.get_bbox_to_anchor())) if legend is not None else ()
        parts.append((ax.get_label(), grid, ax.get_aspect(), ax.axison, tuple(ticks), titles, tuple(outside),
                      legend_key))
    return tuple(parts)


def record_layout(fig: Figure) -> tuple:
    """Where the layout put each axes and the super-titles (after a draw)."""
    axes = tuple(ax.get_position(original=True).frozen() for ax in fig.axes)
    sup = tuple(getattr(fig, a).get_position() if getattr(fig, a, None) is not None else None
                for a in ("_suptitle", "_supxlabel", "_supylabel"))
    return axes, sup


def apply_layout(fig: Figure, layout: tuple) -> None:
    """Put the axes where :func:`record_layout` found them and switch the layout engine off."""
    axes, sup = layout
    fig.set_layout_engine("none")
    for ax, pos in zip(fig.axes, axes, strict=True):
        ax.set_position(pos)
    for attr, pos in zip(("_suptitle", "_supxlabel", "_supylabel"), sup, strict=True):
        if pos is not None and getattr(fig, attr, None) is not None:
            getattr(fig, attr).set_position(pos)


_SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.SelectionSlider,
            widgets.IntRangeSlider, widgets.FloatRangeSlider, widgets.SelectionRangeSlider)
