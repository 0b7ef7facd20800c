"""Charts of notebook 02 (analysis.charts.demand): titles and axes with units, a source note naming
sources that exist, and CSV data that holds the values drawn."""
import csv

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from analysis import demand, paths, plotting, units  # noqa: E402
from analysis.charts import Chart  # noqa: E402
from analysis.charts import demand as charts  # noqa: E402

TAG = "scenario 'base'"


def _sources() -> dict[str, str]:
    """source_id -> publisher, read with the csv module (not the loader)."""
    with open(paths.DATA / "sources.csv", newline="", encoding="utf-8") as fh:
        return {r["source_id"]: r["publisher"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def base():
    return demand.load_scenario(paths.SCENARIOS / "02_demand_buildup" / "base.yaml")


@pytest.fixture(scope="module")
def result(base):
    return demand.project(base)


@pytest.fixture(scope="module")
def built(base, result):
    """Every chart of notebook 02, drawn once for the module's tests (closed at the end)."""
    table, total = demand.by_sector(result), demand.totals(result)
    h = base["horizon_year"]
    actual_ids = demand.base_path(base)["source_id"]
    out = {
        "by_sector": charts.by_sector(table, TAG, demand.base_year_of(result), actual_ids),
        "nowcast": charts.nowcast(demand.nowcast_vs_forecast(result), TAG, actual_ids),
        "waterfall": charts.waterfall(demand.waterfall_table(result), TAG),
        "shares": charts.shares(table, TAG, demand.ANCHOR_YEARS[-1]),
        "against_outlooks": charts.against_outlooks(total, demand.comparison_table(), "base", TAG,
                                                    units.default_magnet_re_share()),
        "element_content": charts.element_content(demand.element_content(result), TAG),
        "tornado": charts.tornado(demand.tornado(base), float(total.loc[h]), h, TAG),
        "monte_carlo": charts.monte_carlo(demand.mc_percentiles(base, 500, 1), total, 500, base["mc_distributions"], TAG),
    }
    yield out
    for chart in out.values():
        plt.close(chart.figure)


CHARTS = ["by_sector", "nowcast", "waterfall", "shares", "against_outlooks", "element_content", "tornado", "monte_carlo"]
# the unit each chart's title and value axis must name
UNITS = {"by_sector": "kt", "nowcast": "kt", "waterfall": "kt", "shares": "%", "against_outlooks": "kt", "element_content": "kt",
         "tornado": "kt", "monte_carlo": "kt"}


@pytest.mark.parametrize("key", CHARTS)
def test_title_and_value_axis_name_their_unit(built, key):
    chart = built[key]
    assert isinstance(chart, Chart)
    ax = chart.figure.axes[0]
    unit = UNITS[key]
    assert unit in ax.get_title() and TAG in ax.get_title()
    value_axis = ax.get_xlabel() if key in ("tornado", "nowcast") else ax.get_ylabel()
    assert unit in value_axis


@pytest.mark.parametrize("key", CHARTS)
def test_source_note_names_each_source_and_ids_exist(built, key):
    chart = built[key]
    known = _sources()
    assert chart.source_ids and set(chart.source_ids) <= set(known)
    note = plotting.full_note(chart.figure)
    assert note.startswith("Sources: ")
    for sid in chart.source_ids:
        assert known[sid] in note


def test_chart_names_are_unique_slugs(built):
    names = [c.name for c in built.values()]
    assert len(set(names)) == len(names)
    assert "demand_by_sector" == demand.KEY_CHART and demand.KEY_CHART in names


def test_by_sector_data_is_the_table_and_the_stack_tops_out_at_the_total(built, result):
    chart = built["by_sector"]
    data = chart.data.pivot(index="year", columns="sector", values="demand_t")
    table = demand.by_sector(result)
    pd.testing.assert_frame_equal(data[list(demand.SECTORS)], table, check_names=False)
    # 2024: seed 002's six sectors, added by hand: 57,000 + 9,735 + 21,000 + 7,508 + 3,362 + 12,147
    assert chart.data.loc[chart.data["year"] == 2024, "demand_t"].sum() == pytest.approx(110752)
    top = max(p.get_paths()[0].vertices[:, 1].max() for p in chart.figure.axes[0].collections if isinstance(p, PolyCollection))
    assert top == pytest.approx(table.sum(axis=1).max())


def test_nowcast_bars_are_the_data_and_name_the_actuals(built, result):
    chart = built["nowcast"]
    bars = chart.figure.axes[0].patches
    n = len(demand.SEED_SECTORS)
    assert len(chart.data) == n and "total" not in set(chart.data["sector"])
    assert [b.get_width() for b in bars[:n]] == pytest.approx(chart.data["smm_forecast_t"].tolist())
    assert [b.get_width() for b in bars[n:]] == pytest.approx(chart.data["model_t"].tolist())
    # CAAM 2025: 16.626 million NEVs against SMM's 17.89 million, at SMM's own kg per NEV
    nev = chart.data.set_index("sector").loc["nev"]
    assert nev["model_t"] == pytest.approx(75000 * 16.626 / 17.89) and nev["smm_forecast_t"] == 75000
    assert nev["basis"] == "nowcast"
    # the releases the nowcast rests on are cited (NEVs via SteelOrbis, wind via finanznachrichten)
    assert {"steelorbis_20260115_caam_nev_2025", "finanznachrichten_20260128_nea_2025"} <= set(chart.source_ids)
    assert {"steelorbis_20260115_caam_nev_2025", "finanznachrichten_20260128_nea_2025"} <= set(built["by_sector"].source_ids)


def test_waterfall_bars_stand_on_the_running_total():
    steps = pd.DataFrame({"step": ["2024 total", "a", "b", "2025 total"], "year": [2024, 2025, 2025, 2025],
                          "change_t": [100.0, 20.0, -5.0, 115.0], "kind": ["total", "change", "change", "total"]})
    bars = charts.waterfall_bars(steps)
    assert bars["bottom_t"].tolist() == [0, 100, 115, 0]  # a rise starts at 100; a fall of 5 ends at 120 - 5
    assert bars["top_t"].tolist() == [100, 120, 120, 115]
    assert bars["colour"].tolist() == ["total", "rise", "fall", "total"]


def test_waterfall_heights_are_the_data_and_changes_add_up(built, result):
    chart = built["waterfall"]
    data = chart.data
    patches = chart.figure.axes[0].patches
    assert [p.get_height() for p in patches] == pytest.approx((data["top_t"] - data["bottom_t"]).tolist())
    assert [p.get_y() for p in patches] == pytest.approx(data["bottom_t"].tolist())
    totals = data[data["kind"] == "total"]
    total = demand.totals(result)
    assert totals["change_t"].tolist() == pytest.approx([total.loc[y] for y in totals["year"]])
    # each total is the one before it plus the changes between them
    for (i, a), (j, b) in zip(list(totals.iterrows())[:-1], list(totals.iterrows())[1:]):
        assert a["change_t"] + data.loc[i + 1:j - 1, "change_t"].sum() == pytest.approx(b["change_t"])
    assert "From 2024 to 2025 to 2030" in chart.figure.axes[0].get_title()


def test_shares_lines_are_the_data_and_add_to_100(built):
    chart = built["shares"]
    data = chart.data.pivot(index="year", columns="sector", values="share_pct")
    assert np.allclose(data.sum(axis=1), 100)
    lines = chart.figure.axes[0].get_lines()
    for line, sector in zip(lines, demand.SECTORS):
        assert line.get_label() == demand.SECTOR_LABELS[sector]
        assert np.allclose(line.get_ydata(), data[sector].to_numpy())


def test_outlooks_chart_draws_the_model_and_every_series(built, result):
    chart = built["against_outlooks"]
    lines = chart.figure.axes[0].get_lines()
    assert np.allclose(lines[0].get_ydata(), demand.totals(result).to_numpy())
    comparison = demand.comparison_table()
    drawn = chart.data[chart.data["series"].isin(comparison["series"])]
    assert drawn["ndfeb_magnet_t"].tolist() == pytest.approx(comparison["ndfeb_magnet_t"].tolist())
    assert len(lines) == 1 + comparison["series"].nunique()


def test_element_bars_are_the_data_at_the_composition_shares(built):
    chart = built["element_content"]
    heights = [p.get_height() for p in chart.figure.axes[0].patches]
    assert heights == pytest.approx(chart.data["ndpr_element_t"].tolist())
    # magnet_intensity.csv composition rows: 30 wt % Nd+Pr, 31.5 wt % rare earths (31-32)
    assert (chart.data["ndpr_element_t"] / chart.data["ndfeb_magnet_t"]).tolist() == pytest.approx([0.30] * len(chart.data))
    note = plotting.full_note(chart.figure)
    assert "30 wt % Nd+Pr" in note and "31.5 wt % rare earths" in note


def test_tornado_bars_span_each_range_and_the_line_is_the_scenario(built, base, result):
    chart = built["tornado"]
    ax = chart.figure.axes[0]
    bars = ax.patches
    lows = chart.data[["demand_at_low_t", "demand_at_high_t"]].min(axis=1)
    highs = chart.data[["demand_at_low_t", "demand_at_high_t"]].max(axis=1)
    assert [b.get_x() for b in bars] == pytest.approx(lows.tolist())
    assert [b.get_width() for b in bars] == pytest.approx((highs - lows).tolist())
    h = base["horizon_year"]
    assert ax.get_lines()[0].get_xdata()[0] == pytest.approx(demand.totals(result).loc[h])
    assert chart.data["base_demand_t"].tolist() == pytest.approx([demand.totals(result).loc[h]] * len(chart.data))


def test_tornado_without_ranges_draws_only_the_scenario_line():
    chart = charts.tornado(pd.DataFrame(columns=["parameter", "scenario_value", "low_value", "high_value",
                                                 "demand_at_low_t", "demand_at_high_t"]), 1000.0, 2030, TAG)
    try:
        assert not chart.figure.axes[0].patches and chart.data.empty
    finally:
        plt.close(chart.figure)


def test_monte_carlo_lines_are_the_data(built, result):
    chart = built["monte_carlo"]
    median, deterministic = chart.figure.axes[0].get_lines()[:2]
    assert np.allclose(median.get_ydata(), chart.data["p50_t"])
    assert np.allclose(deterministic.get_ydata(), demand.totals(result).to_numpy())
    assert np.allclose(chart.data["deterministic_t"], demand.totals(result).to_numpy())
    assert "500 draws" in chart.figure.axes[0].get_title()


def test_tornado_labels_name_the_sector_the_quantity_and_its_unit(built):
    labels = [t.get_text() for t in built["tornado"].figure.axes[0].get_yticklabels()]
    keys = built["tornado"].data["parameter"].tolist()
    assert len(labels) == len(keys)
    nev = labels[keys.index("growth_pct_per_year.nev")]
    assert nev == f"{demand.SECTOR_LABELS['nev']}: activity growth, % per year"
    assert labels[keys.index("technology_share.wind")].endswith("share using NdFeB, fraction")
    assert demand.uncertain_label("humanoid_kg_per_robot") == "magnet per humanoid robot, kg"
    assert demand.uncertain_label("something_new") == "something_new"
