"""The consistency checker finds the seeds' own disagreements, each listed with its arithmetic."""
import pandas as pd
import pytest

from analysis import claims, consistency
from analysis.data import load
from analysis.rounding import Interval, half_unit


@pytest.fixture(scope="module")
def table():
    return consistency.check()


def _row(table, text, check="stated relation"):
    rows = table[(table["check"] == check) & table["statement"].str.contains(text, regex=False)]
    assert len(rows) >= 1, f"no {check} row for {text!r}"
    return rows.iloc[0]


def test_half_unit_reads_precision_off_the_figure():
    assert half_unit(87) == 0.5          # 87 GW
    assert half_unit(1.41) == 0.005      # 1.41 million elevators
    assert half_unit(246500) == 50       # "approximately 246,500 mt"
    assert half_unit(-6.1) == 0.05


def test_seed002_nev_growth_does_not_follow_from_its_own_units(table):
    # 17.89 / 12.888 - 1 = 38.81%, stated "up 29%" (and "approximately 29%" in the sub-heading)
    row = _row(table, "demand_china:nev:activity:body 2025")
    assert row["verdict"] == claims.DISAGREES
    assert row["recomputed"] == pytest.approx(17.89 / 12.888 * 100 - 100)


def test_seed002_air_conditioner_body_growth(table):
    # 330 / 270 - 1 = 22.2%, stated "up 25%"; the sub-heading's 320 / 270 - 1 = 18.5% matches its "18%"
    assert _row(table, "air_conditioner:activity:body 2025")["verdict"] == claims.DISAGREES
    assert _row(table, "air_conditioner:activity:headline 2025")["verdict"] == claims.CONSISTENT


def test_seed002_headline_and_body_conflicts(table):
    # wind 2025: the same 87 GW is "up 8%" in the sub-heading and "up 9%" in the paragraph
    assert _row(table, "wind:activity 2025 pct_change stated as 8 and 9", "conflicting statements")["verdict"] == claims.DISAGREES
    # air conditioners 2025: 320 million units in the sub-heading, 330 million in the paragraph
    assert _row(table, "air_conditioner activity 2025 stated as 320", "conflicting statements")["verdict"] == claims.DISAGREES


def test_outlook_revisions_between_editions_are_shown(table):
    # Adamas: "increased just 1.9% year-over-year in 2022" (2023 report) vs "a 1.8% drop ... in 2022" (2024 edition)
    row = _row(table, "outlooks adamas ndfeb_consumption_growth_yoy 2022", "conflicting statements")
    assert row["verdict"] == claims.DISAGREES
    assert {row["stated"], row["recomputed"]} == {1.9, -1.8}


def test_seed003_lingyi_share_of_global_production(table):
    # 2,000 t / 246,500 t (China alone, 2024) = 0.81%; the source says 7% of global production
    row = _row(table, "lingyi_annual_magnet_demand_increase")
    assert row["verdict"] == claims.DISAGREES
    assert row["recomputed"] == pytest.approx(2000 / 246500 * 100)


def test_seed000_price_surge_claim(table):
    # the blog's own table: $75 (2021) -> $100-130 (2025) = +33% .. +73%, never "over 80%"
    row = _row(table, "Farmonaut (table) 2025-01-01")
    assert row["verdict"] == claims.DISAGREES
    assert row["recomputed_high"] < 80


def test_seed_statements_that_do_hold(table):
    # seed 003: Sep 2025 5,774 t vs Aug 6,146 t = -6.05% ("-6.1%"); EU 2,582 / US 590 = 4.38 ("4.4 times")
    assert _row(table, "exports:total 2025-09 vs exports:total 2025-08")["verdict"] == claims.CONSISTENT
    assert _row(table, "exports:EU27 2025-08 vs exports:US 2025-08: ratio")["verdict"] == claims.CONSISTENT
    # seed 003: $9.33bn -> $16.55bn over 10 years = (16.55/9.33)^(1/10) - 1 = 5.90% ("5.9%")
    assert _row(table, "ndfeb_market_size 2035")["recomputed"] == pytest.approx(((16.55 / 9.33) ** 0.1 - 1) * 100)
    # seed 001: +35,000 on 1,085,000 -> base 1,050,000 -> 35,000 / 1,050,000 = 3.333% ("3.33%")
    metal = table[table["claim_id"] == "prc_seed001_ndmetal_day_pct"].iloc[0]
    assert metal["verdict"] == claims.CONSISTENT
    assert metal["recomputed"] == pytest.approx(35000 / 1050000 * 100)
    # ... and +30,000 on 905,000 -> 30,000 / 875,000 = 3.429% ("3.43%")
    oxide = table[table["claim_id"] == "prc_seed001_ndoxide_day_pct"].iloc[0]
    assert oxide["recomputed"] == pytest.approx(30000 / 875000 * 100)
    # seed 002: 52UH 365 -> 390 CNY/kg = +6.85% ("6.8%")
    assert table.loc[table["claim_id"] == "prc_seed002_52uh_2024_pct", "verdict"].iloc[0] == claims.CONSISTENT


