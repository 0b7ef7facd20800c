"""The index page as a brief, its thumbnails, what changed since the last build, and its PDF.

For each question (notebook) the brief gives the one-sentence ``answer`` of its results file (or,
until the notebook writes one, the first paragraph of its introduction), its first
:data:`HEADLINE_MAX` key figures in the notebook's order, a thumbnail of its ``key_chart`` (or of
its first chart) and the month its data runs to. A notebook with scenario runs gets one comparison
table: a row per scenario with its key figures and their difference from the base run.

"Changed since the last published build" compares the new results files with the ones still in
``reports/`` (read before the new build is swapped in) and names the cause from the two manifests:
data files, notebook parameters, the notebook itself or the ``analysis`` package.

Every string written into the page goes through :func:`html.escape` (links through
:func:`analysis.render.link`): text from data, a parameter or a file name never reaches the page as
markup. ``reports/brief.pdf`` is the same page printed by headless Chromium, where it is installed.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

HEADLINE_MAX = 5  # key figures shown per report (the notebook puts its headline figures first)
COMPARE_MAX = 5  # key-figure columns in a scenario comparison table
THUMB_SUFFIX = ".thumb.png"
THUMB_WIDTH = 320  # px
PDF_NAME = "brief.pdf"
CHROMIUM_ENV = "CHROMIUM_PATH"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
BASE_SCENARIOS = ("default", "base")  # the run a family's other scenarios are compared with, in order
_HREF = re.compile(r'href="([^"]*)"')
_NUMBER = re.compile(r"^\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_RANGE = re.compile(r"^\s*(?:-|–|to)\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d:-])")
_DATE = re.compile(r"^\s*\d{4}-\d{2}")
_NOT_UNITS = {"of", "to", "and", "or", "in", "vs", "per", "from", "(", "/", "->", "→"}


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def read_results(folder: Path, run_name: str) -> dict:
    """A run's results file, or ``{}`` when it is missing or damaged."""
    path = Path(folder) / f"{run_name}.results.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return results if isinstance(results, dict) else {}


def answer_of(results: dict) -> str | None:
    """A run's one-sentence answer, or None when its results file has none (or only blanks)."""
    answer = results.get("answer")
    return answer if isinstance(answer, str) and answer.strip() else None


def key_figures(results: dict) -> dict:
    figures = results.get("key_figures")
    return {str(k): v for k, v in figures.items()} if isinstance(figures, dict) else {}


# --- the key chart and its thumbnail ---------------------------------------------------------------

def key_chart_png(notebook: dict, run_name: str, key_chart: str | None) -> bytes | None:
    """The PNG of the chart named ``key_chart`` in an executed notebook, else its first image.

    A chart is displayed as its ``image/png`` followed by a ``<p class="chart-data">`` link to
    ``<run>.<chart>.csv`` (:class:`analysis.charts.Chart`): the key chart is the last image before
    the link to its CSV.
    """
    wanted = f"{run_name}.{key_chart}.csv" if key_chart else None
    first = last = None
    for cell in notebook.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {})
            if "image/png" in data:
                png = data["image/png"]
                last = "".join(png) if isinstance(png, list) else png
                first = first or last
            page = data.get("text/html", "")
            page = "".join(page) if isinstance(page, list) else page
            if wanted and last and 'class="chart-data"' in page and \
                    any(html.unescape(h) == wanted for h in _HREF.findall(page)):
                return base64.b64decode(last)
    return base64.b64decode(first) if first else None


