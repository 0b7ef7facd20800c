"""The seeds' price claims, each a small function that recomputes it from ``data/`` (notebook 01).

Each function takes the :class:`Inputs` (read once by :func:`inputs`) and returns a
:class:`analysis.claims.Claim`: the stated and the recomputed interval, the verdict of
:func:`analysis.claims.verdict`, and the arithmetic in words. :func:`seed_claims` lists them in the
order the notebook shows them, :func:`table` turns them into the notebook's table (columns
:data:`COLUMNS`). Where :mod:`analysis.consistency` already recomputes a claim (a ``claim_id`` of
``data/stated_changes.csv``), its interval is used.

Money values are on :data:`analysis.prices.CLAIM_BASIS` (USD/kg excl. VAT) unless the claim is in CNY. Why the
claims sit here and not in :mod:`analysis.prices`: see :mod:`analysis.claims`.

Rules: a growth claim against a comparator's ranges uses ``central=True`` (the central
recomputation must satisfy it; if only the favourable ends of the ranges do, the verdict is
:data:`analysis.claims.ONLY_AT_EXTREMES`); the rest use the overlap rule that
:mod:`analysis.consistency` uses.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from analysis import consistency, units
from analysis.claims import Claim, recomputed_interval
from analysis.claims import table as claims_table
from analysis.data import load, one
from analysis.formatting import amount
from analysis.prices import (PRODUCT_LABELS, claim_points, market_annual_means, metal_oxide_parity, metal_oxide_ratios,
                             price_mid, price_points, seed000_yearly)
from analysis.rounding import Interval

BASIS_TEXT = "USD/kg excl. VAT"

SOURCE_LABELS = {"seed000_farmonaut": "seed 000 (Farmonaut blog)",
                 "seed001_sunsirs": "seed 001 (SunSirs / Yangtze Nonferrous)",
                 "seed002_smm_forum": "seed 002 (SMM forum)"}

COLUMNS = {"claim": "statement", "source": lambda c: SOURCE_LABELS[c.source_id], "stated": "stated_text",
           "recomputed": "recomputed_text", "arithmetic": "inputs", "verdict": "verdict_text", "basis": "basis",
           "stated_value": "stated_value", "recomputed_value": "recomputed_value", "claim_id": "claim_id"}
"""The columns of the notebook's table: column -> :class:`analysis.claims.Claim` attribute (or function)."""

SURGE = "prc_seed000_surge_2021_2025"
DAY_MOVES = (("prc_seed001_ndmetal_day_pct", "prc_seed001_ndmetal_day_abs"),
             ("prc_seed001_ndoxide_day_pct", "prc_seed001_ndoxide_day_abs"))
BLANK_52UH = "prc_seed002_52uh_2024_pct"


@dataclass
class Inputs:
    """What the price claims read, once: the data and the recomputations they share."""

    prices: pd.DataFrame
    fx: pd.DataFrame | None
    stated: pd.DataFrame
    checks: pd.DataFrame
    raw: pd.DataFrame
    points: pd.DataFrame
    means: pd.DataFrame
    max_fx_gap_days: int
    max_interp_gap_months: int
    near_days: int


def inputs(prices: pd.DataFrame | None = None, fx: pd.DataFrame | None = None, stated: pd.DataFrame | None = None, *,
           max_fx_gap_days: int = 31, max_interp_gap_months: int = 3, near_days: int = 7) -> Inputs:
    """Read the data the claims use. ``near_days``: how far from seed 001's previous day to look
    for other quotes of the same product."""
    prices = load("prices") if prices is None else prices
    stated = load("stated_changes") if stated is None else stated
    checks = consistency.check_stated({"prices": prices, "stated_changes": stated[stated["dataset"] == "prices"]})
    raw = prices.copy()
    raw["price_mid"] = price_mid(raw)
    points = claim_points(prices, fx, max_fx_gap_days=max_fx_gap_days)
    means = market_annual_means(points, max_interp_gap_months=max_interp_gap_months)
    return Inputs(prices, fx, stated, checks, raw, points, means, max_fx_gap_days, max_interp_gap_months, near_days)


