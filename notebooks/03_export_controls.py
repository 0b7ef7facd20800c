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
import warnings

import pandas as pd
from IPython.display import Markdown, display

from analysis import claims as verdicts
from analysis import exports, impact, plotting, report, tables
from analysis import prices as pr

p = impact.validate_parameters(control_date, pre_start, method, destinations, disruption_end, hac_maxlags,
                               interval_level, sensitivity_windows, series_start)
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 250)
pct = f"{interval_level:.0%}"

figures = exports.derive()
series = exports.monthly("total", start=impact.SERIES_START, figures=figures)
with warnings.catch_warnings(record=True) as caught:  # statsmodels warnings are reported as text below
    warnings.simplefilter("always")
    cf = impact.counterfactual(series, control_date, pre_start, method, hac_maxlags, interval_level)
    result = impact.impact(cf, p["disruption_end"])
    net = impact.impact(cf, p["data_last"])
    table_sens = impact.sensitivity(series, control_date, p["sensitivity_windows"], impact.METHODS, hac_maxlags,
                                    interval_level, p["disruption_end"])
shown = cf.table[cf.table["month"] >= pd.Period(series_start, "M")].copy()
shown["shortfall_t"] = (shown["counterfactual_t"] - shown["mass_t"]).where(shown["month"] >= p["control_month"])
disruption = [pd.Period(m, "M") for m in result["disruption_months"]]
first = shown[shown["month"] == p["control_month"]].iloc[0]
trough = shown[shown["month"].isin(disruption)].assign(gap=lambda d: d["mass_t"] / d["counterfactual_t"] - 1)
trough = trough.loc[trough["gap"].idxmin()] if not trough.empty else first.assign(gap=first["mass_t"] / first["counterfactual_t"] - 1)
ok = table_sens[table_sens["note"] == ""]

# %% [markdown]
# ## The answer in numbers

# %%
rec = result["recovery_month"] or f"not by {p['data_last']}"
span = f"{disruption[0]} to {disruption[-1]}" if disruption else "none"
catch_up = result["lost_t"] - net["lost_t"]
net_note = ("the interval includes zero, so over the whole period the data cannot tell whether the shortfall persisted"
            if net["lost_low_t"] <= 0 <= net["lost_high_t"] else "the interval excludes zero")
months_used, share_summary = impact.share_shift(destinations, control_date, series_start, figures=figures)
spans = impact.same_span_shares(destinations, control_date, figures=figures)
span_rows = impact.common_span(spans)
us = share_summary[share_summary["destination"] == "US"].set_index("period")["pooled_share_pct"]
lines = [
    f"- **Counterfactual:** `{method}`, fitted on {cf.n_pre} pre-control points from {pre_start}; control month "
    f"{p['control_month']} (control dated {p['control_date']:%Y-%m-%d}).",
    f"- **Disruption:** {span} ({len(disruption)} months; rule: {result['disruption_rule']}).",
    f"- **Tonnes lost over the disruption:** **{result['lost_t']:,.0f} t** of magnet ({pct} interval "
    f"{result['lost_low_t']:,.0f} to {result['lost_high_t']:,.0f} t), {result['lost_pct_of_counterfactual']:.0f}% of the "
    f"{result['counterfactual_t']:,.0f} t the counterfactual expected; actual exports were {result['actual_t']:,.0f} t.",
    f"- **Deepest month:** {trough['month']}, {trough['mass_t']:,.0f} t against {trough['counterfactual_t']:,.0f} t "
    f"expected ({trough['gap']:+.0%}).",
    f"- **Recovery month** (first month with exports at or above the counterfactual's lower {pct} bound): **{rec}**.",
    f"- **From the control to {p['data_last']}:** {net['lost_t']:,.0f} t short ({net['lost_low_t']:,.0f} to "
    f"{net['lost_high_t']:,.0f} t): the months after the recovery added {catch_up:+,.0f} t against the counterfactual; "
    f"{net_note}.",
    f"- **Across {len(ok)} method x window combinations** the loss ranges from {ok['lost_t'].min():,.0f} to "
    f"{ok['lost_t'].max():,.0f} t and recovery from {ok['recovery_month'].min()} to {ok['recovery_month'].max()}.",
]
if {"before", "after"} <= set(us.index):
    lines.append(f"- **US share of China's magnet exports:** {us['before']:.1f}% before, {us['after']:.1f}% after "
                 f"(pooled over the months where both are known, listed below).")
