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
# robots. 2024 and 2025 are the SMM forum's figures (seed 002), reproduced exactly; from 2026 the
# scenario's growth, thrifting, technology-share and humanoid-robot assumptions take over, with a
# tornado of what matters most and a Monte Carlo band around the path.
#
# All masses are tonnes of NdFeB **magnet** unless a label says rare-earth **element** (Nd+Pr or
# all magnet rare earths). Run another scenario with
# `papermill ... -f scenarios/02_demand_buildup/<scenario>.yaml`.

# %% tags=["parameters"]
# Results file: 02_demand_buildup.results.json for 'default', 02_demand_buildup__<name>.results.json otherwise.
scenario_name = "default"  # name shown in titles and results (lower-case letters, digits, _)
horizon_year = 2030  # last projected year, 2024-2025 are seed 002's figures; range: 2026..2050
growth_pct_per_year = {
    "nev": 8.7,  # 8.7: Adamas 2024-2040 CAGR of NdFeB demand (outlooks.csv), every sector
    "wind": 8.7,
    "air_conditioner": 8.7,
    "elevator": 8.7,
    "mobile_phone": 8.7,
    "industrial_robot": 8.7,
}  # activity growth from 2025, % per year, per sector; 8.7: Adamas 2024-2040 CAGR (outlooks.csv)
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
}  # share of activity using NdFeB in the horizon year (linear from 2025), per sector
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
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis import demand, params, plotting, report, tables, units
from analysis.text import md

parameters = dict(
    scenario_name=scenario_name, horizon_year=horizon_year, growth_pct_per_year=growth_pct_per_year,
    intensity_trend_pct_per_year=intensity_trend_pct_per_year, technology_share=technology_share,
    humanoid_units_per_year=humanoid_units_per_year, humanoid_kg_per_robot=humanoid_kg_per_robot,
    sensitivity=sensitivity, mc_draws=mc_draws, mc_seed=mc_seed, mc_distributions=mc_distributions)
scenario = demand.validate_scenario(parameters)
H = scenario["horizon_year"]
TAG = params.run_tag("02_demand_buildup", parameters)  # the scenario, or the parameters changed from the defaults
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 90)
COLOURS = dict(zip(demand.SECTORS, plotting.sns.color_palette("tab10", len(demand.SECTORS))))
LABELS = demand.SECTOR_LABELS
SEED = ["seed002_smm_forum"]
kt = mticker.FuncFormatter(lambda x, _: f"{x / 1000:,.0f}")


show = tables.show


result = demand.project(scenario)
table = demand.by_sector(result)
total = demand.totals(result)
display(Markdown(f"**Scenario: {scenario_name}** · horizon {H} · {len(scenario['sensitivity'])} sensitivity ranges · "
                 f"{scenario['mc_draws']:,} Monte Carlo draws (seed {scenario['mc_seed']})"))

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
r = demand.intensity_reading(intensities)


def versus(x, low, high):
    """'above' / 'below' / 'within' a range."""
    return "above" if x > high else ("below" if x < low else "within")


display(Markdown(
    f"**Reading it.** Seed 002 implies about {r['nev_2024']:.1f} kg of magnet per NEV in 2024 and {r['nev_2025']:.1f} kg in "
    f"2025, {versus(r['nev_2024'], r['lit_nev_low'], r['lit_nev_high'])} the {r['lit_nev_low']:g}-{r['lit_nev_high']:g} kg "
    f"per NEV and {r['lit_bev_low']:g}-{r['lit_bev_high']:g} kg per BEV in the literature: SMM's NEV figure probably also "
    f"counts the magnets outside the traction motor (steering, pumps, seats). For wind, {r['wind_all_2024']:.0f} kg per MW "
    f"of *all* new capacity becomes about {r['wind_ndfeb_2024']:.0f} kg per MW of permanent-magnet capacity if "
    f"{r['wind_ndfeb_share']:.0%} of turbines use NdFeB, {versus(r['wind_ndfeb_2024'], r['lit_wind_pm_average_low'], r['lit_wind_pm_average_high'])} "
    f"the {r['lit_wind_pm_average_low']:g} kg/MW modelling average and the {r['lit_wind_lowspeed_pm_generator_low']:g}-"
    f"{r['lit_wind_lowspeed_pm_generator_high']:g} kg/MW for direct drive: China's medium-speed PM turbines use less "
    f"magnet. Air conditioners: {r['ac_2024_g']:.0f} g per unit against {r['lit_ac_compressor_low']:g} g per inverter "
    f"compressor (not every unit is inverter). Two intensities move a lot between the seed's 2024 actual and 2025 "
    f"forecast, which the model keeps as stated:"))

