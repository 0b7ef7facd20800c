"""The seeds' supply claims, each a small function that recomputes it from ``data/`` (notebook 04).

Each function returns a :class:`analysis.claims.Claim` (its stated and recomputed intervals, the
verdict of :func:`analysis.claims.verdict`, the arithmetic in words and what the verdict rests on);
a claim about several years is checked year by year (:meth:`analysis.claims.Claim.of_parts`).
:func:`seed_claims` lists them in the order the notebook shows them, :func:`table` turns them into
the notebook's table (columns :data:`COLUMNS`). Why the claims sit here and not in
:mod:`analysis.supply`: see :mod:`analysis.claims`.
"""
from __future__ import annotations

import pandas as pd

from analysis import consistency, demand
from analysis.claims import CONSISTENT, PLAUSIBLE, Claim, recomputed_interval
from analysis.claims import table as claims_table
from analysis.data import load, one
from analysis.rounding import Interval
from analysis.supply import (ND_VOLUME_METRIC, Chain, china_share, latest_world_output, market_figure, nd_volume_check,
                             quota_table, seed000_volume_interval, usgs_editions)

COLUMNS = {"claim": "statement", "source_id": "source_id", "stated": "stated_text", "recomputed": "recomputed_text",
           "verdict": "verdict_text", "explanation": "note"}
"""The columns of the notebook's table: column -> :class:`analysis.claims.Claim` attribute."""

LINGYI = "mf_lingyi_demand_share_world_production_2024"
FRACTION_WORDS = {2: "a half", 3: "a third", 4: "a quarter", 5: "a fifth", 6: "a sixth", 7: "a seventh",
                  8: "an eighth", 9: "a ninth", 10: "a tenth"}


def _pct(value: Interval, base: Interval) -> Interval:
    return consistency.recompute("pct_change", value, base)


def _about_fraction(part: float, whole: float) -> str:
    """'a ninth' for 28,571 of 246,500."""
    n = round(whole / part)
    return FRACTION_WORDS.get(n, f"1/{n}")


def mining_output_rise(balance: pd.DataFrame) -> Claim:
    """Seed 000: "By 2025, global neodymium mining output must rise by 25%", against USGS world mine
    output in the claim's year and the year before (the latest edition, with its rounding); China's
    quota, seed 002's own end uses and China's magnet output are given for context."""
    rise = market_figure("required_mining_output_increase")
    y1, stated = int(rise["year"]), float(rise["value_low"])
    world = latest_world_output().set_index("year")
    edition = world.loc[y1, "edition"]
    w = usgs_editions()
    w1, w0 = float(world.loc[y1, "world_t_reo"]), float(w[w["country"] == "World"].set_index("year").loc[y1 - 1, edition])
    iv = _pct(Interval.of(w1), Interval.of(w0))
    quotas = quota_table().set_index("year")["mining_total_t_reo"]
    totals = demand.seed_arithmetic().groupby("year")["demand_t"].sum()  # seed 002's own end uses, as the note says
    bal = balance.set_index("year")["production_t"]
    growth = {name: (s.loc[y1] / s.loc[y1 - 1] - 1) * 100 for name, s in (("quota", quotas), ("end uses", totals), ("magnets", bal))}
    return Claim.check(
        f"global Nd mining output must rise by {stated:g}% by {y1}", rise["source_id"], stated, iv,
        f"USGS {edition} world mine output {y1} {w1:,.0f} / {y1 - 1} {w0:,.0f} t REO - 1 = {iv.mid:+.1f}% "
        f"(rounding range {iv.lo:+.1f}% to {iv.hi:+.1f}%)", comparator=rise["comparator"],
        stated_text=f"+{stated:g}% (base year not stated)",
        recomputed_text=f"world mine output {y1 - 1}-{y1}: {iv.mid:+.1f}% ({edition}); China mining quota {growth['quota']:+.1f}%",
        note=f"Output did not rise {stated:g}%. A {stated:g}% rise matches seed 002's growth of the seven end uses "
             f"({growth['end uses']:+.1f}% {y1 - 1}-{y1}), but China's magnet production is expected to grow "
             f"{growth['magnets']:+.1f}%: the end uses take a larger share of a slower-growing total.")


def china_share_of_output() -> Claim:
    """Seed 000: China controls "over 60-70% of global neodymium output", against China's share of
    USGS world mine output in every year and edition (each with the rounding of both figures).

    The claim is read as its stated range, with its rounding ("over" widens nothing); it holds if
    every year's share is consistent with it.
    """
    share = market_figure("china_share_global_nd_output")
    lo, hi = float(share["value_low"]), float(share["value_high"])
    stated = Interval.of((lo + hi) / 2, lo, hi)
    cs = china_share()
    parts = [Claim.check(f"{r.year} {r.edition}", r.source_id, stated,
                         (Interval.of(r.china_t_reo) / Interval.of(r.world_t_reo)).map(lambda x: x * 100),
                         f"China {r.china_t_reo:,.0f} / world {r.world_t_reo:,.0f} t REO = {r.china_share_pct:.1f}%")
             for r in cs.itertuples()]
    return Claim.of_parts(
        f"China controls over {lo:g}-{hi:g}% of global neodymium output", share["source_id"], parts,
        "; ".join(f"{p.statement}: {p.inputs}" for p in parts), stated_text=f"over {lo:g}-{hi:g}%",
        recomputed_text="; ".join(f"{r.year} {r.edition}: {r.china_share_pct:.1f}%" for r in cs.itertuples()),
        qualifier="mine output",
        note="USGS counts all rare earths mined (t REO), not neodymium, and takes China's figure from its "
             "quota (no undocumented output). For separation and magnets China's share is higher: "
             "89-90% of NdFeB (magnet_production.csv).")


