"""Forecasts scored against their outcomes, now that the outcomes are published.

Every forecast in ``data/`` is found by its ``status`` column (forecast or expected) or, for the
figures without one, by its dataset (the seed 000 price table, SMM's export expectation). Each is
paired with the outcome ``data/`` holds for the same quantity and period:

- :func:`activity_pairs`: seed 002's 2025 end-use forecasts against the full-year releases;
- :func:`magnet_output_pairs`: China's magnet output forecasts against the actuals;
- :func:`export_pairs`: SMM's 2025 export expectation against the customs annual total;
- :func:`price_pairs`: seed 000's yearly price ranges against the year's Nd metal quotes;
- :func:`outlook_pairs`: outside outlooks (IEA, Adamas, McKinsey) for years now past against a later
  source's actual for the same metric (none yet: those waiting are listed by :func:`pending`).

:func:`pairs` stacks them; :func:`pending` lists the forecasts whose outcome is not (fully) in
``data/`` yet, saying why. Errors are forecast minus outcome (positive: the forecast was too
high), in the forecast's unit and in % of the outcome; ``inside`` says whether the outcome fell in
the forecast's stated range, or for a point forecast in its rounding range.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import cache, claims
from analysis.data import FORECAST_STATUSES, load
from analysis.formatting import significant
from analysis.rounding import Interval

COLUMNS = ["family", "quantity", "target", "forecaster", "source_id", "made_on", "months_ahead", "forecast_low",
           "forecast_high", "forecast", "unit", "outcome", "outcome_source_id", "error", "error_pct", "inside", "note"]


@cache.on_data
def _sources() -> dict[str, tuple[str, str | None]]:
    """source_id -> (publisher, date_published), read once per data version."""
    s = load("sources")
    return {r.source_id: (r.publisher, r.date_published if isinstance(r.date_published, str) else None)
            for r in s.itertuples()}


def _published(source_id: str) -> str | None:
    return _sources().get(source_id, (source_id, None))[1]


def _publisher(source_id: str) -> str:
    return str(_sources().get(source_id, (source_id, None))[0])


def months_ahead(made_on: str | None, target_end: pd.Timestamp) -> float:
    """Whole months from the forecast's publication (its first possible day) to the end of its target period."""
    if not made_on:
        return np.nan
    made = pd.Timestamp(made_on if len(made_on) > 7 else f"{made_on}-01" if len(made_on) == 7 else f"{made_on}-01-01")
    return float((target_end.year - made.year) * 12 + target_end.month - made.month)


def _row(family, quantity, target, target_end, source_id, low, high, unit, outcome, outcome_source, note="", mid=None):
    mid = (low + high) / 2 if mid is None else mid
    rng = Interval.of(low) if low == high else Interval(mid, low, high)
    return {"family": family, "quantity": quantity, "target": target, "forecaster": _publisher(source_id),
            "source_id": source_id, "made_on": _published(source_id), "months_ahead": months_ahead(_published(source_id), target_end),
            "forecast_low": low, "forecast_high": high, "forecast": mid, "unit": unit, "outcome": outcome,
            "outcome_source_id": outcome_source, "error": mid - outcome, "error_pct": (mid / outcome - 1) * 100,
            "inside": claims.verdict(rng, outcome) == claims.CONSISTENT, "note": note}


def _year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(f"{year}-12-31")


def activity_pairs() -> pd.DataFrame:
    """Seed 002's end-use forecasts against the full-year release for the same sector, year and unit."""
    from analysis.demand import SECTOR_LABELS

    d = load("demand_china")
    fc = d[d["status"].isin(FORECAST_STATUSES)]
    out = d[(d["status"] == "actual") & (d["months"] == 12) & ~d["statement"].isin(["headline", "body"])]
    rows = []
    for f in fc.itertuples():
        o = out[(out["sector"] == f.sector) & (out["year"] == f.year) & (out["demand_metric"] == f.demand_metric) & (out["unit"] == f.unit)]
        if o.empty:
            continue
        o = o.iloc[0]
        what = "NdFeB demand" if f.demand_metric == "ndfeb_demand" else "activity"
        rows.append(_row("end-use activity", f"{SECTOR_LABELS[f.sector]}, {what} ({f.statement})", str(f.year), _year_end(f.year),
                         f.source_id, f.value, f.value, f.unit, float(o["value"]), o["source_id"],
                         f"outcome: {o['statement']} release"))
    return pd.DataFrame(rows, columns=COLUMNS)


