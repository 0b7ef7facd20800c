"""Helpers for the Nd / NdFeB market notebooks.

Modules, one concern each:

- ``analysis.data``: load any dataset by name, validated against data/catalogue.yaml
- ``analysis.units``: FX, VAT, oxide/metal stoichiometry, magnet rare-earth content
- ``analysis.exports``: magnet-export series, with unreported months derived and flagged
- ``analysis.consistency``: recompute every stated growth rate, ratio, share and total
- ``analysis.plotting``: house style, source notes and event annotations for charts
- ``analysis.report``: execute notebooks with papermill and render HTML reports
"""
from analysis.data import DataValidationError, catalogue, load, load_all

__all__ = ["DataValidationError", "catalogue", "load", "load_all"]
