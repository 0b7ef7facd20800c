"""Charts of notebook 01 (analysis.charts.prices): title and axes with units, source note, source ids that
exist, a unique name, and a CSV that holds the values the figure draws."""
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import plotting, prices
from analysis.charts import Chart
from analysis.charts import prices as charts
from analysis.data import load
from analysis.report import OUTPUT_DIR_ENV, RUN_NAME_ENV

# CNY/t incl. VAT is how the China quotes are published; USD/kg excl. VAT is the notebook's default
BASES = {"cny_per_t": dict(currency="CNY", unit="t", vat="incl"), "usd_per_kg": dict(currency="USD", unit="kg", vat="excl")}


@pytest.fixture(scope="module", params=list(BASES))
def drawn(request):
    """Every chart notebook 01 draws, on one basis: {name: Chart}, with what it was drawn from."""
    basis = BASES[request.param]
    pts = prices.price_points(**basis)
    domestic = pts[pts["series"] == "prnd_oxide:" + prices.DOMESTIC]
    grid = prices.monthly_grid(domestic)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = prices.fit_forecast(grid, horizon_months=6)
    claim_pts = prices.claim_points()
    made = [charts.grid_chart(grid, domestic, vat=basis["vat"], summary=prices.peak_trough(grid)),
            *charts.history_charts(pts, prices.PRODUCTS, vat=basis["vat"], start="2020-01-01", end="2026-12-31"),
            charts.metrics_chart(grid, domestic, vat=basis["vat"]),
            charts.ratio_chart(prices.metal_oxide_ratios(pts)),
            charts.seed000_chart(prices.seed000_yearly(claim_pts), claim_pts),
            charts.forecast_chart(grid, fc, domestic),
            charts.residual_chart(fc, domestic)]
    yield {"slug": request.param, "basis": basis, "charts": {c.name: c for c in made}, "made": made,
           "grid": grid, "domestic": domestic, "fc": fc, "points": pts}
    for c in made:
        plt.close(c.figure)


@pytest.fixture
def csv_of(drawn, tmp_path, monkeypatch):
    """``csv_of(name)``: the chart of that name, its first axes and its CSV as a run writes it, read back."""
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(RUN_NAME_ENV, "01_price_history")

    def get(name: str):
        chart = drawn["charts"][name]
        out = chart.write_csv()
        assert out.name == f"01_price_history.{name}.csv"
        return chart, chart.figure.axes[0], pd.read_csv(out)

    return get


def _y(artist) -> np.ndarray:
    return np.asarray(artist.get_ydata(), dtype=float)


def test_every_chart_is_a_chart_with_a_unique_slug_name(drawn):
    made = drawn["made"]
    assert all(isinstance(c, Chart) for c in made)
    # grid, 4 products' histories, change/drawdown, ratio, seed 000, forecast, residuals
    assert len(made) == 10 and len(drawn["charts"]) == 10
    assert {"prnd_oxide_history", "nd_oxide_history", "nd_metal_history", "prnd_metal_history"} <= set(drawn["charts"])


def test_titles_and_axes_carry_units(drawn):
    unit = f"{drawn['basis']['currency']}/{drawn['basis']['unit']}"
    c = drawn["charts"]
    for name in ("prnd_oxide_monthly_grid", "prnd_oxide_history", "nd_metal_history", "prnd_oxide_forecast"):
        ax = c[name].figure.axes[0]
        assert unit in ax.get_title(), name
        assert ax.get_ylabel() == f"price, {unit}", name
    vat = "incl. 13% China VAT" if drawn["basis"]["vat"] == "incl" else "excl. 13% China VAT"
    assert vat in c["prnd_oxide_monthly_grid"].figure.axes[0].get_title()
    top, bottom = c["prnd_oxide_change_drawdown"].figure.axes
    assert "%" in top.get_title() and top.get_ylabel() == "y/y change, %" and bottom.get_ylabel() == "below running peak, %"
    seed = c["seed000_yearly"].figure.axes[0]  # the seed-claim basis whatever the run's basis
    assert "USD/kg excl. VAT" in seed.get_title() and seed.get_ylabel() == "price, USD/kg excl. VAT"
    ratio = c["metal_oxide_ratio"].figure.axes[0]
    assert "ratio" in ratio.get_title() and "ratio" in ratio.get_ylabel()
    resid = c["prnd_oxide_forecast_residuals"].figure.axes[0]
    assert "log points x 100" in resid.get_title() and "log points x 100" in resid.get_ylabel()


