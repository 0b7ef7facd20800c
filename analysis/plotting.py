"""Chart house style: readable at laptop width, units on axes, a source note under every figure."""
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

# One colour per product / status, used by every chart.
STATUS_COLOURS = {"reported": "#1f77b4", "derived": "#ff7f0e", "missing": "#bbbbbb"}


def use_style() -> None:
    """Apply the house style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    plt.rcParams.update({"figure.figsize": FIGSIZE, "figure.dpi": 100, "savefig.bbox": "tight",
                         "axes.titleweight": "bold", "axes.titlesize": 12, "legend.frameon": False})


def source_note(fig: plt.Figure, source_ids, extra: str = "") -> None:
    """Write 'Sources: publisher (date); ...' under the figure, from sources.csv."""
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
    text = "Sources: " + "; ".join(names) if names else ""
    if extra:
        text = f"{text}. {extra}" if text else extra
    wrapped = "\n".join(textwrap.wrap(text, SOURCE_NOTE_WIDTH))
    fig.text(0.01, -0.02, wrapped, ha="left", va="top", fontsize=7.5, color="#555555")


def annotate_events(ax: plt.Axes, categories=None, events: pd.DataFrame | None = None, y: float = 0.98) -> None:
    """Vertical lines and labels for the dated policy events inside the axis' date range.

    Each label goes on the highest of a few rows where it overlaps no label already placed (events a
    few weeks apart would otherwise print over each other). Set the x limits before calling. With
    many close events, :func:`annotate_events_numbered` keeps the chart legible.
    """
    events = load("events") if events is None else events
    if categories is not None:
        events = events[events["category"].isin(categories)]
    lo, hi = ax.get_xlim()
    renderer = ax.figure.canvas.get_renderer()
    placed = []
    for row in events.sort_values("date").itertuples():
        x = plt.matplotlib.dates.date2num(row.date)
        if not lo <= x <= hi:
            continue
        ax.axvline(row.date, color="#888888", lw=0.8, ls="--", zorder=0)
        for level in range(EVENT_LABEL_ROWS):
            text = ax.text(row.date, y - 0.07 * level, f" {row.label}", transform=ax.get_xaxis_transform(),
                           fontsize=7.5, color="#444444", va="top", ha="left")
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in placed) or level == EVENT_LABEL_ROWS - 1:
                break
            text.remove()
        placed.append(box)


EVENT_LABEL_ROWS = 6


def coverage_chart(coverage: pd.DataFrame, title: str = "What the data covers, by year") -> plt.Figure:
    """Heat map of the number of observations per dataset and year."""
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(coverage) + 1.5))
    sns.heatmap(coverage, annot=True, fmt="g", cmap="Blues", cbar=False, linewidths=0.5, ax=ax,
                mask=coverage == 0)
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.set_ylabel("")
    return fig


def month_centre(months: pd.Series) -> pd.Series:
    """Mid-month timestamps for monthly Periods, so bars sit between dated event lines correctly."""
    return months.dt.to_timestamp() + pd.Timedelta(days=14)


# How each export month's status is drawn: colour and hatch differ, so the legend tells them apart in grey too.
STATUS_HATCHES = {"reported": None, "derived": "..", "missing": "//"}
STATUS_LABELS = {"reported": "reported", "derived": "derived (whiskers: rounding range)", "missing": "missing (no figure)"}


def export_status_bars(ax: plt.Axes, series: pd.DataFrame, value: str = "mass_t") -> None:
    """Monthly bars coloured and hatched by status (reported / derived), rounding whiskers on derived
    months, and a hatched grey band over months with no figure: one labelled artist per status shown,
    so ``ax.legend()`` lists each status once, with its own colour and hatch.

    ``series`` has ``month`` (Period), ``status`` and ``value`` (plus ``mass_low_t``/``mass_high_t``).
    """
    x = month_centre(series["month"])
    for status in ("reported", "derived"):
        rows = series["status"] == status
        if rows.any():
            ax.bar(x[rows], series.loc[rows, value], width=25, color=STATUS_COLOURS[status], hatch=STATUS_HATCHES[status],
                   edgecolor="white" if STATUS_HATCHES[status] else None, lw=0, label=STATUS_LABELS[status])
    derived = series["status"] == "derived"
    if derived.any():
        d = series[derived]
        ax.errorbar(x[derived], d[value], yerr=[d[value] - d["mass_low_t"], d["mass_high_t"] - d[value]],
                    fmt="none", ecolor="#333333", capsize=3, lw=1)
    for i, m in enumerate(series.loc[series["status"] == "missing", "month"]):
        ax.axvspan(m.to_timestamp(), (m + 1).to_timestamp(), facecolor=STATUS_COLOURS["missing"], alpha=0.35,
                   hatch=STATUS_HATCHES["missing"], edgecolor="#888888", lw=0, zorder=0,
                   label=STATUS_LABELS["missing"] if i == 0 else None)


def status_legend(ax: plt.Axes, **kwargs):
    """``ax.legend(**kwargs)`` with the status entries first, in the order reported, derived, missing."""
    handles, labels = ax.get_legend_handles_labels()
    order = list(STATUS_LABELS.values())
    rank = {label: order.index(label) if label in order else len(order) for label in labels}
    pairs = sorted(zip(handles, labels), key=lambda hl: rank[hl[1]])
    return ax.legend([h for h, _ in pairs], [lab for _, lab in pairs], **kwargs)


EXPORT_UNIT = "t of magnet per month"


def export_chart(series: pd.DataFrame, title: str, note: str = "", event_categories=("export_control",)) -> plt.Figure:
    """China's monthly magnet exports by status (:func:`export_status_bars`), in t of magnet per month,
    with a legend, numbered dated events (their key joins the source note, so labels never overlap)
    and the sources of the months shown under the figure.
    """
    fig, ax = plt.subplots()
    export_status_bars(ax, series)
    months = series["month"]
    ax.set_xlim(months.min().to_timestamp() - pd.Timedelta(days=5), (months.max() + 1).to_timestamp() + pd.Timedelta(days=5))
    top = series[["mass_t", "mass_high_t"]].max().max()
    if pd.notna(top) and top > 0:
        ax.set_ylim(0, top * 1.25)  # room for the event markers above the bars
    ax.set_ylabel(f"exports, {EXPORT_UNIT}")
    ax.set_title(title)
    status_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    key = annotate_events_numbered(ax, categories=list(event_categories)) if event_categories else ""
    ids = series["source_ids"].dropna().str.split(", ").explode() if "source_ids" in series else []
    source_note(fig, ids, " ".join(t for t in (note, key) if t))
    return fig


def annotate_events_numbered(ax: plt.Axes, categories=None, events: pd.DataFrame | None = None, y: float = 0.97) -> str:
    """Dashed lines with small numbered markers for the policy events inside the axis' date range.

    A legible alternative to :func:`annotate_events` when events are close together: the labels go
    in the returned key (``"Events: (1) 2025-04-04 label; ..."``), to pass to :func:`source_note`.
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