# --- helpers --------------------------------------------------------------------------------------

def _pct(value: Interval, base: Interval) -> Interval:
    return consistency.recompute("pct_change", value, base)


def _value_row(raw: pd.DataFrame, series: str, date: str) -> pd.Series:
    """The price row a stated_changes ``series`` (product:basis:assessor) and date point to."""
    product, basis, assessor = series.split(":")
    return one(raw, "prices.csv", product=product, basis=basis, assessor=assessor, date=pd.Timestamp(date))


def _surge(i: Inputs) -> tuple[pd.Series, int, int, str]:
    """Seed 000's "surged over 80%" row, its two years and how the table states it ('> 80%')."""
    s = one(i.stated, claim_id=SURGE)
    return s, int(s["period_key"][:4]), int(s["base_period"][:4]), f"{s['comparator']} {float(s['stated_value']):g}%"


def _surge_claim(i: Inputs, against: str, recomputed: Interval | None, recomputed_text: str, inputs_text: str,
                 basis: str, **kw) -> Claim:
    s, _, _, stated_text = _surge(i)
    return Claim.check(f"\"{s['passage']}\" - against {against}", s["source_id"], float(s["stated_value"]), recomputed,
                       inputs_text, comparator=s["comparator"], stated_text=stated_text,
                       recomputed_text=recomputed_text, basis=basis, **kw)


def _from_consistency(i: Inputs, claim_id: str, statement: str, arithmetic: str, **text) -> Claim:
    """A claim :mod:`analysis.consistency` recomputes: its stated figure and recomputed interval."""
    s, c = one(i.stated, claim_id=claim_id), one(i.checks, "consistency checks", claim_id=claim_id)
    return Claim.check(statement, s["source_id"], float(s["stated_value"]), recomputed_interval(c), arithmetic,
                       comparator=s["comparator"], claim_id=claim_id, **text)


# --- seed 000: "Neodymium prices surged over 80% between 2021 and 2025" ---------------------------

def surge_vs_own_table(i: Inputs) -> Claim:
    """The 80% surge against the blog's own yearly table (consistency's recomputation)."""
    s, y1, y0, stated_text = _surge(i)
    c = one(i.checks, "consistency checks", claim_id=SURGE)
    t1, t0 = _value_row(i.raw, s["series"], s["period_key"]), _value_row(i.raw, s["series"], s["base_period"])
    arithmetic = (f"table: {y1} ${t1.price_low:g}-{t1.price_high:g}/kg (mid {t1.price_mid:g}) vs {y0} ${t0.price_mid:g}/kg: "
                  f"{t1.price_mid:g} / {t0.price_mid:g} - 1 = {c['recomputed']:+.1f}% "
                  f"(rounding range {c['recomputed_low']:+.1f}% to {c['recomputed_high']:+.1f}%)")
    return _from_consistency(i, SURGE, f"\"{s['passage']}\" - against its own table", arithmetic,
                             stated_text=stated_text, recomputed_text=f"{c['recomputed']:+.1f}%",
                             basis="USD/kg as the blog states it")


def surge_vs_text_ranges(i: Inputs) -> Claim:
    """The 80% surge against the ranges the blog's text gives for the two years."""
    _, y1, y0, _ = _surge(i)
    text = i.raw[(i.raw["basis"] == "blog_estimate") & (i.raw["assessor"] == "Farmonaut (text)")]
    text = text.set_index(text["date"].dt.year)
    a, b = text.loc[y1], text.loc[y0]
    iv = _pct(Interval.of(a.price_mid, a.price_low, a.price_high), Interval.of(b.price_mid, b.price_low, b.price_high))
    arithmetic = (f"text: {y1} ${a.price_low:g}-{a.price_high:g} (mid {a.price_mid:g}) vs {y0} ${b.price_low:g}-{b.price_high:g} "
                  f"(mid {b.price_mid:g}): {a.price_mid:g} / {b.price_mid:g} - 1 = {iv.mid:+.1f}%; only the extreme pair "
                  f"{a.price_high:g} / {b.price_low:g} - 1 = {(a.price_high / b.price_low - 1) * 100:+.1f}% reaches the claim")
    return _surge_claim(i, "its own text ranges", iv, f"{iv.mid:+.1f}% (range {iv.lo:+.1f}% to {iv.hi:+.1f}%)",
                        arithmetic, "USD/kg as the blog states it", central=True)


