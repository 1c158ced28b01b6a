"""The lesson's figures: Zipf's law on real text, and a batch routed to its shards (draw only)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.style import INK, NEUTRAL, OUTPUT, new_figure
from lookup_lib.lessons.l11_tables_too_big_for_one_machine.plans import Plan, route, traffic

SHARD_COLORS = ["#f2a541", "#7fb7be", "#d1495b", "#8d6cab"]

__all__ = ["SHARD_COLORS", "draw_routing", "plot_zipf"]


def plot_zipf(counts: np.ndarray, title: str = "word frequencies") -> Figure:
    """Rank-frequency on log-log axes, and the share of all tokens the top k words cover."""
    counts = np.asarray(counts)
    fig = new_figure(9, 3.2)
    left, right = fig.subplots(1, 2)
    ranks = np.arange(1, len(counts) + 1)
    left.loglog(ranks, counts, color=INK, lw=1.5)
    left.set(xlabel="rank of the word (1 = most frequent)", ylabel="occurrences", title=title)
    cover = np.cumsum(counts) / counts.sum()
    right.semilogx(ranks, 100 * cover, color=OUTPUT, lw=2)
    right.set(xlabel="the k most frequent words", ylabel="% of all tokens", title="share of lookups", ylim=(0, 101))
    right.grid(alpha=0.3)
    return fig


def draw_routing(plan: Plan, batches: list[np.ndarray], dim: int) -> Figure:
    """Top: every rank's batch, each index coloured by the shard that owns its row. Bottom: bytes each rank sends."""
    fig = new_figure(9, 1.2 + 0.45 * len(batches) + 2.2)
    top, bottom = fig.subplots(2, 1, height_ratios=[0.45 * len(batches) + 0.6, 2.2])
    width = max(len(b) for b in batches)
    for r, batch in enumerate(batches):
        owners = route(plan, batch).owner
        for k, (index, owner) in enumerate(zip(batch.tolist(), owners.tolist(), strict=True)):
            top.add_patch(_box(k, r, SHARD_COLORS[owner % len(SHARD_COLORS)]))
            top.text(k + 0.5, r + 0.5, str(index), ha="center", va="center", fontsize=8, color=INK)
        top.text(-0.2, r + 0.5, f"rank {r}'s batch", ha="right", va="center", fontsize=9, color=INK)
    top.set_xlim(-2.6, width + 0.1)
    top.set_ylim(len(batches) + 0.1, -0.1)
    top.axis("off")
    kind = {"block": "row-wise (blocks)", "cyclic": "row-wise (row k on rank k % W)", "table": "table-wise"}[plan.kind]
    top.set_title(f"{plan.num_rows} rows on {plan.world_size} shards, {kind}: colour = the shard that owns the row",
                  fontsize=10, color=INK)
    sent = traffic(plan, batches, dim)
    ranks = np.arange(plan.world_size)
    bottom.bar(ranks, sent.sum(axis=1), color=[SHARD_COLORS[r % len(SHARD_COLORS)] for r in ranks], edgecolor=INK)
    for r, total in zip(ranks, sent.sum(axis=1), strict=True):
        bottom.text(r, total, f"{total:,} B", ha="center", va="bottom", fontsize=9, color=INK)
    bottom.set_xticks(ranks, [f"rank {r}" for r in ranks])
    bottom.set_ylabel("bytes sent per step")
    bottom.set_ylim(0, max(1, sent.sum(axis=1).max()) * 1.25)
    bottom.set_title(f"indices out, rows back, gradients out (D = {dim}, float32)", fontsize=10, color=INK)
    bottom.set_facecolor(NEUTRAL)
    return fig


def _box(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=color, edgecolor="white", linewidth=1.5)
