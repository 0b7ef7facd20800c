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

from analysis import backtest, plotting, report, tables
from analysis import price_charts as charts
from analysis import prices as pr

params = pr.validate_parameters(currency=currency, unit=unit, vat=vat, products=products, start=start, end=end,
                                max_fx_gap_days=max_fx_gap_days, forecast_horizon_months=forecast_horizon_months,
                                max_interp_gap_months=max_interp_gap_months)
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 140)
points = pr.price_points(currency=currency, unit=unit, vat=vat, max_fx_gap_days=max_fx_gap_days,
                         products=products, start=start, end=end)
price_unit = f"{currency}/{unit}"
basis_text = charts.basis_note(price_unit, vat)
fmt = (lambda v: f"{v:,.0f}") if unit == "t" else (lambda v: f"{v:,.2f}")
display(Markdown(f"**Basis of every price below: {basis_text}.** {len(points)} quotes of "
                 f"{', '.join(pr.PRODUCT_LABELS[p] for p in products)} between {start} and {end}."))

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
fig, events_key = charts.grid_chart(grid, domestic, summary=summary,
                                    title=f"Pr-Nd oxide, China domestic spot: monthly grid, {basis_text}")
plotting.source_note(fig, domestic["source_id"], f"Monthly grid by analysis.prices.monthly_grid; {basis_text}; "
                     f"FX: data/fx_rates.csv. {events_key} (data/events.csv)")
plotting.plt.show()

# %%
counts = pr.grid_summary(grid)
display(Markdown(
    f"**{summary['peak_month']} peak: {fmt(summary['peak'])} {price_unit}. Trough {summary['trough_month']}: "
    f"{fmt(summary['trough'])} {price_unit}, {summary['max_drawdown_pct']:.1f}% from the peak. "
    f"Latest month {summary['latest_month']}: {fmt(summary['latest'])} {price_unit}, "
    f"{summary['rise_from_trough_pct']:+.1f}% from the trough and still {-summary['latest_drawdown_pct']:.1f}% "
    f"below the peak.** The grid has {counts['observed']} observed, {counts['averaged']} averaged, "
    f"{counts['interpolated']} interpolated and {counts['gap']} gap months; the longest runs without a quote:"))
gaps = grid[grid["status"] == pr.GAP].groupby("how", sort=False).agg(first=("month", "min"), last=("month", "max"),
                                                                       months=("month", "size")).reset_index(drop=True)
gaps.assign(first=gaps["first"].astype(str), last=gaps["last"].astype(str))

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
for product in products:
    rows = points[points["product"] == product]
    if rows[rows["basis"] != "blog_estimate"].empty:
        display(Markdown(f"No {pr.PRODUCT_LABELS[product]} quotes between {start} and {end}."))
        continue
    fig, events_key = charts.history_chart(points, product, vat=vat, start=start, end=end)
    shown = rows[rows["basis"] != "blog_estimate"]
    plotting.source_note(fig, shown["source_id"], f"{basis_text}; FX: data/fx_rates.csv; USGS states no VAT basis "
                         f"(left unchanged). {events_key} (data/events.csv)")
    plotting.plt.show()

# %% [markdown]
# ## How fast it moves: year-on-year change, drawdown and volatility
#
# Year-on-year change compares a month with the same month a year earlier; the drawdown is the
# distance below the highest month so far. Both are empty where the grid has a gap.

