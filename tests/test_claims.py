"""Claims: one verdict() and its vocabulary; every seed claim's intervals agree with its verdict; policy
claims are read against their primary texts, and only supported ones are used."""
import ast
import inspect
import math

import pytest

from analysis import claims, claims_prices, claims_supply, data, paths, supply
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


def _check_leaf(c):
    """The recomputed interval holds the stated value exactly when the verdict says so."""
    assert c.verdict == claims.verdict(c.stated, c.recomputed, central=c.central)
    if c.recomputed is None:
        assert c.verdict == claims.NOT_CHECKABLE
        return
    meets = c.stated.overlaps(c.recomputed)
    assert meets == (c.verdict in (claims.CONSISTENT, claims.ONLY_AT_EXTREMES)), c.statement
    if c.central:
        assert (c.stated.lo <= c.recomputed.mid <= c.stated.hi) == (c.verdict == claims.CONSISTENT), c.statement


def test_every_claim_interval_agrees_with_its_verdict(price_claims, supply_claims):
    every = price_claims + supply_claims
    assert len(price_claims) == 15 and len(supply_claims) == 4
    for claim in every:
        assert claim.verdict in claims.FIGURE_VERDICTS
        for leaf in _leaves(claim):
            _check_leaf(leaf)
        if claim.parts:
            assert (claim.verdict == claims.CONSISTENT) == all(p.verdict == claims.CONSISTENT for p in claim.parts)
    # both kinds of verdict occur, so the check above is not vacuous
    leaves = [leaf for c in every for leaf in _leaves(c)]
    assert {claims.CONSISTENT, claims.DISAGREES, claims.ONLY_AT_EXTREMES, claims.NOT_CHECKABLE} <= {c.verdict for c in leaves}


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
