"""Notebook parameters: one declaration each (analysis.parameters), the build's check of a run's
parameters against it (analysis.params.problems), and what a run's titles say about them (run_tag)."""
import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis import demand, parameters, params, paths


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


# --- one declaration per notebook: the models of analysis.parameters ------------------------------

def _notebooks_with_parameters():
    return [nb for nb in sorted(paths.NOTEBOOKS.glob("*.ipynb")) if params.cell_source(nb)]


def _same(a, b) -> bool:
    """Equal, and of the same types all the way down (0 is not 0.0 here: papermill injects the cell's literal)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def test_every_notebook_with_parameters_has_a_declaration():
    stems = [nb.stem for nb in _notebooks_with_parameters()]
    assert len(stems) >= 6  # 00-05 and the explorer
    assert sorted(stems) == sorted(parameters.DECLARATIONS)


@pytest.mark.parametrize("stem", sorted(parameters.DECLARATIONS))
def test_no_default_is_written_in_the_declaration(stem):
    """The cell is the one home of a default: every declared field is required until the cell gives it one."""
    declared = parameters.DECLARATIONS[stem].model_fields
    assert declared and [name for name, field in declared.items() if not field.is_required()] == []


@pytest.mark.parametrize("stem", sorted(parameters.DECLARATIONS))
def test_cell_and_model_cannot_drift(stem):
    """The model's names are the declaration's, in the cell's order; its defaults are the cell's literals (same
    types: papermill injects those); each trailing comment is the declaration's help text (description, bounds,
    choices): no bound or choice is typed in the cell."""
    declaration, model = parameters.DECLARATIONS[stem], parameters.model(stem)
    cell = params.read_cell(params.cell_source(paths.NOTEBOOKS / f"{stem}.ipynb"))
    assert list(cell) == list(declaration.model_fields) == list(model.model_fields)
    for name, declared in cell.items():
        assert _same(declared.default, model.model_fields[name].default), name
        assert declared.help == parameters.help_text(declaration, name), f"{stem}.{name}: run python -m analysis.parameters"


def _notebook_with_cell(tmp_path, stem: str, edit) -> Path:
    """A copy of notebook ``stem`` in ``tmp_path`` whose parameters cell is ``edit(source)``."""
    nb = nbformat.read(paths.NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = edit(cell.source)
    nbformat.write(nb, tmp_path / f"{stem}.ipynb")
    return tmp_path / f"{stem}.ipynb"


def _set_line(name: str, value: str):
    """An edit of a cell: parameter ``name``'s one-line assignment set to ``value`` (its comment dropped)."""
    return lambda source: re.sub(rf"^{name} = .*$", f"{name} = {value}", source, count=1, flags=re.M)


@pytest.mark.parametrize("name, value, line", [
    ("horizon_year", "2051", "horizon_year: expected a whole number from {first} to 2050, got 2051"),
    ("horizon_year", "{base}", "horizon_year: expected a year after {base}, the base year the projection starts from"),
    ("humanoid_kg_per_robot", "'3.5'", "humanoid_kg_per_robot: expected a number, got '3.5'"),
    ("mc_draws", "10", "mc_draws: expected a whole number from 100 to 1,000,000, got 10"),
])
def test_a_default_the_model_refuses_fails(tmp_path, name, value, line):
    """A default edited in the cell beyond the declared bounds (or of the wrong type) stops the model being built:
    the notebook's own validation and the build's pre-check both say which cell and which parameter."""
    base = demand.base_year()
    nb = _notebook_with_cell(tmp_path, "02_demand_buildup", _set_line(name, value.format(base=base)))
    expected = f"02_demand_buildup.ipynb, parameters cell: {line.format(first=base + 1, base=base)}"
    with pytest.raises(params.ParameterError) as err:
        parameters.with_defaults(parameters.DemandBuildup, nb)
    assert str(err.value).startswith(expected)
    assert params.problems(nb, {"mc_seed": 1})[0].startswith(expected)
    assert parameters.problems(parameters.model_for(paths.NOTEBOOKS / "02_demand_buildup.ipynb"), {}) == []  # unmoved


