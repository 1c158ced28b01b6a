"""The lesson's figures: Zipf's law on real text, and a batch routed to its shards (draw only)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lookup_lib.lessons.kit import style
from lookup_lib.lessons.kit.i18n import mark, t, t_marked
from lookup_lib.lessons.kit.style import INK, NEUTRAL, OUTPUT, new_figure
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import Plan, route, traffic

SHARD_COLORS = ["#f2a541", "#7fb7be", "#d1495b", "#8d6cab"]

__all__ = ["SHARD_COLORS", "RoutingFigure", "draw_routing", "plot_zipf"]


def plot_zipf(counts: np.ndarray, title: str = mark("word frequencies")) -> Figure:
    """Rank-frequency on log-log axes, and the share of all tokens the top k words cover (the default title is
    drawn in the lessons' language)."""
    counts = np.asarray(counts)
    fig = new_figure(9, 3.2)
    left, right = fig.subplots(1, 2)
    ranks = np.arange(1, len(counts) + 1)
    left.loglog(ranks, counts, color=INK, lw=1.5)
    left.set(xlabel=t("rank of the word (1 = most frequent)"), ylabel=t("occurrences"), title=t_marked(title))
    cover = np.cumsum(counts) / counts.sum()
    right.semilogx(ranks, 100 * cover, color=OUTPUT, lw=2)
    right.set(xlabel=t("the k most frequent words"), ylabel=t("% of all tokens"), title=t("share of lookups"),
              ylim=(0, 101))
    right.grid(alpha=0.3)
    return fig


# The widest figure a lesson shows at its own pixel size (JupyterLab's output area is 868 px wide; wider PNGs
# are shrunk by the browser and look blurry).
WIDTH_INCHES = 8.6
_KIND = {"block": mark("row-wise (blocks)"), "cyclic": mark("row-wise (row k on rank k % W)"),
         "table": mark("table-wise")}


def draw_routing(plan: Plan, batches: list[np.ndarray], dim: int, ymax: float | None = None) -> Figure:
    """Top: every rank's batch, each index coloured by the shard that owns its row. Bottom: bytes each rank sends.

    ``ymax`` fixes the top of the bytes axis (a widget passes its largest total, so every setting has one scale);
    by default it is a quarter above the largest bar.
    """
    sizes = {len(b) for b in batches}
    if len(batches) != plan.world_size or len(sizes) != 1:
        raise ValueError(f"batches must be {plan.world_size} batches (one per rank) of one length, "
                         f"got {len(batches)} of lengths {sorted(sizes)}")
    if ymax is None:
        ymax = max(1, traffic(plan, batches, dim).sum(axis=1).max()) * 1.25
    return RoutingFigure(plan, sizes.pop(), dim, ymax, keep_layout=False).update(plan, batches)


class RoutingFigure:
    """The figure of :func:`draw_routing` for ``plan``'s W ranks' batches of N indices, built once, updated in place.

    A widget keeps one per number of ranks: :meth:`update` recolours the boxes, rewrites the indices, the
    title and the byte counts, and sets the bars' heights (``set_facecolor``, ``set_text``, ``set_height``),
    returning the same Figure with the pixels of one drawn afresh (for any plan of W ranks). The bytes axis is
    fixed (``ymax``). With ``keep_layout`` the constrained layout is computed once, when it is built, and kept:
    it depends on W, N, ``ymax`` and the height of the titles (one line each, all with parentheses), never on
    the batches (every number lies inside its axes); without it, the figure is laid out when it is drawn.
    """

    def __init__(self, plan: Plan, size: int, dim: int, ymax: float, keep_layout: bool = True) -> None:
        self.world_size, self.size, self.dim = world_size, size, dim = plan.world_size, size, dim
        self.fig = new_figure(WIDTH_INCHES, 1.2 + 0.45 * world_size + 2.2)
        top, bottom = self.fig.subplots(2, 1, height_ratios=[0.45 * world_size + 0.6, 2.2])
        self.boxes = [[top.add_patch(_box(k, r, NEUTRAL)) for k in range(size)] for r in range(world_size)]
        self.indices = [[top.text(k + 0.5, r + 0.5, "", ha="center", va="center", fontsize=8, color=INK)
                         for k in range(size)] for r in range(world_size)]
        for r in range(world_size):
            top.text(-0.2, r + 0.5, t("rank {r}'s batch", r=r), ha="right", va="center", fontsize=9, color=INK)
        top.set_xlim(-2.6, size + 0.1)
        top.set_ylim(world_size + 0.1, -0.1)
        top.axis("off")
        self.title = top.set_title(_title(plan), fontsize=10, color=INK)
        ranks = np.arange(world_size)
        self.bars = list(bottom.bar(ranks, np.zeros(world_size), color=[SHARD_COLORS[r % len(SHARD_COLORS)]
                                                                        for r in ranks], edgecolor=INK))
        self.totals = [bottom.text(r, 0, "", ha="center", va="bottom", fontsize=9, color=INK) for r in ranks]
        bottom.set_xticks(ranks, [t("rank {r}", r=r) for r in ranks])
        bottom.set_ylabel(t("bytes sent per step"))
        bottom.set_ylim(0, ymax)
        bottom.set_title(t("indices out, rows back, gradients out (D = {dim}, float32)", dim=dim), fontsize=10,
                         color=INK)
        bottom.set_facecolor(NEUTRAL)
        if keep_layout:
            style.keep_layout(self.fig, [t for row in self.indices for t in row] + self.totals)

    def update(self, plan: Plan, batches: list[np.ndarray]) -> Figure:
        """Draw ``batches`` (rank r's batch is ``batches[r]``) routed by ``plan``."""
        if plan.world_size != self.world_size or len(batches) != self.world_size \
                or any(len(b) != self.size for b in batches):
            raise ValueError(f"this figure holds {self.world_size} batches of {self.size} indices, got a plan for "
                             f"{plan.world_size} ranks and {len(batches)} batches of lengths "
                             f"{sorted({len(b) for b in batches})}")
        for r, batch in enumerate(batches):
            owners = route(plan, batch).owner
            for k, (index, owner) in enumerate(zip(np.asarray(batch).tolist(), owners.tolist(), strict=True)):
                self.boxes[r][k].set_facecolor(SHARD_COLORS[owner % len(SHARD_COLORS)])
                self.indices[r][k].set_text(str(index))
        self.title.set_text(_title(plan))
        for bar, label, total in zip(self.bars, self.totals, traffic(plan, batches, self.dim).sum(axis=1),
                                     strict=True):
            bar.set_height(total)
            label.set_y(total)
            label.set_text(f"{total:,} B")
        return self.fig


def _title(plan: Plan) -> str:
    kind = t_marked(_KIND[plan.kind])
    if plan.world_size == 1:
        return t("{rows} rows on 1 shard, {kind}: colour = the shard that owns the row", rows=plan.num_rows, kind=kind)
    return t("{rows} rows on {shards} shards, {kind}: colour = the shard that owns the row", rows=plan.num_rows,
             shards=plan.world_size, kind=kind)


def _box(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=color, edgecolor="white", linewidth=1.5)

