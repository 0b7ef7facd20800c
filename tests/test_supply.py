"""Supply and balance: the conversion chain, the lifetime model, the balance, the claims, the notebook."""
import csv
import inspect

import numpy as np
import papermill as pm
import pytest
import yaml

from analysis import claims_supply, demand, params, paths, supply, units
from analysis.charts import supply as charts_supply

NB = "04_supply_balance"

# Hand stoichiometry (IUPAC atomic weights Nd 144.242, Pr 140.90766, O 15.999):
ND_IN_ND2O3 = 288.484 / (288.484 + 3 * 15.999)                      # 0.85736
PR_IN_PR6O11 = 6 * 140.90766 / (6 * 140.90766 + 11 * 15.999)        # 0.82771
METAL_IN_PRND_OXIDE = 0.75 * ND_IN_ND2O3 + 0.25 * PR_IN_PR6O11      # 75:25 Nd2O3:Pr6O11 -> 0.84994


def _csv(name):
    with open(paths.DATA / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _defaults():
    """The notebook's default parameters, as papermill reads them."""
    raw = pm.inspect_notebook(str(paths.NOTEBOOKS / f"{NB}.ipynb"))
    return {k: yaml.safe_load(v["default"]) if k != "demand_scenario" else v["default"].strip('"') for k, v in raw.items()}


@pytest.fixture(scope="module")
def p():
    return supply.validate_parameters(_defaults())


@pytest.fixture(scope="module")
def base():
    return supply.load_demand("base")[1]


@pytest.fixture(scope="module")
def chain():
    return supply.Chain(0.20, 0.25, 0.30)


# --- the conversion chain -------------------------------------------------------------------------

def test_chain_factors_follow_the_hand_stoichiometry(chain):
    assert chain.metal_fraction == pytest.approx(METAL_IN_PRND_OXIDE, rel=1e-6)
    # 1 t REO -> 0.2 t oxide -> 0.2 x 0.84994 t metal -> / 0.30 t magnet = 0.56663 t magnet
    assert chain.reo_to_magnet(1.0) == pytest.approx(0.2 * METAL_IN_PRND_OXIDE / 0.30, rel=1e-6)
    table = chain.table(270000)
    assert list(table["unit"]) == ["t REO", "t Pr-Nd oxide", "t Nd+Pr metal", "t NdFeB magnet"]
    assert table["mass_t"].iloc[1] == pytest.approx(54000)                  # 270,000 x 0.2
    assert table["mass_t"].iloc[-1] == pytest.approx(chain.reo_to_magnet(270000))
    assert "ASSUMPTION" in table["factor_source"].iloc[1]


@pytest.mark.parametrize("shares", [(0.2, 0.25, 0.3), (0.12, 0.0, 0.28), (0.31, 1.0, 0.32)])
def test_chain_round_trips(shares):
    c = supply.Chain(*shares)
    for reo in (1.0, 270000.0, 390000.0):
        assert c.magnet_to_reo(c.reo_to_magnet(reo)) == pytest.approx(reo, rel=1e-12)
        assert c.magnet_to_ndpr_oxide(c.reo_to_magnet(reo)) == pytest.approx(c.reo_to_ndpr_oxide(reo), rel=1e-12)


@pytest.mark.parametrize("args, name", [((1.5, 0.25, 0.3), "ndpr_share_of_reo"), ((0.0, 0.25, 0.3), "ndpr_share_of_reo"),
                                        ((0.2, -0.1, 0.3), "pr_share_of_ndpr"), ((0.2, 0.25, 30.0), "ndpr_share_of_magnet")])
def test_bad_chain_factors_name_the_parameter(args, name):
    with pytest.raises(ValueError, match=name):
        supply.Chain(*args)


def test_backward_chain_table_runs_the_chain_the_other_way(chain):
    back = chain.backward_table(265000, "China's magnet output")
    assert list(back["unit"]) == ["t NdFeB magnet", "t Nd+Pr metal", "t Pr-Nd oxide", "t REO"]
    assert list(back.columns) == list(chain.table(1.0).columns)
    metal = 265000 * 0.30                                                     # 79,500 t Nd+Pr
    oxide = metal / METAL_IN_PRND_OXIDE                                       # 93,536 t Pr-Nd oxide
    assert back["mass_t"].tolist() == pytest.approx([265000, metal, oxide, oxide / 0.20], rel=1e-9)
    assert back["step"].iloc[0] == "China's magnet output"
    # each step's mass is the one before times its factor, as in the forward table
    assert (back["mass_t"].iloc[:-1].to_numpy() * back["factor"].iloc[1:].to_numpy()) == pytest.approx(back["mass_t"].iloc[1:].to_numpy())
    # and forwards again from that REO gives the magnet back
    assert chain.table(back["mass_t"].iloc[-1])["mass_t"].iloc[-1] == pytest.approx(265000, rel=1e-12)


# --- parameters -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key, value, message", [
    ("collection_rate", -0.1, r"collection_rate: expected a number from 0 to 1, got -0.1"),
    ("recovery_rate", 1.2, r"recovery_rate: expected a number from 0 to 1, got 1.2"),
    ("ndpr_share_of_reo", 20, r"ndpr_share_of_reo: expected a number from 0.01 to 1 .* not a percentage\), got 20"),
    ("quota_growth_pct_per_year", -150, r"quota_growth_pct_per_year: expected a number from -99 to 100, got -150"),
    ("backcast_growth_pct_per_year", {"nev": -100}, r"backcast_growth_pct_per_year\['nev'\]"),
    ("backcast_growth_pct_per_year", {"cars": 5}, r"backcast_growth_pct_per_year: unknown sector 'cars'"),
    ("lifetime_mean_years", {"nev": 15}, r"lifetime_mean_years: missing sector\(s\) wind"),
    ("lifetime_mean_years", "15", r"lifetime_mean_years: expected a mapping"),
    ("lifetime_shape", 0.0, r"lifetime_shape: expected a number from 0.5 to 20, got 0.0"),
    ("first_inflow_year", 2024, r"first_inflow_year: expected a whole number from 1950 to 2023, got 2024"),
    ("demand_scenario", "medium", r"demand_scenario: expected one of 'base', 'high', 'humanoid_boom', 'low', got 'medium'"),
])
def test_bad_parameters_give_clear_errors(key, value, message):
    with pytest.raises(ValueError, match=message):
        supply.validate_parameters({**_defaults(), key: value})


