"""One declaration of each notebook's parameters: type, bounds, choices and help text here, the
default in the notebook's parameters cell; each written once.

Design
------
- **One declaration per notebook**, all in this module, registered by notebook stem in
  :data:`DECLARATIONS`: a pydantic model whose fields are the parameters, without defaults. A
  field's annotation is the type, ``ge``/``le`` its bounds, a ``Literal`` (or :class:`OneOf`) its
  choices and its ``description`` the help text. Nested values (sector dicts, Monte Carlo
  distributions, sensitivity ranges) have their own types. Models forbid unknown keys and are
  strict: ``"3"`` is not a number, ``True`` not a count (an int is accepted for a float).
- **Defaults live in the notebook's parameters cell**, the literal papermill reads and the analyst
  edits in JupyterLab: one ``name = default  # help`` per parameter. :func:`model` (and
  :func:`model_for`, given a notebook file) derives the notebook's model from its declaration with
  ``create_model(__base__=declaration)``, each field as declared plus the cell's value as its
  default (pydantic's "dynamic models" recipe), once per version of the notebook file (the cell
  is read with :mod:`ast` and :mod:`json`: cheap). Building it refuses, naming the notebook, a cell
  without a line for a declared field, a line the declaration lacks, and a default the model
  refuses (``validate_default``): cell and model cannot drift apart.
- **The cell's trailing comments are generated, not written**: :func:`help_text` is the
  description plus ``; range: lo..hi`` or ``; one of: a, b`` from the declaration.
  ``python -m analysis.parameters`` rewrites the comments of every registered notebook, and
  tests/test_params.py fails when a cell's names or comments differ from its declaration.
- **A list kept elsewhere is named, not copied.** Constants of a topic module (sectors, products,
  forecast families) are imported. A list read from the data or the files at check time (export
  destinations in data/exports.csv, the demand scenarios in scenarios/02_demand_buildup/), or
  living in a module too slow to import for a check (impact's methods: statsmodels), is a
  :class:`OneOf` whose source is called when a value is checked or a help text written. So is
  the horizon's lower bound (:class:`AfterBaseYear`): the year after the demand model's base year,
  which adding a year's actuals to data/ moves.
- **Checks between fields** (start before end, a tornado range inside the bounds of the parameter
  it moves) are model validators. Checks against the data beyond a list of names (a control date
  inside the export series) stay in the topic module's validate function, which calls
  :func:`validate` first and returns the normalised dict its notebook uses.
- :func:`problems` turns pydantic's errors into one line each, naming the parameter by its path
  (``growth_pct_per_year['nev']``), what was expected and what was given; the build's pre-check
  (:func:`analysis.params.problems`) prints them after the scenario file's name.
- A notebook without a declaration (a test's scratch notebook, a new notebook before its
  declaration exists) gets a model built from its cell (:func:`model_for`): the names, the types of
  the defaults, and the same two comment conventions read back.
"""
from __future__ import annotations

import datetime as dt
import difflib
import importlib
import io
import re
import tokenize
import types
import typing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Callable, Literal, Sequence

import annotated_types as at
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, Strict, TypeAdapter, ValidationError,
                      create_model, model_validator)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, core_schema

from analysis import demand, forecasts, paths, prices, units
from analysis.params import ParameterError, cell_source, read_cell

# --- building blocks -----------------------------------------------------------------------------


def _join(values) -> str:
    return ", ".join(repr(v) for v in values)


def _reference(target: str):
    """``"module:attribute"`` -> the attribute (imported on first use)."""
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class OneOf:
    """A text restricted to choices kept elsewhere: ``source`` (a function, or ``"module:attribute"``
    naming a sequence) lists them when a value is checked or a help text is written."""

    source: Callable[[], Sequence[str]] | str

    def choices(self) -> list[str]:
        found = _reference(self.source) if isinstance(self.source, str) else self.source()
        return list(found() if callable(found) else found)

    def _check(self, value: str) -> str:
        choices = self.choices()
        if value not in choices:
            raise PydanticCustomError("one_of", "expected one of {expected}", {"expected": _join(choices)})
        return value

    def __get_pydantic_core_schema__(self, source_type, handler):
        return core_schema.no_info_after_validator_function(self._check, handler(source_type))