# %%
growth = demand.growth_comparison(scenario)
show(growth.assign(sector=growth["sector"].map(LABELS)).rename(columns={
    "activity_growth_2025_pct": "activity 2024-25, %", "demand_growth_2025_pct": "NdFeB demand 2024-25, %",
    "intensity_change_2025_pct": "kg per unit 2024-25, %", "scenario_growth_pct_per_year": f"scenario growth to {H}, %/yr",
    "scenario_intensity_trend_pct_per_year": f"scenario intensity trend to {H}, %/yr"}), 1)

# %% [markdown]
# ## Where seed 002 disagrees with itself
#
# `analysis.consistency` recomputes every growth rate seed 002 states from the units it prints. The
# model uses the **units** (the paragraph figures), so where a stated rate disagrees, the model's
# 2025 follows the units, not the rate:

# %%
unit_words = {"million_units": "million", "GW": "GW", "units": "units"}
lines = []
for d in demand.activity_rate_disagreements().itertuples():
    u = unit_words.get(d.unit, d.unit)
    label = LABELS[d.sector][:1].upper() + LABELS[d.sector][1:]
    line = (f"- {label}: {d.body_2024:,.5g} to {d.body_2025:,.5g} {u} is **{d.recomputed_pct:+.1f}%**, "
            f"not the stated {d.stated_pct}")
    if d.headline_2025 != d.body_2025:
        line += (f" (the sub-heading's {d.headline_2025:,.5g} {u} would be {d.headline_pct:+.1f}%, against the "
                 f"{d.headline_stated_pct} it states)")
    lines.append(line + ".")
display(Markdown("\n".join(lines) if lines else "Every stated activity growth rate agrees with the units."))
checks = demand.seed_consistency()
show(checks.assign(statement=checks["statement"].str.replace("demand_china:", "", regex=False))
     [["statement", "stated", "recomputed", "verdict", "inputs"]], 1)

# %% [markdown]
# ## 2025: a nowcast from the actuals, beside SMM's forecast
#
# Seed 002's 2025 figures are SMM's May 2025 forecast. Where the full-year 2025 activity is now
# published, the **nowcast** multiplies it by the magnet intensity SMM's own 2025 figures imply, so
# the gap to SMM's forecast is all activity. It is an estimate, not a statistic: NdFeB demand by
# end use is never published. The projection below still starts from seed 002's 2025 figures, so
# that the model reproduces them; the nowcast says how far they are off where it can.

# %%
now = demand.nowcast()
done = now.dropna(subset=["nowcast_t"])
display(Markdown("; ".join(f"**{md(r.sector)}**: nowcast {r.nowcast_t:,.0f} t against SMM's forecast {r.smm_forecast_t:,.0f} t "
                           f"({r.difference_pct:+.0f}%), because {r.actual_activity:,.0f} {md(r.activity_unit)} were made, "
                           f"not {r.smm_activity:,.0f}" for r in done.itertuples())
                 + (". Not yet possible for " + ", ".join(md(r.sector) for r in now[now["nowcast_t"].isna()].itertuples())
                    + " (table)." if now["nowcast_t"].isna().any() else ".")))
