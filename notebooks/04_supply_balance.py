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
# # Does supply cover the magnet demand we built up, and how much can recycling add?
#
# China's rare-earth quotas, USGS mine output (every edition side by side) and China's magnet
# production, set against the demand build-up of notebook 02 plus magnet exports, in the same
# units: tonnes of NdFeB magnet, and tonnes of Pr-Nd oxide against the mining quota. The seeds'
# supply claims are checked one by one, and the end-of-life magnet flow is estimated from past
# and projected inflows with product lifetimes, against the recycling benchmark of the EU's Critical Raw Materials Act.
#
# Demand is not recomputed here: the parameter `demand_scenario` picks one of the demand
# notebook's scenario files (one YAML file per scenario in `scenarios/02_demand_buildup/`), and `analysis.demand`
# projects it. Masses are t of NdFeB **magnet** unless a label says REO (rare-earth oxide),
# Pr-Nd **oxide** or **metal**.

# %% tags=["parameters"]
# The demand scenario is the file scenarios/02_demand_buildup/<name>.yaml.
demand_scenario = "base"  # demand build-up scenario; one of: base, high, humanoid_boom, low
# ASSUMPTION, not in data/: about 20% Pr-Nd on a typical light-REE ore basis.
ndpr_share_of_reo = 0.20  # Pr-Nd oxide as a share of rare-earth oxide mined; ASSUMPTION; range: 0.01..1
# 0.25: the usual 75:25 Nd:Pr grade of Pr-Nd oxide.
pr_share_of_ndpr = 0.25  # Pr6O11 share of Pr-Nd oxide by mass; range: 0..1
# 0.30: about 30% (data/magnet_intensity.csv, ndfeb_ndpr).
ndpr_share_of_magnet = 0.30  # Nd+Pr weight share of NdFeB magnet; range: 0.01..1
# 0: SMM expects the quota flat (seed 002).
quota_growth_pct_per_year = 0.0  # mining-quota growth after 2025, % per year; range: -99..100
# Growth of magnet exports and of the uses outside the build-up; ASSUMPTION: held flat.
other_uses_growth_pct_per_year = 0.0  # growth after 2025 of exports and other uses, % per year; range: -99..100
backcast_growth_pct_per_year = {
    "nev": 38.8,  # seed 002 NEV output growth 2024-25
    "wind": 6.9,  # 6.9 here and below: China magnet output CAGR 2015-2024 (magnet_production.csv)
    "air_conditioner": 6.9,
    "elevator": 6.9,
    "mobile_phone": 6.9,
    "industrial_robot": 6.9,
}  # growth of magnet inflows before 2024, % per year, per sector
first_inflow_year = 2000  # first year with magnets put into use (earlier inflows taken as 0); range: 1950..2023
lifetime_mean_years = {
    "nev": 15,  # usually about 15
    "wind": 25,  # usual range 20-25
    "air_conditioner": 13,  # usual range 12-15
    "elevator": 22,  # usual range 20-25
    "mobile_phone": 4,  # usual range 3-5
    "industrial_robot": 12,  # usual range 10-15
    "humanoid_robot": 10,  # usual range for robots 10-15
}  # mean product lifetime, years, per sector; ASSUMPTION, not in data/: within the usual ranges
# A larger Weibull shape puts retirements nearer the mean lifetime.
lifetime_shape = 3.0  # Weibull shape of every product lifetime; ASSUMPTION; range: 0.5..20
collection_rate = 0.5  # share of end-of-life magnets collected for recycling; ASSUMPTION; range: 0..1
recovery_rate = 0.9  # share of the collected magnet mass recovered as new magnet; ASSUMPTION; range: 0..1

# %%
import pandas as pd
from IPython.display import Markdown, display

from analysis import claims_supply, data, demand, params, plotting, report, supply, tables
from analysis.charts import supply as charts_supply
from analysis.claims import policy_claims
from analysis.text import md