def _text_check(pattern: str, meaning: str, parse: Callable[[str], object] | None = None):
    """A validator of text in a format: ``pattern`` must match and ``parse`` (if given) must accept it."""
    def check(value: str) -> str:
        try:
            if not re.fullmatch(pattern, value) or (parse is not None and parse(value) is None):
                raise ValueError
        except ValueError:
            raise PydanticCustomError("text_format", "expected {meaning}", {"meaning": meaning}) from None
        return value
    return AfterValidator(check)


Date = Annotated[str, _text_check(r"\d{4}-\d{2}-\d{2}", "a date YYYY-MM-DD", dt.date.fromisoformat)]
Month = Annotated[str, _text_check(r"\d{4}-(0[1-9]|1[0-2])", "a month YYYY-MM")]
MonthOrAuto = Annotated[str, _text_check(r"auto|\d{4}-(0[1-9]|1[0-2])", "a month YYYY-MM or 'auto'")]
Name = Annotated[str, _text_check(r"[a-z0-9_]+", "lower-case letters, digits and '_' (it names the results file)")]

Sector = Annotated[Literal[demand.SEED_SECTORS], Field(title="sector")]
AnySector = Annotated[Literal[demand.SECTORS], Field(title="sector")]  # the seed's sectors and humanoid robots
Rate = Annotated[float, Field(gt=-100)]  # % per year: -100 would wipe a quantity out in a year
Share = Annotated[float, Field(ge=0, le=1)]
SomeShare = Annotated[float, Field(ge=0.01, le=1)]  # a share that cannot be (near) zero: the chain divides by it
Growth = Annotated[float, Field(ge=-99, le=100)]  # % per year, after 2025
LAST_PROJECTION_YEAR = 2050


@dataclass(frozen=True)
class AfterBaseYear:
    """A year after the demand model's base year (:func:`analysis.demand.base_year`, the latest
    full-year actual in data/), read when a value is checked or a help text written: adding a
    year's actuals to data/ moves this bound, as it moves the projection's start."""

    @staticmethod
    def first() -> int:
        return demand.first_projection_year()

    def _check(self, value: int) -> int:
        if value < self.first():
            raise PydanticCustomError(
                "after_base_year", "expected a year after {base}, the base year the projection starts from (the "
                "latest year with a full-year actual in data/)", {"base": self.first() - 1})
        return value

    def __get_pydantic_core_schema__(self, source_type, handler):
        return core_schema.no_info_after_validator_function(self._check, handler(source_type))


ProjectionYear = Annotated[int, AfterBaseYear(), Field(le=LAST_PROJECTION_YEAR)]  # the horizon
# a year of the robot path: robots counted in a year after the seed's but not yet projected still count
RobotYear = Annotated[int, Field(ge=demand.FIRST_ROBOT_YEAR, le=LAST_PROJECTION_YEAR)]
ChartYear = Annotated[int, Field(ge=2000, le=2060)]
RobotsByYear = dict[Annotated[RobotYear, Strict(False), Field(title="year")], Annotated[float, Field(ge=0)]]
Lifetime = Annotated[float, Field(gt=0, le=100)]  # mean years in use


def _all_of(sectors: Sequence[str]):
    """A sector dict that must give every one of ``sectors``."""
    def check(value: dict) -> dict:
        missing = [s for s in sectors if s not in value]
        if missing:
            raise PydanticCustomError("missing_sectors", "missing sector(s) {missing}; give a value for each of {all}",
                                      {"missing": ", ".join(missing), "all": ", ".join(sectors)})
        return value
    return AfterValidator(check)


def _low_high(value: list[float]) -> list[float]:
    if len(value) != 2 or value[0] > value[1]:
        raise PydanticCustomError("low_high", "expected [low, high], two numbers with low <= high")
    return value


LowHigh = Annotated[list[float], Strict(False), AfterValidator(_low_high)]  # a list, or a tuple (a normalised scenario)
UncertainKey = Annotated[Literal[tuple(demand.uncertain_keys())], Field(title="parameter")]
# Not a parameter, but a key a sensitivity range or a distribution can be given for:
HUMANOID_UNITS_FACTOR = Annotated[float, Field(ge=0)]  # multiplies the robot path


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, validate_default=True)


