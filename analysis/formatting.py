"""Numbers as text, written one way everywhere: thousands separators, a range ``low-high``, a percentage,
significant figures, decimals by size.

Prose, key figures and chart labels use these instead of format strings of their own, so that
``850,000 CNY/t``, ``71.60-152.94 USD/kg`` and ``+138.8%`` look the same in every report. A missing
value (None or NaN) is written :data:`MISSING`. Tables have their own rules (:mod:`analysis.tables`).
"""
from __future__ import annotations

import math

MISSING = "n/a"


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def thousands(x: float, decimals: int = 0) -> str:
    """``x`` with thousands separators and ``decimals`` decimals: ``thousands(1234567.8)`` is ``'1,234,568'``."""
    return MISSING if _missing(x) else f"{x:,.{decimals}f}"


def span(lo: float, hi: float, decimals: int = 0) -> str:
    """A range as ``low-high``, each end with thousands separators: ``span(71.6, 152.94, 2)`` is ``'71.60-152.94'``.

    Meant for ranges of non-negative quantities (prices, tonnages): with a negative end the
    hyphen would read as a minus sign.
    """
    return f"{thousands(lo, decimals)}-{thousands(hi, decimals)}"


def pct(x: float, decimals: int = 1, *, signed: bool = False) -> str:
    """``x`` (already in %) as a percentage: ``pct(-71.43)`` is ``'-71.4%'``; ``signed=True`` writes the
    sign of a rise too: ``pct(138.8, signed=True)`` is ``'+138.8%'``."""
    if _missing(x):
        return MISSING
    return f"{x:{'+' if signed else ''}.{decimals}f}%"


def significant(x: float, digits: int = 3, *, whole_from: float = math.inf, signed: bool = False) -> str:
    """``x`` to ``digits`` significant figures, with thousands separators; from ``whole_from`` up (in
    absolute value) as a whole number instead, so that large values keep their digits rather than
    turn into an exponent: ``significant(0.012345)`` is ``'0.0123'``, ``significant(1234.56, 4)`` is
    ``'1,235'``, ``significant(12345.6, 4)`` is ``'1.235e+04'`` but with ``whole_from=1000`` it is
    ``'12,346'``. From 1e15 up, where a whole number would show more digits than a float holds, 3
    significant figures in exponent form (``'1.23e+20'``). ``signed=True`` writes the sign of a
    positive value too: ``significant(12.34, signed=True)`` is ``'+12.3'``.
    """
    if _missing(x):
        return MISSING
    sign = "+" if signed else ""
    if abs(x) >= 1e15:
        return f"{x:{sign}.3g}"
    if abs(x) >= whole_from:
        return f"{x:{sign},.0f}"
    return f"{x:{sign},.{digits}g}"


def amount(x: float) -> str:
    """``x`` with decimals by its size, thousands separated: 2 below 10 (``amount(7.456)`` is ``'7.46'``),
    1 below 1,000 (``amount(152.94)`` is ``'152.9'``), none from 1,000 (``amount(850000)`` is ``'850,000'``)."""
    if _missing(x):
        return MISSING
    return thousands(x, 0 if abs(x) >= 1000 else 2 if abs(x) < 10 else 1)


__all__ = ["MISSING", "amount", "pct", "significant", "span", "thousands"]
