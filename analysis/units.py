"""Units, FX and chemistry: CNY/t <-> USD/kg, VAT, oxide -> metal, magnet -> rare-earth content.

Every conversion says what it did: the FX helpers add the rate, its date, its kind and the gap
between the price date and the rate, and refuse (``FxGapError``) rather than guess when the
nearest usable rate is older than ``max_gap_days``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# China's standard VAT rate on goods, 13% since 1 April 2019 (Ministry of Finance / State Taxation
# Administration / General Administration of Customs announcement 2019 No. 39). Chinese domestic
# rare-earth quotations (SMM, China Northern listing) include it; FOB / CIF export prices do not.
VAT_RATE_CN = 0.13

# Standard atomic weights (IUPAC 2021, abridged to the precision used here), g/mol.
ATOMIC_WEIGHT = {"Nd": 144.242, "Pr": 140.90766, "O": 15.999}

KG_PER_T = 1000.0

# The price bases this module converts to (check_basis; notebook 01's parameters choose among them).
CURRENCIES = ("CNY", "USD")
MASS_UNITS = ("t", "kg")
VAT_BASES = ("incl", "excl")

# Which price bases include Chinese VAT. None = the source does not say (left unchanged, flagged).
VAT_INCLUDED_BY_BASIS = {
    "cn_domestic_incl_vat": True,
    "cn_listed_incl_vat": True,
    "fob_china": False,
    "cif_rotterdam": False,
    "producer_realised": False,
    "price_floor": False,
    "annual_average": None,
    "blog_estimate": None,
}

PRICE_UNITS = {"CNY/t": ("CNY", 1.0), "CNY/kg": ("CNY", KG_PER_T), "USD/kg": ("USD", KG_PER_T), "USD/t": ("USD", 1.0)}
"""unit -> (currency, factor that turns a price per this unit into a price per tonne)."""


class FxGapError(ValueError):
    """No FX rate close enough to a price's date."""


def metal_fraction_of_oxide(element: str = "Nd") -> float:
    """Mass fraction of metal in its oxide: Nd2O3 for Nd, Pr6O11 for Pr.

    Nd2O3: 2 x 144.242 / (2 x 144.242 + 3 x 15.999) = 288.484 / 336.481 = 0.85736.
    """
    formula = {"Nd": (2, 3), "Pr": (6, 11)}
    n_metal, n_oxygen = formula[element]
    metal = n_metal * ATOMIC_WEIGHT[element]
    return metal / (metal + n_oxygen * ATOMIC_WEIGHT["O"])


def prnd_metal_fraction_of_oxide(pr_share: float = 0.25) -> float:
    """Metal fraction of a Pr-Nd oxide with ``pr_share`` Pr6O11 by mass (75:25 Nd:Pr is the usual grade)."""
    if not 0 <= pr_share <= 1:
        raise ValueError(f"pr_share must be between 0 and 1, got {pr_share}")
    return pr_share * metal_fraction_of_oxide("Pr") + (1 - pr_share) * metal_fraction_of_oxide("Nd")


def oxide_to_metal_t(oxide_t, element: str = "Nd"):
    """Tonnes of metal contained in ``oxide_t`` tonnes of oxide."""
    return oxide_t * metal_fraction_of_oxide(element)


def metal_to_oxide_t(metal_t, element: str = "Nd"):
    """Tonnes of oxide that contain ``metal_t`` tonnes of metal."""
    return metal_t / metal_fraction_of_oxide(element)


def metal_oxide_parity_ratio(element: str = "Nd") -> float:
    """Metal price / oxide price at which a tonne of metal costs the same as the oxide it contains.

    1 / 0.85736 = 1.1664 for Nd: any metal premium above this pays for reduction to metal.
    """
    return 1.0 / metal_fraction_of_oxide(element)


def magnet_re_content_t(magnet_t, re_share: float | None = None):
    """Tonnes of rare earths contained in ``magnet_t`` tonnes of NdFeB magnet.

    ``re_share`` defaults to the mid of the literature range in data/magnet_intensity.csv
    (composition rows for total rare-earth content, 31-32 wt %).
    """
    share = default_magnet_re_share() if re_share is None else re_share
    if not 0 < share < 1:
        raise ValueError(f"re_share must be a fraction between 0 and 1, got {share}")
    return magnet_t * share


def magnet_composition_share(application: str) -> float:
    """Mid of a sourced NdFeB composition row of data/magnet_intensity.csv (wt %, as a fraction).

    ``ndfeb_total_ree``: all rare earths (31-32 wt %); ``ndfeb_ndpr``: Nd+Pr (~30 wt %).
    """
    from analysis.data import load

    intensity = load("magnet_intensity")
    rows = intensity[(intensity["measures"] == "composition") & (intensity["application"] == application)]
    if rows.empty:
        raise LookupError(f"magnet_intensity.csv has no {application!r} composition row to take the default from")
    row = rows.iloc[0]
    return float(row["value_low"] + row["value_high"]) / 2 / 100


def default_magnet_re_share() -> float:
    """Total rare-earth content of NdFeB, as a fraction (sourced, see :func:`magnet_composition_share`)."""
    return magnet_composition_share("ndfeb_total_ree")