class Normal(_Strict):
    """Centred on the parameter's value."""
    dist: Literal["normal"]
    sd: float = Field(ge=0)


class Uniform(_Strict):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self):
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        return self


class Triangular(Uniform):
    dist: Literal["triangular"]
    mode: float | None = None  # default: the parameter's value


Distribution = Annotated[Normal | Uniform | Triangular, Field(discriminator="dist")]


# --- the notebooks' parameters -------------------------------------------------------------------

class NotebookParameters(_Strict):
    """Base of every notebook's declaration: strict, no unknown key. A declaration's fields have no
    defaults; :func:`model` derives the notebook's model from it with the defaults of its cell."""


def _export_destinations() -> list[str]:
    """Destination countries and blocs in data/exports.csv (not the total)."""
    from analysis.data import load

    return sorted(set(load("exports")["destination"]) - {"total"})


def _export_series() -> list[str]:
    return ["total", *_export_destinations()]


def _demand_scenarios() -> list[str]:
    """The named demand scenarios: the files scenarios/02_demand_buildup/<name>.yaml."""
    return [p.stem for p in demand.scenario_files()]


class DataOverview(NotebookParameters):
    start_year: ChartYear = Field(description="first year of the coverage chart")
    end_year: ChartYear = Field(description="last year of the coverage chart")
    exports_destination: Annotated[str, OneOf(_export_series)] = Field(description="series charted")
    exports_start: Month = Field(description="first month of the export chart (YYYY-MM)")
    show_all_checks: bool = Field(description="True lists every consistency check, not only the disagreements")


class PriceHistory(NotebookParameters):
    currency: Literal[units.CURRENCIES] = Field(description="currency of every price shown")
    unit: Literal[units.MASS_UNITS] = Field(description="mass unit of prices")
    vat: Literal[units.VAT_BASES] = Field(
        description="with or without China's 13% VAT (domestic quotes include it, FOB/CIF do not)")
    products: list[Literal[prices.PRODUCTS]] = Field(min_length=1, description="products to chart")
    start: Date = Field(description="first date shown, YYYY-MM-DD (2020-2026 is the span the price data covers)")
    end: Date = Field(description="last date shown, YYYY-MM-DD")
    max_fx_gap_days: int = Field(
        ge=0, le=366, description="refuse a quote whose nearest earlier FX rate is older than this many days")
    max_interp_gap_months: int = Field(
        ge=0, le=24, description="longest run of empty months filled by linear interpolation")
    forecast_horizon_months: int = Field(ge=1, le=36, description="months ahead for the Pr-Nd oxide forecast band")

    @model_validator(mode="after")
    def _start_before_end(self):
        if self.start >= self.end:
            raise ValueError(f"start ({self.start}) must be before end ({self.end})")
        return self


class DemandBuildup(NotebookParameters):
    scenario_name: Name = Field(description="name shown in titles and results (lower-case letters, digits, _)")
    horizon_year: ProjectionYear = Field(description="last projected year, after the latest actual year in data/")
    growth_pct_per_year: Annotated[dict[Sector, Rate], _all_of(demand.SEED_SECTORS)] = Field(
        description="activity growth from the base year, % per year, per sector")
    intensity_trend_pct_per_year: dict[Sector, Rate] = Field(
        description="change of kg magnet per unit, % per year (negative for thrifting); missing sectors 0")
    technology_share: dict[Sector, Share] = Field(
        description="share of activity using NdFeB in the horizon year (linear from its 2025 value), per sector")
    humanoid_units_per_year: RobotsByYear = Field(
        min_length=1,
        description="humanoid robots built per year {year: units}, linear between years, flat after the last")
    humanoid_kg_per_robot: float = Field(ge=0, le=1000, description="kg of NdFeB magnet per humanoid robot")
    sensitivity: dict[UncertainKey, LowHigh] = Field(
        description="tornado: {parameter: [low, high]}; humanoid_units_factor multiplies the robot path")
    mc_draws: int = Field(ge=100, le=1_000_000, description="Monte Carlo draws")
    mc_seed: int = Field(ge=0, description="Monte Carlo seed (same seed, same results)")
    mc_distributions: dict[UncertainKey, Distribution] = Field(
        description="Monte Carlo: {parameter: normal (sd, centred on the value) | uniform / triangular (low, high)}")

    @model_validator(mode="after")
    def _ranges_inside_bounds(self):
        """Each end of a tornado range must be a value the parameter it moves may take."""
        for key, pair in self.sensitivity.items():
            tp, adapter = _uncertain(key)
            for i, x in enumerate(pair):
                try:
                    adapter.validate_python(x)
                except ValidationError as err:
                    raise ValueError(_lines(tp, err, where=f"sensitivity[{key!r}][{i}]")[0]) from None
        return self


