"""The demand build-up: seed 002 reproduced, projections that follow the arithmetic, scenarios checked."""
import ast
import csv
import json

import numpy as np
import papermill as pm
import pytest
import yaml

from analysis import demand, parameters, paths, report, units

NB = "02_demand_buildup"
BASE_FILE = paths.SCENARIOS / NB / "base.yaml"


@pytest.fixture(scope="module")
def base():
    return demand.load_scenario(BASE_FILE)


@pytest.fixture
def base_params():
    """The base scenario file as papermill -f would pass it."""
    return yaml.safe_load(BASE_FILE.read_text(encoding="utf-8"))


def _seed_body_rows():
    """data/demand_china.csv body rows of seed 002, read with the csv module (not the loader)."""
    with open(paths.DATA / "demand_china.csv", newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["statement"] == "body" and r["source_id"] == "seed002_smm_forum"]


# --- intensities and the seed ------------------------------------------------------------------

def test_intensities_match_hand_arithmetic():
    seed = demand.seed_table().set_index(["sector", "year"])["intensity_kg_per_activity_unit"]
    assert seed[("nev", 2024)] == pytest.approx(57000 * 1000 / 12.888e6)        # 4.42 kg per vehicle
    assert seed[("wind", 2024)] == pytest.approx(9735 * 1000 / 80.454e3)        # 121 kg per MW (t per GW)
    assert seed[("air_conditioner", 2025)] == pytest.approx(26000 * 1000 / 330e6)  # body figure, not the 320 million
    assert seed[("mobile_phone", 2024)] == pytest.approx(3362 * 1000 / 1.68e9)  # 2 g per phone
    assert seed[("industrial_robot", 2025)] == pytest.approx(18828 * 1000 / 941000)


def test_model_reproduces_every_seed_value_and_total(base):
    result = demand.project(base)
    model = result.set_index(["sector", "year"])["demand_t"]
    expected_totals = {}
    for r in _seed_body_rows():
        if r["demand_metric"] != "ndfeb_demand":
            continue
        assert model[(r["sector"], int(r["year"]))] == pytest.approx(float(r["value"]), rel=1e-12)
        expected_totals[int(r["year"])] = expected_totals.get(int(r["year"]), 0) + float(r["value"])
    assert len([r for r in _seed_body_rows() if r["demand_metric"] == "ndfeb_demand"]) == 12
    totals = demand.totals(result)
    for year, total in expected_totals.items():
        assert totals[year] == pytest.approx(total, rel=1e-12)
    # 57,000 + 9,735 + 21,000 + 7,508 + 3,362 + 12,147; 75,000 + 8,341 + 26,000 + 7,368 + 3,698 + 18,828
    assert totals[2024] == pytest.approx(110752)
    assert totals[2025] == pytest.approx(139235)


def test_intensity_table_says_what_each_figure_measures():
    table = demand.intensity_table()
    assert {"magnet mass (NdFeB)", "element mass (Nd only)", "element mass (magnet rare earths)"} <= set(table["measures"])
    wind = table[table["figure"] == "literature: wind_pm_average"].iloc[0]
    assert wind["comparable_low"] == pytest.approx(0.5 * 1000)  # 0.5 t/MW = 500 kg/MW
    element = table[table["figure"] == "literature: ev_motor"].iloc[0]
    assert np.isnan(element["comparable_low"])  # element mass is not set beside magnet mass


def test_seed_growth_disagreements_are_shown():
    checks = demand.seed_consistency()
    bad = checks[checks["verdict"] == "disagrees"]
    nev = bad[bad["statement"].str.contains("nev:activity:body 2025", regex=False)].iloc[0]
    assert nev["recomputed"] == pytest.approx((17.89 / 12.888 - 1) * 100)  # +38.8%, stated +29%
    assert bad["statement"].str.contains("air_conditioner:activity:body 2025", regex=False).any()  # 330/270 = +22.2%, stated +25%