def test_notebook_defaults_come_from_data():
    d = _defaults()
    assert d["ndpr_share_of_magnet"] == pytest.approx(units.default_magnet_ndpr_share())        # 30 wt % (magnet_intensity.csv)
    assert d["pr_share_of_ndpr"] == inspect.signature(units.prnd_metal_fraction_of_oxide).parameters["pr_share"].default
    # China RE magnet output 135,000 t (2015) -> 246,500 t (2024): (246.5 / 135) ** (1/9) - 1 = 6.92%
    assert supply.backcast_growth_from_data() == pytest.approx(((246500 / 135000) ** (1 / 9) - 1) * 100)
    # NEV output 12.888 -> 17.89 million (seed 002): +38.8%
    assert supply.nev_backcast_from_data() == pytest.approx((17.89 / 12.888 - 1) * 100)
    for sector, rate in d["backcast_growth_pct_per_year"].items():
        want = supply.nev_backcast_from_data() if sector == "nev" else supply.backcast_growth_from_data()
        assert rate == round(want, 1), sector
    assert d["demand_scenario"] == "base"


def test_scenario_files_select_each_demand_scenario():
    folder = paths.SCENARIOS / NB
    names = sorted(f.stem for f in folder.glob("*.yaml"))
    assert names == ["high", "humanoid_boom", "low"]
    for f in folder.glob("*.yaml"):
        values = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert values == {"demand_scenario": f.stem}
        assert (paths.SCENARIOS / demand.NOTEBOOK_STEM / f"{f.stem}.yaml").exists()
        assert params.problems(paths.NOTEBOOKS / f"{NB}.ipynb", values) == []
    help_text = pm.inspect_notebook(str(paths.NOTEBOOKS / f"{NB}.ipynb"))["demand_scenario"]["help"]
    assert f"one of: {', '.join(p.stem for p in demand.scenario_files())}" in help_text  # the files, not a copy


# --- supply history -------------------------------------------------------------------------------