def test_every_seed_disagreement_is_found(table):
    bad = table[table["verdict"] == claims.DISAGREES]
    seed_rows = bad[bad["source_ids"].str.contains("seed00")]
    statements = " | ".join(seed_rows["statement"])
    for expected in ["nev:activity", "air_conditioner:activity:body", "wind:activity 2025 pct_change stated as 8 and 9",
                     "air_conditioner activity 2025 stated as 320", "lingyi", "Farmonaut (table)"]:
        assert expected in statements


def test_interval_comparison_is_not_a_point_comparison():
    # "9%" (8.5..9.5) is reachable from 87 GW / 80.454 GW when 87 stands for 86.5..87.5:
    # 87.5 / 80.4535 - 1 = 8.76% -> consistent by rounding alone
    iv = consistency.recompute("pct_change", Interval.of(87.0), Interval.of(80.454))
    assert iv.overlaps(claims.stated_interval(9.0, "="))
    assert not iv.overlaps(claims.stated_interval(10.0, "="))


def test_disagreements_table_has_the_promised_columns():
    table = consistency.disagreements()
    assert {"stated", "recomputed", "difference", "source_ids"} <= set(table.columns)
    assert len(table) >= 6
    assert isinstance(table, pd.DataFrame)


def test_value_table_reads_a_row_by_hand():
    prices = load("prices")
    # a range without a stated average stands for its middle, widened by the rounding of each end
    r = prices[prices["price_avg"].isna() & (prices["price_low"] < prices["price_high"])].iloc[0]
    key = (f"{r['product']}:{r.basis}:{r.assessor}", r.date.strftime("%Y-%m-%d"))
    iv, status, src = consistency.value_table("prices", {"prices": prices.loc[[r.name]]})[key]
    assert iv.mid == (r.price_low + r.price_high) / 2 and status == "reported" and src == r.source_id
    assert (iv.lo, iv.hi) == (r.price_low - half_unit(r.price_low), r.price_high + half_unit(r.price_high))
    # a stated average is the middle
    a = prices[prices["price_avg"].notna()].iloc[0]
    key = (f"{a['product']}:{a.basis}:{a.assessor}", a.date.strftime("%Y-%m-%d"))
    assert consistency.value_table("prices", {"prices": prices.loc[[a.name]]})[key][0].mid == a.price_avg
    # a market figure without a value is left out; a USGS row keys on country, measure and edition
    mf = load("market_figures")
    assert consistency.value_table("market_figures", {"market_figures": mf[mf["value_low"].isna()]}) == {}
    m = load("mine_production").iloc[0]
    iv = consistency.value_table("mine_production")[(f"{m.country}:{m.usgs_measure}:{m.edition}", str(m.year))][0]
    assert iv.mid == m.mass_t_reo
    with pytest.raises(KeyError, match="atlantis"):
        consistency.value_table("atlantis")


def test_a_touching_pair_of_rounded_statements_still_conflicts(table):
    # seed 002 states wind's 2025 growth as 8% and as 9%: 7.5..8.5 and 8.5..9.5 meet at 8.5, which
    # rounds to 9, so the two cannot both be right (verdict()'s closed intervals would let them agree)
    row = _row(table, "wind:activity 2025 pct_change stated as 8 and 9", check="conflicting statements")
    assert row["verdict"] == claims.DISAGREES
    assert claims.verdict(8, claims.stated_interval(9)) == claims.CONSISTENT
