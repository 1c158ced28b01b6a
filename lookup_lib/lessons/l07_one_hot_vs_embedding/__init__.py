"""Lesson 07 · one-hot or embedding: the shop experiment, its figures and widget.

The notebook imports what it needs from here in one line; the modules beside this file hold the code.
"""

from lookup_lib.lessons.l07_one_hot_vs_embedding.experiments import (
    BUCKETS,
    ChoiceTask,
    EmbeddingModel,
    Evaluation,
    OneHotModel,
    TrainLog,
    accuracy_table,
    count_parameters,
    describe_product,
    evaluate,
    make_grouped_task,
    make_unrelated_task,
    predict,
    taste_rule,
    train,
    zipf_probabilities,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.figures import (
    ModelCost,
    cost_table,
    model_costs,
    pca_2d,
    plot_accuracy_by_frequency,
    plot_category_scores,
    plot_learned_vectors,
    plot_model_costs,
)
from lookup_lib.lessons.l07_one_hot_vs_embedding.widget import (
    ChoiceExplorer,
)

__all__ = [
    "BUCKETS",
    "ChoiceExplorer",
    "ChoiceTask",
    "EmbeddingModel",
    "Evaluation",
    "ModelCost",
    "OneHotModel",
    "TrainLog",
    "accuracy_table",
    "cost_table",
    "count_parameters",
    "describe_product",
    "evaluate",
    "make_grouped_task",
    "make_unrelated_task",
    "model_costs",
    "pca_2d",
    "plot_accuracy_by_frequency",
    "plot_category_scores",
    "plot_learned_vectors",
    "plot_model_costs",
    "predict",
    "taste_rule",
    "train",
    "zipf_probabilities",
]
