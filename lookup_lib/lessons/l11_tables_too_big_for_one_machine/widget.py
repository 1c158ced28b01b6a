"""``ShardExplorer``: choose the shards, the layout and a batch; see where each index goes and the bytes sent."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.figures import RoutingFigure
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import row_wise, traffic

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

    SHARDS = (1, 4)  # the slider's range
    LAYOUTS = ("block", "cyclic")
    BATCHES = ("zipf", "uniform")
    LABELS = {"block": mark("block"), "cyclic": mark("cyclic"), "zipf": mark("zipf"), "uniform": mark("uniform")}

    def __init__(self, num_rows: int = 40, dim: int = 16) -> None:
        self.num_rows, self.dim = num_rows, dim
        # every setting is drawn on one bytes axis (its top a quarter above the largest total of them all),
        # so moving a control compares like with like; one figure per number of shards, updated in place
        self._batches = {(kind, w): example_batches(kind, w, num_rows) for kind in self.BATCHES
                         for w in range(self.SHARDS[0], self.SHARDS[1] + 1)}
        self._plans = {(w, layout): row_wise(num_rows, w, cyclic=layout == "cyclic") for layout in self.LAYOUTS
                       for w in range(self.SHARDS[0], self.SHARDS[1] + 1)}
        self.ymax = 1.25 * max(1, max(int(traffic(plan, self._batches[kind, w], dim).sum(axis=1).max())
                                      for (w, _), plan in self._plans.items() for kind in self.BATCHES))
        self._figures: dict[int, RoutingFigure] = {}
        super().__init__(
            {
                "shards": widgets.IntSlider(value=2, min=self.SHARDS[0], max=self.SHARDS[1],
                                            description=t("shards")),
                "layout": widgets.Dropdown(options=[(t_marked(self.LABELS[v]), v) for v in self.LAYOUTS],
                                           value="block", description=t("layout")),
                "batch": widgets.Dropdown(options=[(t_marked(self.LABELS[v]), v) for v in self.BATCHES],
                                          value="zipf", description=t("batch")),
            },
            caption=t("Hot rows (small ids, under Zipf) all live in shard 0 with blocks; cyclic spreads them."),
        )

    def draw(self, shards: int, layout: str, batch: str) -> Figure:
        batches, plan = self._batches[batch, shards], self._plans[shards, layout]
        figure = self._figures.get(shards)
        if figure is None:
            figure = self._figures[shards] = RoutingFigure(plan, len(batches[0]), self.dim, self.ymax)
        return figure.update(plan, batches)