@lru_cache(maxsize=None)
def _uncertain(key: str) -> tuple[Any, TypeAdapter]:
    """The type (with its bounds) of the value a sensitivity or Monte Carlo key stands for, and its
    validator: ``technology_share.wind`` -> a share, ``humanoid_kg_per_robot`` -> that field's type."""
    group, _, sector = key.partition(".")
    if group in DemandBuildup.model_fields:
        tp = _field_type(DemandBuildup.model_fields[group])
        tp = typing.get_args(_unwrap(tp)[0])[1] if sector else tp
    else:
        tp = HUMANOID_UNITS_FACTOR
    return tp, TypeAdapter(tp, config=_Strict.model_config)


class ExportControls(NotebookParameters):
    control_date: Date = Field(
        description="date of the control (YYYY-MM-DD): the first export_control event in data/events.csv")
    pre_start: Month = Field(
        description="first month of the pre-control window the counterfactual is fitted on (YYYY-MM)")
    method: Annotated[str, OneOf("analysis.impact:METHODS")] = Field(description="counterfactual")
    destinations: list[Annotated[str, OneOf(_export_destinations)]] = Field(
        min_length=1, description="destinations compared")
    disruption_end: MonthOrAuto = Field(
        description="last disruption month (YYYY-MM), or auto: the month before exports recover")
    hac_maxlags: int = Field(ge=0, description="Newey-West max lag of the ITS")
    interval_level: float = Field(ge=0.5, le=0.99, description="coverage of every interval")
    sensitivity_windows: list[Month] = Field(description="pre-window starts compared in the sensitivity table")
    series_start: Month = Field(description="first month shown in the charts and tables (YYYY-MM)")

    @model_validator(mode="after")
    def _series_from_before_the_control(self):
        control = self.control_date[:7]
        if self.series_start > control:
            raise ValueError(f"series_start must be a month no later than the control month {control}, "
                             f"got {self.series_start!r}")
        return self


class SupplyBalance(NotebookParameters):
    demand_scenario: Annotated[str, OneOf(_demand_scenarios)] = Field(description="demand build-up scenario")
    ndpr_share_of_reo: SomeShare = Field(description="Pr-Nd oxide as a share of rare-earth oxide mined; ASSUMPTION")
    pr_share_of_ndpr: Share = Field(
        description="Pr6O11 share of Pr-Nd oxide by mass")
    ndpr_share_of_magnet: SomeShare = Field(description="Nd+Pr weight share of NdFeB magnet")
    quota_growth_pct_per_year: Growth = Field(description="mining-quota growth after 2025, % per year")
    other_uses_growth_pct_per_year: Growth = Field(description="growth after 2025 of exports and other uses, % per year")
    backcast_growth_pct_per_year: dict[AnySector, Rate] = Field(
        description="growth of magnet inflows before 2024, % per year, per sector")
    first_inflow_year: int = Field(ge=1950, le=demand.ANCHOR_YEARS[0] - 1,
                                   description="first year with magnets put into use (earlier inflows taken as 0)")
    lifetime_mean_years: Annotated[dict[AnySector, Lifetime], _all_of(demand.SECTORS)] = Field(
        description="mean product lifetime, years, per sector; ASSUMPTION, not in data/: within the usual ranges")
    lifetime_shape: float = Field(ge=0.5, le=20, description="Weibull shape of every product lifetime; ASSUMPTION")
    collection_rate: Share = Field(description="share of end-of-life magnets collected for recycling; ASSUMPTION")
    recovery_rate: Share = Field(description="share of the collected magnet mass recovered as new magnet; ASSUMPTION")


