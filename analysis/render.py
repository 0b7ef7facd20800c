"""Turn executed notebooks into the published HTML: reports without code, and the index page.

Everything shown is escaped. Two layers make sure no text from data, a file name or a parameter
reaches a page as markup:

1. the tables the notebooks show escape every cell (:mod:`analysis.tables`; pandas' own
   ``DataFrame`` display escapes too), and the index escapes every string it writes;
2. every report passes through nbconvert's ``SanitizeHTML`` preprocessor (bleach) with an
   allow-list of presentational tags: a ``<script>``, an ``<img onerror=...>``, a ``<style>`` or a
   ``javascript:`` link that slipped through layer 1 is shown as text or dropped, never run.

Pages are byte-identical for identical inputs: cell ids are renumbered (papermill gives its
injected-parameters cell a random one).
"""
from __future__ import annotations

import copy
import functools
import html
import re
import urllib.parse
from pathlib import Path

# Tags a report may contain in HTML and Markdown outputs (charts arrive as image/png, not HTML).
ALLOWED_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details",
                "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q",
                "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
                "thead", "tr", "u", "ul"]
ALLOWED_ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href", "title", "download"], "abbr": ["title"],
                      "td": ["colspan", "rowspan", "style"], "th": ["colspan", "rowspan", "scope", "style"],
                      "ol": ["start"]}
ALLOWED_STYLES = ["text-align", "white-space"]  # in style attributes of table cells (analysis.tables)


@functools.cache
def _sanitizer():
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    return SanitizeHTML(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, styles=ALLOWED_STYLES, strip=False, strip_comments=True)


@functools.cache
def _html_exporter():
    """One exporter per process: building one compiles its templates (~0.2 s)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def _strip_noise(nb) -> None:
    """Drop stderr streams (warnings, progress bars) from the rendered report."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


