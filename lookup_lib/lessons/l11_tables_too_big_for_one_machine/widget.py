"""``ShardExplorer``: choose the shards, the layout and a batch; see where each index goes and the bytes sent."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.figures import draw_routing
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import row_wise

__all__ = ["ShardExplorer", "example_batches"]


def example_batches(kind: str, world_size: int, num_rows: int = 40, size: int = 12, seed: int = 0) -> list[np.ndarray]:
    """Each rank's batch: ``"uniform"`` rows, or ``"zipf"`` (row k drawn in proportion to 1 / (k + 1))."""
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return [rng.integers(0, num_rows, size) for _ in range(world_size)]
    p = 1 / np.arange(1, num_rows + 1)
    return [rng.choice(num_rows, size=size, p=p / p.sum()) for _ in range(world_size)]


class ShardExplorer(FigureWidget):
    """Shards (1-4), the row layout and the kind of batch; the figure shows the routing and the bytes."""

    def __init__(self, num_rows: int = 40, dim: int = 16) -> None:
        self.num_rows, self.dim = num_rows, dim
        super().__init__(
            {
                "shards": widgets.IntSlider(value=2, min=1, max=4, description="shards"),
                "layout": widgets.Dropdown(options=["block", "cyclic"], value="block", description="layout"),
                "batch": widgets.Dropdown(options=["zipf", "uniform"], value="zipf", description="batch"),
            },
            caption="Hot rows (small ids, under Zipf) all live in shard 0 with blocks; cyclic spreads them.",
        )

    def draw(self, shards: int, layout: str, batch: str) -> Figure:
        plan = row_wise(self.num_rows, shards, cyclic=layout == "cyclic")
        return draw_routing(plan, example_batches(batch, shards, self.num_rows), self.dim)
