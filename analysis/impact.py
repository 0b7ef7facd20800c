"""How much did an export control cut China's magnet exports? Counterfactuals and lost tonnes.

The monthly series is :func:`analysis.exports.monthly` (reported months, derived months and
missing months, flagged). Two counterfactuals, both fitted with statsmodels on the months of a
pre-period window that have a figure (missing months are dropped, never imputed):

- ``seasonal_naive_trend``: the same month a year earlier, scaled by the pre-control trend. The
  trend is the mean log year-on-year ratio over the pre-period months whose month a year earlier
  is also known (``OLS(log(y_m / y_{m-12}) ~ 1)``). Intervals are simulated from the fit: the
  trend's standard error plus the month-to-month spread of the ratios (t draws, a fixed
  random-number seed, :data:`RNG_SEED`).
  A month whose base is itself after the control date is chained from its base's counterfactual.
- ``its``: a segmented regression (interrupted time series) on all months from the window start,
  ``y = b0 + b1 t + b2 post + b3 (t - t0) post``, with HAC (Newey-West) standard errors. The
  counterfactual is ``b0 + b1 t``; its interval adds the pre-period residual variance to the
  HAC variance of the line (the post-period fit is not the counterfactual, so its residuals are
  left out of the noise term). ``t`` counts calendar months, so gaps do not distort time, but
  HAC lags run over observations: with gaps they are not exactly calendar lags.

:func:`estimate_loss` turns a counterfactual into the figures stakeholders ask for: the recovery month
(first month from the control month on whose actual is at or above the counterfactual's lower
bound), the disruption months (the control month up to the month before recovery, or up to a
given end month) and the tonnes lost over them (counterfactual minus actual, with an interval).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis import claims, exports
from analysis.data import data_as_of, load
from analysis.formatting import pct as pct_text
from analysis.formatting import thousands
from analysis.text import md

METHODS = ("seasonal_naive_trend", "its")
METHOD_LABELS = {"its": "interrupted time series", "seasonal_naive_trend": "seasonal naive with trend"}
"""Each of :data:`METHODS` as a reader names it (charts, key-figure labels)."""


def method_label(method: str) -> str:
    return METHOD_LABELS.get(method, method)

CONTROL_CATEGORY = "export_control"
SERIES_START = "2021-01"  # first month of any pre-period window (earliest export month in data/ is 2021)
N_DRAWS = 20_000
RNG_SEED = 20250404  # random-number seed of the simulated intervals (not a seed document)
MIN_PRE_POINTS = {"its": 4, "seasonal_naive_trend": 2}


# --- parameters -----------------------------------------------------------------------------------

def control_events() -> pd.DataFrame:
    """The export-control events in data/events.csv (date, event_id, label, source_id)."""
    events = load("events")
    events = events[events["category"] == CONTROL_CATEGORY].sort_values("date")
    return events[["date", "event_id", "label", "source_id"]].reset_index(drop=True)


def default_control_date() -> str:
    """The first export-control event in data/events.csv (the April 2025 controls)."""
    return control_events()["date"].iloc[0].strftime("%Y-%m-%d")


def _control_month(control_date) -> pd.Period:
    """The month of a control date (a date string, Timestamp or monthly Period)."""
    if isinstance(control_date, pd.Period):
        return control_date.asfreq("M")
    return pd.Timestamp(control_date).to_period("M")


def _month(value, name: str) -> pd.Period:
    try:
        return pd.Period(str(value), "M")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must be a month 'YYYY-MM', got {value!r}") from exc


def validate_parameters(control_date, pre_start, method, destinations, disruption_end, hac_maxlags,
                        interval_level, sensitivity_windows, series_start=None,
                        series: pd.DataFrame | None = None) -> dict:
    """Check the notebook's parameters; return them normalised (months as Periods).

    Types, bounds and choices (destinations in data/exports.csv included) are those of notebook 03's
    model (:class:`analysis.parameters.ExportControls`); on top, the control date must have export
    figures on both sides and ``disruption_end`` must fall between the control month and the last
    export month.

    Raises
    ------
    ValueError
        Naming the parameter and what was expected, e.g. a control date outside the export data.
    """
    from analysis import parameters

    given = dict(control_date=control_date, pre_start=pre_start, method=method, destinations=destinations,
                 disruption_end=disruption_end, hac_maxlags=hac_maxlags, interval_level=interval_level,
                 sensitivity_windows=sensitivity_windows, series_start=series_start)
    parameters.validate("03_export_controls", {k: v for k, v in given.items() if v is not None}, injected=True)
    control = pd.Timestamp(control_date)
    start = _month(pre_start, "pre_start")
    end = None if disruption_end in (None, "auto") else _month(disruption_end, "disruption_end")
    windows = [_month(w, "sensitivity_windows") for w in sensitivity_windows]
    series = exports.monthly("total", start=SERIES_START) if series is None else series
    first, last = check_control_date(series, control_date, start)
    if end is not None and not control.to_period("M") <= end <= last:
        raise ValueError(f"disruption_end must be a month from the control month {control.to_period('M')} "
                         f"to the last export month {last}, or 'auto'; got {disruption_end!r}")
    return {"control_date": control, "control_month": control.to_period("M"), "pre_start": start, "method": method,
            "destinations": list(destinations), "disruption_end": end, "hac_maxlags": hac_maxlags,
            "interval_level": interval_level, "sensitivity_windows": windows, "data_first": first, "data_last": last}


def check_control_date(series: pd.DataFrame, control_date, pre_start) -> tuple[pd.Period, pd.Period]:
    """Raise ValueError unless the control month has export figures on both sides of it."""
    control = _control_month(control_date)
    start = pd.Period(pre_start, "M")
    known = series.loc[series["status"] != "missing", "month"]
    first = known[known >= start].min()
    last = known.max()
    if pd.isna(first) or not first < control <= last:
        raise ValueError(f"control_date {control_date} is outside the export data: expected a date "
                         f"after the first export month from pre_start ({first}) and no later than the last one ({last})")
    return first, last


# --- counterfactuals ------------------------------------------------------------------------------

@dataclass
class Counterfactual:
    """A fitted counterfactual: the monthly table and what the interval of a sum needs."""

    method: str
    control_month: pd.Period
    pre_start: pd.Period
    level: float
    table: pd.DataFrame  # month, status, mass_t, ..., counterfactual_t, counterfactual_low_t, counterfactual_high_t
    coefficients: pd.DataFrame
    n_pre: int
    notes: list[str] = field(default_factory=list)
    _sum_interval: object = None

    def sum_interval(self, months) -> tuple[float, float, float]:
        """Point, low and high of the counterfactual summed over ``months``."""
        return self._sum_interval(list(months))


def _pre_points(series: pd.DataFrame, control: pd.Period, start: pd.Period) -> pd.DataFrame:
    pre = series[(series["month"] >= start) & (series["month"] < control) & (series["status"] != "missing")]
    return pre


def _pre_period(series: pd.DataFrame, control_date, pre_start, method: str) -> tuple[pd.Period, pd.Period, pd.DataFrame]:
    """The control month, the first pre-period month and the pre-period points ``method`` fits on: the
    months with data for the ITS, those whose month a year earlier is known (:func:`yoy_pairs`) for the
    seasonal-naive trend. Raises ValueError naming ``control_date`` and ``pre_start`` when there are
    fewer than ``MIN_PRE_POINTS[method]``."""
    control = _control_month(control_date)
    start = pd.Period(pre_start, "M")
    if method == "its":
        pre, counted, model = _pre_points(series, control, start), "pre-period months with data", "the ITS"
    else:
        pre = yoy_pairs(series, control, start)
        counted, model = "pre-period months have the month a year earlier in the data", "the seasonal-naive trend"
    if len(pre) < MIN_PRE_POINTS[method]:
        raise ValueError(f"control_date {control} with pre_start {start}: {len(pre)} {counted}; "
                         f"{model} needs at least {MIN_PRE_POINTS[method]}")
    return control, start, pre


def fit_its(series: pd.DataFrame, control_date, pre_start, hac_maxlags: int = 2, level: float = 0.95) -> Counterfactual:
    """Segmented regression with a level and slope change at the control month, HAC errors.

    Parameters
    ----------
    series : DataFrame
        ``month`` (Period) and ``mass_t``, ``status`` as from :func:`analysis.exports.monthly`.
    control_date : str or Timestamp
        The control; its month is the first treated month.
    pre_start : str
        First month of the pre-period window.
    hac_maxlags : int
        Newey-West maximum lag.
    level : float
        Interval coverage, e.g. 0.95.

    Longer than the package's ~60 lines on purpose: the fit, the counterfactual's interval, the
    interval of any sum of months and the notes share the same design matrix, covariance and
    residual variance, which split functions would pass around by the dozen.
    """
    control, start, _ = _pre_period(series, control_date, pre_start, "its")
    table = series[series["month"] >= start].copy()
    table["t"] = [(m - start).n for m in table["month"]]
    t0 = (control - start).n
    table["post"] = (table["month"] >= control).astype(float)
    table["t_since_control"] = (table["t"] - t0) * table["post"]
    fit_rows = table[table["status"] != "missing"]
    exog = sm.add_constant(fit_rows[["t", "post", "t_since_control"]].astype(float), has_constant="add")
    if len(fit_rows) - exog.shape[1] < 1:
        raise ValueError(f"control_date {control}: too few months with data to fit the ITS")
    if hac_maxlags >= len(fit_rows):
        raise ValueError(f"hac_maxlags {hac_maxlags} must be below the number of months fitted ({len(fit_rows)})")
    model = sm.OLS(fit_rows["mass_t"].astype(float), exog)
    res = model.fit(cov_type="HAC", cov_kwds={"maxlags": hac_maxlags}, use_t=True)
    params = res.params.to_numpy()
    cov = res.cov_params().to_numpy()
    is_pre = (fit_rows["post"] == 0).to_numpy()
    resid_pre = res.resid.to_numpy()[is_pre]
    df_pre = int(is_pre.sum()) - 2
    sigma2 = float(resid_pre @ resid_pre / df_pre)
    tq = stats.t.ppf(0.5 + level / 2, df_pre)

    x_cf = np.column_stack([np.ones(len(table)), table["t"].to_numpy(float), np.zeros(len(table)), np.zeros(len(table))])
    mean = x_cf @ params
    var_mean = np.einsum("ij,jk,ik->i", x_cf, cov, x_cf)
    half = tq * np.sqrt(var_mean + sigma2)
    table["counterfactual_t"] = mean
    table["counterfactual_low_t"] = mean - half
    table["counterfactual_high_t"] = mean + half
    table["in_fit"] = table["status"] != "missing"
    rows_by_month = dict(zip(table["month"], x_cf))

    def sum_interval(months):
        if not months:
            return 0.0, 0.0, 0.0
        a = np.sum([rows_by_month[m] for m in months], axis=0)
        point = float(a @ params)
        h = tq * math.sqrt(float(a @ cov @ a) + len(months) * sigma2)
        return point, point - h, point + h

    ci = res.conf_int(alpha=1 - level)
    coefs = pd.DataFrame({"term": ["intercept (t/month at window start)", "pre-control trend (t/month per month)",
                                   "level change at control (t/month)", "slope change after control (t/month per month)"],
                          "estimate": params, "hac_se": res.bse.to_numpy(), "low": ci.iloc[:, 0].to_numpy(),
                          "high": ci.iloc[:, 1].to_numpy(), "p_value": res.pvalues.to_numpy()})
    notes = [f"ITS fitted on {len(fit_rows)} months with data ({int(is_pre.sum())} before the control, "
             f"{int((~is_pre).sum())} from it on); {int((table['status'] == 'missing').sum())} missing months dropped.",
             f"HAC (Newey-West) standard errors, maxlags {hac_maxlags}; counterfactual noise from the pre-period "
             f"residual s.d. {math.sqrt(sigma2):,.0f} t/month (t with {df_pre} d.f.)."]
    out = table.drop(columns=["t", "post", "t_since_control"])
    return Counterfactual("its", control, start, level, out, coefs, int(is_pre.sum()), notes, sum_interval)


def yoy_pairs(series: pd.DataFrame, control_date, pre_start) -> pd.DataFrame:
    """Pre-period months whose month a year earlier is also known, with the log y/y ratio."""
    control = _control_month(control_date)
    start = pd.Period(pre_start, "M")
    values = series.set_index("month")["mass_t"]
    pre = _pre_points(series, control, start)
    rows = []
    for m, v in zip(pre["month"], pre["mass_t"]):
        base = values.get(m - 12)
        if base is not None and not pd.isna(base):
            rows.append({"month": m, "mass_t": v, "base_month": m - 12, "base_mass_t": base,
                         "yoy_ratio": v / base, "log_yoy": math.log(v / base)})
    return pd.DataFrame(rows, columns=["month", "mass_t", "base_month", "base_mass_t", "yoy_ratio", "log_yoy"])


def fit_seasonal_naive(series: pd.DataFrame, control_date, pre_start, level: float = 0.95,
                       n_draws: int = N_DRAWS, rng_seed: int = RNG_SEED) -> Counterfactual:
    """Same month a year earlier times the pre-control mean y/y growth (see module docstring)."""
    control, start, pairs = _pre_period(series, control_date, pre_start, "seasonal_naive_trend")
    res = sm.OLS(pairs["log_yoy"].to_numpy(), np.ones((len(pairs), 1))).fit()
    mu, se, s, df = float(res.params[0]), float(res.bse[0]), math.sqrt(float(res.scale)), int(res.df_resid)
    rng = np.random.default_rng(rng_seed)
    mu_draws = mu + se * rng.standard_t(df, n_draws)

    table = series[series["month"] >= start].copy()
    values = series.set_index("month")["mass_t"]
    draws: dict[pd.Period, np.ndarray] = {}
    point: dict[pd.Period, float] = {}
    for m in table.loc[table["month"] >= control, "month"]:
        b = m - 12
        if b < control:
            base = values.get(b)
            if base is None or pd.isna(base):
                continue
            base_point, base_draws = float(base), float(base)
        elif b in point:
            base_point, base_draws = point[b], draws[b]
        else:
            continue
        point[m] = base_point * math.exp(mu)
        draws[m] = base_draws * np.exp(mu_draws + s * rng.standard_t(df, n_draws))
    q_lo, q_hi = 0.5 - level / 2, 0.5 + level / 2
    table["counterfactual_t"] = table["month"].map(point).astype(float)
    table["counterfactual_low_t"] = table["month"].map({m: float(np.quantile(d, q_lo)) for m, d in draws.items()}).astype(float)
    table["counterfactual_high_t"] = table["month"].map({m: float(np.quantile(d, q_hi)) for m, d in draws.items()}).astype(float)
    table["in_fit"] = table["month"].isin(pairs["month"])

    def sum_interval(months):
        months = [m for m in months if m in point]
        if not months:
            return 0.0, 0.0, 0.0
        total = np.sum([draws[m] for m in months], axis=0)
        return sum(point[m] for m in months), float(np.quantile(total, q_lo)), float(np.quantile(total, q_hi))

    ci = res.conf_int(alpha=1 - level)[0]
    coefs = pd.DataFrame({"term": ["mean log y/y ratio before the control", "implied y/y growth (%)"],
                          "estimate": [mu, (math.exp(mu) - 1) * 100], "se": [se, float("nan")],
                          "low": [ci[0], (math.exp(ci[0]) - 1) * 100], "high": [ci[1], (math.exp(ci[1]) - 1) * 100]})
    notes = [f"Trend from {len(pairs)} pre-period months with the month a year earlier known "
             f"({', '.join(str(m) for m in pairs['month'])}): mean y/y growth {(math.exp(mu) - 1) * 100:+.1f}%, "
             f"spread (s.d. of log ratios) {s:.3f}, t with {df} d.f.",
             f"Intervals simulated ({n_draws:,} draws, seed {rng_seed})."]
    return Counterfactual("seasonal_naive_trend", control, start, level, table, coefs, len(pairs), notes, sum_interval)


def counterfactual(series: pd.DataFrame, control_date, pre_start, method: str, hac_maxlags: int = 2,
                   level: float = 0.95) -> Counterfactual:
    """Fit the counterfactual ``method`` (one of :data:`METHODS`)."""
    check_control_date(series, control_date, pre_start)
    if method == "its":
        return fit_its(series, control_date, pre_start, hac_maxlags, level)
    if method == "seasonal_naive_trend":
        return fit_seasonal_naive(series, control_date, pre_start, level)
    raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")


# --- impact ---------------------------------------------------------------------------------------

def recovery_month(cf: Counterfactual) -> pd.Period | None:
    """First month from the control month on with actual >= the counterfactual's lower bound."""
    post = cf.table[cf.table["month"] >= cf.control_month].dropna(subset=["mass_t", "counterfactual_low_t"])
    back = post[post["mass_t"] >= post["counterfactual_low_t"]]
    return None if back.empty else back["month"].iloc[0]


