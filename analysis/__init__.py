"""Helpers for the Nd / NdFeB market notebooks.

Modules, one concern each:

- ``analysis.data``: load any dataset by name, validated against data/catalogue.yaml
- ``analysis.units``: FX, VAT, oxide/metal stoichiometry, magnet rare-earth content
- ``analysis.exports``: magnet-export series, with unreported months derived and flagged
- ``analysis.consistency``: recompute every stated growth rate, ratio, share and total
- ``analysis.plotting``: house style, source notes and event annotations for charts
- ``analysis.params``: check parameters against a notebook's declaration
- ``analysis.report``: execute notebooks with papermill and render HTML reports
"""
__all__ = ["DataValidationError", "catalogue", "load", "load_all"]


def __getattr__(name):
    # Import pandas/pandera only when data is used, so `python -m analysis report` starts fast.
    if name in __all__:
        from analysis import data

        return getattr(data, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
