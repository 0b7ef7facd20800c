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
# # Where China's NdFeB magnet demand comes from, and where it could go
#
# NdFeB magnet demand in China built up by end use, as units made times kilograms of magnet per
# unit: NEVs, wind turbines, air conditioners, elevators, phones, industrial robots and humanoid
# robots. The kilograms per unit are those the SMM forum's 2024 and 2025 figures imply (seed 002;
# the model reproduces them exactly, as a check). The path starts from the **base year**, the
# latest year with published actual activity in `data/`: there each sector's demand is a nowcast
# (the year's actual output times SMM's kilograms per unit) where the actual is published, and
# SMM's forecast only where it is not yet. After the base year the scenario's growth, thrifting,
# technology-share and humanoid-robot assumptions take over, with a tornado of what matters most
# and a Monte Carlo band around the path.
#
# All masses are tonnes of NdFeB **magnet** unless a label says rare-earth **element** (Nd+Pr or
# all magnet rare earths). Run another scenario with
# `papermill ... -f scenarios/02_demand_buildup/high.yaml` (any file in that folder).

# %% tags=["parameters"]
# Results file: 02_demand_buildup.results.json for 'default', 02_demand_buildup__<name>.results.json otherwise.
scenario_name = "default"  # name shown in titles and results (lower-case letters, digits, _)
horizon_year = 2030  # last projected year, after the latest actual year in data/; range: 2026..2050
growth_pct_per_year = {
    "nev": 8.7,  # 8.7: Adamas 2024-2040 CAGR of NdFeB demand (outlooks.csv), every sector
    "wind": 8.7,
    "air_conditioner": 8.7,
    "elevator": 8.7,
    "mobile_phone": 8.7,
    "industrial_robot": 8.7,
}  # activity growth from the base year, % per year, per sector
intensity_trend_pct_per_year = {
    "nev": 0.0,
    "wind": 0.0,
    "air_conditioner": 0.0,
    "elevator": 0.0,
    "mobile_phone": 0.0,
    "industrial_robot": 0.0,
}  # change of kg magnet per unit, % per year (negative for thrifting); missing sectors 0
technology_share = {
    "nev": 1.0,
    "wind": 0.37,  # about 37% of wind projects (seed 003)
    "air_conditioner": 1.0,
    "elevator": 1.0,
    "mobile_phone": 1.0,
    "industrial_robot": 1.0,
}  # share of activity using NdFeB in the horizon year (linear from its 2025 value), per sector
humanoid_units_per_year = {
    2026: 5000,  # 5,000: Lingyi (seed 003)
}  # humanoid robots built per year {year: units}, linear between years, flat after the last
# 3.5: Tesla Optimus' "at least 3.5 kg" (magnet_intensity.csv).
humanoid_kg_per_robot = 3.5  # kg of NdFeB magnet per humanoid robot; range: 0..1000
sensitivity = {
    "growth_pct_per_year.nev": [4.35, 13.0],
    "growth_pct_per_year.air_conditioner": [0.0, 13.0],
    "growth_pct_per_year.industrial_robot": [4.35, 20.0],
    "growth_pct_per_year.wind": [0.0, 13.0],
    "intensity_trend_pct_per_year.nev": [-5.0, 0.0],
    "technology_share.wind": [0.25, 0.6],
    "humanoid_units_factor": [0.0, 200.0],
    "humanoid_kg_per_robot": [2.0, 5.0],
}  # tornado: {parameter: [low, high]}; humanoid_units_factor multiplies the robot path
mc_draws = 10000  # Monte Carlo draws; range: 100..1000000
mc_seed = 20250529  # Monte Carlo seed (same seed, same results); range: 0..
mc_distributions = {
    "growth_pct_per_year.nev": {"dist": "normal", "sd": 3.0},
    "growth_pct_per_year.wind": {"dist": "normal", "sd": 3.0},
    "growth_pct_per_year.air_conditioner": {"dist": "normal", "sd": 3.0},
    "growth_pct_per_year.elevator": {"dist": "normal", "sd": 3.0},
    "growth_pct_per_year.mobile_phone": {"dist": "normal", "sd": 3.0},
    "growth_pct_per_year.industrial_robot": {"dist": "normal", "sd": 5.0},
    "intensity_trend_pct_per_year.nev": {"dist": "normal", "sd": 1.5},
    "technology_share.wind": {"dist": "uniform", "low": 0.27, "high": 0.47},
    "humanoid_kg_per_robot": {"dist": "uniform", "low": 2.0, "high": 5.0},
}  # Monte Carlo: {parameter: normal (sd, centred on the value) | uniform / triangular (low, high)}


# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis import claims_demand, demand, params, plotting, report, tables, units
from analysis.charts import demand as charts
from analysis.tables import show

