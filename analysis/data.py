"""Load the curated datasets in data/ and validate them against the catalogue.

Every dataset is described once, in ``data/catalogue.yaml``: its file, its columns, its key. This
module turns that description into a pandera schema, so a bad value is reported with the file,
the CSV line, the column and what was expected::

    >>> from analysis import load
    >>> prices = load("prices")
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from analysis import cache, paths
from analysis.formatting import significant

SEED_SOURCE_KIND = "seed"


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the data allows."""

    file: str
    line: int | None  # 1-based line in the CSV file (the header is line 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """Raised when a dataset does not match its schema; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} data problem(s):\n{lines}{more}")


@functools.cache
def catalogue(path: Path = paths.CATALOGUE) -> dict:
    """The parsed field dictionary and dataset catalogue (``data/catalogue.yaml``)."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: 8x faster


def dataset_names() -> list[str]:
    """Names of every dataset in the catalogue, sources first."""
    return list(catalogue()["datasets"])


def field(name: str) -> dict:
    """The field-dictionary entry for one column."""
    return catalogue()["fields"][name]


def dataset_path(name: str, data_dir: Path = paths.DATA) -> Path:
    return Path(data_dir) / catalogue()["datasets"][name]["file"]


# --- schema construction ----------------------------------------------------------------------

_PANDAS_DTYPE = {"str": str, "int": "Int64", "float": float, "bool": bool, "date": "datetime64[ns]"}


def _checks(spec: dict) -> list[pa.Check]:
    checks = []
    if "allowed" in spec:
        allowed = spec["allowed"]
        checks.append(pa.Check.isin(allowed, error=f"expected one of {allowed}"))
    if "min" in spec:
        checks.append(pa.Check.ge(spec["min"], error=f"expected a number >= {spec['min']}"))
    if "max" in spec:
        checks.append(pa.Check.le(spec["max"], error=f"expected a number <= {spec['max']}"))
    if "pattern" in spec:
        what = spec.get("expected") or f"text matching {spec['pattern']}"
        checks.append(pa.Check.str_matches(spec["pattern"], error=f"expected {what}"))
    if spec.get("calendar"):  # matching the pattern is not enough: 2026-13 is no month
        what = spec.get("expected") or "a calendar date"
        checks.append(pa.Check(lambda s: s.map(_on_calendar), element_wise=False, name="calendar",
                               error=f"expected {what} that exists on the calendar"))
    return checks


def _on_calendar(text) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real year, month or day (missing passes)."""
    if not isinstance(text, str):
        return True
    fmt = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}.get(len(text))
    if fmt is None:
        return False
    try:
        dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def schema(name: str, source_ids: set[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a dataset, built from the catalogue.

    ``source_ids``, when given, restricts ``source_id`` to known sources.
    """
    spec = catalogue()["datasets"][name]
    # signed_when: {column: unit, values: [pct]} lets the value fields of those rows go negative
    # (a fall, down to -100%); everywhere else their field's min still holds.
    signed = spec.get("signed_when")
    frame_checks = []
    columns = {}
    for col in spec["columns"]:
        f = field(col)
        if signed and f.get("min") == 0 and col in signed.get("fields", []):
            f = {k: v for k, v in f.items() if k != "min"}
            frame_checks.append(_signed_check(col, signed["column"], signed["values"]))
        checks = _checks(f)
        if col == "source_id" and source_ids is not None and name != "sources":
            checks.append(pa.Check.isin(sorted(source_ids), error="expected a source_id listed in sources.csv"))
        nullable = bool(f.get("nullable", False)) and col not in spec["key"]
        columns[col] = pa.Column(_PANDAS_DTYPE[f["dtype"]], checks=checks, nullable=nullable,
                                 description=f.get("description"))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=True, ordered=True, unique=spec["key"],
                              report_duplicates="all", name=name)


def _signed_check(col: str, by: str, values: list) -> pa.Check:
    """``col`` >= 0, except >= -100 on rows whose ``by`` is one of ``values`` (rates that fell)."""
    def ok(df: pd.DataFrame) -> pd.Series:
        signed = df[by].isin(values)
        return df[col].isna() | (df[col] >= 0) | (signed & (df[col] >= -100))

    return pa.Check(ok, name=f"{col}_sign",
                    error=f"[{col}] expected a number >= 0 (>= -100 where {by} is {', '.join(values)})")


# --- reading ----------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _line(df: pd.DataFrame, idx) -> int:
    """The CSV line a row starts on (the header is line 1); quoted fields may span lines."""
    lines = df.attrs.get("lines")
    return int(lines[int(idx)]) if lines is not None and 0 <= int(idx) < len(lines) else int(idx) + 2


def csv_lines(name: str, data_dir: Path | str = paths.DATA) -> list[int]:
    """The line each data row of a dataset's CSV starts on, for messages about rows of a loaded frame."""
    return _read_raw(dataset_path(name, data_dir)).attrs["lines"]


def _read_raw(path: Path, expected_columns: list[str] | None = None) -> pd.DataFrame:
    """Every cell of a CSV file as text (empty cells as missing), with each row's line in ``attrs["lines"]``.

    Read with the ``csv`` module in strict mode rather than ``pandas.read_csv``, so a malformed file
    gives ``file:line: what is wrong`` (raised as :class:`DataValidationError`), never a parser
    traceback: bytes that are not UTF-8, an empty file, a header only, an unbalanced quote, a row
    with more or fewer fields than the header, a file separated by ``;`` or tabs.
    """
    path = Path(path)
    file = path.name
    raw = path.read_bytes()

    def fail(line, message):
        raise DataValidationError([Problem(file, line, None, message)])

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        fail(raw[:err.start].count(b"\n") + 1,
             f"not UTF-8 text: byte 0x{raw[err.start]:02x} at offset {err.start}; save the file as UTF-8")
    if not text.strip():
        fail(None, "empty file: expected a header line and at least one data row")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    try:
        header = next(reader)
        width = len(header)
        if expected_columns and width == 1 and len(expected_columns) > 1:
            sep = next((s for s in (";", "\t", "|") if s in header[0]), None)
            if sep is not None:
                fail(1, f"the header is one field separated by {sep!r}; expected comma-separated columns "
                        f"({', '.join(expected_columns)})")
        start = reader.line_num + 1
        for row in reader:
            if row and len(row) != width:
                fail(start, f"{len(row)} fields where the header has {width}; "
                            "check for an unquoted comma, or a missing or extra field")
            if row:
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        fail(reader.line_num or 1, f"malformed CSV ({err}); check for an unbalanced double quote")
    if not rows:
        fail(None, "no data rows: expected at least one row under the header")
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df = df.where(df != "", None).astype(object)
    df.attrs["lines"] = lines
    return df


def _parse(name: str, raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert text columns to their catalogue types; unparseable cells become problems."""
    df = raw.copy()
    problems: list[Problem] = []
    for col in df.columns:
        if col not in catalogue()["fields"]:
            continue  # reported by the strict schema as an unexpected column
        dtype = field(col)["dtype"]
        text = df[col]
        if dtype == "str":
            continue
        if dtype == "bool":
            parsed = text.map({"True": True, "False": False})
            expected = "True or False"
        elif dtype == "date":
            ok = text.isna() | text.astype("string").str.fullmatch(_DATE_RE.pattern).fillna(False)
            parsed = pd.to_datetime(text.where(ok), format="%Y-%m-%d", errors="coerce")
            expected = "a date YYYY-MM-DD"
        else:  # int / float
            parsed = pd.to_numeric(text, errors="coerce")
            parsed = parsed.where(parsed.abs() != math.inf)  # inf is not a figure anyone published
            expected = "an integer" if dtype == "int" else "a finite number"
            if dtype == "int":
                whole = parsed.isna() | (parsed == parsed.round())
                parsed = parsed.where(whole)
        bad = text.notna() & parsed.isna()
        for idx in df.index[bad]:
            problems.append(Problem(file, _line(raw, idx), col, f"got {text[idx]!r}, expected {expected}"))
        if bad.any():
            continue
        if dtype == "bool":
            df[col] = parsed.astype("boolean") if parsed.isna().any() else parsed.astype(bool)
        elif dtype == "int":
            df[col] = parsed.astype("Int64")
        elif dtype == "float":
            df[col] = parsed.astype(float)
        else:
            df[col] = parsed
    return df, problems


def _schema_problems(err: pa.errors.SchemaErrors, file: str, frame: pd.DataFrame) -> list[Problem]:
    problems = []
    cases = err.failure_cases
    for _, case in cases.iterrows():
        column = case.get("column")
        column = None if pd.isna(column) else str(column)
        index = case.get("index")
        line = None if index is None or pd.isna(index) else _line(frame, index)
        check = str(case.get("check"))
        value = case.get("failure_case")
        about = re.match(r"^\[(\w+)\] (.*)$", check)
        if about:  # a row-wise check on one column (see _signed_check): pandera lists every cell of the row
            if column == about.group(1):
                problems.append(Problem(file, line, column, f"got {value!r}, {about.group(2)}"))
        elif check == "column_in_dataframe":
            problems.append(Problem(file, None, str(value), "missing column"))
        elif check == "column_in_schema":
            problems.append(Problem(file, None, str(value), "unexpected column (not in catalogue.yaml)"))
        elif check == "column_ordered":
            problems.append(Problem(file, None, str(value), "column out of the catalogue's order"))
        elif check == "not_nullable":
            problems.append(Problem(file, line, column, "empty, expected a value"))
        elif check.startswith("DataFrameSchema(") or "unique" in check or check == "multiple_fields_uniqueness":
            problems.append(Problem(file, line, column, f"duplicate key {value!r}: the key columns must be unique"))
        elif check.startswith("dtype("):
            problems.append(Problem(file, line, column, f"wrong type: {value}"))
        else:
            problems.append(Problem(file, line, column, f"got {value!r}, {check}"))
    # One line per (line, column, message): pandera reports duplicate keys once per key column.
    return sorted(set(problems), key=lambda p: (p.line or 0, p.column or "", p.message))


def validate_frame(name: str, raw: pd.DataFrame, file: str, source_ids: set[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and validate a raw (all-text) frame; return the typed frame and its problems.

    After the schema (types, allowed values, keys, sources), the catalogue's ``plausible`` ranges and
    ``ordered`` columns are checked (see :func:`plausibility_problems`).
    """
    df, problems = _parse(name, raw, file)
    if problems:
        return df, problems
    try:
        df = schema(name, source_ids).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems.extend(_schema_problems(err, file, raw))
        return df, problems
    df.attrs["lines"] = raw.attrs.get("lines")
    problems.extend(plausibility_problems(name, df, file))
    return df, problems


def _value_text(x) -> str:
    """A value in a problem's message: a number as precise as a CSV cell usually is (6 significant
    figures), whole from 1e6; text (a month) quoted."""
    return repr(x) if isinstance(x, str) else significant(x, 6, whole_from=1e6)


def plausibility_problems(name: str, df: pd.DataFrame, file: str) -> list[Problem]:
    """Values outside the catalogue's plausible range for their unit, and ranges given in the wrong order.

    A dataset's ``plausible`` entry lists rules ``{fields, range: [lo, hi]}`` or
    ``{fields, by: <unit column>, ranges: {<unit>: [lo, hi]}}``; a unit with no range declared is
    itself a problem, so every quantity has one. ``ordered`` lists columns that must not decrease
    along a row (low <= avg <= high, period_start <= period_end); missing cells are skipped.
    """
    spec = catalogue()["datasets"][name]
    problems: list[Problem] = []
    for rule in spec.get("plausible", []):
        by = rule.get("by")
        for idx, row in df.iterrows():
            if by is None:
                bounds, what = rule["range"], ""
            else:
                unit = row[by]
                if unit not in rule["ranges"]:
                    problems.append(Problem(file, _line(df, idx), by, f"no plausible range declared for {by} {unit!r} "
                                            f"in catalogue.yaml ({name}: plausible)"))
                    continue
                bounds, what = rule["ranges"][unit], f" {unit}"
            if bounds is None:
                continue  # e.g. unit 'text': no number to check
            lo, hi = bounds
            for col in rule["fields"]:
                value = row[col]
                if pd.isna(value):
                    continue
                if not lo <= value <= hi:
                    problems.append(Problem(file, _line(df, idx), col,
                                            f"got {_value_text(value)}{what}, outside the plausible range {_value_text(lo)}.."
                                            f"{_value_text(hi)}{what} (catalogue.yaml); a typo or a unit slip?"))
    order = spec.get("ordered")
    if order:
        for idx, row in df.iterrows():
            present = [(c, row[c]) for c in order if not pd.isna(row[c])]
            for (a, va), (b, vb) in zip(present, present[1:]):
                if va > vb:
                    problems.append(Problem(file, _line(df, idx), b, f"got {_value_text(vb)}, below {a} {_value_text(va)}; "
                                            f"expected {' <= '.join(order)}"))
    return problems


def _load_validated(name: str, directory: Path) -> pd.DataFrame:
    source_ids = None
    if name != "sources":
        source_ids = set(_load_shared("sources", directory)["source_id"])
    path = dataset_path(name, directory)
    if not path.exists():
        raise DataValidationError([Problem(path.name, None, None, "file not found")])
    df, problems = validate_frame(name, _read_raw(path, catalogue()["datasets"][name]["columns"]), path.name, source_ids)
    if problems:
        raise DataValidationError(problems)
    df.attrs.pop("lines", None)  # pandas deep-copies attrs on every operation: keep them small
    df.attrs.update(dataset=name, file=path.name, title=catalogue()["datasets"][name]["title"])
    return df


def _load_shared(name: str, directory: Path) -> pd.DataFrame:
    """The validated frame, parsed and checked once per version of the folder (see analysis.cache)."""
    return cache.shared(f"data.load:{name}", directory, lambda: _load_validated(name, directory))


def load(name: str, data_dir: Path | str = paths.DATA) -> pd.DataFrame:
    """Load one dataset by name as a typed, validated DataFrame (a fresh copy each call).

    A file is parsed and validated once per version of the data folder (then served from memory).
    Raises :class:`DataValidationError` naming file, line and column of every problem.
    """
    if name not in catalogue()["datasets"]:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(dataset_names())}")
    return _load_shared(name, Path(data_dir).resolve()).copy()


def load_all(data_dir: Path | str = paths.DATA) -> dict[str, pd.DataFrame]:
    """Every dataset, by name."""
    return {name: load(name, data_dir) for name in dataset_names()}


def one(frame: pd.DataFrame, what: str | None = None, /, **conditions) -> pd.Series:
    """The one row of ``frame`` whose columns equal ``conditions``, e.g. ``one(load("market_figures"), metric="x")``.

    Raises ``LookupError`` naming the dataset and the conditions when no row or several rows match.
    The dataset is ``what`` if given, else the file a loaded frame came from (``frame.attrs``), else
    "table". A missing value in a condition matches missing values.
    """
    name = what or frame.attrs.get("file") or frame.attrs.get("dataset") or "table"
    unknown = [c for c in conditions if c not in frame.columns]
    if unknown:
        raise KeyError(f"{name}: no column {', '.join(map(repr, unknown))}; columns: {', '.join(map(str, frame.columns))}")
    mask = pd.Series(True, index=frame.index)
    for column, value in conditions.items():
        mask &= frame[column].isna() if _is_missing(value) else frame[column].eq(value)
    rows = frame[mask]
    if len(rows) != 1:
        said = ", ".join(f"{c}={v!r}" for c, v in conditions.items()) or "no conditions"
        raise LookupError(f"{name}: expected one row with {said}, found {len(rows)}")
    return rows.iloc[0]


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def clear_cache() -> None:
    """Forget loaded datasets and every result computed from them (see :mod:`analysis.cache`).

    Edits to data/ are noticed anyway (by file time and size); this is for the odd edit that keeps both."""
    cache.clear()


# --- provenance -------------------------------------------------------------------------------

def normalise_text(text: str) -> str:
    """Collapse runs of whitespace, so passages match across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def seed_texts(data_dir: Path | str = paths.DATA, seeds_dir: Path = paths.SEEDS) -> dict[str, str]:
    """Normalised text of each seed document, by source_id."""
    sources = load("sources", data_dir)
    seeds = sources[sources["kind"] == SEED_SOURCE_KIND]
    return {row.source_id: normalise_text((Path(seeds_dir) / row.seed_file).read_text(encoding="utf-8"))
            for row in seeds.itertuples()}


def research_note_texts(notes_dir: Path = paths.RESEARCH_NOTES) -> dict[str, str]:
    """Normalised text of each research note copied under data/research_notes/, by file name."""
    return {p.name: normalise_text(p.read_text(encoding="utf-8")) for p in sorted(Path(notes_dir).glob("*.md"))}


def provenance_problems(data_dir: Path | str = paths.DATA, seeds_dir: Path = paths.SEEDS,
                        notes_dir: Path = paths.RESEARCH_NOTES) -> tuple[list[Problem], int]:
    """Check seed checksums and that every passage is found in its source text.

    Returns the problems and the number of passages checked.
    """
    problems: list[Problem] = []
    sources = load("sources", data_dir)
    for row in sources[sources["kind"] == SEED_SOURCE_KIND].itertuples():
        path = Path(seeds_dir) / str(row.seed_file)
        if not path.exists():
            problems.append(Problem("sources.csv", None, "seed_file", f"{row.seed_file} not found under seeds/"))
        elif sha256(path) != row.sha256:
            problems.append(Problem("sources.csv", None, "sha256", f"{row.seed_file} does not match its recorded checksum"))
    seeds = seed_texts(data_dir, seeds_dir)
    notes = research_note_texts(notes_dir)
    all_notes = " ".join(notes.values())
    checked = 0
    for name in dataset_names():
        spec = catalogue()["datasets"][name]
        if "passage" not in spec["columns"]:
            continue
        df = load(name, data_dir)
        df.attrs["lines"] = csv_lines(name, data_dir)
        for idx, row in df.iterrows():
            checked += 1
            passage = normalise_text(str(row["passage"]))
            sid = row["source_id"]
            if sid in seeds:
                haystack, where = seeds[sid], f"seed {sid}"
            else:  # one source can be quoted in more than one research note
                haystack, where = all_notes, "the research notes"
            if passage not in haystack:
                problems.append(Problem(spec["file"], _line(df, idx), "passage", f"not found verbatim in {where}: {passage[:80]!r}"))
    return problems, checked


FORECAST_STATUSES = ("forecast", "expected")


def _latest_date(published: str) -> pd.Timestamp | None:
    """The latest day a YYYY, YYYY-MM or YYYY-MM-DD publication date can mean."""
    if not isinstance(published, str) or not published:
        return None
    if len(published) == 4:
        return pd.Timestamp(f"{published}-12-31")
    if len(published) == 7:
        return pd.Timestamp(f"{published}-01") + pd.offsets.MonthEnd(0)
    return pd.Timestamp(published)


def temporal_problems(data_dir: Path | str = paths.DATA) -> list[Problem]:
    """Forecasts and actuals told apart by their ``status`` column, checked against their source's date,
    in every dataset the catalogue marks ``outcomes: true``.

    A forecast (status forecast or expected) must come from a source with a publication date: a
    forecast is only readable with the date it was made. An actual must come from a source published
    after its period ended (the year, or its ``months`` for a part-year figure); one published
    earlier is a forecast mislabelled.
    """
    sources = load("sources", data_dir).set_index("source_id")["date_published"]
    problems = []
    for name in dataset_names():
        spec = catalogue()["datasets"][name]
        if not spec.get("outcomes") or not {"status", "year", "source_id"} <= set(spec["columns"]):
            continue  # e.g. a quota is 'actual' once issued, before its year ends
        df = load(name, data_dir)
        df.attrs["lines"] = csv_lines(name, data_dir)
        for idx, row in df.iterrows():
            published = sources.get(row["source_id"])
            line = _line(df, idx)
            if row["status"] in FORECAST_STATUSES:
                if _latest_date(published) is None:
                    problems.append(Problem(spec["file"], line, "status", f"a {row['status']} needs the date it was made: "
                                            f"source {row['source_id']!r} has no date_published in sources.csv"))
                continue
            months = int(row["months"]) if "months" in df.columns else 12
            period_end = pd.Timestamp(f"{int(row['year'])}-{months:02d}-01") + pd.offsets.MonthEnd(0)
            latest = _latest_date(published)
            if latest is not None and latest < period_end:
                problems.append(Problem(spec["file"], line, "status", f"an actual for a period ending {period_end:%Y-%m-%d} "
                                        f"from a source published {published}: before the period ended, so a forecast"))
    return problems


def validate_all(data_dir: Path | str = paths.DATA) -> list[Problem]:
    """Every schema and provenance problem in data/ (an empty list when all is well)."""
    clear_cache()
    problems: list[Problem] = []
    for name in dataset_names():
        try:
            load(name, data_dir)
        except DataValidationError as err:
            problems.extend(err.problems)
            if name == "sources":
                return problems  # nothing else can be checked without the catalogue of sources
    if not problems:
        problems.extend(temporal_problems(data_dir))
        problems.extend(provenance_problems(data_dir)[0])
    return problems


# --- overview -----------------------------------------------------------------------------------

def observation_years(name: str, df: pd.DataFrame | None = None) -> pd.Series:
    """The calendar year of each row of a dataset (from its date, year or period column)."""
    df = load(name) if df is None else df
    if "date" in df:
        return df["date"].dt.year
    if "year" in df:
        return df["year"].astype("Int64")
    if "period_end" in df:
        return df["period_end"].str[:4].astype(int)
    raise KeyError(f"dataset {name!r} has no date, year or period column")


MONTHLY_SERIES = {"exports": lambda df: df["period_end"].max(), "prices": lambda df: df["date"].max().strftime("%Y-%m")}


def data_as_of(*datasets: str) -> str:
    """The latest month (YYYY-MM) the monthly series in data/ run to: export months and dated price
    quotes, or only those of ``datasets`` (a report about prices is as recent as its prices)."""
    return max(MONTHLY_SERIES[name](load(name)) for name in (datasets or MONTHLY_SERIES))


def catalogue_table() -> pd.DataFrame:
    """One row per dataset: title, file, rows, sources used and the years covered."""
    rows = []
    for name in dataset_names():
        df = load(name)
        spec = catalogue()["datasets"][name]
        row = {"dataset": name, "title": spec["title"], "file": f"data/{spec['file']}", "rows": len(df),
               "sources": df["source_id"].nunique()}
        try:
            years = observation_years(name, df)
            row.update(first_year=int(years.min()), last_year=int(years.max()))
        except KeyError:
            row.update(first_year=None, last_year=None)
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"first_year": "Int64", "last_year": "Int64"})


def coverage_by_year(start_year: int, end_year: int) -> pd.DataFrame:
    """Observations per dataset (rows) and year (columns), for the coverage heat map."""
    if start_year > end_year:
        raise ValueError(f"start_year ({start_year}) must not be after end_year ({end_year})")
    out = {}
    for name in dataset_names():
        try:
            years = observation_years(name)
        except KeyError:
            continue
        counts = years.value_counts()
        out[name] = {y: int(counts.get(y, 0)) for y in range(start_year, end_year + 1)}
    return pd.DataFrame(out).T


def _name_the_datasets() -> None:
    """Shift+Tab on ``load`` in JupyterLab lists the datasets it takes, read from the catalogue."""
    try:
        lines = [f"    {n}: {spec['title']}" for n, spec in catalogue()["datasets"].items()]
    except OSError:
        return
    load.__doc__ = (load.__doc__ or "") + "\n    Datasets (data/catalogue.yaml):\n\n" + "\n".join(lines) + "\n"


_name_the_datasets()
