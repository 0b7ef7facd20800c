"""Price history: normalised points, the monthly grid, its metrics, the forecast, the seeds' claims,
and the notebook. Expected values are worked out by hand in the comments from figures in data/."""
import math

import numpy as np
import pandas as pd
import papermill as pm
import pytest

from analysis import claims_prices, prices, units
from analysis.data import load

# --- synthetic inputs ---------------------------------------------------------------------------


def _fx():
    return pd.DataFrame({
        "date": pd.to_datetime(["2026-02-01", "2026-01-23"]),
        "period": ["month", "day"],
        "rate_cny_per_usd": [6.9064, 6.9929],
        "rate_type": ["h10_average", "central_parity"],
        "source_id": ["fx_feb", "fx_jan23"],
    })


def _prices(rows):
    """rows: (product, basis, assessor, date, period, low, high, avg, unit)."""
    cols = ["product", "basis", "assessor", "date", "period", "price_low", "price_high", "price_avg", "price_unit"]
    df = pd.DataFrame(rows, columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    df["source_id"] = "src"
    return df


def _points(values: dict, series="prnd_oxide:cn_domestic_incl_vat", period="day", unit="CNY/t"):
    """{date: mid} -> points as price_points returns them (low = high = mid)."""
    dates = pd.to_datetime(list(values))
    mids = [float(v) for v in values.values()]
    return pd.DataFrame({"series": series, "date": dates, "period": period, "price_low": mids, "price_mid": mids,
                         "price_high": mids, "price_unit": unit})


def _grid(values, statuses=None, start="2024-01"):
    months = pd.period_range(start, periods=len(values), freq="M")
    statuses = statuses or [prices.OBSERVED if not math.isnan(v) else prices.GAP for v in values]
    return pd.DataFrame({"month": months, "price_low": values, "price_mid": values, "price_high": values,
                         "price_unit": "CNY/t", "n_points": 1, "status": statuses, "how": ""})


# --- parameters ---------------------------------------------------------------------------------

GOOD = dict(currency="USD", unit="kg", vat="excl", products=["prnd_oxide"], start="2020-01-01", end="2026-12-31",
            max_fx_gap_days=31, forecast_horizon_months=6, max_interp_gap_months=3)


def test_parameters_are_checked_and_named():
    assert prices.validate_parameters(**GOOD)["start"] == pd.Timestamp("2020-01-01")
    for key, bad, message in [("currency", "EUR", "currency: expected one of"), ("unit", "lb", "unit: expected one of"),
                              ("vat", "gross", "vat: expected one of"), ("products", ["copper"], r"products\[0\]: expected one of"),
                              ("products", "prnd_oxide", "products: expected a list"), ("products", [], "products: expected at least 1"),
                              ("start", "not a date", "start: expected a date YYYY-MM-DD"), ("end", "2019-01-01", r"start \(2020-01-01\) must be before end"),
                              ("max_fx_gap_days", -1, "max_fx_gap_days: expected a whole number from 0 to 366"),
                              ("forecast_horizon_months", 0, "forecast_horizon_months: expected a whole number from 1 to 36"),
                              ("max_interp_gap_months", 1.5, "max_interp_gap_months: expected a whole number, got 1.5")]:
        with pytest.raises(ValueError, match=message):
            prices.validate_parameters(**{**GOOD, key: bad})


# --- normalised points --------------------------------------------------------------------------


def test_price_points_converts_with_the_monthly_rate_and_labels_the_series():
    p = _prices([("prnd_oxide", "cn_domestic_incl_vat", "SMM", "2026-02-12", "day", 845000.0, 855000.0, np.nan, "CNY/t")])
    out = prices.price_points(p, _fx(), currency="USD", unit="kg", vat="excl")
    # mid (845,000 + 855,000) / 2 = 850,000 CNY/t incl. VAT -> / 1.13 = 752,212.4 -> / 6.9064 (Feb 2026 mean)
    # = 108,915.3 USD/t -> / 1000 = 108.915 USD/kg
    assert out["price_mid"].iloc[0] == pytest.approx(850000 / 1.13 / 6.9064 / 1000)
    assert out["price_mid"].iloc[0] == pytest.approx(108.915, abs=1e-3)
    assert out["fx_rate_cny_per_usd"].iloc[0] == 6.9064 and out["fx_gap_days"].iloc[0] == 0
    assert out["series"].iloc[0] == "prnd_oxide:cn_domestic_incl_vat"
    assert "China domestic" in out["series_label"].iloc[0]


def test_an_fx_gap_past_the_limit_names_the_parameter():
    # 2026-01-30 is in no monthly average of this table; the nearest earlier rate is the 2026-01-23 fix, 7 days back
    fx = _fx()[lambda d: d["period"] == "day"]
    p = _prices([("nd_oxide", "cn_domestic_incl_vat", "SMM", "2026-01-30", "day", 1.0, 1.0, np.nan, "CNY/t")])
    assert prices.price_points(p, fx, currency="USD", max_fx_gap_days=7)["fx_gap_days"].iloc[0] == 7
    with pytest.raises(units.FxGapError, match="max_fx_gap_days=0"):
        prices.price_points(p, fx, currency="USD", max_fx_gap_days=0)


def test_a_quote_restated_in_a_second_currency_counts_once():
    p = _prices([("prnd_oxide", "cn_domestic_incl_vat", "Reuters", "2026-02-01", "month", 850000.0, 850000.0, np.nan, "CNY/t"),
                 ("prnd_oxide", "cn_domestic_incl_vat", "Reuters", "2026-02-01", "month", 123.0, 123.0, np.nan, "USD/kg"),
                 ("prnd_oxide", "fob_china", "Fastmarkets", "2026-02-01", "month", 100.0, 100.0, np.nan, "USD/kg")])
    kept = prices.drop_restatements(p)
    assert list(kept["price_unit"]) == ["CNY/t", "USD/kg"]  # China basis keeps CNY; FOB keeps its USD quote


def test_price_mid_is_the_stated_average_else_the_middle_of_the_range():
    quotes = pd.DataFrame({"price_low": [100.0, 100.0, 100.0, np.nan],
                           "price_high": [110.0, 110.0, np.nan, np.nan],
                           "price_avg": [107.0, np.nan, np.nan, 96.0]})
    # 107 stated; (100 + 110) / 2 = 105; no high and no average: no mid; an average alone is the mid
    assert prices.price_mid(quotes).tolist()[:2] == [107.0, 105.0]
    assert math.isnan(prices.price_mid(quotes)[2])
    assert prices.price_mid(quotes)[3] == 96.0


def test_latest_points_and_the_fx_audit():
    p = _prices([("prnd_oxide", "cn_domestic_incl_vat", "SMM", "2026-02-05", "day", 750000.0, 750000.0, np.nan, "CNY/t"),
                 ("prnd_oxide", "cn_domestic_incl_vat", "SMM", "2026-02-12", "day", 850000.0, 850000.0, np.nan, "CNY/t")])
    latest = prices.latest_points(prices.price_points(p, _fx(), currency="USD", unit="kg", vat="excl"))
    assert len(latest) == 1 and latest["date"].iloc[0] == pd.Timestamp("2026-02-12")
    audit = prices.fx_audit_table(latest)
    assert "6.9064 CNY/USD" in audit["fx_rate_used"].iloc[0] and audit["vat"].iloc[0] == "VAT removed"


# --- the monthly grid ---------------------------------------------------------------------------


def test_monthly_grid_says_how_each_month_was_obtained():
    pts = _points({"2024-01-10": 100, "2024-02-05": 110, "2024-02-20": 130, "2024-04-15": 140, "2024-09-01": 200})
    grid = prices.monthly_grid(pts, max_interp_gap_months=3).set_index(pd.Index(pd.period_range("2024-01", "2024-09", freq="M")))
    assert grid.loc[pd.Period("2024-01", "M"), "status"] == "observed"
    # February: two quotes, (110 + 130) / 2 = 120
    assert grid.loc[pd.Period("2024-02", "M"), ["status", "price_mid"]].tolist() == ["averaged", 120.0]
    # March: one empty month between 120 (Feb) and 140 (Apr) -> 130
    assert grid.loc[pd.Period("2024-03", "M"), ["status", "price_mid"]].tolist() == ["interpolated", 130.0]
    # May-August: four empty months, more than 3 -> gaps, left empty and said so
    may_aug = grid.loc[pd.Period("2024-05", "M"):pd.Period("2024-08", "M")]
    assert (may_aug["status"] == "gap").all() and may_aug["price_mid"].isna().all()
    assert "max_interp_gap_months=3" in may_aug["how"].iloc[0]
    assert prices.grid_summary(grid) == {"observed": 3, "averaged": 1, "interpolated": 1, "gap": 4}
    # with no interpolation allowed, March is a gap too
    assert prices.monthly_grid(pts, max_interp_gap_months=0)["status"].iloc[2] == "gap"


def test_monthly_grid_refuses_mixed_series_and_leaves_out_period_averages():
    mixed = pd.concat([_points({"2024-01-10": 1}), _points({"2024-01-10": 2}, series="nd_oxide:fob_china")])
    with pytest.raises(ValueError, match="points must hold one series"):
        prices.monthly_grid(mixed)
    assert prices.monthly_grid(_points({"2024-01-01": 56}, period="year")).empty
    with pytest.raises(ValueError, match="max_interp_gap_months"):
        prices.monthly_grid(_points({"2024-01-10": 1}), max_interp_gap_months=-1)


# --- metrics ------------------------------------------------------------------------------------


def test_year_on_year_and_drawdown():
    values = [100.0] + [float("nan")] * 11 + [150.0]
    # 13 months: Jan 2024 = 100, Jan 2025 = 150 -> +50% y/y; the gap months give no y/y
    yoy = prices.yoy_change_pct(_grid(values))
    assert yoy.iloc[12] == pytest.approx(50.0) and yoy.iloc[:12].isna().all()
    # 100, 120, 90, 130: 90 is 25% below the running peak 120; 130 is a new peak
    dd = prices.drawdown_pct(_grid([100.0, 120.0, 90.0, 130.0]))
    assert dd.tolist() == pytest.approx([0.0, 0.0, -25.0, 0.0])


def test_peak_trough_uses_quoted_months_only():
    grid = _grid([100.0, 300.0, 200.0, 50.0, 80.0, 150.0],
                 statuses=["observed", "interpolated", "observed", "observed", "averaged", "observed"])
    s = prices.peak_trough(grid)
    # the interpolated 300 is no peak: peak 200 (2024-03), trough after it 50, latest 150
    assert (s["peak_month"], s["peak"], s["trough_month"], s["trough"]) == ("2024-03", 200.0, "2024-04", 50.0)
    assert s["max_drawdown_pct"] == pytest.approx(-75.0)      # 50 / 200 - 1
    assert s["latest_drawdown_pct"] == pytest.approx(-25.0)   # 150 / 200 - 1
    assert s["rise_from_trough_pct"] == pytest.approx(200.0)  # 150 / 50 - 1


def test_volatility_of_monthly_log_returns():
    grid = _grid([100.0, 110.0, 99.0, 120.0], statuses=["observed", "observed", "observed", "interpolated"])
    v = prices.log_return_volatility(grid)
    # returns ln(1.1) = 0.09531 and ln(0.9) = -0.10536 (the interpolated month is left out)
    r = [math.log(1.1), math.log(0.9)]
    sd = math.sqrt(sum((x - sum(r) / 2) ** 2 for x in r))  # ddof = 1 with two returns
    assert v["n_returns"] == 2
    assert v["annualised_pct"] == pytest.approx(sd * math.sqrt(12) * 100)
    assert "sqrt(12)" in v["method"]


def test_annual_means_count_quoted_months():
    grid = _grid([10.0, 20.0, 30.0], statuses=["observed", "interpolated", "averaged"], start="2024-11")
    means = prices.annual_means(grid).set_index("year")
    # 2024: only Nov (10) is quoted; 2025: Jan (30)
    assert means.loc[2024, "price_mid"] == 10.0 and means.loc[2024, "n_months"] == 1
    assert means.loc[2025, "price_mid"] == 30.0


def test_metal_oxide_ratio_against_parity():
    pts = pd.concat([
        _points({"2026-02-11": 1085000}, series="nd_metal:cn_domestic_incl_vat"),
        _points({"2026-02-11": 905000}, series="nd_oxide:cn_domestic_incl_vat"),
    ]).assign(product=["nd_metal", "nd_oxide"], basis="cn_domestic_incl_vat", assessor="Yangtze", source_id="s")
    r = prices.metal_oxide_ratios(pts).iloc[0]
    # 1,085,000 / 905,000 = 1.19890; parity 336.481 / 288.484 = 1.16638; premium 1.19890 / 1.16638 - 1 = +2.79%
    assert r["ratio"] == pytest.approx(1.198895, abs=1e-6)
    assert r["parity_ratio"] == pytest.approx(1.166377, abs=1e-6)
    assert r["premium_over_parity_pct"] == pytest.approx(2.788, abs=1e-3)
    # Pr-Nd: 1 / 0.849943 (25:75 Pr6O11:Nd2O3) = 1.176549
    assert prices.metal_oxide_parity("prnd_metal") == pytest.approx(1.176549, abs=1e-6)
    with pytest.raises(ValueError, match="product"):
        prices.metal_oxide_parity("nd_oxide")


# --- forecast -----------------------------------------------------------------------------------


def test_contiguous_tail_starts_after_the_last_gap():
    grid = _grid([1.0, float("nan"), 2.0, 3.0, 4.0])
    assert prices.contiguous_tail(grid)["price_mid"].tolist() == [2.0, 3.0, 4.0]


def test_forecast_gives_widening_nested_intervals():
    rng = np.random.default_rng(0)
    values = list(100 * np.exp(np.cumsum(rng.normal(0, 0.05, 30))))
    fc = prices.fit_forecast(_grid(values), horizon_months=4)
    f = fc.forecast
    assert len(f) == 4 and str(f["month"].iloc[0]) == "2026-07"  # 30 months from 2024-01 end in 2026-06
    assert (f["lo_90"] < f["lo_50"]).all() and (f["lo_50"] < f["median"]).all()
    assert (f["median"] < f["hi_50"]).all() and (f["hi_50"] < f["hi_90"]).all()
    assert (np.diff(f["hi_90"] - f["lo_90"]) > 0).all()  # the band widens with the horizon
    assert fc.model in prices.CANDIDATES and len(fc.candidates) == len(prices.CANDIDATES)
    assert {"lag", "lb_stat", "lb_pvalue"} <= set(fc.ljung_box.columns)
    with pytest.raises(ValueError, match="min_months=12"):
        prices.fit_forecast(_grid(values[:8]), horizon_months=4)
    with pytest.raises(ValueError, match="horizon_months"):
        prices.fit_forecast(_grid(values), horizon_months=0)


# --- the seeds' claims (real data) --------------------------------------------------------------


@pytest.fixture(scope="module")
def claims():
    return claims_prices.table()


def _claim(claims, claim_id):
    return claims[claims["claim_id"] == claim_id].iloc[0]


def test_seed001_one_day_moves_and_implied_previous_day(claims):
    metal = _claim(claims, "prc_seed001_ndmetal_day_pct")
    # 1,085,000 - 35,000 = 1,050,000 CNY/t; 35,000 / 1,050,000 = 3.333% (stated 3.33%)
    assert metal["recomputed_value"] == pytest.approx(35000 / 1050000 * 100)
    assert "1,050,000" in metal["arithmetic"] and metal["verdict"] == "consistent"
    oxide = _claim(claims, "prc_seed001_ndoxide_day_pct")
    # 905,000 - 30,000 = 875,000 CNY/t; 30,000 / 875,000 = 3.429% (stated 3.43%)
    assert oxide["recomputed_value"] == pytest.approx(30000 / 875000 * 100)
    assert "875,000" in oxide["arithmetic"] and oxide["verdict"] == "consistent"


def test_seed002_52uh_and_seed001_ratio(claims):
    # 390 / 365 - 1 = 6.849% (stated 6.8%)
    uh = _claim(claims, "prc_seed002_52uh_2024_pct")
    assert uh["recomputed_value"] == pytest.approx((390 / 365 - 1) * 100) and uh["verdict"] == "consistent"
    ratio = claims[claims["claim"].str.contains("ratio")].iloc[0]
    # 1,085,000 / 905,000 = 1.1989 > parity 1.1664
    assert ratio["stated_value"] == pytest.approx(1085000 / 905000) and ratio["verdict"] == "consistent"


def test_seed000_80_percent_claim(claims):
    rows = claims[claims["claim"].str.contains("80%")]
    own = _claim(claims, "prc_seed000_surge_2021_2025")
    # own table: mid of $100-130 = 115; 115 / 75 - 1 = 53.3% < 80%
    assert own["recomputed_value"] == pytest.approx(115 / 75 * 100 - 100) and own["verdict"] == "disagrees"
    text = rows[rows["claim"].str.contains("text ranges")].iloc[0]
    # text: 115 / 80 - 1 = 43.75%; only 130 / 70 - 1 = 85.7% (the extremes) exceeds 80%
    assert text["recomputed_value"] == pytest.approx(43.75) and text["verdict"] == "only at range extremes"
    usgs = rows[rows["claim"].str.contains("USGS")].iloc[0]
    # USGS Nd oxide 2025 73 / 2021 98 - 1 = -25.5%
    assert usgs["recomputed_value"] == pytest.approx((73 / 98 - 1) * 100) and usgs["verdict"] == "disagrees"
    nd_oxide = rows[rows["claim"].str.contains("Nd oxide quotes") & ~rows["claim"].str.contains("Pr-Nd")].iloc[0]
    assert nd_oxide["verdict"] == "not checkable"  # no China-domestic Nd oxide quote in 2025


def test_seed000_yearly_table_against_usgs(claims):
    yearly = claims[claims["claim"].str.contains("yearly table")]
    assert len(yearly) == 6  # 2021-2026
    y2024 = yearly[yearly["claim"].str.contains("2024")].iloc[0]
    # seed $125/kg vs USGS 2024 56 USD/kg and Pr-Nd oxide quotes below it: far above every comparator
    assert y2024["verdict"] == "disagrees" and "56" in y2024["arithmetic"] and "above" in y2024["arithmetic"]


# --- notebook 01's text and results file (real data, CNY/t incl. VAT: the quotes as published) -----------

CNY_T = dict(currency="CNY", unit="t", vat="incl")


@pytest.fixture(scope="module")
def cny_run(claims):
    """What notebook 01 computes on CNY/t incl. VAT, with a hand-made backtest score table."""
    import warnings

    params = {**GOOD, **CNY_T, "products": list(prices.PRODUCTS), "start": pd.Timestamp("2020-01-01"),
              "end": pd.Timestamp("2026-12-31")}  # as the notebook's parameter check returns them
    pts = prices.price_points(**CNY_T)
    grid = prices.monthly_grid(pts[pts["series"] == "prnd_oxide:" + prices.DOMESTIC])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = prices.fit_forecast(grid, horizon_months=6)
    # two horizons, 2 forecasts each, 50% and 100% of them inside the 90% band: 3 of 4 = 75% pooled
    scores = pd.DataFrame({"horizon_months": [1, 2], "forecasts": [2, 2], "coverage_90_pct": [50.0, 100.0]})
    inputs = dict(parameters=params, points=pts, grid=grid, fc=fc, backtest_scores=scores, claims=claims,
                  ratios=prices.metal_oxide_ratios(pts))
    return {"inputs": inputs, "results": prices.results(**inputs)}


def test_results_keep_the_notebooks_keys_and_add_answer_and_key_chart(cny_run):
    r = cny_run["results"]
    assert list(r) == ["answer", "key_chart", "key_figures", "parameters", "basis", "latest_by_series",
                       "prnd_oxide_domestic", "seed_claims", "forecast", "backtest", "metal_oxide_ratios", "data_as_of"]
    assert r["data_as_of"] == load("prices")["date"].max().strftime("%Y-%m")  # the prices' own latest month
    assert r["parameters"]["start"] == "2020-01-01" and r["basis"] == "CNY/t, incl. 13% China VAT"
    assert r["prnd_oxide_domestic"]["grid_months"] == prices.grid_summary(cny_run["inputs"]["grid"])
    assert r["forecast"]["price_unit"] == "CNY/t" and len(r["forecast"]["quantiles"]) == 6
    assert "price_unit" not in r["forecast"]["quantiles"][0] and "width_90_pct_of_median" in r["forecast"]["quantiles"][0]
    assert r["backtest"][0] == {"horizon_months": 1, "forecasts": 2, "coverage_90_pct": 50.0}


def test_key_chart_is_the_name_the_forecast_chart_gets(cny_run):
    import matplotlib

    matplotlib.use("Agg")
    from analysis.charts import prices as charts

    i = cny_run["inputs"]
    chart = charts.forecast_chart(i["grid"], i["fc"], i["points"][i["points"]["series"] == "prnd_oxide:" + prices.DOMESTIC])
    charts.plt.close(chart.figure)
    assert cny_run["results"]["key_chart"] == chart.name == "prnd_oxide_forecast"


def test_key_figures_as_the_notebook_wrote_them(cny_run):
    k = list(cny_run["results"]["key_figures"].items())
    # SMM 2026-02-12: 845,000-855,000 CNY/t incl. VAT, mid 850,000: as published, no conversion
    assert k[0] == ("Pr-Nd oxide China spot, latest quote (2026-02-12)", "850,000 CNY/t, incl. 13% China VAT")
    # Chinatungsten 2022-02-18 1,100,000; SMM July 2024 359,000-360,000 (mid 359,500); 359,500 / 1,100,000 - 1 = -67.3%
    assert k[1:4] == [("Pr-Nd oxide peak (2022-02)", "1,100,000 CNY/t"), ("Pr-Nd oxide trough (2024-07)", "359,500 CNY/t"),
                      ("Drawdown peak to trough", "-67.3%")]
    end = cny_run["inputs"]["fc"].forecast.iloc[-1]
    assert k[6] == ("Forecast 2026-08 (90% interval)",
                    f"{end['lo_90']:,.0f}-{end['hi_90']:,.0f} CNY/t; in the backtest such bands held 75% of 4 outcomes")
    claims = cny_run["inputs"]["claims"]
    assert k[7] == ("Seed price claims that disagree", f"{(claims['verdict'] == 'disagrees').sum()} of {len(claims)}")


def test_answer_is_one_sentence_with_the_latest_month_its_change_and_the_band(cny_run):
    a = cny_run["results"]["answer"]
    # February 2026: SMM 2026-02-05 747,000-753,000 (mid 750,000), SMM 2026-02-12 mid 850,000 and Reuters/Benchmark
    # 2026-02-01 850,000 (its USD restatement dropped): (750,000 + 850,000 + 850,000) / 3 = 816,667 CNY/t.
    assert "cost 816,667 CNY/t (incl. 13% China VAT) in February 2026" in a
    # February 2025 has no quote: halfway between January (400,000-401,000, mid 400,500) and March (mean of
    # 444,500 and 442,000 = 443,250): 421,875. 816,666.67 / 421,875 - 1 = +93.6%
    assert "+93.6% on February 2025 (a month interpolated between quotes)" in a
    end = cny_run["inputs"]["fc"].forecast.iloc[-1]
    # the backtest's 90% bands held 75% of 4 outcomes (the same figure as the key figure above): said in the answer
    assert a.endswith(f"the 90% forecast band for August 2026 is {end['lo_90']:,.0f}-{end['hi_90']:,.0f} CNY/t, "
                      "though in the backtest such 90% bands held only 75% of 4 outcomes.")
    assert a.replace("incl. ", "").count(". ") == 0 and "\n" not in a  # one sentence


def test_band_coverage_pools_the_horizons_by_their_forecasts():
    scores = pd.DataFrame({"horizon_months": [1, 6], "forecasts": [2, 6], "coverage_90_pct": [50.0, 100.0]})
    assert prices.band_coverage(scores) == (87.5, 8)  # (2 x 50 + 6 x 100) / 8
    assert prices.band_coverage(pd.DataFrame(columns=["horizon_months", "forecasts"])) is None


def test_answer_without_a_price_a_year_earlier():
    # 14 months from 2024-01: January 2025 is a gap, so February 2025 has no y/y; the latest quoted month is 2025-02
    values = [100.0 + i for i in range(12)] + [float("nan"), 150.0]
    grid = _grid(values)
    forecast = pd.DataFrame({"month": pd.period_range("2025-03", periods=2, freq="M"), "lo_90": [120.0, 110.0],
                             "hi_90": [180.0, 1234.6], "price_unit": "CNY/t"})
    a = prices.answer(grid, forecast, vat="incl")
    # a year before 2025-02 is 2024-02 (101): 150 / 101 - 1 = +48.5%
    assert "cost 150 CNY/t (incl. 13% China VAT) in February 2025" in a and "+48.5% on February 2024" in a
    gap_year = prices.answer(_grid([100.0] + [float("nan")] * 11 + [130.0, 150.0]), forecast, vat="incl")
    # January 2024 = 100 is quoted; February 2024 is a gap: nothing to compare February 2025 with
    assert "with no price for February 2024 to compare" in gap_year
    assert a.endswith("the 90% forecast band for April 2025 is 110-1,235 CNY/t.")


def test_an_empty_backtest_leaves_the_coverage_out(cny_run):
    r = prices.results(**{**cny_run["inputs"], "backtest_scores": pd.DataFrame(columns=["horizon_months", "forecasts"])})
    band = r["key_figures"]["Forecast 2026-08 (90% interval)"]
    assert band.endswith(" CNY/t") and "backtest" not in band and r["backtest"] == []


def test_notebook_text_helpers():
    assert prices.basis_note("USD/kg", "excl") == "USD/kg, excl. 13% China VAT"
    assert prices.price_text(850000, "CNY/t") == "850,000 CNY/t" and prices.price_text(108.915, "USD/kg") == "108.92 USD/kg"
    grid = _grid([1.0, float("nan"), float("nan"), 2.0, float("nan"), 3.0])
    grid["how"] = ["", "run a", "run a", "", "run b", ""]
    gaps = prices.gap_runs(grid)
    assert gaps.to_dict("list") == {"first": ["2024-02", "2024-05"], "last": ["2024-03", "2024-05"], "months": [2, 1]}
    ratios = pd.DataFrame({"pair": ["Nd metal / Nd oxide"] * 2, "ratio": [1.2, 1.1], "parity_ratio": [1.1664] * 2,
                           "premium_over_parity_pct": [2.0, -5.0], "basis": "fob_china", "assessor": "A*B",
                           "date": pd.to_datetime(["2026-01-01", "2026-02-01"])})
    # median of +2% and -5% is -1.5%; the 1.1 < 1.1664 row is below parity, its assessor escaped for Markdown
    note = prices.ratio_note(ratios)
    assert note.startswith("Median premium over parity: Nd metal / Nd oxide -1.5%. Below parity")
    assert note.endswith("FOB China, A\\*B, 2026-02-01: 1.100")
    assert prices.ratio_note(ratios.iloc[:1]).endswith("+2.0%. No pair is below parity.")


# --- charts (smoke) are in test_charts_prices.py --------------------------------------------------


# --- the notebook -------------------------------------------------------------------------------


def _series(results, label_start):
    return next(s for s in results["latest_by_series"] if s["series"].startswith(label_start))


@pytest.mark.notebook
def test_notebook_defaults_usd_per_kg_excl_vat(defaults_results, executed_with_defaults):
    r = defaults_results("01_price_history")
    # the key chart is one the run drew and wrote the data of (outside a build the CSVs are named interactive.*)
    folder = executed_with_defaults("01_price_history").parent
    assert r["key_chart"] == "prnd_oxide_forecast" and (folder / f"interactive.{r['key_chart']}.csv").is_file()
    assert r["answer"].startswith("Pr-Nd oxide (China domestic spot) cost ") and " USD/kg (excl. 13% China VAT) in " in r["answer"]
    assert r["parameters"]["currency"] == "USD" and r["parameters"]["vat"] == "excl"
    latest = _series(r, "Pr-Nd oxide, China domestic")
    # SMM 2026-02-12: 845,000-855,000 CNY/t incl. VAT, mid 850,000 -> 850,000 / 1.13 / 6.9064 / 1000 = 108.915 USD/kg
    assert latest["date"] == "2026-02-12" and latest["price_mid"] == pytest.approx(850000 / 1.13 / 6.9064 / 1000, abs=1e-3)
    s = r["prnd_oxide_domestic"]
    # peak: Chinatungsten 2022-02-18, 1,100,000 CNY/t -> / 1.13 / 6.3436 (Feb 2022 mean) / 1000 = 153.455 USD/kg
    assert s["peak_month"] == "2022-02" and s["peak"] == pytest.approx(1100000 / 1.13 / 6.3436 / 1000, abs=1e-3)
    # trough: SMM July 2024, 359,000-360,000 CNY/t -> 359,500 / 1.13 / 7.2609 (Jul 2024 mean) / 1000 = 43.816 USD/kg
    assert s["trough_month"] == "2024-07" and s["trough"] == pytest.approx(359500 / 1.13 / 7.2609 / 1000, abs=1e-3)
    assert s["max_drawdown_pct"] == pytest.approx((359500 / 7.2609) / (1100000 / 6.3436) * 100 - 100, abs=1e-3)
    q = r["forecast"]["quantiles"]
    assert [x["month"] for x in q] == ["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"]
    assert all(x["lo_90"] < x["lo_50"] < x["median"] < x["hi_50"] < x["hi_90"] for x in q)
    verdicts = {c["claim_id"]: c["verdict"] for c in r["seed_claims"] if c["claim_id"]}
    assert verdicts["prc_seed000_surge_2021_2025"] == "disagrees"
    assert verdicts["prc_seed001_ndmetal_day_pct"] == verdicts["prc_seed002_52uh_2024_pct"] == "consistent"
    assert 5 <= len(r["key_figures"]) <= 8


@pytest.mark.notebook
def test_notebook_cny_per_t_incl_vat(run_notebook):
    r = run_notebook("01_price_history", currency="CNY", unit="t", vat="incl")
    # CNY/t incl. VAT is how the China quotes are published: no conversion at all
    assert _series(r, "Pr-Nd oxide, China domestic")["price_mid"] == pytest.approx(850000)
    assert _series(r, "Pr-Nd oxide, China domestic")["fx_rate_cny_per_usd"] is None
    s = r["prnd_oxide_domestic"]
    # 1,100,000 (2022-02) to 359,500 (2024-07): 359,500 / 1,100,000 - 1 = -67.32%
    assert (s["peak"], s["trough"]) == (1100000, 359500)
    assert s["max_drawdown_pct"] == pytest.approx((359500 / 1100000 - 1) * 100, abs=1e-3)
    assert r["forecast"]["price_unit"] == "CNY/t"


@pytest.mark.notebook
def test_notebook_usd_per_kg_with_other_settings(run_notebook):
    r = run_notebook("01_price_history", currency="USD", unit="kg", vat="excl", products=["prnd_oxide", "nd_oxide"],
                     start="2021-01-01", forecast_horizon_months=12, max_interp_gap_months=1)
    assert {s["series"].split(",")[0] for s in r["latest_by_series"]} == {"Pr-Nd oxide", "Nd oxide"}
    # with at most 1 month interpolated, Aug-Oct 2024 (3 empty months) is a gap, so the fit starts at Nov 2024
    assert r["forecast"]["fitted_from"] == "2024-11" and len(r["forecast"]["quantiles"]) == 12


@pytest.mark.notebook
def test_notebook_fx_gap_past_the_limit_is_a_clear_error(run_notebook):
    # In CNY, the 2026 blog estimate (a yearly figure) has no 2026 annual rate; the nearest earlier
    # rate (the December 2025 monthly mean) ended 1 day before, past max_fx_gap_days=0.
    with pytest.raises(pm.PapermillExecutionError, match="max_fx_gap_days=0"):
        run_notebook("01_price_history", currency="CNY", unit="t", vat="incl", max_fx_gap_days=0)


@pytest.mark.notebook
def test_notebook_refuses_an_unknown_currency(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match="currency: expected one of 'CNY', 'USD', got 'EUR'"):
        run_notebook("01_price_history", currency="EUR")


def test_numbered_events_share_a_number_on_the_same_day():
    from analysis import plotting

    events = pd.DataFrame({"date": pd.to_datetime(["2025-12-01", "2025-12-01", "2025-04-04", "2019-01-01"]),
                           "event_id": ["b", "a", "c", "old"], "label": ["B", "A", "C", "Old"],
                           "category": "export_control"})
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_xlim(pd.Timestamp("2024-01-01"), pd.Timestamp("2026-12-31"))
    key = plotting.annotate_events_numbered(ax, events=events)
    # 2019 is outside the axis; the two 2025-12-01 events share number 2, ordered by event_id
    assert key == "Events: (1) 2025-04-04 C; (2) 2025-12-01 A / B"
    plt.close(fig)


def test_fx_audit_names_each_rate_type_and_period_in_words():
    from analysis.data import catalogue

    assert set(prices.FX_RATE_LABELS) == set(catalogue()["fields"]["rate_type"]["allowed"])
    assert prices._fx_period_text("h10_average", "month", "2024-09-01") == "Fed H.10 average for 2024-09"
    assert prices._fx_period_text("h10_average", "year", "2019-01-01") == "Fed H.10 average for 2019"
    assert prices._fx_period_text("spot", "day", "2026-02-12") == "spot close on 2026-02-12"
    assert prices._fx_period_text("central_parity", "quarter", "2025-01-01") == "PBOC central parity for the quarter from 2025-01-01"


def test_ratio_table_names_the_basis_in_words():
    ratios = pd.DataFrame({"pair": ["Nd metal / Nd oxide"], "date": pd.to_datetime(["2026-01-01"]), "basis": ["fob_china"],
                           "assessor": ["SMM"], "ratio": [0.94912], "parity_ratio": [1.16638], "premium_over_parity_pct": [-18.62]})
    out = prices.ratio_table(ratios)
    assert out["basis"].tolist() == [prices.BASIS_LABELS["fob_china"]] and out["date"].tolist() == ["2026-01-01"]
    assert out["ratio"].tolist() == [0.9491]
    assert prices.BASIS_LABELS["fob_china"] in prices.ratio_note(ratios) and "fob_china" not in prices.ratio_note(ratios)
