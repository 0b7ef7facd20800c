"""Claims: one verdict() and its vocabulary; every seed claim's intervals agree with its verdict; policy
claims are read against their primary texts, and only supported ones are used."""
import ast
import inspect
import math

import pandas as pd
import pytest

from analysis import (claims, claims_demand, claims_exports, claims_prices, claims_supply, consistency, data, exports, paths,
                      supply)
from analysis.data import load, normalise_text
from analysis.rounding import Interval


def test_every_event_has_a_policy_claim():
    events = set(load("events")["event_id"])
    covered = set(load("policy_claims")["event_id"].dropna())
    assert events and events <= covered, f"events without a verdict: {sorted(events - covered)}"


def test_verdicts_use_the_shared_vocabulary_and_claimers_are_sources():
    table = load("policy_claims")
    assert set(table["verdict"]) <= set(claims.POLICY_VERDICTS)
    assert set(table["claimed_by"]) <= set(load("sources")["source_id"])


# Each verdict with the words of the primary text it rests on (kept as data, checked against the note).
EXPECTED = {
    "eu_crma_recycled_content": (claims.NOT_SUPPORTED, "laying down minimum shares for neodymium"),
    "eu_crma_art5_recycling_benchmark": (claims.SUPPORTED, "at least 25 % of the Union’s annual consumption"),
    "china_export_control_medium_heavy": (claims.SUPPORTED, "samarium, gadolinium, terbium, dysprosium, lutetium"),
    "china_export_control_suspension": (claims.SUPPORTED, "until November 10, 2026"),
    "us_doe_closed_loop_38m": (claims.PRIMARY_NOT_FOUND, "Closed−LoopCriticalMaterialRecycling"),
    "us_doe_134m_unconventional_ree": (claims.SUPPORTED, "up to $134 million"),
    "us_dod_mp_materials_deal": (claims.SUPPORTED, "$110 per kilogram"),
    "miit_total_volume_control_draft": (claims.PARTLY_SUPPORTED, "冶炼分离实行总量调控管理"),
    "mofcom_dual_use_faq": (claims.SUPPORTED, "一般不属于18号公告管制范围"),
    "china_export_control_expansion": (claims.SUPPORTED, "商务部公告2025年第61号"),
    "china_first_general_licences": (claims.PARTLY_SUPPORTED, "批准了部分中国出口商提交的通用许可申请"),
    "eu_resourceeu_plan": (claims.SUPPORTED, "close to €3 billion"),
}


def test_every_claim_has_an_expected_verdict():
    assert set(EXPECTED) == set(load("policy_claims")["claim_id"])


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_each_verdict_rests_on_its_passage(claim_id):
    verdict, words = EXPECTED[claim_id]
    row = claims.policy_claim(claim_id)
    assert row["verdict"] == verdict
    assert words in row["passage"]
    notes = " ".join(data.research_note_texts().values())
    seeds = data.seed_texts()
    haystack = seeds.get(row["source_id"], notes)
    assert normalise_text(row["passage"]) in haystack


def test_an_unsupported_claim_cannot_be_an_input():
    with pytest.raises(claims.UnsupportedClaimError, match="not supported"):
        claims.require_supported("eu_crma_recycled_content")
    assert claims.require_supported(supply.CRMA_CLAIM)["verdict"] == claims.SUPPORTED


def test_no_yardstick_comes_from_a_claim_that_is_not_supported():
    """The market figure the seed's CRMA claim gave is still in data/, but no code reads it."""
    from analysis import paths

    source = "\n".join(p.read_text() for p in (paths.ROOT / "analysis").rglob("*.py"))
    assert "eu_crma_recycled_magnet_content_target" not in source
    assert supply.CRMA_METRIC == "eu_crma_art5_recycling_capacity_benchmark"


# --- one verdict() ----------------------------------------------------------------------------------
# Hand-derived: "9" stands for 8.5..9.5 (units digit), "246,500" for 246,450..246,550 (last non-zero
# digit), a stated range 100-130 for 99.5..130.5; ">" 80 for 80 and above. Closed intervals: touching counts.

