"""Claims and their verdicts: one vocabulary, one :func:`verdict`, one record, one table.

Where claims live
-----------------
- **here**: the verdict words (constants: never type them elsewhere), :func:`verdict`, the
  :class:`Claim` record, :func:`table` (claims -> the table a notebook shows and its results file
  records), and the policy claims read against their primary texts;
- :mod:`analysis.claims_prices`: the seeds' price claims (notebook 01);
- :mod:`analysis.claims_supply`: the seeds' supply claims (notebook 04);
- :mod:`analysis.claims_exports`: the seeds' export claims (notebook 03): each stated growth rate or
  ratio (circular where its base was derived from the statement itself) and each stated tonnage
  against the other sources;
- :mod:`analysis.claims_demand`: the seeds' demand claims (notebook 02): seed 002's stated growth
  rates against its own units, seed 003's humanoid-robot figures and what they imply;
- :mod:`analysis.consistency`: the generic check of every growth rate, ratio, share and total
  stated in ``data/stated_changes.csv`` and of figures stated twice (notebook 00), with
  :func:`verdict` and these words. The export and demand claims read its rows rather than
  recompute them.

The seed claims sit in their own ``claims_<topic>.py`` modules, next to this one, rather than at
the end of ``prices.py``, ``supply.py``, ``impact.py`` and ``demand.py``: ``ls analysis/claims*``
lists every seed claim the project checks, a claim module reads its topic module and never the
reverse, and the topic modules keep to their models. To add a claim, write a small function that
returns a :class:`Claim` (build it with :meth:`Claim.check`, which calls :func:`verdict`, or with
:meth:`Claim.of_parts`) and add it to its module's list; the table, the notebook and the results
file follow. Seed 003's humanoid-robot figures (:func:`analysis.claims_demand.humanoid_claims`)
stay a table of derived figures: seed 003 states no mass per robot to compare, so there is no
verdict to give.

Verdicts
--------
- **figures** a source states, recomputed from ``data/``: :data:`CONSISTENT`, :data:`ONLY_AT_EXTREMES`,
  :data:`PLAUSIBLE`, :data:`DISAGREES`, :data:`NOT_CHECKABLE`, and for export statements
  :data:`CIRCULAR` (``verdict(..., circular=True)``) and :data:`ONLY_SOURCE`
  (``verdict(..., unchecked=ONLY_SOURCE)``) (:data:`FIGURE_VERDICTS`);
- **the model's own conclusions** across the range of published inputs: :data:`HOLDS`,
  :data:`FAILS`, :data:`DEPENDS` (:data:`ROBUSTNESS_VERDICTS`, :func:`robustness`);
- **policy claims** about a law, regulation, licence regime or public funding: read against the
  primary text (``data/policy_claims.csv``), with the verdicts :data:`POLICY_VERDICTS`.

A verdict may carry a qualifier in brackets (``consistent (mine output)``): :func:`qualified`.

A policy claim that is not :data:`SUPPORTED` is never a model input or a yardstick:
:func:`require_supported` is called by every function that takes one (e.g.
:func:`analysis.supply.crma_target`), and raises :class:`UnsupportedClaimError` otherwise.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

import pandas as pd

from analysis import cache
from analysis.data import load, one
from analysis.rounding import Interval

# --- figures recomputed from the data -------------------------------------------------------------
CONSISTENT = "consistent"
"""Some value in the recomputed interval satisfies the claim (:func:`verdict`); with ``central=True``,
the central recomputation does."""
ONLY_AT_EXTREMES = "only at range extremes"
"""Only the most favourable ends of the published ranges satisfy the claim (``central=True``)."""
PLAUSIBLE = "plausible order of magnitude"
"""A figure whose scope the source leaves open (metal or oxide, mine or refinery) is inside the span
of its readings in some, not all, of its years."""
DISAGREES = "disagrees"
"""No rounding of the published figures satisfies the claim."""
NOT_CHECKABLE = "not checkable"
"""``data/`` has no comparator."""
CIRCULAR = "circular"
"""The recomputation rests on a figure derived from the statement itself: not a confirmation."""
ONLY_SOURCE = "only source"
"""No other source states the figure."""
FIGURE_VERDICTS = (CONSISTENT, ONLY_AT_EXTREMES, PLAUSIBLE, DISAGREES, NOT_CHECKABLE, CIRCULAR, ONLY_SOURCE)

# --- the model's own conclusions across a range of inputs -----------------------------------------
HOLDS = "holds across the range"
FAILS = "fails across the range"
DEPENDS = "depends on which output figure is right"
ROBUSTNESS_VERDICTS = (HOLDS, FAILS, DEPENDS)

# --- policy claims read against their primary texts -----------------------------------------------
SUPPORTED = "supported"
PARTLY_SUPPORTED = "partly supported"
NOT_SUPPORTED = "not supported"
PRIMARY_NOT_FOUND = "primary text not found"
POLICY_VERDICTS = (SUPPORTED, PARTLY_SUPPORTED, NOT_SUPPORTED, PRIMARY_NOT_FOUND)

VOCABULARY = FIGURE_VERDICTS + ROBUSTNESS_VERDICTS + POLICY_VERDICTS
"""Every verdict word; no other module spells one out (tests/test_claims.py checks)."""

COMPARATORS = ("=", "~", ">", "<")
"""As in data/catalogue.yaml: as stated, approximately, more than, less than."""


# --- the one verdict ------------------------------------------------------------------------------

def stated_interval(stated: float, comparator: str = "=") -> Interval:
    """What a stated figure claims, as an interval.

    ``=``: the figure's rounding range (``9`` -> 8.5..9.5, ``1.41`` -> 1.405..1.415; see
    :mod:`analysis.rounding`); ``~`` ("approximately"): the same range; ``>``: ``stated`` and above
    ("over 80%"); ``<``: ``stated`` and below.
    """
    if comparator == ">":
        return Interval(stated, stated, math.inf)
    if comparator == "<":
        return Interval(stated, -math.inf, stated)
    if comparator in ("=", "~"):
        return Interval.of(stated)
    raise ValueError(f"comparator must be one of {list(COMPARATORS)}, got {comparator!r}")


def _claimed(stated: float | Interval, comparator: str) -> Interval:
    if isinstance(stated, Interval):
        if comparator != "=":
            raise ValueError("a stated interval already says what it claims: leave comparator at '='")
        return stated
    return stated_interval(float(stated), comparator)


def _as_interval(x) -> Interval | None:
    if x is None:
        return None
    if isinstance(x, Interval):
        return None if any(math.isnan(v) for v in (x.mid, x.lo, x.hi)) else x
    x = float(x)
    return None if math.isnan(x) else Interval.exact(x)


def verdict(stated: float | Interval, recomputed: float | Interval | None, *, comparator: str = "=",
            central: bool = False, circular: bool = False, unchecked: str = NOT_CHECKABLE) -> str:
    """The verdict on a stated figure, given what ``data/`` recomputes for it.

    ``stated``: a number as the source writes it (widened to what it claims by
    :func:`stated_interval` with ``comparator``), or an :class:`~analysis.rounding.Interval`
    taken as is (a stated range, already widened by its rounding). ``recomputed``: the interval
    ``data/`` gives (a number is an exact point); ``None`` or NaN: ``unchecked``, which is
    :data:`NOT_CHECKABLE` unless the missing comparator is another source (:data:`ONLY_SOURCE`).
    ``circular``: the recomputation rests on a figure derived from the statement itself, so the
    verdict is :data:`CIRCULAR` whatever the intervals say.

    Both are closed intervals: a recomputation that touches the rounding range is consistent
    ("+9%" covers 8.5..9.5, so 9.5 is consistent and 9.51 is not).

    - default: :data:`CONSISTENT` if the two intervals overlap (some rounding of the published
      figures explains the claim), else :data:`DISAGREES`;
    - ``central=True``: :data:`CONSISTENT` only if the central recomputation (``recomputed.mid``)
      lies inside the stated interval; :data:`ONLY_AT_EXTREMES` if only the intervals overlap.
    """
    if unchecked not in (NOT_CHECKABLE, ONLY_SOURCE):
        raise ValueError(f"unchecked must be {NOT_CHECKABLE!r} or {ONLY_SOURCE!r}, got {unchecked!r}")
    claim, rec = _claimed(stated, comparator), _as_interval(recomputed)
    if circular:
        return CIRCULAR
    if rec is None:
        return unchecked
    if central and claim.lo <= rec.mid <= claim.hi:
        return CONSISTENT
    if claim.overlaps(rec):
        return ONLY_AT_EXTREMES if central else CONSISTENT
    return DISAGREES


def combine(verdicts: Iterable[str], *, partly: str = DISAGREES) -> str:
    """One verdict for a claim checked part by part (year by year, source by source).

    :data:`CONSISTENT` if every part is; :data:`NOT_CHECKABLE` if no part could be checked;
    :data:`DISAGREES` if no part is consistent; ``partly`` otherwise (a claim about every year
    fails with one year, so the default is :data:`DISAGREES`).
    """
    checked = [v for v in verdicts if v != NOT_CHECKABLE]
    if not checked:
        return NOT_CHECKABLE
    if all(v == CONSISTENT for v in checked):
        return CONSISTENT
    return partly if any(v == CONSISTENT for v in checked) else DISAGREES


def robustness(holds: Iterable[bool]) -> str:
    """Whether a conclusion of the model holds at every end of a range of inputs: :data:`ROBUSTNESS_VERDICTS`."""
    holds = [bool(h) for h in holds]
    return HOLDS if all(holds) else FAILS if not any(holds) else DEPENDS


def qualified(word: str, qualifier: str = "") -> str:
    """``consistent (mine output)``: a verdict word with what it is qualified by, if anything."""
    if word not in VOCABULARY:
        raise ValueError(f"{word!r} is not a verdict word; expected one of {list(VOCABULARY)}")
    return f"{word} ({qualifier})" if qualifier else word


# --- the claim record and the table ---------------------------------------------------------------

def _hull(intervals: list[Interval]) -> Interval | None:
    if not intervals:
        return None
    mids = {i.mid for i in intervals}
    mid = mids.pop() if len(mids) == 1 else sum(i.mid for i in intervals) / len(intervals)  # one stated figure stays exact
    return Interval(mid, min(i.lo for i in intervals), max(i.hi for i in intervals))


@dataclass(frozen=True)
class Claim:
    """One claim a source makes, what ``data/`` recomputes for it, and the verdict.

    ``stated`` and ``recomputed`` are intervals (``recomputed`` is ``None`` when ``data/`` has no
    comparator); ``verdict`` is :func:`verdict` of the two (with ``central``), or for a claim
    checked part by part (``parts``, e.g. one per year) :func:`combine` of the parts' verdicts.
    ``inputs`` is the arithmetic, in words, with the figures it uses. The ``*_text`` fields are how
    the table shows the two sides; ``note`` says what the verdict rests on; ``qualifier`` is
    appended to the verdict in brackets. ``circular`` and ``unchecked`` are the arguments of
    :func:`verdict` the claim was checked with. ``about`` holds what the claim is about as
    ``(name, value)`` pairs (period, destination, the source's passage, ...), for a table's columns
    (:func:`about`). Build one with :meth:`check` or :meth:`of_parts`, never with a verdict typed
    by hand.
    """

    statement: str
    source_id: str
    stated: Interval
    recomputed: Interval | None
    verdict: str
    inputs: str
    stated_text: str = ""
    recomputed_text: str = ""
    claim_id: str = ""
    basis: str = ""
    note: str = ""
    qualifier: str = ""
    central: bool = False
    parts: tuple["Claim", ...] = ()
    circular: bool = False
    unchecked: str = NOT_CHECKABLE
    about: tuple[tuple[str, object], ...] = ()

    @classmethod
    def check(cls, statement: str, source_id: str, stated: float | Interval, recomputed: float | Interval | None,
              inputs: str, *, comparator: str = "=", central: bool = False, circular: bool = False,
              unchecked: str = NOT_CHECKABLE, **text) -> "Claim":
        """A claim checked by :func:`verdict`; ``text``: the optional fields (``stated_text``, ``note``, ...)."""
        claim, rec = _claimed(stated, comparator), _as_interval(recomputed)
        return cls(statement, source_id, claim, rec, verdict(claim, rec, central=central, circular=circular, unchecked=unchecked),
                   inputs, central=central, circular=circular, unchecked=unchecked, **text)

    @classmethod
    def of_parts(cls, statement: str, source_id: str, parts: Iterable["Claim"], inputs: str, *,
                 partly: str = DISAGREES, **text) -> "Claim":
        """A claim checked part by part; its intervals span the parts', its verdict is :func:`combine` of theirs."""
        parts = tuple(parts)
        return cls(statement, source_id, _hull([p.stated for p in parts]),
                   _hull([p.recomputed for p in parts if p.recomputed is not None]),
                   combine((p.verdict for p in parts), partly=partly), inputs, parts=parts, **text)

    def detail(self, name: str) -> object:
        """The value ``about`` gives for ``name`` (``KeyError`` if it gives none)."""
        return dict(self.about)[name]

    @property
    def verdict_text(self) -> str:
        return qualified(self.verdict, self.qualifier)

    @property
    def stated_value(self) -> float:
        return self.stated.mid

    @property
    def recomputed_value(self) -> float:
        return math.nan if self.recomputed is None else self.recomputed.mid


COLUMNS: dict[str, str] = {"claim": "statement", "source_id": "source_id", "stated": "stated_text",
                           "recomputed": "recomputed_text", "arithmetic": "inputs", "verdict": "verdict_text"}
"""The default columns of :func:`table`: column name -> :class:`Claim` attribute."""


def about(name: str) -> Callable[[Claim], object]:
    """A column of :func:`table` read from the claims' ``about`` (e.g. ``{"period": about("period")}``)."""
    return lambda c: c.detail(name)


def table(claims: Iterable[Claim], columns: Mapping[str, str | Callable[[Claim], object]] = COLUMNS) -> pd.DataFrame:
    """The table a notebook shows and its results file records: one row per claim.

    ``columns`` maps each column name to a :class:`Claim` attribute or to a function of the claim
    (e.g. a label for its ``source_id``).
    """
    rows = [{name: (col(c) if callable(col) else getattr(c, col)) for name, col in columns.items()} for c in claims]
    return pd.DataFrame(rows, columns=list(columns))


def recomputed_interval(check: pd.Series) -> Interval | None:
    """The interval a row of :func:`analysis.consistency.check` recomputed (``None`` if it could not)."""
    if pd.isna(check["recomputed"]):
        return None
    return Interval(float(check["recomputed"]), float(check["recomputed_low"]), float(check["recomputed_high"]))


# --- policy claims ------------------------------------------------------------------------------

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
    return one(policy_claims(), "policy_claims.csv", claim_id=claim_id)


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
