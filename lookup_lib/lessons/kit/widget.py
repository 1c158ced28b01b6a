"""The one widget pattern every lesson uses: controls + a figure, with a static first render.

A ``FigureWidget`` is a ``VBox`` of controls and an ``Image``. Subclasses give ``controls``
(ipywidgets) and ``draw(**values) -> Figure``. Changing any control calls ``update()``
(a plain method tests can call), which redraws the figure into the image.

Displayed in a notebook, it offers two representations: the live widget, and a PNG of its
current figure. A live JupyterLab shows the widget; GitHub, nbconvert, VS Code or a notebook
whose kernel has stopped show the PNG, so the picture is never lost.
"""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.style import to_png


class FigureWidget(widgets.VBox):
    """Controls on top, the figure below; redraws whenever a control's value changes."""

    def __init__(self, controls: dict[str, widgets.ValueWidget], caption: str = "") -> None:
        self.controls = controls
        self.image = widgets.Image(format="png")
        self.caption = widgets.HTML(caption)
        self.png: bytes = b""
        for control in controls.values():
            control.observe(self._on_change, names="value")
        super().__init__([widgets.HBox(list(controls.values())), self.caption, self.image])
        self.update()

    def values(self) -> dict[str, Any]:
        """The current value of each control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def draw(self, **values: Any) -> Figure:  # pragma: no cover - subclasses implement it
        raise NotImplementedError

    def update(self) -> None:
        """Redraw the figure for the current control values."""
        self.png = to_png(self.draw(**self.values()))
        self.image.value = self.png

    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"{type(self).__name__}({self.describe()})"
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        return bundle

    def describe(self) -> str:
        """Short, deterministic text for the plain-text representation (no model ids)."""
        return ", ".join(f"{k}={v!r}" for k, v in self.values().items())
