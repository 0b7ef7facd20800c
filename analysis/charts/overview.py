"""Charts of notebook 00: what the data holds and how much of the years it covers.

Its export chart is the shared one, :func:`analysis.charts.exports.monthly`.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis import plotting
from analysis.charts import Chart


def sources_by_kind(sources: pd.DataFrame) -> Chart:
    """Horizontal bars: the number of sources of each kind (seed, trade press, ...), most first.

    ``sources``: ``data/sources.csv`` as loaded. The chart counts its rows, so it cites no source row.
    """
    data = sources["kind"].value_counts().rename_axis("kind").reset_index(name="n_sources")
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.barh(data["kind"], data["n_sources"], color="#4c72b0")
    ax.invert_yaxis()
    ax.set_xlabel("number of sources")
    ax.set_ylabel("kind of source")
    ax.set_title("Sources by kind, number of sources")
    plotting.source_note(fig, [], "Count of rows in data/sources.csv.")
    return Chart(fig, [], data, "sources_by_kind")


def coverage(counts: pd.DataFrame, start_year: int, end_year: int) -> Chart:
    """Heat map of the number of observations (rows) per dataset and year; empty cells have none.

    ``counts``: :func:`analysis.data.coverage_by_year` (datasets as rows, years as columns).
    """
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(counts) + 1.5))
    sns.heatmap(counts, annot=True, fmt="g", cmap="Blues", cbar=False, linewidths=0.5, ax=ax, mask=counts == 0)
    ax.set_title(f"Observations per dataset and year, {start_year}-{end_year}, rows")
    ax.set_xlabel("year")
    ax.set_ylabel("dataset (cells: rows)")
    plotting.source_note(fig, [], "Count of rows per year in each data/ table.")
    data = (counts.rename_axis(index="dataset", columns="year").stack().rename("n_observations").reset_index())
    return Chart(fig, [], data, "coverage_by_year")
