"""Nd and Pr-Nd price history on one basis: a transparent monthly grid, its metrics, a forecast band,
and seed 000's yearly table beside the market.

- :func:`price_points` puts every dated quote on the chosen currency / unit / VAT basis (through
  :func:`analysis.units.convert_prices`, with its FX audit columns) and labels each row with its
  series, ``product:basis``: China-domestic spot, the China Northern listed price, FOB, CIF, ... are
  never one line;
- :func:`monthly_grid` turns one series' dated points into a regular monthly grid and says, month
  by month, how each value was obtained (``observed``, ``averaged``, ``interpolated``) or that it
  is a ``gap``;
- :func:`yoy_change_pct`, :func:`drawdown_pct`, :func:`peak_trough`, :func:`log_return_volatility`,
  :func:`annual_means` and :func:`metal_oxide_ratios` are the derived metrics;
- :func:`fit_forecast` fits a few small statsmodels ARIMA models to the monthly log price and
  returns prediction intervals and fit diagnostics;
- :func:`seed000_yearly` sets seed 000's yearly $/kg table beside the market's comparators.

The seeds' price claims, recomputed with their verdicts, are in :mod:`analysis.claims_prices`.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import cache, units
from analysis.claims import DISAGREES
from analysis.data import data_as_of, load
from analysis.formatting import pct, span, thousands

PRODUCTS = ("prnd_oxide", "nd_oxide", "nd_metal", "prnd_metal")
"""The four Nd products this module charts (data/prices.csv also holds the NdFeB 52UH blank)."""

PRODUCT_LABELS = {"prnd_oxide": "Pr-Nd oxide", "nd_oxide": "Nd oxide", "nd_metal": "Nd metal",
                  "prnd_metal": "Pr-Nd metal", "ndfeb_52uh_blank": "NdFeB 52UH blank"}
BASIS_LABELS = {
    "cn_domestic_incl_vat": "China domestic spot (quoted incl. VAT)",
    "cn_listed_incl_vat": "China Northern listed price (quoted incl. VAT)",
    "fob_china": "FOB China",
    "cif_rotterdam": "CIF Rotterdam",
    "annual_average": "USGS annual average (Argus)",
    "producer_realised": "MP Materials realised price",
    "price_floor": "US DoD price floor",
    "blog_estimate": "blog estimate (seed 000)",
}
DOMESTIC = "cn_domestic_incl_vat"
CLAIM_BASIS = {"currency": "USD", "unit": "kg", "vat": "excl"}
"""The one basis the seed-claim checks (:mod:`analysis.claims_prices`) use, whatever basis the charts
show: USD/kg excl. VAT is the basis of the USGS (Argus) averages and of export quotes, and the seeds'
$/kg figures."""
DATED_PERIODS = ("day", "week", "month")
"""Periods short enough to place in one month of the grid; longer ones are period averages."""

OBSERVED, AVERAGED, INTERPOLATED, GAP = "observed", "averaged", "interpolated", "gap"
GRID_STATUSES = (OBSERVED, AVERAGED, INTERPOLATED, GAP)
QUOTED = (OBSERVED, AVERAGED)


# --- parameters ---------------------------------------------------------------------------------

def validate_parameters(*, currency: str, unit: str, vat: str, products, start: str, end: str,
                        max_fx_gap_days: int, forecast_horizon_months: int, max_interp_gap_months: int) -> dict:
    """Check the notebook's parameters against notebook 01's model
    (:class:`analysis.parameters.PriceHistory`); return them with ``start`` / ``end`` as Timestamps.

    Raises ValueError (:class:`analysis.params.ParameterError`) naming the parameter and what was expected.
    """
    from analysis import parameters

    given = dict(currency=currency, unit=unit, vat=vat, products=products, start=start, end=end,
                 max_fx_gap_days=max_fx_gap_days, forecast_horizon_months=forecast_horizon_months,
                 max_interp_gap_months=max_interp_gap_months)
    out = parameters.validate("01_price_history", given, injected=True).model_dump()
    return {k: pd.Timestamp(out[k]) if k in ("start", "end") else out[k] for k in given}  # in the order of the arguments


# --- normalised points --------------------------------------------------------------------------

def price_mid(quotes: pd.DataFrame) -> pd.Series:
    """Each quote's mid-point, in its own unit: the stated average ``price_avg``, else the middle of
    its range, (``price_low`` + ``price_high``) / 2. The one definition of a quote's single value."""
    return quotes["price_avg"].where(quotes["price_avg"].notna(), (quotes["price_low"] + quotes["price_high"]) / 2)


def _native_currency(basis: str) -> str:
    return "CNY" if basis.startswith("cn_") else "USD"


