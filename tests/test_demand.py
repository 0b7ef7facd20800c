"""The demand build-up: seed 002 reproduced, projections that follow the arithmetic, scenarios checked."""
import ast
import csv
import json
import os

import numpy as np
import pandas as pd
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
    """The check: the model's arithmetic on seed 002's own 2024 and 2025 activity gives back its figures."""
    result = demand.seed_arithmetic()
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
    assert demand.totals(demand.project(base))[2024] == pytest.approx(110752)  # the path starts from seed 002's 2024


# 2025 as the path has it: NEVs and wind from the 2025 actuals (CAAM 16.626 million NEVs, NEA 119.33 GW)
# x SMM's 2025 intensity; the four sectors without a full-year 2025 actual keep SMM's forecast.
NEV_2025 = 75000 * 16.626 / 17.89
WIND_2025 = 8341 * 119.33 / 87
TOTAL_2025 = NEV_2025 + WIND_2025 + 26000 + 7368 + 3698 + 18828


def test_projection_starts_from_the_2025_nowcast(base):
    assert demand.base_year() == 2025
    result = demand.project(base)
    y25 = result[result["year"] == 2025].set_index("sector")
    assert y25.loc["nev", "demand_t"] == pytest.approx(NEV_2025)
    assert y25.loc["wind", "demand_t"] == pytest.approx(WIND_2025)
    assert y25.loc["air_conditioner", "demand_t"] == pytest.approx(26000)  # January-November only: not a year
    assert y25.loc[["nev", "wind"], "basis"].tolist() == ["nowcast", "nowcast"]
    assert y25.loc["air_conditioner", "basis"] == "seed 002 forecast"
    assert demand.totals(result)[2025] == pytest.approx(TOTAL_2025)
    assert demand.base_year_of(result) == 2025
    assert result.loc[result["year"] == 2026, "basis"].unique().tolist() == ["projection"]
    vs = demand.nowcast_vs_forecast(result).set_index("sector")
    assert vs.loc["total", "smm_forecast_t"] == pytest.approx(139235)
    assert vs.loc["total", "difference_t"] == pytest.approx(TOTAL_2025 - 139235)
    assert vs.loc["nev", "difference_pct"] == pytest.approx((16.626 / 17.89 - 1) * 100)


def test_base_year_text_explains_the_gap_to_smm(base):
    text = demand.base_year_text(demand.project(base))
    assert "The projection starts from **2025**" in text
    assert f"**{TOTAL_2025:,.0f} t** of magnet on this basis, against SMM's forecast of 139,235 t" in text
    assert f"NEVs {NEV_2025 - 75000:+,.0f} t, wind power {WIND_2025 - 8341:+,.0f} t" in text
    assert "Air conditioners, elevators, mobile phones and industrial robots have no full-year 2025 actual yet" in text


def test_horizon_must_be_after_the_base_year(base):
    with pytest.raises(ValueError, match=r"horizon_year = 2025: the projection starts after 2025"):
        demand.project({**base, "horizon_year": 2025})


def test_intensity_table_says_what_each_figure_measures():
    table = demand.intensity_table()
    assert {"magnet mass (NdFeB)", "element mass (Nd only)", "element mass (magnet rare earths)"} <= set(table["measures"])
    wind = table[table["figure"] == "literature: wind_pm_average"].iloc[0]
    assert wind["comparable_low"] == pytest.approx(0.5 * 1000)  # 0.5 t/MW = 500 kg/MW
    element = table[table["figure"] == "literature: ev_motor"].iloc[0]
    assert np.isnan(element["comparable_low"])  # element mass is not set beside magnet mass


# --- projection arithmetic -------------------------------------------------------------------------