@pytest.mark.parametrize("stated, recomputed, expected", [
    (9, 9.2, claims.CONSISTENT),                       # inside
    (9, 9.5, claims.CONSISTENT),                       # touches the top of the rounding range
    (9, 8.5, claims.CONSISTENT),                       # touches the bottom
    (9, 9.51, claims.DISAGREES),                       # just outside
    (9, 8.49, claims.DISAGREES),
    (9, Interval(10, 9.5, 10.5), claims.CONSISTENT),   # the two ranges touch
    (9, Interval(10, 9.6, 10.4), claims.DISAGREES),    # no rounding of either reaches the other
    (246500, 246550, claims.CONSISTENT),
    (246500, 246551, claims.DISAGREES),
    (115, 130, claims.DISAGREES),                      # stated as a point: 114.5..115.5
    (Interval.of(115, 100, 130), 130, claims.CONSISTENT),    # stated as a range: 99.5..130.5
    (Interval.of(115, 100, 130), 130.5, claims.CONSISTENT),  # touching its rounding
    (Interval.of(115, 100, 130), 131, claims.DISAGREES),
    (9, None, claims.NOT_CHECKABLE),
    (9, math.nan, claims.NOT_CHECKABLE),
    (9, Interval(math.nan, math.nan, math.nan), claims.NOT_CHECKABLE),
])
def test_verdict_against_the_rounding_range(stated, recomputed, expected):
    assert claims.verdict(stated, recomputed) == expected


@pytest.mark.parametrize("comparator, recomputed, expected", [
    (">", 80, claims.CONSISTENT),          # "over 80%" is met at 80 (touching)
    (">", 250, claims.CONSISTENT),
    (">", 79.9, claims.DISAGREES),
    (">", Interval(53.3, 31.8, 75.2), claims.DISAGREES),
    ("<", -3, claims.CONSISTENT),
    ("<", 80.1, claims.DISAGREES),
    ("~", 80.5, claims.CONSISTENT),        # "approximately 80": its rounding range, 79.5..80.5
    ("~", 80.6, claims.DISAGREES),
])
def test_verdict_with_a_comparator(comparator, recomputed, expected):
    assert claims.verdict(80, recomputed, comparator=comparator) == expected


@pytest.mark.parametrize("recomputed, expected", [
    (Interval(43.75, 9.9, 87.8), claims.ONLY_AT_EXTREMES),  # centre 43.75 < 80; only the top end reaches it
    (Interval(85, 70, 90), claims.CONSISTENT),              # centre inside
    (Interval(80, 60, 80), claims.CONSISTENT),              # centre touches the bound
    (Interval(-25, -30, -20), claims.DISAGREES),
])
def test_verdict_on_the_central_recomputation(recomputed, expected):
    assert claims.verdict(80, recomputed, comparator=">", central=True) == expected
    # without central, any overlap is consistent
    overlap = claims.CONSISTENT if expected != claims.DISAGREES else claims.DISAGREES
    assert claims.verdict(80, recomputed, comparator=">") == overlap


def test_verdict_circular_and_only_source():
    # a recomputation resting on the statement itself confirms nothing, whatever the intervals say
    assert claims.verdict(-45, -45, circular=True) == claims.CIRCULAR
    assert claims.verdict(-45, None, circular=True) == claims.CIRCULAR
    # no comparator because no other source states the figure
    assert claims.verdict(2627, None, unchecked=claims.ONLY_SOURCE) == claims.ONLY_SOURCE
    assert claims.verdict(2627, 2627, unchecked=claims.ONLY_SOURCE) == claims.CONSISTENT
    with pytest.raises(ValueError, match="unchecked"):
        claims.verdict(2627, None, unchecked=claims.DISAGREES)


def test_verdict_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="comparator"):
        claims.verdict(80, 81, comparator=">=")
    with pytest.raises(ValueError, match="stated interval"):
        claims.verdict(Interval.of(115, 100, 130), 120, comparator=">")
    with pytest.raises(ValueError, match="not a verdict word"):
        claims.qualified("not borne out")


