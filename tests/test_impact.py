"""Export-control impact: derived months, counterfactuals, lost tonnes, shares and the notebook."""
import math

import numpy as np
import pandas as pd
import papermill as pm
import pytest

from analysis import claims_exports, exports, impact, paths
from analysis.data import load

M = lambda s: pd.Period(s, "M")  # noqa: E731


@pytest.fixture(scope="module")
def series():
    return exports.monthly("total", start=impact.SERIES_START)


def _value(series, month):
    return series.set_index("month").loc[M(month), "mass_t"]


# --- derived months on the real data ---------------------------------------------------------------

@pytest.mark.parametrize("month, expected", [
    ("2024-04", 2627 / (1 - 0.45)),          # Apr 2025 2,627 t, "-45% YoY" (SMM)
    ("2024-05", 1238.47 / (1 - 0.7426)),     # May 2025 1,238.47 t, "-74.26% YoY" (SMM)
    ("2024-06", 3188 / (1 - 0.381)),         # Jun 2025 3,188 t, "-38.1% y/y" (Reuters)
    ("2024-11", 51440 / (1 - 0.02) - 47778),  # Jan-Nov 2025 51,440 t "-2%" gives Jan-Nov 2024; minus Jan-Oct 2024 47,778 t
    ("2025-03", 5238 / (1 - 0.016)),         # Mar 2026 5,238 t, "-1.6% y/y"
])
def test_derived_months_reproduce_their_arithmetic(series, month, expected):
    row = series.set_index("month").loc[M(month)]
    assert row["status"] == "derived"
    assert row["mass_t"] == pytest.approx(expected, abs=0.01)
    assert row["mass_low_t"] <= expected <= row["mass_high_t"]


def test_months_nobody_published_stay_missing(series):
    # 2024-01, 2024-03 and 2024-12 have no figure and no stated change that gives one
    s = series.set_index("month")
    assert [str(m) for m in s.index[(s["status"] == "missing") & (s.index >= M("2024-01"))]] == ["2024-01", "2024-03", "2024-12"]


# --- ITS on synthetic data ---------------------------------------------------------------------------

def _synthetic(n=36, t0=18, b=(1000.0, 10.0, -300.0, -15.0), sd=20.0, seed=7, drop=(3, 7, 11)):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    post = (t >= t0).astype(float)
    y = b[0] + b[1] * t + b[2] * post + b[3] * (t - t0) * post + rng.normal(0, sd, n)
    months = pd.period_range("2020-01", periods=n, freq="M")
    df = pd.DataFrame({"month": months, "mass_t": y, "status": "reported"})
    df.loc[list(drop), ["mass_t", "status"]] = [np.nan, "missing"]
    return df, months[t0], b


def test_its_recovers_a_known_level_shift_and_slope_change():
    # noise s.d. 20 t: the estimates should sit within a few standard errors (about 3, 0.3, 7, 0.7) of the truth
    df, control, truth = _synthetic()
    cf = impact.fit_its(df, control, "2020-01", hac_maxlags=2)
    est = cf.coefficients["estimate"]
    assert est[0] == pytest.approx(truth[0], abs=15)
    assert est[1] == pytest.approx(truth[1], abs=1)
    assert est[2] == pytest.approx(truth[2], abs=30)
    assert est[3] == pytest.approx(truth[3], abs=2)
    assert (cf.coefficients["hac_se"] > 0).all() and (cf.coefficients["low"] < est).all()
    # missing months are dropped, not imputed: 36 - 3 months fitted
    assert "33 months with data" in cf.notes[0]
    # the counterfactual is the pre-control line b0 + b1 t
    post = cf.table[cf.table["month"] >= control]
    t = np.array([(m - M("2020-01")).n for m in post["month"]])
    assert np.allclose(post["counterfactual_t"], truth[0] + truth[1] * t, atol=60)


