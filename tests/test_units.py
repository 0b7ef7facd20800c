"""Units, VAT and FX. Expected values are worked out by hand in the comments."""
import pandas as pd
import pytest

from analysis import units
from analysis.data import load


def test_nd_oxide_metal_fraction_from_atomic_weights():
    # Nd2O3: 2 x 144.242 = 288.484; + 3 x 15.999 = 47.997 -> 336.481; 288.484 / 336.481 = 0.857356
    assert units.metal_fraction_of_oxide("Nd") == pytest.approx(0.857356, abs=1e-6)
    # parity: 336.481 / 288.484 = 1.166377
    assert units.metal_oxide_parity_ratio("Nd") == pytest.approx(1.166377, abs=1e-6)


def test_pr_oxide_and_prnd_mix():
    # Pr6O11: 6 x 140.90766 = 845.44596; + 11 x 15.999 = 175.989 -> 1021.43496; 845.44596 / 1021.43496 = 0.827704
    assert units.metal_fraction_of_oxide("Pr") == pytest.approx(0.827704, abs=1e-6)
    # 25:75 Pr:Nd oxide -> 0.25 x 0.827704 + 0.75 x 0.857356 = 0.206926 + 0.643017 = 0.849943
    assert units.prnd_metal_fraction_of_oxide(0.25) == pytest.approx(0.849943, abs=1e-6)
    with pytest.raises(ValueError, match="pr_share"):
        units.prnd_metal_fraction_of_oxide(1.5)


def test_oxide_metal_round_trip():
    # 100 t Nd2O3 holds 85.7356 t Nd, which is back to 100 t of oxide
    assert units.oxide_to_metal_t(100.0) == pytest.approx(85.7356, abs=1e-4)
    assert units.metal_to_oxide_t(units.oxide_to_metal_t(100.0)) == pytest.approx(100.0)


def test_vat_is_explicit():
    # 113 incl. 13% VAT -> 113 / 1.13 = 100 excl.; 100 excl. -> 113 incl.
    assert units.adjust_vat(113.0, included=True, want="excl") == pytest.approx(100.0)
    assert units.adjust_vat(100.0, included=False, want="incl") == pytest.approx(113.0)
    assert units.adjust_vat(100.0, included=False, want="excl") == 100.0
    with pytest.raises(ValueError, match="want"):
        units.adjust_vat(1.0, included=True, want="gross")


def test_magnet_re_content_is_a_parameter():
    # 1,000 t of magnet at 31.5% rare earths -> 315 t
    assert units.magnet_re_content_t(1000.0, re_share=0.315) == pytest.approx(315.0)
    with pytest.raises(ValueError, match="re_share"):
        units.magnet_re_content_t(1000.0, re_share=31.5)


def _fx():
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-01-01", "2026-02-01", "2026-01-23", "2025-12-16"]),
        "period": ["year", "month", "day", "day"],
        "rate_cny_per_usd": [7.1875, 6.9064, 6.9929, 7.0602],
        "rate_type": ["h10_average", "h10_average", "central_parity", "central_parity"],
        "source_id": ["a", "b", "c", "d"],
    })


def _price(date, value, unit="CNY/t", basis="cn_domestic_incl_vat", period="day"):
    return pd.DataFrame({"product": ["nd_oxide"], "basis": [basis], "date": pd.to_datetime([date]), "period": [period],
                         "price_low": [value], "price_high": [value], "price_avg": [float("nan")],
                         "price_unit": [unit], "source_id": ["x"]})


def test_cny_per_t_incl_vat_to_usd_per_kg_excl_vat_uses_the_monthly_rate():
    # 905,000 CNY/t incl. VAT on 2026-02-11 -> / 1.13 = 800,884.96 CNY/t -> / 6.9064 (Feb 2026 mean)
    # = 115,962.2 USD/t -> / 1000 = 115.962 USD/kg
    out = units.convert_prices(_price("2026-02-11", 905000.0), _fx(), currency="USD", unit="kg", vat="excl")
    assert out["price_low"].iloc[0] == pytest.approx(115.962, abs=1e-3)
    assert out["fx_rate_cny_per_usd"].iloc[0] == 6.9064
    assert out["fx_period"].iloc[0] == "month" and out["fx_gap_days"].iloc[0] == 0
    assert out["vat_treatment"].iloc[0] == "VAT removed"
    assert out["price_unit"].iloc[0] == "USD/kg"


def test_usd_per_kg_to_cny_per_t_falls_back_to_the_annual_average():
    # 60 USD/kg FOB on 2025-06-10, no June monthly rate -> 2025 annual 7.1875:
    # 60 x 1000 x 7.1875 = 431,250 CNY/t (FOB carries no VAT; excl. asked -> unchanged)
    out = units.convert_prices(_price("2025-06-10", 60.0, "USD/kg", "fob_china"), _fx(), currency="CNY", unit="t", vat="excl")
    assert out["price_low"].iloc[0] == pytest.approx(431250.0)
    assert out["fx_period"].iloc[0] == "year"


def test_nearest_earlier_point_within_the_gap_and_an_error_past_it():
    fx = _fx()[lambda d: d["period"] == "day"]
    # 2026-01-30: nearest earlier is the 2026-01-23 fix, 7 days before
    row = units.pick_fx_rate("2026-01-30", fx, max_gap_days=10)
    assert row["rate_cny_per_usd"] == 6.9929 and row["gap_days"] == 7
    # with max_gap_days=5 the same rate is too old: a clear error, not a guess
    with pytest.raises(units.FxGapError, match="7 days earlier.*max_gap_days=5"):
        units.pick_fx_rate("2026-01-30", fx, max_gap_days=5)


def test_convert_prices_names_the_row_when_fx_is_missing():
    with pytest.raises(units.FxGapError, match=r"price row 0 \(nd_oxide .*2024-03-01\).*no USD/CNY rate"):
        units.convert_prices(_price("2024-03-01", 500000.0), _fx(), currency="USD", unit="kg")


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="currency"):
        units.convert_prices(_price("2026-02-11", 1.0), _fx(), currency="EUR")
    with pytest.raises(ValueError, match="max_gap_days"):
        units.pick_fx_rate("2026-02-11", _fx(), max_gap_days=-1)


def test_default_magnet_re_share_comes_from_the_literature_row():
    # data/magnet_intensity.csv, ndfeb_total_ree: "31-32 wt % REEs" -> mid 31.5% -> 0.315
    assert units.default_magnet_re_share() == pytest.approx(0.315)
    # 1,000 t of magnet -> 315 t of rare earths with the sourced default
    assert units.magnet_re_content_t(1000.0) == pytest.approx(315.0)


def test_ndpr_share_and_the_inverse_of_re_content():
    # data/magnet_intensity.csv, ndfeb_ndpr: "about 30% neodymium praseodymium" -> 0.30
    assert units.default_magnet_ndpr_share() == pytest.approx(0.30)
    # 315 t of rare earths at 31.5% -> 315 / 0.315 = 1,000 t of magnet
    assert units.magnet_from_re_t(315.0) == pytest.approx(1000.0)
    with pytest.raises(LookupError, match="'no_such_row'"):
        units.magnet_composition_share("no_such_row")


def test_convert_prices_of_no_rows_keeps_the_audit_columns():
    prices = load("prices").iloc[:0]
    out = units.convert_prices(prices, load("fx_rates"), currency="USD", unit="kg", vat="excl")
    assert out.empty
    assert {"fx_rate_cny_per_usd", "fx_date", "fx_gap_days", "fx_source_id", "vat_treatment"} <= set(out.columns)
