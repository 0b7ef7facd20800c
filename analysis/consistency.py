"""Recompute every stated growth rate, ratio, share, CAGR and total in data/ and flag disagreements.

Three checks, one table (:func:`check`):

- **stated relations** (data/stated_changes.csv): each "+17.5% y/y", "4.4 times", "7% of",
  "CAGR 5.9%" is recomputed from the two values it relates (export gaps filled by
  :mod:`analysis.exports`, flagged as derived);
- **conflicting statements**: one quantity stated twice with different values (a headline and
  its paragraph, two sources);
- **totals**: parts that should add up to a stated whole (year-to-date export totals, quota
  splits, USGS country rows and the world total).

Both sides are compared as intervals (:mod:`analysis.rounding`) by :func:`analysis.claims.verdict`,
with the verdict words of :mod:`analysis.claims`: a disagreement is one that no rounding of the
published figures can explain.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from analysis import cache, claims
from analysis import exports as exports_mod
from analysis import prices as prices_mod
from analysis.formatting import significant
from analysis.data import load
from analysis.rounding import Interval

COLUMNS = ["check", "claim_id", "statement", "stated", "recomputed", "recomputed_low", "recomputed_high",
           "difference", "verdict", "inputs", "source_ids"]


# --- value lookup -------------------------------------------------------------------------------

def _interval(value, low=None, high=None) -> Interval:
    return Interval.of(float(value), None if low is None else float(low), None if high is None else float(high))


def _market_figure(r) -> Interval | None:
    if pd.isna(r.value_low):
        return None
    high = r.value_high if not pd.isna(r.value_high) else r.value_low
    return _interval((r.value_low + high) / 2, r.value_low, high)


# dataset -> (series key, period key, the value as an interval or None to skip) of one row; every
# row is "reported" and cites its own source_id. Series keys as in data/stated_changes.csv.
ROW_KEYS: dict[str, tuple[Callable, Callable, Callable]] = {
    "demand_china": (lambda r: f"{r.sector}:{r.demand_metric}:{r.statement}",
                     lambda r: str(r.year) if r.months == 12 else f"{r.year}-01/{r.year}-{r.months:02d}",
                     lambda r: _interval(r.value)),
    "prices": (lambda r: f"{r.product}:{r.basis}:{r.assessor}", lambda r: r.date.strftime("%Y-%m-%d"),
               lambda r: _interval(r.price_mid, r.price_low, r.price_high)),
    "magnet_production": (lambda r: f"{r.region}:{r.magnet_product}", lambda r: str(r.year), lambda r: _interval(r.mass_t)),
    "market_figures": (lambda r: f"{r.topic}:{r.metric}", lambda r: str(r.year), _market_figure),
    "supply_quotas": (lambda r: f"{r.quota}:{r.ore_type}:{r.batch}", lambda r: str(r.year), lambda r: _interval(r.mass_t_reo)),
    "mine_production": (lambda r: f"{r.country}:{r.usgs_measure}:{r.edition}", lambda r: str(r.year),
                        lambda r: _interval(r.mass_t_reo)),
}
PREPARE: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "prices": lambda f: f.assign(price_mid=prices_mod.price_mid(f)),  # the one mid-point of a quote
}
"""Columns a dataset's :data:`ROW_KEYS` read that the dataset does not hold."""


def _entries(dataset: str, get: Callable[[str], pd.DataFrame]):
    """``(series, period, interval, status, source_ids)`` for every figure of one dataset."""
    if dataset == "exports":  # gaps filled by analysis.exports, each figure with its status and sources
        for (dest, start, end), fig in exports_mod.derive(get("exports"), get("stated_changes")).items():
            yield dest, exports_mod.period_label(start, end), fig.value, fig.status, ", ".join(fig.source_ids)
        return
    if dataset not in ROW_KEYS:
        raise KeyError(f"no value lookup for dataset {dataset!r}")
    series, period, value = ROW_KEYS[dataset]
    frame = get(dataset)
    for r in PREPARE.get(dataset, lambda f: f)(frame).itertuples():
        iv = value(r)
        if iv is not None:
            yield series(r), period(r), iv, "reported", r.source_id


def value_table(dataset: str, frames: dict[str, pd.DataFrame] | None = None) -> dict[tuple[str, str], tuple[Interval, str, str]]:
    """``{(series, period_key): (interval, status, source_ids)}`` for one dataset; the first figure for a key counts.

    Series keys are the ones data/stated_changes.csv uses (see catalogue.yaml, field ``series``);
    each dataset's keys are a row of :data:`ROW_KEYS` (exports: :func:`analysis.exports.derive`).
    """
    frames = frames or {}
    get = lambda name: frames[name] if name in frames else load(name)  # noqa: E731
    table: dict[tuple[str, str], tuple[Interval, str, str]] = {}
    for series, period, iv, status, src in _entries(dataset, get):
        table.setdefault((series, period), (iv, status, src))
    return table


