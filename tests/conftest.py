"""Shared fixtures: a scratch copy of data/ that a test may corrupt; a papermill runner."""
import json
import shutil

import papermill as pm
import pytest

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
        return json.loads((tmp_path / f"{name}.results.json").read_text(encoding="utf-8"))

    return run
