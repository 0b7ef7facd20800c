"""What a build runs: each notebook with its defaults, plus one run per scenario file.

A scenario file ``scenarios/<notebook stem>/<name>.yaml`` is a mapping of parameter names to
values. It is read strictly, before anything runs, and every problem is collected as
``file: what is wrong``:

- the file name: letters, digits, ``_`` and ``-`` only (it becomes a report's file name and link);
- the YAML: syntax errors with their line and column, duplicate keys, an empty file, a list or a
  scalar where a mapping is expected;
- the folder: a scenario folder whose notebook does not exist;
- the values: checked against the notebook's model (:mod:`analysis.parameters`, through :mod:`analysis.params`), nested
  values included.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import paths

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class RunError(Exception):
    """Problems found before anything runs; ``exit_code`` 2 (usage) or 1 (data)."""

    def __init__(self, problems: list[str], headline: str, exit_code: int = 2):
        self.problems, self.headline, self.exit_code = problems, headline, exit_code
        super().__init__(headline + "".join(f"\n  - {p}" for p in problems))


@dataclass
class Run:
    """One notebook execution: a notebook and a named set of parameters."""

    notebook: Path
    scenario: str = "default"
    parameters: dict = field(default_factory=dict)
    scenario_file: Path | None = None

    @property
    def name(self) -> str:
        return self.notebook.stem if self.scenario == "default" else f"{self.notebook.stem}__{self.scenario}"


def display_path(path: Path) -> str:
    """A path relative to the project when it is inside it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        try:
            return str(Path(path).relative_to(paths.SCENARIOS.parent))
        except ValueError:
            return str(path)


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys instead of keeping the last one."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def read_scenario(path: Path) -> dict:
    """The parameters in a scenario file; raises ``ValueError`` saying what is wrong (without the file name)."""
    path = Path(path)
    if not NAME_RE.match(path.stem):
        raise ValueError(f"file name {path.stem!r}: a scenario name may hold only letters, digits, '_' and '-' "
                         "(it names the report's file and link)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"not UTF-8 text (byte 0x{err.object[err.start]:02x} at offset {err.start})") from None
    try:
        value = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(err, "problem", None) or str(err)
        raise ValueError(f"not valid YAML{where}: {what}") from None
    if value is None:
        raise ValueError("empty: a scenario needs at least one parameter (name: value)")
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping of parameter: value, got a {type(value).__name__}")
    bad_keys = [k for k in value if not isinstance(k, str)]
    if bad_keys:
        raise ValueError(f"parameter names must be text, got {', '.join(map(repr, bad_keys))}")
    return value


def discover(notebooks: list[str] | None = None) -> list[Run]:
    """Every run to build (``notebooks``: stems to restrict to). Raises :class:`RunError` listing every
    unknown notebook, unreadable scenario file and orphan scenario folder."""
    found = sorted(paths.NOTEBOOKS.glob("[0-9]*.ipynb"))
    stems = {p.stem for p in found}
    problems = []
    if notebooks:
        wanted = {Path(n).stem for n in notebooks}
        unknown = sorted(wanted - stems)
        if unknown:
            raise RunError([f"unknown notebook {n!r}" for n in unknown],
                           f"Refusing to build: known notebooks are {', '.join(sorted(stems))}.")
        found = [p for p in found if p.stem in wanted]
    if paths.SCENARIOS.is_dir():
        for folder in sorted(p for p in paths.SCENARIOS.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if folder.name not in stems:
                problems.append(f"{display_path(folder)}/: no notebook notebooks/{folder.name}.ipynb for this scenario folder")
    runs = []
    for nb in found:
        folder = paths.SCENARIOS / nb.stem
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) if folder.is_dir() else []
        for f in files:
            if f.suffix != ".yaml":
                problems.append(f"{display_path(f)}: not a scenario file; scenario files end in .yaml")
        scenarios = [f for f in files if f.suffix == ".yaml"]
        if not any(s.stem == "base" for s in scenarios):
            runs.append(Run(nb))  # a base.yaml, when present, stands for the defaults
        for scenario in scenarios:
            try:
                runs.append(Run(nb, scenario.stem, read_scenario(scenario), scenario))
            except ValueError as err:
                problems.append(f"{display_path(scenario)}: {err}")
    if problems:
        raise RunError(problems, "Refusing to build: scenario files need fixing (nothing was run).")
    return runs


def check_parameters(runs: list[Run]) -> list[str]:
    """Every parameter problem in every run, checked against the notebooks' declarations and models."""
    from analysis import params

    found = []
    for run in runs:
        label = display_path(run.scenario_file) if run.scenario_file else run.notebook.name
        found += [f"{label}: {p}" for p in params.problems(run.notebook, run.parameters)]
    return found