def test_projection_follows_growth_and_shares(base):
    table = demand.by_sector(demand.project(base))
    assert table.loc[2030, "nev"] == pytest.approx(NEV_2025 * 1.087 ** 5)
    assert table.loc[2030, "wind"] == pytest.approx(WIND_2025 * 1.087 ** 5)  # share stays 0.37
    assert table.loc[2030, "elevator"] == pytest.approx(7368 * 1.087 ** 5)
    doubled = {**base, "technology_share": {**base["technology_share"], "wind": 0.74}}
    assert demand.by_sector(demand.project(doubled)).loc[2030, "wind"] == pytest.approx(2 * WIND_2025 * 1.087 ** 5)
    # the share moves linearly: in 2028 it is 0.37 + 0.37 x 3/5
    assert demand.by_sector(demand.project(doubled)).loc[2028, "wind"] == pytest.approx(WIND_2025 * 1.087 ** 3 * (1 + 3 / 5))
    thrift = {**base, "intensity_trend_pct_per_year": {**base["intensity_trend_pct_per_year"], "nev": -2.0}}
    assert demand.by_sector(demand.project(thrift)).loc[2030, "nev"] == pytest.approx(NEV_2025 * 1.087 ** 5 * 0.98 ** 5)


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


def _every_parameter_drawn(base):
    """The base scenario with all 20 uncertain parameters drawn (every code path of the model varies)."""
    dists = {k: {"dist": "uniform", "low": 0.2, "high": 0.9} if k.startswith("technology_share.")
             else {"dist": "normal", "sd": 2.0} for k in demand.uncertain_keys()}
    return demand.validate_scenario({**base, "mc_distributions": dists})


@pytest.mark.parametrize("widen", [False, True], ids=["base", "every parameter drawn"])
def test_monte_carlo_chunked_equals_unchunked(base, widen, monkeypatch):
    scenario = _every_parameter_drawn(base) if widen else base
    # more draws than numpy's short loops hold (it takes other code paths for long ones)
    draws = 5001
    monkeypatch.setattr(demand, "MC_CHUNK_DRAWS", 10_000)  # more than the draws: one chunk
    whole, years = demand.simulate(scenario, draws, 5)
    whole_bands = demand.mc_percentiles(scenario, draws, 5)
    for chunk in (7, 1000):  # neither divides 5001: a short last chunk
        monkeypatch.setattr(demand, "MC_CHUNK_DRAWS", chunk)
        chunked, chunked_years = demand.simulate(scenario, draws, 5)
        assert np.array_equal(chunked_years, years)
        assert np.array_equal(chunked, whole), f"chunks of {chunk} draws"
    assert demand.mc_percentiles(scenario, draws, 5).equals(whole_bands)


def test_monte_carlo_same_seed_same_quantiles(base):
    a = demand.mc_percentiles(base, 3000, 11)
    assert a.equals(demand.mc_percentiles(base, 3000, 11))
    assert not a.equals(demand.mc_percentiles(base, 3000, 12))


def test_each_monte_carlo_draw_is_the_model_at_the_drawn_values(base):
    # a draw's total is the deterministic projection with that draw's parameter values put in
    scenario = _every_parameter_drawn(base)
    drawn = demand.draw_parameters(scenario, 3, 9)
    sims, years = demand.simulate(scenario, 3, 9)
    for i in range(3):
        s = {**scenario, "humanoid_kg_per_robot": drawn["humanoid_kg_per_robot"][i],
             "humanoid_units_per_year": {y: n * drawn["humanoid_units_factor"][i]
                                         for y, n in scenario["humanoid_units_per_year"].items()}}
        for group in ("growth_pct_per_year", "intensity_trend_pct_per_year", "technology_share"):
            s[group] = {sector: drawn[f"{group}.{sector}"][i] for sector in demand.SEED_SECTORS}
        expected = demand.totals(demand.project(s)).loc[years].to_numpy()
        assert sims[i] == pytest.approx(expected, rel=1e-12)


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
    ({"horizon_year": demand.base_year()}, rf"horizon_year: expected a year after {demand.base_year()}, the base year"),
    ({"horizon_year": 2051}, rf"horizon_year: expected a whole number from {demand.base_year() + 1} to 2050, got 2051"),
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
    assert results["totals_t"]["2025"] == pytest.approx(TOTAL_2025)
    assert results["base_year"] == 2025
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
    assert got["nev"] == pytest.approx(NEV_2025 * (1 + 0.087 / 2) ** 5)  # 2025 NEV nowcast x 1.0435^5
    reference = demand.by_sector(demand.project(base)).loc[2030]
    for sector in demand.SECTORS:
        if sector != "nev":
            assert got[sector] == pytest.approx(reference[sector])