class ForecastsVsOutcomes(NotebookParameters):
    families: list[Literal[tuple(forecasts.FAMILIES)]] = Field(min_length=1, description="forecast families to score")
    min_months_ahead: int = Field(
        ge=0, le=120, description="leave out forecasts made fewer months than this before their period ended")
    show_pending: bool = Field(description="list the forecasts that still wait for a (full-year) outcome")


class Explore(NotebookParameters):
    base_scenario: Annotated[str, OneOf(_demand_scenarios)] = Field(description="demand scenario to start from")


DECLARATIONS: dict[str, type[NotebookParameters]] = {
    "00_data_overview": DataOverview,
    "01_price_history": PriceHistory,
    "02_demand_buildup": DemandBuildup,
    "03_export_controls": ExportControls,
    "04_supply_balance": SupplyBalance,
    "05_forecasts_vs_outcomes": ForecastsVsOutcomes,
    "explore": Explore,
}


# --- a declaration + its notebook's parameters cell = the notebook's model ------------------------

def model(stem: str) -> type[NotebookParameters]:
    """Notebook ``stem``'s model: its declaration with the defaults of notebooks/<stem>.ipynb's
    parameters cell (what papermill reads); see :func:`with_defaults`."""
    return with_defaults(DECLARATIONS[stem], paths.NOTEBOOKS / f"{stem}.ipynb")


