"""Notebook 00's figures and results file (analysis.overview)."""
import pandas as pd
import pytest
import yaml

from analysis import claims, consistency, exports, overview, paths
from analysis.data import catalogue_table, load

PARAMETERS = {"start_year": 2019, "end_year": 2026, "exports_destination": "total", "exports_start": "2024-01"}


@pytest.fixture(scope="module")
def res():
    checks = consistency.check()
    return overview.results(PARAMETERS, catalogue_table(), load("sources"), checks, claims.overview_table(),
                            claims.verdict_counts(), exports.monthly("total", start="2024-01"))


def test_results_keep_their_keys_and_add_the_answer(res):
    assert list(res) == ["answer", "key_chart", "key_figures", "parameters", "policy_claims", "disagreements"]
    assert res["parameters"] == PARAMETERS and res["key_chart"] == "coverage_by_year"
    assert list(res["key_figures"])[:3] == ["datasets", "data rows", "sources"]


def test_key_figures_count_the_data_files(res):
    figures = res["key_figures"]
    spec = yaml.safe_load((paths.DATA / "catalogue.yaml").read_text(encoding="utf-8"))["datasets"]
    assert figures["datasets"] == len(spec)
    assert figures["data rows"] == sum(len(pd.read_csv(paths.DATA / d["file"])) for d in spec.values())
    assert figures["sources"] == len(pd.read_csv(paths.DATA / "sources.csv"))
    assert figures["disagreements"] == len(res["disagreements"])
    # 2024-01, 2024-03 and 2024-12 have no figure (see test_impact.test_months_nobody_published_stay_missing)
    assert figures["export months missing since 2024-01"] == 3


def test_answer_is_one_sentence_from_the_key_figures(res):
    f, text = res["key_figures"], res["answer"]
    assert text.startswith(f"The data holds {f['data rows']:,} rows in {f['datasets']} datasets from {f['sources']} sources;")
    assert f"{f['disagreements']} of the {f['checks run']} stated figures checked do not add up" in text
    assert f"{f['policy claims not supported by their primary text']} policy claim" in text
    assert text.endswith(f"export months since 2024-01, {f['export months derived since 2024-01']} are derived and "
                         "3 missing.")
    assert text.count(".") == 1


def test_shown_checks_are_the_disagreements_unless_all_are_asked_for():
    checks = consistency.check()
    shown = overview.shown_checks(checks)
    assert list(shown.columns) == overview.SHOWN_CHECK_COLUMNS
    assert len(shown) == (checks["verdict"] == claims.DISAGREES).sum()
    assert len(overview.shown_checks(checks, show_all=True)) == len(checks)
    counts = overview.check_counts(checks)
    assert counts.to_numpy().sum() == len(checks)