def estimate_loss(cf: Counterfactual, disruption_end=None) -> dict:
    """Recovery month, disruption months and tonnes lost (counterfactual minus actual) with an interval.

    Parameters
    ----------
    cf : Counterfactual
    disruption_end : Period or str, optional
        Last disruption month; by default the month before :func:`recovery_month` (or the last
        month of data if exports never came back).
    """
    recovery = recovery_month(cf)
    last = cf.table["month"].max()
    if disruption_end is not None:
        end = pd.Period(disruption_end, "M")
        rule = f"given: {cf.control_month} to {end}"
    else:
        end = (recovery - 1) if recovery is not None else last
        rule = "the control month to the month before the recovery month"
    months = [m for m in pd.period_range(cf.control_month, end, freq="M")] if end >= cf.control_month else []
    rows = cf.table.set_index("month").loc[months] if months else cf.table.iloc[0:0].set_index("month")
    usable = rows.dropna(subset=["mass_t", "counterfactual_t"])
    used = list(usable.index)
    point, lo, hi = cf.sum_interval(used)
    actual = float(usable["mass_t"].sum())
    lost = point - actual
    return {
        "method": cf.method, "pre_start": str(cf.pre_start), "control_month": str(cf.control_month),
        "recovery_month": None if recovery is None else str(recovery),
        "disruption_rule": rule, "disruption_months": [str(m) for m in months],
        "months_without_data": [str(m) for m in months if m not in used],
        "actual_t": actual, "counterfactual_t": float(point), "lost_t": float(lost), "lost_low_t": float(lo - actual),
        "lost_high_t": float(hi - actual), "lost_pct_of_counterfactual": (lost / point * 100) if point else 0.0,
        "interval_level": cf.level, "n_pre_points": cf.n_pre,
    }


