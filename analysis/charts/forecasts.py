"""Charts of notebook 05: forecasts against their outcomes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis import plotting
from analysis.charts import Chart


def chart_name(family: str) -> str:
    """The chart's name (its CSV: ``<run>.errors_<family>.csv``)."""
    return "errors_" + "".join(c if c.isalnum() else "_" for c in family.lower())


def by_family(table: pd.DataFrame) -> list[Chart]:
    """One :func:`errors` chart per forecast family in ``table``, in the table's order."""
    return [errors(group, family) for family, group in table.groupby("family", sort=False)]


def errors(pairs: pd.DataFrame, family: str) -> Chart:
    """Each forecast's error in % of its outcome (0 = the outcome), with its stated range as a line.

    ``pairs``: rows of :func:`analysis.forecasts.pairs` for one family. Units differ between rows,
    so the axis is relative: forecast / outcome - 1, in %.
    """
    t = pairs.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(t) + 1.6))
    for i, r in enumerate(t.itertuples()):
        lo, hi = (r.forecast_low / r.outcome - 1) * 100, (r.forecast_high / r.outcome - 1) * 100
        colour = "#2ca02c" if r.inside else ("#d62728" if r.error > 0 else "#1f77b4")
        ax.plot([lo, hi], [i, i], color=colour, lw=6, alpha=0.35, solid_capstyle="butt")
        ax.plot(r.error_pct, i, "o", color=colour)
        ax.text(max(r.error_pct, hi), i, f"  {r.error_pct:+.0f}%", va="center", fontsize=8)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(t)), [f"{r.quantity}, {r.target} ({r.forecaster[:28]}, {r.made_on})" for r in t.itertuples()],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("forecast minus outcome, % of the outcome (0 = what happened)")
    ax.set_title(f"Forecast against outcome: {family}, % of the outcome")
    ids = list(dict.fromkeys(list(t["source_id"]) + [s for s in t["outcome_source_id"] if not str(s).endswith(".csv")]))
    plotting.source_note(fig, ids, "Dot: the forecast (middle of its range); bar: its stated range. Green: the outcome fell "
                                   "inside the range (or the rounding of a point forecast); red: too high; blue: too low.")
    data = t[["quantity", "target", "forecaster", "made_on", "forecast_low", "forecast_high", "forecast", "outcome",
              "unit", "error_pct", "inside", "source_id", "outcome_source_id"]].rename(columns={"error_pct": "error_pct_of_outcome"})
    data["forecast_low_pct_of_outcome"] = (t["forecast_low"] / t["outcome"] - 1) * 100
    data["forecast_high_pct_of_outcome"] = (t["forecast_high"] / t["outcome"] - 1) * 100
    return Chart(fig, ids, data, chart_name(family))