def test_combine_and_robustness():
    C, D, N = claims.CONSISTENT, claims.DISAGREES, claims.NOT_CHECKABLE
    assert claims.combine([C, C, N]) == C
    assert claims.combine([C, D]) == D
    assert claims.combine([C, D], partly=claims.PLAUSIBLE) == claims.PLAUSIBLE
    assert claims.combine([D, D], partly=claims.PLAUSIBLE) == D
    assert claims.combine([N]) == N
    assert claims.robustness([True, True, True]) == claims.HOLDS
    assert claims.robustness([False, False]) == claims.FAILS
    assert claims.robustness([True, False]) == claims.DEPENDS
    assert claims.qualified(C, "mine output") == "consistent (mine output)"


# --- every claim function ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def price_claims():
    return claims_prices.seed_claims(claims_prices.inputs())


@pytest.fixture(scope="module")
def supply_claims():
    base = supply.load_demand("base")[1]
    return claims_supply.seed_claims(supply.Chain(0.20, 0.25, 0.30), supply.magnet_balance(base))


def _leaves(claim):
    return [leaf for p in claim.parts for leaf in _leaves(p)] if claim.parts else [claim]


@pytest.fixture(scope="module")
def export_claims():
    return claims_exports.relation_claims("seed") + claims_exports.level_claims("seed")


def _check_leaf(c):
    """The recomputed interval holds the stated value exactly when the verdict says so."""
    assert c.verdict == claims.verdict(c.stated, c.recomputed, central=c.central, circular=c.circular, unchecked=c.unchecked)
    if c.circular:
        assert c.verdict == claims.CIRCULAR
        return
    if c.recomputed is None:
        assert c.verdict == c.unchecked
        return
    meets = c.stated.overlaps(c.recomputed)
    assert meets == (c.verdict in (claims.CONSISTENT, claims.ONLY_AT_EXTREMES)), c.statement
    if c.central:
        assert (c.stated.lo <= c.recomputed.mid <= c.stated.hi) == (c.verdict == claims.CONSISTENT), c.statement


def test_every_claim_interval_agrees_with_its_verdict(price_claims, supply_claims, export_claims):
    every = price_claims + supply_claims + export_claims
    assert len(price_claims) == 15 and len(supply_claims) == 4
    for claim in every:
        assert claim.verdict in claims.FIGURE_VERDICTS
        for leaf in _leaves(claim):
            _check_leaf(leaf)
        if claim.parts:
            assert (claim.verdict == claims.CONSISTENT) == all(p.verdict == claims.CONSISTENT for p in claim.parts)
    # both kinds of verdict occur, so the check above is not vacuous
    leaves = [leaf for c in every for leaf in _leaves(c)]
    assert {claims.CONSISTENT, claims.DISAGREES, claims.ONLY_AT_EXTREMES, claims.NOT_CHECKABLE, claims.CIRCULAR,
            claims.ONLY_SOURCE} <= {c.verdict for c in leaves}


@pytest.mark.parametrize("module", [claims_prices, claims_supply])
def test_every_claim_function_is_listed(module):
    listed = inspect.getsource(module.seed_claims)
    functions = [name for name, f in inspect.getmembers(module, inspect.isfunction)
                 if f.__module__ == module.__name__ and not name.startswith("_") and "Claim" in str(f.__annotations__.get("return"))
                 and name != "seed_claims"]
    assert functions
    assert [f for f in functions if f"{f}(" not in listed] == []


def test_supply_claims_by_hand(supply_claims):
    rise, share, lingyi, volume = supply_claims
    # USGS MCS 2026 world mine output 2025 390,000 / 2024 380,000 t REO, each +/-5,000 by its rounding:
    # 385/385 - 1 = 0% .. 395/375 - 1 = +5.33%, far from "+25%" (24.5..25.5)
    assert rise.recomputed.lo == pytest.approx(0) and rise.recomputed.hi == pytest.approx((395 / 375 - 1) * 100)
    assert rise.verdict == claims.DISAGREES
    # "over 60-70%" with its rounding: 59.5..70.5
    assert (share.stated.lo, share.stated.hi) == (59.5, 70.5) and share.verdict_text == "consistent (mine output)"
    # seed 000's 2025 volume, 60,000 t, read to the hundred like its column (not +/-5,000): above the
    # Nd2O3 equivalent of 2025 world output, 390,000 x 20% x 75% = 58,500 t
    y2025 = next(p for p in volume.parts if p.statement == "2025")
    assert (y2025.stated.lo, y2025.stated.hi) == (59950, 60050) and y2025.recomputed.hi == pytest.approx(58500)
    assert y2025.verdict == claims.DISAGREES and volume.verdict == claims.PLAUSIBLE
    assert volume.verdict_text == "plausible order of magnitude (2 of 3 years inside the span)"