def lingyi_share_of_production(balance: pd.DataFrame) -> Claim:
    """Seed 003: ">2,000 t ... equivalent to 7% of global production in 2024", recomputed by
    :mod:`analysis.consistency` against China's 2024 magnet output alone."""
    s, c = one(load("stated_changes"), claim_id=LINGYI), one(consistency.check(), "consistency checks", claim_id=LINGYI)
    tonnes = float(market_figure("lingyi_annual_magnet_demand_increase")["value_low"])
    china = float(balance.set_index("year").loc[2024, "production_t"])
    implied = tonnes / c["stated"] * 100
    return Claim.check(
        f"{tonnes:,.0f} t of magnet = {c['stated']:g}% of global production in 2024", s["source_id"],
        float(s["stated_value"]), recomputed_interval(c), f"{c['statement']}: {c['inputs']}",
        comparator=s["comparator"], claim_id=LINGYI, stated_text=f"{c['stated']:g}%",
        recomputed_text=f"{c['recomputed']:.2f}% of China's 2024 magnet output alone ({c['inputs']})",
        note=f"{c['stated']:g}% would put global production at {implied:,.0f} t, about {_about_fraction(implied, china)} "
             f"of China's {china:,.0f} t of magnet in 2024.")


def nd_production_volume(chain: Chain) -> Claim:
    """Seed 000's "global production volume" of neodymium, year by year, against the span from the
    Nd-metal to the Nd2O3 equivalent of USGS world mine output (:func:`analysis.supply.nd_volume_check`,
    latest edition per year). The seed does not say what it counts, so a year inside the span is
    consistent, and some years inside make it a :data:`analysis.claims.PLAUSIBLE` order of magnitude.
    """
    nd = nd_volume_check(chain)
    latest = nd.sort_values(["year", "edition"]).groupby("year").tail(1)
    mf = load("market_figures")
    source_id = ", ".join(mf.loc[mf["metric"] == ND_VOLUME_METRIC, "source_id"].unique())  # one row a year
    parts = [Claim.check(str(r.year), source_id, seed000_volume_interval(r.seed000_stated_t),
                         Interval((r.usgs_nd_metal_t + r.usgs_nd_oxide_t) / 2, r.usgs_nd_metal_t, r.usgs_nd_oxide_t),
                         f"USGS {r.edition} world {r.usgs_world_t_reo:,.0f} t REO x {chain.ndpr_share_of_reo:.0%} Pr-Nd "
                         f"x {1 - chain.pr_share_of_ndpr:.0%} Nd2O3 = {r.usgs_nd_oxide_t:,.0f} t Nd2O3 "
                         f"({r.usgs_nd_metal_t:,.0f} t Nd metal)")
             for r in latest.itertuples()]
    inside = sum(p.verdict == CONSISTENT for p in parts)
    return Claim.of_parts(
        f"global neodymium production volume, {latest['year'].min()}-{latest['year'].max()} "
        "(the seed 000 table's years USGS also covers), t", source_id, parts,
        "; ".join(f"{p.statement}: {p.inputs}" for p in parts), partly=PLAUSIBLE,
        stated_text=", ".join(f"{r.year}: {r.seed000_stated_t:,.0f}" for r in latest.itertuples()),
        recomputed_text=", ".join(f"{r.year}: {r.usgs_nd_metal_t:,.0f}-{r.usgs_nd_oxide_t:,.0f} t Nd metal-Nd2O3 ({r.edition})"
                                  for r in latest.itertuples()),
        qualifier=f"{inside} of {len(parts)} years inside the span",
        note=f"The seed does not say if it counts metal or oxide, mine or refinery output. Against USGS "
             f"REO at a {chain.ndpr_share_of_reo:.0%} Pr-Nd share it implies a Pr-Nd share of "
             f"{latest['implied_ndpr_share_pct'].min():.1f}-{latest['implied_ndpr_share_pct'].max():.1f}% "
             f"(oxide basis): it rests on the assumed share as much as on the seed.")


def seed_claims(chain: Chain, balance: pd.DataFrame) -> list[Claim]:
    """Every seed supply claim, in the order the notebook shows them. ``balance``:
    :func:`analysis.supply.magnet_balance`."""
    return [mining_output_rise(balance), china_share_of_output(), lingyi_share_of_production(balance),
            nd_production_volume(chain)]


def table(chain: Chain, balance: pd.DataFrame) -> pd.DataFrame:
    """The seeds' supply claims, each recomputed from data/ with a verdict and what it rests on (:data:`COLUMNS`)."""
    return claims_table(seed_claims(chain, balance), COLUMNS)
