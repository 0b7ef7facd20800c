"""What a run's titles say about its parameters (analysis.params.run_tag)."""
import shutil
import subprocess

import nbformat
import pytest

from analysis import params, paths


def test_differences_name_each_changed_value_and_key():
    defaults = {"horizon_year": 2030, "growth": {"nev": 8.7, "wind": 8.7}, "mode": "a"}
    assert params.differences(defaults, defaults) == []
    assert params.differences(defaults, {**defaults, "horizon_year": 2035}) == ["horizon_year=2035"]
    assert params.differences(defaults, {**defaults, "growth": {"nev": 10.0, "wind": 8.7}}) == ["growth.nev=10"]
    assert params.differences(defaults, {**defaults, "horizon_year": 2030.0}) == []  # same number


def _defaults(stem):
    return params.committed_defaults(paths.NOTEBOOKS / f"{stem}.ipynb")


def test_demand_tag_names_the_scenario_or_the_changed_parameters():
    d = _defaults("02_demand_buildup")
    assert d["horizon_year"] == 2030 and d["growth_pct_per_year"]["nev"] == 8.7
    assert params.run_tag("02_demand_buildup", d) == "scenario 'default'"
    assert params.run_tag("02_demand_buildup", {**d, "horizon_year": 2035}) == "custom parameters: horizon_year=2035"
    assert params.run_tag("02_demand_buildup", {**d, "scenario_name": "low", "horizon_year": 2035}) == "scenario 'low'"
    many = {**d, "horizon_year": 2035, "mc_draws": 100, "mc_seed": 1, "humanoid_kg_per_robot": 4.0}
    assert params.run_tag("02_demand_buildup", many).endswith(" and 1 more")


def test_supply_tag_names_the_demand_scenario_and_any_change():
    d = _defaults("04_supply_balance")
    assert params.run_tag("04_supply_balance", d) == "demand scenario 'base'"
    assert params.run_tag("04_supply_balance", {**d, "demand_scenario": "low"}) == "demand scenario 'low'"
    assert (params.run_tag("04_supply_balance", {**d, "collection_rate": 0.8})
            == "demand scenario 'base', custom parameters: collection_rate=0.8")


def test_other_notebooks_say_default_parameters():
    d = _defaults("00_data_overview")
    assert params.run_tag("00_data_overview", d) == "default parameters"
    assert params.run_tag("00_data_overview", {**d, "end_year": 2025}) == "custom parameters: end_year=2025"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_defaults_are_the_committed_ones_not_an_autosaved_edit(tmp_path, monkeypatch):
    """JupyterLab autosaves the analyst's edit of the parameters cell: the tag still compares with HEAD."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("horizon_year = 2030  # year", metadata={"tags": ["parameters"]})]
    nbformat.write(nb, nbs / "09_x.ipynb")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], cwd=tmp_path, check=True)
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    monkeypatch.setattr(paths, "NOTEBOOKS", nbs)
    nb.cells[0].source = "horizon_year = 2035  # year"
    nbformat.write(nb, nbs / "09_x.ipynb")  # the autosave
    assert params.committed_defaults(nbs / "09_x.ipynb") == {"horizon_year": 2030}
    assert params.run_tag("09_x", {"horizon_year": 2035}) == "custom parameters: horizon_year=2035"
    shutil.rmtree(tmp_path / ".git")  # outside git: the file's defaults
    assert params.run_tag("09_x", {"horizon_year": 2035}) == "default parameters"
