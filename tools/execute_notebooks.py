"""Re-execute lesson notebooks on a fresh kernel, top to bottom, and store their outputs.

Usage: python tools/execute_notebooks.py [NOTEBOOK ...]   (default: every notebooks/NN_*.ipynb)

Cells tagged ``raises-exception`` may fail; any other error stops with the traceback.
Timing metadata is not recorded, so re-running an unchanged lesson gives a clean diff.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def execute(path: Path) -> float:
    """Run one notebook in its own folder and write it back; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("jupytext", None)  # a lesson may be drafted with jupytext; the .ipynb is the source
    nb.metadata["kernelspec"] = KERNELSPEC
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nbformat.write(nb, path)
    return seconds


def merge_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) chunks into one output.

    How a cell's printed text is split into chunks depends on timing (a busy machine flushes more
    often); the text is the same. Storing one chunk keeps re-executions' diffs to real changes.
    """
    merged: list = []
    for out in outputs:
        previous = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == out.get("name")
        ):
            previous["text"] = previous["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
