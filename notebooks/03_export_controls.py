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

# %% [markdown]
# # Export controls: how much magnet supply did April 2025 cut, for how long, and who lost most?
#
# China's monthly rare-earth permanent-magnet exports (customs HS 85051110, tonnes of magnet)
# against what they would plausibly have been without the April 2025 export controls, estimated
# two ways with statsmodels. The answer is a number of tonnes with an interval, a recovery month,
# and how much both move when the method or the pre-control window changes.
#
# Months missing from the public record are derived by `analysis.exports` where the sources allow
# (a year-to-date difference or a stated y/y or m/m change) and flagged as such; months that
# cannot be derived stay missing and are dropped from every fit, never imputed.

# %% tags=["parameters"]
control_date = "2025-04-04"  # date of the control (YYYY-MM-DD): the first export_control event in data/events.csv
pre_start = "2024-01"  # first month of the pre-control window the counterfactual is fitted on (YYYY-MM)
method = "its"  # counterfactual; one of: seasonal_naive_trend, its
destinations = [
    "US",
    "EU27",
    "Germany",
    "South Korea",
    "Japan",
    "India",
    "Vietnam",
]  # destinations compared; one of: EU27, Germany, India, Japan, South Korea, US, Vietnam
disruption_end = "auto"  # last disruption month (YYYY-MM), or auto: the month before exports recover
# 2: floor(4*(T/100)^(2/9)) for T of 24 months (Newey and West 1994).
hac_maxlags = 2  # Newey-West max lag of the ITS; range: 0..
interval_level = 0.95  # coverage of every interval; range: 0.5..0.99
sensitivity_windows = [
    "2021-01",
    "2023-01",
    "2024-01",
    "2024-07",
]  # pre-window starts compared in the sensitivity table
series_start = "2024-01"  # first month shown in the charts and tables (YYYY-MM)

# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis import claims_exports, exports, impact, plotting, report, tables
from analysis.charts import exports as export_charts

p = impact.validate_parameters(control_date, pre_start, method, destinations, disruption_end, hac_maxlags,
                               interval_level, sensitivity_windows, series_start)
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 250)

figures = exports.derive()
series = exports.monthly("total", start=impact.SERIES_START, figures=figures)
# the counterfactual, the tonnes lost, the sensitivity table and the destination shares
assessment = impact.assess(series, p, series_start, figures=figures)

# %% [markdown]
# ## The numbers behind the answer

# %%
Markdown(impact.summary(assessment))

# %% [markdown]
# ## The monthly series against the counterfactual
#
# Blue bars are months China customs reported (as quoted by the press), orange bars months derived
# from other published figures (whiskers: the range the rounding of their inputs allows), hatched
# grey bands months with no figure at all. The line is the counterfactual with its interval; the
# red shading marks the disruption months. Dashed lines are the dated export-control events in
# `data/events.csv`.

# %%
export_charts.versus_counterfactual(assessment.monthly, method=method, level=interval_level,
                                    control_month=p["control_month"], disruption_months=assessment.disruption,
                                    pre_start=p["pre_start"])

# %% [markdown]
# Every month, with its flag, the counterfactual and the shortfall (counterfactual minus actual,
# from the control month on). `formula` says how a derived month was obtained.

# %%
impact.month_table(assessment.monthly)

# %% [markdown]
# Months still missing from the public record since the series start, and why no published figure
# gives them: each would need its own report, a pair of year-to-date totals, a stated change
# against the same month of another year, or (for December) an annual total and January-November.

# %%
still_missing = exports.missing_reasons("total", start=series_start, figures=figures)
still_missing if len(still_missing) else Markdown(f"No month since {series_start} is missing: every one is reported or derived.")

# %% [markdown]
# ## How the counterfactual is estimated
#
# - **`its`** (interrupted time series): `exports = b0 + b1·t + b2·post + b3·(t − t0)·post` by OLS on
#   every month with a figure from the window start to the latest month, with HAC (Newey-West)
#   standard errors. The counterfactual is the pre-control line `b0 + b1·t`; its interval adds the
#   pre-period month-to-month noise to the HAC uncertainty of the line.
# - **`seasonal_naive_trend`**: the same month a year earlier times the mean year-on-year growth
#   of the pre-control months whose month a year earlier is known. Its interval is simulated from
#   the standard error of that mean and the spread of the ratios.
#
# **Missing months are dropped, not imputed.** The sample is small: the tables below say exactly
# how many months each fit rests on. Derived months enter the fits like reported ones; a base month
# derived from a stated y/y rate (April-June 2024) makes the seasonal-naive counterfactual for
# April-June 2025 partly a restatement of that rate.

