"""Charts of notebook 04: supply balance and recycling."""
from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd

from analysis import plotting

KT = mticker.FuncFormatter(lambda x, _: f"{x / 1000:,.0f}")


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