def test_quota_table():
    q = supply.quota_table().set_index("year")
    assert list(q.index) == list(range(2019, 2026))
    assert q.loc[2025, "mining_total_t_reo"] == 251000 + 19000          # SMM's rock + ion-adsorption expectation
    assert q.loc[2025, "mining_basis"].startswith("derived")
    assert q.loc[2025, "status"] == "expected"
    assert q.loc[2023, "mining_total_t_reo"] == 255000 and q.loc[2023, "mining_basis"] == "stated"
    assert q.loc[2024, "smelting_separation_t_reo"] == 254000
    assert "10,140" in q.loc[2024, "split_note"]                          # batch-1 ion-adsorption allocation


def test_china_share_never_mixes_editions():
    rows = [r for r in _csv("mine_production") if r["usgs_measure"] == "mine_production"]
    value = {(r["country"], int(r["year"]), r["edition"]): float(r["mass_t_reo"]) for r in rows}
    share = supply.china_share()
    for r in share.itertuples():
        assert r.china_share_pct == pytest.approx(value[("China", r.year, r.edition)] / value[("World", r.year, r.edition)] * 100)
    s = share.set_index(["year", "edition"])["china_share_pct"]
    assert s[(2025, "MCS 2026")] == pytest.approx(270000 / 390000 * 100)    # 69.2%
    assert s[(2023, "MCS 2024")] == pytest.approx(240000 / 350000 * 100)    # 68.6%
    assert (2024, "MCS 2026") not in s.index                                # MCS 2026 gives no China 2024 figure


def test_annual_exports_scope():
    e = supply.annual_exports().set_index("year")
    assert e.loc[2025, "exports_t"] == 57392 and "HS 85051110" in e.loc[2025, "scope"]
    assert e.loc[2024, "exports_t"] == 58152 and "alloys" in e.loc[2024, "scope"]
    assert e.loc[2024, "customs_partial_t"] == pytest.approx(51440 / (1 - 0.02))   # Jan-Nov 2025 and its -2% y/y
    assert e.loc[2024, "customs_partial_months"] == "2024-01..2024-11"


# --- the balance ----------------------------------------------------------------------------------

END_USES_2025 = 75000 * 16.626 / 17.89 + 8341 * 119.33 / 87 + 26000 + 7368 + 3698 + 18828


def test_balance_adds_up(base):
    b = supply.magnet_balance(base).set_index("year")
    for year in (2024, 2025):
        r = b.loc[year]
        assert r.end_uses_t + r.exports_t + r.residual_t == pytest.approx(r.production_t, rel=1e-12)
        assert r.end_uses_pct + r.exports_pct + r.residual_pct == pytest.approx(100)
    # 246,500 (seed 002) - 110,752 (seed 002 end uses) - 58,152 (Adamas) = 77,596
    assert b.loc[2024, "residual_t"] == pytest.approx(246500 - 110752 - 58152)
    # 2025 end uses: the demand build-up's nowcast (NEVs and wind from the 2025 actuals, CAAM 16.626 million
    # NEVs and NEA 119.33 GW, at SMM's intensities; the other four sectors SMM's forecast)
    assert b.loc[2025, "residual_t"] == pytest.approx(265000 - END_USES_2025 - 57392)


def test_ndpr_balance_in_oxide_terms(base, chain):
    n = supply.ndpr_balance(supply.magnet_balance(base), chain).set_index("year")
    need = 265000 * 0.30 / METAL_IN_PRND_OXIDE                               # 93,536 t Pr-Nd oxide
    assert n.loc[2025, "production_ndpr_oxide_t"] == pytest.approx(need, rel=1e-6)
    parts = n[["end_uses_ndpr_oxide_t", "exports_ndpr_oxide_t", "residual_ndpr_oxide_t"]].sum(axis=1)
    assert np.allclose(parts, n["production_ndpr_oxide_t"])
    assert n.loc[2025, "mining_quota_ndpr_oxide_t"] == pytest.approx(270000 * 0.20)
    assert n.loc[2025, "breakeven_ndpr_share_pct"] == pytest.approx(need / 270000 * 100, rel=1e-6)


def test_requirement_path(base, chain):
    b = supply.magnet_balance(base)
    path = supply.requirement_path(base, b, chain, 0.0, 10.0).set_index("year")
    assert path.loc[2024, "requirement_t"] == pytest.approx(246500)
    # 2027: end uses + (2025 exports + 2025 residual) x 1.1^2, quota flat
    end_2027 = demand.totals(base).loc[2027]
    assert path.loc[2027, "requirement_t"] == pytest.approx(end_2027 + (265000 - END_USES_2025) * 1.1 ** 2)
    assert path.loc[2030, "mining_quota_t_reo"] == 270000


