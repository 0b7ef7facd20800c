"""Notebook 00, the data overview: the tables it shows of the consistency checks, and its results file.

The datasets (:func:`analysis.data.catalogue_table`, :func:`analysis.data.coverage_by_year`), the
checks (:func:`analysis.consistency.check`) and the policy claims (:mod:`analysis.claims`) are
computed where they live; this module only selects and counts what the overview reports.
"""
from __future__ import annotations

import pandas as pd

from analysis import claims
from analysis.formatting import thousands

KEY_CHART = "coverage_by_year"
"""The chart that answers notebook 00's question: :func:`analysis.charts.overview.coverage`."""
SHOWN_CHECK_COLUMNS = ["check", "statement", "stated", "recomputed", "difference", "inputs", "source_ids"]


def check_counts(checks: pd.DataFrame) -> pd.DataFrame:
    """Number of checks per kind of check (rows) and verdict (columns)."""
    return checks.groupby(["check", "verdict"]).size().unstack(fill_value=0)


def shown_checks(checks: pd.DataFrame, show_all: bool = False) -> pd.DataFrame:
    """The disagreements (every check with ``show_all``), with the columns the overview shows."""
    rows = checks if show_all else checks[checks["verdict"] == claims.DISAGREES]
    return rows[SHOWN_CHECK_COLUMNS].round(2)


def key_figures(table: pd.DataFrame, sources: pd.DataFrame, checks: pd.DataFrame, policy: pd.DataFrame,
                policy_counts: pd.Series, series: pd.DataFrame, exports_start: str) -> dict:
    """The overview's figures, in order: datasets, rows, sources, checks, disagreements, unsupported
    policy claims, and the export months derived and missing since ``exports_start``."""
    checked = checks[checks["verdict"] != claims.NOT_CHECKABLE]
    return {
        "datasets": int(len(table)),
        "data rows": int(table["rows"].sum()),
        "sources": int(len(sources)),
        "checks run": int(len(checked)),
        "disagreements": int((checks["verdict"] == claims.DISAGREES).sum()),
        "policy claims not supported by their primary text": int(len(policy) - policy_counts[claims.SUPPORTED]),
        "export months derived since " + exports_start: int((series["status"] == "derived").sum()),
        "export months missing since " + exports_start: int((series["status"] == "missing").sum()),
    }


def answer(figures: dict, exports_start: str) -> str:
    """One plain-text sentence answering notebook 00's question, from :func:`key_figures`."""
    f = figures
    unsupported = f["policy claims not supported by their primary text"]
    claims_text = f"{unsupported} policy claim{'' if unsupported == 1 else 's'} {'is' if unsupported == 1 else 'are'}"
    return (f"The data holds {thousands(f['data rows'])} rows in {f['datasets']} datasets from {f['sources']} sources; "
            f"{f['disagreements']} of the {f['checks run']} stated figures checked do not add up, {claims_text} not "
            f"supported by their primary text, and of the export months since {exports_start}, "
            f"{f['export months derived since ' + exports_start]} are derived and "
            f"{f['export months missing since ' + exports_start]} missing.")


def results(parameters: dict, table: pd.DataFrame, sources: pd.DataFrame, checks: pd.DataFrame,
            policy: pd.DataFrame, policy_counts: pd.Series, series: pd.DataFrame) -> dict:
    """Notebook 00's results file: the answer, its key chart, key figures, policy claims, disagreements.

    ``parameters``: the notebook's parameters as given (``exports_start`` names the export months
    counted); ``table``: :func:`analysis.data.catalogue_table`; ``policy``, ``policy_counts``:
    :func:`analysis.claims.overview_table`, :func:`analysis.claims.verdict_counts`; ``series``: the
    monthly exports shown.
    """
    from analysis.report import records

    start = parameters["exports_start"]
    figures = key_figures(table, sources, checks, policy, policy_counts, series, start)
    bad = checks.loc[checks["verdict"] == claims.DISAGREES, ["check", "statement", "stated", "recomputed"]]
    return {
        "answer": answer(figures, start),
        "key_chart": KEY_CHART,
        "key_figures": figures,
        "parameters": parameters,
        "policy_claims": records(policy),
        "disagreements": records(bad, 4),
    }
