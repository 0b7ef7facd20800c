"""China's rare-earth permanent-magnet exports: reported figures, and the months derived from them.

China customs publishes monthly figures, but the public record (data/exports.csv) misses some
months. Many can be derived exactly or nearly so:

- **additivity**: a year-to-date total minus the previous year-to-date total is a month
  (``YTD(m) = YTD(m-1) + M(m)``, any two give the third);
- **a stated change**: a month reported as "-51% m/m" gives the previous month as
  ``value / (1 - 0.51)``; "+4.8% y/y" for Q1 2026 gives Q1 2025.

:func:`derive` applies these rules until nothing new follows. Every derived figure carries its
formula, the figures it used, and an interval for the rounding of its inputs (rates like "-51%"
are rounded, so the derived month is a range). Where several derivations exist, the narrowest
is kept and the others are listed, so disagreements stay visible. Nothing derived is ever
written to data/.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import cache
from analysis.data import load
from analysis.formatting import thousands
from analysis.rounding import Interval, growth_factor

MASS_UNIT_TO_T = {"t": 1.0, "million_kg": 1000.0}
SCOPE = "magnets"  # customs HS 85051110; Adamas' magnets+alloys total is a different scope

Key = tuple[str, pd.Period, pd.Period]  # (destination, first month, last month)


@dataclass
class Figure:
    """A reported or derived export figure, in tonnes."""

    value: Interval
    status: str  # "reported" or "derived"
    formula: str
    source_ids: tuple[str, ...]
    rule: str = "reported"
    alternatives: list["Figure"] = field(default_factory=list)


def parse_period_key(text: str) -> tuple[pd.Period, pd.Period]:
    """``'2025-09'`` -> (Sep 2025, Sep 2025); ``'2025-01/2025-09'`` -> (Jan 2025, Sep 2025)."""
    start, _, end = str(text).partition("/")
    return pd.Period(start, "M"), pd.Period(end or start, "M")


def period_label(start: pd.Period, end: pd.Period) -> str:
    return str(start) if start == end else f"{start}/{end}"


def key_label(key: Key) -> str:
    dest, start, end = key
    return f"{dest} {period_label(start, end)}"


def reported_figures(exports: pd.DataFrame | None = None) -> dict[Key, Figure]:
    """The reported figures of one scope, in tonnes. Where two sources report the same period,
    the more precise figure is used and the other is kept as an alternative."""
    exports = load("exports") if exports is None else exports
    exports = exports[exports["scope"] == SCOPE]
    figures: dict[Key, Figure] = {}
    for row in exports.itertuples():
        factor = MASS_UNIT_TO_T[row.mass_unit]
        iv = Interval.of(row.value)
        iv = Interval(iv.mid * factor, iv.lo * factor, iv.hi * factor)
        key = (row.destination, pd.Period(row.period_start, "M"), pd.Period(row.period_end, "M"))
        fig = Figure(iv, "reported", f"reported by {row.source_id}", (row.source_id,))
        if key in figures:
            kept, other = sorted([figures[key], fig], key=lambda f: f.value.width)
            kept.alternatives.append(other)
            figures[key] = kept
        else:
            figures[key] = fig
    return figures


def _operand(key: Key, figure: Figure) -> str:
    """A figure as it stands in a derivation's formula: its label and its value in t."""
    return f"{key_label(key)} ({thousands(figure.value.mid)} t)"