# --- claims ---------------------------------------------------------------------------------------

def test_seed_claims(base, chain):
    claims = claims_supply.table(chain, supply.magnet_balance(base))
    assert len(claims) == 4
    by = dict(zip(claims["source_id"] + ":" + claims["claim"].str[:12], claims["verdict"]))
    assert by["seed000_farmonaut:global Nd mi"] == "disagrees"  # output did not rise 25%
    assert by["seed000_farmonaut:China contro"] == "consistent (mine output)"   # 67.8-69.2%, inside 60-70%
    assert by["seed003_magnet_news:2,000 t of m"] == "disagrees"
    lingyi = claims[claims["source_id"] == "seed003_magnet_news"].iloc[0]
    assert f"{2000 / 246500 * 100:.2f}%" in lingyi["recomputed"]                # 0.81%
    assert f"{2000 / 0.07:,.0f} t" in lingyi["explanation"]                     # 28,571 t
    rise = claims.iloc[0]
    assert f"{(390000 / 380000 - 1) * 100:+.1f}%" in rise["recomputed"]         # MCS 2026: 2024 380,000 -> 2025 390,000


def test_nd_volume_check_counts_nd_only(chain):
    nd = supply.nd_volume_check(chain).set_index(["year", "edition"])
    r = nd.loc[(2024, "MCS 2025")]
    assert r.usgs_nd_oxide_t == pytest.approx(390000 * 0.20 * 0.75)            # 58,500 t Nd2O3
    assert r.usgs_nd_metal_t == pytest.approx(390000 * 0.20 * 0.75 * ND_IN_ND2O3, rel=1e-6)
    assert r.seed000_stated_t == 56800
    assert r.position == "between the Nd-metal and Nd2O3 equivalents"
    assert r.implied_ndpr_share_pct == pytest.approx(56800 / (390000 * 0.75) * 100)


# --- the lifetime model ---------------------------------------------------------------------------

def test_single_cohort_with_fixed_lifetime_returns_exactly_at_t_plus_l():
    inflow = np.zeros(40)
    inflow[5] = 100.0
    out = supply.eol_outflow(inflow, supply.lifetime_pmf(7, None))
    expected = np.zeros(40)
    expected[12] = 100.0
    assert np.array_equal(out, expected)


@pytest.mark.parametrize("mean, shape", [(4, 3.0), (15, 3.0), (25, 1.5), (12, 1.0)])
def test_constant_inflow_in_steady_state_gives_outflow_equal_to_inflow(mean, shape):
    pmf = supply.lifetime_pmf(mean, shape)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert pmf[0] == 0.0                                                        # nothing leaves in its first year
    inflow = np.full(len(pmf) + 50, 1000.0)
    out = supply.eol_outflow(inflow, pmf)
    assert np.allclose(out[len(pmf):], 1000.0, rtol=1e-12)
    # the discrete mean age at retirement is the Weibull mean rounded up to whole years: within [mean, mean + 1]
    assert mean - 0.05 <= (np.arange(len(pmf)) * pmf).sum() <= mean + 1


def test_lifetime_pmf_rejects_bad_input():
    with pytest.raises(ValueError, match="mean_years"):
        supply.lifetime_pmf(0, 3.0)
    with pytest.raises(ValueError, match="shape"):
        supply.lifetime_pmf(10, -1.0)


def test_inflow_back_cast_and_recycling_flows(base, p):
    inflow = supply.inflow_history(base, p["backcast_growth_pct_per_year"], p["first_inflow_year"])
    assert inflow.index[0] == p["first_inflow_year"]
    g = p["backcast_growth_pct_per_year"]["nev"] / 100
    assert inflow.loc[2023, "nev"] == pytest.approx(57000 / (1 + g))             # seed 002 NEV 2024 demand, one year back
    assert inflow.loc[2000, "wind"] == pytest.approx(9735 / (1 + p["backcast_growth_pct_per_year"]["wind"] / 100) ** 24)
    flows = supply.recycling_flows(base, p)
    assert np.allclose(flows["recycled_t"], flows["eol_t"] * p["collection_rate"] * p["recovery_rate"])
    for _, g in flows.groupby("sector"):                                       # nothing leaves before it came in
        assert (g["eol_t"].cumsum() <= g["inflow_t"].cumsum() + 1e-9).all()


