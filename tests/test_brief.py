"""The brief (index.html), its thumbnails and "changed since the last published build", from fixture
results files: no notebook runs here. The report pages' table of contents and footer too."""
from __future__ import annotations

import base64
import io
import json
import re
import urllib.parse
from html.parser import HTMLParser

import nbformat
import pytest
from PIL import Image

from analysis import brief, render
from analysis.runs import Run
from hostile import HOSTILE, live_markup


def _png(width: int, height: int, colour: tuple) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


RED, BLUE = (200, 0, 0), (0, 0, 200)


def _chart_outputs(run_name: str, chart: str, colour) -> list:
    """What a Chart shows in a notebook: its PNG, then the link to its CSV."""
    return [nbformat.v4.new_output("display_data", data={"image/png": _png(1000, 480, colour), "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", data={"text/html": f'<p class="chart-data"><a href="{run_name}.{chart}.csv" '
                                                                      f"download>Download this chart's data (CSV)</a></p>"})]


def _executed(folder, run_name: str, charts: list[tuple[str, tuple]], title="# A question?\n\nThe intro *paragraph*.") -> None:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("x")
    code.outputs = [o for name, colour in charts for o in _chart_outputs(run_name, name, colour)]
    nb.cells = [nbformat.v4.new_markdown_cell(title), code]
    nbformat.write(nb, folder / f"{run_name}.ipynb")


def _results(folder, run_name: str, **results) -> None:
    (folder / f"{run_name}.results.json").write_text(json.dumps(results), encoding="utf-8")


def _colour_of(path) -> tuple:
    with Image.open(path) as image:
        return image.convert("RGB").getpixel((image.width // 2, image.height // 2))


# --- the key chart's thumbnail ---------------------------------------------------------------------

def test_the_thumbnail_is_the_key_chart_else_the_first_chart(tmp_path):
    _executed(tmp_path, "10_x", [("first", RED), ("headline", BLUE)])
    _results(tmp_path, "10_x", key_chart="headline")
    thumb = brief.write_thumbnail(tmp_path, "10_x")
    assert thumb == tmp_path / "10_x.thumb.png"
    assert _colour_of(thumb) == BLUE
    with Image.open(thumb) as image:
        assert image.width == brief.THUMB_WIDTH and image.height == round(480 * brief.THUMB_WIDTH / 1000)
    again = thumb.read_bytes()
    assert brief.write_thumbnail(tmp_path, "10_x").read_bytes() == again, "identical charts, identical thumbnails"

    _results(tmp_path, "10_x")  # no key_chart yet (its notebook has not been moved to charts/): the first chart
    assert _colour_of(brief.write_thumbnail(tmp_path, "10_x")) == RED
    _results(tmp_path, "10_x", key_chart="not_shown")  # a name no chart has: the first chart too
    assert _colour_of(brief.write_thumbnail(tmp_path, "10_x")) == RED


def test_a_run_without_charts_gets_no_thumbnail(tmp_path):
    _executed(tmp_path, "10_x", [])
    assert brief.write_thumbnail(tmp_path, "10_x") is None
    assert brief.write_thumbnail(tmp_path, "11_no_notebook") is None
    nb = nbformat.read(tmp_path / "10_x.ipynb", as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(b"not a png").decode()})]
    nbformat.write(nb, tmp_path / "10_x.ipynb")
    assert brief.write_thumbnail(tmp_path, "10_x") is None, "an unreadable image costs the thumbnail, not the build"
    assert not list(tmp_path.glob("*.thumb.png"))


# --- differences from the base run ------------------------------------------------------------------

@pytest.mark.parametrize("value, base, expected", [
    ("258,490 t magnet", "211,316 t magnet", "+47,174 t"),  # 258,490 - 211,316 = 47,174
    ("167,096 t magnet", "211,316 t magnet", "-44,220 t"),  # 167,096 - 211,316 = -44,220
    ("13.2% per year", "8.7% per year", "+4.5 pp"),  # percentages differ in percentage points
    ("218,350-296,865 t", "181,620-249,124 t", "+36,730 to +47,741 t"),  # both ends of a range
    ("3,500.0 t magnet", "17.5 t magnet", "+3,482.5 t"),
    ("64,622 t needed vs 18,364 t recycled (28%)", "52,829 t needed vs 18,233 t recycled (35%)", "+11,793 t"),
    ("17.5 t magnet", "17.5 t magnet", "same"),
    ("high", "base", "–"),  # not numbers
    ("2025-05: -77%", "2025-06: -70%", "–"),  # a month is not a number
    ("12 kg", "12 t", "–"),  # different units
])
def test_difference_from_base(value, base, expected):
    assert brief.difference(value, base) == expected


# --- the page --------------------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path):
    """Two notebooks: 10_alpha alone, 20_beta with a base run and two scenarios; answers, key charts, data month."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for stem, title in (("10_alpha", "# Alpha: how much?\n\nAlpha's *intro* [link](x.md)."), ("20_beta", "# Beta: will it cover?\n\nBeta intro.")):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(title)]), nbs / f"{stem}.ipynb")
    out = tmp_path / "reports"
    out.mkdir()
    figures = {"first figure (t)": "1,000 t", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth, not shown": "6"}
    _results(out, "10_alpha", answer="Alpha lost about 1,000 t.", key_chart="main", data_as_of="2026-03", key_figures=figures)
    _executed(out, "10_alpha", [("other", RED), ("main", BLUE)])
    runs = [Run(nbs / "10_alpha.ipynb")]
    for scenario, demand in (("base", "200,000 t magnet"), ("high", "250,000 t magnet"), ("low", "150,500 t magnet")):
        run = Run(nbs / "20_beta.ipynb", scenario)
        _results(out, run.name, data_as_of="2026-02",  # no answer, no key chart yet
                 key_figures={"scenario": scenario, "demand 2030": demand, "quota 2025": "54,000 t oxide"})
        runs.append(run)
    for run in runs:
        brief.write_thumbnail(out, run.name)
        (out / f"{run.name}.html").write_text("<p>the report</p>", encoding="utf-8")
    brief.write_index(out, runs, commit="0123456789abcdef")
    return out, runs


class _Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.classes, self.hrefs, self.srcs, self.stack, self.text = [], [], [], [], {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes += (attrs.get("class") or "").split()
        if tag == "a":
            self.hrefs.append(attrs.get("href"))
        if tag == "img":
            self.srcs.append(attrs.get("src"))


def test_the_brief_gives_each_question_its_answer_figures_thumbnail_and_month(site):
    out, _ = site
    page = (out / "index.html").read_text(encoding="utf-8")
    parsed = _Page(page)
    assert parsed.classes.count("answer") == 2, "one answer per question"
    assert "Alpha lost about 1,000 t." in page
    assert "Alpha's intro link." not in page and "Beta intro." in page, "no answer yet: the notebook's introduction, as plain text"
    alpha = page[page.index('id="10_alpha"'):page.index('id="20_beta"')]
    shown = re.findall(r'<span class="label">([^<]*)</span>', alpha)
    assert shown == ["first figure (t)", "second", "third", "fourth", "fifth"], "the first five, in the notebook's order"
    assert "Data to <b>2026-03</b>" in alpha and "Data to <b>2026-02</b>" in page
    assert "10_alpha.thumb.png" in parsed.srcs and _colour_of(out / "10_alpha.thumb.png") == BLUE
    assert {"10_alpha.html", "10_alpha.results.json", "20_beta__base.html", "20_beta__high.results.json"} <= set(parsed.hrefs)
    assert all((out / urllib.parse.unquote(h)).exists() for h in parsed.hrefs if not h.startswith("#")), \
        "every link points at a file next to the brief"


def test_one_comparison_table_per_scenario_family(site):
    out, _ = site
    page = (out / "index.html").read_text(encoding="utf-8")
    assert page.count('<table class="compare">') == 1, "only 20_beta has scenarios"
    table = page[page.index('<table class="compare">'):page.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>', table)
    assert rows == ["base", "high", "low"], "one row per scenario, base first"
    # differences computed by hand: 250,000 - 200,000 = +50,000; 150,500 - 200,000 = -49,500
    assert "+50,000 t vs base" in table and "-49,500 t vs base" in table
    header = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert header == ["scenario", "demand 2030", "links"], "a figure equal in every scenario, or repeating its name, is no column"
    assert "Same in every scenario: quota 2025 54,000 t oxide." in page
    assert page.count('class="card"') == 2, "one card per question, not one per scenario"


def test_every_string_in_the_brief_is_escaped(tmp_path):
    nb = tmp_path / f"10_{'x'}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# T {HOSTILE}\n\n{HOSTILE}")]), nb)
    runs = [Run(nb), Run(nb, "hostile")]
    for run in runs:
        _results(tmp_path, run.name, answer=HOSTILE, key_chart=HOSTILE, data_as_of=HOSTILE,
                 key_figures={HOSTILE: HOSTILE, "n": f"{len(run.name)} t"})
        _executed(tmp_path, run.name, [("main", RED)])
        brief.write_thumbnail(tmp_path, run.name)
    brief.write_index(tmp_path, runs, commit=HOSTILE, change={
        "since": {"built_at": HOSTILE, "git_commit": HOSTILE}, "data_files": [HOSTILE], "code_files": [],
        "new_runs": [], "dropped_runs": [HOSTILE], "runs": [{"run": runs[1].name, "moved": [(HOSTILE, HOSTILE, HOSTILE)],
                                                             "parameters": [HOSTILE], "notebook": False}]}, with_changes=True)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert live_markup(page) == []
    assert page.count("hostile_mark4") >= 8, "the hostile text is shown, escaped"


# --- changed since the last published build --------------------------------------------------------

def _manifest(runs: dict, data: str = "d1", code: str = "c1") -> dict:
    return {"built_at": "2026-11-01T10:00:00+00:00", "git_commit": "abc123",
            "input_checksums": {"data/prices.csv": data, "data/exports.csv": "same", "analysis/demand.py": code},
            "runs": [{"run": name, "parameters": p, "notebook_sha256": "nb"} for name, p in runs.items()]}


def test_changes_name_the_moved_figures_and_their_cause(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    _results(old, "10_alpha", key_figures={"loss (t)": "9,029 t", "recovery": "2025-07"})
    _results(new, "10_alpha", key_figures={"loss (t)": "9,500 t", "recovery": "2025-07"})
    _results(old, "20_beta__high", key_figures={"demand": "250,000 t"})
    _results(new, "20_beta__high", key_figures={"demand": "260,000 t", "new figure": "1"})
    _results(new, "30_new", key_figures={})
    previous = _manifest({"10_alpha": {}, "20_beta__high": {"x": 7}, "40_gone": {}})
    current = _manifest({"10_alpha": {}, "20_beta__high": {"x": 8}, "30_new": {}}, data="d2")
    change = brief.changes(previous, old, current, new)
    assert change["data_files"] == ["prices.csv"] and change["code_files"] == []
    assert change["new_runs"] == ["30_new"] and change["dropped_runs"] == ["40_gone"]
    by_run = {r["run"]: r for r in change["runs"]}
    assert by_run["10_alpha"]["moved"] == [("loss (t)", "9,029 t", "9,500 t")] and by_run["10_alpha"]["parameters"] == []
    assert by_run["20_beta__high"]["parameters"] == ["x"]
    assert ("new figure", "–", "1") in by_run["20_beta__high"]["moved"]
    section = brief.changes_html(change, {"10_alpha": "Alpha"})
    assert "9,029 t → <b>9,500 t</b>" in section and "parameters changed (x)" in section
    assert "Data files (data/) changed: <code>prices.csv</code>" in section and "No longer built: 40_gone" in section
    assert "3 key figures moved in 2 reports" in brief.changes_summary(change)

    # a scenario's YAML mapping with int keys, as the build has it and as the manifest (JSON) gives it back
    previous["runs"][1]["parameters"] = {"x": 8, "robots": {"2026": 5000}}
    current["runs"][1]["parameters"] = {"x": 8, "robots": {2026: 5000}}
    assert "20_beta__high" not in {r["run"]: r for r in brief.changes(previous, old, current, old)["runs"]}

    unchanged = brief.changes(current, new, current, new)
    assert unchanged["runs"] == [] and unchanged["data_files"] == []
    assert "No key figure moved." in brief.changes_html(unchanged, {})
    assert brief.changes({}, old, current, new) is None, "no earlier build: nothing to compare"
    assert "No earlier build" in brief.changes_html(None, {})


# --- report pages: contents and footer ---------------------------------------------------------------

PAGE = """<html><head><title>t</title></head><body><main>
<div class="jp-Cell jp-MarkdownCell" id="cell-id=cell-0"><h1 id="The-title">The title<a class="anchor-link" href="#The-title">¶</a></h1><p>intro</p></div>
<div class="jp-Cell jp-MarkdownCell" id="cell-id=cell-1"><h2 id="25%-of-it:-the-&quot;answer&quot;">25% of it: the "answer"<a class="anchor-link" href="#x">¶</a></h2></div>
<div class="jp-Cell jp-MarkdownCell" id="cell-id=cell-2"><h3 id="A-detail">A <code>detail</code></h3><h2 id="Caveats">Caveats</h2></div>
</main></body></html>"""


class _Anchors(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.ids, self.toc, self.in_toc, self.links = set(), [], False, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "nav":
            self.in_toc = True
        if tag == "a":
            (self.toc if self.in_toc else self.links).append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_toc = False


def test_report_pages_get_contents_whose_anchors_resolve_and_a_results_link():
    page = render.finish_page(PAGE, "10_x.results.json")
    anchors = _Anchors(page)
    assert len(anchors.toc) == 3
    for href in anchors.toc:  # a browser looks the fragment up percent-decoded
        assert href.startswith("#") and urllib.parse.unquote(href[1:]) in anchors.ids
    nav = page[page.index("<nav"):page.index("</nav>")]
    assert re.search(r"<li><a [^>]*>25% of it[^<]*</a><ol><li><a [^>]*>A detail</a></li></ol></li>", nav), "h3 nested in its h2's item"
    assert nav.index("25% of it") < nav.index("A detail") < nav.index("Caveats") and "¶" not in nav
    assert page.index("<nav") > page.index("intro") and page.index("<nav") < page.index('id="cell-id=cell-1"'), \
        "the contents follow the title and introduction"
    assert "10_x.results.json" in anchors.links and "index.html" in anchors.links
    assert page.index("10_x.results.json") > page.index('id="Caveats"'), "the results link ends the report"
    assert "width:100%" in page[page.index("<style>"):page.index("</head>")], "charts span the text column"
    assert "results.json" not in render.finish_page(PAGE, None), "no results file, no link"


def test_pdf_is_skipped_with_one_line_when_there_is_no_chromium(tmp_path, monkeypatch):
    monkeypatch.setattr(brief, "chromium", lambda: None)
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    message = brief.print_pdf(tmp_path / "index.html", tmp_path / "brief.pdf")
    assert "skipped" in message and "\n" not in message
    assert not (tmp_path / "brief.pdf").exists()


def test_a_report_page_opens_with_its_answer_and_headline_figures_escaped():
    results = {"answer": "Exports fell <b>9,000 t</b> & recovered.", "data_as_of": "2026-03",
               "key_figures": {f"figure {i} <i>" : f"{i} t" for i in range(7)}}
    glance = brief.glance_html(results)
    assert "Exports fell &lt;b&gt;9,000 t&lt;/b&gt; &amp; recovered." in glance and "<b>9,000" not in glance
    assert glance.count("<li>") == brief.HEADLINE_MAX and "figure 4 &lt;i&gt;" in glance and "figure 5" not in glance
    assert "2026-03" in glance
    page = render.finish_page(PAGE, "10_x.results.json", glance)
    assert page.index("intro") < page.index("At a glance") < page.index("<nav"), "after the introduction, before the contents"
    assert brief.glance_html({}) == "" and brief.glance_html({"answer": " ", "key_figures": {}}) == ""