# --- seed statements ------------------------------------------------------------------------------------------

def test_seed_statements_with_verdict_and_arithmetic():
    table = claims_exports.relation_table("seed").set_index("claim_id")
    # SMM's -45% y/y is what gives Apr 2024: checking seed 002's identical -45% against it is circular
    assert table.loc["exp_2025_04_yoy_seed002", "verdict"].startswith("circular")
    # -51% m/m against Mar 2025 = 5,238 / (1 - 1.6%) (derived from a different statement)
    mom = table.loc["exp_2025_04_mom_seed002"]
    assert mom["recomputed"] == pytest.approx((2627 / (5238 / 0.984) - 1) * 100)
    assert mom["verdict"] == "consistent" and "derived" in mom["derived_inputs"]
    # 2,582 / 590 = 4.376 against "4.4 times"
    assert table.loc["exp_2025_08_eu_vs_us_seed003", "recomputed"] == pytest.approx(2582 / 590)
    # Jan-Sep 2025 39,817 t vs Jan-Sep 2024 (38,138 + 4,915) = -7.52%
    assert table.loc["exp_2025_jan_sep_yoy_seed003", "recomputed"] == pytest.approx((39817 / (38138 + 4915) - 1) * 100)
    assert "/" in table.loc["exp_2025_09_us_mom_seed003", "arithmetic"]


def test_seed_tonnages_against_other_sources():
    levels = claims_exports.level_table("seed")
    sep = levels[(levels["destination"] == "total") & (levels["period"] == "2025-09")].iloc[0]
    assert sep["verdict"] == "consistent" and "reuters" in sep["other_sources"]


def test_every_export_claim_is_a_stated_row_with_consistency_s_verdict():
    # one claim per seed export row of stated_changes.csv; its verdict is what consistency.check_stated
    # says of the row, except where the check is circular
    stated = load("stated_changes")
    seeds = set(load("sources").query("kind == 'seed'")["source_id"])
    ids = list(stated.loc[(stated["dataset"] == "exports") & stated["source_id"].isin(seeds), "claim_id"])
    relations = claims_exports.relation_claims("seed")
    assert [c.claim_id for c in relations] == ids and ids
    checks = consistency.check_stated().set_index("claim_id")
    for c in relations:
        assert c.verdict == (claims.CIRCULAR if c.circular else checks.loc[c.claim_id, "verdict"]), c.claim_id
    assert [c.claim_id for c in relations if c.circular] == ["exp_2025_04_yoy_seed002"]


def test_a_tonnage_no_other_source_states_is_only_source():
    rows = load("exports")
    seeds = set(load("sources").query("kind == 'seed'")["source_id"])
    one_row = rows[rows["source_id"].isin(seeds)].iloc[[0]]
    # alone in its own table: nobody else states it
    (alone,) = claims_exports.level_claims("seed", one_row)
    assert alone.verdict == claims.ONLY_SOURCE and alone.parts == ()
    # beside a second source stating the same tonnage one tonne higher: beyond the half tonne
    one_t = 1 / exports.MASS_UNIT_TO_T[one_row["mass_unit"].iloc[0]]  # a tonne in the row's unit
    other = one_row.assign(source_id="reuters_fixture", value=one_row["value"] + one_t)
    (against,) = claims_exports.level_claims("seed", pd.concat([one_row, other]))
    assert against.verdict == claims.DISAGREES and against.stated.hi - against.stated.lo == pytest.approx(1.0)


# --- demand claims (notebook 02) ---------------------------------------------------------------------

def test_seed_growth_disagreements_are_shown():
    checks = claims_demand.seed_checks()
    bad = checks[checks["verdict"] == "disagrees"]
    nev = bad[bad["statement"].str.contains("nev:activity:body 2025", regex=False)].iloc[0]
    assert nev["recomputed"] == pytest.approx((17.89 / 12.888 - 1) * 100)  # +38.8%, stated +29%
    assert bad["statement"].str.contains("air_conditioner:activity:body 2025", regex=False).any()  # 330/270 = +22.2%, stated +25%


