"""The lessons' shared kit: what several lessons use, so that each lesson folder holds only its own.

- :mod:`~lookup_lib.lessons.kit.style`: colours, ``new_figure``, ``to_png``, a drawn table;
- :mod:`~lookup_lib.lessons.kit.widget`: ``FigureWidget``, controls over a figure with a static first render;
- :mod:`~lookup_lib.lessons.kit.exercise` and :mod:`~lookup_lib.lessons.kit.feedback`: the exercise base
  classes and the text of their feedback;
- :mod:`~lookup_lib.lessons.kit.indices`: the one parser of indices typed into a text box;
- :mod:`~lookup_lib.lessons.kit.tables`: sizes, durations and text tables as the lessons print them;
- :mod:`~lookup_lib.lessons.kit.vocab`: ``tokenize`` and the one ``Vocab``;
- :mod:`~lookup_lib.lessons.kit.projection`: ``pca`` for 2-D pictures of learned vectors;
- :mod:`~lookup_lib.lessons.kit.i18n` and :mod:`~lookup_lib.lessons.kit.fonts`: the lessons' language (``t``,
  ``mark``, the ``zh.toml`` catalogues, the model solutions' comments) and the CJK font of the Chinese figures.
"""