def surge_vs_usgs(i: Inputs) -> Claim | None:
    """The 80% surge against the USGS (Argus) Nd oxide annual averages; ``None`` if USGS lacks a year."""
    _, y1, y0, _ = _surge(i)
    usgs = i.points[(i.points["basis"] == "annual_average") & (i.points["product"] == "nd_oxide")]
    usgs = usgs.set_index(usgs["date"].dt.year)["price_mid"]
    if y0 not in usgs or y1 not in usgs:
        return None
    iv = _pct(Interval.of(usgs[y1]), Interval.of(usgs[y0]))
    arithmetic = f"USGS Nd oxide (Argus) annual average {y1} {amount(usgs[y1])} / {y0} {amount(usgs[y0])} USD/kg - 1 = {iv.mid:+.1f}%"
    return _surge_claim(i, "USGS annual averages", iv, f"{iv.mid:+.1f}%", arithmetic,
                        "USD/kg, USGS annual average (VAT not stated)", central=True)


def surge_vs_domestic(i: Inputs, product: str) -> Claim:
    """The 80% surge against the annual means of a China-domestic grid (not checkable without both years)."""
    _, y1, y0, _ = _surge(i)
    m = i.means[i.means["product"] == product].set_index("year")
    against = f"China-domestic {PRODUCT_LABELS[product]} quotes"
    if y0 not in m.index or y1 not in m.index:
        have = ", ".join(str(y) for y in m.index) or "none"
        return _surge_claim(i, against, None, "n/a", f"no China-domestic {PRODUCT_LABELS[product]} quote in both {y0} "
                            f"and {y1} (years with quotes: {have})", BASIS_TEXT, central=True)
    a, b = m.loc[y1], m.loc[y0]
    iv = _pct(Interval(a.price_mid, a.price_low, a.price_high), Interval(b.price_mid, b.price_low, b.price_high))
    arithmetic = (f"mean of quoted months {y1} {amount(a.price_mid)} ({int(a.n_months)} months) / {y0} {amount(b.price_mid)} "
                  f"({int(b.n_months)} months) USD/kg - 1 = {iv.mid:+.1f}% (range from the quotes' low and high "
                  f"ends {iv.lo:+.1f}% to {iv.hi:+.1f}%)")
    return _surge_claim(i, against, iv, f"{iv.mid:+.1f}%", arithmetic, BASIS_TEXT + ", monthly FX", central=True)


# --- seed 000's yearly table ----------------------------------------------------------------------

def _position(r) -> str:
    """Where a seed 000 yearly figure lies against its comparators' range."""
    if math.isnan(r.comparator_low):
        return "no comparator"
    if r.seed_low > r.comparator_high:
        return f"the seed's low end is {(r.seed_low / r.comparator_high - 1) * 100:.0f}% above the highest comparator"
    if r.seed_high < r.comparator_low:
        return f"the seed's high end is {(1 - r.seed_high / r.comparator_low) * 100:.0f}% below the lowest comparator"
    return "the seed's figure is inside the comparators' range"


