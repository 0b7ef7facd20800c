"""The seeds' export claims, each a :class:`analysis.claims.Claim` (notebook 03).

Two kinds, each a small function returning a claim, listed by its own ``*_claims`` function:

- :func:`stated_relation`: a growth rate or ratio a source states about exports (a row of
  ``data/stated_changes.csv``), recomputed by :func:`analysis.consistency.check_stated` from the
  figures it relates (export gaps filled by :mod:`analysis.exports`, flagged as derived). A base or
  value derived from a statement of the same relation (the same rate for the same months, e.g.
  SMM's own -45% y/y) makes the check circular: :func:`analysis.claims.verdict` says
  :data:`analysis.claims.CIRCULAR` instead of counting it as a confirmation. Listed by
  :func:`relation_claims`, shown by :func:`relation_table` (columns :data:`RELATION_COLUMNS`);
- :func:`stated_level`: an export tonnage a source states, against every other source for the same
  destination and period, one part per source; the stated tonnage is read to the half tonne. No
  other source: :data:`analysis.claims.ONLY_SOURCE`. Listed by :func:`level_claims`, shown by
  :func:`level_table` (columns :data:`LEVEL_COLUMNS`).

Why the claims sit here and not in :mod:`analysis.impact`: see :mod:`analysis.claims`.
"""
from __future__ import annotations

import pandas as pd

from analysis import consistency, exports
from analysis.claims import ONLY_SOURCE, Claim, about, recomputed_interval
from analysis.claims import table as claims_table
from analysis.data import load
from analysis.rounding import Interval

CIRCULAR_BASE = "base derived from this statement"
"""The qualifier of a circular verdict."""

RELATION_COLUMNS = {"claim_id": "claim_id", "source_id": "source_id", "period": about("period"), "base": about("base"),
                    "series": about("series"), "relation": about("relation"), "stated": "stated_value",
                    "recomputed": "recomputed_value", "verdict": "verdict_text", "arithmetic": "inputs",
                    "derived_inputs": "note", "passage": about("passage")}
"""The columns of notebook 03's table of stated relations: column -> claim attribute (or function)."""

LEVEL_COLUMNS = {"source_id": "source_id", "destination": about("destination"), "period": about("period"),
                 "stated_t": "stated_value", "other_sources": "recomputed_text", "verdict": "verdict_text",
                 "passage": about("passage")}
"""The columns of notebook 03's table of stated tonnages: column -> claim attribute (or function)."""


def _source_ids(source_kind: str) -> set[str]:
    sources = load("sources")
    return set(sources.loc[sources["kind"] == source_kind, "source_id"])


# --- stated relations ----------------------------------------------------------------------------

def _figure_text(figures, series, period_key) -> tuple[str, str, str]:
    start, end = exports.parse_period_key(period_key)
    fig = figures.get((series, start, end))
    if fig is None:
        return "not in data", "missing", ""
    return f"{fig.value.mid:,.1f} t", fig.status, fig.formula


def _arithmetic(relation: str, check: pd.Series, value_txt: str, base_txt: str) -> str:
    if pd.isna(check["recomputed"]):
        return check["inputs"]
    if relation == "pct_change":
        return (f"{value_txt} / {base_txt} - 1 = {check['recomputed']:+.2f}% "
                f"(rounding range {check['recomputed_low']:+.2f}..{check['recomputed_high']:+.2f}%)")
    if relation == "ratio":
        return (f"{value_txt} / {base_txt} = {check['recomputed']:.3f} "
                f"(rounding range {check['recomputed_low']:.3f}..{check['recomputed_high']:.3f})")
    return f"{relation}: {check['recomputed']:.3f} from {value_txt} and {base_txt}"