def _note(chart: Chart) -> str:
    return plotting.full_note(chart.figure)


def test_source_notes_name_the_publishers_and_what_was_done(drawn):
    sources = load("sources").set_index("source_id")
    for chart in drawn["made"]:
        note = _note(chart)
        assert note.startswith("Sources: "), chart.name
        first = chart.source_ids[0]
        assert f"{sources.loc[first, 'publisher']} (" in note, chart.name
    c = drawn["charts"]
    assert "FX: data/fx_rates.csv" in _note(c["prnd_oxide_monthly_grid"]) and "Events: (1)" in _note(c["prnd_oxide_history"])
    assert "statsmodels ARIMA on the log of the monthly grid" in _note(c["prnd_oxide_forecast"])
    assert "Parity from IUPAC atomic weights" in _note(c["metal_oxide_ratio"])


def test_source_ids_exist_in_sources_csv(drawn):
    known = set(load("sources")["source_id"])
    for chart in drawn["made"]:
        assert chart.source_ids, chart.name
        assert set(chart.source_ids) <= known, (chart.name, set(chart.source_ids) - known)


def test_residual_and_forecast_sources_are_the_quotes_of_the_months_used(drawn):
    fc, domestic = drawn["fc"], drawn["domestic"]
    used = domestic[domestic["date"].dt.to_period("M") >= fc.fitted_on["month"].iloc[0]]
    assert set(drawn["charts"]["prnd_oxide_forecast_residuals"].source_ids) == set(used["source_id"])
    # before the fitted run: the 2020 quotes are neither fitted nor in the last 36 months shown
    old = set(domestic.loc[domestic["date"] < "2021-01-01", "source_id"]) - set(used["source_id"])
    assert old and not old & set(drawn["charts"]["prnd_oxide_forecast"].source_ids)


def test_price_columns_are_named_with_their_unit(drawn):
    slug = drawn["slug"]
    for name in ("prnd_oxide_monthly_grid", "prnd_oxide_history"):
        cols = set(drawn["charts"][name].data.columns)
        assert {f"price_low_{slug}", f"price_mid_{slug}", f"price_high_{slug}"} <= cols, name
    assert f"price_mid_{slug}" in drawn["charts"]["prnd_oxide_forecast"].data
    assert "seed000_low_usd_per_kg" in drawn["charts"]["seed000_yearly"].data
    assert charts.unit_slug("CNY/t") == "cny_per_t" and charts.unit_slug("USD/kg") == "usd_per_kg"


# --- the CSV holds what the figure draws --------------------------------------------------------


def test_grid_csv_is_the_plotted_grid_and_quotes(drawn, csv_of):
    chart, ax, back = csv_of("prnd_oxide_monthly_grid")
    slug = drawn["slug"]
    months, quotes = back[back["kind"] == "month"], back[back["kind"] == "quote"]
    line = ax.lines[0]  # the grid line: one value per month, gaps empty
    np.testing.assert_allclose(months[f"price_mid_{slug}"], _y(line), equal_nan=True)
    assert list(pd.to_datetime(months["date"])) == list(pd.to_datetime(line.get_xdata()))
    dots = ax.collections[0].get_offsets()  # the quotes, grey
    np.testing.assert_allclose(quotes[f"price_mid_{slug}"], np.asarray(dots)[:, 1])
    assert months["status"].tolist() == drawn["grid"]["status"].tolist()
    assert set(back["source_ids"].iloc[0].split("; ")) == set(chart.source_ids)


def test_history_csv_is_every_plotted_quote(drawn, csv_of):
    _, ax, back = csv_of("prnd_oxide_history")
    slug = drawn["slug"]
    plotted = sorted(float(v) for line in ax.lines if line.get_marker() == "o" for v in _y(line))
    dated = back[back["period"].isin(prices.DATED_PERIODS)]
    assert plotted == pytest.approx(sorted(dated[f"price_mid_{slug}"]))
    spans = back[~back["period"].isin(prices.DATED_PERIODS)]
    segments = [seg for coll in ax.collections if type(coll).__name__ == "LineCollection"
                for seg in coll.get_segments() if len(seg) and seg[0][1] == seg[-1][1] and seg[0][0] != seg[-1][0]]
    assert sorted(seg[0][1] for seg in segments) == pytest.approx(sorted(spans[f"price_mid_{slug}"]))
    assert "blog_estimate" not in set(back["basis"])