def write_thumbnail(folder: Path, run_name: str) -> Path | None:
    """Write ``<run>.thumb.png``, a small copy of the run's key chart; None when it has no chart."""
    from PIL import Image

    folder = Path(folder)
    try:
        notebook = json.loads((folder / f"{run_name}.ipynb").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key_chart = read_results(folder, run_name).get("key_chart")
    png = key_chart_png(notebook, run_name, key_chart if isinstance(key_chart, str) else None)
    if png is None:
        return None
    try:
        image = Image.open(io.BytesIO(png)).convert("RGB")
    except (OSError, ValueError):  # not an image PIL can read: the brief shows "no chart", the report is fine
        return None
    image.thumbnail((THUMB_WIDTH, THUMB_WIDTH * 2), Image.LANCZOS)
    out = folder / f"{run_name}{THUMB_SUFFIX}"
    image.save(out, format="PNG", optimize=True)  # no timestamp: identical charts give identical files
    return out


# --- differences between key figures ---------------------------------------------------------------

def _parse(text: str, match: re.Match) -> tuple[float, int]:
    sign, whole, frac = match.groups()
    value = float(whole.replace(",", "") + (frac or ""))
    return (-value if sign == "-" else value), len(frac or ".") - 1


def parse_figure(value) -> tuple[list[float], int, str] | None:
    """``"211,316 t magnet"`` -> ``([211316.0], 0, "t")``; a range ``"5,840 to 9,975 t"`` gives both
    ends. Returns (numbers, decimals, the first word of the unit) or None when it does not start
    with a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return ([float(value)], 0 if float(value).is_integer() else 2, "") if value == value else None
    text = str(value)
    m = _NUMBER.match(text)
    if not m or _DATE.match(text):
        return None
    first, decimals = _parse(text, m)
    numbers, rest = [first], text[m.end():]
    r = _RANGE.match(rest)
    if r:
        second, d2 = _parse(rest, r)
        numbers, decimals, rest = [first, second], max(decimals, d2), rest[r.end():]
    rest = rest.strip()
    word = rest.split()[0].rstrip(";,.:)") if rest else ""
    unit = "%" if rest.startswith("%") else ("" if word.lower() in _NOT_UNITS or not re.match(r"[A-Za-z]", word) else word)
    return numbers, decimals, unit


def difference(value, base) -> str:
    """``value`` minus ``base`` as text with its unit (``+47,174 t``, ``+4.5 pp``), ``same`` when they
    are equal, ``–`` when the two cannot be compared."""
    if str(value) == str(base):
        return "same"
    a, b = parse_figure(value), parse_figure(base)
    if a is None or b is None or a[2] != b[2] or len(a[0]) != len(b[0]):
        return "–"
    decimals = max(a[1], b[1])
    unit = {"%": " pp", "": ""}.get(a[2], f" {a[2]}")
    parts = [f"{x - y:+,.{decimals}f}" for x, y in zip(a[0], b[0])]
    return " to ".join(parts) + unit


# --- changed since the last published build --------------------------------------------------------

def _changed_files(old: dict, new: dict, prefix: str) -> list[str]:
    names = {k for k in set(old) | set(new) if k.startswith(prefix)}
    return sorted(k[len(prefix):] for k in names if old.get(k) != new.get(k))


def _changed_parameters(old: dict, new: dict) -> list[str]:
    """Names of the parameters that differ, compared as the manifest stores them (JSON: a YAML
    mapping's int keys, ``{2026: 5000}``, come back as text)."""
    old, new = (json.loads(json.dumps(p or {}, default=str)) for p in (old, new))
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def changes(previous: dict, previous_dir: Path, manifest: dict, build_dir: Path) -> dict | None:
    """What moved since the last published build, and why; None when there was no earlier build.

    ``previous``: the last published manifest (``{}`` if none), ``previous_dir`` its folder, whose
    results files are still the published ones; ``manifest`` and ``build_dir``: the new build.
    """
    if not previous.get("runs"):
        return None
    old_in, new_in = previous.get("input_checksums", {}), manifest.get("input_checksums", {})
    old_runs = {r["run"]: r for r in previous.get("runs", [])}
    new_runs = {r["run"]: r for r in manifest.get("runs", [])}
    runs = []
    for name, run in new_runs.items():
        if name not in old_runs:
            continue
        old_kf = key_figures(read_results(previous_dir, name))
        new_kf = key_figures(read_results(build_dir, name))
        moved = [(k, old_kf.get(k, "–"), new_kf.get(k, "–")) for k in list(new_kf) + [k for k in old_kf if k not in new_kf]
                 if str(old_kf.get(k)) != str(new_kf.get(k))]
        params = _changed_parameters(old_runs[name].get("parameters"), run.get("parameters"))
        notebook = bool(old_runs[name].get("notebook_sha256")) and old_runs[name].get("notebook_sha256") != run.get("notebook_sha256")
        if moved or params or notebook:
            runs.append({"run": name, "moved": moved, "parameters": params, "notebook": notebook})
    return {"since": {k: previous.get(k) for k in ("built_at", "git_commit")},
            "data_files": _changed_files(old_in, new_in, "data/"),
            "code_files": _changed_files(old_in, new_in, "analysis/"),
            "new_runs": sorted(set(new_runs) - set(old_runs)), "dropped_runs": sorted(set(old_runs) - set(new_runs)),
            "runs": runs}


def _cause(run: dict, change: dict) -> str:
    causes = []
    if run["parameters"]:
        causes.append("parameters changed (" + ", ".join(run["parameters"]) + ")")
    if run["notebook"]:
        causes.append("the notebook changed")
    if change["data_files"]:
        causes.append("data files changed")
    if change["code_files"]:
        causes.append("analysis code changed")
    return "; ".join(causes) or "no recorded input changed"


def _files_line(label: str, files: list[str], limit: int = 8) -> str:
    if not files:
        return f"<li>{esc(label)}: unchanged.</li>"
    shown = ", ".join(f"<code>{esc(f)}</code>" for f in files[:limit])
    more = f" and {len(files) - limit} more" if len(files) > limit else ""
    return f"<li>{esc(label)} changed: {shown}{more}.</li>"


def changes_html(change: dict | None, titles: dict[str, str]) -> str:
    """The "Changed since the last published build" section."""
    if change is None:
        return ('<section class="changes"><h2 id="changes">Changed since the last published build</h2>'
                "<p>No earlier build to compare with (none was published here, or its manifest could not be read).</p></section>")
    since = change["since"]
    when = esc(str(since.get("built_at") or "an unknown time").replace("T", " ").replace("+00:00", " UTC"))
    commit = esc(str(since.get("git_commit") or "unknown")[:12])
    items = [_files_line("Data files (data/)", change["data_files"]),
             _files_line("Analysis code (analysis/)", change["code_files"])]
    items += [f'<li>New report: <a href="{_link(n + ".html")}">{esc(titles.get(n, n))}</a>.</li>' for n in change["new_runs"]]
    items += [f"<li>No longer built: {esc(n)}.</li>" for n in change["dropped_runs"]]
    for run in change["runs"]:
        moved = "".join(f"<li>{esc(k)}: {esc(old)} → <b>{esc(new)}</b></li>" for k, old, new in run["moved"])
        what = f"<ul>{moved}</ul>" if moved else " no key figure moved."
        items.append(f'<li><a href="{_link(run["run"] + ".html")}">{esc(titles.get(run["run"], run["run"]))}</a> '
                     f"<small>({esc(_cause(run, change))})</small>:{what}</li>")
    if not change["runs"]:
        items.append("<li>No key figure moved.</li>")
    return (f'<section class="changes"><h2 id="changes">Changed since the last published build</h2>'
            f"<p>Compared with the build of {when} (commit <code>{commit}</code>).</p><ul>{''.join(items)}</ul></section>")


def changes_summary(change: dict | None) -> str:
    """One line for the top of the brief, linking to the section."""
    if change is None:
        return ""
    moved = sum(len(r["moved"]) for r in change["runs"])
    reports = sum(1 for r in change["runs"] if r["moved"])
    parts = [f"data files {'changed (' + str(len(change['data_files'])) + ')' if change['data_files'] else 'unchanged'}",
             f"analysis code {'changed' if change['code_files'] else 'unchanged'}",
             f"{moved} key figure{'s' if moved != 1 else ''} moved in {reports} report{'s' if reports != 1 else ''}"]
    when = str(change["since"].get("built_at") or "?").replace("T", " ").replace("+00:00", " UTC")
    return (f'<p class="since">Since the last published build ({esc(when)}): {esc("; ".join(parts))}. '
            f'<a href="#changes">What changed</a></p>')


def _link(name: str) -> str:
    from analysis.render import link

    return link(name)


# --- the page --------------------------------------------------------------------------------------

def _plain(markdown: str) -> str:
    """A Markdown paragraph as plain text: links, emphasis and code marks dropped (escaped later)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"\s+", " ", re.sub(r"(\*\*|__|\*|`)", "", text)).strip()


def families(runs) -> list[list]:
    """Runs grouped by notebook, in notebook order; the base run first in each group."""
    groups: dict[str, list] = {}
    for run in sorted(runs, key=lambda r: r.name):
        groups.setdefault(run.notebook.stem, []).append(run)
    ordered = []
    for stem in sorted(groups):
        group = groups[stem]
        base = next((r for s in BASE_SCENARIOS for r in group if r.scenario == s), group[0])
        ordered.append([base] + [r for r in group if r is not base])
    return ordered


def scenario_label(run) -> str:
    return "defaults" if run.scenario == "default" else run.scenario


def _figures_html(figures: dict) -> str:
    items = "".join(f'<li><span class="label">{esc(k)}</span> <b>{esc(v)}</b></li>'
                    for k, v in list(figures.items())[:HEADLINE_MAX])
    return f'<ul class="figures">{items}</ul>' if items else ""


def glance_html(results: dict) -> str:
    """The top of a report page: its answer and headline figures, as on the brief's card ('' when the
    run wrote neither). Every string escaped."""
    answer, figures = answer_of(results), _figures_html(key_figures(results))
    if not (answer or figures):
        return ""
    as_of = results.get("data_as_of")
    meta = f'<p class="meta">Data to <b>{esc(as_of)}</b>; every figure is derived, with its sources, below.</p>' if as_of else ""
    answer_html = f'<p class="answer">{esc(answer)}</p>' if answer else ""
    return f'<section class="glance"><h2>At a glance</h2>{answer_html}{figures}{meta}</section>'


def _thumb_html(build_dir: Path, run, results: dict) -> str:
    thumb = Path(build_dir) / f"{run.name}{THUMB_SUFFIX}"
    if not thumb.exists():
        return '<div class="thumb none">no chart</div>'
    from PIL import Image

    with Image.open(thumb) as image:
        width, height = image.size
    chart = results.get("key_chart") if isinstance(results.get("key_chart"), str) else "first chart"
    return (f'<a class="thumb" href="{_link(run.name + ".html")}"><img src="{_link(thumb.name)}" width="{width}" '
            f'height="{height}" alt="{esc("Key chart of the report: " + chart)}"></a>')


def card_html(build_dir: Path, family: list, summary: tuple[str, str]) -> str:
    """One question: answer, headline figures, key-chart thumbnail, data month, links."""
    base = family[0]
    results = read_results(build_dir, base.name)
    title, intro = summary
    answer = answer_of(results)
    answer_html = (f'<p class="answer">{esc(answer)}</p>' if answer
                   else f'<p class="answer from-intro">{esc(_plain(intro))}</p>')
    as_of = results.get("data_as_of")
    meta = [f"Data to <b>{esc(as_of)}</b>" if as_of else "Data month not recorded",
            f'<a href="{_link(base.name + ".html")}">full report</a>',
            f'<a href="{_link(base.name + ".results.json")}" download>key figures (JSON)</a>']
    if len(family) > 1:
        meta.insert(1, f"scenario shown: {esc(scenario_label(base))}")
    table = compare_html(build_dir, family, title) if len(family) > 1 else ""
    return (f'<section class="report" id="{esc(base.notebook.stem)}"><div class="card">{_thumb_html(build_dir, base, results)}'
            f'<div class="text"><h2><a href="{_link(base.name + ".html")}">{esc(title)}</a></h2>{answer_html}'
            f'{_figures_html(key_figures(results))}<p class="meta">{" · ".join(meta)}</p></div></div>{table}</section>')


def _compare_columns(family: list, all_figures: list[dict]) -> tuple[list[str], list[str]]:
    """Key figures that differ between the scenarios (headline ones first) and those that do not.
    A figure that only repeats each scenario's name (``scenario: high``) is left out."""
    base = all_figures[0]
    labels = list(dict.fromkeys(k for figures in all_figures for k in figures))
    echoes = {k for k in labels if all(str(f.get(k)) == r.scenario for r, f in zip(family[1:], all_figures[1:]))}
    labels = [k for k in labels if k not in echoes]
    varying = [k for k in labels if len({str(f.get(k)) for f in all_figures}) > 1]
    same = [k for k in list(base)[:HEADLINE_MAX] if k not in varying and k not in echoes]
    if not varying:
        return labels[:COMPARE_MAX], []
    return varying[:COMPARE_MAX], same


def compare_html(build_dir: Path, family: list, title: str) -> str:
    """One table for a scenario family: a row per scenario, its key figures and their difference from base."""
    all_figures = [key_figures(read_results(build_dir, r.name)) for r in family]
    columns, same = _compare_columns(family, all_figures)
    base = all_figures[0]
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    rows = []
    for i, (run, figures) in enumerate(zip(family, all_figures)):
        cells = []
        for c in columns:
            value = figures.get(c, "–")
            diff = "base" if i == 0 else difference(value, base.get(c, "–"))
            diff = diff if diff in ("base", "same") else ("" if diff == "–" else f"{diff} vs base")
            cells.append(f'<td>{esc(value)}' + (f'<br><small class="diff">{esc(diff)}</small>' if diff else "") + "</td>")
        links = (f'<a href="{_link(run.name + ".html")}">report</a> · '
                 f'<a href="{_link(run.name + ".results.json")}" download>JSON</a>')
        rows.append(f'<tr><th scope="row">{esc(scenario_label(run))}</th>{"".join(cells)}<td class="links">{links}</td></tr>')
    same_html = ("<p class=\"same\">Same in every scenario: " + "; ".join(f"{esc(k)} {esc(base[k])}" for k in same) + ".</p>"
                 if same else "")
    return (f'<div class="compare-wrap"><table class="compare"><caption>Scenarios compared: key figures, and each one\'s difference from '
            f'the base run ({esc(scenario_label(family[0]))})</caption><thead><tr><th scope="col">scenario</th>{head}'
            f'<th scope="col">links</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>{same_html}')


STYLE = """body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}
h1{margin-bottom:.2rem} .since{background:#f4f6fa;border-left:3px solid #7a8fb8;padding:.3rem .6rem} small,.meta,.same,caption{color:#555} .meta{font-size:.9rem;margin:.3rem 0}
section.report{border-top:1px solid #ccc;padding:.8rem 0} .card,.compare tr{break-inside:avoid}
.card{display:flex;gap:1.2rem;align-items:flex-start} .card .text{flex:1;min-width:0}
.card h2{font-size:1.2rem;margin:0 0 .3rem} .answer{font-size:1.05rem;margin:.2rem 0 .4rem}
.from-intro{color:#444} .figures{margin:.2rem 0;padding-left:1.1rem} .figures .label{color:#444}
a.thumb img{display:block;border:1px solid #ddd;max-width:100%;height:auto} .thumb{flex:0 0 320px}
.thumb.none{color:#888;font-size:.85rem;border:1px dashed #ccc;padding:2rem 0;text-align:center}
table.compare{border-collapse:collapse;margin:.8rem 0 .3rem;font-size:.9rem;width:100%}
.compare caption{text-align:left;padding-bottom:.3rem}
.compare-wrap{overflow-x:auto}
.compare th,.compare td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
.compare thead th{font-weight:600;border-bottom:2px solid #999} .compare tbody th{white-space:nowrap;overflow-wrap:normal} .compare .diff{white-space:nowrap}
.compare td.links{white-space:nowrap} .changes{border-top:1px solid #ccc}
@media (max-width:50rem){.card{flex-direction:column}.thumb{flex:none}}
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:9.5pt} a{color:inherit} .card{flex-direction:row} .thumb{flex:0 0 36%}
.compare-wrap{overflow:visible} .compare{font-size:7.5pt} .compare th,.compare td{padding:.2rem .3rem}}"""


def write_index(build_dir: Path, runs, commit: str, change: dict | None = None, with_changes: bool = False) -> None:
    """The brief (``index.html``): a card per question, a comparison table per scenario family, and
    (``with_changes``) what changed since the last published build."""
    from analysis.render import notebook_summary

    build_dir = Path(build_dir)
    groups = families(runs)
    summaries = {f[0].notebook.stem: notebook_summary(f[0].notebook) for f in groups}
    titles = {r.name: summaries[r.notebook.stem][0] + ("" if len(f) == 1 else f" ({scenario_label(r)})")
              for f in groups for r in f}
    cards = "".join(card_html(build_dir, f, summaries[f[0].notebook.stem]) for f in groups)
    changed = changes_html(change, titles) if with_changes else ""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nd / NdFeB market brief</title>
<style>{STYLE}</style></head><body>
<h1>Nd / NdFeB market brief</h1>
<p>Reproducible, parameterised analyses of the neodymium and NdFeB magnet market: each question's answer, its
headline figures and its key chart. Every figure names its source in the full report. Built from commit
<code>{esc(commit[:12])}</code>.</p>
{changes_summary(change) if with_changes else ""}
{cards}
{changed}
</body></html>
"""
    (build_dir / "index.html").write_text(page, encoding="utf-8")


# --- the PDF ---------------------------------------------------------------------------------------

def chromium() -> str | None:
    """Path of a Chromium to print with: ``$CHROMIUM_PATH``, else Debian's, else one on PATH."""
    for candidate in ([os.environ[CHROMIUM_ENV]] if os.environ.get(CHROMIUM_ENV) else []) + list(CHROMIUM_CANDIDATES):
        found = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if found and os.access(found, os.X_OK):
            return found
    return None


class PdfJob:
    """Headless Chromium printing ``page`` to ``out``, started at once: the build does other work
    meanwhile, then calls :meth:`wait` (or :meth:`kill`, on Ctrl-C)."""

    def __init__(self, page: Path, out: Path):
        self.out, self.proc, self.message = Path(out), None, ""
        browser = chromium()
        if browser is None:
            self.message = f"no Chromium found (set {CHROMIUM_ENV} or install Debian's chromium): {self.out.name} skipped"
            return
        self.profile = tempfile.TemporaryDirectory(prefix="nd-chromium-")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={self.profile.name}", f"--print-to-pdf={self.out}", Path(page).resolve().as_uri()]
        try:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        except OSError as err:
            self.message = f"Chromium could not start ({err.strerror}): {self.out.name} skipped"
            self.profile.cleanup()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            self.profile.cleanup()

    def wait(self, timeout_s: float = 60) -> str:
        """One line saying what happened; a PDF that was not written completely is removed."""
        if self.proc is None:
            return self.message
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
            self.out.unlink(missing_ok=True)
            return f"Chromium did not finish {self.out.name} within {timeout_s:.0f} s: skipped"
        self.profile.cleanup()
        if not self.out.is_file() or self.out.stat().st_size == 0:
            self.out.unlink(missing_ok=True)
            return f"Chromium did not write {self.out.name}: skipped"
        return f"printed {self.out.name}"


def print_pdf(page: Path, out: Path, timeout_s: float = 60) -> str:
    """Print ``page`` to ``out`` with headless Chromium; return one line saying what happened."""
    return PdfJob(page, out).wait(timeout_s)