def default_magnet_ndpr_share() -> float:
    """Nd+Pr content of NdFeB, as a fraction (sourced, see :func:`magnet_composition_share`)."""
    return magnet_composition_share("ndfeb_ndpr")


def magnet_from_re_t(re_t, re_share: float | None = None):
    """Tonnes of NdFeB magnet that contain ``re_t`` tonnes of rare earths (inverse of :func:`magnet_re_content_t`)."""
    return re_t / magnet_re_content_t(1.0, re_share)


# --- VAT ----------------------------------------------------------------------------------------

def adjust_vat(price, *, included: bool, want: str, rate: float = VAT_RATE_CN):
    """Put a price on the wanted VAT basis.

    ``included`` says whether ``price`` includes VAT; ``want`` is ``"incl"`` or ``"excl"``.
    """
    if want not in ("incl", "excl"):
        raise ValueError(f"want must be 'incl' or 'excl', got {want!r}")
    if want == "excl" and included:
        return price / (1 + rate)
    if want == "incl" and not included:
        return price * (1 + rate)
    return price


# --- FX -----------------------------------------------------------------------------------------

_PERIOD_OFFSET = {"day": pd.offsets.Day(1), "week": pd.offsets.Week(1), "month": pd.offsets.MonthBegin(1),
                  "quarter": pd.offsets.QuarterBegin(1, startingMonth=1), "half": pd.DateOffset(months=6),
                  "year": pd.offsets.YearBegin(1)}
_PERIOD_RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "half": 4, "year": 5}


def period_end(start: pd.Timestamp, period: str) -> pd.Timestamp:
    """Last day of a period starting at ``start``."""
    if period == "day":
        return start
    return start + _PERIOD_OFFSET[period] - pd.Timedelta(days=1)


def with_period_ends(fx: pd.DataFrame) -> pd.DataFrame:
    """FX rates with the last day (``end``) and granularity rank (``rank``) of each rate's period.

    Compute once and pass the result to :func:`pick_fx_rate` when converting many prices.
    """
    rates = fx.copy()
    rates["end"] = [period_end(d, p) for d, p in zip(rates["date"], rates["period"])]
    rates["rank"] = rates["period"].map(_PERIOD_RANK)
    return rates


def check_basis(currency: str, unit: str, vat: str) -> None:
    """Raise ValueError naming the argument unless the price basis is one this module converts to."""
    for name, value, allowed in (("currency", currency, CURRENCIES), ("unit", unit, MASS_UNITS), ("vat", vat, VAT_BASES)):
        if value not in allowed:
            raise ValueError(f"{name} must be {' or '.join(map(repr, allowed))}, got {value!r}")


class _FxTable:
    """The FX rates as plain arrays, prepared once for many look-ups (pandas masks cost ~100x more per call)."""

    def __init__(self, fx: pd.DataFrame):
        self.rates = fx if "end" in fx else with_period_ends(fx)
        self.starts, self.ends = self.rates["date"].to_numpy(), self.rates["end"].to_numpy()
        self.rank, self.period = self.rates["rank"].to_numpy(), self.rates["period"].to_numpy()

    def pick(self, date: pd.Timestamp, max_gap_days: int, price_period: str) -> tuple[int, int, str]:
        """(row position, gap in days, how it was chosen); see :func:`pick_fx_rate`."""
        if max_gap_days < 0:
            raise ValueError(f"max_gap_days must be >= 0, got {max_gap_days}")
        when = date.to_datetime64()
        containing = ((self.starts <= when) & (self.ends >= when) & (self.rank >= _PERIOD_RANK.get(price_period, 0))
                      & (self.period != "day"))
        if price_period == "year":
            containing &= self.period == "year"
        if containing.any():
            idx = np.flatnonzero(containing)
            best = idx[np.lexsort((self.starts[idx], self.rank[idx]))[0]]  # finest period, then earliest start
            return int(best), 0, f"{self.period[best]} average containing the date"
        idx = np.flatnonzero(self.ends <= when)
        if not len(idx):
            raise FxGapError(f"no USD/CNY rate on or before {date.date()} in fx_rates.csv")
        gaps = (when - self.ends[idx]) // np.timedelta64(1, "D")
        order = np.lexsort((self.rank[idx], gaps))[0]  # smallest gap, then finest period
        best, gap = int(idx[order]), int(gaps[order])
        row = self.rates.iloc[best]
        if gap > max_gap_days:
            raise FxGapError(
                f"nearest USD/CNY rate before {date.date()} is the {row['period']} {row['rate_type']} of "
                f"{row['date'].date()} ({gap} days earlier), past max_gap_days={max_gap_days}; "
                "add a rate to data/fx_rates.csv or raise max_gap_days")
        return best, gap, f"nearest earlier {row['period']} {row['rate_type']}"


