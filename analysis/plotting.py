"""Chart house style: readable at laptop width, units on axes, a source note under every figure.

The charts themselves live in :mod:`analysis.charts` (one module per topic); this module holds what
they share: the style, the source note, dated event markers, month positions and the kt axis formatter.
"""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

from analysis.data import load

FIGSIZE = (10, 4.8)
SOURCE_NOTE_WIDTH = 150

# Ticks of an axis whose values are t, shown in kt (the axis label says kt): 12,500 -> "12".
KT = mticker.FuncFormatter(lambda x, _: f"{x / 1000:,.0f}")


def use_style() -> None:
    """Apply the house style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    plt.rcParams.update({"figure.figsize": FIGSIZE, "figure.dpi": 100, "savefig.bbox": "tight",
                         "axes.titleweight": "bold", "axes.titlesize": 12, "legend.frameon": False})


def source_note(fig: plt.Figure, source_ids, extra: str = "") -> None:
    """Write 'Sources: publisher (date); ...' under the figure, from sources.csv.

    Only the list of sources goes into the image. ``extra`` (how a figure was derived, an events key)
    is kept as the figure's :data:`NOTE_ATTR` and shown as text under the chart in the report
    (:class:`analysis.charts.Chart`), readable at the page's size rather than small print in the image.
    """
    sources = load("sources").set_index("source_id")
    ids = list(dict.fromkeys(s for s in source_ids if isinstance(s, str)))
    names = []
    for sid in ids:
        if sid in sources.index:
            row = sources.loc[sid]
            date = row["date_published"] if isinstance(row["date_published"], str) else "n.d."
            names.append(f"{row['publisher']} ({date})")
        else:
            names.append(sid)
    names = list(dict.fromkeys(names))
    if extra:
        setattr(fig, NOTE_ATTR, " ".join(t for t in (getattr(fig, NOTE_ATTR, ""), extra) if t))
    if names:
        wrapped = "\n".join(textwrap.wrap("Sources: " + "; ".join(names), SOURCE_NOTE_WIDTH))
        # Below the lowest axes' tick labels and axis label (about LABEL_ROOM_IN inches), whatever the
        # figure's height: a fixed fraction of a short figure would overlap its axis label.
        bottom = min((ax.get_position().y0 for ax in fig.axes), default=0.0)
        y = min(-0.02, bottom - LABEL_ROOM_IN / fig.get_figheight())
        fig.text(0.01, y, wrapped, ha="left", va="top", fontsize=7.5, color="#555555")


NOTE_ATTR = "nd_note"
LABEL_ROOM_IN = 0.7
"""Inches under the lowest axes kept for its tick labels and axis label, above the source note."""


def full_note(fig: plt.Figure) -> str:
    """The sources written under the figure and its note, as one line of text."""
    parts = [t.get_text() for t in fig.texts] + [getattr(fig, NOTE_ATTR, "")]
    return " ".join(p for p in parts if p).replace("\n", " ")


def month_centre(months: pd.Series) -> pd.Series:
    """Mid-month timestamps for monthly Periods, so bars sit between dated event lines correctly."""
    return months.dt.to_timestamp() + pd.Timedelta(days=14)


def annotate_events_numbered(ax: plt.Axes, categories=None, events: pd.DataFrame | None = None, y: float = 0.97) -> str:
    """Dashed lines with small numbered markers for the policy events inside the axis' date range.

    Labels never overlap, however close the events: they go in the returned key (``"Events: (1) 2025-04-04 label; ..."``), to pass to :func:`source_note`.
    Events on the same day share a number. Set the x limits before calling.
    """
    events = load("events") if events is None else events
    if categories is not None:
        events = events[events["category"].isin(categories)]
    lo, hi = ax.get_xlim()
    inside = events[[lo <= plt.matplotlib.dates.date2num(d) <= hi for d in events["date"]]]
    key = []
    for n, (date, group) in enumerate(inside.sort_values(["date", "event_id"]).groupby("date", sort=True), 1):
        ax.axvline(date, color="#888888", lw=0.8, ls="--", zorder=0)
        ax.text(date, y - 0.06 * ((n - 1) % 3), str(n), transform=ax.get_xaxis_transform(), fontsize=7, ha="center",
                va="top", color="#333333", bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#888888", "lw": 0.6})
        key.append(f"({n}) {pd.Timestamp(date):%Y-%m-%d} {' / '.join(group['label'])}")
    return ("Events: " + "; ".join(key)) if key else ""