def drop_restatements(prices: pd.DataFrame) -> pd.DataFrame:
    """Drop a quote restated in a second currency by the same assessor for the same date and period.

    Reuters/Benchmark's February 2026 Pr-Nd oxide price is stored twice (about 850,000 CNY/t and
    its USD equivalent); averaging both would count one observation twice. The row in the basis'
    own currency (CNY for China bases, USD otherwise) is kept.
    """
    key = ["product", "basis", "assessor", "date", "period"]
    out = prices.copy()
    out["_native"] = [unit.split("/")[0] == _native_currency(b) for unit, b in zip(out["price_unit"], out["basis"])]
    out = out.sort_values(key + ["_native"], ascending=[True] * len(key) + [False], kind="stable")
    out = out.drop_duplicates(key, keep="first").drop(columns="_native")
    return out.sort_index()


def basis_label(basis: str) -> str:
    """A price basis as a reader names it (:data:`BASIS_LABELS`); an unlisted one as it is."""
    return BASIS_LABELS.get(basis, basis)


def series_label(product: str, basis: str) -> str:
    """'Pr-Nd oxide, China domestic spot (quoted incl. VAT)'."""
    return f"{PRODUCT_LABELS.get(product, product)}, {basis_label(basis)}"


def vat_note(vat: str) -> str:
    """'excl. 13% China VAT' (``vat`` is 'incl' or 'excl')."""
    return f"{'incl.' if vat == 'incl' else 'excl.'} {units.VAT_RATE_CN * 100:g}% China VAT"


def basis_note(price_unit: str, vat: str) -> str:
    """'USD/kg, excl. 13% China VAT': the basis every price of a run is shown on."""
    return f"{price_unit}, {vat_note(vat)}"


def price_text(value: float, price_unit: str, unit_text: str | None = None) -> str:
    """'108.92 USD/kg', '850,000 CNY/t': whole numbers per tonne, two decimals per kg.
    ``unit_text`` replaces the unit written after the number (a basis note, say)."""
    return f"{thousands(value, price_decimals(price_unit))} {unit_text or price_unit}"


def price_decimals(price_unit: str) -> int:
    """Decimals a price is written with: 0 per tonne, 2 per kg."""
    return 0 if price_unit.endswith("/t") else 2