def with_defaults(declaration: type[NotebookParameters], notebook: Path) -> type[NotebookParameters]:
    """``declaration`` with each field's default taken from the notebook's parameters cell, built
    once per version of the notebook file.

    Raises :class:`~analysis.params.ParameterError` naming the notebook when the cell lacks a line for
    a declared field, sets a name the declaration does not have, or sets a default the model refuses
    (out of bounds, not one of the choices, a wrong type): cell and model cannot drift apart.
    """
    notebook = Path(notebook)
    return _with_defaults(declaration, str(notebook), notebook.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _with_defaults(declaration: type[NotebookParameters], notebook: str, mtime_ns: int) -> type[NotebookParameters]:
    cell = {name: d.default for name, d in read_cell(cell_source(Path(notebook))).items()}
    where = f"{Path(notebook).name}, parameters cell"
    missing = [name for name in declaration.model_fields if name not in cell]
    unknown = [name for name in cell if name not in declaration.model_fields]
    if missing or unknown:
        raise ParameterError("\n".join(
            [f"{where}: no line for {name!r}, which {declaration.__name__} declares" for name in missing]
            + [f"{where}: {name!r} is not declared by {declaration.__name__} (analysis/parameters.py)"
               for name in unknown]))
    fields = {}
    for name, field in declaration.model_fields.items():
        # the field as declared (pydantic's "Dynamic models" recipe), now with a default
        spec = field.asdict()
        fields[name] = (Annotated[(spec["annotation"], *spec["metadata"], Field(**spec["attributes"]))], cell[name])
    built = create_model(declaration.__name__, __base__=declaration, __module__=declaration.__module__,
                         __doc__=declaration.__doc__, **fields)
    bad = problems(built, {})  # validate_default: every default is checked like a given value
    if bad:
        raise ParameterError("\n".join(f"{where}: {line}" for line in bad))
    return built


# --- validation and its messages ------------------------------------------------------------------

INJECTED_HEADER = "# Parameters"
"""How papermill's injected-parameters cell starts, in a Python notebook."""


def unknown_injected(stem: str, history: Sequence[str] | None = None) -> list[str]:
    """One line per name papermill injected (``-p name value``) that notebook ``stem`` does not declare.

    papermill only warns about such a name and runs with the default, so a typo (``horizon_yeer``)
    would pass unseen. ``history``: the cells run so far (IPython's ``In``; read from the running
    kernel when None, and empty outside one). The last cell that starts as papermill's injected cell
    is read with :func:`analysis.params.read_cell`.
    """
    if history is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return []
        shell = get_ipython()
        history = shell.user_ns.get("In", []) if shell is not None else []
    cell = next((c for c in reversed(list(history)) if isinstance(c, str) and c.lstrip().startswith(INJECTED_HEADER)), None)
    if cell is None:
        return []
    declared = list(model(stem).model_fields)
    out = []
    for name in read_cell(cell):
        if name not in declared:
            close = difflib.get_close_matches(name, declared, n=2)
            hint = f" (did you mean {', '.join(close)}?)" if close else f"; the parameters are: {', '.join(declared)}"
            out.append(f"{name}: not a parameter of {stem}{hint}")
    return out


def validate(stem: str, values: dict, *, injected: bool = False) -> NotebookParameters:
    """``values`` checked against notebook ``stem``'s model: its types, bounds and choices; a value left
    out takes the default in the notebook's parameters cell. ``injected``: ``values`` are the running
    notebook's own parameters, so a name papermill was given that the notebook does not declare is
    refused too (:func:`unknown_injected`); False when a notebook checks another's (04 reads a demand
    scenario of 02). Raises :class:`~analysis.params.ParameterError` (a ``ValueError``) with one line
    per problem, naming the parameter and what was expected."""
    checked = model(stem)
    unknown = unknown_injected(stem) if injected else []
    try:
        result = checked.model_validate(values)
    except ValidationError as err:
        raise ParameterError("\n".join(unknown + _lines(checked, err))) from None
    if unknown:
        raise ParameterError("\n".join(unknown))
    return result


def problems(model: type[BaseModel], values: dict) -> list[str]:
    """One line per way ``values`` break ``model``; empty when they fit."""
    try:
        model.model_validate(values)
    except ValidationError as err:
        return _lines(model, err)
    return []


def _is_model(tp) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _unwrap(tp) -> tuple[Any, list]:
    """``Annotated[T, m1, m2]`` -> ``(T, [m1, m2])``, FieldInfos flattened into their metadata."""
    meta = []
    if typing.get_origin(tp) is Annotated:
        tp, *meta = typing.get_args(tp)
    flat = []
    for m in meta:
        flat += [m, *m.metadata] if isinstance(m, FieldInfo) else [m]
    return tp, flat


def _field_type(field: FieldInfo):
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _step(tp, item, top: bool):
    """One step of an error's location into a type: ``(shown, inner type)``. ``shown`` is the bare
    name for a field of the root model, ``['key']`` or ``[0]`` below it, and None for a union's tag
    (pydantic puts the tag in the location; the reader does not need it)."""
    base, _ = _unwrap(tp)
    if _is_model(base) and item in base.model_fields:
        return (item if top else f"[{item!r}]"), _field_type(base.model_fields[item])
    origin = typing.get_origin(base)
    if origin is dict:
        key, value = typing.get_args(base)
        return (None, key) if item == "[key]" else (f"[{item!r}]", value)
    if origin is list and isinstance(item, int):
        return f"[{item}]", typing.get_args(base)[0]
    if origin in (typing.Union, types.UnionType):
        for variant in typing.get_args(base):
            tag = getattr(variant, "model_fields", {}).get("dist")
            if tag is not None and typing.get_args(tag.annotation) == (item,):
                return None, variant
    return f"[{item!r}]", None


def _locate(root, loc) -> tuple[str, Any]:
    """(the path as a reader writes it, ``growth_pct_per_year['nev']``; the type found there)."""
    path, tp = "", root
    for item in loc:
        shown, tp = _step(tp, item, top=not path and _is_model(root)) if tp is not None else (f"[{item!r}]", None)
        path += shown or ""
    return path, tp


def _bounds(meta) -> dict:
    kinds = {at.Ge: "ge", at.Gt: "gt", at.Le: "le", at.Lt: "lt"}
    out = {kinds[type(m)]: getattr(m, kinds[type(m)]) for m in meta if type(m) in kinds}
    after = next((m for m in meta if isinstance(m, AfterBaseYear)), None)
    return {"ge": after.first(), **out} if after is not None else out


def _num(x) -> str:
    if isinstance(x, int):
        return f"{x:,}" if abs(x) >= 10_000 else str(x)
    return f"{x:g}"


def _range_words(b: dict) -> str:
    """``{"ge": 0, "le": 1}`` -> "from 0 to 1"; ``{"gt": 0, "le": 100}`` -> "above 0 and at most 100"."""
    low = f"from {_num(b['ge'])}" if "ge" in b else f"above {_num(b['gt'])}" if "gt" in b else ""
    high = f"at most {_num(b['le'])}" if "le" in b else f"below {_num(b['lt'])}" if "lt" in b else ""
    if "ge" in b and "le" in b:
        return f"from {_num(b['ge'])} to {_num(b['le'])}"
    if low and high:
        return f"{low} and {high}"
    return (low.replace("from ", ">= ") if low else high.replace("at most ", "<= "))


# pydantic's type errors (``float_type``, ``int_from_float``, ``string_type`` ...) by their first word
_KIND = {"float": "a number", "int": "a whole number", "string": "text", "bool": "true or false",
         "list": "a list", "tuple": "a list", "dict": "a mapping", "model": "a mapping"}


def _kind(error_type: str) -> str | None:
    if error_type == "finite_number":
        return "a finite number"
    if error_type.endswith(("_type", "_parsing", "_from_float")):
        return _KIND.get(error_type.split("_")[0])
    return None


def _choices(tp) -> list | None:
    base, meta = _unwrap(tp)
    if typing.get_origin(base) is Literal:
        return list(typing.get_args(base))
    one_of = next((m for m in meta if isinstance(m, OneOf)), None)
    return one_of.choices() if one_of is not None else None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(error: dict, tp) -> str:
    """What was expected, in words (pydantic's own message where there is nothing better)."""
    kind = error["type"]
    if _kind(kind) is not None:
        return f"expected {_kind(kind)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        base, meta = _unwrap(tp) if tp is not None else (None, [])
        bounds = _bounds(meta) or {k: v for k, v in error.get("ctx", {}).items() if k in ("ge", "gt", "le", "lt")}
        share = bounds.get("le") == 1 and isinstance(error["input"], (int, float)) and error["input"] >= 2  # 20 for 0.2
        return (f"expected {'a whole number' if base is int else 'a number'} {_range_words(bounds)}"
                + (" (a share: a fraction, not a percentage)" if share else ""))
    if kind == "literal_error" and tp is not None and _choices(tp):
        return f"expected one of {_join(_choices(tp))}"
    if kind in ("too_short", "too_long"):
        n = error["ctx"]["min_length" if kind == "too_short" else "max_length"]
        return f"expected {'at least' if kind == 'too_short' else 'at most'} {n} item{'' if n == 1 else 's'}"
    return error["msg"].removeprefix("Value error, ")


def _line(root, error: dict, where: str = "") -> str:
    """One error of pydantic's as one line: the path, what was expected, what was given."""
    loc, kind = error["loc"], error["type"]
    path, tp = _locate(root, loc)
    path = where + path
    if kind in ("extra_forbidden", "missing"):
        parent, parent_tp = _locate(root, loc[:-1])
        if kind == "missing":
            return f"{where + parent}: missing {loc[-1]!r}"
        allowed = list(_unwrap(parent_tp)[0].model_fields)
        if not where + parent:
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=3, cutoff=0.5)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            return f"unknown parameter {loc[-1]!r}{hint}; declared: {', '.join(allowed)}"
        return f"{where + parent}: unknown field {loc[-1]!r}; expected some of {', '.join(allowed)}"
    if kind == "union_tag_invalid":
        ctx = error["ctx"]
        return f"{path}[{ctx['discriminator']}]: expected one of {ctx['expected_tags']}, got {ctx['tag']!r}"
    if loc and loc[-1] == "[key]":  # a dict's key: pydantic's location is (..., the key, "[key]")
        parent, parent_tp = _locate(root, loc[:-2])
        tp = typing.get_args(_unwrap(parent_tp)[0])[0] if parent_tp is not None else None
        title = next((m.title for m in _unwrap(tp)[1] if isinstance(m, FieldInfo) and m.title), "key")
        if kind == "literal_error":
            return f"{where + parent}: unknown {title} {error['input']!r}; {_expected(error, tp)}"
        return f"{where + parent}: {title} {error['input']!r}: {_expected(error, tp)}"
    text = _expected(error, tp)
    big = isinstance(error["input"], (dict, list, tuple)) and len(repr(error["input"])) > 60
    got = f", got {_shown(error['input'])}" if text.startswith("expected") and not big else ""
    return f"{path}: {text}{got}" if path else f"{text}{got}"