parameters = dict(
    demand_scenario=demand_scenario, ndpr_share_of_reo=ndpr_share_of_reo, pr_share_of_ndpr=pr_share_of_ndpr,
    ndpr_share_of_magnet=ndpr_share_of_magnet, quota_growth_pct_per_year=quota_growth_pct_per_year,
    other_uses_growth_pct_per_year=other_uses_growth_pct_per_year,
    backcast_growth_pct_per_year=backcast_growth_pct_per_year, first_inflow_year=first_inflow_year,
    lifetime_mean_years=lifetime_mean_years, lifetime_shape=lifetime_shape, collection_rate=collection_rate,
    recovery_rate=recovery_rate)
p = supply.validate_parameters(parameters)
a = supply.analyse(p)  # every table of this report, for these parameters (analysis.supply.SupplyAnalysis)
chain, H = a.chain, a.horizon_year
TAG = params.run_tag("04_supply_balance", parameters)  # the demand scenario, and any parameter changed from the defaults
plotting.use_style()
tables.install()  # every table: escaped, no index column, thousands separators
pd.set_option("display.max_colwidth", 120)
LABELS = demand.SECTOR_LABELS
show = tables.show

display(Markdown(f"**{md(TAG)}** (horizon {H}) · Pr-Nd share of REO **{chain.ndpr_share_of_reo:.0%} (assumption)** · "
                 f"{chain.pr_share_of_ndpr:.0%} Pr6O11 in Pr-Nd oxide · {chain.ndpr_share_of_magnet:.0%} Nd+Pr in NdFeB · "
                 f"collection {p['collection_rate']:.0%} x recovery {p['recovery_rate']:.0%}"))

# %% [markdown]
# ## Supply history: China's quotas
#
# China sets a mining quota and a smelting/separation quota each year, in t of rare-earth oxide
# (REO), split into rock-type (light) and ion-adsorption clay (medium/heavy) where the notice says.
# 2025 volumes were not published: the 2025 bars are SMM's expectation in seed 002 (mining flat,
# smelting/separation higher because imported ores enter the quota for the first time; the table
# gives the figures), and the 2025 mining total is the sum of its rock and ion-adsorption parts. Where only a batch was split
# (2019, 2024), the year shows its total and the table names the batch split.

# %%
display(charts_supply.quotas(a.quotas))
show(a.quotas.drop(columns=["source_ids"]))

# %% [markdown]
# ## Supply history: USGS mine production, edition by edition
#
# USGS revises earlier years in each Mineral Commodity Summaries edition, so the editions sit side
# by side rather than one being picked. USGS's figure for China is its mining quota (it excludes
# undocumented output). China's share is computed within each edition only, never from a China
# figure of one edition and a world total of another.

# %%
revisions = supply.usgs_revisions("World")
display(Markdown("Revisions of world output: " + "; ".join(
    f"{md(r.to_edition)} {'raised' if r.to_t > r.from_t else 'lowered'} {r.year} from {r.from_t:,.0f} to {r.to_t:,.0f} t REO "
    f"(was {md(r.from_edition)})" for r in revisions.itertuples()) + "." if len(revisions) else "No edition revised world output."))
editions = supply.usgs_editions()
show(editions[editions["country"].isin(["China", "World", "Burma", "United States", "Australia"])])

# %%
charts_supply.china_share(a.share, supply.market_figure("china_share_global_nd_output"))

# %% [markdown]
# ## The conversion chain: REO -> Pr-Nd oxide -> Nd+Pr metal -> NdFeB magnet
#
# Quotas and mine output are in t REO, demand in t of magnet. Three factors link them:

# %%
display(Markdown(
    f"1. **Pr-Nd share of REO** (`ndpr_share_of_reo`, **{chain.ndpr_share_of_reo:.0%}** here): how much of the oxide mined "
    "is neodymium and praseodymium oxide. **ASSUMPTION**: nothing in `data/` gives it; it depends on the ore (light-REE "
    "bastnaesite/monazite ores carry roughly a fifth, many ion-adsorption clays less), so every result below shows how "
    "it moves with it.\n"
    f"2. **Oxide -> metal** (`pr_share_of_ndpr`, {chain.pr_share_of_ndpr:.0%} Pr6O11): stoichiometry of Nd2O3 and Pr6O11 "
    f"(`analysis.units`), **{chain.metal_fraction:.1%}** metal by mass.\n"
    f"3. **Metal -> magnet** (`ndpr_share_of_magnet`): NdFeB is **{chain.ndpr_share_of_magnet:.0%}** Nd+Pr by weight "
    f"(`data/magnet_intensity.csv`), so one tonne of Nd+Pr metal makes {1 / chain.ndpr_share_of_magnet:.2f} t of magnet."))

