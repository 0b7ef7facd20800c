"""Tables for people: escaped, no row numbers, separators, a dash for missing values, folded when long."""
import pandas as pd
import pytest

from analysis import tables


def test_cells_and_headers_are_escaped():
    out = tables.to_html(pd.DataFrame({"<b>col</b>": ["<script>alert(1)</script>"]}))
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;b&gt;col&lt;/b&gt;" in out


def test_row_numbers_are_dropped_but_named_indexes_kept():
    df = pd.DataFrame({"t": [1.0, 2.0, 3.0]}, index=[0, 4, 7])  # a filtered frame
    assert ">4<" not in tables.to_html(df) and ">7<" not in tables.to_html(df)
    named = pd.DataFrame({"t": [1.0]}, index=pd.Index(["nev"], name="sector"))
    assert ">sector<" in tables.to_html(named) and ">nev<" in tables.to_html(named)


def test_numbers_missing_values_and_years():
    df = pd.DataFrame({"year": [2024, 2025], "mass_t": [246500.0, None], "share": [0.25, 0.5]})
    out = tables.to_html(df)
    assert ">2024<" in out and ">2,024<" not in out  # years never get a separator
    assert ">246,500<" in out and f">{tables.MISSING}<" in out
    assert "NaN" not in out and "nan" not in out
    assert ">0.2500<" in out  # shares below 1 keep four decimals
    assert ">0.25<" in tables.to_html(df, {"share": 2})


def test_long_tables_are_folded_behind_a_summary():
    out = tables.to_html(pd.DataFrame({"x": range(tables.FOLD_ROWS + 1)}))
    assert out.startswith("<details><summary>") and f"{tables.FOLD_ROWS + 1:,} rows" in out
    assert "<details>" not in tables.to_html(pd.DataFrame({"x": range(3)}))


@pytest.mark.parametrize("name, shown", [
    ("mass_low_t", "mass low, t"),  # the field dictionary's unit suffix becomes the unit after a comma
    ("mining_total_t_reo", "mining total, t REO"),  # the longer suffix wins over "_t"
    ("growth_pct_per_year", "growth, %/yr"),
    ("price_mid_usd_per_kg", "price mid, USD/kg"),
    ("source_ids", "source ids"),  # no unit: only the underscores go
    ("month", "month"),
    ("demand 2030, t", "demand 2030, t"),  # already written for people: unchanged
])
def test_headers_are_readable_with_their_unit(name, shown):
    assert tables.header(name) == shown
    assert f">{shown}</th>" in tables.to_html(pd.DataFrame({name: [1.0]}))