def test_a_field_without_a_cell_line_or_a_line_without_a_field_fails(tmp_path):
    nb = _notebook_with_cell(tmp_path, "04_supply_balance", lambda s: re.sub(r"^recovery_rate = .*$", "", s, flags=re.M))
    with pytest.raises(params.ParameterError, match=r"^04_supply_balance.ipynb, parameters cell: no line for "
                                                    r"'recovery_rate', which SupplyBalance declares$"):
        parameters.with_defaults(parameters.SupplyBalance, nb)
    nb = _notebook_with_cell(tmp_path, "04_supply_balance", lambda s: s + "\nrecycling_rate = 0.5\n")
    with pytest.raises(params.ParameterError, match=r"^04_supply_balance.ipynb, parameters cell: 'recycling_rate' is not "
                                                    r"declared by SupplyBalance"):
        parameters.with_defaults(parameters.SupplyBalance, nb)
    assert params.problems(nb, {"collection_rate": 0.8}) == [
        "04_supply_balance.ipynb, parameters cell: 'recycling_rate' is not declared by SupplyBalance (analysis/parameters.py)"]


def test_the_model_follows_an_edited_cell(tmp_path):
    """The analyst's edit of a default (JupyterLab autosaves it) is the model's default at the next check."""
    nb = _notebook_with_cell(tmp_path, "04_supply_balance", _set_line("collection_rate", "0.8"))
    assert parameters.model_for(nb).model_validate({}).collection_rate == 0.8
    _notebook_with_cell(tmp_path, "04_supply_balance", _set_line("collection_rate", "0.6"))
    os.utime(nb, ns=(nb.stat().st_atime_ns, nb.stat().st_mtime_ns + 10**9))  # a later version, however fast the write
    assert parameters.model_for(nb).model_validate({}).collection_rate == 0.6


@pytest.mark.parametrize("stem", sorted(parameters.DECLARATIONS))
def test_the_script_holds_the_same_cell_and_lines_stay_short(stem):
    """The py:percent twin (what a reviewer reads) has the same cell; one parameter per line, <= 120 characters."""
    text = (paths.NOTEBOOKS / f"{stem}.py").read_text(encoding="utf-8")
    source = text.split('# %% tags=["parameters"]\n', 1)[1].split("\n# %%", 1)[0]
    from_ipynb = params.read_cell(params.cell_source(paths.NOTEBOOKS / f"{stem}.ipynb"))
    assert {k: (d.default, d.help) for k, d in params.read_cell(source).items()} == \
        {k: (d.default, d.help) for k, d in from_ipynb.items()}
    assert max(len(line) for line in source.splitlines()) <= 120
    starts = [node.lineno for node in ast.parse(source).body]
    assert len(starts) == len(set(starts)) == len(from_ipynb), "one assignment per parameter, one per line"


def test_papermill_shows_the_models_help():
    """papermill --help-notebook reads the trailing comments: it shows the model's help, bounds included."""
    shown = pm.inspect_notebook(str(paths.NOTEBOOKS / "02_demand_buildup.ipynb"))
    assert shown["horizon_year"]["help"].endswith(f"; range: {demand.base_year() + 1}..{parameters.LAST_PROJECTION_YEAR}")
    assert shown["growth_pct_per_year"]["help"] == parameters.help_text(parameters.DemandBuildup, "growth_pct_per_year")
    supply = pm.inspect_notebook(str(paths.NOTEBOOKS / "04_supply_balance.ipynb"))
    assert supply["collection_rate"]["help"].endswith("; range: 0..1")


@pytest.mark.parametrize("stem", sorted(parameters.DECLARATIONS))
def test_defaults_validate(stem):
    """The model's defaults fit the model (validate_default checks every one), and the notebook's validate
    function (data checks on top) accepts the cell's defaults."""
    assert parameters.problems(parameters.model(stem), {}) == []
    nb = paths.NOTEBOOKS / f"{stem}.ipynb"
    assert params.validator_problems(nb, params.defaults(nb)) == []


def test_help_text_adds_bounds_and_choices_to_the_description():
    assert parameters.help_text(parameters.SupplyBalance, "ndpr_share_of_reo") == (
        "Pr-Nd oxide as a share of rare-earth oxide mined; ASSUMPTION; range: 0.01..1")
    assert parameters.help_text(parameters.PriceHistory, "unit") == "mass unit of prices; one of: t, kg"
    assert parameters.help_text(parameters.ExportControls, "hac_maxlags") == "Newey-West max lag of the ITS; range: 0.."
    assert parameters.help_text(parameters.PriceHistory, "products").endswith(
        "; one of: prnd_oxide, nd_oxide, nd_metal, prnd_metal")


