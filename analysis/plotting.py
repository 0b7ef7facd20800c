"""Chart house style: readable at laptop width, units on axes, a source note under every figure."""
from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis.data import load

FIGSIZE = (10, 4.8)
SOURCE_NOTE_WIDTH = 150

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
    """Vertical lines and labels for the dated policy events inside the axis' date range."""
    events = load("events") if events is None else events
    if categories is not None:
        events = events[events["category"].isin(categories)]
    lo, hi = ax.get_xlim()
    for i, row in enumerate(events.sort_values("date").itertuples()):
        x = plt.matplotlib.dates.date2num(row.date)
        if not lo <= x <= hi:
            continue
        ax.axvline(row.date, color="#888888", lw=0.8, ls="--", zorder=0)
        ax.text(row.date, y - 0.07 * (i % 3), f" {row.label}", transform=ax.get_xaxis_transform(),
                fontsize=7.5, color="#444444", va="top", ha="left")


def coverage_chart(coverage: pd.DataFrame, title: str = "What the data covers, by year") -> plt.Figure:
    """Heat map of the number of observations per dataset and year."""
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(coverage) + 1.5))
    sns.heatmap(coverage, annot=True, fmt="g", cmap="Blues", cbar=False, linewidths=0.5, ax=ax,
                mask=coverage == 0)
    ax.set_title(title)
    ax.set_xlabel("year")
    ax.set_ylabel("")
    return fig
