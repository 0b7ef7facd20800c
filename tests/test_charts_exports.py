"""The export charts (notebooks 00 and 03): title and axes with units, the source note, sources
that exist, and a CSV holding exactly what is drawn."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from matplotlib.collections import LineCollection, PathCollection  # noqa: E402

from analysis import exports, impact, plotting  # noqa: E402
from analysis.charts import exports as ec  # noqa: E402
from analysis.data import load  # noqa: E402

M = lambda s: pd.Period(s, "M")  # noqa: E731
DESTINATIONS = ["US", "EU27", "Germany", "South Korea", "Japan", "India", "Vietnam"]


@pytest.fixture(scope="module")
def series():
    s = exports.monthly("total", start="2024-01")
    assert set(s["status"]) == {"reported", "derived", "missing"}, "the data should hold every status"
    return s


@pytest.fixture(scope="module")
def assessment():
    p = impact.validate_parameters("2025-04-04", "2024-01", "its", DESTINATIONS, "auto", 2, 0.95,
                                   ["2021-01", "2023-01", "2024-01", "2024-07"], "2024-01")
    return impact.assess(exports.monthly("total", start=impact.SERIES_START), p, "2024-01")


def _note(fig) -> str:
    """The text under the figure, unwrapped."""
    return plotting.full_note(fig)


def _check_labels(chart, title_unit: str, axis_units: dict[str, str], note_has: str):
    """Title with its unit, each named axis label with its unit, a 'Sources:' note, known source ids."""
    ax = chart.figure.axes[0]
    assert title_unit in ax.get_title()
    for axis, unit in axis_units.items():
        assert unit in (ax.get_xlabel() if axis == "x" else ax.get_ylabel()), f"{axis} axis: no {unit!r}"
    note = _note(chart.figure)
    assert note.startswith("Sources: ") and note_has in note
    assert chart.source_ids, "a chart of data/ has sources"
    assert set(chart.source_ids) <= set(load("sources")["source_id"])


def _bars(ax, label) -> list[float]:
    return [b.get_height() for c in ax.containers if c.get_label() == label for b in c]


def _line(ax, label):
    (line,) = [ln for ln in ax.lines if ln.get_label() == label]
    return line


def _legend(ax):
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}


def test_monthly_exports(series, chart_csv):
    chart = ec.monthly(series, "total")
    ax = chart.figure.axes[0]
    _check_labels(chart, "t per month", {"y": "t of magnet per month"}, "Customs HS 85051110.")
    assert "Events: (1) 2025-04-04" in _note(chart.figure), "dated events are keyed in the note"
    assert len([t for t in ax.texts if t.get_text().isdigit()]) >= 3, "numbered event markers expected"
    # the sources are those of the months shown
    assert set(chart.source_ids) == set(series["source_ids"].dropna().str.split(", ").explode())
    data = chart_csv(chart)
    assert list(data.columns) == ["month", "status", "mass_t", "mass_low_t", "mass_high_t", "source_ids"]
    for status in ("reported", "derived"):
        assert _bars(ax, ec.STATUS_LABELS[status]) == pytest.approx(data.loc[data["status"] == status, "mass_t"].tolist())
    assert data.loc[data["status"] == "missing", "mass_t"].isna().all()
    assert data["month"].tolist() == [str(m) for m in series["month"]]


def test_monthly_exports_legend_tells_the_statuses_apart(series):
    """Notebook 00's chart once showed three identical swatches: colour and hatch differ per status."""
    chart = ec.monthly(series, "total")
    entries = _legend(chart.figure.axes[0])
    plt.close(chart.figure)
    assert list(entries) == [ec.STATUS_LABELS[s] for s in ("reported", "derived", "missing")]
    looks = {(tuple(h.get_facecolor()[:3]), h.get_hatch()) for h in entries.values()}
    assert len(looks) == 3, f"legend swatches look alike: {looks}"
    colours = {tuple(round(c, 3) for c in h.get_facecolor()[:3]) for h in entries.values()}
    assert colours == {tuple(round(c, 3) for c in matplotlib.colors.to_rgb(v)) for v in ec.STATUS_COLOURS.values()}


def test_status_bars_legend_on_a_shared_axis(series):
    """Notebook 03 adds its own lines: the legend lists each status once, first, beside them."""
    fig, ax = plt.subplots()
    ec.export_status_bars(ax, series)
    ax.plot([series["month"].iloc[0].to_timestamp()], [1], label="counterfactual")
    ec.status_legend(ax)
    entries = _legend(ax)
    plt.close(fig)
    assert list(entries) == [*ec.STATUS_LABELS.values(), "counterfactual"], "each status once, in order"


def test_event_categories_are_the_impact_models():
    assert ec.EVENT_CATEGORIES == (impact.CONTROL_CATEGORY,)


def test_versus_counterfactual(assessment, chart_csv):
    a = assessment
    chart = ec.versus_counterfactual(a.monthly, method="its", level=0.95, control_month=M("2025-04"),
                                     disruption_months=a.disruption, pre_start=M("2024-01"))
    ax = chart.figure.axes[0]
    _check_labels(chart, "t/month", {"y": "t of magnet per month"}, "pre-control window from 2024-01.")
    assert chart.name == impact.KEY_CHART, "notebook 03 names this chart as its key chart"
    data = chart_csv(chart)
    post = data[data["month"] >= "2025-04"]
    pre = data[data["month"] < "2025-04"]
    assert _line(ax, "counterfactual (interrupted time series)").get_ydata() == pytest.approx(post["counterfactual_t"].tolist())
    assert _line(ax, "pre-control trend (fitted)").get_ydata() == pytest.approx(pre["counterfactual_t"].tolist())
    assert pre[["counterfactual_low_t", "counterfactual_high_t"]].isna().all().all(), "no interval drawn before the control"
    assert _bars(ax, ec.STATUS_LABELS["reported"]) == pytest.approx(
        data.loc[data["status"] == "reported", "mass_t"].tolist())
    # the shaded months are the disruption months: the control month up to the month before the recovery
    shaded = data.loc[data["disruption_month"], "month"].tolist()
    assert shaded[0] == "2025-04" and M(shaded[-1]) + 1 == M(a.loss["recovery_month"])
    assert shaded == [str(m) for m in pd.period_range(shaded[0], shaded[-1], freq="M")]