show(now.rename(columns={"smm_forecast_t": "SMM forecast 2025, t", "nowcast_t": "nowcast 2025, t",
                         "difference_pct": "nowcast vs forecast, %", "actual_activity": "actual activity",
                         "smm_activity": "SMM activity forecast", "activity_unit": "activity unit", "why": "actual from"}),
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
display(Markdown(f"{(official['verdict'] != 'consistent').sum()} of {len(official)} releases differ from seed 002 "
                 f"beyond rounding; the largest gap is {official['difference %'].abs().max():.1f}% "
                 f"({official.loc[official['difference %'].abs().idxmax(), 'sector']})."))
show(official, {"seed 002": 3, "release": 3, "difference %": 1})

# %% [markdown]
# ## The model reproduces seed 002
#
# For 2024 and 2025 the model multiplies each sector's activity by its derived intensity and
# technology share; the products give back every seed 002 figure and the totals they add to.

# %%
seed_rows = demand.seed_table().set_index(["year", "sector"])["demand_t"]
check = result[result["year"].isin(demand.ANCHOR_YEARS) & result["sector"].isin(demand.SEED_SECTORS)].set_index(["year", "sector"])
repro = pd.DataFrame({"seed 002, t": seed_rows, "model, t": check["demand_t"]}).unstack("year").loc[list(demand.SEED_SECTORS)]
repro.loc["total"] = repro.sum()
repro = repro.rename(index=LABELS)
diff = (repro["model, t"] - repro["seed 002, t"]).abs()
max_diff = float(diff.max().max())
display(Markdown(f"Largest difference between model and seed 002: **{max_diff:.1e} t** (floating-point rounding)."))
show(repro, 0)

# %% [markdown]
# ## Humanoid robots: what seed 003's figures imply
#
# Seed 003 reports a count of humanoid robots Lingyi Group has assembled, the magnet demand its
# mass production should add each year, and the number of NdFeB rings per robot. Read together:

# %%
claims = demand.humanoid_claims()
c = claims.set_index("key")["value"]
display(Markdown(
    f"Seed 003: over {c['robots']:,.0f} robots assembled, over {c['tonnes']:,.0f} t a year of added magnet demand, more "
    f"than {c['rings']:.0f} NdFeB rings per robot. {c['tonnes']:,.0f} t over {c['robots']:,.0f} robots is "
    f"**{c['implied_kg']:,.0f} kg of magnet per robot**: {c['ratio']:,.0f} times the {c['optimus_kg']:g} kg per Tesla "
    f"Optimus, and heavier than most humanoid robots. The {c['tonnes']:,.0f} t must count far more robots than those "
    f"assembled so far (at {c['optimus_kg']:g} kg, {c['robots_at_optimus']:,.0f} a year), or another scope. Seed 003 also "
    f"calls it {c['tonnes'] / c['implied_global_t']:.0%} of global production in 2024, which puts global production at "
    f"{c['implied_global_t'] / 1000:,.1f} kt, "
    f"against China's {c['china_2024_t'] / 1000:,.1f} kt of magnet output in 2024. The model therefore uses a per-robot "
    f"figure (parameter `humanoid_kg_per_robot`, {humanoid_kg_per_robot:g} kg here) and a robot count, never the "
    f"{c['tonnes']:,.0f} t."))
robots_h = float(demand.humanoid_units(scenario, [H])[0])
at_implied = robots_h * c["implied_kg"] / 1000
display(Markdown(f"In {md(TAG)}, {robots_h:,.0f} robots in {H} at {humanoid_kg_per_robot:g} kg need "
                 f"**{robots_h * humanoid_kg_per_robot / 1000:,.1f} t** of magnet; at the {c['implied_kg']:,.0f} kg the "
                 f"Lingyi figures imply they would need {at_implied:,.0f} t."))
show(claims.drop(columns="key"), 1)

# %% [markdown]
# ## Demand by end use to the horizon
#
# 2024 is actual, 2025 SMM's forecast, later years the scenario.

# %%
fig, ax = plotting.plt.subplots()
ax.stackplot(table.index, *[table[s] for s in demand.SECTORS], labels=[LABELS[s] for s in demand.SECTORS],
             colors=[COLOURS[s] for s in demand.SECTORS], alpha=0.9)
ax.axvline(demand.ANCHOR_YEARS[-1], color="#444444", ls="--", lw=0.8)
ax.text(demand.ANCHOR_YEARS[-1], 0.02, " projection →", transform=ax.get_xaxis_transform(), va="bottom", fontsize=8)
ax.yaxis.set_major_formatter(kt)
ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
ax.set_ylabel("NdFeB magnet demand, kt per year")
ax.set_title(f"China NdFeB magnet demand by end use, kt of magnet, {TAG}")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8, reverse=True)
plotting.source_note(fig, SEED + ["adamas_2024_magnet_market_outlook_2040", "seed003_magnet_news", "pacificforum_2025_securing_neodymium"],
                     "2024-2025 as stated by SMM; later years computed by analysis.demand from the scenario's parameters.")