@pytest.mark.notebook
def test_notebook_refuses_a_share_above_one(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match=r"technology_share\['wind'\]: expected a number from 0 to 1, got 1.5"):
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


def test_nowcast_is_actual_activity_times_smm_intensity():
    now = demand.nowcast().set_index("sector")
    nev = now.loc[demand.SECTOR_LABELS["nev"]]
    # CAAM 2025: 16.626 million NEVs; SMM: 75,000 t for 17.89 million -> 16.626 / 17.89 x 75,000 t
    assert nev["nowcast_t"] == pytest.approx(75000 * 16.626 / 17.89)
    wind = now.loc[demand.SECTOR_LABELS["wind"]]
    assert wind["nowcast_t"] == pytest.approx(8341 * 119.33 / 87)
    ac = now.loc[demand.SECTOR_LABELS["air_conditioner"]]
    assert np.isnan(ac["nowcast_t"]) and "January-November only" in ac["why"]


# --- the check, the words and the results of notebook 02 (moved out of the notebook) -------------------

def test_seed_reproduction_gives_back_every_seed_figure_and_sees_a_change():
    result = demand.seed_arithmetic()
    repro, max_diff = demand.seed_reproduction()
    assert max_diff < 1e-6
    assert repro.loc["total", ("seed 002, t", 2024)] == pytest.approx(110752)  # summed by hand above
    assert repro.loc["total", ("model, t", 2025)] == pytest.approx(139235)
    assert list(repro.index) == [demand.SECTOR_LABELS[s] for s in demand.SEED_SECTORS] + ["total"]
    off = result.copy()
    off.loc[(off["year"] == 2025) & (off["sector"] == "nev"), "demand_t"] += 1000.0
    assert demand.seed_reproduction(off)[1] == pytest.approx(1000.0)


def test_nowcast_text_names_each_sector_and_the_missing_ones():
    text = demand.nowcast_text(demand.nowcast())
    # CAAM 2025: 16,626,000 NEVs against SMM's 17,890,000; 75,000 t x 16.626 / 17.89
    assert f"**NEVs**: nowcast {75000 * 16.626 / 17.89:,.0f} t against SMM's forecast 75,000 t" in text
    assert "because 16,626,000 units were made, not 17,890,000" in text
    assert text.endswith("Not yet possible for air conditioners, elevators, mobile phones, industrial robots (table).")


def test_parameter_words():
    assert demand.parameter_words("growth_pct_per_year.nev") == "the growth of NEVs"
    assert demand.parameter_words("technology_share.wind") == "the NdFeB share of wind power"
    assert demand.parameter_words("humanoid_units_factor") == "the number of humanoid robots"
    assert len({demand.parameter_words(k) for k in demand.uncertain_keys()}) == len(demand.uncertain_keys())


