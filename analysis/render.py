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
import json
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
    """Render an executed notebook (a path, or the notebook itself) to sanitised HTML without code cells or prompts."""
    import nbformat

    nb = nbformat.read(executed, as_version=4) if isinstance(executed, (str, Path)) else copy.deepcopy(executed)
    _strip_noise(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # papermill's injected cell has a random id: pages must not differ by it
    _markdown_outputs_to_html(nb)
    nb, _ = _sanitizer().preprocess(nb, {})
    title = str(nb.metadata.get("title", Path(out_html).stem))
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": html.escape(title)}})
    Path(out_html).write_text(body, encoding="utf-8")


def notebook_summary(notebook: Path) -> tuple[str, str]:
    """Title and first paragraph of a notebook's opening markdown cell."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            title = next((line.lstrip("# ").strip() for line in lines if line.startswith("#")), notebook.stem)
            paras = [p.strip() for p in "\n".join(line for line in lines if not line.startswith("#")).split("\n\n") if p.strip()]
            return title, (paras[0] if paras else "")
    return notebook.stem, ""


def link(name: str) -> str:
    """An escaped, URL-quoted relative link to a published file."""
    return html.escape(urllib.parse.quote(name), quote=True)


def write_index(build_dir: Path, runs, commit: str) -> None:
    """The landing page: one card per report with its summary and key figures, every string escaped."""
    cards = []
    for run in runs:
        title, summary = notebook_summary(run.notebook)
        results_file = Path(build_dir) / f"{run.name}.results.json"
        figures, as_of = "", ""
        if results_file.exists():
            results = json.loads(results_file.read_text(encoding="utf-8"))
            key = results.get("key_figures", {})
            items = "".join(f"<li>{html.escape(str(k))}: <b>{html.escape(str(v))}</b></li>" for k, v in key.items())
            figures = f"<ul>{items}</ul>" if items else ""
            if results.get("data_as_of"):
                as_of = f' <small>(data to {html.escape(str(results["data_as_of"]))})</small>'

        scenario = "" if run.scenario == "default" else f" <small>(scenario: {html.escape(run.scenario)})</small>"
        cards.append(f'<section><h2><a href="{link(run.name + ".html")}">{html.escape(title)}</a>{scenario}{as_of}</h2>'
                     f"<p>{html.escape(summary)}</p>{figures}</section>")
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Nd / NdFeB market reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
section{{border-top:1px solid #ccc;padding:.5rem 0}} small{{color:#666}}</style></head><body>
<h1>Nd / NdFeB market reports</h1>
<p>Reproducible, parameterised analyses of the neodymium and NdFeB magnet market. Every figure names its
source; see each report's notes. Built from commit <code>{html.escape(commit[:12])}</code>.</p>
{''.join(cards)}
</body></html>
"""
    (Path(build_dir) / "index.html").write_text(page, encoding="utf-8")