if not span_rows.empty:
    lines.append(f"- **Who lost most, {span_rows['span_after'].iloc[0]} against a year earlier:** " + "; ".join(
        f"{r.destination} {r.destination_change_pct:+.1f}%" for r in span_rows.itertuples())
        + f" (total {span_rows['total_change_pct'].iloc[0]:+.1f}%).")
display(Markdown("\n".join(lines)))

# %% [markdown]
# ## The monthly series against the counterfactual
#
# Blue bars are months China customs reported (as quoted by the press), orange bars months derived
# from other published figures (whiskers: the range the rounding of their inputs allows), hatched
# grey bands months with no figure at all. The line is the counterfactual with its interval; the
# red shading marks the disruption months. Dashed lines are the dated export-control events in
# `data/events.csv`.

# %%
fig, ax = plotting.plt.subplots()
plotting.export_status_bars(ax, shown)
post = shown[shown["month"] >= p["control_month"]].dropna(subset=["counterfactual_t"])
x_post = plotting.month_centre(post["month"])
ax.plot(x_post, post["counterfactual_t"], color="#2a2a2a", lw=1.6, marker="o", ms=3, label=f"counterfactual ({method})")
ax.fill_between(x_post, post["counterfactual_low_t"], post["counterfactual_high_t"], color="#2a2a2a", alpha=0.12,
                label=f"{pct} interval")
if method == "its":
    pre_line = shown[shown["month"] < p["control_month"]]
    ax.plot(plotting.month_centre(pre_line["month"]), pre_line["counterfactual_t"], color="#2a2a2a", lw=1, ls=":",
            label="pre-control trend (fitted)")
if disruption:
    ax.axvspan(disruption[0].to_timestamp(), (disruption[-1] + 1).to_timestamp(), color="#d62728", alpha=0.08,
               label="disruption months")
ax.set_ylim(0, max(shown["mass_t"].max(), shown["counterfactual_high_t"].max()) * 1.35)
ax.set_ylabel("exports, t of magnet per month")
ax.set_title(f"China's rare-earth magnet exports vs a counterfactual ({method}), t/month")
plotting.status_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
key = plotting.annotate_events_numbered(ax, categories=[impact.CONTROL_CATEGORY])
plotting.source_note(fig, shown["source_ids"].dropna().str.split(", ").explode(),
                     f"Customs HS 85051110, t of magnet. Derived months and the counterfactual computed by analysis.exports "
                     f"and analysis.impact; pre-control window from {pre_start}. {key}")
plotting.plt.show()

# %% [markdown]
# Every month, with its flag, the counterfactual and the shortfall (counterfactual minus actual,
# from the control month on). `formula` says how a derived month was obtained.

# %%
cols = ["month", "status", "mass_t", "mass_low_t", "mass_high_t", "counterfactual_t", "counterfactual_low_t",
        "counterfactual_high_t", "shortfall_t", "formula"]
shown[cols].set_index("month").round(0).astype({c: "Int64" for c in cols if c.endswith("_t")})

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
for note in cf.notes + [f"warning raised while fitting: {w.message}" for w in caught]:
    display(Markdown(f"- {note}"))
cf.coefficients.round(3)

# %% [markdown]
# ## Sensitivity: method x pre-control window
#
# The same loss and recovery month with each method and each window start. A row with a note
# could not be fitted (too few months with data); it is shown, not hidden.