@cache.on_data
def price_points(prices: pd.DataFrame | None = None, fx: pd.DataFrame | None = None, *, currency: str = "CNY",
                 unit: str = "t", vat: str = "incl", max_fx_gap_days: int = 31, products=PRODUCTS,
                 start=None, end=None) -> pd.DataFrame:
    """Every quote of ``products`` between ``start`` and ``end`` on one basis, labelled by series.

    The values (``price_low``, ``price_high``, ``price_avg`` and ``price_mid``, see :func:`price_mid`)
    are in ``price_unit``; the FX audit columns of
    :func:`analysis.units.convert_prices` are kept. ``series`` is ``product:basis``.
    Raises :class:`analysis.units.FxGapError` (naming ``max_gap_days``) when a quote has no FX
    rate within ``max_fx_gap_days``.
    """
    prices = load("prices") if prices is None else prices
    fx = units.load_fx() if fx is None else fx
    rows = prices[prices["product"].isin(list(products))]
    if start is not None:
        rows = rows[rows["date"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows[rows["date"] <= pd.Timestamp(end)]
    rows = drop_restatements(rows)
    try:
        out = units.convert_prices(rows, fx, currency=currency, unit=unit, vat=vat, max_gap_days=max_fx_gap_days)
    except units.FxGapError as err:
        raise units.FxGapError(f"max_fx_gap_days={max_fx_gap_days} is too small for this quote: {err}") from None
    out["price_mid"] = price_mid(out)
    out["series"] = out["product"] + ":" + out["basis"]
    out["series_label"] = [series_label(p, b) for p, b in zip(out["product"], out["basis"])]
    out["period_end"] = [units.period_end(d, p) for d, p in zip(out["date"], out["period"])]
    return out.sort_values(["product", "basis", "date", "assessor"]).reset_index(drop=True)


def latest_points(points: pd.DataFrame) -> pd.DataFrame:
    """The latest dated quote of each series, with its FX audit columns."""
    dated = points[points["period"].isin(DATED_PERIODS)]
    latest = dated.sort_values("date").groupby("series", sort=True).tail(1)
    cols = ["series_label", "date", "period", "assessor", "price_low", "price_mid", "price_high", "price_unit",
            "fx_rate_cny_per_usd", "fx_date", "fx_period", "fx_rate_type", "fx_gap_days", "fx_choice",
            "vat_treatment", "source_id"]
    return latest.sort_values(["series_label"])[cols].reset_index(drop=True)


FX_RATE_LABELS = {"h10_average": "Fed H.10 average", "central_parity": "PBOC central parity", "spot": "spot close"}
"""fx_rates.csv's ``rate_type`` values as the FX audit table names them (catalogue.yaml describes each)."""


def _fx_period_text(kind: str, period: str, date) -> str:
    """``Fed H.10 average for 2024-09`` (a month), ``... for 2019`` (a year), ``... on 2024-09-03`` (a day)."""
    stamp = pd.Timestamp(date)
    when = {"month": f"for {stamp:%Y-%m}", "year": f"for {stamp:%Y}", "day": f"on {stamp:%Y-%m-%d}"}.get(
        period, f"for the {period} from {stamp:%Y-%m-%d}")
    return f"{FX_RATE_LABELS.get(kind, kind)} {when}"


def fx_audit_table(latest: pd.DataFrame) -> pd.DataFrame:
    """A compact view of :func:`latest_points`: the quote, the FX rate behind it and the VAT step."""
    fx_used = [("none needed (same currency)" if pd.isna(rate) else
                f"{rate:.4f} CNY/USD, {_fx_period_text(kind, period, d)}, {int(gap)} days' gap")
               for rate, kind, period, d, gap in zip(latest["fx_rate_cny_per_usd"], latest["fx_rate_type"],
                                                     latest["fx_period"], latest["fx_date"], latest["fx_gap_days"])]
    return pd.DataFrame({"series": latest["series_label"], "date": latest["date"].dt.strftime("%Y-%m-%d"),
                         "assessor": latest["assessor"], "price_low": latest["price_low"], "price_mid": latest["price_mid"],
                         "price_high": latest["price_high"], "price_unit": latest["price_unit"], "fx_rate_used": fx_used,
                         "vat": latest["vat_treatment"], "source_id": latest["source_id"]})


# --- monthly grid -------------------------------------------------------------------------------

def monthly_grid(points: pd.DataFrame, *, max_interp_gap_months: int = 3) -> pd.DataFrame:
    """A regular monthly grid of one series, from its first to its last quoted month.

    Each month says how its value was obtained: ``observed`` (one quote in the month),
    ``averaged`` (the mean of several quotes), ``interpolated`` (linear in time between the
    neighbouring quoted months, only across runs of at most ``max_interp_gap_months`` empty
    months) or ``gap`` (left empty). Quotes covering a quarter or longer are not placed on the grid.
    Columns: ``month`` (Period), ``price_low`` / ``price_mid`` / ``price_high``, ``price_unit``,
    ``n_points``, ``status``, ``how``.
    """
    if max_interp_gap_months < 0:
        raise ValueError(f"max_interp_gap_months must be >= 0, got {max_interp_gap_months}")
    if points["series"].nunique() > 1:
        raise ValueError(f"points must hold one series, got {sorted(points['series'].unique())}")
    if points["price_unit"].nunique() > 1:
        raise ValueError(f"points must be on one price_unit, got {sorted(points['price_unit'].unique())}")
    columns = ["month", "price_low", "price_mid", "price_high", "price_unit", "n_points", "status", "how"]
    dated = points[points["period"].isin(DATED_PERIODS)].copy()
    if dated.empty:
        return pd.DataFrame(columns=columns)
    dated["month"] = dated["date"].dt.to_period("M")
    by_month = dated.groupby("month").agg(price_low=("price_low", "mean"), price_mid=("price_mid", "mean"),
                                          price_high=("price_high", "mean"), n_points=("price_mid", "size"),
                                          dates=("date", lambda d: ", ".join(sorted(x.strftime("%Y-%m-%d") for x in d))))
    months = pd.period_range(by_month.index.min(), by_month.index.max(), freq="M")
    grid = by_month.reindex(months)
    grid.index.name = "month"
    grid["n_points"] = grid["n_points"].fillna(0).astype(int)
    grid["status"] = np.where(grid["n_points"] == 1, OBSERVED, np.where(grid["n_points"] > 1, AVERAGED, GAP))
    grid["how"] = np.where(grid["n_points"] == 1, "quote of " + grid["dates"].fillna(""),
                           "mean of " + grid["n_points"].astype(str) + " quotes: " + grid["dates"].fillna(""))
    # runs of empty months
    empty = grid["n_points"] == 0
    run = (empty != empty.shift()).cumsum()
    pos = np.arange(len(grid))
    for _, idx in grid[empty].groupby(run[empty]).groups.items():
        locs = [grid.index.get_loc(i) for i in idx]
        before, after = locs[0] - 1, locs[-1] + 1
        length = len(locs)
        if length <= max_interp_gap_months:
            for col in ("price_low", "price_mid", "price_high"):
                a, b = grid[col].iloc[before], grid[col].iloc[after]
                grid.iloc[locs, grid.columns.get_loc(col)] = a + (b - a) * (pos[locs] - before) / (after - before)
            grid.iloc[locs, grid.columns.get_loc("status")] = INTERPOLATED
            grid.iloc[locs, grid.columns.get_loc("how")] = (
                f"linear between {grid.index[before]} and {grid.index[after]} ({length} empty month(s))")
        else:
            grid.iloc[locs, grid.columns.get_loc("how")] = (
                f"no quote for {length} months ({grid.index[locs[0]]} to {grid.index[locs[-1]]}), "
                f"more than max_interp_gap_months={max_interp_gap_months}")
    grid["price_unit"] = dated["price_unit"].iloc[0]
    return grid.reset_index()[columns]


def grid_summary(grid: pd.DataFrame) -> dict:
    """Months by status, e.g. ``{'observed': 30, 'averaged': 12, 'interpolated': 9, 'gap': 20}``."""
    counts = grid["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in GRID_STATUSES}


# --- metrics ------------------------------------------------------------------------------------

def _values(grid: pd.DataFrame, statuses=None) -> pd.Series:
    values = pd.Series(grid["price_mid"].astype(float).to_numpy(), index=pd.PeriodIndex(grid["month"], freq="M"))
    if statuses is not None:
        values = values.where(grid["status"].isin(statuses).to_numpy())
    return values


def yoy_change_pct(grid: pd.DataFrame) -> pd.Series:
    """Change on the same month a year earlier, % (empty where either month is a gap)."""
    values = _values(grid)
    return (values / values.shift(12) - 1) * 100


def drawdown_pct(grid: pd.DataFrame) -> pd.Series:
    """Distance below the running peak, % (0 at a new peak; empty in gap months)."""
    values = _values(grid)
    return (values / values.cummax() - 1) * 100


def peak_trough(grid: pd.DataFrame, statuses=QUOTED) -> dict:
    """Peak, the lowest month after it, the latest month and the moves between them.

    Only months with quotes (``statuses``) count, so an interpolated value is never a peak.
    """
    values = _values(grid, statuses).dropna()
    if values.empty:
        raise ValueError("grid has no quoted months")
    peak_month = values.idxmax()
    after = values[values.index >= peak_month]
    trough_month = after.idxmin()
    latest_month = values.index[-1]
    peak, trough, latest = values[peak_month], values[trough_month], values[latest_month]
    return {"peak_month": str(peak_month), "peak": float(peak), "trough_month": str(trough_month),
            "trough": float(trough), "latest_month": str(latest_month), "latest": float(latest),
            "max_drawdown_pct": float((trough / peak - 1) * 100),
            "latest_drawdown_pct": float((latest / values[:latest_month].max() - 1) * 100),
            "rise_from_trough_pct": float((latest / trough - 1) * 100),
            "price_unit": grid["price_unit"].iloc[0]}


def log_return_volatility(grid: pd.DataFrame, statuses=QUOTED) -> dict:
    """Volatility of monthly log returns, annualised as the monthly standard deviation x sqrt(12).

    A return counts only between two consecutive months that both have ``statuses`` (by default
    quoted months: interpolated months would smooth the path and understate volatility).
    """
    values = _values(grid, statuses)
    returns = np.log(values / values.shift(1)).dropna()
    n = int(len(returns))
    monthly = float(returns.std(ddof=1)) if n >= 2 else math.nan
    return {"n_returns": n, "monthly_std_pct": monthly * 100, "annualised_pct": monthly * math.sqrt(12) * 100,
            "method": f"sample standard deviation of {n} log returns between consecutive months with "
                      f"{' or '.join(statuses)} values, x sqrt(12)"}


def annual_means(grid: pd.DataFrame, statuses=QUOTED) -> pd.DataFrame:
    """Mean of the monthly values per calendar year, using only months with ``statuses``.

    Columns: ``year``, ``price_low`` / ``price_mid`` / ``price_high`` (means), ``n_months``.
    """
    keep = grid[grid["status"].isin(statuses)].copy()
    keep["year"] = pd.PeriodIndex(keep["month"], freq="M").year
    out = keep.groupby("year").agg(price_low=("price_low", "mean"), price_mid=("price_mid", "mean"),
                                   price_high=("price_high", "mean"), n_months=("price_mid", "size"))
    return out.reset_index()


def metal_oxide_parity(product: str) -> float:
    """Metal / oxide price ratio at which the metal costs the same as the oxide it contains."""
    if product == "nd_metal":
        return units.metal_oxide_parity_ratio("Nd")
    if product == "prnd_metal":
        return 1 / units.prnd_metal_fraction_of_oxide()
    raise ValueError(f"product must be 'nd_metal' or 'prnd_metal', got {product!r}")


def metal_oxide_ratios(points: pd.DataFrame) -> pd.DataFrame:
    """Metal / oxide price ratios where one assessor quotes both on the same date and basis.

    Compared with the stoichiometric parity (1 / metal fraction of the oxide: 1.1664 for Nd; for
    Pr-Nd the 25:75 Pr6O11:Nd2O3 grade); ``premium_over_parity_pct`` > 0 means the metal costs
    more than the oxide it contains.
    """
    key = ["date", "period", "basis", "assessor"]
    rows = []
    for metal, oxide in (("nd_metal", "nd_oxide"), ("prnd_metal", "prnd_oxide")):
        m = points[points["product"] == metal][key + ["price_mid", "price_unit", "source_id"]]
        o = points[points["product"] == oxide][key + ["price_mid", "price_unit", "source_id"]]
        pairs = m.merge(o, on=key + ["price_unit"], suffixes=("_metal", "_oxide"))
        parity = metal_oxide_parity(metal)
        for r in pairs.itertuples():
            ratio = r.price_mid_metal / r.price_mid_oxide
            rows.append({"pair": f"{PRODUCT_LABELS[metal]} / {PRODUCT_LABELS[oxide]}", "date": r.date,
                         "basis": r.basis, "assessor": r.assessor, "metal_price": r.price_mid_metal,
                         "oxide_price": r.price_mid_oxide, "price_unit": r.price_unit, "ratio": ratio,
                         "parity_ratio": parity, "premium_over_parity_pct": (ratio / parity - 1) * 100,
                         "source_ids": ", ".join(dict.fromkeys([r.source_id_metal, r.source_id_oxide]))})
    cols = ["pair", "date", "basis", "assessor", "metal_price", "oxide_price", "price_unit", "ratio",
            "parity_ratio", "premium_over_parity_pct", "source_ids"]
    out = pd.DataFrame(rows, columns=cols)
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(["pair", "date"]).reset_index(drop=True)


# --- forecast -----------------------------------------------------------------------------------

def contiguous_tail(grid: pd.DataFrame) -> pd.DataFrame:
    """The most recent run of months without a gap (observed, averaged or interpolated)."""
    gap = (grid["status"] == GAP).to_numpy()
    last_gap = np.flatnonzero(gap)
    start = last_gap[-1] + 1 if len(last_gap) else 0
    return grid.iloc[start:].reset_index(drop=True)


CANDIDATES = {
    "random walk (ARIMA(0,1,0))": {"order": (0, 1, 0), "trend": "n"},
    "random walk with drift (ARIMA(0,1,0) + drift)": {"order": (0, 1, 0), "trend": "t"},
    "ARIMA(1,1,0) + drift": {"order": (1, 1, 0), "trend": "t"},
}


@dataclass
class Forecast:
    """What :func:`fit_forecast` returns."""

    model: str
    choice: str
    candidates: pd.DataFrame
    forecast: pd.DataFrame
    fitted_on: pd.DataFrame
    residuals: pd.Series
    ljung_box: pd.DataFrame
    params: pd.Series
    warnings: list[str] = field(default_factory=list)


def fit_forecast(grid: pd.DataFrame, *, horizon_months: int = 6, levels=(0.5, 0.9), min_months: int = 12) -> Forecast:
    """Fit small ARIMA models to the log of the most recent contiguous run of the grid and forecast.

    Candidates: a random walk, a random walk with drift, ARIMA(1,1,0) with drift. The model with
    the lowest AIC is used, unless a simpler one is within 2 AIC points (then the simpler one).
    The forecast table gives, per month, the median (exp of the mean log forecast) and the
    ``levels`` prediction intervals (``lo_50``, ``hi_50``, ...) in the grid's price unit.
    statsmodels warnings are caught and returned as text, not printed.
    """
    from statsmodels.stats.diagnostic import acorr_ljungbox
    from statsmodels.tsa.arima.model import ARIMA

    if horizon_months < 1:
        raise ValueError(f"horizon_months must be >= 1, got {horizon_months}")
    tail = contiguous_tail(grid)
    if len(tail) < min_months:
        raise ValueError(f"the last contiguous run of the grid has {len(tail)} months, fewer than "
                         f"min_months={min_months}; raise max_interp_gap_months or add quotes")
    y = pd.Series(np.log(tail["price_mid"].astype(float).to_numpy()),
                  index=pd.PeriodIndex(tail["month"], freq="M").to_timestamp(), name="log_price")
    y.index.freq = "MS"
    fits, rows, caught = {}, [], []
    for name, spec in CANDIDATES.items():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            res = ARIMA(y, order=spec["order"], trend=spec["trend"]).fit()
        caught += [f"{name}: {type(x.message).__name__}: {x.message}" for x in w]
        fits[name] = res
        rows.append({"model": name, "aic": float(res.aic), "bic": float(res.bic), "n_params": len(res.params),
                     "sigma_monthly_pct": float(np.sqrt(res.params["sigma2"]) * 100)})
    table = pd.DataFrame(rows)
    best = table.loc[table["aic"].idxmin()]
    simpler = table[(table["n_params"] < best["n_params"]) & (table["aic"] <= best["aic"] + 2)]
    chosen = simpler.sort_values("n_params").iloc[0] if not simpler.empty else best
    model = chosen["model"]
    choice = (f"lowest AIC: {best['model']} ({best['aic']:.1f})"
              + (f"; {model} ({chosen['aic']:.1f}) is within 2 AIC points with fewer parameters, so it is used"
                 if model != best["model"] else ""))
    res = fits[model]
    fc = res.get_forecast(horizon_months)
    mean = fc.predicted_mean
    out = pd.DataFrame({"month": mean.index.to_period("M"), "median": np.exp(mean.to_numpy())})
    for level in sorted(levels):
        ci = fc.conf_int(alpha=1 - level)
        pct = int(round(level * 100))
        out[f"lo_{pct}"] = np.exp(ci.iloc[:, 0].to_numpy())
        out[f"hi_{pct}"] = np.exp(ci.iloc[:, 1].to_numpy())
    out["price_unit"] = grid["price_unit"].iloc[0]
    resid = res.resid.iloc[1:]  # the first residual of a differenced model is the level itself
    lags = sorted({min(3, len(resid) // 2), min(6, len(resid) // 2)})
    lb = acorr_ljungbox(resid, lags=lags, return_df=True).reset_index(names="lag")
    return Forecast(model=model, choice=choice, candidates=table, forecast=out, fitted_on=tail,
                    residuals=resid, ljung_box=lb, params=res.params, warnings=caught)


# --- seed 000's yearly table -------------------------------------------------------------------

def claim_points(prices: pd.DataFrame | None = None, fx: pd.DataFrame | None = None, *, max_fx_gap_days: int = 31,
                 products=PRODUCTS) -> pd.DataFrame:
    """All quotes (every basis, blog estimates included) on :data:`CLAIM_BASIS`."""
    return price_points(prices, fx, max_fx_gap_days=max_fx_gap_days, products=products, **CLAIM_BASIS)


def market_annual_means(points: pd.DataFrame, *, max_interp_gap_months: int = 3) -> pd.DataFrame:
    """Annual means of the quoted months of each product's China-domestic grid (long table)."""
    frames = []
    for product in PRODUCTS:
        pts = points[(points["product"] == product) & (points["basis"] == DOMESTIC)]
        if pts.empty:
            continue
        means = annual_means(monthly_grid(pts, max_interp_gap_months=max_interp_gap_months))
        frames.append(means.assign(product=product, price_unit=pts["price_unit"].iloc[0]))
    return pd.concat(frames, ignore_index=True)


def seed000_yearly(points: pd.DataFrame, *, max_interp_gap_months: int = 3) -> pd.DataFrame:
    """Seed 000's yearly $/kg table next to the USGS averages and the market's annual means.

    ``points`` on one basis (USD/kg excl. VAT in :mod:`analysis.claims_prices`). Per year: the
    seed's ``seed_low`` / ``seed_high`` and ``source_id``, the USGS Nd oxide average, the annual
    means (and months) of the China-domestic Nd oxide, Pr-Nd oxide and Nd metal grids (the blog
    does not say metal or oxide), and the range they span, ``comparator_low`` / ``comparator_high``
    (NaN without any). The verdict on each year is :func:`analysis.claims_prices.yearly_estimates`.
    """
    table = points[(points["basis"] == "blog_estimate") & (points["assessor"] == "Farmonaut (table)")]
    usgs = points[(points["basis"] == "annual_average") & (points["product"] == "nd_oxide")]
    usgs = usgs.set_index(usgs["date"].dt.year)["price_mid"]
    means = market_annual_means(points, max_interp_gap_months=max_interp_gap_months)
    rows = []
    for r in table.sort_values("date").itertuples():
        year = r.date.year
        row = {"year": year, "seed_low": r.price_low, "seed_high": r.price_high, "source_id": r.source_id,
               "usgs_nd_oxide": usgs.get(year, math.nan)}
        comparators = [row["usgs_nd_oxide"]]
        for product in ("nd_oxide", "prnd_oxide", "nd_metal"):
            m = means[(means["product"] == product) & (means["year"] == year)]
            row[f"{product}_domestic_mean"] = float(m["price_mid"].iloc[0]) if len(m) else math.nan
            row[f"{product}_domestic_months"] = int(m["n_months"].iloc[0]) if len(m) else 0
            comparators.append(row[f"{product}_domestic_mean"])
        comparators = [c for c in comparators if not math.isnan(c)]
        row["comparator_low"] = min(comparators) if comparators else math.nan
        row["comparator_high"] = max(comparators) if comparators else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


# --- what notebook 01 shows and writes ----------------------------------------------------------

def unquoted_products(points: pd.DataFrame, products) -> list[str]:
    """Labels of the ``products`` with no quote in ``points`` other than blog estimates (nothing to chart)."""
    quoted = set(points.loc[points["basis"] != "blog_estimate", "product"])
    return [PRODUCT_LABELS[p] for p in products if p not in quoted]


def gap_runs(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid's runs of gap months: ``first`` and ``last`` month (text) and ``months``, in order."""
    gaps = grid[grid["status"] == GAP].groupby("how", sort=False).agg(
        first=("month", "min"), last=("month", "max"), months=("month", "size")).reset_index(drop=True)
    return gaps.assign(first=gaps["first"].astype(str), last=gaps["last"].astype(str))


RATIO_COLUMNS = ["pair", "date", "basis", "assessor", "ratio", "parity_ratio", "premium_over_parity_pct"]
"""The columns of :func:`metal_oxide_ratios` a reader sees (notebook 01's table, its results file)."""


def ratio_table(ratios: pd.DataFrame) -> pd.DataFrame:
    """:func:`metal_oxide_ratios` as notebook 01 shows it: the basis in words, dates as days, 4 decimals."""
    return ratios[RATIO_COLUMNS].assign(date=ratios["date"].dt.strftime("%Y-%m-%d"),
                                        basis=ratios["basis"].map(basis_label)).round(4)


def ratio_note(ratios: pd.DataFrame) -> str:
    """Markdown: the median premium over parity of each pair, and every pair quoted below parity (data escaped)."""
    from analysis.text import md

    below = ratios[ratios["ratio"] < ratios["parity_ratio"]]
    by_pair = ratios.groupby("pair")["premium_over_parity_pct"].median()
    medians = "; ".join(f"{md(p)} {pct(v, signed=True)}" for p, v in by_pair.items())
    if below.empty:
        return f"Median premium over parity: {medians}. No pair is below parity."
    listed = "; ".join(f"{md(r.pair)}, {md(basis_label(r.basis))}, {md(r.assessor)}, {r.date:%Y-%m-%d}: "
                       f"{r.ratio:.3f}"
                       for r in below.itertuples())
    return (f"Median premium over parity: {medians}. Below parity (the metal quoted cheaper than the oxide it "
            f"contains, worth checking at the source): {listed}")


def forecast_table(forecast: pd.DataFrame) -> pd.DataFrame:
    """:attr:`Forecast.forecast` with months as text and the 90% band's width in % of the median."""
    table = forecast.assign(month=forecast["month"].astype(str))
    table["width_90_pct_of_median"] = (table["hi_90"] - table["lo_90"]) / table["median"] * 100
    return table


def _rounded(values: dict, digits: int = 4) -> dict:
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in values.items()}


def band_coverage(backtest_scores: pd.DataFrame) -> tuple[float, int] | None:
    """How often the backtest's 90% bands held the outcome, % pooled over the horizons (each weighted
    by its number of forecasts), and how many forecasts that is; None without a backtest."""
    bt = backtest_scores
    if not len(bt) or bt["forecasts"].sum() == 0:
        return None
    return float((bt["coverage_90_pct"] * bt["forecasts"]).sum() / bt["forecasts"].sum()), int(bt["forecasts"].sum())


def answer(grid: pd.DataFrame, forecast: pd.DataFrame, *, vat: str, backtest_scores: pd.DataFrame | None = None) -> str:
    """One sentence: the latest Pr-Nd oxide month, its change on a year earlier and the 90% forecast band,
    with how often such bands held in the backtest (``backtest_scores``: :func:`analysis.backtest.score`).

    ``grid``: the China-domestic Pr-Nd oxide grid; ``forecast``: :attr:`Forecast.forecast` fitted on it.
    """
    s = peak_trough(grid)
    unit = s["price_unit"]
    latest = pd.Period(s["latest_month"], freq="M")
    base = latest - 12
    change = yoy_change_pct(grid).get(latest, math.nan)
    status = grid.set_index(pd.PeriodIndex(grid["month"], freq="M"))["status"].get(base)
    since = (f"{pct(change, signed=True)} on {base:%B %Y}" + (" (a month interpolated between quotes)"
                                                                if status == INTERPOLATED else "")
             if not math.isnan(change) else f"with no price for {base:%B %Y} to compare")
    end = forecast.iloc[-1]
    held = band_coverage(backtest_scores) if backtest_scores is not None else None
    caveat = ""
    if held is not None:
        coverage, n = pct(held[0], 0), held[1]
        caveat = (f", though in the backtest such 90% bands held only {coverage} of {n} outcomes" if held[0] < 90
                  else f" (in the backtest such bands held {coverage} of {n} outcomes)")
    return (f"Pr-Nd oxide (China domestic spot) cost {price_text(s['latest'], unit)} ({vat_note(vat)}) in "
            f"{latest:%B %Y}, the mean of that month's quotes, {since}; the 90% forecast band for "
            f"{pd.Period(end['month'], freq='M'):%B %Y} is {span(end['lo_90'], end['hi_90'], price_decimals(unit))} {unit}"
            f"{caveat}.")


KEY_CHART = "prnd_oxide_forecast"
"""The chart that best answers notebook 01: :func:`analysis.charts.prices.forecast_chart` of the Pr-Nd oxide grid."""


def _key_figures(latest: pd.DataFrame, grid: pd.DataFrame, forecast: pd.DataFrame, backtest_scores: pd.DataFrame,
                 claims: pd.DataFrame, *, price_unit: str, basis_text: str) -> dict:
    """The headline figures of notebook 01, in the order the index shows them."""
    summary, vol = peak_trough(grid), log_return_volatility(grid)
    dom = latest[latest["series_label"] == series_label("prnd_oxide", DOMESTIC)].iloc[0]
    end, coverage = forecast.iloc[-1], band_coverage(backtest_scores)
    held = f"; in the backtest such bands held {pct(coverage[0], 0)} of {coverage[1]} outcomes" if coverage else ""
    return {
        f"Pr-Nd oxide China spot, latest quote ({dom['date'].date()})": price_text(dom["price_mid"], price_unit, basis_text),
        f"Pr-Nd oxide peak ({summary['peak_month']})": price_text(summary["peak"], price_unit),
        f"Pr-Nd oxide trough ({summary['trough_month']})": price_text(summary["trough"], price_unit),
        "Drawdown peak to trough": pct(summary["max_drawdown_pct"]),
        f"Rise trough to {summary['latest_month']}": pct(summary["rise_from_trough_pct"], signed=True),
        "Volatility of monthly log returns": f"{pct(vol['annualised_pct'], 0)} a year",
        f"Forecast {end['month']} (90% interval)":
            f"{span(end['lo_90'], end['hi_90'], price_decimals(price_unit))} {price_unit}{held}",
        "Seed price claims that disagree": f"{int((claims['verdict'] == DISAGREES).sum())} of {len(claims)}",
    }


def results(*, parameters: dict, points: pd.DataFrame, grid: pd.DataFrame, fc: Forecast,
            backtest_scores: pd.DataFrame, claims: pd.DataFrame, ratios: pd.DataFrame) -> dict:
    """Notebook 01's results file: its one-sentence ``answer``, ``key_chart``, the key figures, the
    parameters, the latest quote per series, the Pr-Nd oxide grid's metrics, the seed claims, the
    forecast, its backtest and the metal/oxide ratios.

    ``parameters``: the run's checked parameters (:func:`validate_parameters`); ``points``:
    :func:`price_points`; ``grid``: the China-domestic Pr-Nd oxide grid; ``fc``: :func:`fit_forecast`
    of it; ``backtest_scores``: :func:`analysis.backtest.score`; ``claims``: :func:`analysis.claims_prices.table`;
    ``ratios``: :func:`metal_oxide_ratios`.
    """
    from analysis.report import records

    price_unit = f"{parameters['currency']}/{parameters['unit']}"
    basis_text = basis_note(price_unit, parameters["vat"])
    latest = latest_points(points)
    fitted = fc.fitted_on["month"]
    return {
        "answer": answer(grid, fc.forecast, vat=parameters["vat"], backtest_scores=backtest_scores),
        "key_chart": KEY_CHART,
        "key_figures": _key_figures(latest, grid, fc.forecast, backtest_scores, claims, price_unit=price_unit,
                                    basis_text=basis_text),
        "parameters": {k: (str(v.date()) if isinstance(v, pd.Timestamp) else v) for k, v in parameters.items()},
        "basis": basis_text,
        "latest_by_series": [
            {"series": r.series_label, "date": str(r.date.date()), "price_mid": round(float(r.price_mid), 4),
             "price_unit": r.price_unit,
             "fx_rate_cny_per_usd": None if pd.isna(r.fx_rate_cny_per_usd) else float(r.fx_rate_cny_per_usd),
             "source_id": r.source_id} for r in latest.itertuples()],
        "prnd_oxide_domestic": {**_rounded(peak_trough(grid)), "grid_months": grid_summary(grid),
                                "volatility": _rounded(log_return_volatility(grid))},
        "seed_claims": records(
            claims[["claim", "source", "stated", "recomputed", "verdict", "stated_value", "recomputed_value", "claim_id"]]),
        "forecast": {"model": fc.model, "choice": fc.choice, "fitted_from": str(fitted.iloc[0]),
                     "fitted_to": str(fitted.iloc[-1]),
                     "quantiles": records(forecast_table(fc.forecast).drop(columns=["price_unit"]), 4),
                     "price_unit": price_unit, "candidates": records(fc.candidates, 4),
                     "ljung_box": records(fc.ljung_box.round(3)), "warnings": fc.warnings},
        "backtest": records(backtest_scores, 4),
        "metal_oxide_ratios": records(ratios[RATIO_COLUMNS], 4),
        "data_as_of": data_as_of("prices"),  # the month its prices run to (the brief's "Data to")
    }


__all__ = [
    "BASIS_LABELS", "CLAIM_BASIS", "FX_RATE_LABELS", "GRID_STATUSES", "KEY_CHART", "PRODUCTS", "PRODUCT_LABELS",
    "RATIO_COLUMNS", "Forecast", "annual_means", "answer", "band_coverage", "basis_label", "basis_note",
    "claim_points", "contiguous_tail", "drawdown_pct", "drop_restatements", "fit_forecast", "forecast_table",
    "fx_audit_table", "gap_runs", "grid_summary", "latest_points", "log_return_volatility", "market_annual_means",
    "metal_oxide_parity", "metal_oxide_ratios", "monthly_grid", "peak_trough", "price_decimals", "ratio_table",
    "price_mid", "price_points", "price_text", "ratio_note", "results", "seed000_yearly", "series_label",
    "unquoted_products", "validate_parameters", "vat_note", "yoy_change_pct",
]