plotting.plt.show()

# %%
fig, ax = plotting.plt.subplots(figsize=(10, 5.5))
wf = demand.waterfall_table(result)
running, bottoms = 0.0, []
for r in wf.itertuples():
    bottoms.append(0.0 if r.kind == "total" else (running if r.change_t >= 0 else running + r.change_t))
    running = r.change_t if r.kind == "total" else running + r.change_t
colours = ["#555555" if k == "total" else ("#2ca02c" if c >= 0 else "#d62728") for k, c in zip(wf["kind"], wf["change_t"])]
ax.bar(range(len(wf)), wf["change_t"].abs(), bottom=bottoms, color=colours)
for i, r in enumerate(wf.itertuples()):
    ax.text(i, bottoms[i] + abs(r.change_t), f"{r.change_t / 1000:+,.1f}" if r.kind == "change" else f"{r.change_t / 1000:,.0f}",
            ha="center", va="bottom", fontsize=7)
ax.set_xticks(range(len(wf)), wf["step"], rotation=40, ha="right", fontsize=8)
ax.yaxis.set_major_formatter(kt)
fig.subplots_adjust(bottom=0.3)
ax.set_ylabel("NdFeB magnet demand, kt")
ax.set_title(f"From 2024 to 2025 to {H}: change by end use, kt of magnet, {TAG}")
plotting.source_note(fig, SEED, "Grey: totals; green/red: change by sector. Computed by analysis.demand.waterfall_table.")
plotting.plt.show()

# %%
shares = table.div(table.sum(axis=1), axis=0) * 100
fig, ax = plotting.plt.subplots()
for s in demand.SECTORS:
    ax.plot(shares.index, shares[s], marker="o", ms=3, color=COLOURS[s], label=LABELS[s])
ax.axvline(demand.ANCHOR_YEARS[-1], color="#444444", ls="--", lw=0.8)
ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
ax.set_ylabel("share of covered demand, %")
ax.set_title(f"Share of each end use in China NdFeB demand, % of t magnet, {TAG}")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
plotting.source_note(fig, SEED, "Share of the seven end uses modelled here, not of all NdFeB use.")
plotting.plt.show()

# %% [markdown]
# **Is the NEV path plausible?** Seed 002 expects NEVs to pass a stated share of China's car sales
# in 2025 (below). If the whole car market stayed flat, NEV output could grow at most this fast
# before it became every car sold:

# %%
nev = demand.nev_penetration_check(scenario)
display(Markdown(
    f"- Car market implied by {nev['penetration_2025']:.0%} penetration in 2025: {nev['car_market_2025_units'] / 1e6:,.1f} million\n"
    f"- NEV output in {H} in {md(TAG)}: {nev['nev_horizon_units'] / 1e6:,.1f} million, "
    f"**{nev['nev_share_of_flat_2025_market']:.0%}** of that market\n"
    f"- Fastest NEV growth to {H} within a flat market: {nev['max_growth_pct_per_year_flat_market']:.1f}% per year"))

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
re_share = units.default_magnet_re_share()
china = comparison[comparison["series"] == "China magnet production, seed 002"].set_index("year")["ndfeb_magnet_t"]
iea = comparison[comparison["series"].str.startswith("IEA world")].sort_values("year").iloc[-1]
covered = float(total.loc[2024]) / float(china.loc[2024])
display(Markdown(
    f"China's magnet output: {china.loc[2024] / 1000:,.1f} kt in 2024 and {china.loc[2025] / 1000:,.1f} kt expected in 2025 "
    f"(seed 002). At {re_share:.1%} rare earths by weight, the IEA's {iea['stated_value']:g} kt of elements in "
    f"{iea['year']} is about {iea['ndfeb_magnet_t'] / 1000:,.0f} kt of magnet. The seven end uses modelled here take "
    f"**{covered:.0%}** of China's 2024 output: the rest goes to exports, conventional cars, consumer electronics beyond "
    f"phones, industrial motors and other uses that seed 002 does not break out."))
