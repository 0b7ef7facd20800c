"""Notebooks: committed clean, paired with their scripts, and executable through papermill."""
import ast
import csv
import json

import jupytext
import nbformat
import papermill as pm
import pytest

from analysis import consistency, data, paths
from conftest import stderr_outputs

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(not c.outputs and c.execution_count is None for c in code), (
        f"{path.name} holds outputs: clear them with `.venv/bin/nbstripout --keep-id notebooks/*.ipynb`; "
        "`make setup` installs nbstripout's git filter, which keeps outputs out of every later commit")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_paired_script_is_in_sync(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{script.name} missing: run `jupytext --sync {path}`"
    a = jupytext.read(path)
    b = jupytext.read(script)
    cells = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert cells(a) == cells(b), f"{path.name} and {script.name} differ: run `jupytext --sync {path}`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_parameter_is_documented(path):
    params = pm.inspect_notebook(str(path))
    assert params, f"{path.name} has no parameters cell"
    undocumented = [name for name, p in params.items() if not p["help"]]
    assert undocumented == [], f"parameters without a comment: {undocumented}"


def _csv_rows() -> int:
    total = 0
    for spec in data.catalogue()["datasets"].values():
        with open(paths.DATA / spec["file"], newline="", encoding="utf-8") as fh:
            total += sum(1 for _ in csv.DictReader(fh))
    return total


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS + [paths.NOTEBOOKS / "explore.ipynb"], ids=lambda p: p.stem)
def test_writes_nothing_to_stderr(path, executed_with_defaults):
    """Every notebook in notebooks/ (the explorer too) runs with its defaults without an error (papermill
    raises on one) and without writing to stderr: a warning or log line in a notebook is a bug to fix where
    it arises, not noise for the reader."""
    problems = stderr_outputs(executed_with_defaults(path.stem))
    assert problems == [], f"{path.name} wrote to stderr:\n" + "\n".join(problems)


@pytest.mark.notebook
def test_overview_runs_with_defaults(executed_with_defaults):
    out = executed_with_defaults("00_data_overview")
    results = json.loads(out.with_name("00_data_overview.results.json").read_text(encoding="utf-8"))
    key = results["key_figures"]
    assert key["datasets"] == len(data.catalogue()["datasets"])
    assert key["data rows"] == _csv_rows()  # counted here with the csv module, not with the loader
    assert key["disagreements"] == len(consistency.disagreements())
    assert key["disagreements"] >= 6


@pytest.mark.notebook
def test_overview_runs_with_other_parameters(run_notebook):
    results = run_notebook("00_data_overview", start_year=2022, end_year=2025,
                   exports_destination="US", exports_start="2025-01", show_all_checks=True)
    assert results["parameters"]["exports_destination"] == "US"
    months = sum(v for k, v in results["key_figures"].items() if k.startswith("export months"))
    # derived + missing US months since Jan 2025 can be at most the months from Jan 2025 to Mar 2026
    assert 0 <= months <= 15


@pytest.mark.notebook
def test_overview_refuses_a_reversed_year_range(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match=r"start_year \(2026\) must not be after end_year \(2020\)"):
        run_notebook("00_data_overview", start_year=2026, end_year=2020)


def test_jupytext_pairs_only_the_notebooks_folder():
    from jupytext.config import find_jupytext_configuration_file

    assert find_jupytext_configuration_file(str(paths.NOTEBOOKS)) == str(paths.NOTEBOOKS / "jupytext.toml")
    assert find_jupytext_configuration_file(str(paths.ROOT)) is None, "a scratch notebook elsewhere would get a .py twin"


def _parameters_cell(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_readable(path):
    """One parameter per line, dicts one key per line: no line longer than 120 characters."""
    long = [line for line in _parameters_cell(path).splitlines() if len(line) > 120]
    assert long == [], f"{path.name}: parameters cell lines over 120 characters: {long}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_with_its_value_and_help(path):
    """papermill reads a multi-line value with the comment of its *last* line as help (the comment on
    the line where the assignment starts is dropped), and a line with `=` starts a new parameter:
    what it reads must be exactly what the cell assigns, each with its help text."""
    source = _parameters_cell(path)
    assigned = {}
    exec(compile(source, path.name, "exec"), {}, assigned)  # literals only
    found = pm.inspect_notebook(str(path))
    assert list(found) == list(assigned), f"{path.name}: papermill reads {list(found)}, the cell assigns {list(assigned)}"
    for name, p in found.items():
        assert p["help"].strip(), f"{path.name}: {name} has no help text (comment on the value's last line)"
        assert ast.literal_eval(p["default"]) == assigned[name], f"{path.name}: papermill misreads {name}: {p['default']!r}"
