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
# # What has the price of neodymium done? Nd and Pr-Nd prices 2020-2026 on one basis
#
# Pr-Nd oxide, Nd oxide, Nd metal and Pr-Nd metal prices from 2020 to 2026, every quote put on one
# currency, unit and VAT basis, each price basis kept on its own line; a monthly grid that says how
# every month was obtained and never hides a gap; the 2022 peak, the 2024 trough and the 2025-26
# rise; a short-horizon forecast band; and the seeds' price claims, each with a verdict.
#
# Every quote comes from `data/prices.csv` (with its source and passage), every exchange rate from
# `data/fx_rates.csv`; all arithmetic is in `analysis/prices.py` and `analysis/units.py`.

# %% tags=["parameters"]
currency = "USD"  # currency of every price shown; one of: CNY, USD
unit = "kg"  # mass unit of prices; one of: t, kg
vat = "excl"  # with or without China's 13% VAT (domestic quotes include it, FOB/CIF do not); one of: incl, excl
products = [
    "prnd_oxide",
    "nd_oxide",
    "nd_metal",
    "prnd_metal",
]  # products to chart; one of: prnd_oxide, nd_oxide, nd_metal, prnd_metal
start = "2020-01-01"  # first date shown, YYYY-MM-DD (2020-2026 is the span the price data covers)
end = "2026-12-31"  # last date shown, YYYY-MM-DD
max_fx_gap_days = 31  # refuse a quote whose nearest earlier FX rate is older than this many days; range: 0..366
# Longer runs of empty months than max_interp_gap_months stay gaps.
max_interp_gap_months = 3  # longest run of empty months filled by linear interpolation; range: 0..24
forecast_horizon_months = 6  # months ahead for the Pr-Nd oxide forecast band; range: 1..36

# %%
import warnings

import pandas as pd
from IPython.display import Markdown, display

from analysis import backtest, claims_prices, plotting, report, tables
from analysis import claims as verdicts
from analysis import prices as pr
from analysis.charts import prices as charts
from analysis.formatting import pct

params = pr.validate_parameters(currency=currency, unit=unit, vat=vat, products=products, start=start, end=end,
                                max_fx_gap_days=max_fx_gap_days, forecast_horizon_months=forecast_horizon_months,
                                max_interp_gap_months=max_interp_gap_months)
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 140)
points = pr.price_points(currency=currency, unit=unit, vat=vat, max_fx_gap_days=max_fx_gap_days,
                         products=products, start=start, end=end)
price_unit = f"{currency}/{unit}"
basis_text = pr.basis_note(price_unit, vat)
display(Markdown(f"**Basis of every price below: {basis_text}.** {len(points)} quotes of "
                 f"{', '.join(map(pr.PRODUCT_LABELS.get, products))} between {start} and {end}."))

# %% [markdown]
# ## One basis, and how each quote got there
#
# China-domestic quotes (SMM, Chinatungsten, Xinglu, Benchmark) and the China Northern listed price
# include 13% VAT; FOB China and CIF Rotterdam quotes do not, and USGS does not say (left
# unchanged). Each quote is converted with the USD/CNY rate of its month (a Fed H.10 monthly
# average), else the nearest earlier rate within `max_fx_gap_days`; a quote with no rate close
# enough stops the notebook with an error rather than a guess. The table shows, for the latest
# quote of each series, the rate used, its date and kind, and the gap in days.

# %%
latest = pr.latest_points(points)
pr.fx_audit_table(latest).round({"price_low": 2, "price_mid": 2, "price_high": 2})

# %% [markdown]
# ## The benchmark: Pr-Nd oxide in China, month by month
#
# Pr-Nd (didymium) oxide on the China-domestic spot basis is the most-quoted series, so it carries
# the peak, trough and forecast figures. Quotes are irregular (daily, weekly, some months none), so
# they are put on a monthly grid: one quote in a month is **observed**, several are **averaged**,
# a run of at most `max_interp_gap_months` empty months is **interpolated** linearly between its
# neighbours, and a longer run is a **gap**, left empty and shaded. Peak, trough and latest are
# read from quoted months only, so an interpolated value never sets a record.

# %%
domestic = points[points["series"] == "prnd_oxide:" + pr.DOMESTIC]
grid = pr.monthly_grid(domestic, max_interp_gap_months=max_interp_gap_months)
summary = pr.peak_trough(grid)
charts.grid_chart(grid, domestic, vat=vat, summary=summary)