# %% [markdown]
# It is a content balance: process losses (swarf, machining scrap that is largely re-melted) and
# dysprosium/terbium are left out. Forwards, for the 2025 mining quota, and backwards, for
# China's 2025 magnet production:

# %%
quota_2025 = float(data.one(a.quotas, year=2025)["mining_total_t_reo"])
show(chain.table(quota_2025), {"factor": 3, "mass_t": 0})

# %%
prod_2025 = float(data.one(a.production, year=2025)["production_t"])
display(Markdown(f"The {quota_2025:,.0f} t REO mining quota holds the Nd+Pr for **{chain.reo_to_magnet(quota_2025):,.0f} t** "
                 f"of magnet; China's {prod_2025:,.0f} t of magnet in 2025 needs the Pr-Nd of "
                 f"**{chain.magnet_to_reo(prod_2025):,.0f} t REO** at a {chain.ndpr_share_of_reo:.0%} Pr-Nd share."))
show(chain.backward_table(prod_2025, "NdFeB magnet produced in China, 2025 (seed 002 forecast)"), {"factor": 3, "mass_t": 0})

# %% [markdown]
# ## The balance: China's magnet production against the build-up and exports
#
# China's rare-earth permanent-magnet production (seed 002) goes to three places: the seven end uses of the demand build-up (units **made** in
# China, so magnets inside exported cars and air conditioners are counted here), magnets exported
# as magnets, and a **residual**: uses the build-up does not list (conventional cars' motors and
# steering, other electronics, industrial motors, e-bikes, ...) plus any change in stocks.
#
# Exports: 2025 is the customs total for HS 85051110. For 2024 no customs annual total is in
# `data/`: the only annual figure is Adamas', which also counts permanent-magnet **alloys** (a
# broader scope). `analysis.exports` derives the customs Jan-Nov 2024 total from Jan-Nov 2025 and
# its stated y/y change; it is shown beside it as a lower bound for the customs scope. December
# 2024 itself cannot be derived.

# %%
made24, made25 = (data.one(a.production, year=y) for y in (2024, 2025))
ex24, ex25 = (data.one(a.exports, year=y) for y in (2024, 2025))
display(Markdown(
    f"Production: {made24.production_t:,.0f} t in 2024, {made25.production_t:,.0f} t expected in 2025 (seed 002). Exports: "
    f"2025, {ex25.exports_t:,.0f} t of {ex25.scope}; 2024, {ex24.exports_t:,.0f} t of "
    f"{ex24.scope}, against a derived customs total of {ex24.customs_partial_t:,.0f} t for "
    f"{ex24.customs_partial_months}."))
display(charts_supply.magnet_balance(a.balance, demand.by_sector(a.demand), a.exports))
display(show(a.balance.drop(columns=["exports_scope"]), 1))
show(a.exports)

# %%
b24, b25 = (data.one(a.balance, year=y) for y in (2024, 2025))
display(Markdown(
    f"**Reading it.** The seven end uses take {b24.end_uses_pct:.0f}% of China's magnet output in 2024 and "
    f"{b25.end_uses_pct:.0f}% in 2025; exports as magnets about {b25.exports_pct:.0f}%. The residual, "
    f"**{b24.residual_t:,.0f} t in 2024 and {b25.residual_t:,.0f} t in 2025**, is a quarter to a third of output: "
    f"far too large to be stock change alone, it is mostly the uses seed 002 does not break out (conventional "
    f"vehicles' motors and steering, consumer electronics beyond phones, industrial motors, e-bikes, audio). "
    f"It shrinks in 2025 because the listed end uses grow "
    f"{(b25.end_uses_t / b24.end_uses_t - 1) * 100:.0f}% while total output grows "
    f"{(b25.production_t / b24.production_t - 1) * 100:.1f}%. With the customs Jan-Nov 2024 total "
    f"({ex24.customs_partial_t:,.0f} t) instead of Adamas' annual figure, the 2024 residual would be "
    f"{ex24.exports_t - ex24.customs_partial_t:,.0f} t larger: one missing month plus the alloys."))

