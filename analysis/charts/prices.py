"""Charts of notebook 01: the price history, one line per product and basis, ranges as bands, gaps shown.

Each function takes data (from :mod:`analysis.prices`) and returns a :class:`analysis.charts.Chart`:
the figure, with a title and axes in units and a source note, the ids of its sources, and the
plotted values with units in the column names (``price_mid_usd_per_kg``, ``yoy_change_pct``).
"""
from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
import numpy as np
import pandas as pd

from analysis import plotting
from analysis.charts import Chart
from analysis.formatting import pct, thousands
from analysis.prices import (DATED_PERIODS, GAP, INTERPOLATED, PRODUCT_LABELS, QUOTED, Forecast,
                             basis_label, basis_note, drawdown_pct, yoy_change_pct)

BASIS_COLOURS = {"cn_domestic_incl_vat": "#1f77b4", "cn_listed_incl_vat": "#9467bd", "fob_china": "#ff7f0e",
                 "cif_rotterdam": "#d62728", "annual_average": "#2ca02c", "producer_realised": "#8c564b",
                 "price_floor": "#7f7f7f", "blog_estimate": "#e377c2"}
STATUS_STYLE = {"observed": ("o", "#1f77b4"), "averaged": ("s", "#17becf"), "interpolated": ("o", "#ffffff")}
LINE_BREAK_DAYS = 100
"""Consecutive quotes of one series further apart than this are not joined by a line."""

EVENT_CATEGORIES = ("export_control", "quota_policy", "trade")
"""Event categories that bear on prices (funding and regulation events are left off price charts)."""

FX_NOTE = "FX: data/fx_rates.csv"


def unit_slug(price_unit: str) -> str:
    """A price unit as it goes into a column name: ``'USD/kg'`` -> ``'usd_per_kg'``, ``'CNY/t'`` -> ``'cny_per_t'``."""
    return price_unit.lower().replace("/", "_per_")


def price_columns(price_unit: str) -> dict[str, str]:
    """``{'price_low': 'price_low_usd_per_kg', ...}``: price columns named with their unit, for a chart's data."""
    return {f"price_{end}": f"price_{end}_{unit_slug(price_unit)}" for end in ("low", "mid", "high")}


def _in_months(points: pd.DataFrame, months) -> pd.DataFrame:
    """The quotes that fall in ``months`` (the months a chart shows or a model was fitted on)."""
    return points[points["date"].dt.to_period("M").isin(pd.PeriodIndex(months, freq="M"))]


def _month_mid(months) -> pd.DatetimeIndex:
    return pd.PeriodIndex(months, freq="M").to_timestamp() + pd.Timedelta(days=14)


def _segments(dated: pd.DataFrame):
    """Split a series' dated quotes where two consecutive ones are more than LINE_BREAK_DAYS apart."""
    dated = dated.sort_values("date")
    breaks = (dated["date"].diff() > pd.Timedelta(days=LINE_BREAK_DAYS)).cumsum()
    return [g for _, g in dated.groupby(breaks)]


def _format_price_axis(ax: plt.Axes) -> None:
    """Prices with thousands separators (no '1e6' offset on CNY/t axes)."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: thousands(v, 0 if abs(v) >= 100 else 1)))


def _year_axis(ax: plt.Axes) -> None:
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def _series_title(points: pd.DataFrame) -> str:
    """'Pr-Nd oxide, China domestic spot': the product and basis of one series' points."""
    product, basis = points["product"].iloc[0], points["basis"].iloc[0]
    return f"{PRODUCT_LABELS[product]}, {basis_label(basis).split(' (')[0]}"


def _ymd(dates) -> list[str]:
    return [pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates]