# %%
counts = pr.grid_summary(grid)
display(Markdown(
    f"**{summary['peak_month']} peak: {pr.price_text(summary['peak'], price_unit)}. Trough {summary['trough_month']}: "
    f"{pr.price_text(summary['trough'], price_unit)}, {pct(summary['max_drawdown_pct'])} from the peak. "
    f"Latest month {summary['latest_month']}: {pr.price_text(summary['latest'], price_unit)}, "
    f"{pct(summary['rise_from_trough_pct'], signed=True)} from the trough and still "
    f"{pct(-summary['latest_drawdown_pct'])} below the peak.** The grid has {counts['observed']} observed, "
    f"{counts['averaged']} averaged, {counts['interpolated']} interpolated and {counts['gap']} gap months; "
    "the longest runs without a quote:"))
pr.gap_runs(grid)

# %% [markdown]
# ## Every product, every basis
#
# One chart per product. Each price basis is its own line (never joined with another): China
# domestic spot, the China Northern listed (guide) price, FOB China, CIF Rotterdam. Published
# ranges are the shaded bands and vertical bars; quotes more than 100 days apart are not joined.
# Quarterly and annual figures are horizontal segments over their period: the USGS Nd oxide
# annual averages (Argus), MP Materials' realised Pr-Nd price and the US DoD price floor. The
# seed 000 blog estimates are not market prices and appear only in the claims section.

# %%
unquoted = pr.unquoted_products(points, products)
if unquoted:
    display(Markdown(f"No quotes between {start} and {end} of: {', '.join(unquoted)}."))
display(*charts.history_charts(points, products, vat=vat, start=start, end=end))

# %% [markdown]
# ## How fast it moves: year-on-year change, drawdown and volatility
#
# Year-on-year change compares a month with the same month a year earlier; the drawdown is the
# distance below the highest month so far. Both are empty where the grid has a gap.

# %%
vol = pr.log_return_volatility(grid)
display(charts.metrics_chart(grid, domestic, vat=vat))
display(Markdown(
    f"**Volatility: {pct(vol['annualised_pct'], 0)} a year** ({pct(vol['monthly_std_pct'])} a month): {vol['method']}. "
    "Interpolated months are left out because a straight line between two quotes understates how much "
    "the price moved; with so few returns, treat the figure as an order of magnitude."))

# %% [markdown]
# ## Metal against oxide
#
# Metal is made from oxide, so the metal price should not fall below the price of the oxide it
# contains: the parity ratio is 1 / (metal mass fraction of the oxide), from the atomic weights.
# The premium above that parity pays for reduction to metal. Ratios are taken only where one
# assessor quotes both on the same date and basis (so FX and VAT cancel).

# %%
display(Markdown(f"Parity: Nd metal / Nd2O3 = **{pr.metal_oxide_parity('nd_metal'):.4f}**; Pr-Nd metal / Pr-Nd oxide "
                 f"(25:75 Pr6O11:Nd2O3 grade) = **{pr.metal_oxide_parity('prnd_metal'):.4f}**."))

# %%
ratios = pr.metal_oxide_ratios(points)
if ratios.empty:
    display(Markdown("No metal and oxide quoted on the same date by one assessor among the products shown."))
else:
    display(charts.ratio_chart(ratios))
    display(Markdown(pr.ratio_note(ratios)))
    display(pr.ratio_table(ratios))

# %% [markdown]
# ## Do the seeds' price claims hold up?
#
# Each claim is recomputed from `data/` with the arithmetic written out. Money comparisons use
# USD/kg excl. VAT whatever basis the charts show (the basis of the USGS averages and of the seeds'
# $/kg figures), with monthly FX. Verdicts: **consistent** (the central recomputation supports the
# claim), **only at range extremes** (only the most favourable ends of the published ranges do),
# **disagrees**, **not checkable** (the data has no comparator). Each claim is a small function in
# `analysis.claims_prices`; where `analysis.consistency` already recomputes a claim (`claim_id`),
# its result is used.

# %%
claims = claims_prices.table(max_fx_gap_days=max_fx_gap_days, max_interp_gap_months=max_interp_gap_months)
with pd.option_context("display.max_colwidth", None):
    display(claims[["claim", "source", "stated", "recomputed", "arithmetic", "verdict", "basis"]])