# %% [markdown]
# ## The same balance in Pr-Nd oxide, against the quota
#
# Each part of the balance converted to the Pr-Nd oxide it contains, set against the Pr-Nd oxide
# the mining quota holds at the assumed share. The break-even share is the Pr-Nd share of REO at
# which the mining quota alone would cover China's magnet production.

# %%
NDPR_LABELS = {
    "production_ndpr_oxide_t": "Pr-Nd oxide in China's magnet production, t", "end_uses_ndpr_oxide_t": "  of which the seven end uses, t",
    "exports_ndpr_oxide_t": "  of which magnet exports, t", "residual_ndpr_oxide_t": "  of which the residual, t",
    "mining_quota_t_reo": "mining quota, t REO", "mining_quota_ndpr_oxide_t": "Pr-Nd oxide in the mining quota, t",
    "smelting_quota_t_reo": "smelting/separation quota, t REO", "smelting_quota_ndpr_oxide_t": "Pr-Nd oxide in the smelting quota, t",
    "gap_ndpr_oxide_t": "gap: production minus mining quota, t oxide", "coverage_pct": "mining quota / production, %",
    "breakeven_ndpr_share_pct": "Pr-Nd share of REO that would close the gap, %"}
show(a.ndpr.set_index("year").T.rename(index=NDPR_LABELS), 0)

# %%
n25 = data.one(a.ndpr, year=2025)
display(Markdown(
    f"At a {chain.ndpr_share_of_reo:.0%} Pr-Nd share, the 2025 mining quota holds **{n25.mining_quota_ndpr_oxide_t:,.0f} t** "
    f"of Pr-Nd oxide against **{n25.production_ndpr_oxide_t:,.0f} t** in China's 2025 magnet output "
    f"({n25.coverage_pct:.0f}% covered). The quota alone would suffice only at a Pr-Nd share of "
    f"{n25.breakeven_ndpr_share_pct:.0f}%, above what mined ores typically carry. The rest comes from outside the "
    f"quota: imported concentrates (USGS estimates Burma's output from China's imports), recycled process scrap, "
    f"stocks, and any undocumented mining; the 2025 smelting quota of {n25.smelting_quota_t_reo:,.0f} t REO brings "
    f"imported ores into the quota for the first time. SMM's magnet figure may also count semi-finished blanks, "
    f"heavier than finished magnets."))
show(supply.coverage_by_share(a.sens), 0)

# %% [markdown]
# ## China's magnet output is a range, not a figure
#
# The balance above rests on one figure per year, SMM's (seed 002). Others publish different
# totals for the same year, and they count different things: NdFeB or all rare-earth permanent
# magnets, sintered or bonded, blanks or finished magnets, with or without cerium grades
# (`data/magnet_production.csv` records what each counts). Below, the balance and its Pr-Nd
# content are read across the lowest and highest published figure of each year.

# %%
display(charts_supply.magnet_output_range(a.output_figures, a.band))
show(a.output_figures[["year", "status", "mass_t", "comparator", "counts", "publisher", "used_in_balance"]], 0)

# %%
rng24 = data.one(supply.magnet_output_range(), year=2024)
display(Markdown(
    f"For 2024 the published figures run from **{rng24.low_t:,.0f} t** ({md(rng24.low_counts)}) to **{rng24.high_t:,.0f} t** "
    f"({md(rng24.high_counts)}). Across that range: "
    + "; ".join(f"{r.year}: {md(r.conclusion)} **{md(r.verdict)}**" for r in a.conclusions.itertuples()) + ". "
    + (f"The Pr-Nd oxide the balance implies for 2024 ({a.cross.iloc[0].implied_low_t:,.0f}-{a.cross.iloc[0].implied_high_t:,.0f} t) "
       f"set against published figures: " + "; ".join(f"{md(r.published)} about {r.published_t:,.0f} t "
       f"({'inside' if r.inside_range else 'outside'} that range, nearer its {r.nearer} end)" for r in a.cross.itertuples())
       + "." if len(a.cross) else "")))