def test_crma_comparison_uses_the_regulation_not_the_seed(base, p):
    flows = supply.recycling_flows(base, p)
    crma = supply.crma_comparison(flows, base)
    assert len(crma) == 1
    row = crma.iloc[0]
    table = demand.by_sector(base).loc[2030]
    # Reg. (EU) 2024/1252 Art. 5(1)(a)(iii): 25% of annual consumption, by 2030 (passage in policy_claims.csv)
    assert row["year"] == 2030 and row["benchmark_share_pct"] == 25
    assert "Art. 5(1)(a)(iii)" in row["benchmark"]
    assert row["needed_recycled_t"] == pytest.approx(0.25 * table.sum())
    assert row["recycled_t"] == pytest.approx(flows[flows["year"] == 2030]["recycled_t"].sum())
    assert supply.crma_target()[2] == "eurlex_2024_1252_crma"


# --- the notebook ---------------------------------------------------------------------------------

@pytest.mark.notebook
def test_notebook_runs_with_defaults(defaults_results):
    r = defaults_results(NB)
    assert r["demand_scenario"] == "base"
    assert 5 <= len(r["key_figures"]) <= 8
    bal = {b["year"]: b for b in r["magnet_balance"]}
    assert bal[2024]["residual_t"] == pytest.approx(246500 - 110752 - 58152)
    for b in bal.values():
        assert b["end_uses_t"] + b["exports_t"] + b["residual_t"] == pytest.approx(b["production_t"])
    ndpr = {n["year"]: n for n in r["ndpr_balance"]}
    assert ndpr[2025]["production_ndpr_oxide_t"] == pytest.approx(265000 * 0.30 / METAL_IN_PRND_OXIDE, rel=1e-6)
    assert ndpr[2025]["mining_quota_ndpr_oxide_t"] == pytest.approx(270000 * 0.20)
    assert {c["verdict"] for c in r["seed_claims"]} >= {"disagrees", "consistent (mine output)"}
    assert r["crma"][0]["year"] == 2030


@pytest.mark.notebook
def test_notebook_runs_with_the_high_demand_scenario(run_notebook):
    r = run_notebook(NB, demand_scenario="high")
    assert r["demand_scenario"] == "high"
    high = demand.project(demand.load_scenario(paths.SCENARIOS / demand.NOTEBOOK_STEM / "high.yaml"))
    end_uses = demand.totals(high)
    path = {row["year"]: row for row in r["requirement_path"]}
    assert path[2030]["end_uses_t"] == pytest.approx(end_uses.loc[2030])
    # after 2025 exports + other uses stay at their 2025 level (production 265,000 t less the 2025 end uses) by default
    assert path[2030]["requirement_t"] == pytest.approx(end_uses.loc[2030] + 265000 - END_USES_2025)
    # 2024 is seed 002 and 2025 the nowcast in every scenario: the balance is the same as the base's
    assert {b["year"]: b["residual_t"] for b in r["magnet_balance"]}[2024] == pytest.approx(246500 - 110752 - 58152)
    need = 0.25 * demand.by_sector(high).loc[2030].sum()
    assert r["crma"][0]["needed_recycled_t"] == pytest.approx(need, rel=1e-6)


@pytest.mark.notebook
def test_notebook_refuses_a_negative_collection_rate(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match=r"collection_rate: expected a number from 0 to 1, got -0.2"):
        run_notebook(NB, collection_rate=-0.2)


def test_usgs_revisions_of_world_output():
    # USGS MCS: world mine production 2023 was 350,000 t REO in MCS 2024 and 376,000 t in MCS 2025;
    # 2024 was 390,000 t in MCS 2025 and 380,000 t in MCS 2026.
    rev = supply.usgs_revisions("World")
    assert [tuple(r) for r in rev[["year", "from_edition", "from_t", "to_edition", "to_t"]].itertuples(index=False)] == [
        (2023, "MCS 2024", 350_000.0, "MCS 2025", 376_000.0), (2024, "MCS 2025", 390_000.0, "MCS 2026", 380_000.0)]