def _markdown_outputs_to_html(nb) -> None:
    """Turn Markdown outputs into HTML before sanitising: a ``[link](javascript:...)`` is only a link,
    and only cleanable, once it is HTML."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {})
            if "text/markdown" in data:
                data["text/html"] = markdown2html_mistune(data.pop("text/markdown"))


def render_html(executed, out_html: Path) -> None:
    """Render an executed notebook (a path, or the notebook itself) to sanitised HTML without code cells or
    prompts, with a table of contents and, when the run wrote one, a link to its results file at the end."""
    import nbformat

    nb = nbformat.read(executed, as_version=4) if isinstance(executed, (str, Path)) else copy.deepcopy(executed)
    _strip_noise(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # papermill's injected cell has a random id: pages must not differ by it
    _markdown_outputs_to_html(nb)
    nb, _ = _sanitizer().preprocess(nb, {})
    title = str(nb.metadata.get("title", Path(out_html).stem))
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": html.escape(title)}})
    from analysis import brief

    results = Path(out_html).with_name(f"{Path(out_html).stem}.results.json")
    present = results.exists()
    glance = brief.glance_html(brief.read_results(results.parent, Path(out_html).stem)) if present else ""
    body = finish_page(body, results.name if present else None, glance)
    Path(out_html).write_text(body, encoding="utf-8")


# The page's own additions, after nbconvert: a table of contents, charts at the text column's width, a footer.
REPORT_STYLE = """<style>
main{max-width:72rem;margin:0 auto}
.jp-RenderedImage img,.jp-OutputArea-output img{width:100%;max-width:100%;height:auto}
nav.toc,footer.report-end{font-family:var(--jp-content-font-family,system-ui,sans-serif);font-size:var(--jp-content-font-size1,14px);line-height:1.5}
nav.toc{border:1px solid #ddd;background:#fafafa;padding:.4rem 1rem;margin:.5rem 0 1rem var(--jp-cell-padding,5px)}
nav.toc h2{font-size:1.05em;margin:.2rem 0;font-weight:600} nav.toc ol{margin:.1rem 0;padding-left:1.6rem} nav.toc ol ol{margin:0;padding-left:1.2rem;list-style:lower-alpha}
nav.toc a,footer.report-end a{color:#0550ae;text-decoration:underline}
.chart-data{font-size:.9rem;margin:.1rem 0 .3rem} .chart-note{font-size:.85rem;color:#555;margin:0 0 1rem} footer.report-end{border-top:1px solid #ccc;margin:2rem 0 1rem var(--jp-cell-padding,5px);padding:.5rem 0}
section.glance{border-left:4px solid #0550ae;background:#f3f6fb;padding:.5rem 1rem;margin:.5rem 0 1rem var(--jp-cell-padding,5px);font-family:var(--jp-content-font-family,system-ui,sans-serif);line-height:1.5}
section.glance h2{font-size:1.05em;margin:.1rem 0 .3rem;font-weight:600} section.glance .answer{font-size:1.05rem;margin:.2rem 0 .4rem}
section.glance ul.figures{margin:.2rem 0;padding-left:1.3rem} section.glance .meta{font-size:.85rem;color:#555;margin:.3rem 0 0}
@media print{nav.toc,section.glance{break-inside:avoid}}
</style>"""
_HEADING = re.compile(r'<h([23]) id="([^"]*)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def headings(body: str) -> list[tuple[int, str, str]]:
    """``(level, id, text)`` of every h2 and h3 that nbconvert gave an id, in page order (inside ``<main>``)."""
    start = body.find("<main")
    found = []
    for m in _HEADING.finditer(body, max(start, 0)):
        text = html.unescape(_TAG.sub("", m.group(3))).replace("\u00b6", "").strip()
        if text:
            found.append((int(m.group(1)), html.unescape(m.group(2)), text))
    return found


def toc_html(found: list[tuple[int, str, str]]) -> str:
    """An escaped table of contents, h3 entries nested under the h2 before them; each link is ``#``
    plus the heading's URL-quoted id."""
    entries: list[tuple[str, list[str]]] = []
    for level, anchor, text in found:
        href = html.escape("#" + urllib.parse.quote(anchor, safe="-_.~!$&'()*+,;=:@/?"), quote=True)
        entry = f'<a href="{href}">{html.escape(text)}</a>'
        if level == 3 and entries:
            entries[-1][1].append(entry)
        else:
            entries.append((entry, []))
    if not entries:
        return ""
    items = "".join(f"<li>{entry}" + (f"<ol>{''.join(f'<li>{k}</li>' for k in kids)}</ol>" if kids else "") + "</li>"
                    for entry, kids in entries)
    return f'<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>'


def finish_page(body: str, results_name: str | None, glance: str = "") -> str:
    """Add, after the cell with the title (and introduction), the answer at a glance
    (:func:`analysis.brief.glance_html`, already escaped) and the table of contents; the house style
    for charts; and a footer linking the results file and the brief. Adds only escaped text."""
    body = body.replace("</head>", REPORT_STYLE + "\n</head>", 1)
    toc = glance + toc_html(headings(body))
    title = body.find("<h1", max(body.find("<main"), 0))
    second = body.find('<div class="jp-Cell ', title) if title >= 0 else -1
    if toc and second >= 0:
        body = body[:second] + toc + "\n" + body[second:]
    elif toc:
        body = body.replace("<main>", "<main>" + toc, 1)
    links = ([f'<a href="{link(results_name)}" download>This report\'s key figures and results (JSON)</a>']
             if results_name else []) + ['<a href="index.html">All reports: the brief</a>']
    footer = f'<footer class="report-end"><p>{" · ".join(links)}</p></footer>'
    return body.replace("</main>", footer + "</main>", 1) if "</main>" in body else body.replace("</body>", footer + "</body>", 1)


def notebook_summary(notebook: Path) -> tuple[str, str]:
    """Title and first paragraph of a notebook's opening markdown cell."""
    from analysis.params import notebook_cells

    for cell in notebook_cells(Path(notebook).read_text(encoding="utf-8")):
        if cell.get("cell_type") == "markdown":
            lines = cell["source"].splitlines()
            title = next((line.lstrip("# ").strip() for line in lines if line.startswith("#")), notebook.stem)
            paras = [p.strip() for p in "\n".join(line for line in lines if not line.startswith("#")).split("\n\n") if p.strip()]
            return title, (paras[0] if paras else "")
    return notebook.stem, ""


def link(name: str) -> str:
    """An escaped, URL-quoted relative link to a published file."""
    return html.escape(urllib.parse.quote(name), quote=True)


def write_index(build_dir: Path, runs, commit: str, change: dict | None = None, with_changes: bool = False) -> None:
    """The landing page, a brief of every report (:func:`analysis.brief.write_index`), every string escaped."""
    from analysis import brief

    brief.write_index(build_dir, runs, commit, change=change, with_changes=with_changes)