def test_humanoid_claims_imply_400_kg_per_robot():
    table = demand.humanoid_claims()
    claims = table.set_index("key")["value"]
    # seed 003: "exceeding 2,000 tons" over "more than 5,000" robots; Pacific Forum: Optimus >= 3.5 kg
    assert claims["implied_kg"] == pytest.approx(2000 * 1000 / 5000)
    assert claims["ratio"] == pytest.approx(400 / 3.5)
    assert claims["robots_at_optimus"] == pytest.approx(2000 * 1000 / 3.5)
    assert claims["implied_global_t"] == pytest.approx(2000 / 0.07)  # "7% of global production in 2024"
    # labels are written from the values, not typed
    assert "implied magnet per robot: 2,000 t / 5,000 robots" in set(table["figure"])


# --- projection arithmetic -------------------------------------------------------------------------

def test_projection_follows_growth_and_shares(base):
    table = demand.by_sector(demand.project(base))
    assert table.loc[2030, "nev"] == pytest.approx(75000 * 1.087 ** 5)
    assert table.loc[2030, "wind"] == pytest.approx(8341 * 1.087 ** 5)  # share stays 0.37
    doubled = {**base, "technology_share": {**base["technology_share"], "wind": 0.74}}
    assert demand.by_sector(demand.project(doubled)).loc[2030, "wind"] == pytest.approx(2 * 8341 * 1.087 ** 5)
    # the share moves linearly: in 2028 it is 0.37 + 0.37 x 3/5
    assert demand.by_sector(demand.project(doubled)).loc[2028, "wind"] == pytest.approx(8341 * 1.087 ** 3 * (1 + 3 / 5))
    thrift = {**base, "intensity_trend_pct_per_year": {**base["intensity_trend_pct_per_year"], "nev": -2.0}}
    assert demand.by_sector(demand.project(thrift)).loc[2030, "nev"] == pytest.approx(75000 * 1.087 ** 5 * 0.98 ** 5)


def test_humanoid_robots_add_units_times_kg(base):
    n, k = 1_000_000, 3.0
    boom = {**base, "humanoid_units_per_year": {2030: n}, "humanoid_kg_per_robot": k}
    a, b = demand.by_sector(demand.project(base)), demand.by_sector(demand.project(boom))
    assert b.loc[2030, "humanoid_robot"] == pytest.approx(n * k / 1000)
    assert b.drop(columns="humanoid_robot").equals(a.drop(columns="humanoid_robot"))
    path = {**base, "humanoid_units_per_year": {2026: 0, 2030: 400}}
    assert demand.humanoid_units(demand.validate_scenario(path), [2026, 2027, 2030, 2031]).tolist() == [0, 100, 400, 400]


def test_tornado_swings_follow_the_arithmetic(base):
    torn = demand.tornado(base).set_index("parameter")
    # robots x 0 .. x 200: 200 x 5,000 robots x 3.5 kg / 1000 = 3,500 t
    assert torn.loc["humanoid_units_factor", "swing_t"] == pytest.approx(200 * 5000 * 3.5 / 1000)
    assert torn.loc["humanoid_kg_per_robot", "swing_t"] == pytest.approx(5000 * (5 - 2) / 1000)
    assert torn["swing_t"].is_monotonic_decreasing


def test_element_content_uses_the_composition_rows(base):
    content = demand.element_content(demand.project(base)).set_index("year")
    assert content.loc[2024, "ndpr_element_t"] == pytest.approx(110752 * 0.30)             # 30 wt % Nd+Pr
    assert content.loc[2024, "rare_earth_element_t"] == pytest.approx(110752 * 0.315)     # 31-32 wt % rare earths


def test_outlooks_converted_to_magnet_mass():
    table = demand.comparison_table()
    iea = table[table["series"].str.startswith("IEA world") & (table["year"] == 2023)].iloc[0]
    assert iea["ndfeb_magnet_t"] == pytest.approx(93_000 / 0.315)  # 93 kt of magnet REE -> t of NdFeB
    assert units.magnet_re_content_t(iea["ndfeb_magnet_t"]) == pytest.approx(93_000)


# --- Monte Carlo ------------------------------------------------------------------------------

