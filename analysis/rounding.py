"""Rounding-aware arithmetic: a published figure stands for an interval, not a point.

"87 GW" means anything from 86.5 to 87.5 GW; "+9%" anything from 8.5% to 9.5%. Comparing a
stated growth rate with one recomputed from rounded figures is only fair on intervals, so the
consistency checker and the export-gap derivations both work with :class:`Interval`.

The precision of a figure is read off how it is written: the last decimal of a decimal
(``1.41`` -> +/-0.005); the units digit of an integer below 1,000 (``330`` million units ->
+/-0.5); the last non-zero digit of a larger integer (``246,500`` t -> +/-50, ``270,000`` t ->
+/-5,000), since sources round large tonnages to thousands but not small counts to tens.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def half_unit(x: float) -> float:
    """Half a unit of the last significant digit of ``x`` as written (0 for 0)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        raise ValueError("half_unit needs a number")
    x = abs(float(x))
    if x == 0:
        return 0.5
    text = repr(x)
    if "e" in text:
        text = f"{x:.12f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if frac:
        return 0.5 * 10 ** -len(frac)
    if x < 1000:
        return 0.5
    digits = whole.rstrip("0")
    trailing = len(whole) - len(digits)
    return 0.5 * 10 ** trailing


@dataclass(frozen=True)
class Interval:
    """A closed interval [lo, hi] with a central value ``mid``."""

    mid: float
    lo: float
    hi: float

    @classmethod
    def of(cls, x: float, low: float | None = None, high: float | None = None) -> "Interval":
        """The interval a published figure stands for: its range (if any) widened by rounding."""
        lo = x if low is None or math.isnan(low) else low
        hi = x if high is None or math.isnan(high) else high
        return cls(x, lo - half_unit(lo), hi + half_unit(hi))

    @classmethod
    def exact(cls, x: float) -> "Interval":
        return cls(x, x, x)

    @property
    def width(self) -> float:
        return self.hi - self.lo

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.mid + other.mid, self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.mid - other.mid, self.lo - other.hi, self.hi - other.lo)

    def __mul__(self, other: "Interval") -> "Interval":
        products = [self.lo * other.lo, self.lo * other.hi, self.hi * other.lo, self.hi * other.hi]
        return Interval(self.mid * other.mid, min(products), max(products))

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.lo <= 0 <= other.hi:
            raise ZeroDivisionError("interval division by an interval containing 0")
        return self * Interval(1 / other.mid, 1 / other.hi, 1 / other.lo)

    def map(self, f) -> "Interval":
        """Apply a monotonic function."""
        a, b = f(self.lo), f(self.hi)
        return Interval(f(self.mid), min(a, b), max(a, b))

    def overlaps(self, other: "Interval") -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def overlaps_half_open(self, other: "Interval") -> bool:
        """Overlap of [lo, hi) intervals: "8%" (7.5-8.5) and "9%" (8.5-9.5) do not overlap,
        since 8.5 rounds to 9."""
        return self.lo < other.hi and other.lo < self.hi


def growth_factor(pct: float) -> Interval:
    """1 + pct/100 as an interval, with pct's own rounding (``-51`` -> 0.485..0.495)."""
    return Interval.of(pct).map(lambda p: 1 + p / 100)