def sensitivity(series: pd.DataFrame, control_date, windows, methods=METHODS, hac_maxlags: int = 2,
                level: float = 0.95, disruption_end=None) -> pd.DataFrame:
    """Lost tonnes and recovery month for every method x pre-period window (a row says why it failed)."""
    rows = []
    for method in methods:
        for window in windows:
            row = {"method": method, "pre_start": str(window)}
            try:
                res = estimate_loss(counterfactual(series, control_date, window, method, hac_maxlags, level), disruption_end)
            except ValueError as exc:
                rows.append({**row, "note": str(exc)})
                continue
            rows.append({**row, "n_pre_points": res["n_pre_points"], "recovery_month": res["recovery_month"],
                         "disruption_months": len(res["disruption_months"]), "lost_t": res["lost_t"],
                         "lost_low_t": res["lost_low_t"], "lost_high_t": res["lost_high_t"], "note": ""})
    cols = ["method", "pre_start", "n_pre_points", "recovery_month", "disruption_months", "lost_t", "lost_low_t",
            "lost_high_t", "note"]
    return pd.DataFrame(rows, columns=cols)


MONTHLY_COLUMNS = ["month", "status", "mass_t", "mass_low_t", "mass_high_t", "counterfactual_t", "counterfactual_low_t",
                   "counterfactual_high_t", "shortfall_t", "formula"]


