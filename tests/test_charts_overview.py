"""The overview charts (notebook 00): title and axes with units, the source note, and a CSV holding
exactly what is drawn."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import overview, paths, plotting  # noqa: E402
from analysis.charts import overview as oc  # noqa: E402
from analysis.data import coverage_by_year, load  # noqa: E402


def _note(fig) -> str:
    return plotting.full_note(fig)


def test_sources_by_kind(chart_csv):
    sources = load("sources")
    chart = oc.sources_by_kind(sources)
    ax = chart.figure.axes[0]
    assert "number of sources" in ax.get_title() and ax.get_xlabel() == "number of sources"
    assert _note(chart.figure) == "Count of rows in data/sources.csv."
    assert chart.source_ids == [], "it counts the catalogue of sources itself, no source row"
    data = chart_csv(chart)
    assert [p.get_width() for p in ax.patches] == data["n_sources"].tolist()
    assert [t.get_text() for t in ax.get_yticklabels()] == data["kind"].tolist()
    # every row of data/sources.csv counted once, read here without the loader
    raw = pd.read_csv(paths.DATA / "sources.csv")
    assert data["n_sources"].sum() == len(raw)
    assert dict(zip(data["kind"], data["n_sources"])) == raw["kind"].value_counts().to_dict()


def test_coverage(chart_csv):
    counts = coverage_by_year(2019, 2026)
    chart = oc.coverage(counts, 2019, 2026)
    ax = chart.figure.axes[0]
    assert ax.get_title() == "Observations per dataset and year, 2019-2026, rows"
    assert ax.get_xlabel() == "year" and "rows" in ax.get_ylabel()
    assert _note(chart.figure) == "Count of rows per year in each data/ table."
    assert chart.source_ids == [] and chart.name == overview.KEY_CHART
    data = chart_csv(chart)
    assert list(data.columns) == ["dataset", "year", "n_observations", "source_ids"]
    grid = data.pivot(index="dataset", columns="year", values="n_observations").loc[counts.index, list(counts.columns)]
    drawn = np.ma.filled(ax.collections[0].get_array(), 0).reshape(grid.shape)
    assert (drawn == grid.to_numpy()).all(), "the heat map draws the CSV's counts"
    # the numbers written in the cells: the non-zero counts
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(v for v in data["n_observations"] if v)
    # exports.csv: a row counts in the year its period ends
    exports = pd.read_csv(paths.DATA / "exports.csv")
    in_2025 = int((exports["period_end"].str[:4] == "2025").sum())
    assert data.query("dataset == 'exports' and year == 2025")["n_observations"].item() == in_2025
