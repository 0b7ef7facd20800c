"""The house style's dated event markers (the export charts are tested in test_charts_exports.py)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import plotting  # noqa: E402


def test_events_are_numbered_and_keyed_one_number_per_day():
    events = pd.DataFrame({"event_id": ["a", "b", "c", "d"],
                           "date": pd.to_datetime(["2025-10-09", "2025-12-01", "2025-12-01", "2027-01-01"]),
                           "label": ["controls expanded", "first general licences", "another event", "outside the axis"],
                           "category": "export_control"})
    fig, ax = plt.subplots()
    ax.set_xlim(pd.Timestamp("2024-01-01"), pd.Timestamp("2026-03-31"))
    key = plotting.annotate_events_numbered(ax, events=events)
    assert key == "Events: (1) 2025-10-09 controls expanded; (2) 2025-12-01 first general licences / another event"
    assert [t.get_text() for t in ax.texts] == ["1", "2"]  # the event after the axis' range is left out
    plt.close(fig)