# %%
display(Markdown(assessment.notes_markdown()))
assessment.cf.coefficients.round(3)

# %% [markdown]
# ## Sensitivity: method x pre-control window
#
# The same loss and recovery month with each method and each window start. A row with a note
# could not be fitted (too few months with data); it is shown, not hidden.

# %%
display(export_charts.loss_sensitivity(assessment.sensitivity, series, method=method, pre_start=p["pre_start"],
                                       level=interval_level, disruption_end=p["disruption_end"]))
assessment.sensitivity.round(0)

# %% [markdown]
# ## Who lost most: destination shares before and after the controls
#
# Shares are computed only for months where both the destination and the total are known (each
# month used is listed). Destination data are sparse: the EU appears only after the controls in
# monthly data, so its comparison uses the half-year totals (H1 2024 against H1 2025).

# %%
display(export_charts.destination_shares(assessment.share_months, assessment.share_summary, destinations))
assessment.share_summary.round(1)

# %% [markdown]
# Same months one year apart (multi-month totals), where both years are known:

# %%
assessment.same_span.round(1)

# %% [markdown]
# ## The seeds' export statements, checked
#
# Every growth rate and ratio the seed documents state about exports, recomputed by
# `analysis.consistency` from the figures it relates (each a claim of `analysis.claims_exports`).
# "Consistent" means some rounding of the published figures reproduces the statement. Where an
# input is derived, `derived_inputs` gives its formula. A statement whose base month was itself derived from the same statement (SMM's -45% y/y
# gives April 2024) cannot confirm itself: it is marked circular.

# %%
claims = claims_exports.relation_table("seed")
claims[["claim_id", "period", "base", "series", "stated", "verdict", "arithmetic", "derived_inputs"]]

# %% [markdown]
# The tonnages the seeds state, against every other source for the same period:

# %%
levels = claims_exports.level_table("seed")
levels[["source_id", "destination", "period", "stated_t", "other_sources", "verdict"]]

# %% [markdown]
# ## Prices over the same window
#
# The Pr-Nd oxide price (China domestic, incl. VAT, CNY/t; a band where the assessor gives a range)
# with the disruption months shaded. **This shows timing only.** Prices move with domestic
# quotas, demand, stockpiling and policy news as well as with exports; a few dozen price points and
# one episode of export disruption cannot separate these, so no causal effect of the controls on
# prices is claimed here.

# %%
export_charts.prnd_price(impact.price_context(series_start), assessment.disruption, series_start, p["data_last"])

# %%
parameters = {"control_date": control_date, "pre_start": pre_start, "method": method, "destinations": destinations,
              "disruption_end": disruption_end, "hac_maxlags": hac_maxlags, "interval_level": interval_level,
              "sensitivity_windows": sensitivity_windows, "series_start": series_start}
path = report.write_results("03_export_controls", impact.results(assessment, parameters, claims, levels, still_missing))
display(Markdown(report.results_note(path)))

# %% [markdown]
# ## Caveats
#
# - **Small samples.** Each fit rests on few points (the number is in the sensitivity table, `n`):
#   months of the pre-control window are missing, and only a handful of pre-control months have
#   their month a year earlier in the data. The intervals are wide for that reason; the
#   sensitivity table shows how much the choice of window matters.
# - **Derived months** are arithmetic on rounded published figures (their whiskers are rounding
#   ranges, not statistical intervals). Some 2024 months come from the y/y rates stated for the
#   same months of 2025 (see `formula`), so the y/y comparison for those months is the sources'
#   own, not independent.
# - **Seasonality.** The ITS has no monthly seasonality (too few years); February (Lunar New Year)
#   is low in both 2024 and 2025 and widens its residual spread.
# - **Scope.** Customs HS 85051110 (sintered NdFeB and other rare-earth permanent magnets), tonnes of
#   magnet. Figures on a broader scope (magnets and alloys, e.g. Adamas' 2024 total) are not used.
# - **Causality.** The counterfactual attributes the whole gap to the controls; any other shock in
#   the same months (trade policy elsewhere, licensing backlogs, demand) is not separated from it.
