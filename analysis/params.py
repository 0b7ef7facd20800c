"""Check parameters against what a notebook declares, before anything runs.

Papermill only warns about an unknown parameter name and injects any value. The build calls
:func:`check` first, so a typo or a wrong type in a scenario file stops the build with a message
naming the file, the parameter and what was expected.

A notebook declares each parameter in its ``parameters`` cell with a trailing comment. Two
conventions in that comment add checks:

- ``one of: CNY, USD`` restricts a value to a list of choices;
- ``range: 2000..2060`` bounds a number (inclusive; either end may be left open, ``range: 0..``).

Nested values (a dict of sectors, a Monte Carlo distribution) are checked by the notebook's own
model validation, the function its notebook calls first (:data:`MODEL_CHECKS`), on the declared
defaults overlaid with the run's parameters, so a bad nested value stops the build before any run.
"""
from __future__ import annotations

import ast
import difflib
import math
import re
from functools import lru_cache
from pathlib import Path

_CHOICES = re.compile(r"one of:\s*([^;()]+)")
_RANGE = re.compile(r"range:\s*(-?[\d.]*)\s*\.\.\s*(-?[\d.]*)")

_TYPES = {
    "int": (int,),
    "float": (int, float),
    "str": (str,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


class ParameterError(ValueError):
    """Parameters that do not match a notebook's declaration."""


@lru_cache(maxsize=None)
def _declared(notebook: str, mtime: float) -> dict:
    import papermill as pm

    return pm.inspect_notebook(notebook)


def _type_of(p: dict) -> str | None:
    """The declared type: an annotation if papermill found one, else the type of the literal default."""
    if p["inferred_type_name"] not in (None, "None"):
        return p["inferred_type_name"]
    try:
        value = ast.literal_eval(p["default"])
    except (ValueError, SyntaxError):
        return None
    return None if value is None else type(value).__name__


def declared(notebook: Path) -> dict:
    """``{name: {"type": ..., "default": ..., "help": ...}}`` for each declared parameter."""
    notebook = Path(notebook)
    raw = _declared(str(notebook), notebook.stat().st_mtime)
    return {name: {"type": _type_of(p), "default": p["default"], "help": p["help"]} for name, p in raw.items()}


def _choices(help_text: str) -> list[str] | None:
    m = _CHOICES.search(help_text or "")
    return [c.strip() for c in m.group(1).split(",") if c.strip()] if m else None


def _bounds(help_text: str) -> tuple[float | None, float | None] | None:
    m = _RANGE.search(help_text or "")
    if not m:
        return None
    lo, hi = (float(x) if x not in ("", ".") else None for x in m.groups())
    return lo, hi


# notebook stem -> "module:function" that the notebook calls on its parameters and that raises
# ValueError: a function of one argument gets the parameter dict, others get it as keywords.
MODEL_CHECKS = {
    "01_price_history": "analysis.prices:validate_parameters",
    "02_demand_buildup": "analysis.demand:validate_scenario",
    "03_export_controls": "analysis.impact:validate_parameters",
    "04_supply_balance": "analysis.supply:validate_parameters",
    "05_forecasts_vs_outcomes": "analysis.forecasts:validate_parameters",
}


def defaults(notebook: Path) -> dict:
    """``{name: value}`` of the notebook's parameters cell as it is on disk."""
    return _cell_defaults(Path(notebook).read_text(encoding="utf-8"))


def model_problems(notebook: Path, parameters: dict) -> list[str]:
    """What the notebook's model validation says of its defaults overlaid with ``parameters``."""
    target = MODEL_CHECKS.get(Path(notebook).stem)
    if target is None or not parameters:
        return []
    import importlib

    module, func = target.split(":")
    import inspect

    check = getattr(importlib.import_module(module), func)
    full = {**defaults(notebook), **parameters}
    try:
        if len(inspect.signature(check).parameters) == 1:
            check(full)
        else:
            check(**full)
    except (ValueError, TypeError, KeyError) as err:
        return [str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__]
    return []


def problems(notebook: Path, parameters: dict) -> list[str]:
    """Every way ``parameters`` break the notebook's declaration or its model (empty when they fit)."""
    out = declared_problems(notebook, parameters)
    return out or model_problems(notebook, parameters)


def declared_problems(notebook: Path, parameters: dict) -> list[str]:
    """Every way ``parameters`` break the names, types, choices and ranges the notebook declares."""
    spec = declared(notebook)
    out = []
    for name, value in parameters.items():
        if name not in spec:
            close = difflib.get_close_matches(name, list(spec), n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            out.append(f"unknown parameter {name!r}{hint}; declared: {', '.join(spec)}")
            continue
        kind = spec[name]["type"]
        allowed = _TYPES.get(kind)
        if allowed and (not isinstance(value, allowed) or (kind != "bool" and isinstance(value, bool))):
            out.append(f"parameter {name!r} must be {kind}, got {type(value).__name__} {value!r}")
            continue
        choices = _choices(spec[name]["help"])
        if choices is not None:
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if str(v) not in choices]
            if bad:
                out.append(f"parameter {name!r}: {', '.join(map(repr, bad))} not allowed; expected one of {', '.join(choices)}")
        if isinstance(value, float) and not math.isfinite(value):
            out.append(f"parameter {name!r} = {value!r}: expected a finite number")
            continue
        bounds = _bounds(spec[name]["help"])
        if bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            lo, hi = bounds
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                span = f"{'' if lo is None else f'{lo:g}'}..{'' if hi is None else f'{hi:g}'}"
                out.append(f"parameter {name!r} = {value!r} is out of range {span}")
    return out


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


def _cell_defaults(notebook_json: str) -> dict:
    """``{name: value}`` of the literal assignments in a notebook's ``parameters`` cell."""
    import nbformat

    nb = nbformat.reads(notebook_json, as_version=4)
    cell = next((c for c in nb.cells if "parameters" in c.metadata.get("tags", [])), None)
    out = {}
    for node in ast.parse(cell.source if cell is not None else "").body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


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
