"""Policy claims: every event is read against its primary text; only supported claims are used."""
import pytest

from analysis import claims, data, supply
from analysis.data import load, normalise_text


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