def history_chart(points: pd.DataFrame, product: str, *, vat: str, start=None, end=None,
                  event_categories=EVENT_CATEGORIES) -> Chart:
    """Every basis of one product: dated quotes joined per basis (ranges as bands), period
    averages (USGS years, quarters) as horizontal segments, policy events as numbered dashed lines.

    ``points``: :func:`analysis.prices.price_points` (blog estimates are left off). Named ``<product>_history``.
    """
    pts = points[(points["product"] == product) & (points["basis"] != "blog_estimate")]
    unit = pts["price_unit"].iloc[0]
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    for basis, rows in pts.groupby("basis", sort=False):
        colour = BASIS_COLOURS.get(basis, "#333333")
        label = basis_label(basis)
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
    _year_axis(ax)
    ax.set_ylabel(f"price, {unit}")
    _format_price_axis(ax)
    basis_text = basis_note(unit, vat)
    ax.set_title(f"{PRODUCT_LABELS[product]}: every price basis, {basis_text}")
    key = plotting.annotate_events_numbered(ax, categories=event_categories)
    ax.legend(loc="upper left", fontsize=7.5)
    plotting.source_note(fig, pts["source_id"], f"{basis_text}; {FX_NOTE}; USGS states no VAT basis "
                         f"(left unchanged). {key} (data/events.csv)")
    data = pd.DataFrame({"basis": pts["basis"], "period": pts["period"], "date": _ymd(pts["date"]),
                         "period_end": _ymd(pts["period_end"]), "assessor": pts["assessor"]})
    for col, named in price_columns(unit).items():
        data[named] = pts[col].to_numpy()
    data["source_id"] = pts["source_id"].to_numpy()
    return Chart(fig, list(pts["source_id"]), data.reset_index(drop=True), f"{product}_history")


def history_charts(points: pd.DataFrame, products, *, vat: str, start=None, end=None) -> list[Chart]:
    """:func:`history_chart` of each of ``products`` that has quotes besides blog estimates, in order."""
    quoted = set(points.loc[points["basis"] != "blog_estimate", "product"])
    return [history_chart(points, p, vat=vat, start=start, end=end) for p in products if p in quoted]


def annotate_peak_trough(ax: plt.Axes, summary: dict) -> None:
    """Text annotations for the peak, the trough after it and the latest month (from peak_trough)."""
    unit = summary["price_unit"]
    decimals = 0 if unit.endswith("/t") else 1

    def price(v):
        return thousands(v, decimals)

    marks = [("peak_month", "peak", f"peak {summary['peak_month']}: {price(summary['peak'])} {unit}", (20, -5)),
             ("trough_month", "trough", f"trough {summary['trough_month']}: {price(summary['trough'])} {unit}\n"
                                        f"{pct(summary['max_drawdown_pct'], 0)} from the peak", (-40, 60)),
             ("latest_month", "latest", f"{summary['latest_month']}: {price(summary['latest'])} {unit}\n"
                                        f"{pct(summary['rise_from_trough_pct'], 0, signed=True)} from the trough",
              (-150, 25))]
    for month_key, value_key, text, offset in marks:
        x = _month_mid([summary[month_key]])[0]
        ax.annotate(text, (x, summary[value_key]), xytext=offset, textcoords="offset points", fontsize=8,
                    arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 0.8},
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "#cccccc", "alpha": 0.9})


