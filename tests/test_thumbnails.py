"""The README thumbnail maker picks the right figure and scales it."""

import base64
import io

import nbformat
from PIL import Image

from lookup_lib.lessons.kit.style import new_figure, to_png
from tools.make_thumbnails import first_png, thumbnail


def _png(width_in: float) -> bytes:
    fig = new_figure(width_in, 2)
    fig.add_subplot().plot([0, 1], [1, 0])
    return to_png(fig)


def _cell_with_png(png: bytes, tags=()):
    cell = nbformat.v4.new_code_cell("fig")
    cell.metadata["tags"] = list(tags)
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()})]
    return cell


def test_tagged_cell_wins_over_the_first_figure():
    first, tagged = _png(3), _png(5)
    nb = nbformat.v4.new_notebook(cells=[_cell_with_png(first), _cell_with_png(tagged, ["thumbnail"])])
    assert first_png(nb) == tagged


def test_first_figure_is_used_without_a_tag_and_none_without_figures():
    first = _png(3)
    assert first_png(nbformat.v4.new_notebook(cells=[_cell_with_png(first), _cell_with_png(_png(4))])) == first
    assert first_png(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])) is None


def test_thumbnail_is_240_wide_keeps_aspect_and_is_deterministic():
    png = _png(6)  # 600 x 200 pixels
    small = thumbnail(png)
    image = Image.open(io.BytesIO(small))
    assert image.size == (240, 80)
    assert thumbnail(png) == small
