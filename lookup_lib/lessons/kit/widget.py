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
into one redraw. A subclass may also keep its figure and update the artists in place: then
``draw`` returns the same ``Figure`` each time and only what changed is redrawn.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.style import png_size, to_png

# The CSS class of every FigureWidget's box: what the browser benchmark and tests look for.
DOM_CLASS = "lookup-figure-widget"


class FigureWidget(widgets.VBox):
    """Controls on top, the figure below; redraws whenever a control's value changes."""

    def __init__(self, controls: dict[str, widgets.ValueWidget], caption: str = "") -> None:
        self.controls = controls
        # shown at the PNG's size (set by update), shrunk to fit a narrow page, never stretched
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto",
                                                                      align_self="flex-start"))
        self.caption = widgets.HTML(caption)
        self.png: bytes = b""
        self.renders = 0  # how many times the figure was drawn (tests check coalescing with it)
        self._held = 0
        self._pending = False
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
        self.png = to_png(self.draw(**self.values()))
        width, _ = png_size(self.png)  # the height follows: height auto keeps the aspect
        if self.image.layout.width != f"{width}px":
            self.image.layout.width = f"{width}px"
        self.image.value = self.png
        self.renders += 1

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


_SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.SelectionSlider,
            widgets.IntRangeSlider, widgets.FloatRangeSlider, widgets.SelectionRangeSlider)