def _lines(root, err: ValidationError, where: str = "") -> list[str]:
    return [_line(root, e, where) for e in err.errors(include_url=False)]


# --- the parameters cell: help texts, and a model for a notebook that has none -------------------

def help_text(model: type[NotebookParameters], name: str) -> str:
    """The trailing comment of parameter ``name`` in its notebook's cell: the description, then
    ``; range: lo..hi`` (either end may be open) and/or ``; one of: a, b``."""
    field = model.model_fields[name]
    text = field.description or ""
    tp = _field_type(field)
    base, _ = _unwrap(tp)
    item = typing.get_args(base)[0] if typing.get_origin(base) is list else tp
    choices = _choices(item)
    if choices:
        text += f"; one of: {', '.join(map(str, choices))}"
    bounds = _bounds(field.metadata)
    if {"gt", "lt"} & set(bounds):
        raise ValueError(f"{model.__name__}.{name}: a cell comment shows only inclusive bounds (ge, le)")
    if bounds:
        text += f"; range: {bounds.get('ge', '')}..{bounds.get('le', '')}"
    return text


_CHOICES = re.compile(r"one of:\s*([^;()]+)")
_RANGE = re.compile(r"range:\s*(-?[\d.]*)\s*\.\.\s*(-?[\d.]*)")
_PY_TYPES = {bool: bool, int: int, float: float, str: str, list: list, dict: dict}


