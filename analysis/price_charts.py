"""Charts for the price-history notebook: one line per product and basis, ranges as bands, gaps shown.

Each function returns a matplotlib Figure with a title and axis units; the notebook adds the source
note (:func:`analysis.plotting.source_note`) with the source ids of what the chart shows.
"""
from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
import numpy as np
import pandas as pd

from analysis import plotting, units
from analysis.prices import (BASIS_LABELS, DATED_PERIODS, GAP, INTERPOLATED, PRODUCT_LABELS, QUOTED,
                             drawdown_pct, yoy_change_pct)

BASIS_COLOURS = {"cn_domestic_incl_vat": "#1f77b4", "cn_listed_incl_vat": "#9467bd", "fob_china": "#ff7f0e",
                 "cif_rotterdam": "#d62728", "annual_average": "#2ca02c", "producer_realised": "#8c564b",
                 "price_floor": "#7f7f7f", "blog_estimate": "#e377c2"}
STATUS_STYLE = {"observed": ("o", "#1f77b4"), "averaged": ("s", "#17becf"), "interpolated": ("o", "#ffffff")}
LINE_BREAK_DAYS = 100
"""Consecutive quotes of one series further apart than this are not joined by a line."""


def _month_mid(months) -> pd.DatetimeIndex:
    return pd.PeriodIndex(months, freq="M").to_timestamp() + pd.Timedelta(days=14)


def _segments(dated: pd.DataFrame):
    """Split a series' dated quotes where two consecutive ones are more than LINE_BREAK_DAYS apart."""
    dated = dated.sort_values("date")
    breaks = (dated["date"].diff() > pd.Timedelta(days=LINE_BREAK_DAYS)).cumsum()
    return [g for _, g in dated.groupby(breaks)]


