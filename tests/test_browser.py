"""Open the built brief and every report in headless Chromium, as a stakeholder would.

One full build serves every assertion: every image loaded, no error output, no
``<NA>``/``NaN``/``nan`` text, every link to a file and every table-of-contents anchor resolves,
the brief shows one answer per question and one comparison table per scenario family, and
``brief.pdf`` was printed. The build is the session fixture ``hostile_site`` (tests/conftest.py):
every notebook and scenario built through the command line, nothing cached, from a project copy
whose free-text cells also carry hostile markup, so tests/test_hostile_input.py reads the same
build (the markup is shown as text: no image, link, error output or missing value comes of it).
Screenshots go to ``screenshots/`` (ignored by git): the brief at 1280 px, full page, and the top
of every report. Playwright only drives Debian's chromium (never ``playwright install``); the test
skips, saying why, where either is missing (`.ci/run` installs chromium).
"""
from __future__ import annotations

import os
import re
import urllib.parse

import pytest

from analysis import brief, paths, report
from analysis.runs import discover
from test_lab import CHROMIUM, FLAGS, sync_playwright  # Debian's chromium, driven by the playwright package

BAD_TEXT = re.compile(r"<NA>|\bNaN\b|\bnan\b")

pytestmark = [pytest.mark.notebook, pytest.mark.skipif(
    sync_playwright is None or not os.access(CHROMIUM, os.X_OK),
    reason=f"needs Debian's chromium at {CHROMIUM} (.ci/run installs it) and the playwright package (`make setup`)")]

# Everything the assertions need from one page, read in the page itself.
PROBE = """() => {
  const imgs = [...document.images];
  // a fragment names an element by its id as written, else percent-decoded (HTML's "indicated part")
  const indicated = f => { if (document.getElementById(f)) return true;
                           try { return !!document.getElementById(decodeURIComponent(f)); } catch (e) { return false; } };
  const links = [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.getAttribute('href'), toc: !!a.closest('nav.toc'), download: a.hasAttribute('download'),
    target: a.getAttribute('href').startsWith('#') ? indicated(a.getAttribute('href').slice(1)) : null}));
  return {
    images: imgs.length, srcs: imgs.map(i => i.getAttribute('src')),
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src')),
    errors: document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').length,
    text: document.body.innerText,
    links,
    answers: document.querySelectorAll('section.report p.answer').length,
    questions: document.querySelectorAll('section.report').length,
    tables: [...document.querySelectorAll('table.compare')].map(t => t.closest('section.report').id + ':' + t.tBodies[0].rows.length),
    widest_image: Math.max(0, ...imgs.map(i => i.getBoundingClientRect().width)),
    column: (document.querySelector('main') || document.body).getBoundingClientRect().width,
  };
}"""


@pytest.fixture(scope="module")
def built(hostile_site):
    """The reports folder of the session's one full build (every run, nothing cached)."""
    out = hostile_site.out
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return hostile_site.reports


@pytest.fixture(scope="module")
def pages(built):
    """Every page of the build, probed in Chromium: ``{file name: probe result}``; screenshots kept."""
    shots = paths.ROOT / "screenshots"
    shots.mkdir(exist_ok=True)
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for f in sorted(built.glob("*.html")):
                page.goto(f.as_uri(), wait_until="load")
                found[f.name] = page.evaluate(PROBE)
                if f.name == "index.html":
                    page.screenshot(path=str(shots / "brief_1280.png"), full_page=True)
                else:
                    page.screenshot(path=str(shots / f"{f.stem}.png"))
        finally:
            browser.close()
    return found


def test_every_page_renders_cleanly(pages):
    assert "index.html" in pages and len(pages) >= 2
    for name, result in pages.items():
        assert result["broken"] == [], f"{name}: image(s) failed to load: {result['broken']}"
        assert result["errors"] == 0 and "Traceback" not in result["text"], f"{name} shows an error or warning output"
        bad = sorted({m.group(0) for m in BAD_TEXT.finditer(result["text"])})
        assert not bad, f"{name} shows {bad} where a value is missing (tables show '–')"
        if name != "index.html":
            assert result["images"] >= 1, f"{name} has no chart"
            assert result["widest_image"] >= 0.9 * result["column"] - 40, f"{name}: charts narrower than the text column"
    shot = paths.ROOT / "screenshots" / "brief_1280.png"
    assert shot.exists() and shot.stat().st_size > 10_000


def test_every_link_and_contents_anchor_resolves(pages, built):
    for name, result in pages.items():
        for link in result["links"]:
            href = link["href"]
            if href.startswith("#"):
                assert link["target"], f"{name}: anchor {href} has no element with that id"
            elif not re.match(r"^[a-z]+:", href):
                assert (built / urllib.parse.unquote(href.split("#")[0])).is_file(), f"{name}: link to missing {href}"
        if name != "index.html":
            toc = [x for x in result["links"] if x["toc"]]
            assert len(toc) >= 3, f"{name}: no table of contents"
            results_links = [x["href"] for x in result["links"] if x["download"] and x["href"].endswith(".results.json")]
            assert results_links == [f"{name[:-5]}.results.json"], f"{name}: no link to its results file"


def test_the_brief_answers_each_question_once_and_compares_each_scenario_family(pages, built):
    index = pages["index.html"]
    runs = discover()
    stems = sorted({r.notebook.stem for r in runs})
    families = {s: sum(1 for r in runs if r.notebook.stem == s) for s in stems}
    assert index["questions"] == len(stems) and index["answers"] == len(stems), "one answer per question"
    expected = sorted(f"{s}:{n}" for s, n in families.items() if n > 1)
    assert sorted(index["tables"]) == expected, "one comparison table per scenario family, a row per scenario"
    assert len(expected) >= 2, "02 and 04 have scenarios"
    linked = {x["href"] for x in index["links"]}
    assert {f"{r.name}.html" for r in runs} <= linked, "every report is linked from the brief"
    assert len(index["srcs"]) == len(stems), "a key-chart thumbnail per question"
    assert all(src.endswith(brief.THUMB_SUFFIX) and (built / urllib.parse.unquote(src)).is_file() for src in index["srcs"])


def test_the_brief_is_printed_to_pdf(built):
    pdf = built / brief.PDF_NAME
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    manifest = report.read_manifest(built / report.MANIFEST)
    assert manifest["brief_pdf_sha256"] and all(f"{r['run']}{brief.THUMB_SUFFIX}" in r["outputs"] for r in manifest["runs"])
