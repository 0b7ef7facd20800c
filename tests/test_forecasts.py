"""Forecasts scored against their outcomes: none left out, errors computed, a summary that can fail."""
import pandas as pd
import pytest

from analysis import forecasts
from analysis.data import data_as_of, load


def _expected_pairs() -> set[tuple[str, str]]:
    """(source_id, period) of every forecast in data/ whose outcome is in data/, found without analysis.forecasts."""
    out = set()
    d = load("demand_china")
    actual = d[(d["status"] == "actual") & (d["months"] == 12)]
    for f in d[d["status"].isin(["forecast", "expected"])].itertuples():
        if ((actual["sector"] == f.sector) & (actual["year"] == f.year) & (actual["demand_metric"] == f.demand_metric)
                & (actual["unit"] == f.unit) & ~actual["statement"].isin(["headline", "body"])).any():
            out.add((f.source_id, str(f.year)))
    m = load("magnet_production")
    for f in m[m["status"] == "forecast"].itertuples():
        if ((m["status"] == "actual") & (m["region"] == f.region) & (m["year"] == f.year)).any():
            out.add((f.source_id, str(f.year)))
    mf = load("market_figures")
    exp = load("exports")
    for f in mf[mf["metric"] == "china_magnet_exports_expectation"].itertuples():
        if ((exp["period_start"] == f"{int(f.year)}-01") & (exp["period_end"] == f"{int(f.year)}-12") & (exp["destination"] == "total")).any():
            out.add((f.source_id, str(int(f.year))))
    return out


def test_no_forecast_with_an_outcome_is_missing_from_the_table():
    table = forecasts.pairs()
    found = {(s, t.split()[0]) for s, t in zip(table["source_id"], table["target"])}
    expected = _expected_pairs()
    assert len(expected) >= 4  # seed 002 2025, SMM 2024, Chinatungsten 2025, SMM exports 2025
    assert expected <= found, f"forecasts with an outcome but no score: {sorted(expected - found)}"


def test_errors_follow_from_forecast_and_outcome():
    t = forecasts.pairs(["end-use activity"]).set_index("quantity")
    nev = t.loc["NEVs, activity (body)"]
    # seed 002: 17.89 million expected (May 2025); CAAM: 16.626 million produced in 2025
    assert nev["error"] == pytest.approx(17.89 - 16.626)
    assert nev["error_pct"] == pytest.approx((17.89 / 16.626 - 1) * 100)
    assert not nev["inside"]  # 17.89 rounds to 17.885-17.895
    assert nev["months_ahead"] == 7  # 2025-05-29 -> 2025-12-31
    exp = forecasts.pairs(["magnet exports"]).iloc[0]
    assert (exp["forecast"], exp["outcome"]) == (49000, 57392)


def test_pending_explains_part_years_and_estimates():
    p = forecasts.pending()
    ac = p[p["quantity"].str.startswith("air conditioners, activity")]
    assert len(ac) == 2 and ac["why not scored"].str.contains("January-November 2025").all()
    assert p[p["quantity"].str.contains("NdFeB demand")]["why not scored"].str.contains("estimate").all()


def test_summary_reads_signs_and_the_worst_miss():
    t = pd.DataFrame({"quantity": ["a", "b", "c"], "target": ["2025"] * 3, "forecaster": ["X", "Y", "Y"],
                      "error": [1.0, -2.0, -3.0], "error_pct": [10.0, -50.0, -20.0], "inside": [False, False, True]})
    s = forecasts.summary(t)
    assert (s["worst_quantity"], s["worst_forecaster"], s["too_high"], s["too_low"]) == ("b", "Y", 1, 2)
    assert s["misses_share_a_sign"] is False  # a (+) and b (-) are both outside their range
    assert s["largest_median_miss_forecaster"] == "Y"
    assert "50% too low" in forecasts.sentences(t)


def test_parameters_are_checked():
    with pytest.raises(ValueError, match=r"families\[0\]: expected one of"):
        forecasts.validate_parameters(["weather"], 0, True)
    with pytest.raises(ValueError, match="min_months_ahead"):
        forecasts.validate_parameters(["prices"], -1, True)


@pytest.mark.notebook
def test_notebook_runs(run_notebook, defaults_results):
    r = defaults_results("05_forecasts_vs_outcomes")
    assert r["key_figures"]["forecasts scored"] == len(forecasts.pairs())
    r = run_notebook("05_forecasts_vs_outcomes", families=["prices"], min_months_ahead=12)
    assert {p["family"] for p in r["pairs"]} == {"prices"} and all(p["months_ahead"] >= 12 for p in r["pairs"])


def test_every_outlook_forecast_for_a_past_year_is_scored_or_waiting():
    """outlooks.csv: each forecast/expected row whose year is over appears in the pairs or in pending."""
    o = load("outlooks")
    due = o[o["status"].isin(["forecast", "expected"]) & (o["year"] < int(data_as_of()[:4]))]
    assert len(due) >= 4  # IEA's two 2025 shares, Adamas' 2023 and 2024 oxide values
    scored = forecasts.pairs(["outside outlooks"])
    waiting = forecasts.pending()
    for f in due.itertuples():
        label = forecasts._outlook_label(f)
        found = ((scored["quantity"] == label) & (scored["target"] == str(f.year))).any() or \
            ((waiting["quantity"] == label) & (waiting["target"] == str(f.year))).any()
        assert found, f"outlooks.csv forecast {f.metric} {f.year} ({f.source_id}) is neither scored nor listed as waiting"


def test_an_outlook_forecast_is_scored_once_a_later_actual_is_in_data(monkeypatch):
    """A fixture actual from a source published after IEA's 2025-10-23 commentary (Reuters, 2026-04-20)."""
    real = forecasts.load

    def load(name, *args):
        df = real(name, *args)
        if name != "outlooks":
            return df
        row = df[(df["metric"] == "china_share_ree_separation") & (df["year"] == 2025)].iloc[[0]].copy()
        row[["status", "value_low", "value_high", "source_id"]] = ["actual", 89.0, 89.0, "reuters_20260420_mar_exports"]
        return pd.concat([df, row], ignore_index=True)

    stated = real("outlooks").query("metric == 'china_share_ree_separation' and year == 2025")["value_low"].iloc[0]
    monkeypatch.setattr(forecasts, "load", load)
    pair = forecasts.outlook_pairs().iloc[0]
    assert (pair["forecast"], pair["outcome"], pair["error"]) == (stated, 89.0, stated - 89.0)  # 89%: the fixture
    assert pair["made_on"] == "2025-10-23" and pair["months_ahead"] == 2  # Oct 2025 -> Dec 2025
    assert not forecasts.pending()["quantity"].str.startswith("china share ree separation").any()