def magnet_output_pairs() -> pd.DataFrame:
    """China's magnet output forecasts against the actuals of the same year (scope differences named)."""
    p = load("magnet_production")
    fc = p[p["status"] == "forecast"]  # "expected" is an estimate of a year already under way
    act = p[p["status"] == "actual"]
    rows = []
    for f in fc.itertuples():
        o = act[(act["region"] == f.region) & (act["year"] == f.year) & (act["form"] != "bonded")]
        if o.empty:
            continue
        same = o[o["magnet_product"] == f.magnet_product]
        o = (same if not same.empty else o).iloc[0]
        note = "same scope" if o["magnet_product"] == f.magnet_product and o["stage"] == f.stage else \
            f"scope differs: forecast counts {f.magnet_product.replace('_', ' ')}, outcome {o['magnet_product'].replace('_', ' ')}" \
            + (f" ({o['stage']})" if o["stage"] != "not_stated" else "")
        rows.append(_row("magnet output", f"{f.region.capitalize()} magnet output", str(f.year), _year_end(f.year), f.source_id,
                         f.mass_t, f.mass_t, "t", float(o["mass_t"]), o["source_id"], note))
    return pd.DataFrame(rows, columns=COLUMNS)


def export_pairs() -> pd.DataFrame:
    """SMM's 2025 magnet-export expectation against the customs annual total."""
    mf = load("market_figures")
    exp = load("exports")
    rows = []
    for f in mf[mf["metric"] == "china_magnet_exports_expectation"].itertuples():
        y = int(f.year)
        o = exp[(exp["destination"] == "total") & (exp["period_start"] == f"{y}-01") & (exp["period_end"] == f"{y}-12")]
        if o.empty:
            continue
        rows.append(_row("magnet exports", "China magnet exports, full year", str(y), _year_end(y), f.source_id,
                         f.value_low, f.value_high, "t", float(o["value"].iloc[0]), o["source_id"].iloc[0],
                         "outcome: customs annual total (HS 85051110)"))
    return pd.DataFrame(rows, columns=COLUMNS)


@cache.on_data
def _price_comparators() -> pd.DataFrame:
    from analysis import prices

    points = prices.price_points(currency="USD", unit="kg", vat="excl")
    return prices.seed000_yearly(points)


def price_pairs() -> pd.DataFrame:
    """Seed 000's price ranges for its own year and after (USD/kg) against what the market did.

    The blog does not say metal or oxide, so the outcome is the range of the year's comparators
    that :func:`analysis.prices.seed000_yearly` uses (USGS Nd oxide average; annual means of the
    China-domestic Nd oxide, Pr-Nd oxide and Nd metal grids, USD/kg without VAT); the error is
    against its middle, and ``inside`` means the two ranges overlap. A year still under way is marked.
    """
    p = load("prices")
    blog = p[(p["basis"] == "blog_estimate") & (p["assessor"] == "Farmonaut (table)")]
    source = blog["source_id"].iloc[0] if len(blog) else None
    made = int(str(_published(source))[:4]) if source and _published(source) else None
    table = _price_comparators()
    latest = p["date"].max()
    rows = []
    for r in table.itertuples():
        if made is None or r.year < made or np.isnan(r.comparator_low):
            continue  # figures for years before the blog was written are estimates of the past, not forecasts
        partial = latest.year == r.year
        mid = (r.comparator_low + r.comparator_high) / 2
        row = _row("prices", "Nd price, yearly mean (USD/kg, metal or oxide not stated)", str(r.year) + (" to date" if partial else ""),
                   _year_end(r.year), source, r.seed_low, r.seed_high, "USD/kg", mid, "prices.csv",
                   f"outcome: the year's comparators span {r.comparator_low:.0f}-{r.comparator_high:.0f} USD/kg (USGS Nd oxide, "
                   f"China-domestic Nd oxide, Pr-Nd oxide, Nd metal means)" + (f"; {r.year} is not over (quotes to {latest:%Y-%m-%d})" if partial else ""))
        row["inside"] = claims.verdict(Interval((r.seed_low + r.seed_high) / 2, r.seed_low, r.seed_high),
                                       Interval(mid, r.comparator_low, r.comparator_high)) == claims.CONSISTENT  # the ranges overlap
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _outlook_label(f) -> str:
    scenario = "" if f.scenario_key == "none" else f", {f.scenario_key}"
    return f"{f.metric.replace('_', ' ')} ({f.measure.replace('_', ' ')}{scenario})"