def _grid_data(grid: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """The grid's months (at mid-month, where they are drawn) and the quotes behind them, one long table."""
    names = price_columns(grid["price_unit"].iloc[0])
    months = pd.DataFrame({"kind": "month", "date": _ymd(_month_mid(grid["month"])),
                           "month": grid["month"].astype(str).to_numpy(), "status": grid["status"].to_numpy()})
    quotes = pd.DataFrame({"kind": "quote", "date": _ymd(points["date"]),
                           "month": points["date"].dt.to_period("M").astype(str).to_numpy(), "status": "quote"})
    for col, named in names.items():
        months[named] = grid[col].astype(float).to_numpy()
        quotes[named] = points[col].astype(float).to_numpy()
    quotes["source_id"] = points["source_id"].to_numpy()
    return pd.concat([months, quotes], ignore_index=True)


def grid_chart(grid: pd.DataFrame, points: pd.DataFrame, *, vat: str, summary: dict | None = None,
               event_categories=EVENT_CATEGORIES) -> Chart:
    """The monthly grid of one series: how each month was obtained, gaps shaded, the quotes behind it.

    ``grid``: :func:`analysis.prices.monthly_grid` of ``points`` (one series); ``summary``:
    :func:`analysis.prices.peak_trough`, annotated if given. Named ``<product>_monthly_grid``.
    """
    unit = grid["price_unit"].iloc[0]
    basis_text = basis_note(unit, vat)
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
    _year_axis(ax)
    ax.set_ylabel(f"price, {unit}")
    _format_price_axis(ax)
    ax.set_title(f"{_series_title(points)}: monthly grid, {basis_text}")
    key = plotting.annotate_events_numbered(ax, categories=event_categories)
    if summary:
        annotate_peak_trough(ax, summary)
    ax.legend(loc="upper left", fontsize=7.5, ncol=2)
    plotting.source_note(fig, points["source_id"], f"Monthly grid by analysis.prices.monthly_grid; {basis_text}; "
                         f"{FX_NOTE}. {key} (data/events.csv)")
    return Chart(fig, list(points["source_id"]), _grid_data(grid, points), f"{points['product'].iloc[0]}_monthly_grid")


def metrics_chart(grid: pd.DataFrame, points: pd.DataFrame, *, vat: str) -> Chart:
    """Year-on-year change and drawdown from the running peak of the monthly grid, % (gaps left empty).

    ``points``: the quotes behind ``grid`` (their sources). Named ``<product>_change_drawdown``.
    """
    x = _month_mid(grid["month"])
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 5.6), sharex=True)
    yoy = yoy_change_pct(grid).to_numpy()
    ax1.bar(x, np.nan_to_num(yoy), width=25, color=np.where(yoy >= 0, "#2ca02c", "#d62728"))
    ax1.axhline(0, color="#333333", lw=0.8)
    ax1.set_ylabel("y/y change, %")
    ax1.set_title(f"{_series_title(points)}: y/y change and drawdown, % "
                  f"({basis_note(grid['price_unit'].iloc[0], vat)})")
    dd = drawdown_pct(grid).to_numpy()
    ax2.fill_between(x, dd, 0, color="#d62728", alpha=0.35, step="mid")
    ax2.plot(x, dd, color="#d62728", lw=1)
    ax2.set_ylabel("below running peak, %")
    _year_axis(ax2)
    plotting.source_note(fig, points["source_id"], "Computed from the monthly grid above; gap months left empty.")
    data = pd.DataFrame({"month": grid["month"].astype(str).to_numpy(), "date": _ymd(x), "status": grid["status"].to_numpy(),
                         "yoy_change_pct": yoy, "drawdown_from_peak_pct": dd})
    return Chart(fig, list(points["source_id"]), data, f"{points['product'].iloc[0]}_change_drawdown")


RATIO_MARKERS = {"cn_domestic_incl_vat": "o", "cn_listed_incl_vat": "s", "fob_china": "^", "cif_rotterdam": "v"}
RATIO_COLOURS = {"Nd metal / Nd oxide": "#1f77b4", "Pr-Nd metal / Pr-Nd oxide": "#ff7f0e"}