def test_results_keep_the_keys_and_add_answer_and_key_chart(base):
    result = demand.project(base)
    bands, torn = demand.mc_percentiles(base, 500, 1), demand.tornado(base)
    out = demand.results(base, result=result, bands=bands, torn=torn, content=demand.element_content(result),
                         intensities=demand.intensity_table(), now=demand.nowcast(), official=demand.official_figures(),
                         reproduction_max_difference_t=0.0, tag="scenario 'base'")
    assert list(out) == ["answer", "key_chart", "key_figures", "scenario", "parameters", "demand_by_sector", "totals_t",
                         "monte_carlo_percentiles", "tornado", "element_content", "intensities",
                         "seed_reproduction_max_difference_t", "nowcast_2025", "official_figures", "base_year",
                         "base_year_vs_smm_forecast"]
    assert out["key_chart"] == "demand_by_sector"
    # 2030: every sector's 2025 figure x 1.087^5 (shares and intensities held), plus 5,000 robots x 3.5 kg
    expected = TOTAL_2025 * 1.087 ** 5 + 5000 * 3.5 / 1000
    assert out["key_figures"]["demand 2030"] == f"{expected:,.0f} t magnet"
    assert list(out["key_figures"])[:3] == ["scenario", "demand 2025, base year (nowcast, 7 end uses)", "demand 2030"]
    assert out["key_figures"]["demand 2025, base year (nowcast, 7 end uses)"] == (
        f"{TOTAL_2025:,.0f} t magnet (2 of SMM's 6 sectors from actual activity, humanoid robots from the scenario; SMM's 2025 forecast 139,235 t)")
    answer = out["answer"]
    assert "\n" not in answer and answer.endswith(".") and answer.count(". ") == 0  # one sentence
    assert f"about {round(TOTAL_2025, -3):,.0f} t in 2025 (a nowcast" in answer
    assert f"to about {round(expected, -3):,.0f} t in 2030" in answer
    assert "8.7% a year" in answer and "the growth of NEVs matters most" in answer and "(scenario 'base')" in answer
    band = bands.set_index("year").loc[2030]
    assert f"{float(f'{band.p5_t:.3g}'):,.0f}-{float(f'{band.p95_t:.3g}'):,.0f} t" in answer


def test_notebook_02_is_thin():
    """No chart code, no loops or functions, no results dict assembled in the notebook (issue 12)."""
    import re

    source = (paths.NOTEBOOKS / f"{NB}.py").read_text(encoding="utf-8")
    code = "\n".join(line.split("  #")[0] for line in source.splitlines() if not line.lstrip().startswith("#"))
    for banned in ("ax.", "plt.", "matplotlib", "lambda", "def ", "results = {", "itertuples", "iterrows"):
        assert banned not in code, banned
    assert not re.search(r"^\s*(for|while) ", code, re.M)
    assert not re.search(r"\bfor\b .* \bin\b", code)  # no comprehension either


# --- a new actual year moves the base year, with no notebook edit -----------------------------------

FIXTURE_SOURCE = "fixture_nev_output_2026"
NEV_2026_MILLION = 20.5  # the fixture's 2026 NEV output, million units


# file in data/ -> the row the fixture appends to it
ROWS_2026 = {
    "sources.csv": [FIXTURE_SOURCE, "official", "Fixture association", "Fixture: NEV output 2026", "2027-01-15", "", "",
                    "", "", "", "test fixture"],
    "demand_china.csv": ["nev", 2026, 12, "actual", "activity", "official", NEV_2026_MILLION, "million_units",
                         FIXTURE_SOURCE, f"NEV output reached {NEV_2026_MILLION} million units in 2026", "test fixture"],
}