def test_monte_carlo_is_reproducible(base):
    a, _ = demand.simulate(base, 2000, 7)
    b, _ = demand.simulate(base, 2000, 7)
    c, _ = demand.simulate(base, 2000, 8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_monte_carlo_median_near_deterministic_for_symmetric_distributions(base):
    assert all(d["dist"] in ("normal", "uniform") for d in base["mc_distributions"].values())
    bands = demand.mc_percentiles(base).set_index("year")
    deterministic = demand.totals(demand.project(base))
    assert bands.loc[2030, "p50_t"] == pytest.approx(deterministic[2030], rel=0.01)
    assert bands.loc[2030, "p5_t"] < deterministic[2030] < bands.loc[2030, "p95_t"]
    zero = {**base, "mc_distributions": {k: {"dist": "normal", "sd": 0.0} for k in base["mc_distributions"]}}
    sims, years = demand.simulate(zero, 10, 1)
    assert np.allclose(sims, deterministic.loc[years].to_numpy())


# --- scenarios ---------------------------------------------------------------------------------

def test_named_scenarios_exist_and_load():
    files = {p.stem: p for p in demand.scenario_files()}
    assert {"base", "low", "high", "humanoid_boom"} <= set(files)
    totals = {}
    for stem, path in files.items():
        scenario = demand.load_scenario(path)
        assert scenario["scenario_name"] == stem  # the results file must match the report build's run name
        totals[stem] = demand.totals(demand.project(scenario))[2030]
    assert totals["low"] < totals["base"] < totals["high"]
    assert totals["humanoid_boom"] - totals["base"] == pytest.approx((1_000_000 - 5000) * 3.5 / 1000)


def test_notebook_defaults_equal_the_base_scenario(base_params):
    params = pm.inspect_notebook(str(paths.NOTEBOOKS / f"{NB}.ipynb"))
    defaults = {name: ast.literal_eval(p["default"]) for name, p in params.items()}
    assert set(defaults) == set(parameters.DemandBuildup.model_fields)
    assert defaults.pop("scenario_name") == "default"
    base_params.pop("scenario_name")
    assert defaults == base_params


def test_base_defaults_come_from_data(base):
    import analysis

    lit = analysis.load("magnet_intensity").set_index("application")
    figures = analysis.load("market_figures").set_index("metric")
    outlooks = analysis.load("outlooks")
    adamas = outlooks[(outlooks["source_id"] == "adamas_2024_magnet_market_outlook_2040") & (outlooks["metric"] == "ndfeb_demand_cagr")]
    assert base["humanoid_kg_per_robot"] == lit.loc["humanoid_robot_optimus", "value_low"]
    assert base["humanoid_units_per_year"] == {2026: figures.loc["lingyi_robots_assembled", "value_low"]}
    assert base["technology_share"]["wind"] == pytest.approx(figures.loc["wind_projects_relying_on_ndfeb", "value_low"] / 100)
    assert set(base["growth_pct_per_year"].values()) == {adamas["value_low"].iloc[0]}


def test_results_name():
    assert demand.results_name("default") == "02_demand_buildup"
    assert demand.results_name("high") == "02_demand_buildup__high"


@pytest.mark.parametrize("change, message", [
    ({"growth_pct_per_year": {"nev": 8.7, "wind": 8.7, "air_conditioner": 8.7, "elevator": 8.7, "mobile_phone": 8.7,
                              "industrial_robot": 8.7, "toasters": 3.0}}, r"growth_pct_per_year: unknown sector 'toasters'"),
    ({"technology_share": {"wind": 1.2}}, r"technology_share\['wind'\]: expected a number from 0 to 1, got 1.2"),
    ({"humanoid_kg_per_robot": -3.5}, r"humanoid_kg_per_robot: expected a number from 0 to 1000, got -3.5"),
    ({"humanoid_kg_per_robot": "3.5"}, r"humanoid_kg_per_robot: expected a number, got '3.5'"),
    ({"intensity_trend_pct_per_year": {"nev": "fast"}}, r"intensity_trend_pct_per_year\['nev'\]: expected a number"),
    ({"growth_pct_per_year": {"nev": 8.7}}, r"growth_pct_per_year: missing sector\(s\)"),
    ({"horizon_year": 2025}, r"horizon_year: expected a whole number from 2026 to 2050, got 2025"),
    ({"humanoid_units_per_year": {2025: 5000}}, r"humanoid_units_per_year: year 2025"),
    ({"sensitivity": {"growth_pct_per_year.toasters": [0, 1]}}, r"sensitivity: unknown parameter 'growth_pct_per_year.toasters'"),
    ({"sensitivity": {"technology_share.wind": [0.2, 1.5]}}, r"sensitivity\['technology_share.wind'\]\[1\]: expected a number from 0 to 1, got 1.5"),
    ({"mc_distributions": {"humanoid_kg_per_robot": {"dist": "lognormal"}}}, r"mc_distributions\['humanoid_kg_per_robot'\]\['dist'\]"),
    ({"mc_draws": 10.5}, r"mc_draws: expected a whole number"),
    ({"colour": "blue"}, r"unknown parameter 'colour'"),
])
def test_bad_scenarios_name_the_key(base_params, change, message):
    with pytest.raises(ValueError, match=message):
        demand.validate_scenario({**base_params, **change})


def test_bad_scenario_file_names_the_file(tmp_path, base_params):
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump({**base_params, "technology_share": {"wind": 2}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.yaml: technology_share\['wind'\]: expected a number from 0 to 1 \(a share: .*\), got 2"):
        demand.load_scenario(bad)


# --- the notebook -------------------------------------------------------------------------------

@pytest.fixture
def run_scenario(tmp_path, monkeypatch):
    """Like conftest's run_notebook, but reads the scenario's own results file
    (``02_demand_buildup__<scenario_name>.results.json``)."""
    monkeypatch.setenv(report.OUTPUT_DIR_ENV, str(tmp_path))

    def run(parameters: dict) -> dict:
        pm.execute_notebook(str(paths.NOTEBOOKS / f"{NB}.ipynb"), str(tmp_path / "out.ipynb"), parameters=parameters,
                            kernel_name=report.kernel_name(), cwd=str(paths.NOTEBOOKS), progress_bar=False)
        name = demand.results_name(parameters.get("scenario_name", "default"))
        return json.loads((tmp_path / f"{name}.results.json").read_text(encoding="utf-8"))

    return run


def _sector_values(results, year):
    return {r["sector"]: r["demand_t"] for r in results["demand_by_sector"] if r["year"] == year}


@pytest.mark.notebook
def test_notebook_runs_with_defaults(defaults_results):
    results = defaults_results(NB)
    assert results["scenario"] == "default"
    assert results["totals_t"]["2024"] == pytest.approx(110752)   # seed 002 sectors, summed by hand above
    assert results["totals_t"]["2025"] == pytest.approx(139235)
    assert results["seed_reproduction_max_difference_t"] < 1e-6
    assert 5 <= len(results["key_figures"]) <= 8
    assert {r["year"] for r in results["element_content"]} == set(range(2024, 2031))
    years = [r["year"] for r in results["monte_carlo_percentiles"]]
    assert years == list(range(2024, 2031))
    assert results["tornado"][0]["parameter"] == "growth_pct_per_year.nev"


@pytest.mark.notebook
def test_notebook_humanoid_scenario_adds_n_times_k(run_scenario, base_params, base):
    n, k = 1_000_000, 3.0  # "what if humanoid robots ship 1 million units at 3 kg each?"
    results = run_scenario({**base_params, "scenario_name": "robots_1m_3kg", "humanoid_units_per_year": {2026: n},
                            "humanoid_kg_per_robot": k})
    assert results["scenario"] == "robots_1m_3kg"
    assert "robots_1m_3kg" in results["key_figures"]["scenario"]
    got = _sector_values(results, 2030)
    assert got["humanoid_robot"] == pytest.approx(n * k / 1000)
    reference = demand.by_sector(demand.project(base)).loc[2030]
    for sector in demand.SEED_SECTORS:
        assert got[sector] == pytest.approx(reference[sector])
    assert results["totals_t"]["2030"] - reference.sum() == pytest.approx(n * k / 1000 - 5000 * 3.5 / 1000)


@pytest.mark.notebook
def test_notebook_halving_nev_growth_changes_nev_alone(run_scenario, base_params, base):
    growth = {**base_params["growth_pct_per_year"], "nev": base_params["growth_pct_per_year"]["nev"] / 2}
    results = run_scenario({**base_params, "scenario_name": "nev_half", "growth_pct_per_year": growth})
    got = _sector_values(results, 2030)
    assert got["nev"] == pytest.approx(75000 * (1 + 0.087 / 2) ** 5)  # 2025 NEV demand x 1.0435^5
    reference = demand.by_sector(demand.project(base)).loc[2030]
    for sector in demand.SECTORS:
        if sector != "nev":
            assert got[sector] == pytest.approx(reference[sector])


@pytest.mark.notebook
def test_notebook_refuses_a_share_above_one(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match=r"technology_share\['wind'\] = 1.5: a technology share must be between 0 and 1"):
        run_notebook(NB, technology_share={"wind": 1.5})


def test_intensity_reading_is_the_seed_arithmetic():
    r = demand.intensity_reading()
    # seed 002, 2024 body: NEV 57,000 t for 12.888 million vehicles; wind 9,735 t for 80.454 GW;
    # air conditioners 21,000 t for 270 million units. Seed 003: about 37% of wind projects use NdFeB.
    assert r["nev_2024"] == pytest.approx(57_000 * 1000 / 12_888_000)
    assert r["wind_all_2024"] == pytest.approx(9_735 * 1000 / 80_454)
    assert r["wind_ndfeb_2024"] == pytest.approx(9_735 * 1000 / 80_454 / 0.37)
    assert r["ac_2024_g"] == pytest.approx(21_000 * 1e6 / 270e6)
    # literature, in the model's units: NEV 3-4 kg; direct-drive wind 0.625-0.85 t/MW; AC compressor 0.12 kg
    assert (r["lit_nev_low"], r["lit_nev_high"]) == (3, 4)
    assert (r["lit_wind_lowspeed_pm_generator_low"], r["lit_wind_lowspeed_pm_generator_high"]) == pytest.approx((625, 850))
    assert r["lit_ac_compressor_low"] == pytest.approx(120)


def test_activity_rate_disagreements_are_nev_and_air_conditioners():
    table = demand.activity_rate_disagreements().set_index("sector")
    assert list(table.index) == ["nev", "air_conditioner"]  # wind's 8% and 9% both fit 80.454 -> 87 GW
    assert table.loc["nev", "recomputed_pct"] == pytest.approx((17.89 / 12.888 - 1) * 100)
    assert table.loc["nev", "stated_pct"] == "+29%"
    assert table.loc["air_conditioner", "recomputed_pct"] == pytest.approx((330 / 270 - 1) * 100)
    assert table.loc["air_conditioner", "stated_pct"] == "+25%"
    assert table.loc["air_conditioner", "headline_pct"] == pytest.approx((320 / 270 - 1) * 100)
    assert table.loc["air_conditioner", "headline_stated_pct"] == "+18%"


def test_nowcast_is_actual_activity_times_smm_intensity():
    now = demand.nowcast().set_index("sector")
    nev = now.loc[demand.SECTOR_LABELS["nev"]]
    # CAAM 2025: 16.626 million NEVs; SMM: 75,000 t for 17.89 million -> 16.626 / 17.89 x 75,000 t
    assert nev["nowcast_t"] == pytest.approx(75000 * 16.626 / 17.89)
    wind = now.loc[demand.SECTOR_LABELS["wind"]]
    assert wind["nowcast_t"] == pytest.approx(8341 * 119.33 / 87)
    ac = now.loc[demand.SECTOR_LABELS["air_conditioner"]]
    assert np.isnan(ac["nowcast_t"]) and "January-November only" in ac["why"]