def yearly_estimates(i: Inputs) -> list[Claim]:
    """Each year of the blog's $/kg table, with its rounding, against the range its comparators span
    (:func:`analysis.prices.seed000_yearly`: USGS Nd oxide; China-domestic Nd oxide, Pr-Nd oxide and
    Nd metal annual means; the blog does not say metal or oxide). No comparator: not checkable."""
    out = []
    for r in seed000_yearly(i.points, max_interp_gap_months=i.max_interp_gap_months).itertuples():
        parts = [f"USGS Nd oxide {amount(r.usgs_nd_oxide)}"] if not math.isnan(r.usgs_nd_oxide) else ["no USGS average"]
        for product in ("nd_oxide", "prnd_oxide", "nd_metal"):
            n = getattr(r, f"{product}_domestic_months")
            if n:
                parts.append(f"{PRODUCT_LABELS[product]} domestic {amount(getattr(r, f'{product}_domestic_mean'))} ({n} mo)")
        none = math.isnan(r.comparator_low)
        out.append(Claim.check(
            f"Nd price per kg in {r.year} (yearly table)", r.source_id,
            Interval.of((r.seed_low + r.seed_high) / 2, r.seed_low, r.seed_high),
            None if none else Interval((r.comparator_low + r.comparator_high) / 2, r.comparator_low, r.comparator_high),
            "comparators: " + "; ".join(parts) + "; " + _position(r),
            stated_text=f"${r.seed_low:g}/kg" if r.seed_low == r.seed_high else f"${r.seed_low:g}-{r.seed_high:g}/kg",
            recomputed_text="n/a" if none else f"{amount(r.comparator_low)}-{amount(r.comparator_high)} USD/kg",
            basis=BASIS_TEXT))
    return out


# --- seed 001: one-day moves and the metal / oxide ratio ------------------------------------------

def one_day_move(i: Inputs, claim_id: str, abs_id: str) -> Claim:
    """A stated one-day move in % and in CNY/t: the previous-day price it implies, and the % on it."""
    s, c = one(i.stated, claim_id=claim_id), one(i.checks, "consistency checks", claim_id=claim_id)
    move = float(one(i.stated, claim_id=abs_id)["stated_value"])
    today = _value_row(i.raw, s["series"], s["period_key"])
    product, day, unit = today["product"], pd.Timestamp(s["base_period"]), today["price_unit"]
    base = today.price_mid - move
    raw = i.raw
    near = raw[(raw["product"] == product) & (raw["source_id"] != s["source_id"])
               & ((raw["date"] - day).abs() <= pd.Timedelta(days=i.near_days))]
    if near.empty:
        check_text = (f"no other {PRODUCT_LABELS[product]} quote within {i.near_days} days of {day.date()} in data/, "
                      "so the implied previous-day price is checked by arithmetic only")
    else:
        check_text = "nearby quotes: " + "; ".join(f"{r.date.date()} {amount(r.price_mid)} {r.price_unit} ({r.basis})"
                                                   for r in near.itertuples())
    arithmetic = (f"{today.price_mid:,.0f} - {move:,.0f} = {base:,.0f} {unit} on {day.date()}; {move:,.0f} / "
                  f"{base:,.0f} = {c['recomputed']:.2f}%; {check_text}")
    return _from_consistency(i, claim_id, f"\"{s['passage']}\"", arithmetic,
                             stated_text=f"+{move:,.0f} {unit}, +{c['stated']:g}%",
                             recomputed_text=f"{c['recomputed']:+.2f}% on an implied {base:,.0f} {unit}",
                             basis=f"{unit} incl. VAT as quoted")


