"""Lesson 07 · one-hot or embedding: the shop experiment, what the two models cost, their figures and widget.

The notebook imports what it needs from here in one line; the modules beside this file hold the code:
``experiments`` (tasks, models, training, scoring; torch), ``costs`` (parameters and memory by formula),
``figures`` (drawing only), ``widget`` and ``exercises``.
"""

from lookup_lib.lessons.kit.tables import format_seconds
from lookup_lib.lessons.l07_one_hot_vs_embedding.costs import cost_table
from lookup_lib.lessons.l07_one_hot_vs_embedding.experiments import (
    BottleneckModel,
    EmbeddingModel,
    OneHotModel,
    accuracy_table,
    count_parameters,
    describe_product,
    evaluate,
    make_grouped_task,
    make_unrelated_task,
    predict,
    taste_rule,
    train,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import (
    plot_accuracy_by_frequency,
    plot_category_scores,
    plot_learned_vectors,
    plot_model_costs,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.widget import ChoiceExplorer

__all__ = [
    "BottleneckModel",
    "ChoiceExplorer",
    "EmbeddingModel",
    "OneHotModel",
    "accuracy_table",
    "cost_table",
    "count_parameters",
    "describe_product",
    "evaluate",
    "format_seconds",
    "make_grouped_task",
    "make_unrelated_task",
    "plot_accuracy_by_frequency",
    "plot_category_scores",
    "plot_learned_vectors",
    "plot_model_costs",
    "predict",
    "taste_rule",
    "train",
]