def test_humanoid_claims_imply_400_kg_per_robot():
    table = claims_demand.humanoid_claims()
    figures = table.set_index("key")["value"]
    # seed 003: "exceeding 2,000 tons" over "more than 5,000" robots; Pacific Forum: Optimus >= 3.5 kg
    assert figures["implied_kg"] == pytest.approx(2000 * 1000 / 5000)
    assert figures["ratio"] == pytest.approx(400 / 3.5)
    assert figures["robots_at_optimus"] == pytest.approx(2000 * 1000 / 3.5)
    assert figures["implied_global_t"] == pytest.approx(2000 / 0.07)  # "7% of global production in 2024"
    # labels are written from the values, not typed
    assert "implied magnet per robot: 2,000 t / 5,000 robots" in set(table["figure"])


def test_activity_rate_disagreements_are_nev_and_air_conditioners():
    table = claims_demand.activity_rate_disagreements().set_index("sector")
    assert list(table.index) == ["nev", "air_conditioner"]  # wind's 8% and 9% both fit 80.454 -> 87 GW
    assert table.loc["nev", "recomputed_pct"] == pytest.approx((17.89 / 12.888 - 1) * 100)
    assert table.loc["nev", "stated_pct"] == "+29%"
    assert table.loc["air_conditioner", "recomputed_pct"] == pytest.approx((330 / 270 - 1) * 100)
    assert table.loc["air_conditioner", "stated_pct"] == "+25%"
    assert table.loc["air_conditioner", "headline_pct"] == pytest.approx((320 / 270 - 1) * 100)
    assert table.loc["air_conditioner", "headline_stated_pct"] == "+18%"


def test_disagreement_lines_give_units_recomputed_and_stated_rates():
    nev, ac = claims_demand.disagreement_lines()
    # seed 002 body: NEVs 12.888 -> 17.89 million (stated +29%); ACs 270 -> 330 million (stated +25%),
    # sub-heading 320 million (stated +18%)
    assert nev == f"- NEVs: 12.888 to 17.89 million is **{(17.89 / 12.888 - 1) * 100:+.1f}%**, not the stated \\+29%."
    assert ac == (f"- Air conditioners: 270 to 330 million is **{(330 / 270 - 1) * 100:+.1f}%**, not the stated \\+25% "
                  f"(the sub-heading's 320 million would be {(320 / 270 - 1) * 100:+.1f}%, against the \\+18% it states).")
    assert claims_demand.disagreement_text() == nev + "\n" + ac
    assert claims_demand.disagreement_text(claims_demand.activity_rate_disagreements().iloc[0:0]) == \
        "Every stated activity growth rate agrees with the units."


# --- no other module spells out a verdict -----------------------------------------------------------

def _verdict_literals(source: str) -> list[str]:
    """String literals (or the opening text of f-strings) that are a verdict word, alone or qualified."""
    found = []
    tree = ast.parse(source)
    pieces = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if id(node) in pieces:
            continue  # a piece of an f-string: only its opening text is read, below
        if isinstance(node, ast.JoinedStr):
            first = node.values[0] if node.values else None
            text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if text is not None and any(text == w or text.startswith(w + " (") for w in claims.VOCABULARY):
            found.append(text)
    return found


def test_the_literal_finder_finds_a_planted_word():
    assert _verdict_literals('v = "disagrees"\nw = f"plausible order of magnitude ({k} of {n})"') == [
        "disagrees", "plausible order of magnitude ("]
    assert _verdict_literals('"""consistent with the data."""\nx = "the seed is consistent"') == []


def test_no_module_but_claims_defines_verdict_words():
    root = paths.ROOT
    files = sorted((root / "analysis").rglob("*.py")) + sorted((root / "notebooks").glob("*.py"))
    offenders = {str(p.relative_to(root)): found for p in files if p != root / "analysis" / "claims.py"
                 for found in [_verdict_literals(p.read_text(encoding="utf-8"))] if found}
    assert len(files) > 20 and offenders == {}