show(a.band, {"residual_pct": 0, "quota_coverage_pct": 0})

# %% [markdown]
# ### To the horizon
#
# From 2026 the requirement is the build-up's end uses plus exports and the residual, held at
# their 2025 level unless `other_uses_growth_pct_per_year` says otherwise; the quota grows at
# `quota_growth_pct_per_year` (SMM expects it flat). The band shows the quota's Pr-Nd oxide for
# Pr-Nd shares from 15% to 30%; the dotted line is the requirement net of recycled magnet
# (next section).

# %%
display(charts_supply.requirement_path(a.path, chain, supply.requirement_sources(a.exports), TAG,
                                       p["quota_growth_pct_per_year"], p["other_uses_growth_pct_per_year"]))
show(a.path[["year", "end_uses_t", "exports_and_other_t", "requirement_t", "requirement_ndpr_oxide_t", "quota_ndpr_oxide_t",
             "recycled_ndpr_oxide_t", "gap_ndpr_oxide_t"]].rename(columns={
    "end_uses_t": "end uses, t magnet", "exports_and_other_t": "exports + other, t magnet", "requirement_t": "needed, t magnet",
    "requirement_ndpr_oxide_t": "needed, t oxide", "quota_ndpr_oxide_t": "mining quota, t oxide",
    "recycled_ndpr_oxide_t": "recycled, t oxide", "gap_ndpr_oxide_t": "gap after recycling, t oxide"}))

# %% [markdown]
# ## The seeds' supply claims, checked
#
# Each claim recomputed from `data/`, with what it rests on. The seed 003 check reuses
# `analysis.consistency` (claim `mf_lingyi_demand_share_world_production_2024`).

# %%
claims = claims_supply.table(chain, a.balance)
show(claims)

# %% [markdown]
# Seed 000's "global production volume (metric tons)" of neodymium is compared with what USGS's
# world mine output (all rare earths, t REO) holds in neodymium: REO x Pr-Nd share x the Nd2O3
# share of Pr-Nd oxide gives t of Nd2O3, and x the Nd share of Nd2O3 (stoichiometry, `analysis.units`) t of Nd metal. The seed does not
# say which it counts; the implied Pr-Nd share is the one at which its figure equals the Nd2O3
# equivalent. Every USGS edition that gives the year is shown.

# %%
show(supply.nd_volume_check(chain), 1)

# %% [markdown]
# ## Recycling potential: the end-of-life magnet flow
#
# Magnets leave use when their products do. Each year's inflow (the build-up's demand by sector,
# from 2024) leaves over the following years with a Weibull lifetime per sector
# (`scipy.stats.weibull_min`; mean from `lifetime_mean_years`, shape `lifetime_shape`).
# **ASSUMPTIONS**, all parameters: the lifetimes (not in `data/`); the inflows before 2024, which
# are not in `data/` either and are back-cast from each sector's 2024 demand at a constant growth
# rate (by default the growth of China's magnet output to 2024, and for NEVs seed 002's own NEV
# growth 2024-25, because NEV output grew far faster than the total; figures below); and the
# collection and recovery rates. Recycled magnet = end-of-life flow x collection rate x recovery rate.
#
# The flow is China's: the build-up counts products made in China, so magnets in exported
# products reach end of life abroad; the flow is an upper bound for what Chinese recyclers could
# collect at home.

# %%
display(Markdown(f"Default back-cast growth from `data/`: {supply.backcast_growth_from_data():.1f}% a year (China's magnet "
                 f"output to 2024); NEVs {supply.nev_backcast_from_data():.1f}% (seed 002, 2024-25). This run: "
                 + ", ".join(f"{LABELS[k]} {v:.1f}%" for k, v in p["backcast_growth_pct_per_year"].items()) + "."))
show(supply.lifetime_table(p), 1)