# --- China's magnet output as a range ------------------------------------------------------------

def test_magnet_output_range_2024_spans_the_published_figures():
    rng = supply.magnet_output_range().set_index("year")
    # 2024: SMM's 246,500 t (all RE magnets, seed 002) to Acrei's 'around 300,000t' NdFeB (via Argus)
    assert rng.loc[2024, "low_t"] == 246500 and rng.loc[2024, "high_t"] == 300000
    assert rng.loc[2024, "basis"] == "actuals and estimates"
    # 2025: one actual, SMM's survey of NdFeB blanks (about 330,000 t); the forecasts (SMM's 265,000 t of
    # May 2025, Chinatungsten's 284,000 t of 2022) no longer set the range
    assert (rng.loc[2025, "low_t"], rng.loc[2025, "high_t"], rng.loc[2025, "basis"]) == (330000, 330000, "actuals and estimates")
    figs = supply.magnet_output_figures()
    assert {"year", "counts", "publisher", "used_in_balance"} <= set(figs.columns)
    assert figs["used_in_balance"].sum() == 2


def test_balance_band_and_its_conclusions(base, chain):
    band = supply.balance_band(supply.magnet_balance(base), chain)
    hi = band[(band["year"] == 2024) & (band["end"] == "high")].iloc[0]
    assert hi["residual_t"] == pytest.approx(300000 - 110752 - 58152)
    assert hi["production_ndpr_oxide_t"] == pytest.approx(chain.magnet_to_ndpr_oxide(300000))
    c = supply.band_conclusions(band).set_index(["year", "conclusion"])["verdict"]
    assert c[(2024, "magnets are left for uses outside the build-up (residual > 0)")] == "holds across the range"
    # 2025 end uses (the nowcast) are above half of 265,000 t but below half of 284,000 t
    assert 265000 / 2 < END_USES_2025 < 284000 / 2
    assert c[(2025, "the build-up's end uses take more than half of output")] == "depends on which output figure is right"
    cross = supply.ndpr_cross_check(band).set_index("published")
    assert cross.loc["Pr-Nd oxide consumption 2024", "inside_range"]          # 96,000 t
    assert not cross.loc["Pr-Nd oxide output 2024", "inside_range"]           # 106,000 t, just above the high end


# --- one run: analyse() and results() -------------------------------------------------------------

RESULT_KEYS = ["answer", "key_chart", "key_figures", "demand_scenario", "horizon_year", "parameters", "chain_factors", "quotas",
               "china_share", "magnet_balance", "ndpr_balance", "ndpr_share_sensitivity", "requirement_path",
               "magnet_output_figures", "balance_band", "band_conclusions", "ndpr_cross_check", "seed_claims",
               "recycling_by_year", "crma"]


@pytest.fixture(scope="module")
def analysed(p):
    return supply.analyse(p)


def test_results_keep_the_notebook_keys_and_add_answer_and_key_chart(analysed):
    r = supply.results(analysed, claims_supply.table(analysed.chain, analysed.balance))
    assert list(r) == RESULT_KEYS
    assert r["key_chart"] == supply.KEY_CHART and callable(getattr(charts_supply, r["key_chart"]))
    figures = r["key_figures"]
    assert list(figures)[:4] == ["demand scenario", "residual 2024 (other uses + stock change)",
                                 "Pr-Nd oxide in China's 2025 magnet output", "mining quota 2025 at 20% Pr-Nd"]
    # 246,500 - 110,752 - 58,152 = 77,596 t, 31% of 246,500
    assert figures["residual 2024 (other uses + stock change)"] == f"{246500 - 110752 - 58152:,.0f} t magnet (31% of output)"
    assert figures["China share of world mine output 2025 (MCS 2026)"] == f"{270000 / 390000 * 100:.0f}%"
    assert r["chain_factors"]["magnet_t_per_t_reo"] == pytest.approx(0.2 * METAL_IN_PRND_OXIDE / 0.30)
    assert [y["year"] for y in r["recycling_by_year"]][0] == supply.RECYCLING_SHOWN_FROM


