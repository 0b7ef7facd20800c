"""Charts, one module per topic. Each chart is a function of data that returns ``(figure, source_ids)``:
it sets a title with units, labelled axes and a source note, and never reads parameters of its own.
The house style and the source note are in :mod:`analysis.plotting`.

- :mod:`analysis.charts.supply`: supply balance and recycling charts (notebook 04)

Older charts still live in :mod:`analysis.price_charts` (notebook 01) and in the notebooks; they
move here as they are touched.
"""