def ratio_chart(ratios: pd.DataFrame) -> Chart:
    """Metal / oxide price ratios on matching dates, with the stoichiometric parity of each pair.

    ``ratios``: :func:`analysis.prices.metal_oxide_ratios` (not empty). Named ``metal_oxide_ratio``.
    """
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    for (pair, basis), g in ratios.groupby(["pair", "basis"]):
        ax.scatter(g["date"], g["ratio"], marker=RATIO_MARKERS.get(basis, "o"), color=RATIO_COLOURS.get(pair, "#333333"),
                   s=36, label=f"{pair}, {basis_label(basis)}")
    for pair, g in ratios.groupby("pair"):
        parity = g["parity_ratio"].iloc[0]
        ax.axhline(parity, color=RATIO_COLOURS.get(pair, "#333333"), ls="--", lw=1)
        ax.text(ratios["date"].min(), parity, f" parity {parity:.4f} ({pair.split(' /')[0]})", va="bottom", fontsize=8,
                color=RATIO_COLOURS.get(pair, "#333333"))
    ax.set_ylabel("metal price / oxide price (ratio, same basis)")
    ax.set_title("Metal / oxide price ratio against stoichiometric parity (ratio of prices on one basis)")
    ax.legend(loc="lower left", fontsize=7.5)
    ids = list(ratios["source_ids"].str.split(", ").explode())
    plotting.source_note(fig, ids, "Parity from IUPAC atomic weights (analysis.units). Same-date, same-assessor pairs only.")
    unit = unit_slug(ratios["price_unit"].iloc[0])
    data = pd.DataFrame({"pair": ratios["pair"], "date": _ymd(ratios["date"]), "basis": ratios["basis"],
                         "assessor": ratios["assessor"], f"metal_price_{unit}": ratios["metal_price"],
                         f"oxide_price_{unit}": ratios["oxide_price"], "metal_oxide_price_ratio": ratios["ratio"],
                         "parity_ratio": ratios["parity_ratio"], "source_ids_of_pair": ratios["source_ids"]})
    return Chart(fig, ids, data, "metal_oxide_ratio")


SEED000_PRODUCTS = (("nd_oxide", "#1f77b4"), ("prnd_oxide", "#17becf"), ("nd_metal", "#9467bd"))


def seed000_chart(yearly: pd.DataFrame, points: pd.DataFrame) -> Chart:
    """Seed 000's yearly $/kg table against the USGS averages and the market's annual means, USD/kg excl. VAT.

    ``yearly``: :func:`analysis.prices.seed000_yearly`; ``points``: the claim points it was made from
    (:func:`analysis.prices.claim_points`), for the sources. Named ``seed000_yearly``.
    """
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    yrs = yearly["year"]
    seed_mid = (yearly["seed_low"] + yearly["seed_high"]) / 2
    ax.fill_between(yrs, yearly["seed_low"], yearly["seed_high"], color="#e377c2", alpha=0.25, lw=0)
    ax.plot(yrs, seed_mid, "o-", color="#e377c2", label="seed 000 table (product not said)")
    ax.plot(yrs, yearly["usgs_nd_oxide"], "s-", color="#2ca02c", label="USGS Nd oxide annual average (Argus)")
    for product, colour in SEED000_PRODUCTS:
        ax.plot(yrs, yearly[f"{product}_domestic_mean"], "^--", color=colour, lw=1,
                label=f"{PRODUCT_LABELS[product]}, China domestic, mean of quoted months")
    ax.set_xticks(yrs)
    ax.set_ylim(0, None)
    ax.set_ylabel("price, USD/kg excl. VAT")
    ax.set_title("Seed 000's yearly Nd price estimates against market quotes, USD/kg excl. VAT")
    ax.legend(loc="lower left", fontsize=7.5)
    used = points[points["basis"].isin(["blog_estimate", "annual_average", "cn_domestic_incl_vat"])]
    plotting.source_note(fig, used["source_id"], "Market means: mean of the quoted months of each China-domestic grid, "
                         "converted to USD/kg excl. VAT with monthly FX.")
    data = pd.DataFrame({"year": yrs, "seed000_low_usd_per_kg": yearly["seed_low"],
                         "seed000_high_usd_per_kg": yearly["seed_high"], "seed000_mid_usd_per_kg": seed_mid,
                         "usgs_nd_oxide_usd_per_kg": yearly["usgs_nd_oxide"]})
    for product, _ in SEED000_PRODUCTS:
        data[f"{product}_domestic_mean_usd_per_kg"] = yearly[f"{product}_domestic_mean"]
    return Chart(fig, list(used["source_id"]), data, "seed000_yearly")


