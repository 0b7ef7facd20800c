"""Check parameters against what a notebook declares, before anything runs.

Papermill only warns about an unknown parameter name and injects any value. The build calls
:func:`check` first, so a typo or a wrong type in a scenario file stops the build with a message
naming the file, the parameter and what was expected.

Each notebook's parameters are declared once: types, bounds and choices by its declaration in
:mod:`analysis.parameters`, defaults by its parameters cell, the two joined into the notebook's
model. :func:`problems` checks a run's parameters against that model, one line per problem; when
they fit, it runs the notebook's own validate function (:data:`VALIDATORS`, which adds the checks
that need the data, such as a control date inside the export series) on the defaults overlaid with
the run's parameters, so a bad value stops the build before any run.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ParameterError(ValueError):
    """Parameters that do not match a notebook's declaration."""


# notebook stem -> "module:function" that the notebook calls on its parameters and that raises
# ValueError: a function of one argument gets the parameter dict, others get it as keywords.
VALIDATORS = {
    "01_price_history": "analysis.prices:validate_parameters",
    "02_demand_buildup": "analysis.demand:validate_scenario",
    "03_export_controls": "analysis.impact:validate_parameters",
    "04_supply_balance": "analysis.supply:validate_parameters",
    "05_forecasts_vs_outcomes": "analysis.forecasts:validate_parameters",
}


def defaults(notebook: Path) -> dict:
    """``{name: value}`` of the notebook's parameters cell as it is on disk."""
    return _cell_defaults(Path(notebook).read_text(encoding="utf-8"))


def validator_problems(notebook: Path, parameters: dict) -> list[str]:
    """What the notebook's validate function says of its defaults overlaid with ``parameters``."""
    import importlib
    import inspect

    target = VALIDATORS.get(Path(notebook).stem)
    if target is None or not parameters:
        return []
    module, func = target.split(":")
    check = getattr(importlib.import_module(module), func)
    full = {**defaults(notebook), **parameters}
    try:
        positional = [q for q in inspect.signature(check).parameters.values() if q.kind != q.KEYWORD_ONLY]
        if len(positional) == 1:  # one mapping (keyword-only options such as ``injected`` keep their defaults)
            check(full)
        else:
            check(**full)
    except (ValueError, TypeError, KeyError) as err:
        return str(err).strip().splitlines() or [type(err).__name__]
    return []


def problems(notebook: Path, parameters: dict) -> list[str]:
    """Every way ``parameters`` break the notebook's model, one line each; if none, what its
    validate function says (empty when they fit). A cell that no longer fits its declaration is a
    problem too. No parameters, nothing to check: the defaults are the cell's, checked by the model
    when the notebook validates them (tests/test_params.py)."""
    if not parameters:
        return []
    from analysis import parameters as declarations

    try:
        model = declarations.model_for(notebook)
    except ParameterError as err:
        return str(err).splitlines()
    out = declarations.problems(model, parameters)
    return out or validator_problems(notebook, parameters)


def check(notebook: Path, parameters: dict, label: str = "") -> None:
    """Raise :class:`ParameterError` listing every problem, prefixed with ``label`` (e.g. the scenario file)."""
    found = problems(notebook, parameters)
    if found:
        prefix = f"{label}: " if label else ""
        raise ParameterError("\n".join(f"{prefix}{p}" for p in found))


# --- what a run's titles say about its parameters ---------------------------------------------------

# notebook stem -> parameter that names a whole parameter set (a scenario file sets it), its label and the
# value that means "no name"; or a parameter always shown in the tag (it picks an input) and its label.
RUN_NAMES = {"02_demand_buildup": ("scenario_name", "scenario '{}'", "default")}
RUN_LABELS = {"04_supply_balance": ("demand_scenario", "demand scenario '{}'")}
TAG_MAX_CHANGES = 3


@dataclass
class Declared:
    """One assignment of a parameters cell: its value, its trailing comment (what papermill shows as
    its help), its last line (1-based)."""
    default: Any
    help: str
    line: int


def read_cell(source: str) -> dict[str, Declared]:
    """``{name: Declared}`` for each literal assignment of a parameters cell's source."""
    import io
    import tokenize

    comments = {tok.start[0]: tok.string[1:].strip() for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                if tok.type == tokenize.COMMENT}
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            out[node.targets[0].id] = Declared(value, comments.get(node.end_lineno, ""), node.end_lineno)
    return out


