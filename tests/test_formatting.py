"""analysis.formatting: the expectations are worked out by hand from the rules in the docstrings."""
import math

import pytest

from analysis.formatting import MISSING, amount, significant


@pytest.mark.parametrize("x, kwargs, expected", [
    (0.012345, {}, "0.0123"),                                  # 3 significant figures by default
    (0.0012345, {"digits": 2}, "0.0012"),
    (1234.56, {"digits": 4}, "1,235"),                         # 4 figures of 1234.56, separator kept
    (12345.6, {"digits": 4}, "1.235e+04"),                     # more digits than asked: exponent form...
    (12345.6, {"digits": 4, "whole_from": 1000}, "12,346"),   # ...unless whole from 1,000
    (999.5, {"digits": 4, "whole_from": 1000}, "999.5"),      # below whole_from: still significant figures
    (-2500.0, {"digits": 4, "whole_from": 1000, "signed": True}, "-2,500"),
    (2500.0, {"digits": 4, "whole_from": 1000, "signed": True}, "+2,500"),
    (12.34, {"signed": True}, "+12.3"),
    (2.5e20, {"whole_from": 100}, "2.5e+20"),                  # from 1e15 up: 3 figures in exponent form
    (1234567.0, {"digits": 6, "whole_from": 1e6}, "1,234,567"),
])
def test_significant(x, kwargs, expected):
    assert significant(x, **kwargs) == expected


@pytest.mark.parametrize("x, expected", [
    (7.456, "7.46"),         # below 10: 2 decimals
    (9.999, "10.00"),        # the size is read before rounding: still 2 decimals
    (152.94, "152.9"),       # 10 to 1,000: 1 decimal
    (999.96, "1,000.0"),
    (1000.0, "1,000"),       # from 1,000: none
    (850000.0, "850,000"),
    (-12.25, "-12.2"),       # 12.25 is exact in binary: rounds half to even
])
def test_amount(x, expected):
    assert amount(x) == expected


@pytest.mark.parametrize("fmt", [significant, amount])
@pytest.mark.parametrize("x", [None, math.nan])
def test_missing_is_written_missing(fmt, x):
    assert fmt(x) == MISSING