def pick_fx_rate(date, fx: pd.DataFrame, *, max_gap_days: int = 31, price_period: str = "day") -> pd.Series:
    """The USD/CNY rate to use for a price observed on ``date``.

    Preference: an average whose period contains the date, the finest first (monthly, then annual;
    an annual price uses an annual rate); otherwise the nearest earlier rate (a dated central
    parity or spot point, or an earlier average), if its period ended at most ``max_gap_days``
    before the date. Returns the chosen row with ``gap_days`` and ``choice`` added.
    """
    table = _FxTable(fx)
    best, gap, choice = table.pick(pd.Timestamp(date), max_gap_days, price_period)
    row = table.rates.iloc[best].copy()
    row["gap_days"] = gap
    row["choice"] = choice
    return row


def convert_prices(prices: pd.DataFrame, fx: pd.DataFrame, *, currency: str = "CNY", unit: str = "t",
                   vat: str = "incl", max_gap_days: int = 31, value_columns=("price_low", "price_high", "price_avg")) -> pd.DataFrame:
    """Put every price row on one basis: ``currency`` per ``unit`` with VAT ``vat``.

    ``prices`` needs ``date``, ``period``, ``price_unit``, ``basis`` and the value columns (the
    layout of data/prices.csv). Returns a copy with the converted values and the audit columns
    ``fx_rate_cny_per_usd``, ``fx_date``, ``fx_period``, ``fx_rate_type``, ``fx_gap_days``,
    ``fx_choice``, ``fx_source_id`` (empty when no FX was needed) and ``vat_treatment``.
    Raises :class:`FxGapError` naming the row when no rate is close enough.

    Longer than the package's ~60 lines on purpose: currency, mass unit and VAT are converted in one
    pass so that every audit column is written beside the value it explains.
    """
    check_basis(currency, unit, vat)
    out = prices.copy()
    table = _FxTable(fx)
    picked, gaps, choices, factors, vat_treatment = [], [], [], [], []
    for idx, price_unit, basis, date, period in zip(out.index, out["price_unit"], out["basis"], out["date"], out["period"]):
        if price_unit not in PRICE_UNITS:
            raise ValueError(f"row {idx}: unknown price_unit {price_unit!r}; expected one of {list(PRICE_UNITS)}")
        from_ccy, factor = PRICE_UNITS[price_unit]  # factor: -> price per tonne in from_ccy
        if from_ccy != currency:
            try:
                best, gap, choice = table.pick(pd.Timestamp(date), max_gap_days, period)
            except FxGapError as err:
                row = out.loc[idx]
                label = f"{row.get('product', '')} {row.get('basis', '')} {row.get('source_id', '')}".strip()
                raise FxGapError(f"price row {idx} ({label}, {pd.Timestamp(date).date()}): {err}") from None
            rate = float(table.rates["rate_cny_per_usd"].iat[best])
            factor *= rate if from_ccy == "USD" else 1 / rate
            picked.append(best)
            gaps.append(gap)
            choices.append(choice)
        else:
            picked.append(-1)
            gaps.append(None)
            choices.append(None)
        if unit == "kg":
            factor /= KG_PER_T
        included = VAT_INCLUDED_BY_BASIS.get(basis)
        if included is None:
            vat_treatment.append("basis does not say; unchanged")
        else:
            vat_factor = adjust_vat(1.0, included=included, want=vat)
            factor *= vat_factor
            vat_treatment.append("unchanged" if vat_factor == 1.0 else ("VAT removed" if vat_factor < 1 else "VAT added"))
        factors.append(factor)
    factors = pd.Series(factors, index=out.index, dtype=float)
    for col in value_columns:
        if col in out:
            out[col] = out[col].astype(float) * factors
    out["price_unit"] = f"{currency}/{unit}"
    picked = np.array(picked, dtype=int)
    used = picked >= 0
    chosen = table.rates.iloc[picked[used]]

    def from_rates(field: str) -> list:
        """The chosen rate's ``field`` per price row; None where no FX was needed."""
        values = np.full(len(out), None, dtype=object)
        values[used] = chosen[field].tolist()
        return list(values)

    out["fx_rate_cny_per_usd"] = from_rates("rate_cny_per_usd")
    out["fx_date"] = from_rates("date")
    out["fx_period"] = from_rates("period")
    out["fx_rate_type"] = from_rates("rate_type")
    out["fx_gap_days"] = gaps
    out["fx_choice"] = choices
    out["fx_source_id"] = from_rates("source_id")
    out["vat_treatment"] = vat_treatment
    out["fx_date"] = pd.to_datetime(out["fx_date"])
    return out


def load_fx() -> pd.DataFrame:
    """data/fx_rates.csv, validated."""
    from analysis.data import load

    return load("fx_rates")


__all__ = [
    "CURRENCIES", "MASS_UNITS", "VAT_BASES", "VAT_RATE_CN", "FxGapError", "adjust_vat", "check_basis", "convert_prices", "default_magnet_ndpr_share", "default_magnet_re_share", "load_fx",
    "magnet_composition_share", "magnet_from_re_t", "magnet_re_content_t", "metal_fraction_of_oxide", "metal_oxide_parity_ratio", "metal_to_oxide_t",
    "oxide_to_metal_t", "pick_fx_rate", "prnd_metal_fraction_of_oxide", "with_period_ends",
]