def monthly_table(cf: Counterfactual, start) -> pd.DataFrame:
    """The counterfactual's monthly table from ``start`` (a month) on, with ``shortfall_t``: the
    counterfactual minus actual exports, t of magnet, from the control month on (before it: none)."""
    table = cf.table[cf.table["month"] >= pd.Period(start, "M")].copy()
    shortfall = table["counterfactual_t"] - table["mass_t"]
    table["shortfall_t"] = shortfall.where(table["month"] >= cf.control_month)
    return table


def month_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`monthly_table` as shown: :data:`MONTHLY_COLUMNS`, tonnes rounded to whole t."""
    tonnes = {c: "Int64" for c in MONTHLY_COLUMNS if c.endswith("_t")}
    return table[MONTHLY_COLUMNS].set_index("month").round(0).astype(tonnes)


def deepest_month(table: pd.DataFrame, months, control_month) -> dict:
    """The month of ``months`` whose exports fell furthest below the counterfactual.

    ``relative_gap`` is actual / counterfactual - 1 (a fraction; -0.77 is 77% below). Months without
    an actual or a counterfactual are passed over; with none left (no disruption months), the
    control month is given.
    """
    rows = table[table["month"].isin(list(months))].dropna(subset=["mass_t", "counterfactual_t"])
    if rows.empty:
        rows = table[table["month"] == pd.Period(control_month, "M")]
    gap = rows["mass_t"] / rows["counterfactual_t"] - 1
    row = rows.loc[gap.idxmin()] if gap.notna().any() else rows.iloc[0]
    return {"month": row["month"], "mass_t": float(row["mass_t"]), "counterfactual_t": float(row["counterfactual_t"]),
            "relative_gap": float(row["mass_t"] / row["counterfactual_t"] - 1)}


# --- destinations ---------------------------------------------------------------------------------

def share_shift(destinations, control_date, start, end=None, figures=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Destination shares of total exports before and after the control, single months only.

    Returns
    -------
    months : DataFrame
        Every month used (destination and total both known), with ``period`` before/after.
    summary : DataFrame
        Per destination and period: months used, pooled share (sum of destination / sum of total).
    """
    control = _control_month(control_date)
    start = pd.Period(start, "M")
    shares = exports.shares(destinations, figures=figures)
    months = shares[(shares["months"] == 1) & (shares["period_start"] >= start)].copy()
    if end is not None:
        months = months[months["period_start"] <= pd.Period(end, "M")]
    months["period"] = np.where(months["period_start"] < control, "before", "after")
    months = months.rename(columns={"period_start": "month"}).drop(columns=["period_end", "months"])
    summary = (months.groupby(["destination", "period"], sort=False)
               .agg(months_used=("month", lambda m: ", ".join(str(x) for x in m)), n_months=("month", "size"),
                    mass_t=("mass_t", "sum"), total_mass_t=("total_mass_t", "sum"))
               .reset_index())
    summary["pooled_share_pct"] = summary["mass_t"] / summary["total_mass_t"] * 100
    order = {d: i for i, d in enumerate(destinations)}
    summary = summary.sort_values(["destination", "period"], key=lambda s: s.map(order) if s.name == "destination"
                                  else s.map({"before": 0, "after": 1})).reset_index(drop=True)
    return months.reset_index(drop=True), summary