def _additivity(known: dict[Key, Figure]) -> list[tuple[Key, Figure]]:
    """YTD(m) = YTD(m-1) + M(m) for every destination and year: any two give the third."""
    out = []
    dests = {k[0] for k in known}
    years = {k[1].year for k in known} | {k[2].year for k in known}
    for dest in dests:
        for year in years:
            for m in range(2, 13):
                ytd = (dest, pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-{m:02d}", "M"))
                prev = (dest, pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-{m - 1:02d}", "M"))
                month = (dest, pd.Period(f"{year}-{m:02d}", "M"), pd.Period(f"{year}-{m:02d}", "M"))
                have = {k: known.get(k) for k in (ytd, prev, month)}
                missing = [k for k, v in have.items() if v is None]
                if len(missing) != 1:
                    continue
                target = missing[0]
                if target == ytd:
                    iv = have[prev].value + have[month].value
                    formula = f"{_operand(prev, have[prev])} + {_operand(month, have[month])}"
                    used = (prev, month)
                elif target == month:
                    iv = have[ytd].value - have[prev].value
                    formula = f"{_operand(ytd, have[ytd])} - {_operand(prev, have[prev])}"
                    used = (ytd, prev)
                else:
                    iv = have[ytd].value - have[month].value
                    formula = f"{_operand(ytd, have[ytd])} - {_operand(month, have[month])}"
                    used = (ytd, month)
                if iv.lo < 0:
                    continue  # inconsistent inputs; the consistency table shows them
                sources = tuple(dict.fromkeys(s for k in used for s in known[k].source_ids))
                out.append((target, Figure(iv, "derived", formula, sources, rule="additivity")))
    return out


def _stated_changes(known: dict[Key, Figure], claims: pd.DataFrame) -> list[tuple[Key, Figure]]:
    """A stated % change links a period with its base: either one gives the other."""
    out = []
    for c in claims.itertuples():
        start, end = parse_period_key(c.period_key)
        b_start, b_end = parse_period_key(c.base_period)
        key = (c.series, start, end)
        base = (c.base_series if isinstance(c.base_series, str) else c.series, b_start, b_end)
        factor = growth_factor(c.stated_value)
        label = f"{c.stated_value:+g}% stated by {c.source_id} ({c.claim_id})"
        if key in known and base not in known:
            iv = known[key].value / factor
            formula = f"{_operand(key, known[key])} / (1 {c.stated_value:+g}%)  [{label}]"
            sources = known[key].source_ids + (c.source_id,)
            out.append((base, Figure(iv, "derived", formula, tuple(dict.fromkeys(sources)), rule="stated change")))
        elif base in known and key not in known:
            iv = known[base].value * factor
            formula = f"{_operand(base, known[base])} x (1 {c.stated_value:+g}%)  [{label}]"
            sources = known[base].source_ids + (c.source_id,)
            out.append((key, Figure(iv, "derived", formula, tuple(dict.fromkeys(sources)), rule="stated change")))
    return out


def derive(exports: pd.DataFrame | None = None, stated: pd.DataFrame | None = None,
           max_rounds: int = 20) -> dict[Key, Figure]:
    """Reported figures plus everything that can be derived from them (see module docstring).

    With the default inputs (data/exports.csv and data/stated_changes.csv) the result is computed
    once per version of data/ (:mod:`analysis.cache`).
    """
    if exports is None and stated is None:
        return _derive_default(max_rounds)
    return _derive(exports, stated, max_rounds)


@cache.on_data
def _derive_default(max_rounds: int) -> dict[Key, Figure]:
    return _derive(None, None, max_rounds)


def _derive(exports: pd.DataFrame | None, stated: pd.DataFrame | None, max_rounds: int) -> dict[Key, Figure]:
    known = reported_figures(exports)
    stated = load("stated_changes") if stated is None else stated
    claims = stated[(stated["dataset"] == "exports") & (stated["relation"] == "pct_change")
                    & (stated["comparator"] == "=") & stated["base_period"].notna()
                    & (stated["base_dataset"].isna() | (stated["base_dataset"] == "exports"))]
    for _ in range(max_rounds):
        candidates: dict[Key, list[Figure]] = {}
        for key, fig in _additivity(known) + _stated_changes(known, claims):
            candidates.setdefault(key, []).append(fig)
        if not candidates:
            break
        for key, figs in candidates.items():
            best, *others = sorted(figs, key=lambda f: f.value.width)
            best.alternatives.extend(others)
            known[key] = best
    return known


def to_frame(figures: dict[Key, Figure]) -> pd.DataFrame:
    """One row per figure: destination, period, value and interval in t, status, formula."""
    rows = []
    for (dest, start, end), fig in figures.items():
        alts = [a.value.mid for a in fig.alternatives]
        rows.append({
            "destination": dest, "period_start": start, "period_end": end,
            "months": (end - start).n + 1, "mass_t": fig.value.mid, "mass_low_t": fig.value.lo,
            "mass_high_t": fig.value.hi, "status": fig.status, "rule": fig.rule, "formula": fig.formula,
            "source_ids": ", ".join(fig.source_ids), "n_alternatives": len(alts),
            "alternatives_t": ", ".join(f"{a:,.0f}" for a in alts),
        })
    df = pd.DataFrame(rows)
    return df.sort_values(["destination", "period_start", "period_end"]).reset_index(drop=True)


def monthly(destination: str = "total", start: str = "2024-01", end: str | None = None,
            figures: dict[Key, Figure] | None = None) -> pd.DataFrame:
    """A regular monthly series for one destination, with every month present.

    Months that are neither reported nor derivable have status ``missing`` and no value.
    """
    figures = derive() if figures is None else figures
    frame = to_frame(figures)
    frame = frame[(frame["destination"] == destination) & (frame["months"] == 1)]
    if frame.empty:
        raise ValueError(f"no monthly export figures for destination {destination!r}")
    last = frame["period_start"].max() if end is None else pd.Period(end, "M")
    months = pd.period_range(pd.Period(start, "M"), last, freq="M")
    out = frame.set_index("period_start").reindex(months)
    out.index.name = "month"
    out["destination"] = destination
    out["status"] = out["status"].fillna("missing")
    return out.drop(columns=["period_end", "months"]).reset_index()


MONTH_TABLE_COLUMNS = ["month", "status", "mass_t", "mass_low_t", "mass_high_t", "formula"]


def month_table(series: pd.DataFrame, digits: int = 0) -> pd.DataFrame:
    """The months of :func:`monthly` as a table: status, tonnes with their rounding range, formula.

    Only the number columns are rounded (to ``digits``): ``DataFrame.round`` on the whole frame
    would warn that it cannot round the ``month`` periods.
    """
    out = series[MONTH_TABLE_COLUMNS].copy()
    numbers = [c for c in out.columns if pd.api.types.is_float_dtype(out[c])]
    out[numbers] = out[numbers].round(digits)
    return out


def shares(destinations, total: str = "total", figures: dict[Key, Figure] | None = None) -> pd.DataFrame:
    """Each destination's share of the total, for every period where both are known.

    Only periods (a month, or a multi-month span such as H1) for which the destination *and* the
    total have a reported or derived figure are returned, so no share mixes periods.

    Parameters
    ----------
    destinations : list of str
        Destination names as in data/exports.csv (``US``, ``EU27``, ``Germany``, ...).
    total : str
        The destination holding the total.
    figures : dict, optional
        Output of :func:`derive` (computed if omitted).

    Returns
    -------
    DataFrame
        destination, period_start, period_end, months, mass_t, total_mass_t, share_pct with its
        rounding range (share_low_pct, share_high_pct), and the status of both figures.
    """
    figures = derive() if figures is None else figures
    known = {k[0] for k in figures}
    unknown = [d for d in destinations if d not in known]
    if unknown:
        raise ValueError(f"destinations {unknown} have no export figures; known: {sorted(known)}")
    rows = []
    for (dest, start, end), fig in figures.items():
        if dest not in destinations or (total, start, end) not in figures:
            continue
        whole = figures[(total, start, end)]
        share = (fig.value / whole.value).map(lambda r: r * 100)
        rows.append({"destination": dest, "period_start": start, "period_end": end, "months": (end - start).n + 1,
                     "mass_t": fig.value.mid, "total_mass_t": whole.value.mid, "share_pct": share.mid,
                     "share_low_pct": share.lo, "share_high_pct": share.hi, "status": fig.status,
                     "total_status": whole.status,
                     "source_ids": ", ".join(dict.fromkeys(fig.source_ids + whole.source_ids))})
    cols = ["destination", "period_start", "period_end", "months", "mass_t", "total_mass_t", "share_pct",
            "share_low_pct", "share_high_pct", "status", "total_status", "source_ids"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["destination", "period_start", "period_end"]).reset_index(drop=True)


def missing_reasons(destination: str = "total", start: str = "2024-01", figures: dict[Key, Figure] | None = None,
                    stated: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each month still missing, which published figure would give it and why none does.

    A month m of year Y can come from (1) its own report; (2) the year-to-date totals Jan-m and
    Jan-(m-1) of Y; (3) a stated change linking it with the same month a year later or earlier;
    for December, (4) the annual total minus January-November. Each row names what is there and
    what is not.
    """
    figures = derive() if figures is None else figures
    stated = load("stated_changes") if stated is None else stated
    series = monthly(destination, start=start, figures=figures)
    links = stated[(stated["dataset"] == "exports") & (stated["series"] == destination)]
    rows = []

    def have(a: pd.Period, b: pd.Period) -> bool:
        return (destination, a, b) in figures

    for m in series.loc[series["status"] == "missing", "month"]:
        jan = pd.Period(f"{m.year}-01", "M")
        ytd_now, ytd_before = have(jan, m), m.month == 1 or have(jan, m - 1)
        year_on = [str(p) for p in (m + 12, m - 12) if ((links["period_key"] == str(p)) & (links["base_period"] == str(m))).any()
                   or ((links["period_key"] == str(m)) & (links["base_period"] == str(p))).any()]
        parts = []
        if m.month == 1:
            parts.append("year-to-date: none (January is its own year-to-date)")
        elif not (ytd_now and ytd_before):
            gap = [label for label, ok in ((f"Jan-{m:%b} {m.year} total", ytd_now),
                                           (f"Jan-{(m - 1):%b} {m.year} total", ytd_before)) if not ok]
            parts.append("year-to-date: no " + " and no ".join(gap))
        if year_on:
            parts.append(f"year-on-year: a change is stated against {', '.join(year_on)}, but that month is missing too")
        else:
            parts.append(f"year-on-year: no change stated for {m + 12} against {m}, nor for {m} against {m - 12}")
        if m.month == 12:
            annual, to_nov = have(jan, m), have(jan, m - 1)
            parts.append("annual total minus Jan-Nov: " + ("both published" if annual and to_nov else
                         f"no {'annual total in this scope' if not annual else 'Jan-Nov total'}"))
        rows.append({"month": str(m), "reported": "no", "why it cannot be derived": "; ".join(parts)})
    return pd.DataFrame(rows, columns=["month", "reported", "why it cannot be derived"])