BAD = [
    # (notebook, values, the one line expected)
    ("02_demand_buildup", {"horizon_year": "2030"}, "horizon_year: expected a whole number, got '2030'"),  # wrong type
    ("02_demand_buildup", {"mc_draws": True}, "mc_draws: expected a whole number, got True"),
    ("02_demand_buildup", {"horizon_year": 2051},
     f"horizon_year: expected a whole number from {demand.base_year() + 1} to 2050, got 2051"),
    ("02_demand_buildup", {"horizon_year": demand.base_year()},
     f"horizon_year: expected a year after {demand.base_year()}, the base year the projection starts from (the latest "
     f"year with a full-year actual in data/), got {demand.base_year()}"),
    ("04_supply_balance", {"collection_rate": -0.5}, "collection_rate: expected a number from 0 to 1, got -0.5"),
    ("04_supply_balance", {"ndpr_share_of_reo": 20}, "ndpr_share_of_reo: expected a number from 0.01 to 1 "
                                                     "(a share: a fraction, not a percentage), got 20"),
    ("05_forecasts_vs_outcomes", {"min_months_ahed": 3},
     "unknown parameter 'min_months_ahed' (did you mean min_months_ahead?); declared: families, min_months_ahead, "
     "show_pending"),
    ("01_price_history", {"currency": "EUR"}, "currency: expected one of 'CNY', 'USD', got 'EUR'"),  # bad choice
    ("03_export_controls", {"method": "arima"}, "method: expected one of 'seasonal_naive_trend', 'its', got 'arima'"),
    ("05_forecasts_vs_outcomes", {"families": ["prices", "weather"]},
     "families[1]: expected one of 'end-use activity', 'magnet output', 'magnet exports', 'prices', 'outside outlooks', got 'weather'"),
    # nested values
    ("02_demand_buildup", {"technology_share": {"wind": 1.2}}, "technology_share['wind']: expected a number from 0 to 1, got 1.2"),
    ("02_demand_buildup", {"technology_share": {"toasters": 0.5}},
     "technology_share: unknown sector 'toasters'; expected one of 'nev', 'wind', 'air_conditioner', 'elevator', "
     "'mobile_phone', 'industrial_robot'"),
    ("02_demand_buildup", {"humanoid_units_per_year": {2025: 10}},
     "humanoid_units_per_year: year 2025: expected a whole number from 2026 to 2050"),
    ("02_demand_buildup", {"mc_distributions": {"humanoid_kg_per_robot": {"dist": "lognormal", "sd": 1.0}}},
     "mc_distributions['humanoid_kg_per_robot']['dist']: expected one of 'normal', 'uniform', 'triangular', got 'lognormal'"),
    ("02_demand_buildup", {"mc_distributions": {"humanoid_kg_per_robot": {"dist": "uniform", "low": 5.0, "high": 2.0}}},
     "mc_distributions['humanoid_kg_per_robot']: low 5 is above high 2"),
    ("02_demand_buildup", {"mc_distributions": {"humanoid_kg_per_robot": {"dist": "normal", "sd": 1.0, "low": 0.0}}},
     "mc_distributions['humanoid_kg_per_robot']: unknown field 'low'; expected some of dist, sd"),
    ("02_demand_buildup", {"sensitivity": {"humanoid_units_factor": [5.0, 1.0]}},
     "sensitivity['humanoid_units_factor']: expected [low, high], two numbers with low <= high, got [5.0, 1.0]"),
    ("04_supply_balance", {"lifetime_mean_years": {**params.defaults(paths.NOTEBOOKS / "04_supply_balance.ipynb")
                                                   ["lifetime_mean_years"], "wind": 0}},
     "lifetime_mean_years['wind']: expected a number above 0 and at most 100, got 0"),
    # between fields
    ("01_price_history", {"start": "2026-01-01", "end": "2025-01-01"}, "start (2026-01-01) must be before end (2025-01-01)"),
    ("03_export_controls", {"series_start": "2025-06"},
     "series_start must be a month no later than the control month 2025-04, got '2025-06'"),
]