def _project_with_2026(tmp_path, add_2026=True):
    """A copy of the project whose data/ holds one more actual year: a (made-up) full-year 2026 NEV
    output, released in January 2027 as an official figure (:data:`ROWS_2026`). Nothing else changes, no
    notebook included. ``add_2026=False``: the copy as it is."""
    import project_copy

    project = project_copy.make(tmp_path / "project")
    for name, row in ROWS_2026.items() if add_2026 else ():
        with open(project / "data" / name, "a", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerow(row)
    return project


_IN_THE_COPY = """
import json
from analysis import demand, paths
base = demand.load_scenario(paths.SCENARIOS / "02_demand_buildup" / "base.yaml")
result = demand.project(base)
bands = demand.mc_percentiles(base, 200, 1)
print(json.dumps({"root": str(paths.ROOT), "base_year": demand.base_year(), "base_year_of": demand.base_year_of(result),
                  "rows": result[["year", "sector", "basis", "activity", "demand_t"]].to_dict("records"),
                  "band_years": bands.loc[bands["p5_t"] != bands["p95_t"], "year"].tolist(),
                  "text": demand.base_year_text(result)}))
"""


def test_a_new_actual_year_moves_the_base_year(tmp_path):
    import os
    import subprocess
    import sys

    project = _project_with_2026(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ND_MARKET_")}
    env["PYTHONPATH"] = str(project)
    done = subprocess.run([sys.executable, "-c", _IN_THE_COPY], cwd=project, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["root"] == str(project)
    assert out["base_year"] == out["base_year_of"] == 2026
    rows = {(r["year"], r["sector"]): r for r in out["rows"]}
    nev26, ac26 = rows[(2026, "nev")], rows[(2026, "air_conditioner")]
    # NEVs: the 2026 actual x SMM's 2025 kg per NEV (75,000 t / 17.89 million)
    assert nev26["basis"] == "nowcast" and nev26["activity"] == pytest.approx(NEV_2026_MILLION * 1e6)
    assert nev26["demand_t"] == pytest.approx(75000 * NEV_2026_MILLION / 17.89)
    # air conditioners: no 2026 actual, so SMM's 2025 figure grown one year at the base scenario's 8.7%
    assert ac26["basis"] == "scenario growth, no actual yet" and ac26["demand_t"] == pytest.approx(26000 * 1.087)
    # the projection starts after 2026: 2027 is the base year's figure grown once
    assert rows[(2027, "nev")]["basis"] == "projection"
    assert rows[(2027, "nev")]["demand_t"] == pytest.approx(75000 * NEV_2026_MILLION / 17.89 * 1.087)
    assert rows[(2030, "nev")]["demand_t"] == pytest.approx(75000 * NEV_2026_MILLION / 17.89 * 1.087 ** 4)
    assert rows[(2025, "nev")]["demand_t"] == pytest.approx(NEV_2025)  # 2025 keeps its nowcast
    assert out["band_years"] == [2027, 2028, 2029, 2030]  # the Monte Carlo starts after the base year too
    assert "The projection starts from **2026**" in out["text"]
    assert ("In 2026, wind power, air conditioners, elevators, mobile phones and industrial robots have no full-year "
            "actual yet") in out["text"]


_HORIZON_IN_THE_COPY = """
import json
from analysis import demand, parameters, params, paths
base = demand.load_scenario(paths.SCENARIOS / "02_demand_buildup" / "base.yaml")
out = {"robot_years": list(base["humanoid_units_per_year"]),
       "help": parameters.help_text(parameters.DemandBuildup, "horizon_year"),
       "pre_check": params.problems(paths.NOTEBOOKS / "02_demand_buildup.ipynb", {"horizon_year": 2026})}
for horizon in (2026, 2027):
    try:
        out[str(horizon)] = demand.validate_scenario({**base, "horizon_year": horizon})["horizon_year"]
    except ValueError as err:
        out[str(horizon)] = str(err)
print(json.dumps(out))
"""


def test_a_new_actual_year_moves_the_first_horizon(tmp_path):
    """With a 2026 actual, 2026 is the base year: the model refuses it as a horizon (the build's pre-check too),
    accepts 2027, says so in the cell's help, and still takes robots counted in 2026 (the base scenario's)."""
    import subprocess
    import sys

    project = _project_with_2026(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ND_MARKET_")}
    env["PYTHONPATH"] = str(project)
    done = subprocess.run([sys.executable, "-c", _HORIZON_IN_THE_COPY], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    refused = ("horizon_year: expected a year after 2026, the base year the projection starts from (the latest year "
               "with a full-year actual in data/), got 2026")
    assert out["2026"] == refused and out["pre_check"] == [refused]
    assert out["2027"] == 2027
    assert out["help"].endswith("; range: 2027..2050")
    assert out["robot_years"] == [2026]


_CACHE_IN_THE_COPY = """
import csv, json, sys
from analysis import demand, paths
base = demand.load_scenario(paths.SCENARIOS / "02_demand_buildup" / "base.yaml")
built = []
base_path = demand.base_path
demand.base_path = lambda scenario: built.append(1) or base_path(scenario)
def anchors(scenario):
    act0, _, _, year = demand._base_arrays(scenario)
    return {"year": year, "activity": dict(zip(demand.SEED_SECTORS, act0.tolist())), "built": len(built)}
out = {"before": anchors(base), "other_horizon": anchors({**base, "horizon_year": 2040, "mc_seed": 1})}
for name, row in json.loads(sys.argv[1]).items():  # data/ changes in this process, no cache cleared
    with open(paths.DATA / name, "a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\\n").writerow(row)
out["after"] = anchors(base)
out["ac_10pct"] = anchors({**base, "growth_pct_per_year": {**base["growth_pct_per_year"], "air_conditioner": 10.0}})
print(json.dumps(out))
"""


def test_base_arrays_are_cached_per_data_version_and_growth(tmp_path, base):
    """The base-year arrays are built once for a data version and a set of growth rates (another horizon reuses
    them), and again when a file in data/ changes (a 2026 actual appended in the same process) or a growth rate
    does: with 2026 the base year, air conditioners are grown from 2025 at the scenario's rate."""
    import subprocess
    import sys

    project = _project_with_2026(tmp_path, add_2026=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ND_MARKET_")}
    env["PYTHONPATH"] = str(project)
    done = subprocess.run([sys.executable, "-c", _CACHE_IN_THE_COPY, json.dumps(ROWS_2026)], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    before, after = out["before"], out["after"]
    assert (before["year"], before["built"]) == (2025, 1)
    assert out["other_horizon"] == before  # not built again
    assert (after["year"], after["built"]) == (2026, 2)
    assert after["activity"]["nev"] == NEV_2026_MILLION * 1e6
    rate = base["growth_pct_per_year"]["air_conditioner"]
    assert after["activity"]["air_conditioner"] == pytest.approx(before["activity"]["air_conditioner"] * (1 + rate / 100))
    assert out["ac_10pct"]["built"] == 3
    assert out["ac_10pct"]["activity"]["air_conditioner"] == pytest.approx(before["activity"]["air_conditioner"] * 1.10)


@pytest.mark.notebook
def test_notebook_02_projects_from_a_new_actual_year_unedited(tmp_path, monkeypatch):
    """The committed notebook, run on the copy with a 2026 actual: its results start the projection in 2027."""
    project = _project_with_2026(tmp_path)
    for key in [k for k in os.environ if k.startswith("ND_MARKET_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PYTHONPATH", str(project))
    monkeypatch.setenv(report.OUTPUT_DIR_ENV, str(tmp_path / "out"))
    pm.execute_notebook(str(project / "notebooks" / f"{NB}.ipynb"), str(tmp_path / "out.ipynb"), kernel_name=report.kernel_name(),
                        cwd=str(project / "notebooks"), progress_bar=False)
    results = json.loads((tmp_path / "out" / f"{NB}.results.json").read_text(encoding="utf-8"))
    assert results["base_year"] == 2026
    assert "demand 2026, base year (nowcast, 7 end uses)" in results["key_figures"]
    assert "growth 2026-2030" in results["key_figures"]
    assert [r["year"] for r in results["monte_carlo_percentiles"] if r["p5_t"] != r["p95_t"]] == [2027, 2028, 2029, 2030]
    nev26 = next(r for r in results["demand_by_sector"] if r["year"] == 2026 and r["sector"] == "nev")
    assert nev26["basis"] == "nowcast" and nev26["demand_t"] == pytest.approx(75000 * NEV_2026_MILLION / 17.89, abs=1e-6)


def test_tornado_display_names_parameters_in_words_and_rounds_tonnes():
    torn = pd.DataFrame({"parameter": ["growth_pct_per_year.nev", "humanoid_kg_per_robot"], "low_value": [4.35, 2.0],
                         "demand_at_low_t": [1234.56, 99.4], "swing_t": [10.5, 0.4]})
    out = demand.tornado_display(torn)
    assert out["parameter"].tolist() == ["NEVs: activity growth, % per year", "magnet per humanoid robot, kg"]
    assert out["key"].tolist() == torn["parameter"].tolist() and list(out.columns)[-1] == "key"
    assert out["demand_at_low_t"].tolist() == [1235.0, 99.0] and out["low_value"].tolist() == [4.35, 2.0]
