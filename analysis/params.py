"""Check parameters against what a notebook declares, before anything runs.

Papermill only warns about an unknown parameter name and injects any value. The build calls
:func:`check` first, so a typo or a wrong type in a scenario file stops the build with a message
naming the file, the parameter and what was expected.

A notebook declares each parameter in its ``parameters`` cell with a trailing comment. Two
conventions in that comment add checks:

- ``one of: CNY, USD`` restricts a value to a list of choices;
- ``range: 2000..2060`` bounds a number (inclusive; either end may be left open, ``range: 0..``).
"""
from __future__ import annotations

import ast
import difflib
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


def problems(notebook: Path, parameters: dict) -> list[str]:
    """Every way ``parameters`` break the notebook's declaration (empty when they fit)."""
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