def _format_price_axis(ax: plt.Axes) -> None:
    """Prices with thousands separators (no '1e6' offset on CNY/t axes)."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"))


def basis_note(unit_label: str, vat: str) -> str:
    """'USD/kg, excl. 13% China VAT'."""
    return f"{unit_label}, {'incl.' if vat == 'incl' else 'excl.'} {units.VAT_RATE_CN * 100:g}% China VAT"


EVENT_CATEGORIES = ("export_control", "quota_policy", "trade")
"""Event categories that bear on prices (funding and regulation events are left off price charts)."""


def history_chart(points: pd.DataFrame, product: str, *, vat: str, start=None, end=None,
                  event_categories=EVENT_CATEGORIES) -> tuple[plt.Figure, str]:
    """Every basis of one product: dated quotes joined per basis (ranges as bands), period
    averages (USGS years, quarters) as horizontal segments, policy events as numbered dashed lines.

    Returns the figure and the events key for the source note.
    """
    pts = points[(points["product"] == product) & (points["basis"] != "blog_estimate")]
    unit = pts["price_unit"].iloc[0]
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    for basis, rows in pts.groupby("basis", sort=False):
        colour = BASIS_COLOURS.get(basis, "#333333")
        label = BASIS_LABELS.get(basis, basis)
        dated = rows[rows["period"].isin(DATED_PERIODS)]
        first = True
        for seg in _segments(dated) if not dated.empty else []:
            ax.plot(seg["date"], seg["price_mid"], marker="o", ms=3.5, lw=1.2, color=colour,
                    label=label if first else None)
            ax.fill_between(seg["date"], seg["price_low"], seg["price_high"], color=colour, alpha=0.2, lw=0)
            ax.vlines(seg["date"], seg["price_low"], seg["price_high"], color=colour, lw=1, alpha=0.6)
            first = False
        spans = rows[~rows["period"].isin(DATED_PERIODS)]
        for i, r in enumerate(spans.itertuples()):
            ax.hlines(r.price_mid, r.date, r.period_end, color=colour, lw=3, alpha=0.85,
                      label=f"{label}, per {r.period}" if i == 0 and first else None)
    ax.set_xlim(pd.Timestamp(start) if start is not None else None, pd.Timestamp(end) if end is not None else None)
    ax.set_ylim(0, pts["price_high"].max() * 1.55)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel(f"price, {unit}")
    _format_price_axis(ax)
    ax.set_title(f"{PRODUCT_LABELS[product]}: every price basis, {basis_note(unit, vat)}")
    key = plotting.annotate_events_numbered(ax, categories=event_categories)
    ax.legend(loc="upper left", fontsize=7.5)
    return fig, key


def annotate_peak_trough(ax: plt.Axes, summary: dict) -> None:
    """Text annotations for the peak, the trough after it and the latest month (from peak_trough)."""
    unit = summary["price_unit"]
    fmt = (lambda v: f"{v:,.0f}") if unit.endswith("/t") else (lambda v: f"{v:,.1f}")
    marks = [("peak_month", "peak", f"peak {summary['peak_month']}: {fmt(summary['peak'])} {unit}", (20, -5)),
             ("trough_month", "trough", f"trough {summary['trough_month']}: {fmt(summary['trough'])} {unit}\n"
                                        f"{summary['max_drawdown_pct']:.0f}% from the peak", (-40, 60)),
             ("latest_month", "latest", f"{summary['latest_month']}: {fmt(summary['latest'])} {unit}\n"
                                        f"{summary['rise_from_trough_pct']:+.0f}% from the trough", (-150, 25))]
    for month_key, value_key, text, offset in marks:
        x = _month_mid([summary[month_key]])[0]
        ax.annotate(text, (x, summary[value_key]), xytext=offset, textcoords="offset points", fontsize=8,
                    arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 0.8},
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#cccccc", "alpha": 0.9})


def grid_chart(grid: pd.DataFrame, points: pd.DataFrame, *, title: str, summary: dict | None = None,
               event_categories=EVENT_CATEGORIES) -> tuple[plt.Figure, str]:
    """The monthly grid of one series: how each month was obtained, gaps shaded, the quotes behind it.

    Returns the figure and the events key for the source note.
    """
    unit = grid["price_unit"].iloc[0]
    x = _month_mid(grid["month"])
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    ax.scatter(points["date"], points["price_mid"], s=10, color="#999999", zorder=2, label="quotes (mid of range)")
    ax.plot(x, grid["price_mid"], color="#1f77b4", lw=1.3, zorder=3)
    ax.fill_between(x, grid["price_low"].astype(float), grid["price_high"].astype(float), color="#1f77b4", alpha=0.15, lw=0)
    for status, (marker, colour) in STATUS_STYLE.items():
        sel = grid["status"] == status
        ax.scatter(x[sel], grid.loc[sel, "price_mid"], marker=marker, s=28, facecolor=colour, edgecolor="#1f77b4",
                   zorder=4, label=f"{status} month ({int(sel.sum())})")
    gap = grid["status"] == GAP
    run = (gap != gap.shift()).cumsum()
    first = True
    for _, g in grid[gap].groupby(run[gap]):
        lo = pd.Period(g["month"].iloc[0], freq="M").to_timestamp()
        hi = (pd.Period(g["month"].iloc[-1], freq="M") + 1).to_timestamp()
        ax.axvspan(lo, hi, color="#dddddd", alpha=0.6, lw=0, zorder=0,
                   label=f"gap: no quote ({int(gap.sum())} months)" if first else None)
        first = False
    ax.set_ylim(0, np.nanmax(grid["price_high"].astype(float)) * 1.55)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_ylabel(f"price, {unit}")
    _format_price_axis(ax)
    ax.set_title(title)
    key = plotting.annotate_events_numbered(ax, categories=event_categories)
    if summary:
        annotate_peak_trough(ax, summary)
    ax.legend(loc="upper left", fontsize=7.5, ncol=2)
    return fig, key


def metrics_chart(grid: pd.DataFrame, *, title: str) -> plt.Figure:
    """Year-on-year change and drawdown from the running peak, % (gaps left empty)."""
    x = _month_mid(grid["month"])
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 5.6), sharex=True)
    yoy = yoy_change_pct(grid).to_numpy()
    ax1.bar(x, np.nan_to_num(yoy), width=25, color=np.where(yoy >= 0, "#2ca02c", "#d62728"))
    ax1.axhline(0, color="#333333", lw=0.8)
    ax1.set_ylabel("y/y change, %")
    ax1.set_title(title)
    dd = drawdown_pct(grid).to_numpy()
    ax2.fill_between(x, dd, 0, color="#d62728", alpha=0.35, step="mid")
    ax2.plot(x, dd, color="#d62728", lw=1)
    ax2.set_ylabel("below running peak, %")
    ax2.xaxis.set_major_locator(mdates.YearLocator())
    ax2.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return fig


def ratio_chart(ratios: pd.DataFrame) -> plt.Figure:
    """Metal / oxide price ratios on matching dates, with the stoichiometric parity of each pair."""
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    markers = {"cn_domestic_incl_vat": "o", "cn_listed_incl_vat": "s", "fob_china": "^", "cif_rotterdam": "v"}
    colours = {"Nd metal / Nd oxide": "#1f77b4", "Pr-Nd metal / Pr-Nd oxide": "#ff7f0e"}
    for (pair, basis), g in ratios.groupby(["pair", "basis"]):
        ax.scatter(g["date"], g["ratio"], marker=markers.get(basis, "o"), color=colours.get(pair, "#333333"), s=36,
                   label=f"{pair}, {BASIS_LABELS.get(basis, basis)}")
    for pair, g in ratios.groupby("pair"):
        parity = g["parity_ratio"].iloc[0]
        ax.axhline(parity, color=colours.get(pair, "#333333"), ls="--", lw=1)
        ax.text(ratios["date"].min(), parity, f" parity {parity:.4f} ({pair.split(' /')[0]})", va="bottom", fontsize=8,
                color=colours.get(pair, "#333333"))
    ax.set_ylabel("metal price / oxide price (ratio, same basis)")
    ax.set_title("Metal / oxide price ratio against stoichiometric parity")
    ax.legend(loc="lower left", fontsize=7.5)
    return fig


def seed000_chart(yearly: pd.DataFrame) -> plt.Figure:
    """Seed 000's yearly $/kg table against the USGS averages and the market's annual means."""
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    yrs = yearly["year"]
    ax.fill_between(yrs, yearly["seed_low"], yearly["seed_high"], color="#e377c2", alpha=0.25, lw=0)
    ax.plot(yrs, (yearly["seed_low"] + yearly["seed_high"]) / 2, "o-", color="#e377c2", label="seed 000 table (product not said)")
    ax.plot(yrs, yearly["usgs_nd_oxide"], "s-", color="#2ca02c", label="USGS Nd oxide annual average (Argus)")
    for product, colour in (("nd_oxide", "#1f77b4"), ("prnd_oxide", "#17becf"), ("nd_metal", "#9467bd")):
        ax.plot(yrs, yearly[f"{product}_domestic_mean"], "^--", color=colour, lw=1,
                label=f"{PRODUCT_LABELS[product]}, China domestic, mean of quoted months")
    ax.set_xticks(yrs)
    ax.set_ylim(0, None)
    ax.set_ylabel("price, USD/kg excl. VAT")
    ax.set_title("Seed 000's yearly Nd price estimates against market quotes, USD/kg excl. VAT")
    ax.legend(loc="lower left", fontsize=7.5)
    return fig


def forecast_chart(grid: pd.DataFrame, forecast: pd.DataFrame, *, title: str, history_months: int = 36) -> plt.Figure:
    """Recent monthly history and the forecast's prediction intervals (50% and 90% bands)."""
    unit = forecast["price_unit"].iloc[0]
    hist = grid.tail(history_months)
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    xh = _month_mid(hist["month"])
    ax.plot(xh, hist["price_mid"], color="#1f77b4", lw=1.3, label="monthly grid (gaps left empty)")
    quoted = hist["status"].isin(QUOTED).to_numpy()
    ax.scatter(xh[quoted], hist.loc[quoted, "price_mid"], s=18, color="#1f77b4", zorder=3, label="quoted month")
    interp = (hist["status"] == INTERPOLATED).to_numpy()
    ax.scatter(xh[interp], hist.loc[interp, "price_mid"], s=18, facecolor="white", edgecolor="#1f77b4", zorder=3,
               label="interpolated month")
    xf = _month_mid(forecast["month"])
    ax.fill_between(xf, forecast["lo_90"], forecast["hi_90"], color="#ff7f0e", alpha=0.2, lw=0, label="90% interval")
    ax.fill_between(xf, forecast["lo_50"], forecast["hi_50"], color="#ff7f0e", alpha=0.4, lw=0, label="50% interval")
    ax.plot(xf, forecast["median"], ls="--", color="#ff7f0e", lw=1.2, label="median")
    ax.set_ylim(0, max(forecast["hi_90"].max(), hist["price_high"].astype(float).max()) * 1.1)
    ax.set_ylabel(f"price, {unit}")
    _format_price_axis(ax)
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=7.5, ncol=2)
    return fig


def residual_chart(residuals: pd.Series, *, title: str) -> plt.Figure:
    """One-step-ahead residuals of the fitted model (log points), with +/- 2 standard deviations."""
    fig, ax = plt.subplots(figsize=(10, 3.4))
    ax.bar(residuals.index, residuals.to_numpy() * 100, width=20, color="#7f7f7f")
    sd = residuals.std(ddof=1) * 100
    for k in (-2, 2):
        ax.axhline(k * sd, color="#d62728", ls="--", lw=0.8)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_ylabel("residual, % (log points x 100)")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_title(title)
    return fig


__all__ = ["BASIS_COLOURS", "annotate_peak_trough", "forecast_chart", "grid_chart", "history_chart",
           "EVENT_CATEGORIES", "metrics_chart", "ratio_chart", "residual_chart", "seed000_chart"]
