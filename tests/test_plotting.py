"""The house style's dated event labels (the export charts are tested in test_charts_exports.py)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import plotting  # noqa: E402


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
