"""Numbers as text, written one way everywhere: thousands separators, a range ``low-high``, a percentage.

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


__all__ = ["MISSING", "pct", "span", "thousands"]