def metal_oxide_ratio(i: Inputs) -> Claim:
    """Seed 001's Nd metal and Nd oxide prices of one day: does the metal cost at least the oxide it contains?

    Stated: the ratio of the two prices (exact). Recomputed: the ratios at which it does, from the
    stoichiometric parity Nd2O3 / 2 Nd up. Other Nd metal / oxide ratios in ``data/`` are listed.
    """
    metal_id, oxide_id = DAY_MOVES[0][0], DAY_MOVES[1][0]
    s = one(i.stated, claim_id=metal_id)
    metal = _value_row(i.raw, s["series"], s["period_key"])
    oxide = _value_row(i.raw, one(i.stated, claim_id=oxide_id)["series"], s["period_key"])
    ratio, parity, w = metal.price_mid / oxide.price_mid, metal_oxide_parity("nd_metal"), units.ATOMIC_WEIGHT
    cny_points = price_points(i.prices, i.fx, currency="CNY", unit="t", vat="incl", max_fx_gap_days=i.max_fx_gap_days)
    others = metal_oxide_ratios(cny_points)
    others = others[(others["pair"] == "Nd metal / Nd oxide") & (others["date"] != metal.date)]
    prem = (ratio / parity - 1) * 100
    arithmetic = (f"{metal.price_mid:,.0f} / {oxide.price_mid:,.0f} = {ratio:.4f}; stoichiometric parity Nd2O3 / 2 Nd = "
                  f"{2 * w['Nd'] + 3 * w['O']:.3f} / {2 * w['Nd']:.3f} = {parity:.4f}; the metal costs {prem:+.1f}% more than "
                  "the oxide it contains (a positive premium pays for reduction to metal); other Nd metal/oxide ratios in data/: "
                  + (", ".join(f"{r.date.date()} {r.ratio:.3f}" for r in others.itertuples()) or "none"))
    return Claim.check(f"Nd metal / Nd oxide price ratio on {metal.date.date()}", metal["source_id"],
                       Interval.exact(ratio), Interval(parity, parity, math.inf), arithmetic,
                       stated_text=f"{metal.price_mid:,.0f} / {oxide.price_mid:,.0f} {metal.price_unit}",
                       recomputed_text=f"{ratio:.4f} (parity {parity:.4f})", basis="ratio (basis cancels)")


# --- seed 002: the 52UH blank in 2024 -------------------------------------------------------------

def blank_52uh_2024(i: Inputs) -> Claim:
    """The 52UH blank's 2024 price rise (consistency's recomputation)."""
    s, c = one(i.stated, claim_id=BLANK_52UH), one(i.checks, "consistency checks", claim_id=BLANK_52UH)
    end_row, start_row = _value_row(i.raw, s["series"], s["period_key"]), _value_row(i.raw, s["series"], s["base_period"])
    arithmetic = (f"{end_row.price_mid:g} / {start_row.price_mid:g} - 1 = {c['recomputed']:.2f}% "
                  f"(rounding range {c['recomputed_low']:.2f}% to {c['recomputed_high']:.2f}%)")
    return _from_consistency(i, BLANK_52UH, f"\"{s['passage']}\"", arithmetic, stated_text=f"+{c['stated']:g}%",
                             recomputed_text=f"{c['recomputed']:+.2f}%", basis=f"{end_row.price_unit} as quoted")


# --- all of them ----------------------------------------------------------------------------------

def seed_claims(i: Inputs) -> list[Claim]:
    """Every seed price claim, in the order the notebook shows them."""
    out = [surge_vs_own_table(i), surge_vs_text_ranges(i), surge_vs_usgs(i),
           *(surge_vs_domestic(i, product) for product in ("nd_oxide", "prnd_oxide")),
           *yearly_estimates(i), *(one_day_move(i, pct, move) for pct, move in DAY_MOVES),
           metal_oxide_ratio(i), blank_52uh_2024(i)]
    return [c for c in out if c is not None]


def table(prices: pd.DataFrame | None = None, fx: pd.DataFrame | None = None, stated: pd.DataFrame | None = None, *,
          max_fx_gap_days: int = 31, max_interp_gap_months: int = 3, near_days: int = 7) -> pd.DataFrame:
    """The verdict table on the seeds' price claims (columns :data:`COLUMNS`): the claim in the
    source's words, the source, both sides as text with units, the arithmetic, the verdict, the
    basis, both sides as numbers and the ``claim_id`` of data/stated_changes.csv (if any)."""
    i = inputs(prices, fx, stated, max_fx_gap_days=max_fx_gap_days, max_interp_gap_months=max_interp_gap_months,
               near_days=near_days)
    return claims_table(seed_claims(i), COLUMNS)
