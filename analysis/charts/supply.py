"""Charts of notebook 04: supply balance and recycling.

Each function takes tables of :mod:`analysis.supply` and returns a :class:`analysis.charts.Chart`
whose ``data`` holds the values drawn, in t (kt on the axes) or %, with units in the column names.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

from analysis import demand, plotting
from analysis.charts import Chart, drawn_once
from analysis.charts.demand import SECTOR_COLOURS  # one colour per sector in every chart

KT = plotting.KT
QUOTA_COLOURS = {"rock": "#4c72b0", "ion_adsorption": "#dd8452", "total": "#9a9a9a"}
EXPORTS_COLOUR, RESIDUAL_COLOUR = "#555555", "#cccccc"
NEED_COLOUR, QUOTA_COLOUR, END_USES_COLOUR = "#d62728", "#2ca02c", "#1f77b4"
EDITION_BLUES = ["#8da0cb", "#4c72b0", "#1b3a6b"]
QUOTA_SHARE_BAND = (0.15, 0.30)  # the Pr-Nd shares of REO the requirement chart's quota band spans


def _split_ids(joined) -> list[str]:
    """Source ids from cells like ``"a, b"``, in order, each once."""
    return list(dict.fromkeys(i for cell in joined for i in str(cell).split(", ") if i))


def _kt_by_year(ax, ylabel: str) -> None:
    """Whole years on the x axis, tonnes shown as kt on the y axis, labelled ``ylabel``."""
    ax.yaxis.set_major_formatter(KT)
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)


@drawn_once
def quotas(quotas: pd.DataFrame) -> Chart:
    """China's mining quota by year, kt REO: rock-type and ion-adsorption stacked where the full-year split
    is known, the total in grey where it is not; the smelting/separation quota as a line; SMM's
    expected 2025 figures hatched. ``quotas``: :func:`analysis.supply.quota_table`.
    """
    fig, ax = plt.subplots()
    for r in quotas.itertuples():
        hatch = "//" if r.status == "expected" else None
        if pd.notna(r.mining_rock_t_reo):
            ax.bar(r.year, r.mining_rock_t_reo, color=QUOTA_COLOURS["rock"], hatch=hatch, edgecolor="white", width=0.6)
            ax.bar(r.year, r.mining_ion_adsorption_t_reo, bottom=r.mining_rock_t_reo, color=QUOTA_COLOURS["ion_adsorption"],
                   hatch=hatch, edgecolor="white", width=0.6)
        else:
            ax.bar(r.year, r.mining_total_t_reo, color=QUOTA_COLOURS["total"], width=0.6, edgecolor="white")
        ax.text(r.year, r.mining_total_t_reo, f"{r.mining_total_t_reo / 1000:,.0f}", ha="center", va="bottom", fontsize=8)
    sm = quotas.dropna(subset=["smelting_separation_t_reo"])
    published = sm[sm["status"] != "expected"]
    ax.plot(published["year"], published["smelting_separation_t_reo"], color="#222222", marker="o", lw=1.5,
            label="smelting/separation quota")
    if (sm["status"] == "expected").any():  # an expectation: dashed from the last published year, open marker
        tail = pd.concat([published.tail(1), sm[sm["status"] == "expected"]])
        ax.plot(tail["year"], tail["smelting_separation_t_reo"], color="#222222", ls="--", lw=1.2)
        ax.plot(tail["year"].iloc[1:], tail["smelting_separation_t_reo"].iloc[1:], ls="none", marker="o",
                markerfacecolor="white", markeredgecolor="#222222", label="smelting/separation: SMM expectation")
    first = quotas["year"].iloc[0]
    for key, label in (("rock", "mining: rock-type (light)"), ("ion_adsorption", "mining: ion-adsorption"),
                       ("total", "mining: total (split not published for the year)")):
        ax.bar([first], [0], color=QUOTA_COLOURS[key], label=label)
    ax.bar([first], [0], color="white", edgecolor="#555555", hatch="//", label="2025: SMM expectation (seed 002)")
    ax.yaxis.set_major_formatter(KT)
    ax.set_ylabel("quota, kt REO")
    ax.set_title(f"China's rare-earth quotas {quotas['year'].min()}-{quotas['year'].max()}, kt of rare-earth oxide (REO)")
    ax.legend(loc="upper left", fontsize=8)
    ids = _split_ids(quotas["source_ids"])
    plotting.source_note(fig, ids, "2025: SMM expectation, not a published quota; the 2025 mining total is rock + ion-adsorption.")
    data = quotas[["year", "status", "mining_rock_t_reo", "mining_ion_adsorption_t_reo", "mining_total_t_reo",
                   "smelting_separation_t_reo"]].reset_index(drop=True)
    return Chart(fig, ids, data, "quotas")


@drawn_once
def china_share(share: pd.DataFrame, claim: pd.Series) -> Chart:
    """China's share of world mine output, %, one bar per year and USGS edition, against a stated share
    range (``claim``: a market_figures.csv row with ``value_low``, ``value_high``, ``source_id``).
    ``share``: :func:`analysis.supply.china_share`.
    """
    fig, ax = plt.subplots()
    editions = sorted(share["edition"].unique())
    blues = EDITION_BLUES if len(editions) <= len(EDITION_BLUES) else sns.blend_palette(EDITION_BLUES, len(editions))
    palette = dict(zip(editions, blues))  # older editions lighter
    width = 0.3
    for year, g in share.groupby("year"):
        for j, r in enumerate(g.itertuples()):
            xpos = year + (j - (len(g) - 1) / 2) * width
            ax.bar(xpos, r.china_share_pct, width=width * 0.95, color=palette[r.edition])
            ax.text(xpos, r.china_share_pct + 1, f"{r.china_share_pct:.1f}%\n{r.edition}", ha="center", fontsize=7.5)
    ax.axhspan(claim["value_low"], claim["value_high"], color="#2ca02c", alpha=0.12,
               label=f"seed 000: 'over {claim['value_low']:g}-{claim['value_high']:g}%'")
    ax.set_ylim(0, 100)
    ax.set_xticks(sorted(share["year"].unique()))
    ax.set_ylabel("China's share of world mine output, %")
    ax.set_title("China's share of world rare-earth mine production, % of t REO, by USGS edition")
    ax.legend(loc="upper left", fontsize=8)
    ids = list(dict.fromkeys(list(share["source_id"]) + [claim["source_id"]]))
    plotting.source_note(fig, ids, "China and world always from the same edition. USGS's China figure is the mining quota.")
    data = share[["year", "edition", "china_t_reo", "world_t_reo", "china_share_pct"]].assign(
        stated_low_pct=float(claim["value_low"]), stated_high_pct=float(claim["value_high"])).reset_index(drop=True)
    return Chart(fig, ids, data, "china_share")


def _balance_parts(balance: pd.DataFrame, by_sector: pd.DataFrame) -> pd.DataFrame:
    """Long table of the balance bars: year, kind (end use, exports, residual), part, mass_t, left_t (where
    the bar starts). End uses with no demand in a year are left out; exports and the residual never are."""
    rows = []
    for r in balance.itertuples():
        left = 0.0
        parts = [("end use", s, float(by_sector.loc[r.year, s])) for s in demand.SECTORS if by_sector.loc[r.year, s] > 0]
        parts += [("exports", "magnet exports", r.exports_t), ("residual", "residual: other uses + stock change", r.residual_t)]
        for kind, part, v in parts:
            rows.append({"year": r.year, "production_status": r.production_status, "kind": kind,
                         "part": demand.SECTOR_LABELS.get(part, part), "sector": part if kind == "end use" else "",
                         "mass_t": v, "left_t": left, "production_t": r.production_t})
            left += v
    return pd.DataFrame(rows)


def magnet_balance(balance: pd.DataFrame, by_sector: pd.DataFrame, exports: pd.DataFrame) -> Chart:
    """Where China's magnet production goes, kt: the build-up's end uses by sector, magnet exports and the
    residual, one stacked bar per year. ``balance``: :func:`analysis.supply.magnet_balance`; ``by_sector``:
    :func:`analysis.demand.by_sector` of the run's demand; ``exports``: :func:`analysis.supply.annual_exports`.
    """
    parts = _balance_parts(balance, by_sector)
    fig, ax = plt.subplots()
    seen = set()
    for i, r in enumerate(balance.itertuples()):
        for q in parts[parts["year"] == r.year].itertuples():
            residual = q.kind == "residual"
            colour = SECTOR_COLOURS[q.sector] if q.kind == "end use" else (RESIDUAL_COLOUR if residual else EXPORTS_COLOUR)
            ax.barh(i, q.mass_t, left=q.left_t, height=0.55, label=None if q.part in seen else q.part, color=colour,
                    hatch="//" if residual else None, edgecolor="white" if residual else None)
            seen.add(q.part)
        ax.text(r.production_t, i, f"  {r.production_t / 1000:,.1f} kt produced", va="center", fontsize=8)
        for xpos, text in ((r.end_uses_t / 2, f"end uses {r.end_uses_pct:.0f}%"),
                           (r.end_uses_t + r.exports_t / 2, f"exports {r.exports_pct:.0f}%"),
                           (r.end_uses_t + r.exports_t + r.residual_t / 2, f"residual {r.residual_pct:.0f}%")):
            ax.text(xpos, i - 0.34, text, ha="center", va="bottom", fontsize=8)
    ax.set_yticks(range(len(balance)), [f"{r.year} ({r.production_status})" for r in balance.itertuples()])
    ax.set_xlim(0, balance["production_t"].max() * 1.2)
    ax.set_ylim(len(balance) - 0.3, -0.7)
    ax.xaxis.set_major_formatter(KT)
    ax.set_xlabel("NdFeB magnet, kt")
    ax.set_title(f"Where China's magnet production goes, kt of magnet, {balance['year'].min()}-{balance['year'].max()}")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    ids = list(dict.fromkeys([demand.SEED_SOURCE, *exports["source_ids"]]))
    plotting.source_note(fig, ids, "End uses: the demand build-up (2024 seed 002; 2025 a nowcast from actual activity where published, "
                                   "else seed 002). 2024 exports: Adamas, magnets and "
                                   "alloys (broader than customs). Residual computed as production minus end uses minus exports.")
    return Chart(fig, ids, parts.drop(columns=["left_t", "sector"]), "magnet_balance")


MARKERS = {"ndfeb": "o", "re_permanent_magnet": "s"}
PRODUCT_LABELS = {"ndfeb": "NdFeB", "re_permanent_magnet": "all RE permanent magnets"}


@drawn_once
def magnet_output_range(figures: pd.DataFrame, band: pd.DataFrame) -> Chart:
    """Every published figure for China's magnet output, kt by year, and the range the balance is read across.

    ``figures``: :func:`analysis.supply.magnet_output_figures`; ``band``: :func:`analysis.supply.balance_band`.
    Filled markers: actuals and estimates; hollow: forecasts; ringed red: the figure the balance uses.
    ``data``: one row per figure drawn, with the year's range (``range_low_t``, ``range_high_t``) where there is one.
    """
    fig, ax = plt.subplots()
    whole = figures[figures["form"] != "bonded"]
    for product, g in whole.groupby("magnet_product"):
        for forecast, h in g.groupby(g["status"] == "forecast"):
            ax.scatter(h["year"], h["mass_t"], marker=MARKERS[product], s=45, zorder=3,
                       facecolors="none" if forecast else "#4c72b0", edgecolors="#4c72b0",
                       label=f"{PRODUCT_LABELS[product]}, {'forecast' if forecast else 'actual or estimate'}")
    used = whole[whole["used_in_balance"]]
    ax.scatter(used["year"], used["mass_t"], s=160, facecolors="none", edgecolors="#d62728", lw=1.5, zorder=4,
               label="the figure the balance uses (SMM, seed 002)")
    span = band.pivot(index="year", columns="end", values="production_t")
    ax.vlines(span.index, span["low"], span["high"], color="#d62728", lw=6, alpha=0.25, zorder=2,
              label="range the balance is read across")
    _kt_by_year(ax, "magnet output, kt")
    ax.set_title(f"China's magnet output as published, kt, {figures['year'].min()}-{figures['year'].max()}: "
                 "what each figure counts differs")
    ax.legend(loc="upper left", fontsize=8)
    ids = list(dict.fromkeys(whole["source_id"]))
    plotting.source_note(fig, ids, "Blanks weigh more than finished magnets (machining loses about a quarter to a "
                                   "third); cerium grades (CeFeB) are excluded by some counts.")
    ranges = span[["low", "high"]].rename(columns={"low": "range_low_t", "high": "range_high_t"}).reset_index()
    data = whole[["year", "status", "mass_t", "magnet_product", "counts", "publisher", "used_in_balance", "source_id"]]
    return Chart(fig, ids, data.merge(ranges, on="year", how="left"), "magnet_output_range")


def requirement_path(path: pd.DataFrame, chain, source_ids: list[str], tag: str, quota_growth_pct_per_year: float,
                     other_uses_growth_pct_per_year: float) -> Chart:
    """Pr-Nd oxide needed each year (gross and net of recycled magnet, and the build-up's share of it) against
    the Pr-Nd oxide in China's mining quota, kt of oxide. ``path``: :func:`analysis.supply.requirement_path`;
    ``chain``: the run's :class:`analysis.supply.Chain`; ``source_ids``: :func:`analysis.supply.requirement_sources`;
    ``tag`` names the run in the title; the growth rates (% per year) go into the source note.
    """
    lo, hi = QUOTA_SHARE_BAND
    data = pd.DataFrame({
        "year": path["year"], f"quota_ndpr_oxide_at_{lo * 100:.0f}pct_t": path["mining_quota_t_reo"] * lo,
        f"quota_ndpr_oxide_at_{hi * 100:.0f}pct_t": path["mining_quota_t_reo"] * hi,
        "quota_ndpr_oxide_t": path["quota_ndpr_oxide_t"], "requirement_ndpr_oxide_t": path["requirement_ndpr_oxide_t"],
        "requirement_net_of_recycling_ndpr_oxide_t": path["requirement_ndpr_oxide_t"] - path["recycled_ndpr_oxide_t"],
        "end_uses_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(path["end_uses_t"])}).reset_index(drop=True)
    band_lo, band_hi = data.columns[1], data.columns[2]
    fig, ax = plt.subplots()
    ax.fill_between(data["year"], data[band_lo], data[band_hi], color=QUOTA_COLOUR, alpha=0.15,
                    label=f"mining quota's Pr-Nd oxide at a {lo * 100:.0f}-{hi * 100:.0f}% share")
    ax.plot(data["year"], data["quota_ndpr_oxide_t"], color=QUOTA_COLOUR, lw=2,
            label=f"mining quota's Pr-Nd oxide at {chain.ndpr_share_of_reo:.0%} (assumption)")
    ax.plot(data["year"], data["requirement_ndpr_oxide_t"], color=NEED_COLOUR, lw=2, marker="o", ms=4,
            label="needed: China's magnet output (2024-25), then build-up + exports + other")
    ax.plot(data["year"], data["requirement_net_of_recycling_ndpr_oxide_t"], color=NEED_COLOUR, ls=":", lw=1.8,
            label="needed, net of recycled end-of-life magnet")
    ax.plot(data["year"], data["end_uses_ndpr_oxide_t"], color=END_USES_COLOUR, lw=1.5, ls="--",
            label="of which the build-up's seven end uses")
    projected = path.loc[path["basis"] != "projection", "year"].max()
    ax.axvline(projected, color="#444444", ls="--", lw=0.8)
    ax.text(projected, 0.02, " projection →", transform=ax.get_xaxis_transform(), va="bottom", fontsize=8)
    ax.set_ylim(0, max(data["requirement_ndpr_oxide_t"].max(), data[band_hi].max()) * 1.45)
    _kt_by_year(ax, "Pr-Nd oxide, kt")
    ax.set_title(f"Pr-Nd oxide needed vs. held in China's mining quota, kt of oxide, {tag}")
    ax.legend(loc="upper left", fontsize=7.5)
    plotting.source_note(fig, source_ids, "Conversion: analysis.supply.Chain. After 2025: exports and other uses grow at "
                                          f"{other_uses_growth_pct_per_year:g}%/yr, the quota at {quota_growth_pct_per_year:g}%/yr "
                                          "(parameters).")
    return Chart(fig, source_ids, data, "requirement_path")


def end_of_life(eol: pd.DataFrame, yearly: pd.DataFrame, source_ids: list[str], tag: str, first_modelled_year: int,
                collection_rate: float, recovery_rate: float) -> Chart:
    """End-of-life magnet by sector (stacked) and the recycled magnet it gives, kt of magnet per year.

    ``eol``: :func:`analysis.supply.eol_by_sector`; ``yearly``: :func:`analysis.supply.recycling_by_year`;
    ``source_ids``: :func:`analysis.supply.recycling_sources`; years before ``first_modelled_year`` are
    shaded as back-cast; the rates (fractions) go into the source note.
    """
    start = int(eol.index.min())
    sectors = [s for s in demand.SECTORS if s in eol.columns]
    fig, ax = plt.subplots()
    ax.stackplot(eol.index, *[eol[s] for s in sectors], labels=[f"end of life: {demand.SECTOR_LABELS[s]}" for s in sectors],
                 colors=[SECTOR_COLOURS[s] for s in sectors], alpha=0.85)
    ax.plot(yearly.index, yearly["recycled_t"], color="black", lw=2, label="recycled magnet (collected x recovered)")
    ax.axvspan(start - 0.5, first_modelled_year - 0.5, color="#bbbbbb", alpha=0.25, lw=0)
    ax.text(start, 0.97, " inflows back-cast (assumption)", transform=ax.get_xaxis_transform(), va="top", fontsize=8)
    _kt_by_year(ax, "NdFeB magnet, kt per year")
    ax.set_title(f"End-of-life magnet flow and recycled magnet, kt of magnet, {tag}")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=7.5)
    plotting.source_note(fig, source_ids, f"Inflows from {first_modelled_year}: the demand build-up. Lifetimes, back-cast growth, "
                                          f"collection ({collection_rate:.0%}) and recovery ({recovery_rate:.0%}) rates: "
                                          "parameters (assumptions).")
    data = eol[sectors].rename(columns=lambda s: f"eol_{s}_t").assign(recycled_t=yearly["recycled_t"])
    return Chart(fig, source_ids, data.rename_axis("year").reset_index(), "end_of_life")


def crma_yardstick(crma: pd.DataFrame, tag: str, source_ids: list[str]) -> Chart:
    """Horizontal bars: recycled NdFeB the CRMA Art. 5 benchmark would need vs what end-of-life magnets give, kt.

    ``crma``: one row of :func:`analysis.supply.crma_comparison`; ``tag`` names the scenario in the title.
    """
    c = crma.iloc[0]
    bars = pd.DataFrame({"bar": [f"needed: {c.benchmark_share_pct:.0f}% of {c.year} consumption ({c.scope})",
                                 "recycled from end-of-life magnets"],
                         "mass_t": [c.needed_recycled_t, c.recycled_t], "colour": [NEED_COLOUR, END_USES_COLOUR]})
    fig, ax = plt.subplots(figsize=(10, 3.0))
    for i, b in enumerate(bars.itertuples()):
        ax.barh(i, b.mass_t, color=b.colour, height=0.6)
        ax.text(b.mass_t, i, f"  {b.mass_t:,.0f} t", va="center", fontsize=9)
    ax.set_yticks(range(len(bars)), list(bars["bar"]), fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, bars["mass_t"].max() * 1.3)
    ax.xaxis.set_major_formatter(KT)
    ax.set_xlabel("NdFeB magnet, kt")
    ax.set_title(f"CRMA Art. 5 yardstick {c.year}: recycled NdFeB needed vs. available, kt ({tag})")
    plotting.source_note(fig, source_ids, f"Benchmark: {c.benchmark}, an EU recycling-capacity benchmark applied "
                                          "to China's build-up as a yardstick (no EU demand is in data/).")
    return Chart(fig, source_ids, bars.drop(columns=["colour"]).assign(year=int(c.year)), "crma_yardstick")