def test_its_counterfactual_equals_an_independent_least_squares_line(series):
    # pre-control months with a figure, 2024-01..2025-03, fitted by numpy: the same line as the ITS
    cf = impact.fit_its(series, "2025-04-04", "2024-01")
    pre = series[(series["month"] >= M("2024-01")) & (series["month"] < M("2025-04")) & (series["status"] != "missing")]
    t = np.array([(m - M("2024-01")).n for m in pre["month"]])
    slope, intercept = np.polyfit(t, pre["mass_t"].to_numpy(), 1)
    apr = cf.table.set_index("month").loc[M("2025-04")]
    assert apr["counterfactual_t"] == pytest.approx(intercept + slope * 15)
    assert apr["counterfactual_low_t"] < apr["counterfactual_t"] < apr["counterfactual_high_t"]


# --- seasonal naive ------------------------------------------------------------------------------------

def test_seasonal_naive_scales_last_year_by_the_pre_control_growth():
    # two years of a flat seasonal pattern growing exactly 10% a year, then a halving from the control
    months = pd.period_range("2022-01", "2024-12", freq="M")
    pattern = 100 + 10 * np.arange(12)
    y = np.concatenate([pattern, pattern * 1.1, pattern * 1.21])
    y[30:33] *= 0.5  # Jul-Sep 2024 halved
    df = pd.DataFrame({"month": months, "mass_t": y, "status": "reported"})
    cf = impact.fit_seasonal_naive(df, "2024-07-01", "2023-01")
    res = impact.estimate_loss(cf)
    assert cf.coefficients.loc[1, "estimate"] == pytest.approx(10.0)
    # lost = half of Jul-Sep 2024: 0.5 * 1.21 * (160 + 170 + 180)
    assert res["lost_t"] == pytest.approx(0.5 * 1.21 * (160 + 170 + 180))
    assert res["disruption_months"] == ["2024-07", "2024-08", "2024-09"]
    assert res["recovery_month"] == "2024-10"


def test_seasonal_naive_pairs_on_real_data(series):
    pairs = impact.yoy_pairs(series, "2025-04-04", "2024-01")
    # Jul 2024 vs Jul 2023 (+11% stated), Aug 2024 vs Aug 2023 (+26%), Feb 2025 vs Feb 2024
    assert [str(m) for m in pairs["month"]] == ["2024-07", "2024-08", "2025-02"]
    assert pairs["yoy_ratio"].iloc[0] == pytest.approx(1.11)
    assert pairs["yoy_ratio"].iloc[2] == pytest.approx((10763 / 1.082 - 6357) / 3326)


# --- impact rules and errors ------------------------------------------------------------------------------

def test_given_disruption_end_overrides_the_rule(series):
    cf = impact.fit_its(series, "2025-04-04", "2024-01")
    res = impact.estimate_loss(cf, "2025-05")
    tab = cf.table.set_index("month")
    expected = sum(tab.loc[M(m), "counterfactual_t"] - tab.loc[M(m), "mass_t"] for m in ("2025-04", "2025-05"))
    assert res["lost_t"] == pytest.approx(expected)
    assert res["lost_low_t"] < res["lost_t"] < res["lost_high_t"]


@pytest.mark.parametrize("date", ["2030-01-01", "2019-06-01"])
def test_control_date_outside_the_data_is_a_clear_error(series, date):
    with pytest.raises(ValueError, match=f"control_date {date} is outside the export data"):
        impact.counterfactual(series, date, "2024-01", "its")


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "arima"}, "method: expected one of"),
    ({"destinations": ["Atlantis"]}, "destinations"),
    ({"disruption_end": "2024-01"}, "disruption_end"),
    ({"control_date": "not a date"}, "control_date"),
    ({"pre_start": "2024-13"}, "pre_start"),
    ({"hac_maxlags": -1}, "hac_maxlags"),
    ({"series_start": "2025-06"}, "series_start"),
])
def test_bad_parameters_name_the_parameter(series, kwargs, match):
    params = dict(control_date="2025-04-04", pre_start="2024-01", method="its", destinations=["US"],
                  disruption_end="auto", hac_maxlags=2, interval_level=0.95, sensitivity_windows=["2024-01"])
    params.update(kwargs)
    with pytest.raises(ValueError, match=match):
        impact.validate_parameters(**params, series=series)