# %%
yearly, first = a.yearly, supply.BALANCE_YEARS[0]
display(charts_supply.end_of_life(supply.eol_by_sector(a.flows, p["first_inflow_year"]), yearly, supply.recycling_sources(),
                                  TAG, first, p["collection_rate"], p["recovery_rate"]))
display(Markdown(
    f"End-of-life magnets are **{yearly.loc[first, 'eol_t']:,.0f} t in {first}** and "
    f"**{yearly.loc[H, 'eol_t']:,.0f} t in {H}**, against {yearly.loc[H, 'inflow_t']:,.0f} t of magnet put into use in {H} "
    f"({yearly.loc[H, 'eol_t'] / yearly.loc[H, 'inflow_t'] * 100:.0f}%): magnets in use grow much faster than they retire. "
    f"Recycled at {p['collection_rate']:.0%} x {p['recovery_rate']:.0%}, the flow gives {yearly.loc[H, 'recycled_t']:,.0f} t of "
    f"magnet in {H}. Short-lived products (phones, air conditioners, robots) dominate it; NEV and wind magnets arrive later."))

# %% [markdown]
# ## Against the EU Critical Raw Materials Act's recycling benchmark
#
# Seed 003 says the European Parliament approved CRMA amendments on 7 October 2024 "requiring a
# minimum 25% recycled magnet content" in wind turbines and EV motors by 2030. The regulation
# itself does not say that (verdict below, from `data/policy_claims.csv`). This section measures
# the recycling flow against what the primary text does set, and names the article.

# %%
crma_claims = policy_claims()
seed_claim = data.one(crma_claims, claim_id="eu_crma_recycled_content")
benchmark = data.one(crma_claims, claim_id=supply.CRMA_CLAIM)
display(Markdown(f"**Seed 003's claim: {md(seed_claim.verdict)}** by {md(seed_claim.primary_text)}. {md(seed_claim.reason)}\n\n"
                 f"**Used instead: {md(benchmark.primary_text)}** ({md(benchmark.verdict)}): {md(benchmark.reason)} "
                 f"No EU demand is in `data/`, so the benchmark is applied to the build-up's consumption as a yardstick."))
display(charts_supply.crma_yardstick(a.crma, p["demand_scenario"], [supply.crma_target()[2], demand.SEED_SOURCE]))
show(a.crma, 1)

# %%
c0 = data.one(a.crma)
display(Markdown(
    f"In {c0.year}, {c0.benchmark_share_pct:.0f}% of the build-up's magnet consumption is **{c0.needed_recycled_t:,.0f} t** "
    f"of recycled magnet. End-of-life magnets from all seven end uses, collected at {p['collection_rate']:.0%} and "
    f"recovered at {p['recovery_rate']:.0%}, give **{c0.recycled_t:,.0f} t**, {c0.coverage_pct:.0f}% of it: NEVs sold in "
    f"the early 2020s and today's wind turbines are mostly still in use in {c0.year}. "
    f"The result moves most with the collection rate and with how fast NEV inflows grew before 2024:"))
show(supply.recycling_sensitivity(a.demand, p, int(c0.year)).reset_index())

# %%
written = report.write_results(supply.NOTEBOOK_STEM, supply.results(a, claims))
display(Markdown(report.results_note(written)))

# %% [markdown]
# ## Caveats
#
# - **The Pr-Nd share of REO is an assumption** (20% by default); the quota coverage moves one for
#   one with it (table above). Ores differ widely, and the quota does not say how much of each ore type is mined.
# - **China's magnet production** in the balance is SMM's (seed 002: an "approximately" figure for
#   2024, a May 2025 forecast for 2025). Other publishers count other things (NdFeB only, blanks,
#   without cerium grades) and give more; the section on the output range reads the balance across
#   them and says which conclusions survive.
# - **2024 exports** are Adamas' magnets-and-alloys figure, broader than customs; the customs annual
#   total for 2024 is not in `data/`.
# - **The residual** mixes uses the build-up does not cover with stock changes; the data cannot separate them.
# - **The chain is a content balance**: no process losses, no Dy/Tb, no recycled process scrap.
# - **Recycling**: lifetimes, back-cast inflows, collection and recovery rates are assumptions
#   (parameters), not data. The flow counts products made in China, including those exported.
