"""The report build: parameter checks, atomic publish, cache, failure handling, determinism."""
import json
import os
from pathlib import Path

import nbformat
import pytest

from analysis import params, paths, report, runs
from analysis.data import data_as_of


def _notebook(path, body, parameters="x = 1  # a number; range: 0..10\nmode = \"a\"  # mode; one of: a, b"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}\n\nA test report."),
                nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)
    return path


GOOD = ("from analysis import report\n"
        "report.write_results(NAME, {'key_figures': {'x squared': x * x}, 'mode': mode})")


# A notebook that also writes a chart's data, as analysis.charts.Chart does when shown: <run>.squares.csv
WITH_CSV = GOOD + ("\nimport pandas as pd\nfrom analysis.charts import Chart\n"
                   "Chart(None, ['src'], pd.DataFrame({'x': [x], 'x_squared': [x * x]}), 'squares').write_csv()")


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """Printing brief.pdf starts Chromium (seconds): these builds skip it; tests/test_browser.py checks the PDF."""
    from analysis import brief

    monkeypatch.setattr(brief, "chromium", lambda: None)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A scratch notebooks/ and scenarios/ folder, and a target for the reports."""
    nbs, scen = tmp_path / "notebooks", tmp_path / "scenarios"
    nbs.mkdir()
    scen.mkdir()
    monkeypatch.setattr(paths, "NOTEBOOKS", nbs)
    monkeypatch.setattr(paths, "SCENARIOS", scen)
    _notebook(nbs / "10_alpha.ipynb", GOOD.replace("NAME", "'10_alpha'"))
    _notebook(nbs / "11_beta.ipynb", GOOD.replace("NAME", "'11_beta'"))
    return tmp_path


def test_parameter_problems_name_the_parameter(project):
    nb = paths.NOTEBOOKS / "10_alpha.ipynb"
    assert params.problems(nb, {"x": 3, "mode": "b"}) == []
    assert params.problems(nb, {"xx": 3}) == ["unknown parameter 'xx' (did you mean x?); declared: x, mode"]
    assert params.problems(nb, {"x": "3"}) == ["x: expected a whole number, got '3'"]
    assert params.problems(nb, {"x": 11}) == ["x: expected a whole number from 0 to 10, got 11"]
    assert params.problems(nb, {"mode": "c"}) == ["mode: expected one of 'a', 'b', got 'c'"]
    with pytest.raises(params.ParameterError, match="scenario.yaml: x: expected a whole number from 0 to 10, got -1"):
        params.check(nb, {"x": -1}, label="scenario.yaml")


def test_build_refuses_bad_scenarios_before_running_anything(project, capsys):
    (paths.SCENARIOS / "10_alpha").mkdir()
    (paths.SCENARIOS / "10_alpha" / "typo.yaml").write_text("xx: 2\n")
    target = project / "reports"
    assert report.build(target=target) == 2
    assert not target.exists(), "nothing may be written when parameters are refused"
    assert "scenarios/10_alpha/typo.yaml: unknown parameter 'xx'" in capsys.readouterr().err.replace(str(project) + "/", "")


def test_build_publishes_caches_and_keeps_the_last_good_reports(project, capsys):
    (paths.SCENARIOS / "10_alpha").mkdir()
    (paths.SCENARIOS / "10_alpha" / "big.yaml").write_text("x: 7\n")
    _notebook(paths.NOTEBOOKS / "10_alpha.ipynb", WITH_CSV.replace("NAME", "'10_alpha'"))
    target = project / "reports"
    assert report.build(target=target) == 0
    assert "brief.pdf skipped" in capsys.readouterr().out, "no Chromium: one line says the PDF was skipped"
    assert not (target / "brief.pdf").exists()
    files = {p.name for p in target.iterdir()}
    assert {"index.html", "manifest.json", "10_alpha.html", "10_alpha__big.html", "11_beta.html"} <= files
    # the scenario run got its parameters: 7 x 7 = 49
    assert json.loads((target / "10_alpha__big.results.json").read_text())["key_figures"] == {"x squared": 49}
    manifest = json.loads((target / "manifest.json").read_text())
    assert {r["run"] for r in manifest["runs"]} == {"10_alpha", "10_alpha__big", "11_beta"}
    assert all(r["status"] == "ok" and r["duration_s"] > 0 for r in manifest["runs"])
    assert {"git_commit", "built_at", "package_versions", "input_checksums"} <= set(manifest)
    index = (target / "index.html").read_text()
    assert "10_alpha__big.html" in index and "x squared" in index
    assert f"Data to <b>{data_as_of()}</b>" in index  # the month the data runs to, on every card
    assert index.count('<table class="compare">') == 1 and index.count('<p class="answer') == 2  # 10_alpha's scenarios, 2 questions
    assert "No earlier build to compare with" in index
    assert manifest["runs"][0]["notebook_sha256"] and "10_alpha__big.squares.csv" in manifest["runs"][1]["outputs"]

    # nothing changed: nothing runs
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    capsys.readouterr()
    assert report.build(target=target) == 0
    assert "up to date" in capsys.readouterr().out
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == before

    # rebuilding one notebook keeps the other published reports
    alpha = (target / "10_alpha.html").read_bytes()
    assert report.build(notebooks=["11_beta"], force=True, target=target) == 0
    assert (target / "10_alpha.html").read_bytes() == alpha
    assert {r["run"] for r in json.loads((target / "manifest.json").read_text())["runs"]} == {"10_alpha", "10_alpha__big", "11_beta"}
    assert (target / "10_alpha.squares.csv").exists(), "a cached run keeps its charts' data"

    # a scenario's parameter changes: the brief names the key figure that moved (7 x 7 -> 8 x 8) and why
    (paths.SCENARIOS / "10_alpha" / "big.yaml").write_text("x: 8\n")
    assert report.build(target=target) == 0
    index = (target / "index.html").read_text()
    assert "x squared: 49 → <b>64</b>" in index and "parameters changed (x)" in index
    assert "Data files (data/): unchanged." in index and "1 key figure moved in 1 report" in index
    assert json.loads((target / "manifest.json").read_text())["changed_since_previous"]["runs"][0]["run"] == "10_alpha__big"

    # a notebook now fails: exit 1, the failed notebook is kept, the published reports are untouched
    good_html = (target / "11_beta.html").read_bytes()
    _notebook(paths.NOTEBOOKS / "11_beta.ipynb", "raise RuntimeError('boom')")
    assert report.build(target=target) == 1
    assert (target / "11_beta.html").read_bytes() == good_html
    failed = nbformat.read(target / report.FAILED_DIR / "11_beta.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in failed.cells for o in c.get("outputs", []))
    assert not list(project.glob(".reports-build-*")), "no half-written build folder may be left behind"


def test_two_builds_give_identical_results_files(project):
    a, b = project / "a", project / "b"
    assert report.build(target=a) == 0
    assert report.build(target=b, force=True) == 0
    for f in a.glob("*.results.json"):
        assert f.read_bytes() == (b / f.name).read_bytes()


def test_a_base_scenario_stands_for_the_defaults(project):
    (paths.SCENARIOS / "10_alpha").mkdir()
    (paths.SCENARIOS / "10_alpha" / "base.yaml").write_text("x: 1\n")
    (paths.SCENARIOS / "10_alpha" / "big.yaml").write_text("x: 7\n")
    assert [r.name for r in runs.discover()] == ["10_alpha__base", "10_alpha__big", "11_beta"]


def test_records_are_json_ready():
    import pandas as pd

    frame = pd.DataFrame({"month": pd.period_range("2025-01", periods=2, freq="M"),
                          "date": pd.to_datetime(["2025-01-15", "2025-02-15"]), "t": [1.23456, float("nan")]})
    assert report.records(frame, 2) == [{"month": "2025-01", "date": "2025-01-15", "t": 1.23},
                                        {"month": "2025-02", "date": "2025-02-15", "t": None}]
    json.dumps(report.records(frame))


def test_longest_runs_are_scheduled_first(tmp_path):
    todo = [runs.Run(tmp_path / f"{name}.ipynb") for name in ("a", "b", "c", "d")]
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"runs": [{"run": "a", "duration_s": 2.0}, {"run": "b", "duration_s": 9.5},
                                             {"run": "c", "duration_s": 4.0}]}))
    # d was never timed, so it may be long: it goes first; then 9.5 s, 4 s, 2 s.
    assert [r.name for r in report._longest_first(todo, manifest)] == ["d", "b", "c", "a"]
    # No history (or a damaged manifest): the order is left as it was.
    assert [r.name for r in report._longest_first(todo, tmp_path / "missing.json")] == ["a", "b", "c", "d"]
    manifest.write_text("{not json")
    assert [r.name for r in report._longest_first(todo, manifest)] == ["a", "b", "c", "d"]


# --- trustworthy output ---------------------------------------------------------------------------

def test_a_damaged_manifest_means_no_cache_not_a_blocked_build(project, capsys):
    target = project / "reports"
    assert report.build(target=target) == 0
    (target / "manifest.json").write_text('{"runs": [{"run": "10_al')  # truncated
    capsys.readouterr()
    assert report.build(target=target) == 0
    err = capsys.readouterr().err
    assert "manifest.json is damaged" in err and "rebuilding everything" in err
    assert json.loads((target / "manifest.json").read_text())["runs"]


def test_published_files_are_verified_against_the_manifest(project, capsys):
    target = project / "reports"
    assert report.build(target=target) == 0
    good = (target / "10_alpha.results.json").read_bytes()
    # an outside run overwrote a published results file, and left a stray one
    (target / "10_alpha.results.json").write_text('{"key_figures": {"x squared": -1}}\n')
    (target / "10_alpha__typo.results.json").write_text("{}\n")
    capsys.readouterr()
    assert report.build(target=target) == 0
    err = capsys.readouterr().err
    assert "do not match the manifest's checksums; rebuilding 10_alpha" in err
    assert "10_alpha__typo.results.json: not made by the build" in err
    assert (target / "10_alpha.results.json").read_bytes() == good
    assert not (target / "10_alpha__typo.results.json").exists()
    # and now it is up to date again
    capsys.readouterr()
    assert report.build(target=target) == 0
    assert "up to date" in capsys.readouterr().out


def test_runs_outside_the_build_never_write_into_reports(monkeypatch, tmp_path):
    monkeypatch.delenv(report.OUTPUT_DIR_ENV, raising=False)
    monkeypatch.delenv(report.RUN_NAME_ENV, raising=False)
    monkeypatch.setattr(paths, "SCRATCH", tmp_path / "scratch")
    written = report.write_results("01_price_history", {"key_figures": {}})
    assert written.parent == tmp_path / "scratch"
    assert paths.REPORTS not in written.parents
    assert "not published" in report.results_note(written)
    ignored = (paths.ROOT / ".gitignore").read_text().split()
    assert "scratch/" in ignored and "reports/" in ignored


def test_published_reports_are_readable_as_the_umask_allows(project):
    import os
    import stat

    target = project / "reports"
    old = os.umask(0o022)
    try:
        assert report.build(target=target) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert all(stat.S_IMODE(p.stat().st_mode) & 0o044 == 0o044 for p in target.iterdir())


def test_leftovers_of_dead_builds_are_removed(tmp_path):
    import subprocess
    import sys
    import tempfile

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # a process that has exited
    stale = [tmp_path / f".reports-build-{pid}-abc", tmp_path / f".reports-old-{pid}-abc",
             Path(tempfile.gettempdir()) / f"nd-kernel-{pid}-abc", Path(tempfile.gettempdir()) / f"nd-shared-cache-{pid}-abc"]
    live = tmp_path / f".reports-build-{os.getpid()}-abc"
    for folder in stale + [live]:
        folder.mkdir()
    removed = report.remove_leftovers(tmp_path)
    assert set(stale) <= set(removed)
    assert not any(f.exists() for f in stale)
    assert live.exists(), "a folder of a build still running is left alone"


def test_a_page_shows_no_markup_from_outputs(project):
    """A notebook that displays raw HTML and Markdown: the rendered page escapes or drops it."""
    body = ("from IPython.display import HTML, Markdown, display\n"
            "display(HTML('<script>alert(1)</script><b onclick=\"x()\">bold</b>'))\n"
            "display(Markdown('[link](javascript:alert(2)) <img src=x onerror=alert(3)>'))")
    _notebook(paths.NOTEBOOKS / "12_gamma.ipynb", body)
    target = project / "reports"
    assert report.build(notebooks=["12_gamma"], target=target) == 0
    page = (target / "12_gamma.html").read_text()
    assert "<script>alert(1)" not in page and "onclick" not in page and "onerror=alert" not in page.replace("&lt;", "<").split("<body")[0]
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(1)" in page and "<b>bold</b>" in page


def test_key_figures_keep_the_notebooks_order(tmp_path, monkeypatch):
    from analysis import render

    monkeypatch.setenv(report.OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(report.RUN_NAME_ENV, "10_x")
    report.write_results("10_x", {"key_figures": {"zebra (the headline)": 1, "apple": 2}})
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# X\n\nsummary")]
    nbformat.write(nb, tmp_path / "10_x.ipynb")
    render.write_index(tmp_path, [runs.Run(tmp_path / "10_x.ipynb")], commit="abc")
    page = (tmp_path / "index.html").read_text()
    assert page.index("zebra (the headline)") < page.index("apple")
