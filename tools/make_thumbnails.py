"""Make the README's lesson thumbnails from each lesson's own stored figures.

Usage: python tools/make_thumbnails.py   (writes docs/thumbnails/NN.png for every notebooks/NN_*.ipynb)

The thumbnail is the first PNG output of a cell tagged ``thumbnail``, or else the first PNG
output of the lesson, scaled to 240 pixels wide. A lesson without figures gets none.
"""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import nbformat
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 240


def first_png(nb: nbformat.NotebookNode) -> bytes | None:
    """PNG bytes of the tagged thumbnail cell's figure, else of the first figure in the lesson."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in cells if "thumbnail" in c.metadata.get("tags", [])]
    for cell in tagged + cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode(data["image/png"])
    return None


def thumbnail(png: bytes, width: int = WIDTH) -> bytes:
    """Scale a PNG to ``width`` pixels wide, keeping its aspect ratio; deterministic bytes."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    height = max(1, round(image.height * width / image.width))
    out = io.BytesIO()
    image.resize((width, height), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    out_dir = ROOT / "docs" / "thumbnails"
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        png = first_png(nbformat.read(path, as_version=4))
        if png is None:
            print(f"{path.name}: no figure, no thumbnail")
            continue
        target = out_dir / f"{path.name[:2]}.png"
        target.write_bytes(thumbnail(png))
        print(f"{path.name} -> {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