# %%
fig, ax = plotting.plt.subplots(figsize=(10, 3.6))
labels = ok["method"] + ", from " + ok["pre_start"] + " (n=" + ok["n_pre_points"].astype(int).astype(str) + ")"
ax.errorbar(ok["lost_t"], labels, xerr=[ok["lost_t"] - ok["lost_low_t"], ok["lost_high_t"] - ok["lost_t"]],
            fmt="o", color="#1f77b4", ecolor="#1f77b4", capsize=3)
sel = (ok["method"] == method) & (ok["pre_start"] == str(p["pre_start"]))
ax.plot(ok.loc[sel, "lost_t"], labels[sel], "o", ms=10, mfc="none", color="#d62728", label="this report's choice")
ax.set_xlim(left=0)
ax.set_xlabel(f"magnet exports lost over the disruption, t (point and {pct} interval)")
ax.set_title("Estimated tonnes lost by method and pre-control window start, t")
ax.legend(loc="lower right")
plotting.source_note(fig, series["source_ids"].dropna().str.split(", ").explode(),
                     "Each row: disruption months found by that fit's own recovery rule. n = pre-control points fitted.")
plotting.plt.show()
table_sens.round(0)

# %% [markdown]
# ## Who lost most: destination shares before and after the controls
#
# Shares are computed only for months where both the destination and the total are known (each
# month used is listed). Destination data are sparse: the EU appears only after the controls in
# monthly data, so its comparison uses the half-year totals (H1 2024 against H1 2025).

# %%
fig, ax = plotting.plt.subplots()
markers = dict(zip(destinations, "osD^vPX*"))
colours = dict(zip(destinations, plotting.sns.color_palette("tab10", len(destinations))))
for dest, g in months_used.groupby("destination", sort=False):
    derived_any = (g["status"] == "derived") | (g["total_status"] == "derived")
    x = plotting.month_centre(g["month"])
    colour = colours[dest]
    ax.scatter(x[~derived_any], g.loc[~derived_any, "share_pct"], marker=markers.get(dest, "o"), color=colour,
               label=dest, zorder=3)
    ax.scatter(x[derived_any], g.loc[derived_any, "share_pct"], marker=markers.get(dest, "o"), facecolor="white",
               edgecolor=colour, zorder=3)
for row in share_summary[share_summary["destination"] == "US"].itertuples():
    m = months_used[(months_used["destination"] == "US") & (months_used["period"] == row.period)]["month"]
    ax.hlines(row.pooled_share_pct, m.min().to_timestamp(), (m.max() + 1).to_timestamp(), color="#444444", lw=1.2, ls="--")
    ax.text(m.min().to_timestamp(), row.pooled_share_pct + 0.6, f"US {row.period}: {row.pooled_share_pct:.1f}%", fontsize=8)
ax.scatter([], [], facecolor="white", edgecolor="#444444", label="hollow: a derived figure")
ax.set_ylim(0, months_used["share_pct"].max() * 1.3)
ax.set_ylabel("share of China's magnet exports, % of t")
ax.set_title("Destination shares of China's magnet exports by month, % of total t")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
key = plotting.annotate_events_numbered(ax, categories=[impact.CONTROL_CATEGORY])
plotting.source_note(fig, months_used["source_ids"].str.split(", ").explode(),
                     "Only months with both the destination and the total known. Dashed: US pooled share "
                     f"(sum of US t / sum of total t). {key}")
plotting.plt.show()
share_summary.round(1)

# %% [markdown]
# Same months one year apart (multi-month totals), where both years are known:

# %%
spans.round(1)

# %% [markdown]
# ## The seeds' export statements, checked
#
# Every growth rate and ratio the seed documents state about exports, recomputed by
# `analysis.consistency` from the figures it relates. "Consistent" means some rounding of the
# published figures reproduces the statement. Where an input is derived, `derived_inputs` gives its
# formula. A statement whose base month was itself derived from the same statement (SMM's -45% y/y
# gives April 2024) cannot confirm itself: it is marked circular.

