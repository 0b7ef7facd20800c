"""Derived export months reproduce the arithmetic of their reported inputs."""
import pandas as pd
import pytest

from analysis import exports


def _exports(rows):
    return pd.DataFrame([{"period_start": s, "period_end": e, "destination": d, "value": v, "mass_unit": "t",
                          "scope": "magnets", "source_id": "src"} for s, e, d, v in rows])


def _claims(rows):
    cols = ["claim_id", "dataset", "series", "period_key", "base_dataset", "base_series", "base_period",
            "relation", "stated_value", "comparator", "source_id"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


NO_CLAIMS = _claims([])


def test_month_from_year_to_date_difference():
    # Jan-Oct 47,778 minus Jan-Sep 43,053 = 4,725 (the Oct 2024 figure Reuters later reported)
    figs = exports.derive(_exports([("2024-01", "2024-10", "total", 47778), ("2024-01", "2024-09", "total", 43053)]), NO_CLAIMS)
    oct_ = figs[("total", pd.Period("2024-10", "M"), pd.Period("2024-10", "M"))]
    assert oct_.status == "derived" and oct_.rule == "additivity"
    assert oct_.value.mid == pytest.approx(4725)
    # each input is +/-0.5 t, so the difference is +/-1 t
    assert (oct_.value.lo, oct_.value.hi) == pytest.approx((4724, 4726))


def test_base_month_from_a_stated_yoy_change_with_rounding_range():
    # Apr 2025 2,627 t, -45% y/y -> Apr 2024 = 2,627 / 0.55 = 4,776.4;
    # -45% means -45.5..-44.5, so 2,626.5 / 0.555 = 4,732.4 .. 2,627.5 / 0.545 = 4,821.1
    claims = _claims([("a", "exports", "total", "2025-04", None, None, "2024-04", "pct_change", -45.0, "=", "s")])
    figs = exports.derive(_exports([("2025-04", "2025-04", "total", 2627)]), claims)
    apr24 = figs[("total", pd.Period("2024-04", "M"), pd.Period("2024-04", "M"))]
    assert apr24.value.mid == pytest.approx(4776.36, abs=0.01)
    assert apr24.value.lo == pytest.approx(4732.43, abs=0.01)
    assert apr24.value.hi == pytest.approx(4821.10, abs=0.01)
    assert "-45%" in apr24.formula


def test_narrowest_derivation_wins_and_the_others_are_kept():
    # Mar 2025 from Apr 2025 (-51% m/m): 2,627 / 0.49 = 5,361.2 (wide: the rate is rounded to 1%)
    # Mar 2025 from Mar 2026 (-1.6% y/y): 5,238 / 0.984 = 5,323.2 (narrow: rounded to 0.1%)
    claims = _claims([
        ("m", "exports", "total", "2025-04", None, None, "2025-03", "pct_change", -51.0, "=", "s"),
        ("y", "exports", "total", "2026-03", None, None, "2025-03", "pct_change", -1.6, "=", "s"),
    ])
    figs = exports.derive(_exports([("2025-04", "2025-04", "total", 2627), ("2026-03", "2026-03", "total", 5238)]), claims)
    mar = figs[("total", pd.Period("2025-03", "M"), pd.Period("2025-03", "M"))]
    assert mar.value.mid == pytest.approx(5238 / 0.984)
    assert [a.value.mid for a in mar.alternatives] == [pytest.approx(2627 / 0.49)]


def test_chained_derivation_on_the_real_data():
    # Jan-Feb 2025 = 10,763 / 1.082 = 9,947.3 (Jan-Feb 2026, +8.2% y/y); Feb 2025 = 9,947.3 - 6,357 (Jan) = 3,590.3
    figs = exports.derive()
    feb = figs[("total", pd.Period("2025-02", "M"), pd.Period("2025-02", "M"))]
    assert feb.status == "derived"
    assert feb.value.mid == pytest.approx(10763 / 1.082 - 6357, abs=0.5)
    # Jan 2026 = 10,763 - Feb 2026, Feb 2026 = Mar 2026 5,238 / 1.105 = 4,740.3 -> 6,022.7
    jan26 = figs[("total", pd.Period("2026-01", "M"), pd.Period("2026-01", "M"))]
    assert jan26.value.mid == pytest.approx(10763 - 5238 / 1.105, abs=0.5)


def test_reported_months_are_never_overwritten():
    figs = exports.derive()
    sep25 = figs[("total", pd.Period("2025-09", "M"), pd.Period("2025-09", "M"))]
    assert sep25.status == "reported" and sep25.value.mid == 5774


def test_monthly_series_marks_every_month():
    series = exports.monthly("total", start="2024-01", end="2026-03")
    assert len(series) == 27
    assert set(series["status"]) <= {"reported", "derived", "missing"}
    assert (series["status"] == "reported").sum() >= 15
    derived = series[series["status"] == "derived"]
    assert len(derived) >= 3 and derived["formula"].str.len().min() > 10
    # months that stay missing carry no value
    assert series.loc[series["status"] == "missing", "mass_t"].isna().all()


def test_unknown_destination_is_a_clear_error():
    with pytest.raises(ValueError, match="no monthly export figures for destination 'Atlantis'"):
        exports.monthly("Atlantis")


def test_month_table_rounds_the_numbers_without_a_warning():
    import warnings

    series = exports.monthly("total", start="2024-01")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = exports.month_table(series)
    assert list(table.columns) == exports.MONTH_TABLE_COLUMNS
    assert isinstance(table["month"].dtype, pd.PeriodDtype)
    known = table["mass_t"].dropna()
    assert not known.empty and (known == known.round()).all()


def test_every_missing_month_says_why():
    from analysis import exports

    series = exports.monthly("total", start="2024-01")
    reasons = exports.missing_reasons("total", start="2024-01")
    assert list(reasons["month"]) == [str(m) for m in series.loc[series["status"] == "missing", "month"]]
    dec = reasons.set_index("month").loc["2024-12", "why it cannot be derived"]
    # Adamas' '+28% in December' links 2024-12 with 2023-12, which is missing too; Adamas' 2024 total
    # counts magnets and alloys, another scope, so it cannot close the year
    assert "2023-12" in dec and "no annual total in this scope" in dec
