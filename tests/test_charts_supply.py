"""The charts of notebook 04 (analysis.charts.supply): units in titles and axes, a source note naming
known sources, and a CSV whose values are the values drawn."""
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import papermill as pm
import pytest
import yaml

from analysis import demand, paths, plotting, supply
from analysis.charts import Chart
from analysis.charts import supply as charts
from analysis.report import OUTPUT_DIR_ENV, RUN_NAME_ENV

NB = "04_supply_balance"


def _rows(name):
    with open(paths.DATA / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SOURCES = {r["source_id"]: r for r in _rows("sources")}


@pytest.fixture(scope="module")
def a():
    raw = pm.inspect_notebook(str(paths.NOTEBOOKS / f"{NB}.ipynb"))
    defaults = {k: yaml.safe_load(v["default"]) if k != "demand_scenario" else v["default"].strip('"') for k, v in raw.items()}
    return supply.analyse(supply.validate_parameters(defaults))


def _charts(a):
    """Every chart of notebook 04, drawn from the default run, by name."""
    p = a.p
    return {
        "quotas": lambda: charts.quotas(a.quotas),
        "china_share": lambda: charts.china_share(a.share, supply.market_figure("china_share_global_nd_output")),
        "magnet_balance": lambda: charts.magnet_balance(a.balance, demand.by_sector(a.demand), a.exports),
        "magnet_output_range": lambda: charts.magnet_output_range(a.output_figures, a.band),
        "requirement_path": lambda: charts.requirement_path(a.path, a.chain, supply.requirement_sources(a.exports), "base",
                                                            p["quota_growth_pct_per_year"], p["other_uses_growth_pct_per_year"]),
        "end_of_life": lambda: charts.end_of_life(supply.eol_by_sector(a.flows, p["first_inflow_year"]), a.yearly,
                                                  supply.recycling_sources(), "base", supply.BALANCE_YEARS[0],
                                                  p["collection_rate"], p["recovery_rate"]),
        "crma_yardstick": lambda: charts.crma_yardstick(a.crma, "base", [supply.crma_target()[2], demand.SEED_SOURCE]),
    }


# Each chart's unit: in its title, and on its value axis.
UNITS = {"quotas": ("kt of rare-earth oxide", "kt REO"), "china_share": ("% of t REO", "%"),
         "magnet_balance": ("kt of magnet", "kt"), "magnet_output_range": ("kt", "kt"),
         "requirement_path": ("kt of oxide", "kt"), "end_of_life": ("kt of magnet", "kt per year"),
         "crma_yardstick": ("kt", "kt")}


@pytest.fixture
def draw(a, tmp_path, monkeypatch):
    """``draw(name)``: the chart, its axes and its CSV as written (read back); figures closed afterwards."""
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(RUN_NAME_ENV, "04_supply_balance")
    makers = _charts(a)

    def get(name):
        chart = makers[name]()
        return chart, chart.figure.axes[0], pd.read_csv(chart.write_csv())

    yield get
    plt.close("all")


def _note(fig) -> str:
    notes = [t.get_text() for t in fig.texts if t.get_text().startswith("Sources: ")]
    assert len(notes) == 1, "one source note under the figure"
    return plotting.full_note(fig)


@pytest.mark.parametrize("name", list(UNITS))
def test_title_axes_source_note_and_name(name, draw):
    chart, ax, back = draw(name)
    assert isinstance(chart, Chart) and chart.name == name
    in_title, on_axis = UNITS[name]
    assert in_title in ax.get_title()
    value_axis = ax.get_xlabel() if name in ("magnet_balance", "crma_yardstick") else ax.get_ylabel()
    assert on_axis in value_axis
    assert chart.source_ids, "every chart names its sources"
    unknown = [s for s in chart.source_ids if s not in SOURCES]
    assert not unknown, f"{name}: source ids not in data/sources.csv: {unknown}"
    note = _note(chart.figure)
    for sid in chart.source_ids:
        assert SOURCES[sid]["publisher"] in note
    assert set(back["source_ids"].iloc[0].split("; ")) == set(chart.source_ids)
    value_columns = [c for c in back.columns if c.endswith(("_t", "_pct", "_t_reo"))]
    assert value_columns, f"{name}: no column with a unit (…_t, …_pct, …_t_reo) in its data"


def test_quotas_draws_its_csv(draw):
    _, ax, back = draw("quotas")
    bars = sorted((round(p.get_x() + p.get_width() / 2), p.get_height()) for p in ax.patches if p.get_height() > 0)
    expected = []
    for r in back.itertuples():
        if pd.notna(r.mining_rock_t_reo):
            expected += [(r.year, r.mining_rock_t_reo), (r.year, r.mining_ion_adsorption_t_reo)]
        else:
            expected.append((r.year, r.mining_total_t_reo))
    assert bars == sorted(expected)
    line = [ln for ln in ax.lines if ln.get_label() == "smelting/separation quota"][0]
    smelting = back.dropna(subset=["smelting_separation_t_reo"])
    published, expected = smelting[smelting["status"] != "expected"], smelting[smelting["status"] == "expected"]
    assert list(line.get_ydata()) == list(published["smelting_separation_t_reo"])  # the solid line: published only
    marks = [ln for ln in ax.lines if ln.get_label() == "smelting/separation: SMM expectation"]
    assert not expected.empty and len(marks) == 1  # supply_quotas.csv holds SMM's 2025 expectation
    assert list(marks[0].get_xdata()) == list(expected["year"]) and marks[0].get_markerfacecolor() == "white"
    # 2024 has one full-year mining total in supply_quotas.csv: its bar is that figure
    full_2024 = [float(r["mass_t_reo"]) for r in _rows("supply_quotas") if r["year"] == "2024" and r["quota"] == "mining"
                 and r["batch"] == "full_year" and r["ore_type"] == "total"]
    assert [h for x, h in bars if x == 2024] == full_2024


def test_china_share_draws_its_csv(draw):
    _, ax, back = draw("china_share")
    heights = [p.get_height() for p in ax.patches if p.get_height() > 0 and p.get_width() < 1]
    assert heights == pytest.approx(list(back["china_share_pct"]))
    assert back["china_share_pct"].tolist() == pytest.approx((back["china_t_reo"] / back["world_t_reo"] * 100).tolist())
    claim = [r for r in _rows("market_figures") if r["metric"] == "china_share_global_nd_output"][0]
    assert (back["stated_low_pct"].iloc[0], back["stated_high_pct"].iloc[0]) == (float(claim["value_low"]), float(claim["value_high"]))


def test_magnet_balance_draws_its_csv(draw):
    _, ax, back = draw("magnet_balance")
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx(back["mass_t"].tolist())
    # end uses + exports + residual = production, bar by bar (the residual is defined so)
    sums = back.groupby("year")["mass_t"].sum()
    assert sums.tolist() == pytest.approx(back.groupby("year")["production_t"].first().tolist())
    # 2024: seed 002's 246,500 t of magnet; 2024 exports: Adamas' 58,152 t (magnets and alloys)
    first = back[back["year"] == 2024]
    assert first["production_t"].iloc[0] == 246500
    assert first.loc[first["kind"] == "exports", "mass_t"].tolist() == [58152]


def test_magnet_output_range_draws_its_csv(draw):
    _, ax, back = draw("magnet_output_range")
    points = ax.collections[:-2]  # the last two: the ring round the balance's figures, the range bars
    drawn = sorted(tuple(xy) for c in points for xy in np.asarray(c.get_offsets()))
    assert drawn == sorted(zip(back["year"].astype(float), back["mass_t"]))
    ringed = sorted(tuple(xy) for xy in np.asarray(ax.collections[-2].get_offsets()))
    assert ringed == sorted(zip(back.loc[back["used_in_balance"], "year"].astype(float), back.loc[back["used_in_balance"], "mass_t"]))
    segments = sorted((s[0][0], s[0][1], s[1][1]) for s in ax.collections[-1].get_segments())
    ranges = back.dropna(subset=["range_low_t"]).drop_duplicates("year")
    assert segments == sorted(zip(ranges["year"].astype(float), ranges["range_low_t"], ranges["range_high_t"]))
    # each range runs from the lowest to the highest figure of its year (no bonded-only figure here)
    for r in ranges.itertuples():
        year = back[(back["year"] == r.year) & (back["status"] != "forecast")]
        assert (r.range_low_t, r.range_high_t) == (year["mass_t"].min(), year["mass_t"].max())


def test_requirement_path_draws_its_csv(draw, a):
    _, ax, back = draw("requirement_path")
    lines = {ln.get_label(): ln for ln in ax.lines}
    pairs = {"needed, net of recycled end-of-life magnet": "requirement_net_of_recycling_ndpr_oxide_t",
             "of which the build-up's seven end uses": "end_uses_ndpr_oxide_t"}
    pairs.update({k: "quota_ndpr_oxide_t" for k in lines if k.startswith("mining quota's Pr-Nd oxide at 20%")})
    pairs.update({k: "requirement_ndpr_oxide_t" for k in lines if k.startswith("needed: China's")})
    assert len(pairs) == 4
    for label, column in pairs.items():
        assert list(lines[label].get_xdata()) == back["year"].tolist()
        assert np.asarray(lines[label].get_ydata(), float) == pytest.approx(back[column].to_numpy())
    # the band: 15% and 30% of the mining quota in t REO; the 2025 quota is 270,000 t REO (seed 002)
    row = back.set_index("year").loc[2025]
    assert (row["quota_ndpr_oxide_at_15pct_t"], row["quota_ndpr_oxide_at_30pct_t"]) == pytest.approx((0.15 * 270000, 0.30 * 270000))
    assert row["quota_ndpr_oxide_t"] == pytest.approx(0.20 * 270000)


def test_end_of_life_draws_its_csv(draw, a):
    _, ax, back = draw("end_of_life")
    line = [ln for ln in ax.lines if ln.get_label().startswith("recycled magnet")][0]
    assert np.asarray(line.get_ydata(), float) == pytest.approx(back["recycled_t"].to_numpy())
    top = ax.collections[len(demand.SECTORS) - 1]  # the last stacked layer: its upper edge is the total end-of-life flow
    xy = top.get_paths()[0].vertices
    eol_total = back[[c for c in back.columns if c.startswith("eol_")]].sum(axis=1)
    drawn = [max(y for x, y in xy if x == year) for year in back["year"]]
    assert drawn == pytest.approx(eol_total.tolist())
    # recycled = end-of-life x collection x recovery (the default 50% x 90%)
    assert back["recycled_t"].tolist() == pytest.approx((eol_total * 0.5 * 0.9).tolist())


def test_crma_yardstick_draws_its_csv(draw):
    _, ax, back = draw("crma_yardstick")
    assert [p.get_width() for p in ax.patches] == pytest.approx(back["mass_t"].tolist())
    assert [t.get_text() for t in ax.get_yticklabels()] == back["bar"].tolist()
    # CRMA Art. 5(1)(a)(iii): 25% of annual consumption (market_figures.csv) of the build-up's 2030 demand
    benchmark = [r for r in _rows("market_figures") if r["metric"] == supply.CRMA_METRIC][0]
    consumption = float(demand.by_sector(supply.load_demand("base")[1]).loc[2030].sum())
    assert back["mass_t"].iloc[0] == pytest.approx(float(benchmark["value_low"]) / 100 * consumption)
