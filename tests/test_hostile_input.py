"""Hostile text in every free-text column of every dataset reaches no page as live markup.

A scratch copy of the project gets markup appended to every value of every column the catalogue
marks ``free_text`` (passages too, with a research note that quotes them, so provenance still
holds; tests/hostile.py). The full build must succeed, and no page may hold a live tag or attribute
from that text: it must show up escaped, or not at all. Rebuilding a scenario run gives
byte-identical pages. The build is the session fixture ``hostile_site`` (tests/conftest.py), which
tests/test_browser.py reads too.
"""
from __future__ import annotations

import shutil

import pytest

import project_copy
from hostile import HOSTILE, MARK, free_text_columns, live_markup

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def hostile_build(hostile_site):
    return hostile_site.root, hostile_site.changed, hostile_site.out


def test_the_detector_finds_live_markup_and_ignores_escaped_text():
    assert live_markup(f"<p>{HOSTILE}</p>")  # raw: found
    import html

    assert live_markup(f"<p>{html.escape(HOSTILE)}</p>") == []  # escaped: shown as text, harmless


def test_every_free_text_column_was_poisoned(hostile_build):
    root, changed, _ = hostile_build
    assert len(free_text_columns()) >= 10 and changed > 500
    assert "edition" in free_text_columns()["mine_production"]


def test_the_build_succeeds_and_no_live_markup_survives(hostile_build):
    root, _, out = hostile_build
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    pages = sorted((root / "reports").glob("*.html"))
    assert len(pages) >= 7  # index, 00-05, and 02's scenarios
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert live_markup(text) == [], f"{page.name}: live markup from data"
        shown += text.count(MARK)
    assert shown > 0, "the hostile text should be shown, escaped, somewhere (notes, tables, labels)"


def test_a_hostile_run_name_is_escaped_in_the_index(tmp_path):
    """Scenario file names are refused unless plain (tests/test_bad_inputs.py); the index escapes them anyway."""
    import json

    import nbformat

    from analysis import render
    from analysis.runs import Run

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# Title {HOSTILE}\n\nSummary {HOSTILE}")]
    path = tmp_path / "10_x.ipynb"
    nbformat.write(nb, path)
    name = 'q"><img src=x onerror=alert("hostile_mark")>'
    run = Run(path, name)
    (tmp_path / f"{run.name}.results.json").write_text(json.dumps({"key_figures": {HOSTILE: HOSTILE}}))
    render.write_index(tmp_path, [run], commit=HOSTILE)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert live_markup(page) == []
    assert 'href="10_x__q%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%28%22hostile_mark%22%29%3E.html"' in page


def test_rebuilding_gives_byte_identical_pages(hostile_build, tmp_path):
    """Scenario runs get a parameters cell injected by papermill (with a random id): pages must not differ.

    02's base and high runs are rebuilt in a copy of the built project, so the shared build stays as it
    was built. Only those two run again: the copy drops 02's other scenario files, and 04's scenarios
    that name them as their demand scenario (04 is not rebuilt; the two runs' inputs are unchanged).
    """
    root, _, out = hostile_build
    assert out.returncode == 0
    kept = ("02_demand_buildup__base.html", "02_demand_buildup__high.html")
    before = {name: (root / "reports" / name).read_bytes() for name in kept}
    copy = tmp_path / "project"
    shutil.copytree(root, copy)
    for folder in ("02_demand_buildup", "04_supply_balance"):
        for name in ("low.yaml", "humanoid_boom.yaml"):
            (copy / "scenarios" / folder / name).unlink()
    again = project_copy.cli(copy, "report", "02_demand_buildup", "--force", "--no-pdf")
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    after = {p.name: p.read_bytes() for p in (copy / "reports").glob("02_demand_buildup__*.html")}
    assert after.keys() == before.keys(), "the rebuild ran other runs than 02's base and high"
    for name in before:
        assert before[name] == after[name], f"{name} differs between two builds of the same inputs"