@pytest.mark.parametrize("stem, values, line", BAD, ids=[f"{b[0][:2]}-{next(iter(b[1]))}" for b in BAD])
def test_a_bad_value_gives_one_clear_line(stem, values, line):
    found = params.problems(paths.NOTEBOOKS / f"{stem}.ipynb", values)
    assert found == [line]
    with pytest.raises(params.ParameterError) as err:
        parameters.validate(stem, values)
    assert str(err.value) == line  # the notebook's own validation says the same


def test_every_problem_is_listed_one_per_line():
    found = params.problems(paths.NOTEBOOKS / "04_supply_balance.ipynb", {"collection_rate": 2, "recovery_rate": "high"})
    assert found == ["collection_rate: expected a number from 0 to 1 (a share: a fraction, not a percentage), got 2",
                     "recovery_rate: expected a number, got 'high'"]
    with pytest.raises(params.ParameterError, match="x.yaml: collection_rate.*\nx.yaml: recovery_rate"):
        params.check(paths.NOTEBOOKS / "04_supply_balance.ipynb", {"collection_rate": 2, "recovery_rate": "high"}, "x.yaml")


def test_a_tornado_range_keeps_to_the_bounds_of_the_parameter_it_moves():
    """The bound comes from the parameter's own declaration (humanoid_kg_per_robot: 0..1000), not a copy."""
    found = params.problems(paths.NOTEBOOKS / "02_demand_buildup.ipynb", {"sensitivity": {"humanoid_kg_per_robot": [2.0, 2000.0]}})
    assert found == ["sensitivity['humanoid_kg_per_robot'][1]: expected a number from 0 to 1000, got 2000.0"]
    found = params.problems(paths.NOTEBOOKS / "02_demand_buildup.ipynb", {"sensitivity": {"growth_pct_per_year.nev": [-100.0, 5.0]}})
    assert found == ["sensitivity['growth_pct_per_year.nev'][0]: expected a number above -100, got -100.0"]


def test_demand_scenarios_are_the_files(tmp_path, monkeypatch):
    """Notebook 04's demand_scenario choices are the files in scenarios/02_demand_buildup/, read when checked."""
    folder = tmp_path / "02_demand_buildup"
    folder.mkdir()
    (folder / "calm.yaml").write_text("horizon_year: 2030\n", encoding="utf-8")
    model = parameters.model("04_supply_balance")  # built (its default checked) before the scenarios move
    monkeypatch.setattr(paths, "SCENARIOS", tmp_path)
    assert parameters.problems(model, {"demand_scenario": "calm"}) == []
    assert parameters.problems(model, {"demand_scenario": "base"}) == [
        "demand_scenario: expected one of 'calm', got 'base'"]


def test_the_writer_replaces_only_the_trailing_comments():
    stale = ("# a note above stays\n"
             "horizon_year = 2030  # last year; range: 2026..2060\n"
             "technology_share = {\n"
             "    \"wind\": 0.37,  # a note inside stays\n"
             "}\n"
             "mc_seed = 1\n")
    new = parameters._rewrite(stale, parameters.DemandBuildup).splitlines()
    assert new[0] == "# a note above stays"
    assert new[1] == ("horizon_year = 2030  # last projected year, after the latest actual year in data/; "
                      f"range: {demand.base_year() + 1}..2050")
    assert new[3] == "    \"wind\": 0.37,  # a note inside stays"
    assert new[4] == "}  # " + parameters.help_text(parameters.DemandBuildup, "technology_share")
    assert new[5] == "mc_seed = 1  # Monte Carlo seed (same seed, same results); range: 0.."


def test_a_misspelt_papermill_parameter_is_refused_with_a_suggestion():
    injected = "# Parameters\nhorizon_yeer = 2035\nmc_draws = 500\n"
    history = ["", "scenario_name = 'default'", injected, "import pandas as pd"]
    lines = parameters.unknown_injected("02_demand_buildup", history)
    assert lines == ["horizon_yeer: not a parameter of 02_demand_buildup (did you mean horizon_year?)"]
    assert parameters.unknown_injected("02_demand_buildup", ["", "x = 1"]) == []  # no injected cell: nothing to say
    assert parameters.unknown_injected("02_demand_buildup", ["", "# Parameters\nmc_draws = 500\n"]) == []
    assert parameters.unknown_injected("02_demand_buildup") == []  # outside a kernel
