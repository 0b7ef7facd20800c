"""The seeds' demand claims (notebook 02): seed 002's stated growth rates, seed 003's humanoid robots.

- :func:`seed_checks`: what :func:`analysis.consistency.check` finds in seed 002's demand figures
  (its stated growth rates recomputed from the units it prints, the figures it states twice, the
  official releases beside it). Those rows are data-driven (``data/stated_changes.csv``,
  ``data/demand_china.csv``), so they stay in :mod:`analysis.consistency`, the one generic check,
  whose verdicts come from :func:`analysis.claims.verdict`; this module selects seed 002's rows and
  says in words which stated rates disagree (:func:`activity_rate_disagreements`,
  :func:`disagreement_text`).
- :func:`humanoid_claims`: seed 003's humanoid-robot figures and what they imply per robot, beside
  Tesla Optimus. These are figures derived from a claim, not a comparison with a verdict: seed 003
  states no mass per robot to check. Its one checkable figure, "2,000 t = 7% of global production
  in 2024", is checked in :func:`analysis.claims_supply.lingyi_share_of_production` (notebook 04).

Why the claims sit here and not in :mod:`analysis.demand`: see :mod:`analysis.claims`.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis import claims, consistency, units
from analysis.data import load, one
from analysis.demand import ANCHOR_YEARS, SECTOR_LABELS, SEED_SECTORS, SEED_SOURCE, seed_magnet_production
from analysis.text import md


def _capitalised(sector: str) -> str:
    label = SECTOR_LABELS[sector]
    return label[:1].upper() + label[1:]


# --- seed 002: stated growth rates against its own units ------------------------------------------

def seed_checks() -> pd.DataFrame:
    """:func:`analysis.consistency.check`'s rows on seed 002's demand figures (dataset demand_china), where it
    could check them: stated relations, conflicting statements, the official releases beside them."""
    stated = load("stated_changes")
    ids = set(stated.loc[stated["dataset"] == "demand_china", "claim_id"])
    table = consistency.check()
    mine = table["claim_id"].fillna("").map(lambda c: bool(ids & set(c.split(", ")))) | table["statement"].str.startswith("demand_china ")
    return table[mine & (table["verdict"] != claims.NOT_CHECKABLE)].reset_index(drop=True)


def activity_rate_disagreements() -> pd.DataFrame:
    """Sectors whose stated 2024->2025 activity growth disagrees with the units seed 002 prints.

    One row per sector: ``unit``, ``body_2024``, ``body_2025`` and ``headline_2025`` (activity),
    ``recomputed_pct`` (body 2025 over body 2024), ``stated_pct`` (the disagreeing rates, as text,
    each once), ``headline_pct`` (headline 2025 over body 2024) and ``headline_stated_pct`` (the
    rate the headline states).
    """
    checks = seed_checks()
    stated = load("stated_changes").set_index("claim_id")
    bad = checks[(checks["check"] == "stated relation") & (checks["verdict"] == claims.DISAGREES)]
    act = load("demand_china")
    act = act[(act["source_id"] == SEED_SOURCE) & (act["demand_metric"] == "activity")]
    rows = []
    for sector in SEED_SECTORS:
        ids = [c for c in bad["claim_id"] if stated.loc[c, "series"].split(":")[:2] == [sector, "activity"]
               and str(stated.loc[c, "period_key"]) == str(ANCHOR_YEARS[-1])]
        if not ids:
            continue
        a = act[act["sector"] == sector].set_index(["year", "statement"])
        body24, body25 = float(a.loc[(2024, "body"), "value"]), float(a.loc[(2025, "body"), "value"])
        head25 = float(a.loc[(2025, "headline"), "value"]) if (2025, "headline") in a.index else body25
        rates = sorted({float(stated.loc[c, "stated_value"]) for c in ids})
        head_claims = stated[(stated["dataset"] == "demand_china") & (stated["series"] == f"{sector}:activity:headline")
                             & (stated["period_key"].astype(str) == str(ANCHOR_YEARS[-1]))]
        rows.append({"sector": sector, "unit": a["unit"].iloc[0], "body_2024": body24, "body_2025": body25,
                     "headline_2025": head25, "recomputed_pct": (body25 / body24 - 1) * 100,
                     "stated_pct": " and ".join(f"{r:+g}%" for r in rates), "headline_pct": (head25 / body24 - 1) * 100,
                     "headline_stated_pct": " and ".join(f"{r:+g}%" for r in sorted(set(head_claims["stated_value"])))})
    return pd.DataFrame(rows)


ACTIVITY_UNIT_WORDS = {"million_units": "million", "GW": "GW", "units": "units"}


def disagreement_lines(table: pd.DataFrame | None = None) -> list[str]:
    """One Markdown bullet per sector whose stated 2024->2025 activity growth disagrees with seed 002's
    units (:func:`activity_rate_disagreements`): the units, the rate they give and the rate stated."""
    table = activity_rate_disagreements() if table is None else table
    lines = []
    for d in table.itertuples():
        u = md(ACTIVITY_UNIT_WORDS.get(d.unit, d.unit))
        line = (f"- {_capitalised(d.sector)}: {d.body_2024:,.5g} to {d.body_2025:,.5g} {u} is "
                f"**{d.recomputed_pct:+.1f}%**, not the stated {md(d.stated_pct)}")
        if d.headline_2025 != d.body_2025:
            line += (f" (the sub-heading's {d.headline_2025:,.5g} {u} would be {d.headline_pct:+.1f}%, against the "
                     f"{md(d.headline_stated_pct)} it states)")
        lines.append(line + ".")
    return lines


def disagreement_text(table: pd.DataFrame | None = None) -> str:
    """:func:`disagreement_lines` as one Markdown list, or a sentence saying every rate agrees."""
    lines = disagreement_lines(table)
    return "\n".join(lines) if lines else "Every stated activity growth rate agrees with the units."


def seed_checks_display(checks: pd.DataFrame) -> pd.DataFrame:
    """:func:`seed_checks` for the report: the statement without its dataset prefix, the columns that matter."""
    return checks.assign(statement=checks["statement"].str.replace("demand_china:", "", regex=False))[
        ["statement", "stated", "recomputed", "verdict", "inputs"]]


# --- seed 003: humanoid robots ------------------------------------------------------------------

def humanoid_claims() -> pd.DataFrame:
    """Seed 003's humanoid-robot figures and the intensity they imply, against Tesla Optimus' magnet per robot.

    ``key`` names each row for look-ups (``claims.set_index("key")["value"]``)."""
    mf = load("market_figures").set_index("metric")
    robots = float(mf.loc["lingyi_robots_assembled", "value_low"])
    tonnes = float(mf.loc["lingyi_annual_magnet_demand_increase", "value_low"])
    rings = float(mf.loc["magnet_rings_per_robot", "value_low"])
    share_pct = float(mf.loc["lingyi_demand_increase_share_of_global_production", "value_low"])
    optimus = float(_literature_row("humanoid_robot_optimus")["value_low"])
    implied = tonnes * units.KG_PER_T / robots
    prod = seed_magnet_production()
    china_2024 = {int(y): float(v) for y, v in zip(prod["year"], prod["mass_t"])}.get(2024)
    t_txt, robots_txt = f"{tonnes:,.0f} t", f"{robots:,.0f} robots"
    rows = [
        ("rings", "NdFeB magnet rings per robot (seed 003)", rings, "count", "a count, not a mass"),
        ("robots", "humanoid robots assembled by Lingyi (seed 003)", robots, "robots", "cumulative, no year stated"),
        ("tonnes", "annual magnet demand increase from Lingyi (seed 003)", tonnes, "t", f"'exceeding {t_txt}'"),
        ("implied_kg", f"implied magnet per robot: {t_txt} / {robots_txt}", implied, "kg/robot", "t x 1000 / robots"),
        ("optimus_kg", "Tesla Optimus magnet per robot (Pacific Forum)", optimus, "kg/robot", f"'at least {optimus:g} kilograms'"),
        ("ratio", "implied / Optimus", implied / optimus, "ratio", f"{math.floor(math.log10(implied / optimus))} orders of magnitude"),
        ("robots_at_optimus", f"robots needed for {t_txt} at the Optimus intensity", tonnes * units.KG_PER_T / optimus, "robots",
         "t x 1000 / kg per robot"),
        ("implied_global_t", f"global production implied by '{t_txt} = {share_pct:g}% of 2024'", tonnes / (share_pct / 100), "t",
         f"{tonnes:,.0f} / {share_pct / 100:g}"),
        ("china_2024_t", "China magnet production 2024 (seed 002)", china_2024, "t", "rare-earth permanent magnets"),
    ]
    return pd.DataFrame(rows, columns=["key", "figure", "value", "unit", "how"])


def _literature_row(application: str) -> pd.Series:
    return one(load("magnet_intensity"), "magnet_intensity.csv", application=application)


def humanoid_text(table: pd.DataFrame, kg_per_robot: float) -> str:
    """What seed 003's humanoid-robot figures imply, and why the model counts robots at ``kg_per_robot``
    (the scenario's ``humanoid_kg_per_robot``) instead (Markdown); ``table``: :func:`humanoid_claims`."""
    c = table.set_index("key")["value"]
    return (
        f"Seed 003: over {c['robots']:,.0f} robots assembled, over {c['tonnes']:,.0f} t a year of added magnet demand, more "
        f"than {c['rings']:.0f} NdFeB rings per robot. {c['tonnes']:,.0f} t over {c['robots']:,.0f} robots is "
        f"**{c['implied_kg']:,.0f} kg of magnet per robot**: {c['ratio']:,.0f} times the {c['optimus_kg']:g} kg per Tesla "
        f"Optimus, and heavier than most humanoid robots. The {c['tonnes']:,.0f} t must count far more robots than those "
        f"assembled so far (at {c['optimus_kg']:g} kg, {c['robots_at_optimus']:,.0f} a year), or another scope. Seed 003 also "
        f"calls it {c['tonnes'] / c['implied_global_t']:.0%} of global production in 2024, which puts global production at "
        f"{c['implied_global_t'] / 1000:,.1f} kt, "
        f"against China's {c['china_2024_t'] / 1000:,.1f} kt of magnet output in 2024. The model therefore uses a per-robot "
        f"figure (parameter `humanoid_kg_per_robot`, {kg_per_robot:g} kg here) and a robot count, never the "
        f"{c['tonnes']:,.0f} t.")