def _forecast_data(hist: pd.DataFrame, forecast: pd.DataFrame) -> pd.DataFrame:
    """History months and forecast months with their bands, one table, prices named with their unit."""
    names, slug = price_columns(forecast["price_unit"].iloc[0]), unit_slug(forecast["price_unit"].iloc[0])
    past = pd.DataFrame({"kind": "history", "month": hist["month"].astype(str).to_numpy(),
                         "status": hist["status"].to_numpy(),
                         names["price_mid"]: hist["price_mid"].astype(float).to_numpy()})
    ahead = pd.DataFrame({"kind": "forecast", "month": forecast["month"].astype(str).to_numpy(), "status": "forecast",
                          names["price_mid"]: forecast["median"].to_numpy()})
    for col in ("lo_90", "lo_50", "hi_50", "hi_90"):
        ahead[f"{col}_{slug}"] = forecast[col].to_numpy()
    return pd.concat([past, ahead], ignore_index=True)


def forecast_chart(grid: pd.DataFrame, fc: Forecast, points: pd.DataFrame, *, history_months: int = 36) -> Chart:
    """Recent monthly history and the forecast's prediction intervals (50% and 90% bands).

    ``fc``: :func:`analysis.prices.fit_forecast` of ``grid``; ``points``: the quotes behind ``grid``.
    Named ``<product>_forecast``.
    """
    forecast = fc.forecast
    unit = forecast["price_unit"].iloc[0]
    hist = grid.tail(history_months)
    fig, ax = plt.subplots(figsize=plotting.FIGSIZE)
    xh = _month_mid(hist["month"])
    first, last = fc.fitted_on["month"].iloc[0], fc.fitted_on["month"].iloc[-1]
    fit = _month_mid(pd.Series([first, last]))  # the months the model saw; earlier quotes are context only
    ax.axvspan(fit[0], fit[1], color="#eeeeee", zorder=0, lw=0, label=f"model fitted on {first} to {last}")
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
    ax.set_title(f"{_series_title(points)}: 50% and 90% prediction intervals, {unit}")
    ax.legend(loc="lower left", fontsize=7.5, ncol=2)
    ids = list(_in_months(points, pd.concat([hist["month"], fc.fitted_on["month"]]))["source_id"])
    plotting.source_note(fig, ids, f"statsmodels ARIMA on the log of the monthly grid, {first} to {last}.")
    return Chart(fig, ids, _forecast_data(hist, forecast), f"{points['product'].iloc[0]}_forecast")


def residual_chart(fc: Forecast, points: pd.DataFrame) -> Chart:
    """One-step-ahead residuals of the fitted model (log points x 100), with +/- 2 standard deviations.

    ``points``: the quotes behind the fitted grid. Named ``<product>_forecast_residuals``.
    """
    residuals = fc.residuals
    fig, ax = plt.subplots(figsize=(10, 3.4))
    values = residuals.to_numpy() * 100
    ax.bar(residuals.index, values, width=20, color="#7f7f7f")
    sd = residuals.std(ddof=1) * 100
    for k in (-2, 2):
        ax.axhline(k * sd, color="#d62728", ls="--", lw=0.8)
    ax.axhline(0, color="#333333", lw=0.8)
    ax.set_ylabel("residual, % (log points x 100)")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_title(f"Residuals of the {fc.model}, % (log points x 100)")
    ids = list(_in_months(points, fc.fitted_on["month"])["source_id"])
    plotting.source_note(fig, ids, "Dashed lines: +/- 2 standard deviations. Ljung-Box test of residual "
                         "autocorrelation below.")
    data = pd.DataFrame({"month": residuals.index.to_period("M").astype(str), "residual_log_points_x100": values,
                         "two_sd_log_points_x100": 2 * sd})
    return Chart(fig, ids, data, f"{points['product'].iloc[0]}_forecast_residuals")


__all__ = ["BASIS_COLOURS", "EVENT_CATEGORIES", "annotate_peak_trough", "forecast_chart", "grid_chart", "history_chart",
           "history_charts", "metrics_chart", "price_columns", "ratio_chart", "residual_chart", "seed000_chart",
           "unit_slug"]
