"""Claims and their verdicts: one vocabulary, and the rule that only a supported claim is used.

Two families of claims are checked in this project:

- **figures** a source states (a growth rate, a price range, a share): recomputed from the data
  by :mod:`analysis.consistency`, :mod:`analysis.prices` and the topic modules, with the verdicts
  :data:`CONSISTENT`, :data:`DISAGREES`, :data:`NOT_CHECKABLE` and :data:`ONLY_AT_EXTREMES`;
- **policy claims** about a law, regulation, licence regime or public funding: read against the
  primary text (``data/policy_claims.csv``), with the verdicts :data:`POLICY_VERDICTS`.

A policy claim that is not :data:`SUPPORTED` is never a model input or a yardstick:
:func:`require_supported` is called by every function that takes one (e.g.
:func:`analysis.supply.crma_target`), and raises :class:`UnsupportedClaimError` otherwise.
"""
from __future__ import annotations

import pandas as pd

from analysis import cache
from analysis.data import load

# --- figures recomputed from the data -------------------------------------------------------------
CONSISTENT = "consistent"
DISAGREES = "disagrees"
NOT_CHECKABLE = "not checkable"
ONLY_AT_EXTREMES = "only at range extremes"

# --- policy claims read against their primary texts -----------------------------------------------
SUPPORTED = "supported"
PARTLY_SUPPORTED = "partly supported"
NOT_SUPPORTED = "not supported"
PRIMARY_NOT_FOUND = "primary text not found"
POLICY_VERDICTS = (SUPPORTED, PARTLY_SUPPORTED, NOT_SUPPORTED, PRIMARY_NOT_FOUND)


class UnsupportedClaimError(ValueError):
    """A claim whose primary text does not support it was about to be used as an input."""


@cache.on_data
def policy_claims() -> pd.DataFrame:
    """Every policy claim with its event (date, label, the claim's own passage) and its verdict."""
    claims = load("policy_claims")
    events = load("events")[["event_id", "date", "label", "passage"]].rename(
        columns={"passage": "claim_passage", "date": "event_date"})
    out = claims.merge(events, on="event_id", how="left")
    order = {v: i for i, v in enumerate(POLICY_VERDICTS)}
    out["_order"] = out["verdict"].map(order)
    return out.sort_values(["_order", "event_date", "claim_id"], na_position="first").drop(columns="_order").reset_index(drop=True)


def policy_claim(claim_id: str) -> pd.Series:
    """One row of :func:`policy_claims`."""
    table = policy_claims()
    rows = table[table["claim_id"] == claim_id]
    if len(rows) != 1:
        raise LookupError(f"policy_claims.csv: expected one row for claim_id {claim_id!r}, found {len(rows)}")
    return rows.iloc[0]


def require_supported(claim_id: str) -> pd.Series:
    """The claim, if its primary text supports it; else :class:`UnsupportedClaimError` naming the verdict."""
    row = policy_claim(claim_id)
    if row["verdict"] != SUPPORTED:
        raise UnsupportedClaimError(f"claim {claim_id!r} is {row['verdict']!r} by its primary text ({row['primary_text']}); "
                                    f"it cannot be a model input or yardstick: {row['reason']}")
    return row


def verdict_counts() -> dict[str, int]:
    """How many policy claims have each verdict, in the vocabulary's order."""
    counts = policy_claims()["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in POLICY_VERDICTS}


def overview_table() -> pd.DataFrame:
    """The policy claims as a reader needs them: claim, who made it, primary text, verdict, why."""
    t = policy_claims()
    label = t["label"].fillna(t["claim_id"])
    return pd.DataFrame({"claim": label, "claimed by": t["claimed_by"], "primary text": t["primary_text"],
                         "verdict": t["verdict"], "why": t["reason"], "used as": t["model_use"]})