def test_change_drawdown_csv_is_the_plotted_bars_and_line(csv_of):
    chart, top, back = csv_of("prnd_oxide_change_drawdown")
    bottom = chart.figure.axes[1]
    bars = [p.get_height() for p in top.patches]
    np.testing.assert_allclose(np.nan_to_num(back["yoy_change_pct"]), bars)  # a gap is drawn as no bar
    np.testing.assert_allclose(back["drawdown_from_peak_pct"], _y(bottom.lines[0]), equal_nan=True)


def test_ratio_csv_is_the_plotted_ratios_and_parities(csv_of):
    _, ax, back = csv_of("metal_oxide_ratio")
    dots = sorted(float(y) for coll in ax.collections for _, y in coll.get_offsets())
    assert dots == pytest.approx(sorted(back["metal_oxide_price_ratio"]))
    parities = sorted({float(_y(line)[0]) for line in ax.lines})
    assert parities == pytest.approx(sorted(set(back["parity_ratio"])))


def test_seed000_csv_is_the_plotted_lines(csv_of):
    _, ax, back = csv_of("seed000_yearly")
    lines = ax.lines
    columns = ["seed000_mid_usd_per_kg", "usgs_nd_oxide_usd_per_kg", "nd_oxide_domestic_mean_usd_per_kg",
               "prnd_oxide_domestic_mean_usd_per_kg", "nd_metal_domestic_mean_usd_per_kg"]
    for line, col in zip(lines, columns, strict=True):
        np.testing.assert_allclose(back[col], _y(line), equal_nan=True, err_msg=col)
    np.testing.assert_allclose(back["seed000_mid_usd_per_kg"],
                               (back["seed000_low_usd_per_kg"] + back["seed000_high_usd_per_kg"]) / 2)


def test_forecast_csv_is_the_plotted_history_and_band(drawn, csv_of):
    _, ax, back = csv_of("prnd_oxide_forecast")
    slug, fc = drawn["slug"], drawn["fc"]
    history, ahead = back[back["kind"] == "history"], back[back["kind"] == "forecast"]
    grid_line, median_line = ax.lines
    assert len(history) == 36
    np.testing.assert_allclose(history[f"price_mid_{slug}"], _y(grid_line), equal_nan=True)
    np.testing.assert_allclose(ahead[f"price_mid_{slug}"], _y(median_line))
    np.testing.assert_allclose(ahead[f"hi_90_{slug}"], fc.forecast["hi_90"])
    assert (ahead[f"lo_90_{slug}"] < ahead[f"lo_50_{slug}"]).all()
    assert (ahead[f"hi_50_{slug}"] < ahead[f"hi_90_{slug}"]).all()
    assert ahead["month"].tolist() == fc.forecast["month"].astype(str).tolist()


def test_residual_csv_is_the_plotted_bars(csv_of):
    _, ax, back = csv_of("prnd_oxide_forecast_residuals")
    np.testing.assert_allclose(back["residual_log_points_x100"], [p.get_height() for p in ax.patches])
    sd_lines = sorted(float(_y(line)[0]) for line in ax.lines if line.get_linestyle() == "--")
    assert sd_lines == pytest.approx([-back["two_sd_log_points_x100"].iloc[0], back["two_sd_log_points_x100"].iloc[0]])


def test_a_product_with_only_blog_estimates_gets_no_history_chart():
    pts = prices.price_points(currency="USD", unit="kg", vat="excl")
    blog_only = pts[(pts["product"] != "nd_metal") | (pts["basis"] == "blog_estimate")]
    made = charts.history_charts(blog_only, ["nd_metal", "prnd_oxide"], vat="excl")
    assert [c.name for c in made] == ["prnd_oxide_history"]
    assert prices.unquoted_products(blog_only, ["nd_metal", "prnd_oxide"]) == ["Nd metal"]
    plt.close("all")



def test_forecast_chart_shades_the_months_the_model_was_fitted_on(drawn):
    ax = drawn["charts"]["prnd_oxide_forecast"].figure.axes[0]
    fitted = drawn["fc"].fitted_on["month"]
    first, last = str(fitted.iloc[0]), str(fitted.iloc[-1])
    spans = [p for p in ax.patches if p.get_label() == f"model fitted on {first} to {last}"]
    assert len(spans) == 1
    x0, x1 = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
    mid = lambda m: matplotlib.dates.date2num(pd.Period(m, "M").to_timestamp() + pd.Timedelta(days=14))  # noqa: E731
    assert (x0, x1) == pytest.approx((mid(first), mid(last)))