# %%
claim_pts = pr.claim_points(max_fx_gap_days=max_fx_gap_days)
yearly = pr.seed000_yearly(claim_pts, max_interp_gap_months=max_interp_gap_months)
display(charts.seed000_chart(yearly, claim_pts))
verdict_counts = claims["verdict"].value_counts()
usgs = yearly.set_index("year")["usgs_nd_oxide"].dropna()
seed = yearly.set_index("year")["seed_low"]
display(Markdown(
    f"**{verdict_counts.get(verdicts.DISAGREES, 0)} of {len(claims)} claims disagree with the data; "
    f"{verdict_counts.get(verdicts.CONSISTENT, 0)} are consistent.** Seed 000's table goes from ${seed.iloc[0]:g}/kg in "
    f"{seed.index[0]} to ${seed.max():g}/kg in {seed.idxmax()}, while the USGS Nd oxide average peaks in "
    f"{usgs.idxmax()} at {usgs.max():.0f} USD/kg and is {(1 - usgs.loc[usgs.idxmax():].min() / usgs.max()) * 100:.0f}% "
    f"lower by {usgs.loc[usgs.idxmax():].idxmin()}."))

# %% [markdown]
# ## Where it could go: a forecast band, not a forecast line
#
# **Model.** The monthly log price of Pr-Nd oxide (China domestic, on the chosen basis) is fitted
# with three small models: a random walk, a random walk with drift, and ARIMA(1,1,0) with drift.
# The lowest AIC wins unless a simpler model is within 2 AIC points. A random walk is the honest
# default for a thin series: with two years of monthly data a drift or an autoregressive term is
# barely identified, and extrapolating the 2025-26 rally as a trend would be a guess dressed as a model.
#
# **Gaps.** Only the most recent contiguous run of the grid is used (observed, averaged and
# interpolated months, with no gap inside). Interpolated months are straight lines between quotes,
# so they understate month-to-month variation: the bands are, if anything, too narrow.
#
# **Caveat.** This is an administered, thin market: prices follow quotas, export controls and state
# stockpiling, there is no liquid futures curve to anchor expectations, and one policy announcement
# can move the price by more than the 90% band. Read the width of the band, not the middle.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # statsmodels warnings are captured and reported below instead
    fc = pr.fit_forecast(grid, horizon_months=forecast_horizon_months)
first, last = fc.fitted_on["month"].iloc[0], fc.fitted_on["month"].iloc[-1]
fit_counts = fc.fitted_on["status"].value_counts()
display(Markdown(
    f"Fitted on {len(fc.fitted_on)} months, {first} to {last} "
    f"({fit_counts.get(pr.OBSERVED, 0)} observed, {fit_counts.get(pr.AVERAGED, 0)} averaged, "
    f"{fit_counts.get(pr.INTERPOLATED, 0)} interpolated). Model choice: {fc.choice}. "
    + (f"Warnings from statsmodels: {'; '.join(fc.warnings)}." if fc.warnings else "statsmodels raised no warnings.")))
fc.candidates.round(2)

# %%
display(Markdown(f"Model: {fc.model}, on {basis_text}. The median starts from the last grid month "
                 f"({last}: {pr.price_text(fc.fitted_on['price_mid'].iloc[-1], price_unit)}, the mean of that month's "
                 "quotes), not from the last single quote."))
display(charts.forecast_chart(grid, fc, domestic))
pr.forecast_table(fc.forecast).round(pr.price_decimals(price_unit))

# %% [markdown]
# ### Has the band been right before? A rolling-origin backtest
#
# The same procedure (model choice included) re-run at every past month of the fitted run, using
# only the months up to that point, and its median and bands for 1 to `forecast_horizon_months`
# ahead set against what followed. A well-calibrated 90% band holds about 90% of outcomes.

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # statsmodels warnings of the refits are not the reader's concern here
    bt_scores = backtest.score(backtest.rolling_origin(grid, forecast_horizon_months))
display(Markdown(backtest.verdict(bt_scores)))
bt_scores

# %%
display(charts.residual_chart(fc, domestic))
lb = fc.ljung_box.round(3)
display(Markdown(
    "Ljung-Box: p-values above 0.05 mean no evidence of autocorrelation left in the residuals "
    f"(lowest p-value here {lb['lb_pvalue'].min():.2f})."))
lb

# %%
results = pr.results(parameters=params, points=points, grid=grid, fc=fc, backtest_scores=bt_scores, claims=claims,
                     ratios=ratios)
path = report.write_results("01_price_history", results)
display(Markdown(report.results_note(path)))

# %% [markdown]
# ## Caveats
#
# - Quotes are what the trade press and the seeds printed, read through public pages; months without
#   a public quote are gaps, not zeros, and a quote is a spot assessment, not a transaction price.
# - China-domestic, listed, FOB and CIF prices are different markets with different buyers and
#   taxes; they are shown side by side and never averaged into one line.
# - Converting a CNY price to USD mixes the price move with the yuan's move; the choice of basis is a
#   parameter, and the FX rate behind each quote is in the audit table.
# - The forecast is a statistical band around a random path, not a view on policy; see its caveat above.
