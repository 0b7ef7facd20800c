"""The charts of notebook 05 (analysis.charts.forecasts): one per family, units in title and axis, a source
note naming known sources, and a CSV whose values are the dots drawn."""
import csv

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from analysis import forecasts, paths, plotting  # noqa: E402
from analysis.charts import forecasts as charts  # noqa: E402

with open(paths.DATA / "sources.csv", newline="", encoding="utf-8") as fh:
    SOURCES = {r["source_id"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def table():
    return forecasts.pairs()


def test_one_chart_per_family_named_for_it(table):
    made = charts.by_family(table)
    assert [c.name for c in made] == [charts.chart_name(f) for f in table["family"].unique()]
    assert "errors_end_use_activity" in [c.name for c in made]  # seed 002's sector forecasts have outcomes


def test_units_sources_and_data_are_what_is_drawn(table, chart_csv):
    for family, group in table.groupby("family", sort=False):
        chart = charts.errors(group, family)
        ax = chart.figure.axes[0]
        assert "% of the outcome" in ax.get_title() and "% of the outcome" in ax.get_xlabel()
        note = plotting.full_note(chart.figure)
        assert note.startswith("Sources: ")
        assert set(chart.source_ids) <= SOURCES and chart.source_ids
        data = chart_csv(chart)
        dots = [line.get_xdata()[0] for line in ax.get_lines() if line.get_marker() == "o"]
        np.testing.assert_allclose(dots, data["error_pct_of_outcome"])
        # the error is computed, not stored: forecast over outcome, less one, in %
        np.testing.assert_allclose(data["error_pct_of_outcome"], (data["forecast"] / data["outcome"] - 1) * 100)


def test_answer_names_the_largest_miss(table):
    s = forecasts.summary(table)
    text = forecasts.answer(table)
    assert text.startswith(f"{s['inside']} of the {s['pairs']} forecasts")
    assert s["worst_forecaster"] in text and f"{s['worst_error_pct']:+.0f}%" in text
    assert forecasts.answer(table.iloc[0:0]).startswith("No forecast")