def test_versus_seasonal_naive_has_no_pre_control_line():
    cf = impact.counterfactual(exports.monthly("total", start=impact.SERIES_START), "2025-04-04", "2021-01",
                               "seasonal_naive_trend")
    table = impact.monthly_table(cf, "2024-01")
    chart = ec.versus_counterfactual(table, method="seasonal_naive_trend", level=0.95, control_month=M("2025-04"),
                                     disruption_months=[], pre_start=M("2021-01"))
    labels = [ln.get_label() for ln in chart.figure.axes[0].lines]
    plt.close(chart.figure)
    assert "pre-control trend (fitted)" not in labels
    assert chart.data.loc[chart.data["month"] < M("2025-04"), "counterfactual_t"].isna().all()


def test_loss_sensitivity(assessment, series, chart_csv):
    a = assessment
    chart = ec.loss_sensitivity(a.sensitivity, series, method="its", pre_start=M("2024-01"), level=0.95)
    ax = chart.figure.axes[0]
    _check_labels(chart, ", t", {"x": "t (point and 95% interval)"}, "own recovery rule")
    data = chart_csv(chart)
    assert len(data) == (a.sensitivity["note"] == "").sum(), "one row per fitted method x window"
    points = ax.lines[0]
    assert points.get_xdata() == pytest.approx(data["lost_t"].tolist())
    chosen = data[data["this_report"]]
    assert chosen[["method", "pre_start"]].values.tolist() == [["its", "2024-01"]]
    assert _line(ax, "this report's choice").get_xdata() == pytest.approx(chosen["lost_t"].tolist())
    assert (data["lost_low_t"] <= data["lost_t"]).all() and (data["lost_t"] <= data["lost_high_t"]).all()


def test_loss_sensitivity_names_a_given_disruption_end(assessment, series):
    chart = ec.loss_sensitivity(assessment.sensitivity, series, method="its", pre_start=M("2024-01"), level=0.95,
                                disruption_end=M("2025-05"))
    note = _note(chart.figure)
    plt.close(chart.figure)
    assert "the given months to 2025-05" in note and "recovery rule" not in note


def test_destination_shares(assessment, chart_csv):
    a = assessment
    chart = ec.destination_shares(a.share_months, a.share_summary, DESTINATIONS)
    ax = chart.figure.axes[0]
    _check_labels(chart, "% of total t", {"y": "% of t"}, "Only months with both the destination and the total known.")
    data = chart_csv(chart)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    drawn = sorted(y for c in scatters for y in np.asarray(c.get_offsets()).reshape(-1, 2)[:, 1])
    assert drawn == pytest.approx(sorted(data["share_pct"]))
    # hollow markers (unlabelled): months where the destination or the total is derived
    hollow = sum(len(c.get_offsets()) for c in scatters if c.get_label().startswith("_"))
    assert hollow == data["derived_input"].sum() > 0
    dashed = [seg[0][1] for c in ax.collections if isinstance(c, LineCollection) for seg in c.get_segments()]
    # the dashed US lines: sum of US t over sum of total t, per period (before/after the control)
    us = a.share_months[a.share_months["destination"] == "US"]
    for period, g in us.groupby("period"):
        pooled = g["mass_t"].sum() / g["total_mass_t"].sum() * 100
        assert data.loc[(data["destination"] == "US") & (data["period"] == period), "pooled_share_pct"].tolist() == \
            pytest.approx([pooled] * len(g))
        assert any(pooled == pytest.approx(y) for y in dashed), f"no dashed line at {pooled}"
    assert data.loc[data["destination"] != "US", "pooled_share_pct"].isna().all()


def test_prnd_price(assessment, chart_csv):
    prices = impact.price_context("2024-01")
    assert (prices["basis"] == "cn_domestic_incl_vat").all() and (prices["date"] >= "2024-01-01").all()
    chart = ec.prnd_price(prices, assessment.disruption, "2024-01", M("2026-03"))
    ax = chart.figure.axes[0]
    _check_labels(chart, "thousand CNY/t incl. VAT", {"y": "thousand CNY/t (incl. VAT)"}, "Oxide (not metal) price")
    assert set(chart.source_ids) == set(prices["source_id"])
    data = chart_csv(chart)
    assert _line(ax, "mid-point").get_ydata() == pytest.approx(data["price_mid_thousand_cny_per_t"].tolist())
    # thousand CNY/t: the quotes in CNY/t divided by 1,000
    assert data["price_mid_thousand_cny_per_t"].tolist() == pytest.approx((prices["price_mid"] / 1000).tolist())
    assert matplotlib.dates.num2date(ax.get_xlim()[0]).strftime("%Y-%m-%d") == "2024-01-01"


def test_every_counterfactual_method_has_a_reader_label():
    from analysis import impact

    assert set(impact.METHOD_LABELS) == set(impact.METHODS)
    assert impact.method_label("its") == "interrupted time series"