# %%
vol = pr.log_return_volatility(grid)
fig = charts.metrics_chart(grid, title=f"Pr-Nd oxide, China domestic: y/y change and drawdown, % ({basis_text})")
plotting.source_note(fig, domestic["source_id"], "Computed from the monthly grid above; gap months left empty.")
plotting.plt.show()
display(Markdown(
    f"**Volatility: {vol['annualised_pct']:.0f}% a year** ({vol['monthly_std_pct']:.1f}% a month): {vol['method']}. "
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
    fig = charts.ratio_chart(ratios)
    plotting.source_note(fig, ratios["source_ids"].str.split(", ").explode(),
                         "Parity from IUPAC atomic weights (analysis.units). Same-date, same-assessor pairs only.")
    plotting.plt.show()
    below = ratios[ratios["ratio"] < ratios["parity_ratio"]]
    by_pair = ratios.groupby("pair")["premium_over_parity_pct"].median()
    display(Markdown(
        "Median premium over parity: " + "; ".join(f"{p} {v:+.1f}%" for p, v in by_pair.items()) + ". "
        + ("Below parity (the metal quoted cheaper than the oxide it contains, worth checking at the source): "
           + "; ".join(f"{r.pair}, {r.basis}, {r.assessor}, {r.date:%Y-%m-%d}: {r.ratio:.3f}" for r in below.itertuples())
           if len(below) else "No pair is below parity.")))
    display(ratios[["pair", "date", "basis", "assessor", "ratio", "parity_ratio", "premium_over_parity_pct"]]
            .assign(date=ratios["date"].dt.strftime("%Y-%m-%d")).round(4))

# %% [markdown]
# ## Do the seeds' price claims hold up?
#
# Each claim is recomputed from `data/` with the arithmetic written out. Money comparisons use
# USD/kg excl. VAT whatever basis the charts show (the basis of the USGS averages and of the seeds'
# $/kg figures), with monthly FX. Verdicts: **consistent** (the central recomputation supports the
# claim), **only at range extremes** (only the most favourable ends of the published ranges do),
# **disagrees**, **not checkable** (the data has no comparator). Where `analysis.consistency`
# already recomputes a claim (`claim_id`), its result is used.

# %%
claims = pr.seed_claims(max_fx_gap_days=max_fx_gap_days, max_interp_gap_months=max_interp_gap_months)
with pd.option_context("display.max_colwidth", None):
    display(claims[["claim", "source", "stated", "recomputed", "arithmetic", "verdict", "basis"]])

# %%
claim_pts = pr.claim_points(max_fx_gap_days=max_fx_gap_days)
yearly = pr.seed000_yearly(claim_pts, max_interp_gap_months=max_interp_gap_months)
fig = charts.seed000_chart(yearly)
used = claim_pts[claim_pts["basis"].isin(["blog_estimate", "annual_average", pr.DOMESTIC])]
plotting.source_note(fig, used["source_id"], "Market means: mean of the quoted months of each China-domestic grid, "
                     "converted to USD/kg excl. VAT with monthly FX.")
plotting.plt.show()
verdicts = claims["verdict"].value_counts()
usgs = yearly.set_index("year")["usgs_nd_oxide"].dropna()
seed = yearly.set_index("year")["seed_low"]
display(Markdown(
    f"**{verdicts.get(pr.VERDICT_BAD, 0)} of {len(claims)} claims disagree with the data; "
    f"{verdicts.get(pr.VERDICT_OK, 0)} are consistent.** Seed 000's table goes from ${seed.iloc[0]:g}/kg in "
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
fig = charts.forecast_chart(grid, fc.forecast, title=f"Pr-Nd oxide, China domestic: 50% and 90% prediction "
                            f"intervals, {price_unit}")
display(Markdown(f"Model: {fc.model}, on {basis_text}. The median starts from the last grid month "
                 f"({last}: {fmt(fc.fitted_on['price_mid'].iloc[-1])} {price_unit}, the mean of that month's quotes), "
                 "not from the last single quote."))
plotting.source_note(fig, domestic["source_id"], f"statsmodels ARIMA on the log of the monthly grid, {first} to {last}.")
plotting.plt.show()
table = fc.forecast.assign(month=fc.forecast["month"].astype(str))
table["width_90_pct_of_median"] = (table["hi_90"] - table["lo_90"]) / table["median"] * 100
table.round(2 if unit == "kg" else 0)

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
fig = charts.residual_chart(fc.residuals, title=f"Residuals of the {fc.model}, log points x 100")
plotting.source_note(fig, [], "Dashed lines: +/- 2 standard deviations. Ljung-Box test of residual autocorrelation below.")
plotting.plt.show()
lb = fc.ljung_box.round(3)
display(Markdown(
    "Ljung-Box: p-values above 0.05 mean no evidence of autocorrelation left in the residuals "
    f"(lowest p-value here {lb['lb_pvalue'].min():.2f})."))
lb

# %%
end_row = fc.forecast.iloc[-1]
dom_latest = latest[latest["series_label"] == pr.series_label("prnd_oxide", pr.DOMESTIC)].iloc[0]
disagree = int((claims["verdict"] == pr.VERDICT_BAD).sum())
results = {
    "key_figures": {
        f"Pr-Nd oxide China spot, latest quote ({dom_latest['date'].date()})": f"{fmt(dom_latest['price_mid'])} {basis_text}",
        f"Pr-Nd oxide peak ({summary['peak_month']})": f"{fmt(summary['peak'])} {price_unit}",
        f"Pr-Nd oxide trough ({summary['trough_month']})": f"{fmt(summary['trough'])} {price_unit}",
        "Drawdown peak to trough": f"{summary['max_drawdown_pct']:.1f}%",
        f"Rise trough to {summary['latest_month']}": f"{summary['rise_from_trough_pct']:+.1f}%",
        "Volatility of monthly log returns": f"{vol['annualised_pct']:.0f}% a year",
        f"Forecast {end_row['month']} (90% interval)": f"{fmt(end_row['lo_90'])}-{fmt(end_row['hi_90'])} {price_unit}" + (
            f"; in the backtest such bands held {(bt_scores['coverage_90_pct'] * bt_scores['forecasts']).sum() / bt_scores['forecasts'].sum():.0f}% "
            f"of {int(bt_scores['forecasts'].sum())} outcomes" if len(bt_scores) else ""),
        "Seed price claims that disagree": f"{disagree} of {len(claims)}",
    },
    "parameters": {k: (str(v.date()) if isinstance(v, pd.Timestamp) else v) for k, v in params.items()},
    "basis": basis_text,
    "latest_by_series": [
        {"series": r.series_label, "date": str(r.date.date()), "price_mid": round(float(r.price_mid), 4),
         "price_unit": r.price_unit, "fx_rate_cny_per_usd": None if pd.isna(r.fx_rate_cny_per_usd) else float(r.fx_rate_cny_per_usd),
         "source_id": r.source_id} for r in latest.itertuples()],
    "prnd_oxide_domestic": {**{k: (round(v, 4) if isinstance(v, float) else v) for k, v in summary.items()},
                            "grid_months": counts, "volatility": {k: (round(v, 4) if isinstance(v, float) else v)
                                                                  for k, v in vol.items()}},
    "seed_claims": report.records(
        claims[["claim", "source", "stated", "recomputed", "verdict", "stated_value", "recomputed_value", "claim_id"]]),
    "forecast": {"model": fc.model, "choice": fc.choice, "fitted_from": str(first), "fitted_to": str(last),
                 "quantiles": report.records(table.drop(columns=["price_unit"]), 4),
                 "price_unit": price_unit, "candidates": report.records(fc.candidates, 4),
                 "ljung_box": report.records(lb), "warnings": fc.warnings},
    "backtest": report.records(bt_scores, 4),
    "metal_oxide_ratios": report.records(
        ratios[["pair", "date", "basis", "assessor", "ratio", "parity_ratio", "premium_over_parity_pct"]], 4),
}
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
