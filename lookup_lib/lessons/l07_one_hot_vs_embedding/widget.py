"""Widget of lesson 07: slide the number of categories and the embedding dimension, watch the costs."""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib.figure import Figure

from lookup_lib.lessons.kit.i18n import t
from lookup_lib.lessons.kit.style import Blit, keep_layout
from lookup_lib.lessons.kit.widget import FigureWidget
from lookup_lib.lessons.l07_one_hot_vs_embedding.costs import ModelCost, model_costs
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import move_mark, plot_model_costs

__all__ = ["ChoiceExplorer"]

NUM_ITEMS = (10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)
DIMS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _short(n: int) -> str:
    """``10_000_000`` → ``"10M"``: a readout that fits the slider's box (the figure gives the full number)."""
    for size, unit in ((1_000_000, "M"), (1_000, "k")):
        if n >= size:
            return f"{n // size}{unit}"
    return str(n)


class ChoiceExplorer(FigureWidget):
    """Parameters and input memory of ``one_hot → Linear`` and ``Embedding → Linear``, by formula.

    Controls: ``num_items`` (N, the number of categories, on a log scale) and ``dim`` (D, the
    embedding dimension). Every redraw is a formula and one figure: nothing is trained.

    Parameters
    ----------
    num_items : int, default 1000
        One of ``NUM_ITEMS``.
    dim : int, default 2
        One of ``DIMS``.
    num_outputs : int, default 16
        C, the outputs of the Linear layer (fixed).
    batch : int, default 500
        B, the batch whose input is measured (fixed).

    Attributes
    ----------
    cost : ModelCost
        The numbers the current figure marks.

    Examples
    --------
    >>> w = ChoiceExplorer()
    >>> w.controls["num_items"].value = 1_000_000
    >>> w.cost.onehot_params, w.cost.embedding_params
    (16000016, 2000048)
    """

    def __init__(self, num_items: int = 1_000, dim: int = 2, num_outputs: int = 16, batch: int = 500) -> None:
        if num_items not in NUM_ITEMS:
            raise ValueError(f"num_items must be one of {NUM_ITEMS}, got {num_items!r}")
        if dim not in DIMS:
            raise ValueError(f"dim must be one of {DIMS}, got {dim!r}")
        self.num_outputs = num_outputs
        self.batch = batch
        self.cost: ModelCost = model_costs(num_items, dim, num_outputs, batch)  # checks num_outputs and batch
        self._figures: dict[int, Figure] = {}  # one figure per D, updated in place when N moves
        controls = {
            "num_items": widgets.SelectionSlider(options=[(_short(n), n) for n in NUM_ITEMS], value=num_items,
                                                 description=t("N (categories)"),
                                                 style={"description_width": "initial"},
                                                 continuous_update=False,
                                                 # room for the readout "10,000,000" before the next control
                                                 layout=widgets.Layout(margin="2px 4.5em 2px 0")),
            "dim": widgets.SelectionSlider(options=DIMS, value=dim, description=t("D (embedding dim)"),
                                           style={"description_width": "initial"}, continuous_update=False),
        }
        self.hint = t("C = {c} outputs, batches of B = {b}. The one-hot input grows with N; the indices do not. "
                      "Try D larger than C.", c=num_outputs, b=batch)
        super().__init__(controls, caption=self.hint)
        # Typing N: a value the slider has is set on it; any other is refused with a message (issue 16).
        self.typed = widgets.Text(value="", placeholder=t("or type N, Enter"), continuous_update=False,
                                  layout=widgets.Layout(width="11em"))
        self.typed.observe(self._on_typed, names="value")
        row = self.children[0]
        row.children = (*row.children, self.typed)

    def _on_typed(self, change: dict) -> None:
        text = str(change["new"]).strip().replace(",", "").replace("_", "")
        if not text:
            return
        try:
            n = int(float(text))
        except ValueError:
            n = None
        if n in NUM_ITEMS:
            self.caption.value = self.hint
            self.controls["num_items"].value = n
            return
        choices = ", ".join(f"{v:,}" for v in NUM_ITEMS)
        refused = t("N = {typed} is not on the slider:", typed=html.escape(str(change["new"])))
        advice = t("type one of {choices}.", choices=choices)
        self.caption.value = f"<span style='color:#d1495b'><b>{refused}</b> {advice}</span>"

    def draw(self, num_items: int, dim: int) -> Figure:
        """The cost curves for this D, with this N marked.

        One figure per D, built by ``plot_model_costs`` the first time; moving N then only moves what
        marks N (the two markers per panel, the vertical line, the readouts), and only those are drawn
        again, over a kept picture of the rest (``kit.style.Blit``): the curves pass through every N the
        slider offers, so they do not change (issue 17: no new figure, no new layout, no axes redrawn).
        """
        self.cost = model_costs(num_items, dim, self.num_outputs, self.batch)
        fig = self._figures.get(dim)
        if fig is None:
            fig = self._figures[dim] = plot_model_costs(num_items, dim, self.num_outputs, self.batch)
            marks = [a for ax in fig.axes for a in (*ax.get_lines(), *ax.texts)
                     if str(a.get_gid()).startswith("here:") or a.get_gid() == "readout"]
            keep_layout(fig, [a for a in marks if a.get_gid() == "readout"])
            # moving N redraws only these over the kept curves and axes; the legends too, which N's line crosses
            Blit(fig, [*marks, *(ax.get_legend() for ax in fig.axes)])
        else:
            move_mark(fig, self.cost)
        return fig