parameters = dict(
    scenario_name=scenario_name, horizon_year=horizon_year, growth_pct_per_year=growth_pct_per_year,
    intensity_trend_pct_per_year=intensity_trend_pct_per_year, technology_share=technology_share,
    humanoid_units_per_year=humanoid_units_per_year, humanoid_kg_per_robot=humanoid_kg_per_robot,
    sensitivity=sensitivity, mc_draws=mc_draws, mc_seed=mc_seed, mc_distributions=mc_distributions)
scenario = demand.validate_scenario(parameters, injected=True)  # injected: a misspelt papermill -p name is refused
H = scenario["horizon_year"]
TAG = params.run_tag("02_demand_buildup", parameters)  # the scenario, or the parameters changed from the defaults
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 90)

result = demand.project(scenario)
table = demand.by_sector(result)
total = demand.totals(result)
display(Markdown(demand.scenario_line(scenario)))

# %% [markdown]
# ## Magnet per unit: what seed 002 implies, and what the literature says
#
# Seed 002 gives, per sector, the 2024 activity (units made, or GW of wind installed) and the NdFeB
# demand it creates; dividing one by the other gives the magnet intensity it assumes:
# `intensity = ndfeb_demand_t x 1000 / activity` (kg per unit; kg per MW for wind, which is t per GW).
# The literature values from `data/magnet_intensity.csv` sit beside them. Watch the **measures**
# column: some sources count the whole magnet, others only the rare-earth elements in it (about a
# third of the magnet's mass), and one counts magnets rather than weighing them.
# `comparable` is the literature value in the model's unit where the conversion is exact.

# %%
intensities = demand.intensity_table()
show(demand.intensity_display(intensities))

# %%
display(Markdown(demand.intensity_reading_text(demand.intensity_reading(intensities))))

# %%
show(demand.growth_display(demand.growth_comparison(scenario), H), 1)

# %% [markdown]
# ## Where seed 002 disagrees with itself
#
# `analysis.consistency` recomputes every growth rate seed 002 states from the units it prints. The
# model uses the **units** (the paragraph figures), so where a stated rate disagrees, its
# intensities, and SMM's 2025 figures where the model still uses them, follow the units, not the rate:

# %%
display(Markdown(claims_demand.disagreement_text()))
show(claims_demand.seed_checks_display(claims_demand.seed_checks()), 1)

# %% [markdown]
# ## Where the projection starts: a nowcast from the actuals, beside SMM's forecast
#
# Seed 002's 2025 figures are SMM's May 2025 forecast. Where a sector's full-year activity is now
# published, the **nowcast** multiplies it by the magnet intensity SMM's own 2025 figures imply, so
# the gap to SMM's forecast is all activity. It is an estimate, not a statistic: NdFeB demand by
# end use is never published. The projection starts from the nowcast, in the latest year with
# actual activity in `data/`; SMM's forecast stays only for the sectors whose actual is not out yet.

# %%
display(Markdown(demand.base_year_text(result)))
actual_ids = demand.base_path(scenario)["source_id"]
charts.nowcast(demand.nowcast_vs_forecast(result), TAG, actual_ids)

# %%
now = demand.nowcast()
display(Markdown(demand.nowcast_text(now)))
show(demand.nowcast_display(now),
     {"SMM forecast 2025, t": 0, "nowcast 2025, t": 0, "nowcast vs forecast, %": 1, "actual activity": 0, "SMM activity forecast": 0})

# %% [markdown]
# ## Seed 002 beside the official releases
#
# Seed 002 attributes its 2024 activity figures to NBS, NEA and CAAM, but they reach us through
# SMM's slides. Where the statistics office, ministry or association publishes the figure itself,
# both are kept in `data/demand_china.csv` (`statement` = official, or other for another
# publisher). The model keeps seed 002's figures, because its intensities are derived from seed
# 002's own pairs of activity and NdFeB demand; the differences below are the uncertainty that
# choice carries.

# %%
official = demand.official_figures()
display(Markdown(demand.official_text(official)))
show(official, {"seed 002": 3, "release": 3, "difference %": 1})

# %% [markdown]
# ## The model reproduces seed 002
#
# A check of the arithmetic: applied to seed 002's own 2024 and 2025 activity, the model's product
# of activity, derived intensity and technology share gives back every seed 002 figure and the
# totals they add to. (The path above uses the 2025 actuals instead, where they are published.)

# %%
repro, max_diff = demand.seed_reproduction()
display(Markdown(f"Largest difference between model and seed 002: **{max_diff:.1e} t** (floating-point rounding)."))
show(repro, 0)