comparison = demand.comparison_table()
fig, ax = plotting.plt.subplots()
ax.plot(total.index, total.values, color="#1f77b4", lw=2.2, marker="o", ms=4, label=f"this model: China, 7 end uses ({scenario_name})")
styles = {"China magnet production, seed": ("s", "#ff7f0e"), "China": ("s", "#ffbb78"), "IEA APS": ("^", "#2ca02c"),
          "IEA": ("v", "#98df8a"), "McKinsey": ("D", "#9467bd")}
for series, g in comparison.groupby("series"):
    marker, colour = next(v for k, v in styles.items() if series.startswith(k))
    ax.plot(g["year"], g["ndfeb_magnet_t"], marker=marker, color=colour, ls=":" if len(g) > 1 else "none",
            ms=6, label=series)
ax.set_xlim(2019.5, max(H, 2030) + 0.5)
ax.yaxis.set_major_formatter(kt)
ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
ax.set_ylabel("kt of NdFeB magnet per year")
ax.set_title(f"Modelled demand vs China's magnet output and global outlooks, kt of magnet, {TAG}")
ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
plotting.source_note(fig, SEED + list(comparison["source_id"]),
                     f"IEA and McKinsey element mass converted to magnet mass at {re_share:.1%} rare earths by weight; "
                     "global figures include all uses and all countries.")
plotting.plt.show()
show(comparison)

# %% [markdown]
# ## Nd+Pr content of the demand
#
# The supply notebook needs the demand in element terms, from the Nd+Pr and total rare-earth
# content of NdFeB (`data/magnet_intensity.csv`, composition rows, via `analysis.units`).

# %%
display(Markdown(f"Each tonne of magnet holds about {units.default_magnet_ndpr_share():.2f} t of Nd+Pr metal and "
                 f"{units.default_magnet_re_share():.3f} t of rare earths in all."))
content = demand.element_content(result)
fig, ax = plotting.plt.subplots(figsize=(10, 3.8))
ax.bar(content["year"], content["ndpr_element_t"], color="#8c564b", label="Nd+Pr element")
ax.plot(content["year"], content["rare_earth_element_t"], color="#333333", marker="o", ms=3, label="all rare earths (element)")
ax.yaxis.set_major_formatter(kt)
ax.set_ylabel("kt of element per year")
ax.set_title(f"Nd+Pr and total rare-earth content of modelled demand, kt of element, {TAG}")
ax.legend(loc="upper left")
plotting.source_note(fig, SEED + ["mashimagnets_undated_ndfeb_application", "scite_undated_ndfeb_ree_content"],
                     "Magnet mass x 30 wt % Nd+Pr, and x 31.5 wt % rare earths, via analysis.units.magnet_re_content_t.")
plotting.plt.show()
show(content)

# %% [markdown]
# ## Which assumption matters most
#
# Each parameter moved alone over the range the scenario file states, everything else as in the
# scenario; bars show the resulting demand in the horizon year.

# %%
torn = demand.tornado(scenario)
fig, ax = plotting.plt.subplots()
base_total = float(total.loc[H])
for i, r in enumerate(torn.itertuples()):
    lo, hi = sorted((r.demand_at_low_t, r.demand_at_high_t))
    ax.barh(i, hi - lo, left=lo, color="#4c72b0", height=0.6)
    ax.text(hi, i, f"  {r.low_value:g} to {r.high_value:g} (scenario {r.scenario_value:g})", va="center", fontsize=7.5)
ax.axvline(base_total, color="#333333", lw=1)
ax.set_yticks(range(len(torn)), torn["parameter"], fontsize=8)
ax.invert_yaxis()
ax.xaxis.set_major_formatter(kt)
span = torn[["demand_at_low_t", "demand_at_high_t"]].to_numpy()
lo_x, hi_x = min(span.min(), base_total), max(span.max(), base_total)
ax.set_xlim(lo_x - 0.05 * (hi_x - lo_x), hi_x + 0.35 * (hi_x - lo_x))
ax.set_xlabel(f"NdFeB magnet demand in {H}, kt")
ax.set_title(f"Sensitivity of {H} demand to each parameter, kt of magnet, {TAG}")
plotting.source_note(fig, SEED, f"Vertical line: the scenario's {H} demand ({base_total / 1000:,.1f} kt). Ranges from the scenario file.")
plotting.plt.show()
show(torn, 2)