def test_answer_is_one_sentence_with_the_figures_of_the_balance(analysed):
    text = supply.answer(analysed)
    need = 265000 * 0.30 / METAL_IN_PRND_OXIDE                               # 93,536 t of Pr-Nd oxide in 2025's magnets
    for figure in ("270,000 t REO", f"{270000 * 0.20:,.0f} t of Pr-Nd oxide", f"{need:,.0f} t", "265,000 t of magnet",
                   f"{270000 * 0.20 / need * 100:.0f}%", "does not cover", "short at every published figure"):
        assert figure in text
    gap = float(analysed.path.set_index("year").loc[analysed.horizon_year, "gap_ndpr_oxide_t"])
    assert f"in {analysed.horizon_year}" in text and f"{gap:,.0f} t of Pr-Nd oxide a year short" in text
    assert text.endswith(".") and ". " not in text and "\n" not in text


def test_answer_follows_the_figures_when_the_quota_would_cover(p):
    # at a 50% Pr-Nd share the 2025 quota holds 135,000 t of oxide: more than the 93,536 t of SMM's figure and the
    # 116,471 t in the highest 2025 figure (330,000 t of blanks x 0.30 / 0.84994)
    a = supply.analyse(supply.validate_parameters({**p, "ndpr_share_of_reo": 0.5}))
    text = supply.answer(a)
    assert "270,000 t REO covers the Pr-Nd" in text and "135,000 t of Pr-Nd oxide" in text
    assert "enough at every published figure" in text
    gap = float(a.path.set_index("year").loc[a.horizon_year, "gap_ndpr_oxide_t"])
    assert (f"{-gap:,.0f} t of Pr-Nd oxide a year to spare" if gap <= 0 else f"{gap:,.0f} t of Pr-Nd oxide a year short") in text


def test_recycling_by_year_and_by_sector_agree(analysed, p):
    yearly = analysed.yearly
    eol = supply.eol_by_sector(analysed.flows, p["first_inflow_year"])
    assert yearly.index[0] == max(p["first_inflow_year"], supply.RECYCLING_SHOWN_FROM) == eol.index[0]
    assert eol.sum(axis=1).to_numpy() == pytest.approx(yearly["eol_t"].to_numpy())
    later = supply.recycling_by_year(analysed.flows, 2015)
    assert later.index[0] == 2015 and later.loc[2020, "eol_t"] == yearly.loc[2020, "eol_t"]


def test_lifetime_table_share_retired_within_ten_years(p):
    import math

    table = supply.lifetime_table(p).set_index("sector")
    # phones: Weibull mean 4 years, shape 3 -> scale 4 / Gamma(1 + 1/3); retired within 10 years = 1 - exp(-(10/scale)^3)
    scale = 4 / math.gamma(1 + 1 / 3)
    assert table.loc["mobile phones", "share retired within 10 years, %"] == pytest.approx((1 - math.exp(-(10 / scale) ** 3)) * 100)
    assert np.isnan(table.loc["humanoid robots", "back-cast growth, %/yr"])   # no humanoid inflows before 2024


def test_coverage_by_share_is_one_row_per_share(analysed):
    table = supply.coverage_by_share(analysed.sens).set_index("Pr-Nd share of REO, %")
    assert list(table.index) == pytest.approx([15, 20, 25, 30])
    need = 265000 * 0.30 / METAL_IN_PRND_OXIDE
    assert table.loc[20, "mining-quota coverage 2025, %"] == pytest.approx(270000 * 0.20 / need * 100)


def test_chart_sources_are_the_data_behind_them(analysed):
    known = {r["source_id"] for r in _csv("sources")}
    req = supply.requirement_sources(analysed.exports)
    quota_ids = {r["source_id"] for r in _csv("supply_quotas") if r["year"] in ("2024", "2025") and r["batch"] == "full_year"}
    assert quota_ids <= set(req) and set(analysed.exports["source_ids"]) <= set(req) and set(req) <= known
    rec = supply.recycling_sources()
    first = min((r for r in _csv("magnet_production") if r["region"] == "china" and r["status"] == "actual"
                 and r["magnet_product"] == "re_permanent_magnet"), key=lambda r: int(r["year"]))
    assert rec == [supply.SEED_SOURCE, first["source_id"]]


def test_market_figure_wants_exactly_one_row():
    with pytest.raises(LookupError, match=r"market_figures.csv: expected one row with metric='global_nd_production_volume', found \d+"):
        supply.market_figure("global_nd_production_volume")   # one row per year: not one figure
