"""Shared fixtures: a scratch copy of data/ that a test may corrupt; a papermill runner; one hostile full build."""
import json
import shutil
from types import SimpleNamespace

import nbformat
import papermill as pm
import pytest

import hostile
import project_copy
from analysis import paths, report
from analysis.data import clear_cache


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/; the loader cache is cleared before and after."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target)
    clear_cache()
    yield target
    clear_cache()


@pytest.fixture
def run_notebook(tmp_path, monkeypatch):
    """Execute ``notebooks/<name>.ipynb`` with papermill and return its parsed results file.

    Results go to a temporary folder (never to reports/); the executed notebook is kept there too.
    """
    monkeypatch.setenv(report.OUTPUT_DIR_ENV, str(tmp_path))

    def run(name: str, **parameters) -> dict:
        out = tmp_path / f"{name}.ipynb"
        pm.execute_notebook(str(paths.NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=parameters,
                            kernel_name=report.kernel_name(), cwd=str(paths.NOTEBOOKS), progress_bar=False)
        problems = stderr_outputs(out)
        assert not problems, f"{name} {parameters or ''} wrote to stderr:\n" + "\n".join(problems)
        return json.loads((tmp_path / f"{name}.results.json").read_text(encoding="utf-8"))

    return run


def stderr_outputs(notebook) -> list[str]:
    """``cell N: text`` for every stderr stream (a warning, a log line) in an executed notebook."""
    nb = nbformat.read(notebook, as_version=4)
    return [f"cell {i}: {o.get('text', '').strip()[:500]}" for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]


@pytest.fixture(scope="session")
def executed_with_defaults(tmp_path_factory):
    """``executed_with_defaults(name)``: the notebook executed once per session with its defaults
    (path of the executed notebook, its results file beside it), shared by the tests that read it."""
    folder = tmp_path_factory.mktemp("executed")
    done = {}

    def get(name: str):
        if name not in done:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv(report.OUTPUT_DIR_ENV, str(folder))
                out = folder / f"{name}.ipynb"
                pm.execute_notebook(str(paths.NOTEBOOKS / f"{name}.ipynb"), str(out), kernel_name=report.kernel_name(),
                                    cwd=str(paths.NOTEBOOKS), progress_bar=False)
            done[name] = out
        return done[name]

    return get


@pytest.fixture(scope="session")
def defaults_results(executed_with_defaults):
    """``defaults_results(name)``: the parsed results file of the notebook's one run with its defaults."""
    def get(name: str) -> dict:
        out = executed_with_defaults(name)
        return json.loads(out.with_name(f"{name}.results.json").read_text(encoding="utf-8"))

    return get


@pytest.fixture
def chart_csv(tmp_path, monkeypatch):
    """``chart_csv(chart)``: write a chart's CSV as a notebook run does, read it back; closes the figures after."""
    import matplotlib.pyplot as plt
    import pandas as pd

    monkeypatch.setenv(report.OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(report.RUN_NAME_ENV, "test_run")
    charts = []

    def read(chart):
        charts.append(chart)
        out = chart.write_csv()
        assert out == tmp_path / f"test_run.{chart.name}.csv"
        return pd.read_csv(out)

    yield read
    for chart in charts:
        plt.close(chart.figure)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """One full build, through the command line, of a project copy with hostile markup in every free-text
    cell (``hostile.poison``): every notebook, every scenario, ``brief.pdf``, nothing cached.

    Shared because a full build is the suite's costliest step: tests/test_hostile_input.py checks that
    nothing live survives on any page, tests/test_browser.py opens every page in Chromium. Both only read
    it; a test that rebuilds copies ``root`` first. ``out`` is the finished build's CompletedProcess.
    """
    root = project_copy.make(tmp_path_factory.mktemp("hostile_site") / "project")
    changed = hostile.poison(root)
    out = project_copy.cli(root, "report", "--force")
    return SimpleNamespace(root=root, reports=root / "reports", changed=changed, out=out)
