"""Charts of notebook 02: China's NdFeB demand built up by end use, its projection and its uncertainty.

Every function takes what :mod:`analysis.demand` computed and returns a :class:`~analysis.charts.Chart`
(figure, source ids, plotted values with units in the column names, a name for its CSV). ``tag``
says which run the chart belongs to (:func:`analysis.params.run_tag`) and ends each title.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd

from analysis import demand, plotting
from analysis.charts import Chart

LABELS = demand.SECTOR_LABELS
SECTOR_COLOURS = dict(zip(demand.SECTORS, plotting.sns.color_palette("tab10", len(demand.SECTORS))))
SEED = [demand.SEED_SOURCE]
# Where the scenario's defaults come from: Adamas' CAGR, seed 003's wind share and robot count, Optimus' kg per robot.
SCENARIO_SOURCES = ["adamas_2024_magnet_market_outlook_2040", "seed003_magnet_news", "pacificforum_2025_securing_neodymium"]
# Where the Nd+Pr and rare-earth shares of NdFeB come from (composition rows of magnet_intensity.csv).
COMPOSITION_SOURCES = ["mashimagnets_undated_ndfeb_application", "scite_undated_ndfeb_ree_content"]
# Marker and colour of each outside series, by the start of its name (demand.comparison_table).
OUTLOOK_STYLES = {"China magnet production, seed": ("s", "#ff7f0e"), "China": ("s", "#ffbb78"), "IEA APS": ("^", "#2ca02c"),
                  "IEA": ("v", "#98df8a"), "McKinsey": ("D", "#9467bd")}
WATERFALL_COLOURS = {"total": "#555555", "rise": "#2ca02c", "fall": "#d62728"}


def _projection_line(ax: plt.Axes, year: int, text: bool = True) -> None:
    """A dashed line at the last year that is not projected, labelled 'projection ->'."""
    ax.axvline(year, color="#444444", ls="--", lw=0.8)
    if text:
        ax.text(year, 0.02, " projection →", transform=ax.get_xaxis_transform(), va="bottom", fontsize=8)


def _year_axes(ax: plt.Axes, ylabel: str, title: str, kt: bool = True) -> None:
    """Whole years on the x axis, values in t shown in kt (unless ``kt`` is False), the y label and the title."""
    if kt:
        ax.yaxis.set_major_formatter(plotting.KT)
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ax.set_title(title)


def by_sector(table: pd.DataFrame, tag: str, projection_from: int, actual_ids=()) -> Chart:
    """Demand by end use, stacked, kt of magnet per year.

    ``table``: :func:`analysis.demand.by_sector` (t of magnet, years x sectors); ``projection_from``:
    the base year, the last that is not projected (the dashed line); ``actual_ids``: the sources of
    the actual activity its nowcast rests on (:func:`analysis.demand.base_path`'s ``source_id``).
    """
    fig, ax = plt.subplots()
    ax.stackplot(table.index, *[table[s] for s in demand.SECTORS], labels=[LABELS[s] for s in demand.SECTORS],
                 colors=[SECTOR_COLOURS[s] for s in demand.SECTORS], alpha=0.9)
    _projection_line(ax, projection_from)
    _year_axes(ax, "NdFeB magnet demand, kt per year", f"China NdFeB magnet demand by end use, kt of magnet, {tag}")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8, reverse=True)
    ids = SEED + list(actual_ids) + SCENARIO_SOURCES
    first, known = int(table.index.min()), demand.INTENSITY_YEAR
    years = str(known) if projection_from == known else f"{known}-{projection_from}"
    plotting.source_note(fig, ids, f"{first} as stated by SMM; {years}: nowcast (actual activity x SMM's intensity) where "
                                   "the year's actual is published, else SMM's forecast or the scenario's growth; later "
                                   "years computed by analysis.demand from the scenario's parameters.")
    data = table[list(demand.SECTORS)].stack().rename("demand_t").reset_index()
    return Chart(fig, ids, data[["year", "sector", "demand_t"]], "demand_by_sector")


def nowcast(vs: pd.DataFrame, tag: str, actual_ids=()) -> Chart:
    """The model's 2025 demand by end use (a nowcast where the actual activity is published) beside
    SMM's own 2025 forecast, kt of magnet.

    ``vs``: :func:`analysis.demand.nowcast_vs_forecast` (its ``total`` row is left out of the bars);
    ``actual_ids``: the sources of the actual activity.
    """
    rows = vs[vs["sector"] != "total"].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 4.2))
    y = range(len(rows))
    ax.barh([i - 0.2 for i in y], rows["smm_forecast_t"], height=0.4, color="#bbbbbb", label="SMM's forecast (seed 002)")
    ax.barh([i + 0.2 for i in y], rows["model_t"], height=0.4,
            color=["#1f77b4" if b == demand.BASIS_NOWCAST else "#9ecae1" for b in rows["basis"]],
            label="the model: nowcast where the actual is published (dark), else SMM's forecast (light)")
    for i, r in enumerate(rows.itertuples()):
        if r.basis == demand.BASIS_NOWCAST:
            ax.text(max(r.model_t, r.smm_forecast_t), i, f"  {r.difference_pct:+.0f}%", va="center", fontsize=8)
    ax.set_yticks(list(y), [LABELS[s] for s in rows["sector"]], fontsize=9)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(plotting.KT)
    year = demand.INTENSITY_YEAR
    ax.set_xlabel(f"NdFeB magnet demand in {year}, kt")
    ax.set_title(f"{year} demand by end use: nowcast from actual activity vs SMM's forecast, kt of magnet, {tag}")
    ax.legend(loc="lower right", fontsize=8)
    ids = SEED + list(actual_ids)
    plotting.source_note(fig, ids, f"Nowcast: the year's actual activity x the kg of magnet per unit SMM's own {year} "
                                   "figures imply, so the gap to SMM's forecast is all activity.")
    return Chart(fig, ids, rows.assign(year=year)[["year", "sector", "basis", "model_t", "smm_forecast_t", "difference_pct"]],
                 "nowcast_vs_forecast")


def waterfall_bars(steps: pd.DataFrame) -> pd.DataFrame:
    """Where each bar of the waterfall stands: ``steps`` (:func:`analysis.demand.waterfall_table`) with
    ``bottom_t`` and ``top_t`` (t of magnet) and ``colour`` (total, rise or fall).

    A total stands on zero and restarts the running total; a rise starts at the running total and
    a fall ends there, so each bar spans the change it shows.
    """
    running, bottoms = 0.0, []
    for r in steps.itertuples():
        bottoms.append(0.0 if r.kind == "total" else (running if r.change_t >= 0 else running + r.change_t))
        running = r.change_t if r.kind == "total" else running + r.change_t
    out = steps.assign(bottom_t=bottoms)
    out["top_t"] = out["bottom_t"] + out["change_t"].abs()
    out["colour"] = ["total" if k == "total" else ("rise" if c >= 0 else "fall") for k, c in zip(out["kind"], out["change_t"])]
    return out


def waterfall(steps: pd.DataFrame, tag: str) -> Chart:
    """From the first total to the next and to the horizon: the change by end use, kt of magnet.

    ``steps``: :func:`analysis.demand.waterfall_table`; its ``year`` column gives the years of the title.
    """
    bars = waterfall_bars(steps)
    fig, ax = plt.subplots(figsize=(10, 5.5))
    ax.bar(range(len(bars)), bars["change_t"].abs(), bottom=bars["bottom_t"],
           color=[WATERFALL_COLOURS[c] for c in bars["colour"]])
    for i, r in enumerate(bars.itertuples()):
        ax.text(i, r.top_t, f"{r.change_t / 1000:+,.1f}" if r.kind == "change" else f"{r.change_t / 1000:,.0f}",
                ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(bars)), bars["step"], rotation=40, ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(plotting.KT)
    fig.subplots_adjust(bottom=0.3)
    ax.set_ylabel("NdFeB magnet demand, kt")
    years = " to ".join(str(y) for y in bars.loc[bars["kind"] == "total", "year"])
    ax.set_title(f"From {years}: change by end use, kt of magnet, {tag}")
    plotting.source_note(fig, SEED, "Grey: totals; green/red: change by sector. Computed by analysis.demand.waterfall_table.")
    data = bars[["step", "year", "kind", "change_t", "bottom_t", "top_t"]]
    return Chart(fig, SEED, data, "demand_waterfall")


def shares(table: pd.DataFrame, tag: str, projection_from: int) -> Chart:
    """Each end use's share of the modelled demand, % of t of magnet, by year."""
    pct = table[list(demand.SECTORS)].div(table.sum(axis=1), axis=0) * 100
    fig, ax = plt.subplots()
    for s in demand.SECTORS:
        ax.plot(pct.index, pct[s], marker="o", ms=3, color=SECTOR_COLOURS[s], label=LABELS[s])
    _projection_line(ax, projection_from, text=False)
    _year_axes(ax, "share of covered demand, %", f"Share of each end use in China NdFeB demand, % of t magnet, {tag}",
               kt=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    plotting.source_note(fig, SEED, "Share of the seven end uses modelled here, not of all NdFeB use.")
    data = pct.stack().rename("share_pct").reset_index()
    return Chart(fig, SEED, data[["year", "sector", "share_pct"]], "demand_shares")


def against_outlooks(total: pd.Series, comparison: pd.DataFrame, model_label: str, tag: str, re_share: float) -> Chart:
    """The modelled total against China's magnet output and global outlooks, kt of magnet per year.

    ``total``: :func:`analysis.demand.totals` (t); ``comparison``: :func:`analysis.demand.comparison_table`
    (every series in t of magnet); ``re_share``: the rare-earth weight share of NdFeB its element
    figures were converted at (named in the note).
    """
    fig, ax = plt.subplots()
    label = f"this model: China, 7 end uses ({model_label})"
    ax.plot(total.index, total.values, color="#1f77b4", lw=2.2, marker="o", ms=4, label=label)
    for series, g in comparison.groupby("series"):
        marker, colour = next(v for k, v in OUTLOOK_STYLES.items() if series.startswith(k))
        ax.plot(g["year"], g["ndfeb_magnet_t"], marker=marker, color=colour, ls=":" if len(g) > 1 else "none",
                ms=6, label=series)
    ax.set_xlim(2019.5, max(int(total.index.max()), 2030) + 0.5)
    _year_axes(ax, "kt of NdFeB magnet per year",
               f"Modelled demand vs China's magnet output and global outlooks, kt of magnet, {tag}")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    ids = SEED + list(comparison["source_id"])
    plotting.source_note(fig, ids, f"IEA and McKinsey element mass converted to magnet mass at {re_share:.1%} rare earths "
                                   "by weight; global figures include all uses and all countries.")
    model = pd.DataFrame({"series": label, "year": total.index, "ndfeb_magnet_t": total.to_numpy(), "source_id": demand.SEED_SOURCE})
    data = pd.concat([model, comparison[["series", "year", "ndfeb_magnet_t", "source_id"]]], ignore_index=True)
    return Chart(fig, ids, data, "demand_vs_outlooks")


def element_content(content: pd.DataFrame, tag: str) -> Chart:
    """Nd+Pr and total rare-earth content of the modelled demand, kt of element per year.

    ``content``: :func:`analysis.demand.element_content`; the note's weight shares are read off it.
    """
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.bar(content["year"], content["ndpr_element_t"], color="#8c564b", label="Nd+Pr element")
    ax.plot(content["year"], content["rare_earth_element_t"], color="#333333", marker="o", ms=3, label="all rare earths (element)")
    ax.yaxis.set_major_formatter(plotting.KT)
    ax.set_ylabel("kt of element per year")
    ax.set_title(f"Nd+Pr and total rare-earth content of modelled demand, kt of element, {tag}")
    ax.legend(loc="upper left")
    first = content.iloc[0]
    ndpr, re_all = first["ndpr_element_t"] / first["ndfeb_magnet_t"], first["rare_earth_element_t"] / first["ndfeb_magnet_t"]
    ids = SEED + COMPOSITION_SOURCES
    plotting.source_note(fig, ids, f"Magnet mass x {ndpr * 100:g} wt % Nd+Pr, and x {re_all * 100:g} wt % rare earths, "
                                   "via analysis.units.magnet_re_content_t.")
    return Chart(fig, ids, content[["year", "ndfeb_magnet_t", "ndpr_element_t", "rare_earth_element_t"]], "element_content")


def tornado(torn: pd.DataFrame, base_total_t: float, horizon: int, tag: str) -> Chart:
    """Horizon-year demand with each parameter at the ends of its range, kt of magnet; a line at the scenario's own.

    ``torn``: :func:`analysis.demand.tornado`; ``base_total_t``: the scenario's demand in ``horizon``, t.
    """
    fig, ax = plt.subplots()
    for i, r in enumerate(torn.itertuples()):
        lo, hi = sorted((r.demand_at_low_t, r.demand_at_high_t))
        ax.barh(i, hi - lo, left=lo, color="#4c72b0", height=0.6)
        ax.text(hi, i, f"  {r.low_value:g} to {r.high_value:g} (scenario {r.scenario_value:g})", va="center", fontsize=7.5)
    ax.axvline(base_total_t, color="#333333", lw=1)
    ax.set_yticks(range(len(torn)), [demand.uncertain_label(k) for k in torn["parameter"]], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(plotting.KT)
    span = torn[["demand_at_low_t", "demand_at_high_t"]].to_numpy().ravel().tolist() + [base_total_t]
    lo_x, hi_x = min(span), max(span)
    width = (hi_x - lo_x) or max(abs(hi_x), 1.0) * 0.1  # no ranges: some room around the scenario's line
    ax.set_xlim(lo_x - 0.05 * width, hi_x + 0.35 * width)
    ax.set_xlabel(f"NdFeB magnet demand in {horizon}, kt")
    ax.set_title(f"Sensitivity of {horizon} demand to each parameter, kt of magnet, {tag}")
    plotting.source_note(fig, SEED, f"Vertical line: the scenario's {horizon} demand ({base_total_t / 1000:,.1f} kt). "
                                    "Ranges from the scenario file; next to each bar: the parameter's range "
                                    "(and the scenario's value), in the unit of its label.")
    data = torn[["parameter", "scenario_value", "low_value", "high_value", "demand_at_low_t", "demand_at_high_t"]]
    return Chart(fig, SEED, data.assign(base_demand_t=base_total_t), "tornado")


def monte_carlo(bands: pd.DataFrame, total: pd.Series, draws: int, distributions: dict, tag: str) -> Chart:
    """Total demand with its Monte Carlo bands (5-95%, 25-75%, median) and the deterministic run, kt of magnet.

    ``bands``: :func:`analysis.demand.mc_percentiles`; ``total``: :func:`analysis.demand.totals`;
    ``distributions``: the scenario's ``mc_distributions`` (named in the note).
    """
    fig, ax = plt.subplots()
    ax.fill_between(bands["year"], bands["p5_t"], bands["p95_t"], color="#4c72b0", alpha=0.2, label="5-95%")
    ax.fill_between(bands["year"], bands["p25_t"], bands["p75_t"], color="#4c72b0", alpha=0.35, label="25-75%")
    ax.plot(bands["year"], bands["p50_t"], color="#4c72b0", lw=2, label="median")
    ax.plot(total.index, total.values, color="#333333", ls="--", lw=1.2, label="deterministic run")
    _year_axes(ax, "NdFeB magnet demand, kt per year",
               f"Total demand with Monte Carlo bands ({draws:,} draws), kt of magnet, {tag}")
    ax.legend(loc="upper left")
    plotting.source_note(fig, SEED, "Distributions from the scenario file: " + "; ".join(
        f"{demand.uncertain_label(k)} {v['dist']}" for k, v in distributions.items()) + ".")
    data = bands.merge(total.rename("deterministic_t").rename_axis("year").reset_index(), on="year", how="left")
    return Chart(fig, SEED, data, "monte_carlo")


__all__ = ["SECTOR_COLOURS", "against_outlooks", "by_sector", "element_content", "monte_carlo", "nowcast", "shares",
           "tornado", "waterfall", "waterfall_bars"]
