"""The shared charts: the export chart's title, units, legend, events and source note."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import exports, plotting  # noqa: E402


@pytest.fixture
def series():
    s = exports.monthly("total", start="2024-01")
    assert set(s["status"]) == {"reported", "derived", "missing"}, "the data should hold every status"
    return s


def _legend(ax):
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}


def test_export_chart_has_title_units_distinct_legend_and_sources(series):
    fig = plotting.export_chart(series, "China magnet exports (total), t per month", "Customs HS 85051110.")
    try:
        ax = fig.axes[0]
        assert ax.get_title() == "China magnet exports (total), t per month"
        assert "t of magnet per month" in ax.get_ylabel()
        entries = _legend(ax)
        assert list(entries) == [plotting.STATUS_LABELS[s] for s in ("reported", "derived", "missing")]
        looks = {(tuple(h.get_facecolor()[:3]), h.get_hatch()) for h in entries.values()}
        assert len(looks) == 3, f"legend swatches look alike: {looks}"
        colours = {tuple(round(c, 3) for c in h.get_facecolor()[:3]) for h in entries.values()}
        assert colours == {tuple(round(c, 3) for c in matplotlib.colors.to_rgb(v)) for v in plotting.STATUS_COLOURS.values()}
        note = " ".join(t.get_text() for t in fig.texts)
        assert note.startswith("Sources: ") and "Customs HS 85051110." in note
        assert "Events: (1) 2025-04-04" in note, "dated events are keyed in the note"
        labels = [t for t in ax.texts if t.get_text().isdigit()]
        assert len(labels) >= 3, "numbered event markers expected"
    finally:
        plt.close(fig)


def test_export_status_bars_legend_on_a_shared_axis(series):
    """Notebook 03 adds its own lines: ax.legend() lists each status once, beside them."""
    fig, ax = plt.subplots()
    plotting.export_status_bars(ax, series)
    ax.plot([series["month"].iloc[0].to_timestamp()], [1], label="counterfactual")
    plotting.status_legend(ax)
    entries = _legend(ax)
    assert list(entries) == [*plotting.STATUS_LABELS.values(), "counterfactual"], "each status once, in order"
    plt.close(fig)


def test_event_labels_do_not_overlap():
    events = pd.DataFrame({"date": pd.to_datetime(["2025-10-09", "2025-11-07", "2025-12-01", "2025-12-05"]),
                           "label": ["China expands rare-earth export controls (MOFCOM No. 61/62)",
                                     "China suspends the October controls until 2026-11-10",
                                     "China's first general export licences", "another event"],
                           "category": "export_control"})
    fig, ax = plt.subplots()
    ax.set_xlim(pd.Timestamp("2024-01-01"), pd.Timestamp("2026-03-31"))
    plotting.annotate_events(ax, events=events)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) == 4
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), "event labels overlap"
    plt.close(fig)