# %% [markdown]
# ## How uncertain is the path
#
# A Monte Carlo draws the parameters the scenario gives distributions for, all at once and
# independently, and recomputes the whole path for each draw (vectorised; the seed makes it
# repeatable). Bands are the 5-95% and 25-75% ranges of total demand; 2024-2025 are the seed's
# figures and carry no band here, although they are themselves a forecast.

# %%
bands = demand.mc_percentiles(scenario)
fig, ax = plotting.plt.subplots()
ax.fill_between(bands["year"], bands["p5_t"], bands["p95_t"], color="#4c72b0", alpha=0.2, label="5-95%")
ax.fill_between(bands["year"], bands["p25_t"], bands["p75_t"], color="#4c72b0", alpha=0.35, label="25-75%")
ax.plot(bands["year"], bands["p50_t"], color="#4c72b0", lw=2, label="median")
ax.plot(total.index, total.values, color="#333333", ls="--", lw=1.2, label="deterministic run")
ax.yaxis.set_major_formatter(kt)
ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
ax.set_ylabel("NdFeB magnet demand, kt per year")
ax.set_title(f"Total demand with Monte Carlo bands ({scenario['mc_draws']:,} draws), kt of magnet, {TAG}")
ax.legend(loc="upper left")
plotting.source_note(fig, SEED, "Distributions from the scenario file: " + "; ".join(
    f"{k} {v['dist']}" for k, v in scenario["mc_distributions"].items()) + ".")
plotting.plt.show()
show(bands)

# %%
last = bands.iloc[-1]
content_h = content.set_index("year").loc[H]
results = {
    "key_figures": {
        "scenario": scenario_name,
        "demand 2025 (seed 002 forecast, 7 end uses)": f"{total.loc[2025]:,.0f} t magnet",
        f"demand {H}": f"{total.loc[H]:,.0f} t magnet",
        f"growth 2025-{H}": f"{((total.loc[H] / total.loc[2025]) ** (1 / (H - 2025)) - 1) * 100:.1f}% per year",
        f"Monte Carlo 5-95% range {H}": f"{last['p5_t']:,.0f}-{last['p95_t']:,.0f} t",
        "largest sensitivity": f"{torn['parameter'].iloc[0]} ({torn['swing_t'].iloc[0]:,.0f} t swing)" if len(torn) else "none",
        f"humanoid robots {H}": f"{table.loc[H, demand.HUMANOID]:,.1f} t magnet",
        f"Nd+Pr content {H}": f"{content_h['ndpr_element_t']:,.0f} t element",
    },
    "scenario": scenario_name,
    "parameters": scenario,
    "demand_by_sector": report.records(result, 6),
    "totals_t": {int(y): round(float(v), 6) for y, v in total.items()},
    "monte_carlo_percentiles": report.records(bands, 3),
    "tornado": report.records(torn, 6),
    "element_content": report.records(content, 6),
    "intensities": report.records(intensities, 6),
    "seed_reproduction_max_difference_t": max_diff,
    "nowcast_2025": report.records(now, 3),
    "official_figures": report.records(official, 4),
}
path = report.write_results(demand.results_name(scenario_name), results)
display(Markdown(report.results_note(path)))

# %% [markdown]
# ## Caveats
#
# - One source for the base year: seed 002 (SMM). Its 2025 figures are a forecast made in May 2025,
#   and its stated growth rates and units disagree in places (shown above); the model follows the units.
# - Seven end uses only: about half of China's magnet output. Exports and unlisted uses are outside
#   the model, so its total is not China's magnet demand.
# - The base growth rate is Adamas' global NdFeB demand CAGR applied to every sector alike; no source
#   in `data/` gives sector growth paths beyond 2025. Intensity trends and the low/high shares are
#   stated assumptions in the scenario files.
# - Humanoid-robot volumes have no sourced forecast: the base holds Lingyi's assembled count (seed 003) flat.
# - Monte Carlo bands reflect only the distributions written in the scenario file, drawn
#   independently; they are not a statistical forecast interval.
