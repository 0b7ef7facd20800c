"""Helpers for the Nd / NdFeB market notebooks.

Modules, one concern each:

- ``analysis.data``: load any dataset by name, validated against data/catalogue.yaml
- ``analysis.cache``: results of the data computed once per data version, shared by a build's kernels
- ``analysis.units``: FX, VAT, oxide/metal stoichiometry, magnet rare-earth content
- ``analysis.rounding``: rounding-aware interval arithmetic for published figures
- ``analysis.exports``: magnet-export series, with unreported months derived and flagged
- ``analysis.prices``: price points on one basis, monthly grid, metrics, seed price claims, forecast
- ``analysis.price_charts``: the price-history charts
- ``analysis.demand``: the bottom-up NdFeB demand model, scenarios, tornado, Monte Carlo
- ``analysis.supply``: the REO -> oxide -> metal -> magnet chain, supply/demand balance, recycling
- ``analysis.impact``: counterfactuals for the 2025 export controls (statsmodels)
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
