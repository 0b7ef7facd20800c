"""Rolling-origin backtest of the price forecast band (:func:`analysis.prices.fit_forecast`).

At each origin month the forecast procedure is re-run on the months up to that origin only (model
choice included), and its median and bands for 1..H months ahead are set against what followed.
Reported per horizon: the share of outcomes inside the 50% and 90% bands (against nominal), and
the median absolute error of the band's median against a random walk's (the last price carried
forward), both in % of the outcome.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import prices


def rolling_origin(grid: pd.DataFrame, horizon: int, *, min_months: int = 12, levels=(0.5, 0.9)) -> pd.DataFrame:
    """One row per (origin, horizon) with the outcome, the forecast median and bands, and the random walk."""
    tail = prices.contiguous_tail(grid).reset_index(drop=True)
    rows = []
    for t in range(min_months, len(tail)):
        fc = prices.fit_forecast(tail.iloc[:t], horizon_months=horizon, levels=levels, min_months=min_months).forecast
        last = float(tail["price_mid"].iloc[t - 1])
        for h in range(1, horizon + 1):
            if t + h - 1 >= len(tail):
                break
            f = fc.iloc[h - 1]
            row = {"origin": tail["month"].iloc[t - 1], "horizon": h, "outcome": float(tail["price_mid"].iloc[t + h - 1]),
                   "median": float(f["median"]), "random_walk": last}
            for level in levels:
                pct = int(round(level * 100))
                row[f"lo_{pct}"], row[f"hi_{pct}"] = float(f[f"lo_{pct}"]), float(f[f"hi_{pct}"])
            rows.append(row)
    return pd.DataFrame(rows)


def score(runs: pd.DataFrame, levels=(0.5, 0.9)) -> pd.DataFrame:
    """Per horizon: forecasts scored, empirical coverage of each band against nominal, median absolute
    % error of the median and of the random walk."""
    out = []
    if runs.empty:
        return pd.DataFrame(columns=["horizon_months", "forecasts"])
    for h, g in runs.groupby("horizon"):
        row = {"horizon_months": int(h), "forecasts": int(len(g))}
        for level in levels:
            pct = int(round(level * 100))
            inside = (g["outcome"] >= g[f"lo_{pct}"]) & (g["outcome"] <= g[f"hi_{pct}"])
            row[f"coverage_{pct}_pct"] = float(inside.mean() * 100)
            row[f"nominal_{pct}_pct"] = float(pct)
        row["median_abs_error_pct"] = float(((g["median"] / g["outcome"] - 1).abs() * 100).median())
        row["random_walk_abs_error_pct"] = float(((g["random_walk"] / g["outcome"] - 1).abs() * 100).median())
        out.append(row)
    return pd.DataFrame(out)


def verdict(scores: pd.DataFrame) -> str:
    """Whether the bands are too narrow or too wide, in words, from the scores."""
    if scores.empty:
        return "Too few months for a backtest."
    parts = []
    for pct in (50, 90):
        cov = scores[f"coverage_{pct}_pct"]
        n = scores["forecasts"]
        gap = float(np.average(cov - pct, weights=n))
        se = float(np.sqrt(pct * (100 - pct) / n.sum()))
        if abs(gap) <= 2 * se:
            parts.append(f"the {pct}% band held {np.average(cov, weights=n):.0f}% of outcomes, within sampling error of {pct}%")
        else:
            parts.append(f"the {pct}% band held {np.average(cov, weights=n):.0f}% of outcomes: too {'narrow' if gap < 0 else 'wide'} "
                         f"by {abs(gap):.0f} points")
    diff = scores["median_abs_error_pct"] - scores["random_walk_abs_error_pct"]
    better, same = int((diff < -1e-6).sum()), int((diff.abs() <= 1e-6).sum())
    rw = (f"The band's median was the random walk's own forecast at every horizon (the model chosen was a random walk)"
          if same == len(scores) else f"The band's median beat a random walk at {better} of {len(scores)} horizons")
    return (f"Over {int(scores['forecasts'].sum())} backtest forecasts, " + "; ".join(parts) + ". " + rw +
            f" (median absolute error {scores['median_abs_error_pct'].median():.1f}% against "
            f"{scores['random_walk_abs_error_pct'].median():.1f}%). Forecasts from neighbouring origins overlap, so they "
            "are fewer independent tests than their number suggests.")
