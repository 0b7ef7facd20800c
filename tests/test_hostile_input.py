"""Hostile text in every free-text column of every dataset reaches no page as live markup.

A scratch copy of the project gets markup appended to every value of every column the catalogue
marks ``free_text`` (passages too, with a research note that quotes them, so provenance still
holds). The full build must succeed, and no page may hold a live tag or attribute from that text:
it must show up escaped, or not at all. Rebuilding a scenario run gives byte-identical pages.
"""
from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

import project_copy
from analysis import data

MARK = "hostile_mark"  # a token found nowhere else ("_" is not in base64, so never inside an image)
HOSTILE = (f'<script>alert("{MARK}1")</script><img src=x onerror=alert("{MARK}2")>'
           f'<a href="javascript:alert(\'{MARK}3\')">{MARK}4</a><style>body{{display:none}}/*{MARK}5*/</style>')


class _LiveMarkup(HTMLParser):
    """Every element and attribute a browser would build from the page that carries the hostile text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and any(n == "src" and v == "x" for n, v in attrs):
            self.found.append("<img src=x>")

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if MARK in data and self._open and self._open[-1] in ("script", "style"):
            self.found.append(f"<{self._open[-1]}> holding {data[:60]!r}")
        if data.strip() == MARK + "4" and self._open and self._open[-1] == "a":
            self.found.append("a link made from data")


def live_markup(page_html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(page_html)
    return parser.found

pytestmark = pytest.mark.notebook


def _free_text_columns() -> dict[str, list[str]]:
    fields = data.catalogue()["fields"]
    out = {}
    for name, spec in data.catalogue()["datasets"].items():
        cols = [c for c in spec["columns"] if fields[c].get("free_text")]
        if cols:
            out[name] = cols
    return out


def _poison(root) -> int:
    """Append HOSTILE to every free-text cell; return how many cells were changed."""
    sources = {r["source_id"]: r["kind"] for r in csv.DictReader(open(root / "data" / "sources.csv", encoding="utf-8"))}
    quoted, changed = [], 0
    for name, cols in _free_text_columns().items():
        path = root / "data" / data.catalogue()["datasets"][name]["file"]
        rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
        header = data.catalogue()["datasets"][name]["columns"]
        for row in rows:
            for col in cols:
                if col == "passage" and sources.get(row["source_id"]) == "seed":
                    continue  # a seed's text is checksummed: its passages stay verbatim
                if col == "url" and not row[col]:
                    continue
                row[col] = (row[col] or "") + " " + HOSTILE
                changed += 1
                if col == "passage":
                    quoted.append(row[col])
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    note = root / "data" / "research_notes" / "hostile_test_quotes.md"
    note.write_text("# Quotes for the hostile-input test\n\n" + "\n\n".join(f'"{q}"' for q in quoted) + "\n", encoding="utf-8")
    return changed


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = project_copy.make(tmp_path_factory.mktemp("hostile") / "project")
    # Every notebook's default run shows every free-text field a scenario run shows; one scenario run
    # is kept for the rebuild test below (papermill injects its parameters cell). This halves the build.
    for scenario in (root / "scenarios").rglob("*.yaml"):
        if scenario.name not in ("base.yaml", "high.yaml") or scenario.parent.name != "02_demand_buildup":
            scenario.unlink()
    changed = _poison(root)
    out = project_copy.cli(root, "report", "--force")
    return root, changed, out


def test_the_detector_finds_live_markup_and_ignores_escaped_text():
    assert live_markup(f"<p>{HOSTILE}</p>")  # raw: found
    import html

    assert live_markup(f"<p>{html.escape(HOSTILE)}</p>") == []  # escaped: shown as text, harmless


def test_every_free_text_column_was_poisoned(hostile_build):
    root, changed, _ = hostile_build
    assert len(_free_text_columns()) >= 10 and changed > 500
    assert "edition" in _free_text_columns()["mine_production"]


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


def test_rebuilding_gives_byte_identical_pages(hostile_build):
    """Scenario runs get a parameters cell injected by papermill (with a random id): pages must not differ."""
    root, _, out = hostile_build
    assert out.returncode == 0
    before = {p.name: p.read_bytes() for p in (root / "reports").glob("02_demand_buildup__*.html")}
    again = project_copy.cli(root, "report", "02_demand_buildup", "--force")
    assert again.returncode == 0, again.stderr[-2000:]
    after = {p.name: p.read_bytes() for p in (root / "reports").glob("02_demand_buildup__*.html")}
    assert before and before.keys() == after.keys()
    for name in before:
        assert before[name] == after[name], f"{name} differs between two builds of the same inputs"
