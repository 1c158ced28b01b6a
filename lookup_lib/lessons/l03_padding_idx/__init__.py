"""Lesson 03 · padding_idx: padded batches, masks, the padding row under SGD.

The notebook imports what it needs from here in one line; the modules beside this file hold the code:
``helpers`` (``pad_batch``, ``masked_mean``, ``sgd_trace``: the computations, also reused by lesson 06),
``figures`` (drawing only) and ``widget``.
"""

from lookup_lib.lessons.l03_padding_idx.figures import draw_padded_batch, plot_row_trace
from lookup_lib.lessons.l03_padding_idx.helpers import masked_mean, pad_batch, sgd_trace
from lookup_lib.lessons.l03_padding_idx.widget import PaddingExplorer

__all__ = [
    "PaddingExplorer",
    "draw_padded_batch",
    "masked_mean",
    "pad_batch",
    "plot_row_trace",
    "sgd_trace",
]
