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
# # What the data says, and where it disagrees with itself
#
# A walk through every curated dataset behind the Nd / NdFeB market reports: what each one covers,
# how much of 2019-2026 it fills, which export months had to be derived, and every growth rate,
# ratio or total in the sources that does not add up.
#
# Every figure in `data/` names its source document and the passage it comes from; the full list
# is `data/sources.csv`. Derived figures (gap months, recomputed rates) are computed here by code
# and are never written back to `data/`.

# %% tags=["parameters"]
start_year = 2019  # first year of the coverage chart; range: 2000..2060
end_year = 2026  # last year of the coverage chart; range: 2000..2060
exports_destination = "total"  # series charted; one of: total, EU27, Germany, India, Japan, South Korea, US, Vietnam
exports_start = "2024-01"  # first month of the export chart (YYYY-MM)
show_all_checks = False  # True lists every consistency check, not only the disagreements

# %%
import pandas as pd
from IPython.display import Markdown, display

import analysis
from analysis import claims, consistency, exports, overview, plotting, report, tables
from analysis.charts import exports as export_charts
from analysis.charts import overview as overview_charts
from analysis.data import catalogue_table, coverage_by_year
from analysis.text import md

plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 110)
coverage = coverage_by_year(start_year, end_year)  # checks the year range
export_series = exports.monthly(exports_destination, start=exports_start)

# %% [markdown]
# ## The datasets
#
# One row per table in `data/`. Units are part of each table's columns (`price_unit`, `mass_t`,
# `mass_t_reo`, ...); `data/catalogue.yaml` defines every column.

# %%
table = catalogue_table()
table

# %% [markdown]
# ## Where the figures come from
#
# Seed documents are the four market texts the project started from (kept verbatim in `seeds/`);
# everything else was read in public pages compiled in the research notes (`data/research_notes/`).
# Trade press and price reporters dominate: China's own statistics are rarely quoted first-hand.

# %%
sources = analysis.load("sources")
overview_charts.sources_by_kind(sources)

# %% [markdown]
# ## Coverage over time
#
# Observations per dataset and year. Prices and exports are dense in 2024-2026 and thin before;
# demand by end use exists only for 2024 (actual) and 2025 (forecast), from one source.

# %%
overview_charts.coverage(coverage, start_year, end_year)

# %% [markdown]
# ## China's magnet exports: reported and derived months
#
# China customs reports monthly magnet exports, but the public record misses some months. The
# orange bars are derived by `analysis.exports` from a year-to-date total or a stated y/y or m/m
# change; the whiskers show the range the rounding of those inputs allows. Hatched grey bands are
# months that cannot be derived from what is public. Numbered markers are the dated export-control
# events, listed under the chart.

# %%
export_charts.monthly(export_series, exports_destination)

# %%
exports.month_table(export_series)

# %% [markdown]
# ## Stated figures that do not add up
#
# `analysis.consistency` recomputes every growth rate, ratio, share, CAGR and total the sources
# state, from the values they relate, and compares the two as intervals: a published "+9%" stands
# for 8.5-9.5%, "87 GW" for 86.5-87.5 GW. A row below is a disagreement no rounding explains.
# Conflicting statements are one quantity given two different values (a sub-heading and its own
# paragraph, or two sources).

# %%
checks = consistency.check()
overview.check_counts(checks)

# %%
overview.shown_checks(checks, show_all_checks)

# %% [markdown]
# **Reading the disagreements.** The largest come from the SMM forum report (seed 002): its
# sub-headings and paragraphs give different 2025 growth rates and even different air-conditioner
# output (the table above gives both), and some stated growth rates cannot be reproduced from the
# unit counts printed next to them. Seed 003's Lingyi tonnage, stated as a share of 2024 global
# production, implies a global output an order of magnitude below China's own magnet output
# (seed 002; notebook 02 does the arithmetic). Adamas revises its outlooks between editions (the
# 2022 growth, the 2040 growth rate, shortages, market value): both editions are kept, and each
# revision is listed as a conflicting statement rather than one edition silently chosen. The
# export statements from Reuters and SMM, by contrast, mostly reproduce to the rounding. The notebooks that use
# these figures say which value they take and show the other.

# %% [markdown]
# ## Claims about laws and official measures, read against their primary texts
#
# Every event in `data/events.csv`, and every yardstick a notebook takes from a law, has a row in
# `data/policy_claims.csv`: the primary text it refers to (EUR-Lex for EU acts, MOFCOM/GAC
# announcements, the agency's own release), a verbatim passage of it, and a verdict. A claim that
# is not supported is never a model input or yardstick (`analysis.claims.require_supported`).

# %%
policy = claims.overview_table()
counts = claims.verdict_counts()
display(Markdown(f"{len(policy)} claims: " + ", ".join(f"**{n} {md(v)}**" for v, n in counts.items() if n) + "."))
policy

# %%
parameters = {"start_year": start_year, "end_year": end_year, "exports_destination": exports_destination,
              "exports_start": exports_start}
results = overview.results(parameters, table, sources, checks, policy, counts, export_series)
path = report.write_results("00_data_overview", results)
display(Markdown(report.results_note(path)))

# %% [markdown]
# ## Caveats
#
# - Most figures are secondary: trade press and syndicated news, read through mirrors where the
#   original was paywalled (`sources.csv` names the intermediary).
# - Derived export months are arithmetic on rounded, reported figures; the interval shown is the
#   rounding range, not a statistical confidence interval.
# - A consistent check does not make a figure right: it only means the source agrees with itself.