# --- relations ----------------------------------------------------------------------------------

def _years_between(period: str, base: str) -> int:
    return int(str(period)[:4]) - int(str(base)[:4])


def recompute(relation: str, value: Interval, base: Interval, years: int = 1) -> Interval:
    """The relation between ``value`` and ``base`` that a source states, as an interval."""
    if relation == "pct_change":
        return (value / base).map(lambda r: (r - 1) * 100)
    if relation == "abs_change":
        return value - base
    if relation == "ratio":
        return value / base
    if relation == "share_pct":
        return (value / base).map(lambda r: r * 100)
    if relation == "cagr_pct":
        if years <= 0:
            raise ValueError("a CAGR needs a later period than its base")
        return (value / base).map(lambda r: (r ** (1 / years) - 1) * 100)
    raise ValueError(f"unknown relation {relation!r}")


def check_stated(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Recompute each statement in data/stated_changes.csv."""
    frames = frames or {}
    stated = frames.get("stated_changes")
    stated = load("stated_changes") if stated is None else stated
    tables: dict[str, dict] = {}

    def table(name):
        if name not in tables:
            tables[name] = value_table(name, frames)
        return tables[name]

    # "+35,000 CNY/t, +3.33%": an absolute move states the base the percentage is computed on.
    implied_base = {}
    for c in stated[stated["relation"] == "abs_change"].itertuples():
        implied_base[(c.dataset, c.series, c.period_key, c.base_period)] = c

    rows = []
    for c in stated.itertuples():
        base_dataset = c.base_dataset if isinstance(c.base_dataset, str) else c.dataset
        base_series = c.base_series if isinstance(c.base_series, str) else c.series
        value = table(c.dataset).get((c.series, c.period_key))
        base = table(base_dataset).get((base_series, c.base_period)) if isinstance(c.base_period, str) else None
        text = f"{c.dataset}:{c.series} {c.period_key} vs {base_dataset}:{base_series} {c.base_period}: {c.relation} {c.comparator} {c.stated_value:g}"
        row = {"check": "stated relation", "claim_id": c.claim_id, "statement": text, "stated": c.stated_value,
               "source_ids": c.source_id}
        if base is None and value is not None and c.relation != "abs_change":
            move = implied_base.get((c.dataset, c.series, c.period_key, c.base_period))
            if move is not None:
                base = (value[0] - Interval.of(move.stated_value), "implied by a stated move", move.source_id)
        if value is None or base is None:
            missing = [lbl for lbl, v in (("value", value), ("base", base)) if v is None]
            rows.append({**row, "verdict": claims.NOT_CHECKABLE, "inputs": f"{' and '.join(missing)} not in data/"})
            continue
        iv = recompute(c.relation, value[0], base[0], _years_between(c.period_key, c.base_period))
        inputs = (f"value {significant(value[0].mid, 4, whole_from=1000)} ({value[1]}); "
                  f"base {significant(base[0].mid, 4, whole_from=1000)} ({base[1]})")
        sources = ", ".join(dict.fromkeys([c.source_id, *value[2].split(", "), *base[2].split(", ")]))
        rows.append({**row, "recomputed": iv.mid, "recomputed_low": iv.lo, "recomputed_high": iv.hi,
                     "difference": iv.mid - c.stated_value,
                     "verdict": claims.verdict(c.stated_value, iv, comparator=c.comparator),
                     "inputs": inputs, "source_ids": sources})
    return pd.DataFrame(rows, columns=COLUMNS)


SEED_STATEMENTS = ("headline", "body")  # demand_china: seed 002's own statements; official / other are not


def official_vs_trade_press(demand: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each official (or other) figure beside seed 002's figure for the same sector, year and metric,
    where seed 002 reports an actual (a forecast against its outcome is scored elsewhere, not a conflict).

    The two agree when their rounding intervals overlap (:class:`analysis.rounding.Interval`); the
    difference is official minus seed, in the row's unit (both rows share it, or the pair is skipped).
    """
    demand = load("demand_china") if demand is None else demand
    rows = []
    others = demand[~demand["statement"].isin(SEED_STATEMENTS) & (demand["months"] == 12)]  # part-years are not years
    for r in others.itertuples():
        seed = demand[(demand["sector"] == r.sector) & (demand["year"] == r.year) & (demand["demand_metric"] == r.demand_metric)
                      & (demand["statement"] == "body") & (demand["unit"] == r.unit) & (demand["status"] == "actual")]
        if seed.empty:
            continue
        s = seed.iloc[0]
        rows.append({"check": "official vs trade press", "claim_id": "",
                     "statement": f"demand_china {r.sector} {r.demand_metric} {r.year}: seed 002 {s.value:g} vs "
                                  f"{r.statement} {r.value:g} {r.unit}",
                     "stated": s.value, "recomputed": r.value, "difference": r.value - s.value,
                     "verdict": claims.verdict(s.value, Interval.of(r.value)),
                     "inputs": f"seed 002 vs the {r.statement} release",
                     "source_ids": f"{s.source_id}, {r.source_id}"})
    return pd.DataFrame(rows, columns=COLUMNS)


def _export_conflicts(exports: pd.DataFrame) -> list[dict]:
    """Two sources' tonnages for one export month or span that no rounding of either reconciles: the
    closed-interval rule of :func:`analysis.claims.verdict` (each figure widened by its rounding)."""
    rows = []
    for key, fig in exports_mod.reported_figures(exports).items():
        for alt in fig.alternatives:
            verdict = claims.verdict(fig.value, alt.value)
            if verdict == claims.DISAGREES:
                rows.append({"check": "conflicting statements", "claim_id": "",
                             "statement": f"exports {exports_mod.key_label(key)} reported as {fig.value.mid:g} t and {alt.value.mid:g} t",
                             "stated": fig.value.mid, "recomputed": alt.value.mid, "difference": alt.value.mid - fig.value.mid,
                             "verdict": verdict, "inputs": "two sources", "source_ids": ", ".join(fig.source_ids + alt.source_ids)})
    return rows


def check_conflicts(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The same quantity stated twice with different values.

    Each kind keeps its own rule; :func:`analysis.claims.verdict` (closed intervals) would change
    verdicts in the first two: two statements of one relation, or one publisher's outlook given
    twice, conflict when their rounding ranges do not overlap as half-open intervals ("8%" and "9%"
    meet at 8.5, which rounds to 9, so they conflict; closed intervals would call them consistent);
    seed 002's sub-heading and paragraph figures conflict whenever they differ (one figure printed
    twice: no rounding explains a difference). Two sources' export tonnages are read with
    :func:`analysis.claims.verdict` (:func:`_export_conflicts`).
    """
    frames = frames or {}
    get = lambda name: frames[name] if name in frames else load(name)  # noqa: E731
    rows = []
    stated = get("stated_changes").copy()
    # Seed 002 states some 2025 figures twice (sub-heading and paragraph): one relation, two statements.
    quantity = stated["series"].where(stated["dataset"] != "demand_china", stated["series"].str.rsplit(":", n=1).str[0])
    stated["quantity"] = quantity
    stated["base_key"] = stated["base_series"].fillna(stated["series"]) + "|" + stated["base_period"].fillna("")
    for _, group in stated.groupby(["dataset", "quantity", "period_key", "base_key", "relation"]):
        values = group["stated_value"].unique()
        intervals = [Interval.of(v) for v in values]
        if any(not a.overlaps_half_open(b) for i, a in enumerate(intervals) for b in intervals[i + 1:]):
            first = group.iloc[0]
            rows.append({"check": "conflicting statements", "claim_id": ", ".join(group["claim_id"]),
                         "statement": f"{first.dataset}:{first.quantity} {first.period_key} {first.relation} stated as "
                                      + " and ".join(f"{v:g}" for v in values),
                         "stated": values[0], "recomputed": values[1], "difference": values[1] - values[0],
                         "verdict": claims.DISAGREES, "inputs": "two statements of one relation",
                         "source_ids": ", ".join(dict.fromkeys(group["source_id"]))})
    demand = get("demand_china")
    seed = demand[demand["statement"].isin(SEED_STATEMENTS)]
    for (sector, year, metric), group in seed.groupby(["sector", "year", "demand_metric"]):
        values = group["value"].unique()
        if len(values) > 1:
            rows.append({"check": "conflicting statements", "claim_id": "",
                         "statement": f"demand_china {sector} {metric} {year} stated as "
                                      + " and ".join(f"{v:g} {u} ({s})" for v, u, s in zip(group["value"], group["unit"], group["statement"])),
                         "stated": values[0], "recomputed": values[1], "difference": values[1] - values[0],
                         "verdict": claims.DISAGREES, "inputs": "headline vs body", "source_ids": ", ".join(dict.fromkeys(group["source_id"]))})
    rows += official_vs_trade_press(demand).to_dict("records")
    # One publisher's figure for one metric, year and scenario given twice with values no rounding
    # reconciles: usually a later edition revising an earlier one.
    outlooks = get("outlooks")
    for (pub, metric, year, scenario), group in outlooks.groupby(["publisher_key", "metric", "year", "scenario_key"]):
        if len(group) < 2:
            continue
        intervals = [Interval.of(lo) if lo == hi else Interval((lo + hi) / 2, lo, hi)
                     for lo, hi in zip(group["value_low"], group["value_high"])]
        if any(not a.overlaps_half_open(b) for i, a in enumerate(intervals) for b in intervals[i + 1:]):
            rows.append({"check": "conflicting statements", "claim_id": "",
                         "statement": f"outlooks {pub} {metric} {year}" + ("" if scenario == "none" else f" ({scenario})")
                                      + " stated as " + " and ".join(f"{iv.mid:g} {u} ({s})" for iv, u, s in
                                                                    zip(intervals, group["unit"], group["source_id"])),
                         "stated": intervals[0].mid, "recomputed": intervals[1].mid,
                         "difference": intervals[1].mid - intervals[0].mid, "verdict": claims.DISAGREES,
                         "inputs": "two editions or sources", "source_ids": ", ".join(dict.fromkeys(group["source_id"]))})
    rows += _export_conflicts(get("exports"))
    return pd.DataFrame(rows, columns=COLUMNS)


def _total_row(label: str, parts: list[tuple[str, Interval]], whole: Interval, sources) -> dict:
    total = parts[0][1]
    for _, iv in parts[1:]:
        total = total + iv
    return {"check": "total", "claim_id": "", "statement": f"{label}: {' + '.join(p for p, _ in parts)} = {whole.mid:,.0f}",
            "stated": whole.mid, "recomputed": total.mid, "recomputed_low": total.lo, "recomputed_high": total.hi,
            "difference": total.mid - whole.mid, "verdict": claims.verdict(whole, total),
            "inputs": "reported parts", "source_ids": ", ".join(dict.fromkeys(sources))}


def check_totals(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Reported parts against the reported whole they should add up to."""
    frames = frames or {}
    get = lambda name: frames[name] if name in frames else load(name)  # noqa: E731
    rows = []
    # Exports: YTD(m) = YTD(m-1) + M(m), where all three are reported.
    reported = exports_mod.reported_figures(get("exports"))
    for (dest, start, end), whole in reported.items():
        if start.month != 1 or end == start:
            continue
        prev = (dest, start, end - 1)
        month = (dest, end, end)
        if prev in reported and month in reported:
            rows.append(_total_row(f"exports {dest} {exports_mod.period_label(start, end)}",
                                   [(exports_mod.key_label(prev), reported[prev].value), (exports_mod.key_label(month), reported[month].value)],
                                   whole.value, whole.source_ids + reported[prev].source_ids + reported[month].source_ids))
    # Quotas: rock + ion-adsorption = total, within one source.
    quotas = get("supply_quotas")
    for (year, quota, batch, src), g in quotas.groupby(["year", "quota", "batch", "source_id"]):
        parts = g[g["ore_type"] != "total"]
        whole = g[g["ore_type"] == "total"]
        if len(parts) >= 2 and len(whole) == 1:
            rows.append(_total_row(f"{quota} quota {year} {batch}",
                                   [(r.ore_type, Interval.of(r.mass_t_reo)) for r in parts.itertuples()],
                                   Interval.of(whole["mass_t_reo"].iloc[0]), [src]))
    # USGS: countries add up to the (rounded) world total, per edition and year.
    mines = get("mine_production")
    mines = mines[mines["usgs_measure"] == "mine_production"]
    for (edition, year), g in mines.groupby(["edition", "year"]):
        world = g[g["country"] == "World"]
        countries = g[(g["country"] != "World") & (g["comparator"] == "=")]
        if len(world) == 1 and len(countries) >= 5:
            rows.append(_total_row(f"USGS {edition} world mine production {year}",
                                   [(r.country, Interval.of(r.mass_t_reo)) for r in countries.itertuples()],
                                   Interval.of(world["mass_t_reo"].iloc[0]), list(g["source_id"])))
    return pd.DataFrame(rows, columns=COLUMNS)


@cache.on_data
def check(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every stated relation, conflicting statement and total, with its verdict."""
    parts = [check_stated(frames), check_conflicts(frames), check_totals(frames)]
    return pd.concat([p for p in parts if not p.empty], ignore_index=True)


def disagreements(frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Only the rows no rounding can explain: value stated, value recomputed, difference, sources."""
    table = check(frames)
    return table[table["verdict"] == claims.DISAGREES].reset_index(drop=True)