# %%
claims = impact.claim_checks("seed")
claims[["claim_id", "period", "base", "series", "stated", "verdict", "arithmetic", "derived_inputs"]]

# %% [markdown]
# The tonnages the seeds state, against every other source for the same period:

# %%
levels = impact.level_checks("seed")
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
prices = pr.price_points(currency="CNY", unit="t", vat="incl", products=["prnd_oxide"], start=f"{series_start}-01")
prices = prices[prices["basis"] == "cn_domestic_incl_vat"].sort_values("date")
fig, ax = plotting.plt.subplots()
ax.fill_between(prices["date"], prices["price_low"] / 1000, prices["price_high"] / 1000,
                color="#9467bd", alpha=0.25, label="assessed range")
ax.plot(prices["date"], prices["price_mid"] / 1000, color="#9467bd", marker="o", ms=3, lw=1.2, label="mid-point")
if disruption:
    ax.axvspan(disruption[0].to_timestamp(), (disruption[-1] + 1).to_timestamp(), color="#d62728", alpha=0.08,
               label="export disruption months")
ax.set_xlim(pd.Period(series_start, "M").to_timestamp(), (p["data_last"] + 1).to_timestamp())
ax.set_ylim(0, prices["price_high"].max() / 1000 * 1.3)
ax.set_ylabel("Pr-Nd oxide, thousand CNY/t (incl. VAT)")
ax.set_title("Pr-Nd oxide price in China, thousand CNY/t incl. VAT, with the export-disruption months")
ax.legend(loc="lower right")
key = plotting.annotate_events_numbered(ax, categories=[impact.CONTROL_CATEGORY])
plotting.source_note(fig, prices["source_id"], f"Oxide (not metal) price, China domestic basis incl. VAT, as assessed. {key}")
plotting.plt.show()

# %%
results = {
    "key_figures": {
        f"magnet exports lost, {span} ({method})":
            f"{result['lost_t']:,.0f} t ({pct} interval {result['lost_low_t']:,.0f} to {result['lost_high_t']:,.0f} t)",
        "recovery month": rec,
        "deepest month vs counterfactual": f"{trough['month']}: {trough['gap']:+.0%}",
        f"net shortfall {p['control_month']} to {p['data_last']}":
            f"{net['lost_t']:,.0f} t ({pct} interval {net['lost_low_t']:,.0f} to {net['lost_high_t']:,.0f} t)",
        "loss across methods x windows": f"{ok['lost_t'].min():,.0f} to {ok['lost_t'].max():,.0f} t",
        "US share of exports before -> after": " -> ".join(
            f"{v:.1f}%" for v in share_summary.loc[share_summary["destination"] == "US", "pooled_share_pct"]),
        "seed export statements consistent": f"{(claims['verdict'] == verdicts.CONSISTENT).sum()} of {len(claims)} "
                                             f"({claims['verdict'].str.startswith('circular').sum()} circular)",
    },
    "parameters": {"control_date": control_date, "pre_start": pre_start, "method": method, "destinations": destinations,
                   "disruption_end": disruption_end, "hac_maxlags": hac_maxlags, "interval_level": interval_level,
                   "sensitivity_windows": sensitivity_windows, "series_start": series_start},
    "impact": {k: (round(v, 1) if isinstance(v, float) else v) for k, v in result.items()},
    "net_since_control": {k: (round(v, 1) if isinstance(v, float) else v) for k, v in net.items()},
    "monthly": report.records(shown[cols], 1),
    "model": {"notes": cf.notes, "coefficients": report.records(cf.coefficients, 4)},
    "sensitivity": report.records(table_sens, 1),
    "destination_shares": {"months": report.records(months_used.drop(columns="source_ids"), 2),
                           "summary": report.records(share_summary, 2), "same_span": report.records(spans, 2)},
    "seed_statements": report.records(claims.drop(columns="passage"), 3),
    "seed_levels": report.records(levels.drop(columns="passage"), 1),
}
path = report.write_results("03_export_controls", {**results, "missing_months": report.records(still_missing)})
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
