"""Charts of China's magnet exports and the export controls (notebooks 00 and 03).

- :func:`monthly`: the monthly series by status (reported, derived, missing), the chart notebook 00
  shows and notebook 03 draws its counterfactual over (:func:`export_status_bars`);
- :func:`versus_counterfactual`, :func:`loss_sensitivity`, :func:`destination_shares` and
  :func:`prnd_price`: the impact of the April 2025 controls (notebook 03, :mod:`analysis.impact`).

Every chart is in t of magnet (customs HS 85051110) unless its axis says otherwise.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis import plotting
from analysis.charts import Chart

EXPORT_UNIT = "t of magnet per month"
EVENT_CATEGORIES = ("export_control",)
"""The dated events these charts mark: :data:`analysis.impact.CONTROL_CATEGORY`."""

# How each export month's status is drawn: colour and hatch differ, so the legend tells them apart in grey too.
STATUS_COLOURS = {"reported": "#1f77b4", "derived": "#ff7f0e", "missing": "#bbbbbb"}
STATUS_HATCHES = {"reported": None, "derived": "..", "missing": "//"}
STATUS_LABELS = {"reported": "reported", "derived": "derived (whiskers: rounding range)", "missing": "missing (no figure)"}
SERIES_COLUMNS = ["month", "status", "mass_t", "mass_low_t", "mass_high_t"]
DISRUPTION_COLOUR = "#d62728"
CF_COLOUR = "#2a2a2a"


def source_ids(frame: pd.DataFrame, column: str = "source_ids") -> list[str]:
    """The distinct ids in a column of comma-joined ids (``"a, b"``), in order of appearance."""
    if column not in frame:
        return []
    return list(dict.fromkeys(frame[column].dropna().str.split(", ").explode()))


def export_status_bars(ax: plt.Axes, series: pd.DataFrame, value: str = "mass_t") -> None:
    """Monthly bars coloured and hatched by status (reported / derived), rounding whiskers on derived
    months, and a hatched grey band over months with no figure: one labelled artist per status shown,
    so ``ax.legend()`` lists each status once, with its own colour and hatch.

    ``series`` has ``month`` (Period), ``status`` and ``value`` (plus ``mass_low_t``/``mass_high_t``).
    """
    x = plotting.month_centre(series["month"])
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


def monthly(series: pd.DataFrame, destination: str = "total", title: str | None = None,
            note: str = "Customs HS 85051110. Derived months computed by analysis.exports.",
            event_categories=EVENT_CATEGORIES) -> Chart:
    """China's monthly magnet exports by status (:func:`export_status_bars`), in t of magnet per month,
    with a legend, numbered dated events (their key joins the source note, so labels never overlap)
    and the sources of the months shown under the figure.

    ``series``: :func:`analysis.exports.monthly` for ``destination``.
    """
    fig, ax = plt.subplots()
    export_status_bars(ax, series)
    months = series["month"]
    ax.set_xlim(months.min().to_timestamp() - pd.Timedelta(days=5), (months.max() + 1).to_timestamp() + pd.Timedelta(days=5))
    top = series[["mass_t", "mass_high_t"]].max().max()
    if pd.notna(top) and top > 0:
        ax.set_ylim(0, top * 1.25)  # room for the event markers above the bars
    ax.set_ylabel(f"exports, {EXPORT_UNIT}")
    ax.set_xlabel("month")
    ax.set_title(title or f"China rare-earth permanent-magnet exports ({destination}), t per month")
    status_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return _finish(fig, ax, source_ids(series), note, series[SERIES_COLUMNS].reset_index(drop=True), "monthly_exports",
                   event_categories)


def _finish(fig: plt.Figure, ax: plt.Axes, ids: list[str], note: str, data: pd.DataFrame, name: str,
            event_categories=EVENT_CATEGORIES) -> Chart:
    """Number the dated events on ``ax`` (set the x limits first), write the source note (``note``,
    then the events' key) and return the :class:`Chart`."""
    key = plotting.annotate_events_numbered(ax, categories=list(event_categories)) if event_categories else ""
    plotting.source_note(fig, ids, " ".join(t for t in (note, key) if t))
    return Chart(fig, ids, data, name)


def _shade_disruption(ax: plt.Axes, months, label: str) -> None:
    if months:
        ax.axvspan(months[0].to_timestamp(), (months[-1] + 1).to_timestamp(), color=DISRUPTION_COLOUR, alpha=0.08,
                   label=label)


def _counterfactual_data(table: pd.DataFrame, method: str, control_month: pd.Period, disruption_months) -> pd.DataFrame:
    """The values :func:`versus_counterfactual` draws: the line before the control only for the ITS
    (its fitted pre-control trend), the interval only from the control month on."""
    out = table[SERIES_COLUMNS + ["counterfactual_t", "counterfactual_low_t", "counterfactual_high_t"]].copy()
    post = out["month"] >= control_month
    out["counterfactual_t"] = out["counterfactual_t"].where(post | (method == "its"))
    out[["counterfactual_low_t", "counterfactual_high_t"]] = out[["counterfactual_low_t", "counterfactual_high_t"]].where(post, axis=0)
    out["disruption_month"] = out["month"].isin(list(disruption_months))
    return out.reset_index(drop=True)


def versus_counterfactual(table: pd.DataFrame, *, method: str, level: float, control_month: pd.Period,
                          disruption_months, pre_start) -> Chart:
    """Monthly exports by status against the counterfactual and its interval, t of magnet per month,
    with the disruption months shaded and the export-control events numbered.

    ``table``: :func:`analysis.impact.monthly_table`; ``disruption_months``: Periods, first to last.
    """
    from analysis.impact import method_label  # here: statsmodels is not needed by the other charts
    data = _counterfactual_data(table, method, control_month, disruption_months)
    pct = f"{level:.0%}"
    fig, ax = plt.subplots()
    export_status_bars(ax, table)
    post = data[data["month"] >= control_month].dropna(subset=["counterfactual_t"])
    x_post = plotting.month_centre(post["month"])
    ax.plot(x_post, post["counterfactual_t"], color=CF_COLOUR, lw=1.6, marker="o", ms=3,
            label=f"counterfactual ({method_label(method)})")
    ax.fill_between(x_post, post["counterfactual_low_t"], post["counterfactual_high_t"], color=CF_COLOUR, alpha=0.12,
                    label=f"{pct} interval")
    if method == "its":
        pre = data[data["month"] < control_month]
        ax.plot(plotting.month_centre(pre["month"]), pre["counterfactual_t"], color=CF_COLOUR, lw=1, ls=":",
                label="pre-control trend (fitted)")
    _shade_disruption(ax, list(disruption_months), "disruption months")
    ax.set_ylim(0, max(table["mass_t"].max(), table["counterfactual_high_t"].max()) * 1.35)
    ax.set_ylabel(f"exports, {EXPORT_UNIT}")
    ax.set_xlabel("month")
    ax.set_title(f"China's rare-earth magnet exports vs a counterfactual ({method_label(method)}), t/month")
    status_legend(ax, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return _finish(fig, ax, source_ids(table), "Customs HS 85051110, t of magnet. Derived months and the counterfactual "
                   f"computed by analysis.exports and analysis.impact; pre-control window from {pre_start}.", data,
                   "exports_vs_counterfactual")


def loss_sensitivity(table: pd.DataFrame, series: pd.DataFrame, *, method: str, pre_start, level: float,
                     disruption_end=None) -> Chart:
    """Tonnes lost over the disruption (point and interval, t of magnet) for every method x pre-control
    window that could be fitted, this report's choice ringed.

    ``table``: :func:`analysis.impact.sensitivity`; ``series``: the monthly series the fits used
    (its sources go under the figure); ``disruption_end``: the given last disruption month, if any.
    """
    from analysis.impact import method_label  # here: statsmodels is not needed by the other charts
    ok = table[table["note"] == ""].reset_index(drop=True)
    labels = (ok["method"].map(method_label) + ", from " + ok["pre_start"]
              + " (n=" + ok["n_pre_points"].astype(int).astype(str) + ")")
    chosen = (ok["method"] == method) & (ok["pre_start"] == str(pre_start))
    fig, ax = plt.subplots(figsize=(10, 3.6))
    ax.errorbar(ok["lost_t"], labels, xerr=[ok["lost_t"] - ok["lost_low_t"], ok["lost_high_t"] - ok["lost_t"]],
                fmt="o", color="#1f77b4", ecolor="#1f77b4", capsize=3)
    ax.plot(ok.loc[chosen, "lost_t"], labels[chosen], "o", ms=10, mfc="none", color=DISRUPTION_COLOUR,
            label="this report's choice")
    ax.set_xlim(left=0)
    ax.set_xlabel(f"magnet exports lost over the disruption, t (point and {level:.0%} interval)")
    ax.set_ylabel("method, pre-control window start")
    ax.set_title("Estimated tonnes lost by method and pre-control window start, t")
    ax.legend(loc="lower right")
    rule = (f"the given months to {disruption_end}" if disruption_end is not None
            else "disruption months found by that fit's own recovery rule")
    ids = source_ids(series)
    plotting.source_note(fig, ids, f"Each row: {rule}. n = pre-control points fitted.")
    data = ok[["method", "pre_start", "n_pre_points", "lost_t", "lost_low_t", "lost_high_t"]].assign(this_report=chosen)
    return Chart(fig, ids, data, "loss_by_method_window")


def _shares_data(months: pd.DataFrame, summary: pd.DataFrame, highlight: str) -> pd.DataFrame:
    data = months[["destination", "month", "period", "share_pct"]].copy()
    data["derived_input"] = (months["status"] == "derived") | (months["total_status"] == "derived")
    pooled = summary[summary["destination"] == highlight].set_index("period")["pooled_share_pct"]
    data["pooled_share_pct"] = data["period"].map(pooled).where(data["destination"] == highlight)
    return data.reset_index(drop=True)


def destination_shares(months: pd.DataFrame, summary: pd.DataFrame, destinations, highlight: str = "US") -> Chart:
    """Each destination's share of China's magnet exports by month, % of total t; hollow where either
    figure is derived; dashed: the pooled share of ``highlight`` before and after the control.

    ``months``, ``summary``: :func:`analysis.impact.share_shift`.
    """
    data = _shares_data(months, summary, highlight)
    markers = dict(zip(destinations, "osD^vPX*"))
    colours = dict(zip(destinations, sns.color_palette("tab10", len(destinations))))
    fig, ax = plt.subplots()
    for dest, g in data.groupby("destination", sort=False):
        x, hollow = plotting.month_centre(g["month"]), g["derived_input"]
        ax.scatter(x[~hollow], g.loc[~hollow, "share_pct"], marker=markers.get(dest, "o"), color=colours[dest],
                   label=dest, zorder=3)
        ax.scatter(x[hollow], g.loc[hollow, "share_pct"], marker=markers.get(dest, "o"), facecolor="white",
                   edgecolor=colours[dest], zorder=3)
    for period, g in data[data["pooled_share_pct"].notna()].groupby("period", sort=False):
        share, first, last = g["pooled_share_pct"].iloc[0], g["month"].min(), g["month"].max()
        ax.hlines(share, first.to_timestamp(), (last + 1).to_timestamp(), color="#444444", lw=1.2, ls="--")
        ax.text(first.to_timestamp(), share + 0.6, f"{highlight} {period}: {share:.1f}%", fontsize=8)
    ax.scatter([], [], facecolor="white", edgecolor="#444444", label="hollow: a derived figure")
    ax.set_ylim(0, data["share_pct"].max() * 1.3)
    ax.set_ylabel("share of China's magnet exports, % of t")
    ax.set_xlabel("month")
    ax.set_title("Destination shares of China's magnet exports by month, % of total t")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return _finish(fig, ax, source_ids(months), f"Only months with both the destination and the total known. Dashed: "
                   f"{highlight} pooled share (sum of {highlight} t / sum of total t).", data, "destination_shares")


def prnd_price(prices: pd.DataFrame, disruption_months, start, end) -> Chart:
    """The Pr-Nd oxide price in China (thousand CNY/t incl. VAT; a band where the assessor gives a
    range) from ``start`` to ``end`` (months), with the export-disruption months shaded.

    ``prices``: :func:`analysis.impact.price_context`. Timing only: no causal effect is drawn.
    """
    data = pd.DataFrame({"date": prices["date"], "price_low_thousand_cny_per_t": prices["price_low"] / 1000,
                         "price_mid_thousand_cny_per_t": prices["price_mid"] / 1000,
                         "price_high_thousand_cny_per_t": prices["price_high"] / 1000}).reset_index(drop=True)
    fig, ax = plt.subplots()
    ax.fill_between(data["date"], data["price_low_thousand_cny_per_t"], data["price_high_thousand_cny_per_t"],
                    color="#9467bd", alpha=0.25, label="assessed range")
    ax.plot(data["date"], data["price_mid_thousand_cny_per_t"], color="#9467bd", marker="o", ms=3, lw=1.2,
            label="mid-point")
    _shade_disruption(ax, list(disruption_months), "export disruption months")
    ax.set_xlim(pd.Period(start, "M").to_timestamp(), (pd.Period(end, "M") + 1).to_timestamp())
    ax.set_ylim(0, data["price_high_thousand_cny_per_t"].max() * 1.3)
    ax.set_ylabel("Pr-Nd oxide, thousand CNY/t (incl. VAT)")
    ax.set_xlabel("date")
    ax.set_title("Pr-Nd oxide price in China, thousand CNY/t incl. VAT, with the export-disruption months")
    ax.legend(loc="lower right")
    return _finish(fig, ax, list(dict.fromkeys(prices["source_id"])),
                   "Oxide (not metal) price, China domestic basis incl. VAT, as assessed.", data, "prnd_oxide_price")