def test_too_few_pre_points_is_reported_in_the_sensitivity_table(series):
    # a window starting in Feb 2025 has only Feb and Mar 2025 before April: too few for either model
    table = impact.sensitivity(series, "2025-04-04", ["2025-02"])
    assert table["note"].str.contains("pre_start 2025-02").all()


def test_default_control_date_is_the_first_export_control_event():
    assert impact.default_control_date() == "2025-04-04"  # data/events.csv, china_export_control_medium_heavy


# --- destinations -------------------------------------------------------------------------------------------

def test_shares_only_where_destination_and_total_are_known():
    months, summary = impact.share_shift(["US"], "2025-04-04", "2024-01")
    us_before = summary.set_index("period").loc["before"]
    assert us_before["months_used"] == "2024-05, 2024-07, 2024-08, 2025-03"
    # US: 689 (May 2024), 619/1.048 (Jul), 590/(1-0.118) (Aug), 406/(1-0.306) (Mar 2025)
    us = 689 + 619 / 1.048 + 590 / (1 - 0.118) + 406 / (1 - 0.306)
    # total: 1,238.47/(1-0.7426) (May 2024), 5,278, 5,325, 5,238/(1-0.016) (Mar 2025)
    total = 1238.47 / (1 - 0.7426) + 5278 + 5325 + 5238 / (1 - 0.016)
    assert us_before["pooled_share_pct"] == pytest.approx(us / total * 100, abs=1e-6)


def test_half_year_shares_compare_like_with_like():
    spans = impact.same_span_shares(["US", "EU27"], "2025-04-04")
    h1 = impact.common_span(spans).set_index("destination")
    # H1 2024 total = Jan-Jul 2024 32,812 t - Jul 2024 5,278 t (narrower than 22,319 t / (1 - 18.9%));
    # US H1 2024 = 2.51 million kg / (1 - 30.6%); EU H1 2025 8.36 million kg of 22,319 t
    assert h1.loc["US", "share_before_pct"] == pytest.approx((2510 / 0.694) / (32812 - 5278) * 100)
    assert h1.loc["EU27", "share_after_pct"] == pytest.approx(8360 / 22319 * 100)
    assert list(h1.index) == ["US", "EU27"]  # the US fell more


def test_unknown_destination_in_shares():
    with pytest.raises(ValueError, match="Atlantis"):
        exports.shares(["Atlantis"])


# --- what the report shows: shortfall, deepest month, the answer, the results file ---------------------------

DESTINATIONS = ["US", "EU27", "Germany", "South Korea", "Japan", "India", "Vietnam"]


@pytest.fixture(scope="module")
def assessment(series):
    p = impact.validate_parameters("2025-04-04", "2024-01", "its", DESTINATIONS, "auto", 2, 0.95,
                                   ["2021-01", "2023-01", "2024-01", "2024-07"], "2024-01", series=series)
    return impact.assess(series, p, "2024-01")


def test_shortfall_is_counterfactual_minus_actual_from_the_control_month(series):
    cf = impact.fit_its(series, "2025-04-04", "2024-01")
    table = impact.monthly_table(cf, "2024-06")
    assert table["month"].min() == M("2024-06")
    assert table.loc[table["month"] < M("2025-04"), "shortfall_t"].isna().all()
    may = table.set_index("month").loc[M("2025-05")]
    assert may["shortfall_t"] == pytest.approx(may["counterfactual_t"] - 1238.47)  # May 2025: 1,238.47 t (SMM)


def test_deepest_month_passes_over_months_without_data():
    table = pd.DataFrame({"month": pd.period_range("2025-03", periods=5, freq="M"),
                          "mass_t": [100.0, 50.0, np.nan, 30.0, 90.0],
                          "counterfactual_t": [100.0, 100.0, 100.0, 40.0, 100.0]})
    # April 50 / 100 - 1 = -50%; May has no figure; June 30 / 40 - 1 = -25%
    deepest = impact.deepest_month(table, [M("2025-04"), M("2025-05"), M("2025-06")], M("2025-04"))
    assert deepest["month"] == M("2025-04") and deepest["relative_gap"] == pytest.approx(-0.5)
    # no disruption months (exports at once within the counterfactual's range): the control month
    deepest = impact.deepest_month(table, [], M("2025-07"))
    assert deepest["month"] == M("2025-07") and deepest["relative_gap"] == pytest.approx(90 / 100 - 1)