def notebook_cells(notebook_json: str) -> list[dict]:
    """The cells of a notebook's JSON text, each ``source`` joined into one string.

    Read with :mod:`json`, not ``nbformat``: the notebooks' schema is checked by the build and the
    tests, and importing nbformat costs about 2 s (jsonschema's format checkers), paid by every
    kernel that asks for its parameters (notebook 04's titles do) and by the build's brief."""
    import json

    cells = json.loads(notebook_json).get("cells", [])
    return [{**c, "source": "".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")}
            for c in cells]


def _parameters_cell(notebook_json: str) -> str:
    """The source of the notebook's ``parameters`` cell ('' if it has none)."""
    return next((c["source"] for c in notebook_cells(notebook_json)
                 if "parameters" in c.get("metadata", {}).get("tags", [])), "")


def cell_source(notebook: Path) -> str:
    """The source of the notebook's ``parameters`` cell as it is on disk ('' if it has none)."""
    return _parameters_cell(Path(notebook).read_text(encoding="utf-8"))


def _cell_defaults(notebook_json: str) -> dict:
    """``{name: value}`` of the literal assignments in a notebook's ``parameters`` cell."""
    return {name: d.default for name, d in read_cell(_parameters_cell(notebook_json)).items()}


def committed_defaults(notebook: Path) -> dict:
    """The notebook's parameter defaults as last committed (``git show HEAD:...``), so that a parameter an
    analyst changed and JupyterLab autosaved still counts as changed; outside git, as in the file."""
    import subprocess

    from analysis import paths

    notebook = Path(notebook)
    try:
        rel = notebook.resolve().relative_to(paths.ROOT.resolve()).as_posix()
        text = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=paths.ROOT, capture_output=True, text=True,
                              timeout=10, check=True).stdout
        return _cell_defaults(text)
    except (ValueError, OSError, subprocess.SubprocessError):
        return _cell_defaults(notebook.read_text(encoding="utf-8"))


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    return repr(value)


def differences(defaults: dict, values: dict, prefix: str = "") -> list[str]:
    """``name=value`` for every value that differs from its default; dicts compared key by key
    (``growth_pct_per_year.nev=10``), a key missing from ``values`` left out."""
    out = []
    for name, value in values.items():
        default = defaults.get(name, object())
        if isinstance(value, dict) and isinstance(default, dict):
            out += differences(default, value, f"{prefix}{name}.")
        elif value != default:
            out.append(f"{prefix}{name}={_short(value)}")
    return out


def run_tag(notebook: str | Path, values: dict) -> str:
    """What a run's titles say about its parameters.

    A run named by its scenario (``scenario_name`` set by a scenario file) says ``scenario 'low'``; a run
    with the defaults says so (``scenario 'default'``, or ``default parameters``); otherwise the tag lists
    the parameters that differ from the committed defaults: ``custom parameters: horizon_year=2035``
    (the first few, then how many more). Notebook 04 always names the demand scenario it reads.
    """
    from analysis import paths

    notebook = Path(notebook)
    if notebook.suffix != ".ipynb":
        notebook = paths.NOTEBOOKS / f"{notebook.name}.ipynb"
    stem = notebook.stem
    skip = set()
    if stem in RUN_NAMES:
        param, label, unnamed = RUN_NAMES[stem]
        if values.get(param, unnamed) != unnamed:
            return label.format(values[param])
        head = label.format(unnamed)
        skip.add(param)
    elif stem in RUN_LABELS:
        param, label = RUN_LABELS[stem]
        head = label.format(values[param])
        skip.add(param)
    else:
        head = "default parameters"
    changed = differences(committed_defaults(notebook), {k: v for k, v in values.items() if k not in skip})
    if not changed:
        return head
    shown = ", ".join(changed[:TAG_MAX_CHANGES]) + (f" and {len(changed) - TAG_MAX_CHANGES} more" if len(changed) > TAG_MAX_CHANGES else "")
    custom = f"custom parameters: {shown}"
    return f"{head}, {custom}" if stem in RUN_LABELS else custom