def same_span_shares(destinations, control_date, figures=None) -> pd.DataFrame:
    """Multi-month spans known for a destination and the total in two consecutive years, the later
    one containing the control month (e.g. H1 2024 against H1 2025)."""
    control = _control_month(control_date)
    shares = exports.shares(destinations, figures=figures)
    spans = shares[shares["months"] > 1].set_index(["destination", "period_start", "period_end"])
    rows = []
    for (dest, s, e), r in spans.iterrows():
        prev = (dest, s - 12, e - 12)
        if s <= control <= e and prev in spans.index:
            p = spans.loc[prev]
            rows.append({"destination": dest, "span_before": f"{s - 12}/{e - 12}", "share_before_pct": p["share_pct"],
                         "span_after": f"{s}/{e}", "share_after_pct": r["share_pct"],
                         "change_pp": r["share_pct"] - p["share_pct"],
                         "destination_change_pct": (r["mass_t"] / p["mass_t"] - 1) * 100,
                         "total_change_pct": (r["total_mass_t"] / p["total_mass_t"] - 1) * 100,
                         "status": f"{p['status']}/{p['total_status']} -> {r['status']}/{r['total_status']}"})
    return pd.DataFrame(rows)


def common_span(spans: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`same_span_shares` for the span most destinations share (earliest on ties),
    sorted by the destination's fall, largest first."""
    if spans.empty:
        return spans
    counts = spans.groupby("span_after").size()
    best = sorted(counts.index, key=lambda s: (-counts[s], s))[0]
    return spans[spans["span_after"] == best].sort_values("destination_change_pct").reset_index(drop=True)


# --- price context --------------------------------------------------------------------------------

def price_context(start) -> pd.DataFrame:
    """The Pr-Nd oxide price quotes in China (domestic basis, CNY/t incl. VAT) from ``start`` (a month)
    on, by date: the price over the export-control window, for timing only."""
    from analysis import prices

    points = prices.price_points(currency="CNY", unit="t", vat="incl", products=["prnd_oxide"],
                                 start=pd.Period(start, "M").to_timestamp())
    return points[points["basis"] == "cn_domestic_incl_vat"].sort_values("date")


# --- the report (notebook 03) ---------------------------------------------------------------------

KEY_CHART = "exports_vs_counterfactual"
"""The chart that answers notebook 03's question: :func:`analysis.charts.exports.versus_counterfactual`."""
METHOD_NAMES = {"its": "an interrupted-time-series counterfactual",
                "seasonal_naive_trend": "a seasonal-naive counterfactual with trend"}


@dataclass
class Assessment:
    """Everything notebook 03 reports for one set of parameters (see :func:`assess`)."""

    params: dict  # :func:`validate_parameters`
    series_start: pd.Period
    cf: Counterfactual
    loss: dict  # :func:`estimate_loss` over the disruption months
    net: dict  # :func:`estimate_loss` from the control month to the last month with data
    sensitivity: pd.DataFrame
    monthly: pd.DataFrame  # :func:`monthly_table`
    deepest: dict  # :func:`deepest_month`
    share_months: pd.DataFrame  # :func:`share_shift`
    share_summary: pd.DataFrame
    same_span: pd.DataFrame  # :func:`same_span_shares`
    notes: list[str]  # the fit's notes, then any warning raised while fitting

    @property
    def disruption(self) -> list[pd.Period]:
        return [pd.Period(m, "M") for m in self.loss["disruption_months"]]

    @property
    def fitted(self) -> pd.DataFrame:
        """The rows of the sensitivity table that could be fitted."""
        return self.sensitivity[self.sensitivity["note"] == ""]

    @property
    def pct(self) -> str:
        return f"{self.params['interval_level']:.0%}"

    def recovery_text(self) -> str:
        return self.loss["recovery_month"] or f"not by {self.params['data_last']}"

    def span_text(self) -> str:
        months = self.disruption
        return f"{months[0]} to {months[-1]}" if months else "none"

    def notes_markdown(self) -> str:
        return "\n".join(f"- {md(n)}" for n in self.notes)


def assess(series: pd.DataFrame, params: dict, series_start, figures=None) -> Assessment:
    """Fit the counterfactual, estimate the loss (over the disruption and up to the last month with
    data), run the sensitivity table and compare destination shares, for the parameters of notebook
    03 as :func:`validate_parameters` returns them. Warnings raised while fitting are kept as notes."""
    p = params
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cf = counterfactual(series, p["control_date"], p["pre_start"], p["method"], p["hac_maxlags"],
                            p["interval_level"])
        loss = estimate_loss(cf, p["disruption_end"])
        net = estimate_loss(cf, p["data_last"])
        table = sensitivity(series, p["control_date"], p["sensitivity_windows"], METHODS, p["hac_maxlags"],
                            p["interval_level"], p["disruption_end"])
    monthly = monthly_table(cf, series_start)
    deepest = deepest_month(monthly, [pd.Period(m, "M") for m in loss["disruption_months"]], cf.control_month)
    share_months, share_summary = share_shift(p["destinations"], p["control_date"], series_start, figures=figures)
    spans = same_span_shares(p["destinations"], p["control_date"], figures=figures)
    notes = cf.notes + [f"warning raised while fitting: {w.message}" for w in caught]
    return Assessment(p, pd.Period(series_start, "M"), cf, loss, net, table, monthly, deepest, share_months,
                      share_summary, spans, notes)


def _about_t(value: float) -> str:
    """Tonnes rounded to the nearest 100 t, with thousands separators: 9,029.1 -> '9,000'."""
    return thousands(round(value, -2))


def _month_span(months: list[pd.Period]) -> str:
    """'April to June 2025', 'December 2025 to February 2026', 'May 2025'."""
    first, last = months[0], months[-1]
    if first == last:
        return first.strftime("%B %Y")
    return f"{first.strftime('%B' if first.year == last.year else '%B %Y')} to {last.strftime('%B %Y')}"


def answer(a: Assessment) -> str:
    """One plain-text sentence answering notebook 03's question, every number and month from ``a``.

    Tonnes are rounded to the nearest 100 t ("about"); the exact figures are in the key figures.
    """
    loss, months = a.loss, a.disruption
    against = f"against {METHOD_NAMES[a.cf.method]} fitted from {a.cf.pre_start.strftime('%B %Y')}"
    if not months:
        return (f"China's magnet exports did not fall below the {a.pct} interval of the counterfactual in the control "
                f"month, {a.cf.control_month.strftime('%B %Y')} ({against}).")
    given = " given" if a.params["disruption_end"] is not None else ""
    n = f"{len(months)}{given} month{'s' if len(months) > 1 else ''}"
    return (f"China's magnet exports lost about {_about_t(loss['lost_t'])} t ({a.pct} interval "
            f"{_about_t(loss['lost_low_t'])} to {_about_t(loss['lost_high_t'])} t"
            f"{', which includes no loss' if loss['lost_low_t'] <= 0 else ''}) over the {n} of disruption after "
            f"the controls ({_month_span(months)}), {against}, and {_recovery_clause(loss, months, a.params)}.")


def _recovery_clause(loss: dict, months: list[pd.Period], params: dict) -> str:
    if not loss["recovery_month"]:
        return f"had not recovered by {params['data_last'].strftime('%B %Y')}"
    recovery = pd.Period(loss["recovery_month"], "M")
    if recovery <= months[-1]:  # a given disruption end after the recovery month
        return f"were already back to the counterfactual's range in {recovery.strftime('%B %Y')}, within those months"
    return f"were back to the counterfactual's range by {recovery.strftime('%B %Y')}"


def summary(a: Assessment) -> str:
    """The numbers behind the answer, as Markdown bullets (text from data escaped). The answer sentence
    itself (:func:`answer`) heads the report page (its "At a glance" box) and the results file."""
    loss, net, ok, p, pct = a.loss, a.net, a.fitted, a.params, a.pct
    d = a.deepest
    catch_up = loss["lost_t"] - net["lost_t"]
    net_note = ("the interval includes zero, so over the whole period the data cannot tell whether the shortfall "
                "persisted" if net["lost_low_t"] <= 0 <= net["lost_high_t"] else "the interval excludes zero")
    lines = [
        f"- **Counterfactual:** {method_label(p['method'])} (`{p['method']}`), fitted on {a.cf.n_pre} pre-control "
        f"points from {p['pre_start']}; "
        f"control month {p['control_month']} (control dated {p['control_date']:%Y-%m-%d}).",
        f"- **Disruption:** {a.span_text()} ({len(a.disruption)} months; rule: {loss['disruption_rule']}).",
        f"- **Tonnes lost over the disruption:** **{thousands(loss['lost_t'])} t** of magnet ({pct} interval "
        f"{thousands(loss['lost_low_t'])} to {thousands(loss['lost_high_t'])} t), "
        f"{loss['lost_pct_of_counterfactual']:.0f}% of the {thousands(loss['counterfactual_t'])} t the counterfactual "
        f"expected; actual exports were {thousands(loss['actual_t'])} t.",
        f"- **Deepest month:** {d['month']}, {thousands(d['mass_t'])} t against {thousands(d['counterfactual_t'])} t "
        f"expected ({d['relative_gap']:+.0%}).",
        f"- **Recovery month** (first month with exports at or above the counterfactual's lower {pct} bound): "
        f"**{a.recovery_text()}**.",
        f"- **From the control to {p['data_last']}:** {thousands(net['lost_t'])} t short "
        f"({thousands(net['lost_low_t'])} to {thousands(net['lost_high_t'])} t): the months after the recovery added "
        f"{catch_up:+,.0f} t against the counterfactual; {net_note}.",
        f"- **Across {len(ok)} method x window combinations** the loss ranges from {thousands(ok['lost_t'].min())} "
        f"to {thousands(ok['lost_t'].max())} t and recovery from {ok['recovery_month'].min()} to "
        f"{ok['recovery_month'].max()}.",
    ]
    return "\n".join(lines + _destination_lines(a))


def _destination_lines(a: Assessment) -> list[str]:
    s = a.share_summary
    us = s[s["destination"] == "US"].set_index("period")["pooled_share_pct"]
    lines = []
    if {"before", "after"} <= set(us.index):
        lines.append(f"- **US share of China's magnet exports:** {pct_text(us['before'])} before, "
                     f"{pct_text(us['after'])} after (pooled over the months where both are known, listed below).")
    rows = common_span(a.same_span)
    if not rows.empty:
        lines.append(f"- **Who lost most, {md(rows['span_after'].iloc[0])} against a year earlier:** " + "; ".join(
            f"{md(r.destination)} {pct_text(r.destination_change_pct, signed=True)}" for r in rows.itertuples())
            + f" (total {pct_text(rows['total_change_pct'].iloc[0], signed=True)}).")
    return lines


def _rounded(result: dict) -> dict:
    """Tonnes to 0.1 t for the results file; the interval level (a share, e.g. 0.95) as it is."""
    return {k: (round(v, 1) if isinstance(v, float) and k != "interval_level" else v) for k, v in result.items()}


def key_figures(a: Assessment, statements: pd.DataFrame) -> dict:
    """The headline figures of notebook 03, in order (label with unit -> value as text)."""
    loss, net, ok, p, pct = a.loss, a.net, a.fitted, a.params, a.pct
    us = a.share_summary.loc[a.share_summary["destination"] == "US", "pooled_share_pct"]
    verdicts = statements["verdict"]
    return {
        f"magnet exports lost, {a.span_text()} ({method_label(p['method'])})":
            f"{thousands(loss['lost_t'])} t ({pct} interval {thousands(loss['lost_low_t'])} to "
            f"{thousands(loss['lost_high_t'])} t)",
        "recovery month": a.recovery_text(),
        "deepest month vs counterfactual": f"{a.deepest['month']}: {a.deepest['relative_gap']:+.0%}",
        f"net shortfall {p['control_month']} to {p['data_last']}":
            f"{thousands(net['lost_t'])} t ({pct} interval {thousands(net['lost_low_t'])} to "
            f"{thousands(net['lost_high_t'])} t)",
        "loss across methods x windows": f"{thousands(ok['lost_t'].min())} to {thousands(ok['lost_t'].max())} t",
        "US share of exports before -> after": " -> ".join(pct_text(v) for v in us),
        "seed export statements consistent": f"{(verdicts == claims.CONSISTENT).sum()} of {len(statements)} "
                                             f"({verdicts.str.startswith(claims.CIRCULAR).sum()} circular)",
    }


def results(a: Assessment, parameters: dict, statements: pd.DataFrame, levels: pd.DataFrame,
            missing: pd.DataFrame) -> dict:
    """Notebook 03's results file: the answer, its key chart, key figures and every table behind them.

    ``parameters``: the notebook's parameters as given; ``statements``:
    :func:`analysis.claims_exports.relation_table`; ``levels``: :func:`analysis.claims_exports.level_table`;
    ``missing``: :func:`analysis.exports.missing_reasons`.
    """
    from analysis.report import records

    return {
        "answer": answer(a),
        "key_chart": KEY_CHART,
        "key_figures": key_figures(a, statements),
        "parameters": parameters,
        "impact": _rounded(a.loss),
        "net_since_control": _rounded(a.net),
        "monthly": records(a.monthly[MONTHLY_COLUMNS], 1),
        "model": {"notes": a.cf.notes, "coefficients": records(a.cf.coefficients, 4)},
        "sensitivity": records(a.sensitivity, 1),
        "destination_shares": {"months": records(a.share_months.drop(columns="source_ids"), 2),
                               "summary": records(a.share_summary, 2), "same_span": records(a.same_span, 2)},
        "seed_statements": records(statements.drop(columns="passage"), 3),
        "seed_levels": records(levels.drop(columns="passage"), 1),
        "missing_months": records(missing),
        "data_as_of": data_as_of("exports"),  # the month its exports run to (the brief's "Data to")
    }
