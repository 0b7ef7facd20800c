"""Malformed data gives a readable error naming file, line and column."""
import pandas as pd
import pytest

from analysis import units
from analysis.__main__ import main
from analysis.data import DataValidationError, load


def _edit(path, edit):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = edit(df)
    df.to_csv(path, index=False)


def _error(data_dir, name):
    with pytest.raises(DataValidationError) as err:
        load(name, data_dir)
    return str(err.value)


def test_missing_column(data_copy):
    _edit(data_copy / "prices.csv", lambda d: d.drop(columns=["price_unit"]))
    assert "prices.csv [price_unit]: missing column" in _error(data_copy, "prices")


def test_unknown_unit(data_copy):
    def edit(d):
        d.loc[0, "price_unit"] = "EUR/lb"
        return d
    _edit(data_copy / "prices.csv", edit)
    msg = _error(data_copy, "prices")
    assert "prices.csv:2 [price_unit]: got 'EUR/lb', expected one of" in msg


def test_negative_tonnes(data_copy):
    def edit(d):
        d.loc[2, "value"] = "-5"
        return d
    _edit(data_copy / "exports.csv", edit)
    assert "exports.csv:4 [value]: got -5.0, expected a number >= 0" in _error(data_copy, "exports")


def test_duplicate_key(data_copy):
    _edit(data_copy / "events.csv", lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True))
    msg = _error(data_copy, "events")
    assert "duplicate key" in msg and "[event_id]" in msg


def test_bad_date(data_copy):
    def edit(d):
        d.loc[1, "date"] = "2025-13-45"
        return d
    _edit(data_copy / "fx_rates.csv", edit)
    assert "fx_rates.csv:3 [date]: got '2025-13-45', expected a date YYYY-MM-DD" in _error(data_copy, "fx_rates")


def test_unknown_source(data_copy):
    def edit(d):
        d.loc[0, "source_id"] = "nobody_2099"
        return d
    _edit(data_copy / "supply_quotas.csv", edit)
    assert "supply_quotas.csv:2 [source_id]: got 'nobody_2099', expected a source_id listed in sources.csv" in _error(data_copy, "supply_quotas")


def test_wrong_type(data_copy):
    def edit(d):
        d.loc[0, "year"] = "twenty"
        return d
    _edit(data_copy / "demand_china.csv", edit)
    assert "demand_china.csv:2 [year]: got 'twenty', expected an integer" in _error(data_copy, "demand_china")


def test_missing_fx_rate_is_an_error_not_a_guess(data_copy):
    # Drop every rate before 2026: a 2024 price can no longer be converted.
    _edit(data_copy / "fx_rates.csv", lambda d: d[d["date"] >= "2026-01-01"])
    prices = load("prices", data_copy)
    prices = prices[(prices["price_unit"] == "CNY/t") & (prices["date"].dt.year == 2024)].head(1)
    assert len(prices) == 1
    with pytest.raises(units.FxGapError, match="no USD/CNY rate on or before 2024"):
        units.convert_prices(prices, load("fx_rates", data_copy), currency="USD", unit="kg")


def test_validate_command_reports_problems_and_exits_non_zero(data_copy, capsys):
    def edit(d):
        d.loc[0, "price_unit"] = "EUR/lb"
        return d
    _edit(data_copy / "prices.csv", edit)
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    out = capsys.readouterr()
    assert "prices.csv:2 [price_unit]" in out.out
    assert "1 problem(s) found" in out.err


def test_passage_not_in_source_is_reported(data_copy):
    from analysis.data import provenance_problems

    def edit(d):
        d.loc[0, "passage"] = "a sentence no source contains"
        return d
    _edit(data_copy / "demand_china.csv", edit)
    problems, checked = provenance_problems(data_copy)
    assert checked > 0
    assert [str(p) for p in problems] == [
        "demand_china.csv:2 [passage]: not found verbatim in seed seed002_smm_forum: 'a sentence no source contains'"]


def test_a_fall_may_be_negative_but_a_tonnage_may_not(data_copy):
    def fall(d):
        d.loc[d["unit"] == "pct", "value_low"] = "-5"
        return d

    _edit(data_copy / "outlooks.csv", fall)
    assert (load("outlooks", data_copy).query("unit == 'pct'")["value_low"] == -5).all()

    def negative_tonnes(d):
        d.loc[d.index[0], "value_low"] = "-93"  # the IEA's 93 kt, first data row (line 2)
        return d

    _edit(data_copy / "outlooks.csv", negative_tonnes)
    assert "outlooks.csv:2 [value_low]: got -93.0, expected a number >= 0 (>= -100 where unit is pct)" in _error(data_copy, "outlooks")
