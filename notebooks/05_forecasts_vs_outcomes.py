# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (nd-market)
#     language: python
#     name: nd-market
# ---

# %%

# %% [markdown]
# # How well did the forecasts do, now that the outcomes are published?
#
# Every forecast in `data/` whose outcome is now published, set against that outcome: seed 002's
# 2025 end-use forecasts (SMM, May 2025), China's magnet output forecasts, SMM's 2025 export
# expectation and seed 000's price ranges. For each: who made it and when, how many months ahead,
# the error in the forecast's unit and in % of the outcome, and whether the outcome fell inside the
# forecast's stated range (or, for a point forecast, its rounding range). Forecasts whose outcome
# is not published yet, or only for part of the year, are listed at the end with the reason.
#
# Errors are forecast minus outcome: positive means the forecast was too high.

# %% tags=["parameters"]
families = [
    "end-use activity",
    "magnet output",
    "magnet exports",
    "prices",
    "outside outlooks",
]  # forecast families to score; one of: end-use activity, magnet output, magnet exports, prices, outside outlooks
min_months_ahead = 0  # leave out forecasts made fewer months than this before their period ended; range: 0..120
show_pending = True  # list the forecasts that still wait for a (full-year) outcome

# %%
from IPython.display import Markdown, display

from analysis import forecasts, plotting, report, tables
from analysis.charts import forecasts as forecast_charts
from analysis.text import md

p = forecasts.validate_parameters(families, min_months_ahead, show_pending)
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
table = forecasts.scored(p["families"], p["min_months_ahead"])
waiting = forecasts.pending()

# %% [markdown]
# ## In plain words

# %%
display(Markdown(md(forecasts.sentences(table))))

# %% [markdown]
# ## Every forecast with a published outcome

# %%
tables.show(forecasts.display_table(table), {"months ahead": 0, "error, % of outcome": 1})

# %% [markdown]
# What each outcome is, and where forecast and outcome count different things:

# %%
tables.show(table[["quantity", "target", "note"]].rename(columns={"target": "period", "note": "outcome and scope"}))

# %% [markdown]
# ## By family
#
# One chart per family. The axis is relative (forecast / outcome - 1) because units differ
# between rows; the table above gives each error in the forecast's own unit.

# %%
display(*forecast_charts.by_family(table))

# %% [markdown]
# ## Still waiting for an outcome

# %%
if p["show_pending"]:
    display(tables.show(waiting, {"forecast": 3}))

# %%
results = forecasts.results(table, waiting, p)
path = report.write_results("05_forecasts_vs_outcomes", results)
display(Markdown(report.results_note(path)))

# %% [markdown]
# ## Caveats
#
# - **Scope differences are named, not hidden.** SMM's May 2025 forecast of China's output counts "rare
#   earth permanent magnet material"; the 2025 outcome in `data/` is SMM's survey of NdFeB *blanks*,
#   which weigh more than finished magnets. The note column says where forecast and outcome count
#   different things.
# - **Seed 000 does not say metal or oxide.** Its price ranges are scored against the range of the
#   year's comparators (Nd oxide, Pr-Nd oxide, Nd metal), and 2026 is not over.
# - **NdFeB demand by end use has no outcome**: it is an estimate, never a published statistic.
