"""Shared look of every lesson figure: colours, figure creation, PNG export, a drawn table.

Figures are built with ``matplotlib.figure.Figure`` (not pyplot), so a helper that returns
one shows it once in a notebook and leaves nothing in pyplot's registry.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.i18n import prepare_figures, t

# One meaning per colour, the same in every lesson.
HIGHLIGHT = "#f2a541"  # a row that is looked up / selected
OUTPUT = "#7fb7be"  # the result of a lookup
PADDING = "#c8c8c8"  # padding positions and the padding row
CHANGED = "#d1495b"  # something that was modified (renormalised rows, gradients)
NEUTRAL = "#f4f4f4"  # cells that play no part
INK = "#2e2e2e"  # text and lines

DPI = 100


def new_figure(width: float, height: float) -> Figure:
    """A blank figure of ``width`` x ``height`` inches with the lessons' defaults (a CJK font in Chinese)."""
    prepare_figures()
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    fig.patch.set_facecolor("white")
    return fig


# zlib level of the PNGs: 1 encodes ~1.5x faster than the default 6, for files ~5% larger (the
# pixels are the same); a widget's PNG travels over loopback or a LAN, where bytes are cheap.
PNG_COMPRESS_LEVEL = 1


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (what a ``widgets.Image`` shows and tests can compare).

    Drawn straight on an Agg canvas at ``DPI``: the same pixels as ``fig.savefig(buf, format="png",
    dpi=DPI)``, without its backend switching, and with a faster zlib level (``PNG_COMPRESS_LEVEL``).
    """
    canvas = fig.canvas if isinstance(fig.canvas, _PooledCanvas) else _PooledCanvas(fig)
    if fig.dpi != DPI:
        fig.set_dpi(DPI)
    buf = io.BytesIO()
    canvas.print_png(buf, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buf.getvalue()


class _PooledCanvas(FigureCanvasAgg):
    """An Agg canvas that shares its renderer with every figure of the same pixel size.

    matplotlib caches the size of each text per renderer; a widget draws a new figure of the same
    size on every change, so with one renderer per size the text metrics of the previous drawing
    (tick labels, cell numbers, titles) are reused instead of measured again (~30% of a redraw).
    The renderer is cleared before each drawing; the kernel draws one figure at a time.
    """

    _pool: dict[tuple[float, float, float], RendererAgg] = {}

    def get_renderer(self) -> RendererAgg:
        w, h = self.figure.bbox.size
        key = (w, h, self.figure.dpi)
        if self._lastKey != key:
            if key not in self._pool:
                if len(self._pool) >= 16:  # a handful of sizes in a lesson; never grow without bound
                    self._pool.clear()
                self._pool[key] = RendererAgg(w, h, self.figure.dpi)
            self.renderer = self._pool[key]
            self._lastKey = key
        return self.renderer


class Blit:
    """Redraw only the artists that move, over a kept picture of the rest: matplotlib's blitting, to PNG.

    For a widget whose figure keeps its layout and most of its artists (axes, ticks, curves, legend) and
    moves a few (a marker, a line, a readout): drawing the axes and their tick labels is most of a redraw.
    ``moving`` artists are made animated, so a full draw leaves them out; that picture is kept, and each
    :meth:`png` pastes it back and draws the moving artists on it, in zorder. They are drawn after
    everything static, so give them a zorder above whatever they cross: then the picture is the one a
    full draw makes. The first :meth:`png` draws in full, and so
    does the next one after :meth:`invalidate` (call it when anything that is not in ``moving`` changed).

    ``Blit(fig, moving)`` marks ``fig``: :class:`~lookup_lib.lessons.kit.widget.FigureWidget` renders a
    marked figure with :meth:`png` instead of :func:`to_png`.
    """

    def __init__(self, fig: Figure, moving: Sequence) -> None:
        self.fig = fig
        self.moving = sorted(moving, key=lambda a: a.get_zorder())  # drawn in matplotlib's order (stable)
        self.background = None
        self.full_draws = 0  # how many times the kept picture was drawn (tests read it)
        for artist in self.moving:
            artist.set_animated(True)
        fig.lookup_blit = self

    def invalidate(self) -> None:
        """Draw the figure in full next time (something outside ``moving`` changed)."""
        self.background = None

    def png(self) -> bytes:
        """The figure as PNG bytes, with the moving artists where they are now."""
        fig = self.fig
        canvas = fig.canvas if isinstance(fig.canvas, _PooledCanvas) else _PooledCanvas(fig)
        if fig.dpi != DPI:
            fig.set_dpi(DPI)
            self.background = None
        if self.background is None:
            canvas.draw()  # everything but the animated artists
            self.background = canvas.copy_from_bbox(fig.bbox)
            self.full_draws += 1
        else:
            canvas.restore_region(self.background)  # the pooled renderer may have drawn another figure since
        for artist in self.moving:
            fig.draw_artist(artist)
        return _encode_png(canvas)


def _encode_png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas's current pixels as PNG bytes (zlib level ``PNG_COMPRESS_LEVEL``), without drawing."""
    from PIL import Image

    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(DPI, DPI))
    return buf.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels of PNG bytes, read from the IHDR chunk (no decoding)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not PNG bytes")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def draw_table(
    ax: Axes,
    values: np.ndarray,
    *,
    highlight_rows: Sequence[int] = (),
    row_colors: dict[int, str] | None = None,
    row_labels: Sequence[str] | None = None,
    col_labels: Sequence[str] | None = None,
    title: str | None = None,
    fmt: str = "{:.2f}",
    max_rows: int = 12,
) -> None:
    """Draw a 2-D array as a grid of numbered cells, some rows coloured.

    Parameters
    ----------
    ax : the Axes to draw on (its ticks and frame are turned off).
    values : (R, C) array; the numbers written in the cells.
    highlight_rows : rows filled with ``HIGHLIGHT``.
    row_colors : {row: colour} overrides, e.g. the padding row in ``PADDING``.
    row_labels, col_labels : text left of each row / above each column.
    title : text above the table.
    fmt : format of each number.
    max_rows : tables with more rows show the first ``max_rows`` and an ellipsis row.
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"draw_table needs a 2-D array, got shape {values.shape}")
    n_rows, n_cols = values.shape
    shown = min(n_rows, max_rows)
    colors = {r: HIGHLIGHT for r in highlight_rows}
    colors.update(row_colors or {})
    for r in range(shown):
        for c in range(n_cols):
            ax.add_patch(_cell(c, r, colors.get(r, NEUTRAL)))
            ax.text(c + 0.5, r + 0.5, fmt.format(values[r, c]), ha="center", va="center",
                    fontsize=9, color=INK)
        if row_labels is not None:
            ax.text(-0.15, r + 0.5, row_labels[r], ha="right", va="center", fontsize=9, color=INK)
    if shown < n_rows:
        ax.text(n_cols / 2, shown + 0.5, t("… {n} more rows", n=n_rows - shown), ha="center", va="center",
                fontsize=9, color=INK)
    if col_labels is not None:
        for c, label in enumerate(col_labels):
            ax.text(c + 0.5, -0.2, label, ha="center", va="bottom", fontsize=9, color=INK)
    ax.set_xlim(-1.2 if row_labels is not None else -0.1, n_cols + 0.1)
    ax.set_ylim(shown + (1 if shown < n_rows else 0) + 0.1, -0.9 if title or col_labels else -0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10, color=INK)


def _cell(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=color, edgecolor="white", linewidth=1.5)



def message_figure(message: str, width: float = 6.0) -> Figure:
    """A small figure that only says ``message``: what a widget shows instead of a chart when its input is wrong."""
    fig = new_figure(width, 1.2)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color=INK, wrap=True)
    return fig

def show_figures_as_png() -> None:
    """In IPython, display a returned ``Figure`` as a PNG, with or without ``%matplotlib inline``.

    The lessons' figures are made without pyplot, so nothing else registers a PNG formatter for them.
    Called once when the kit is imported.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, to_png)


show_figures_as_png()


def keep_layout(fig: Figure, inside: Sequence) -> None:
    """Lay ``fig`` out once (its constrained layout) and keep that layout: the engine is switched off.

    For a figure that a widget updates in place: the axes stay where they are, and no later draw measures
    the texts again. ``inside`` are artists that lie inside their axes (cell numbers, row labels): they cannot
    move the layout, so they are hidden while it is computed (measuring each costs more than the rest).
    """
    shown = [a for a in inside if a.get_visible()]
    for artist in shown:
        artist.set_visible(False)
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    for artist in shown:
        artist.set_visible(True)
