"""Charts of notebook 04: supply balance and recycling."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd

from analysis import plotting

KT = plotting.KT


def crma_yardstick(crma: pd.DataFrame, tag: str, source_ids: list[str]) -> tuple[plt.Figure, list[str]]:
    """Horizontal bars: recycled NdFeB the CRMA Art. 5 benchmark would need vs what end-of-life magnets give, kt.

    ``crma``: one row of :func:`analysis.supply.crma_comparison`; ``tag`` names the scenario in the title.
    """
    c = crma.iloc[0]
    bars = [(f"needed: {c.benchmark_share_pct:.0f}% of {c.year} consumption ({c.scope})", c.needed_recycled_t, "#d62728"),
            ("recycled from end-of-life magnets", c.recycled_t, "#1f77b4")]
    fig, ax = plt.subplots(figsize=(10, 3.0))
    for i, (label, v, colour) in enumerate(bars):
        ax.barh(i, v, color=colour, height=0.6)
        ax.text(v, i, f"  {v:,.0f} t", va="center", fontsize=9)
    ax.set_yticks(range(len(bars)), [b[0] for b in bars], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(b[1] for b in bars) * 1.3)
    ax.xaxis.set_major_formatter(KT)
    ax.set_xlabel("NdFeB magnet, kt")
    ax.set_title(f"CRMA Art. 5 yardstick {c.year}: recycled NdFeB needed vs. available, kt ({tag})")
    plotting.source_note(fig, source_ids, f"Benchmark: {c.benchmark}, an EU recycling-capacity benchmark applied "
                                          "to China's build-up as a yardstick (no EU demand is in data/).")
    return fig, source_ids


MARKERS = {"ndfeb": "o", "re_permanent_magnet": "s"}
PRODUCT_LABELS = {"ndfeb": "NdFeB", "re_permanent_magnet": "all RE permanent magnets"}


def magnet_output_range(figures: pd.DataFrame, band: pd.DataFrame) -> tuple[plt.Figure, list[str]]:
    """Every published figure for China's magnet output, kt by year, and the range the balance is read across.

    ``figures``: :func:`analysis.supply.magnet_output_figures`; ``band``: :func:`analysis.supply.balance_band`.
    Filled markers: actuals and estimates; hollow: forecasts; ringed red: the figure the balance uses.
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
    ax.yaxis.set_major_formatter(KT)
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set_ylabel("magnet output, kt")
    ax.set_title("China's magnet output as published, kt, 2019-2025: what each figure counts differs")
    ax.legend(loc="upper left", fontsize=8)
    ids = list(dict.fromkeys(whole["source_id"]))
    plotting.source_note(fig, ids, "Blanks weigh more than finished magnets (machining loses about a quarter to a "
                                   "third); cerium grades (CeFeB) are excluded by some counts.")
    return fig, ids
