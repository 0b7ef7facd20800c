"""Charts of notebook 05: forecasts against their outcomes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from analysis import plotting


def errors(pairs: pd.DataFrame, family: str) -> tuple[plt.Figure, list[str]]:
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
    return fig, ids