# %% [markdown]
# ## Humanoid robots: what seed 003's figures imply
#
# Seed 003 reports a count of humanoid robots Lingyi Group has assembled, the magnet demand its
# mass production should add each year, and the number of NdFeB rings per robot. Read together:

# %%
claims = claims_demand.humanoid_claims()
display(Markdown(claims_demand.humanoid_text(claims, scenario["humanoid_kg_per_robot"])))
display(Markdown(demand.humanoid_horizon_text(claims, scenario, TAG)))
show(claims.drop(columns="key"), 1)

# %% [markdown]
# ## Demand by end use to the horizon
#
# 2024 is seed 002's actual; the base year the nowcast (SMM's forecast for the sectors without a
# published actual yet); later years the scenario.

# %%
charts.by_sector(table, TAG, demand.base_year_of(result), actual_ids)

# %%
charts.waterfall(demand.waterfall_table(result), TAG)

# %%
charts.shares(table, TAG, demand.base_year_of(result))

# %% [markdown]
# **Is the NEV path plausible?** Seed 002 expects NEVs to pass a stated share of China's car sales
# in 2025 (below). If the whole car market stayed flat, NEV output could grow from the base year at
# most this fast before it became every car sold:

# %%
display(Markdown(demand.nev_penetration_text(scenario, TAG)))

# %% [markdown]
# ## Against China's magnet output and outside outlooks
#
# All on one basis: t of NdFeB magnet. China's production (seed 002) is magnet mass. The IEA and
# McKinsey count magnet rare-earth **element** mass (Nd, Pr, Dy, Tb) worldwide; they are converted
# to magnet mass by dividing by the rare-earth content of NdFeB (`analysis.units`, from the
# composition rows of `data/magnet_intensity.csv`). Adamas gives only growth rates (its CAGR is
# the base scenario's growth) and shortages, no demand level, so no Adamas tonnage is drawn.

# %%
comparison = demand.comparison_table()
display(Markdown(demand.comparison_text(comparison, total)))
display(charts.against_outlooks(total, comparison, scenario_name, TAG, units.default_magnet_re_share()))
show(comparison)

# %% [markdown]
# ## Nd+Pr content of the demand
#
# The supply notebook needs the demand in element terms, from the Nd+Pr and total rare-earth
# content of NdFeB (`data/magnet_intensity.csv`, composition rows, via `analysis.units`).

# %%
display(Markdown(demand.composition_text()))
content = demand.element_content(result)
display(charts.element_content(content, TAG))
show(content, 0)  # tonnes: whole

# %% [markdown]
# ## Which assumption matters most
#
# Each parameter moved alone over the range the scenario file states, everything else as in the
# scenario; bars show the resulting demand in the horizon year.

# %%
torn = demand.tornado(scenario)
display(charts.tornado(torn, float(total.loc[H]), H, TAG))
show(demand.tornado_display(torn))

# %% [markdown]
# ## How uncertain is the path
#
# A Monte Carlo draws the parameters the scenario gives distributions for, all at once and
# independently, and recomputes the whole path for each draw (vectorised; the seed makes it
# repeatable). Bands are the 5-95% and 25-75% ranges of total demand from the year after the base
# year; 2024 (seed 002) and the base year (the nowcast) carry no band here, although the nowcast
# is itself an estimate.

# %%
bands = demand.mc_percentiles(scenario)
display(charts.monte_carlo(bands, total, scenario["mc_draws"], scenario["mc_distributions"], TAG))
show(bands)

# %%
results = demand.results(scenario, result=result, bands=bands, torn=torn, content=content, intensities=intensities,
                         now=now, official=official, reproduction_max_difference_t=max_diff, tag=TAG)
path = report.write_results(demand.results_name(scenario_name), results)
display(Markdown(report.results_note(path)))

# %% [markdown]
# ## Caveats
#
# - One source for the intensities: seed 002 (SMM). They carry the nowcast, so the base year is only
#   as good as SMM's kg of magnet per unit; its stated growth rates and units disagree in places
#   (shown above), and the model follows the units. Sectors whose actual activity for the base year
#   is not published yet keep SMM's May 2025 forecast.
# - Seven end uses only: about half of China's magnet output. Exports and unlisted uses are outside
#   the model, so its total is not China's magnet demand.
# - The base growth rate is Adamas' global NdFeB demand CAGR applied to every sector alike; no source
#   in `data/` gives sector growth paths beyond 2025. Intensity trends and the low/high shares are
#   stated assumptions in the scenario files.
# - Humanoid-robot volumes have no sourced forecast: the base holds Lingyi's assembled count (seed 003) flat.
# - Monte Carlo bands reflect only the distributions written in the scenario file, drawn
#   independently; they are not a statistical forecast interval.