def _from_comment(value, comment: str):
    """A field for a cell assignment without a model: the default's type and the comment's conventions."""
    tp = _PY_TYPES.get(type(value), Any)
    m = _CHOICES.search(comment)
    if m:
        choices = tuple(c.strip() for c in m.group(1).split(",") if c.strip())
        tp = list[Literal[choices]] if tp is list else Literal[choices] if tp is str else tp
    kwargs = {}
    m = _RANGE.search(comment)
    if m and tp in (int, float):
        lo, hi = (float(x) if x not in ("", ".") else None for x in m.groups())
        kwargs = {k: (int(v) if tp is int and v == int(v) else v) for k, v in (("ge", lo), ("le", hi)) if v is not None}
    return tp, Field(value, description=comment, **kwargs)


@lru_cache(maxsize=None)
def _cell_model(notebook: str, mtime: float) -> type[NotebookParameters]:
    fields = {name: _from_comment(d.default, d.help) for name, d in read_cell(cell_source(Path(notebook))).items()}
    return create_model(f"Cell_{Path(notebook).stem}", __base__=NotebookParameters, **fields)


def model_for(notebook: Path) -> type[NotebookParameters]:
    """The notebook's model: its declaration with the cell's defaults (:func:`with_defaults`), or,
    for a notebook without a declaration, one built from its parameters cell alone."""
    notebook = Path(notebook)
    if notebook.stem in DECLARATIONS:
        return with_defaults(DECLARATIONS[notebook.stem], notebook)
    return _cell_model(str(notebook), notebook.stat().st_mtime)


# --- writing the cells' comments ------------------------------------------------------------------

def _rewrite(source: str, model: type[NotebookParameters]) -> str:
    """The cell's source with each parameter's trailing comment replaced by :func:`help_text`."""
    lines = source.split("\n")
    cuts = {tok.start[0]: tok.start[1] for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT}
    for name, d in read_cell(source).items():
        if name in model.model_fields:
            code = lines[d.line - 1][:cuts.get(d.line, len(lines[d.line - 1]))].rstrip()
            lines[d.line - 1] = f"{code}  # {help_text(model, name)}"
    return "\n".join(lines)


def write_cells(notebooks: Path | None = None) -> list[Path]:
    """Rewrite the parameters cell's comments of every registered notebook's py:percent script and
    re-pair its .ipynb (jupytext, keeping cell ids); return the scripts that changed."""
    import subprocess
    import sys

    folder = Path(notebooks) if notebooks is not None else paths.NOTEBOOKS
    changed = []
    for stem, declaration in DECLARATIONS.items():
        script = folder / f"{stem}.py"
        text = script.read_text(encoding="utf-8")
        m = re.search(r'^# %% tags=\["parameters"\]\n(.*?)(?=^# %%)', text, flags=re.S | re.M)
        new = text[:m.start(1)] + _rewrite(m.group(1), declaration) + text[m.end(1):]
        if new != text:
            script.write_text(new, encoding="utf-8")
            subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--sync", str(script)], check=True)
            changed.append(script)
    return changed


if __name__ == "__main__":
    for path in write_cells():
        print(f"rewrote the parameters comments of {path.name} (and its .ipynb)")
