"""Helpers for the Nd / NdFeB market notebooks.

Modules, one concern each:

- ``analysis.data``: load any dataset by name, validated against data/catalogue.yaml
- ``analysis.cache``: results of the data computed once per data version, shared by a build's kernels
- ``analysis.units``: FX, VAT, oxide/metal stoichiometry, magnet rare-earth content
- ``analysis.rounding``: rounding-aware interval arithmetic for published figures
- ``analysis.exports``: magnet-export series, with unreported months derived and flagged
- ``analysis.prices``: price points on one basis, monthly grid, metrics, forecast, 01's results
- ``analysis.demand``: the bottom-up NdFeB demand model, scenarios, tornado, Monte Carlo
- ``analysis.supply``: the REO -> oxide -> metal -> magnet chain, supply/demand balance, recycling
- ``analysis.impact``: counterfactuals for the 2025 export controls (statsmodels), notebook 03's results
- ``analysis.consistency``: recompute every stated growth rate, ratio, share and total
- ``analysis.overview``: notebook 00's tables of the consistency checks and its results
- ``analysis.plotting``: house style, source notes and event annotations for charts
- ``analysis.claims``: one verdict vocabulary, one ``verdict()``, the claim record and its table; policy claims
- ``analysis.claims_prices`` / ``analysis.claims_supply``: the seeds' price and supply claims, one function each
- ``analysis.claims_exports`` / ``analysis.claims_demand``: the seeds' export and demand claims
- ``analysis.forecasts``: every forecast in data/ scored against its published outcome
- ``analysis.backtest``: rolling-origin backtest of the price forecast band
- ``analysis.charts``: charts as functions of data, one module per topic (``analysis.charts.prices``: notebook 01)
- ``analysis.formatting``: numbers as text: thousands separators, significant figures, ranges, percentages
- ``analysis.explorer``: the live scenario explorer (ipywidgets) of notebooks/explore.ipynb
- ``analysis.tables``: every table shown, escaped, without an index column, with thousands separators
- ``analysis.text``: text from data inside Markdown, escaped
- ``analysis.parameters``: one pydantic declaration per notebook (type, bounds, choices, help), defaults from the cell
- ``analysis.params``: the build's check of a run's parameters against that model; what run titles say
- ``analysis.runs``: what a build runs (notebooks x scenario files, read strictly)
- ``analysis.report``: the report build: papermill in worker processes, checks, atomic publish
- ``analysis.render``: sanitised HTML of a report, and the index page
"""
__all__ = ["DataValidationError", "catalogue", "load", "load_all"]


MODULES = ["backtest", "brief", "cache", "charts", "claims", "claims_demand", "claims_exports", "claims_prices",
           "claims_supply", "consistency", "data", "demand",
           "explorer", "exports", "forecasts", "formatting", "impact", "overview", "parameters", "params", "paths", "plotting",
           "prices", "render", "report", "rounding", "runs", "supply", "tables", "text", "units"]


def __dir__():
    # Tab completion in JupyterLab: the loaders and every module, though modules load only when used.
    return sorted(set(globals()) | set(__all__) | set(MODULES))


def __getattr__(name):
    # Import pandas/pandera only when data is used, so `python -m analysis report` starts fast.
    if name in __all__:
        from analysis import data

        return getattr(data, name)
    if name in MODULES:
        import importlib

        return importlib.import_module(f"analysis.{name}")
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