def _outlooks_due() -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(forecasts whose target year has ended by the data's as-of month, actuals)`` of ``outlooks.csv``."""
    from analysis.data import data_as_of

    o = load("outlooks")
    ended = o["year"].astype(int) < int(data_as_of()[:4])  # a year is over once data runs into the next
    return o[o["status"].isin(FORECAST_STATUSES) & ended], o[o["status"] == "actual"]


def _outlook_outcome(f, actuals: pd.DataFrame) -> pd.DataFrame:
    """Actuals of the same metric, measure, unit and year from a source published after the forecast's."""
    same = actuals[(actuals["metric"] == f.metric) & (actuals["measure"] == f.measure) & (actuals["unit"] == f.unit)
                   & (actuals["year"] == f.year) & (actuals["source_id"] != f.source_id)]
    made = _published(f.source_id) or ""
    return same[[(_published(s) or "") > made for s in same["source_id"]]]


def outlook_pairs() -> pd.DataFrame:
    """Outside outlooks (``outlooks.csv``, status forecast or expected) for years now past, against a later
    source's actual for the same metric, measure, unit and year."""
    due, actuals = _outlooks_due()
    rows = []
    for f in due.itertuples():
        o = _outlook_outcome(f, actuals)
        if o.empty:
            continue
        o = o.iloc[0]
        rows.append(_row("outside outlooks", _outlook_label(f), str(f.year), _year_end(int(f.year)), f.source_id,
                         f.value_low, f.value_high, f.unit, (o["value_low"] + o["value_high"]) / 2, o["source_id"]))
    return pd.DataFrame(rows, columns=COLUMNS)


FAMILIES = {"end-use activity": activity_pairs, "magnet output": magnet_output_pairs, "magnet exports": export_pairs,
            "prices": price_pairs, "outside outlooks": outlook_pairs}


def pairs(families=None) -> pd.DataFrame:
    """Every forecast in data/ whose outcome is in data/, with its error (see the module docstring)."""
    frames = [FAMILIES[f]() for f in (families or FAMILIES)]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def pending() -> pd.DataFrame:
    """Forecasts whose outcome is not in data/, or only for part of the period, and why."""
    return pd.concat([_activity_pending(), _outlook_pending()], ignore_index=True)


def _outlook_pending() -> pd.DataFrame:
    """Outside outlooks for years now past with no later actual in data/."""
    due, actuals = _outlooks_due()
    rows = [{"quantity": _outlook_label(f), "target": str(f.year), "forecaster": _publisher(f.source_id),
             "forecast": (f.value_low + f.value_high) / 2, "unit": f.unit,
             "why not scored": "no outcome from a later source is in data/ (outlooks.csv)"}
            for f in due.itertuples() if _outlook_outcome(f, actuals).empty]
    return pd.DataFrame(rows)


def _activity_pending() -> pd.DataFrame:
    """Seed 002's end-use forecasts with no full-year outcome in data/."""
    from analysis.demand import SECTOR_LABELS

    d = load("demand_china")
    done = activity_pairs()
    scored = set(zip(done["source_id"], done["quantity"]))
    rows = []
    for f in d[d["status"].isin(FORECAST_STATUSES)].itertuples():
        what = "NdFeB demand" if f.demand_metric == "ndfeb_demand" else "activity"
        quantity = f"{SECTOR_LABELS[f.sector]}, {what} ({f.statement})"
        if (f.source_id, quantity) in scored:
            continue
        part = d[(d["sector"] == f.sector) & (d["year"] == f.year) & (d["demand_metric"] == f.demand_metric)
                 & (d["status"] == "actual") & (d["months"] < 12)]
        if f.demand_metric == "ndfeb_demand":
            why = "no outcome is published: NdFeB demand by end use is an estimate, not a statistic"
        elif not part.empty:
            r = part.sort_values("months").iloc[-1]
            why = f"only a part-year outcome: January-{pd.Timestamp(2000, int(r.months), 1):%B} {f.year} = {r.value:g} {r.unit}"
        else:
            why = "no full-year outcome found yet"
        rows.append({"quantity": quantity, "target": str(f.year), "forecaster": _publisher(f.source_id),
                     "forecast": f.value, "unit": f.unit, "why not scored": why})
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> dict:
    """The plain-words reading of the scores: who missed most, in which direction, whether misses share a sign."""
    if table.empty:
        return {"pairs": 0}
    worst = table.loc[table["error_pct"].abs().idxmax()]
    by = table.assign(abs_pct=table["error_pct"].abs()).groupby("forecaster")["abs_pct"].median().sort_values(ascending=False)
    signs = np.sign(table["error"])
    misses = table[~table["inside"]]
    return {"pairs": int(len(table)), "inside": int(table["inside"].sum()),
            "worst_quantity": worst["quantity"], "worst_target": worst["target"], "worst_forecaster": worst["forecaster"],
            "worst_error_pct": float(worst["error_pct"]),
            "largest_median_miss_forecaster": by.index[0], "largest_median_miss_pct": float(by.iloc[0]),
            "too_high": int((signs > 0).sum()), "too_low": int((signs < 0).sum()),
            "misses_share_a_sign": bool(len(misses) > 1 and (np.sign(misses["error"]).nunique() == 1))}


def sentences(table: pd.DataFrame) -> str:
    """:func:`summary` in words."""
    s = summary(table)
    if not s["pairs"]:
        return "No forecast in data/ has a published outcome yet."
    direction = "too high" if s["worst_error_pct"] > 0 else "too low"
    share = ("All the misses outside their range share a sign." if s["misses_share_a_sign"] else
             "The misses do not share a sign: forecasts erred in both directions.")
    return (f"{s['pairs']} forecasts have a published outcome; {s['inside']} of them caught it within their stated or "
            f"rounding range. The largest miss is {s['worst_forecaster']}'s {s['worst_quantity']} for {s['worst_target']}: "
            f"{abs(s['worst_error_pct']):.0f}% {direction}. By median miss, {s['largest_median_miss_forecaster']} missed most "
            f"({s['largest_median_miss_pct']:.0f}%). {s['too_high']} forecasts were too high and {s['too_low']} too low. {share}")


def validate_parameters(families, min_months_ahead, show_pending) -> dict:
    """Check notebook 05's parameters against its model (:class:`analysis.parameters.ForecastsVsOutcomes`);
    raises ValueError (:class:`analysis.params.ParameterError`) naming the parameter and what was expected."""
    from analysis import parameters

    return parameters.validate("05_forecasts_vs_outcomes", injected=True, values=dict(
        families=families, min_months_ahead=min_months_ahead, show_pending=show_pending)).model_dump()


def scored(families, min_months_ahead: int = 0) -> pd.DataFrame:
    """:func:`pairs` of ``families`` made at least ``min_months_ahead`` months before their period ended."""
    table = pairs(families)
    return table[table["months_ahead"].fillna(0) >= min_months_ahead].reset_index(drop=True)


def answer(table: pd.DataFrame) -> str:
    """One sentence: how many outcomes fell inside their forecast's range, and the largest miss."""
    s = summary(table)
    if not s["pairs"]:
        return "No forecast in data/ has a published outcome among the families chosen."
    return (f"{s['inside']} of the {s['pairs']} forecasts with a published outcome caught it within their stated or "
            f"rounding range; the largest miss is {s['worst_forecaster']}'s {s['worst_quantity']} for "
            f"{s['worst_target']}, {s['worst_error_pct']:+.0f}% against the outcome.")


def results(table: pd.DataFrame, waiting: pd.DataFrame, parameters: dict) -> dict:
    """The notebook's results file: the answer, key figures in reading order, every pair, the pending list."""
    from analysis import report
    from analysis.charts.forecasts import chart_name

    s = summary(table)
    head = {"answer": answer(table), "key_chart": chart_name(table["family"].iloc[0]) if len(table) else None}
    key = {"forecasts scored": s["pairs"]}
    if s["pairs"]:
        key.update({"outcome inside the forecast's range": f"{s['inside']} of {s['pairs']}",
                    "largest miss": f"{s['worst_forecaster']}: {s['worst_quantity']} {s['worst_target']}, {s['worst_error_pct']:+.0f}%",
                    "too high / too low": f"{s['too_high']} / {s['too_low']}"})
    key["forecasts still waiting for an outcome"] = int(len(waiting))
    return {**head, "key_figures": key, "summary": s, "parameters": parameters, "pairs": report.records(table, 4),
            "pending": report.records(waiting, 4)}


def _number(x: float, signed: bool = False) -> str:
    """A forecast, outcome or error in the pairs' table: 4 significant figures, whole from 1,000."""
    return significant(x, 4, whole_from=1000, signed=signed)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The pairs as a reader scans them: forecast (a range as low-high), outcome, unit, error %, inside."""
    fc = [(_number(lo) if lo == hi else f"{_number(lo)}-{_number(hi)}") for lo, hi in zip(table["forecast_low"], table["forecast_high"])]
    return pd.DataFrame({"quantity": table["quantity"], "period": table["target"], "forecaster": table["forecaster"],
                         "made on": table["made_on"], "months ahead": table["months_ahead"], "forecast": fc,
                         "outcome": [_number(x) for x in table["outcome"]], "unit": table["unit"],
                         "error": [_number(e, signed=True) for e in table["error"]],
                         "error, % of outcome": table["error_pct"],
                         "inside its range": ["yes" if x else "no" for x in table["inside"]]})