def stated_relation(c, checks: pd.DataFrame, figures: dict, stated: pd.DataFrame) -> Claim:
    """One row ``c`` of ``data/stated_changes.csv`` about exports, as a claim: the stated value (with its
    comparator) against the interval :func:`analysis.consistency.check_stated` recomputes (``checks``,
    indexed by ``claim_id``); ``figures``: :func:`analysis.exports.derive`; ``stated``: every row of
    ``stated_changes.csv``, to find the statements of the same relation."""
    check = checks.loc[c.claim_id]
    base_series = c.base_series if isinstance(c.base_series, str) else c.series
    value_txt, value_status, value_formula = _figure_text(figures, c.series, c.period_key)
    base_txt, base_status, base_formula = _figure_text(figures, base_series, c.base_period)
    key = ["series", "period_key", "base_period", "relation"]
    twins = stated.loc[(stated[key] == [c.series, c.period_key, c.base_period, c.relation]).all(axis=1), "claim_id"]
    circular = any(f"({t})" in base_formula or f"({t})" in value_formula for t in twins)
    derived = [f"{lbl} ({period}) derived: {f}" for lbl, period, st, f in
               (("value", c.period_key, value_status, value_formula), ("base", c.base_period, base_status, base_formula))
               if st == "derived"]
    series = c.series if base_series == c.series else f"{c.series} vs {base_series}"
    return Claim.check(
        check["statement"], c.source_id, float(c.stated_value), recomputed_interval(check),
        _arithmetic(c.relation, check, value_txt, base_txt), comparator=c.comparator, circular=circular,
        claim_id=c.claim_id, note="; ".join(derived), qualifier=CIRCULAR_BASE if circular else "",
        about=(("period", c.period_key), ("base", c.base_period), ("series", series), ("relation", c.relation),
               ("passage", c.passage)))


def relation_claims(source_kind: str = "seed") -> list[Claim]:
    """Every export relation one kind of source (``sources.csv`` ``kind``) states, in ``stated_changes.csv`` order."""
    stated = load("stated_changes")
    mine = stated[(stated["dataset"] == "exports") & stated["source_id"].isin(_source_ids(source_kind))]
    checks = consistency.check_stated().set_index("claim_id")
    figures = exports.derive()
    return [stated_relation(c, checks, figures, stated) for c in mine.itertuples()]


def relation_table(source_kind: str = "seed") -> pd.DataFrame:
    """:func:`relation_claims` as notebook 03 shows them and its results file records (:data:`RELATION_COLUMNS`)."""
    return claims_table(relation_claims(source_kind), RELATION_COLUMNS)


# --- stated tonnages -----------------------------------------------------------------------------

def stated_level(r, rows: pd.DataFrame, own_ids: set[str]) -> Claim:
    """One export tonnage ``r`` (a row of ``exports.csv``) against every other source's figure for the
    same destination, period and scope (``rows``: every row; ``own_ids``: the sources of the same kind,
    not counted as others). Consistent when every other figure lies within half a tonne of it."""
    same = rows[(rows["destination"] == r.destination) & (rows["period_start"] == r.period_start)
                & (rows["period_end"] == r.period_end) & (rows["scope"] == r.scope) & ~rows["source_id"].isin(own_ids)]
    tonnes = r.value * exports.MASS_UNIT_TO_T[r.mass_unit]
    stated = Interval(tonnes, tonnes - 0.5, tonnes + 0.5)  # to the half tonne
    period = exports.period_label(pd.Period(r.period_start, "M"), pd.Period(r.period_end, "M"))
    text = {"about": (("destination", r.destination), ("period", period), ("passage", r.passage))}
    statement = f"exports {r.destination} {period}: {tonnes:,.1f} t"
    others = [(o.source_id, o.value * exports.MASS_UNIT_TO_T[o.mass_unit]) for o in same.itertuples()]
    if not others:
        return Claim.check(statement, r.source_id, stated, None, "no other source", unchecked=ONLY_SOURCE, **text)
    parts = [Claim.check(sid, sid, stated, v, f"{v:,.1f} t ({sid})") for sid, v in others]
    against = "; ".join(p.inputs for p in parts)
    return Claim.of_parts(statement, r.source_id, parts, against, recomputed_text=against, **text)


def level_claims(source_kind: str = "seed", rows: pd.DataFrame | None = None) -> list[Claim]:
    """Every export tonnage one kind of source states (``rows``: ``exports.csv`` unless given)."""
    rows = load("exports") if rows is None else rows
    ids = _source_ids(source_kind)
    return [stated_level(r, rows, ids) for r in rows[rows["source_id"].isin(ids)].itertuples()]


def level_table(source_kind: str = "seed", rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`level_claims` as notebook 03 shows them and its results file records (:data:`LEVEL_COLUMNS`)."""
    return claims_table(level_claims(source_kind, rows), LEVEL_COLUMNS)