def _halved(months_halved: slice):
    """Two years of one seasonal pattern growing 10% a year, then the months given halved."""
    months = pd.period_range("2022-01", "2024-12", freq="M")
    pattern = 100 + 10 * np.arange(12)
    y = np.concatenate([pattern, pattern * 1.1, pattern * 1.21])
    y[months_halved] *= 0.5
    return pd.DataFrame({"month": months, "mass_t": y, "status": "reported"})


def _assessment(cf, loss, disruption_end=None):
    return impact.Assessment(params={"interval_level": 0.95, "disruption_end": disruption_end, "data_last": M("2024-12")},
                             series_start=M("2023-01"), cf=cf, loss=loss, net={}, sensitivity=pd.DataFrame(),
                             monthly=pd.DataFrame(), deepest={}, share_months=pd.DataFrame(),
                             share_summary=pd.DataFrame(), same_span=pd.DataFrame(), notes=[])


def test_answer_is_one_sentence_from_the_figures():
    cf = impact.fit_seasonal_naive(_halved(slice(30, 33)), "2024-07-01", "2023-01")  # Jul-Sep 2024 halved
    text = impact.answer(_assessment(cf, impact.estimate_loss(cf)))
    # lost: half of Jul-Sep 2024 = 0.5 * 1.21 * (160 + 170 + 180) = 308.6 t, about 300 t
    assert text.startswith("China's magnet exports lost about 300 t (95% interval ")
    assert "over the 3 months of disruption after the controls (July to September 2024)" in text
    assert "a seasonal-naive counterfactual with trend fitted from January 2023" in text
    assert text.endswith("were back to the counterfactual's range by October 2024.")
    assert text.count(".") == 1


def test_answer_when_exports_never_recover():
    cf = impact.fit_seasonal_naive(_halved(slice(30, 36)), "2024-07-01", "2023-01")  # halved to the end
    loss = impact.estimate_loss(cf, "2024-09")
    assert loss["recovery_month"] is None
    text = impact.answer(_assessment(cf, loss, disruption_end=M("2024-09")))
    assert "over the 3 given months of disruption" in text and text.endswith("had not recovered by December 2024.")


def test_answer_says_when_the_interval_includes_no_loss_and_recovery_came_within_given_months():
    cf = impact.fit_seasonal_naive(_halved(slice(30, 33)), "2024-07-01", "2023-01")  # Jul-Sep 2024 halved
    loss = impact.estimate_loss(cf, "2024-11")  # given end after the recovery month (October 2024)
    loss = {**loss, "lost_low_t": -10.0}
    text = impact.answer(_assessment(cf, loss, disruption_end=M("2024-11")))
    assert "t, which includes no loss) over the 5 given months" in text
    assert "(July to November 2024)" in text
    assert text.endswith("were already back to the counterfactual's range in October 2024, within those months.")


