"""Official releases beside seed 002: each new figure read from its passage, each difference computed."""
import re

import pytest

from analysis import consistency, demand
from analysis.data import load

# (sector, year, statement) -> (the number as the passage writes it, the factor to the row's unit)
FROM_PASSAGE = {
    ("nev", 2024, "official"): ("1288.8万辆", 1288.8e4 / 1e6),           # 10,000 units -> million units
    ("wind", 2024, "official"): ("7982萬千瓦", 7982e4 / 1e6),             # 10,000 kW -> GW
    ("air_conditioner", 2024, "official"): ("2億6598万4千台", 265.984),    # 2 x 10^8 + 6598 x 10^4 + 4 x 10^3 units
    ("mobile_phone", 2024, "official"): ("1.67 billion", 1.67),
    ("industrial_robot", 2024, "other"): ("556,000 units", 556000),
    ("nev", 2025, "official"): ("16.626 million units", 16.626),
    ("wind", 2025, "official"): ("119.33 GW of wind", 119.33),
    # part-year figures: stored with the months they cover, never as a year
    ("air_conditioner", 2025, "official"): ("245,361 milhões", 245.361),
    ("mobile_phone", 2025, "official"): ("5.7億臺", 0.57),
    ("industrial_robot", 2025, "other"): ("595,000 units", 595000),
}
MONTHS = {("air_conditioner", 2025): 11, ("mobile_phone", 2025): 5, ("industrial_robot", 2025): 9}


def test_every_release_row_is_covered():
    rows = load("demand_china")
    rows = rows[rows["statement"].isin(["official", "other"])]
    assert len(rows) >= 7
    assert {(r.sector, int(r.year), r.statement) for r in rows.itertuples()} == set(FROM_PASSAGE)


@pytest.mark.parametrize("key", sorted(FROM_PASSAGE), ids=lambda k: f"{k[0]}-{k[1]}")
def test_each_release_value_is_in_its_passage(key):
    rows = load("demand_china")
    row = rows[(rows["sector"] == key[0]) & (rows["year"] == key[1]) & (rows["statement"] == key[2])].iloc[0]
    words, value = FROM_PASSAGE[key]
    assert words in row["passage"]
    assert row["value"] == pytest.approx(value)
    assert row["status"] == "actual"
    assert row["months"] == MONTHS.get(key[:2], 12)


def test_official_beside_trade_press():
    table = consistency.official_vs_trade_press().set_index("statement")
    wind = table[table.index.str.contains("wind activity 2024")].iloc[0]
    assert wind["difference"] == pytest.approx(79.82 - 80.454)
    assert wind["verdict"] == "disagrees"
    nev = table[table.index.str.contains("nev activity 2024")].iloc[0]
    assert nev["verdict"] == "consistent"
    # a 2025 forecast is not paired with its outcome here: that is forecast scoring, not a conflict
    assert not table.index.str.contains("2025").any()
    assert set(table.index) <= set(consistency.check()["statement"])


def test_the_02_table_says_which_figure_the_model_uses():
    t = demand.official_figures()
    assert set(t["model uses"]) == {"seed 002"}
    robots = t[t["sector"] == demand.SECTOR_LABELS["industrial_robot"]].iloc[0]
    assert robots["difference %"] == pytest.approx((556000 / 608000 - 1) * 100)
    assert re.search("Yicai", robots["published by"])