def test_results_keep_their_keys_and_add_the_answer(assessment):
    statements, levels = claims_exports.relation_table("seed"), claims_exports.level_table("seed")
    missing = exports.missing_reasons("total", start="2024-01")
    res = impact.results(assessment, {"method": "its"}, statements, levels, missing)
    assert list(res) == ["answer", "key_chart", "key_figures", "parameters", "impact", "net_since_control", "monthly",
                         "model", "sensitivity", "destination_shares", "seed_statements", "seed_levels", "missing_months",
                         "data_as_of"]
    assert res["data_as_of"] == load("exports")["period_end"].max()  # the exports' own latest month
    assert res["parameters"] == {"method": "its"}
    # the interval level is a share, written as it is (it used to be rounded to 0.1 like the tonnes: 0.95 -> 0.9)
    assert res["impact"]["interval_level"] == res["net_since_control"]["interval_level"] == assessment.loss["interval_level"]
    out, monthly = res["impact"], {r["month"]: r for r in res["monthly"]}
    # the deepest month: the disruption month with the lowest actual / counterfactual, read off the monthly rows
    gaps = {m: monthly[m]["mass_t"] / monthly[m]["counterfactual_t"] - 1 for m in out["disruption_months"]}
    deepest = min(gaps, key=gaps.get)
    assert res["key_figures"]["deepest month vs counterfactual"] == f"{deepest}: {gaps[deepest]:+.0%}"
    # shortfall = counterfactual - actual from the control month on (both rounded to 0.1 t in the file)
    for m, r in monthly.items():
        if m >= "2025-04" and r["mass_t"] is not None:
            assert r["shortfall_t"] == pytest.approx(r["counterfactual_t"] - r["mass_t"], abs=0.11)
        elif m < "2025-04":
            assert r["shortfall_t"] is None
    recovery = pd.Period(out["recovery_month"], "M").strftime("%B %Y")
    assert recovery in res["answer"] and f"{len(out['disruption_months'])} months" in res["answer"]
    assert list(res["key_figures"])[0] == f"magnet exports lost, {out['disruption_months'][0]} to " \
                                          f"{out['disruption_months'][-1]} (interrupted time series)"


# --- the notebook --------------------------------------------------------------------------------------------------

def test_notebook_default_control_date_is_read_from_events():
    declared = pm.inspect_notebook(str(paths.NOTEBOOKS / "03_export_controls.ipynb"))
    assert declared["control_date"]["default"].strip('"') == impact.default_control_date()


@pytest.mark.notebook
def test_notebook_default_run(defaults_results, series):
    res = defaults_results("03_export_controls")
    out = res["impact"]
    assert out["method"] == "its" and out["control_month"] == "2025-04"
    # lost tonnes = sum over the disruption months of (independent least-squares line - actual)
    pre = series[(series["month"] >= M("2024-01")) & (series["month"] < M("2025-04")) & (series["status"] != "missing")]
    t = np.array([(m - M("2024-01")).n for m in pre["month"]])
    slope, intercept = np.polyfit(t, pre["mass_t"].to_numpy(), 1)
    months = [M(m) for m in out["disruption_months"]]
    expected = sum(intercept + slope * (m - M("2024-01")).n - _value(series, m) for m in months)
    assert out["lost_t"] == pytest.approx(expected, abs=0.1)
    assert out["lost_low_t"] < out["lost_t"] < out["lost_high_t"]
    # the recovery rule holds on the written monthly table
    monthly = {r["month"]: r for r in res["monthly"]}
    for m in out["disruption_months"]:
        assert monthly[m]["mass_t"] < monthly[m]["counterfactual_low_t"]
    rec = monthly[out["recovery_month"]]
    assert rec["mass_t"] >= rec["counterfactual_low_t"]
    assert out["disruption_months"][0] == "2025-04" and len(res["key_figures"]) in range(5, 9)
    assert {r["method"] for r in res["sensitivity"]} == set(impact.METHODS)


@pytest.mark.notebook
def test_notebook_other_control_date_and_method(run_notebook, series):
    res = run_notebook("03_export_controls", control_date="2025-05-01", method="seasonal_naive_trend",
                       disruption_end="2025-06")
    out = res["impact"]
    assert out["disruption_months"] == ["2025-05", "2025-06"]
    # growth: geometric mean of the y/y ratios of the pre-control months with last year known:
    # Jul 2024 (+11%), Aug 2024 (+26%), Feb 2025 ((10,763/1.082 - 6,357) / 3,326), Apr 2025 (1 - 45%)
    g = (1.11 * 1.26 * ((10763 / 1.082 - 6357) / 3326) * 0.55) ** (1 / 4)
    may24, jun24 = 1238.47 / (1 - 0.7426), 3188 / (1 - 0.381)
    expected = (may24 + jun24) * g - (1238.47 + 3188)
    assert out["lost_t"] == pytest.approx(expected, abs=0.1)
    assert out["n_pre_points"] == 4


@pytest.mark.notebook
def test_notebook_control_date_outside_the_data(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match="control_date"):
        run_notebook("03_export_controls", control_date="2030-01-01")
