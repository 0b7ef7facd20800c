"""The bad-input catalogue: each broken or hostile input, the exit code and message it must get.

Every case runs the real command line on a scratch copy of the project that already holds a
"last good" set of reports. Each must exit with its code, name the file (and line, column or
parameter) in its message, print no Python traceback, and leave data/ and the reports exactly as
they were. The cases are data (``CASES``); the checks are one test.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import project_copy

HOSTILE_NAME = 'q"><img src=x onerror=alert(1)>'


def _sub(file: str, line: int, old: str, new: str):
    """Replace ``old`` by ``new`` on one line (1-based) of a data file."""
    def edit(root: Path):
        path = root / "data" / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert old in lines[line - 1], f"fixture out of date: {old!r} not on {file}:{line}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        path.write_text("".join(lines), encoding="utf-8")
    return edit


def _write(rel: str, content: str | bytes):
    def edit(root: Path):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return edit


def _append_bytes(rel: str, content: bytes):
    def edit(root: Path):
        with open(root / rel, "ab") as fh:
            fh.write(content)
    return edit


def _header_only(rel: str):
    def edit(root: Path):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return edit


def _semicolons(rel: str):
    def edit(root: Path):
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    return edit


def _scenario(text: str, name: str = "bad", notebook: str = "02_demand_buildup"):
    return _write(f"scenarios/{notebook}/{name}.yaml", text)


# prices.csv line 2: nd_metal,...,2026-02-11,day,1080000,1090000,1085000,CNY/t,...
P2 = "1080000,1090000,1085000"
VALIDATE, REPORT = ("validate",), ("report",)

CASES = [
    # --- malformed CSV files: file:line: what is wrong, exit 1 -----------------------------------------
    ("unbalanced quote", _sub("prices.csv", 3, ",day,", ',day,"'), VALIDATE, 1, "prices.csv:3: malformed CSV"),
    ("extra field", _sub("prices.csv", 3, ",CNY/t,", ",CNY/t,extra,"), VALIDATE, 1,
     "prices.csv:3: 13 fields where the header has 12"),
    ("wrong delimiter", _semicolons("data/prices.csv"), VALIDATE, 1, "prices.csv:1: the header is one field separated by ';'"),
    ("empty file", _write("data/prices.csv", ""), VALIDATE, 1, "prices.csv: empty file"),
    ("non-UTF-8 bytes", _append_bytes("data/exports.csv", b"2026-04,2026-04,total,5000,t,magnets,x,\xff\xfe,\n"),
     VALIDATE, 1, "exports.csv:"),
    ("header only", _header_only("data/exports.csv"), VALIDATE, 1, "exports.csv: no data rows"),
    ("header only, build", _header_only("data/exports.csv"), REPORT, 1, "exports.csv: no data rows"),
    ("month not on the calendar", _sub("exports.csv", 2, "2021-09,2021-09,", "2021-13,2021-09,"), VALIDATE, 1,
     "exports.csv:2 [period_start]: got '2021-13', expected a month YYYY-MM that exists on the calendar"),
    ("period ending before it starts", _sub("exports.csv", 3, "2021-01,2021-09,", "2021-10,2021-09,"), VALIDATE, 1,
     "exports.csv:3 [period_end]: got '2021-09', below period_start '2021-10'"),
    ("day not on the calendar", _sub("sources.csv", 3, ",2026-02-11,", ",2026-02-30,"), VALIDATE, 1,
     "sources.csv:3 [date_published]: got '2026-02-30', expected a date YYYY, YYYY-MM or YYYY-MM-DD that exists"),
    # --- implausible numbers: file:line [column], the value and the range ----------------------------
    ("low above high", _sub("prices.csv", 2, P2, "1095000,1090000,1092000"), VALIDATE, 1,
     "prices.csv:2 [price_avg]: got 1,092,000, below price_low 1,095,000"),
    ("average outside its range", _sub("prices.csv", 2, P2, "1080000,1090000,2085000"), VALIDATE, 1,
     "prices.csv:2 [price_high]: got 1,090,000, below price_avg 2,085,000"),
    ("infinite price", _sub("prices.csv", 2, P2, "inf,1090000,1085000"), VALIDATE, 1,
     "prices.csv:2 [price_low]: got 'inf', expected a finite number"),
    ("NaN price", _sub("prices.csv", 2, P2, "nan,1090000,1085000"), VALIDATE, 1,
     "prices.csv:2 [price_low]: got 'nan', expected a finite number"),
    ("absurd price", _sub("prices.csv", 2, P2, "1e30,1e30,1e30"), VALIDATE, 1,
     "prices.csv:2 [price_low]: got 1e+30 CNY/t, outside the plausible range 10,000..10,000,000 CNY/t"),
    ("absurd price, build", _sub("prices.csv", 2, P2, "1e30,1e30,1e30"), REPORT, 1, "outside the plausible range"),
    ("absurd FX rate", _sub("fx_rates.csv", 2, "6.9081", "69.081"), VALIDATE, 1, "fx_rates.csv:2 [rate_cny_per_usd]"),
    ("tonnage slip", _sub("exports.csv", 2, ",4602,", ",4602000,"), VALIDATE, 1,
     "exports.csv:2 [value]: got 4,602,000 t, outside the plausible range 0..500,000 t"),
    # --- forecasts and actuals: the status column against the source's date ----------------------------
    ("an actual published before its period ended",
     _sub("sources.csv", 198, "NdFeB blank output, December 2025 and full year\",2026-01,", "NdFeB blank output, December 2025 and full year\",2025-06,"),
     VALIDATE, 1, "magnet_production.csv:23 [status]: an actual for a period ending 2025-12-31 from a source published 2025-06"),
    ("a forecast without the date it was made",
     _sub("sources.csv", 96, ",2022-08-05,", ",,"), VALIDATE, 1,
     "magnet_production.csv:12 [status]: a forecast needs the date it was made"),
    # --- provenance: the build runs the same checks as validate -----------------------------------------
    ("passage not in its source, build", _sub("demand_china.csv", 2, "full-year 2024 NEV", "full-year 2042 NEV"), REPORT, 1,
     "demand_china.csv:2 [passage]: not found verbatim"),
    # --- scenario files: file: what is wrong, exit 2, nothing run -------------------------------------
    ("YAML syntax error", _scenario("horizon_year: [2030\n"), REPORT, 2,
     "scenarios/02_demand_buildup/bad.yaml: not valid YAML at line"),
    ("a list, not a mapping", _scenario("- horizon_year\n- 2030\n"), REPORT, 2,
     "scenarios/02_demand_buildup/bad.yaml: expected a mapping of parameter: value, got a list"),
    ("empty scenario", _scenario("# nothing here\n"), REPORT, 2,
     "scenarios/02_demand_buildup/bad.yaml: empty: a scenario needs at least one parameter"),
    ("duplicate key", _scenario("horizon_year: 2030\nhorizon_year: 2035\n"), REPORT, 2,
     "bad.yaml: not valid YAML at line 2, column 1: duplicate key 'horizon_year' (first at line 1)"),
    ("unknown parameter", _scenario("horizon_yaer: 2030\n"), REPORT, 2, "unknown parameter 'horizon_yaer' (did you mean horizon_year?)"),
    ("nested wrong type", _scenario("growth_pct_per_year: {nev: fast, wind: 1, air_conditioner: 1, elevator: 1, "
                                    "mobile_phone: 1, industrial_robot: 1}\n"), REPORT, 2,
     "bad.yaml: growth_pct_per_year['nev']: expected a number, got 'fast'"),
    ("nested unknown sector", _scenario("technology_share: {spaceships: 0.5}\n"), REPORT, 2,
     "bad.yaml: technology_share: unknown sector 'spaceships'"),
    ("negative sd", _scenario("mc_distributions: {growth_pct_per_year.nev: {dist: normal, sd: -3.0}}\n"), REPORT, 2,
     "bad.yaml: mc_distributions['growth_pct_per_year.nev']['sd']: expected a number >= 0, got -3.0"),
    ("NaN value", _scenario("humanoid_kg_per_robot: .nan\n"), REPORT, 2, "humanoid_kg_per_robot: expected a finite number, got nan"),
    ("nested NaN", _scenario("technology_share: {wind: .nan}\n"), REPORT, 2, "technology_share['wind']: expected a finite number, got nan"),
    ("supply: rate above 1", _scenario("collection_rate: 1.5\n", notebook="04_supply_balance"), REPORT, 2,
     "scenarios/04_supply_balance/bad.yaml: collection_rate: expected a number from 0 to 1, got 1.5"),
    ("supply: nested lifetime", _scenario("lifetime_mean_years: {nev: -15}\n", notebook="04_supply_balance"), REPORT, 2,
     "scenarios/04_supply_balance/bad.yaml: lifetime_mean_years"),
    ("folder without a notebook", _scenario("x: 1\n", notebook="07_nothing"), REPORT, 2,
     "scenarios/07_nothing/: no notebook notebooks/07_nothing.ipynb"),
    ("hostile file name", _scenario("horizon_year: 2035\n", name=HOSTILE_NAME), REPORT, 2,
     "a scenario name may hold only letters, digits, '_' and '-'"),
    ("not a .yaml file", _write("scenarios/02_demand_buildup/high.yml", "horizon_year: 2035\n"), REPORT, 2,
     "high.yml: not a scenario file; scenario files end in .yaml"),
    # --- usage errors: exit 2 ------------------------------------------------------------------------
    ("unknown notebook", None, ("report", "09_nothing"), 2, "unknown notebook '09_nothing'"),
    ("zero jobs", None, ("report", "-j", "0"), 2, "expected a whole number of at least 1, got 0"),
    ("jobs not a number", None, ("report", "-j", "two"), 2, "expected a whole number of at least 1, got 'two'"),
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A project copy with a stand-in for the last good reports (the cases never get as far as running)."""
    root = project_copy.make(tmp_path_factory.mktemp("pristine") / "project")
    reports = root / "reports"
    reports.mkdir()
    (reports / "index.html").write_text("<p>last good index</p>\n", encoding="utf-8")
    (reports / "00_data_overview.html").write_text("<p>last good report</p>\n", encoding="utf-8")
    (reports / "manifest.json").write_text(json.dumps({"runs": []}) + "\n", encoding="utf-8")
    return root


def test_the_catalogue_covers_every_kind_of_bad_input():
    assert len(CASES) >= 30
    assert {code for *_, code, _ in CASES} == {1, 2}


def _run_case(pristine, tmp_root, case):
    """Apply one case to a fresh copy, run the command line; return what the assertions need."""
    import shutil

    label, edit, args, _, _ = case
    root = tmp_root / f"case{CASES.index(case)}" / "project"
    shutil.copytree(pristine, root)
    if edit is not None:
        edit(root)
    data_before = project_copy.snapshot(root / "data")
    reports_before = project_copy.snapshot(root / "reports")
    out = project_copy.cli(root, *args)
    return {"code": out.returncode, "message": out.stdout + out.stderr,
            "data_unchanged": project_copy.snapshot(root / "data") == data_before,
            "reports_unchanged": project_copy.snapshot(root / "reports") == reports_before,
            "leftovers": [p.name for p in root.glob(".reports-*")]}


@pytest.fixture(scope="module")
def outcomes(pristine, tmp_path_factory):
    """Every case run once, two at a time (each is a separate process), by label."""
    from concurrent.futures import ThreadPoolExecutor

    tmp_root = tmp_path_factory.mktemp("cases")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda case: _run_case(pristine, tmp_root, case), CASES))
    return {case[0]: r for case, r in zip(CASES, results)}


@pytest.mark.parametrize("label, edit, args, code, fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(outcomes, label, edit, args, code, fragment):
    r = outcomes[label]
    message = r["message"]
    assert r["code"] == code, f"{label}: exit {r['code']}, expected {code}\n{message}"
    assert fragment in message, f"{label}: {fragment!r} not in\n{message}"
    assert "Traceback" not in message, f"{label}: a traceback reached the user\n{message}"
    assert r["data_unchanged"], f"{label}: data/ changed"
    assert r["reports_unchanged"], f"{label}: the last good reports changed"
    assert not r["leftovers"], f"{label}: a half-written build folder was left behind"


def test_messages_name_the_line_of_a_multi_line_row(tmp_path):
    """A quoted field spanning lines shifts every later row: the line named is the file's own."""
    root = project_copy.make(tmp_path / "project")
    path = root / "data" / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Row 2 gets a note on two lines (quoted), so row 3 starts on line 4 of the file, not 3.
    lines[1] = lines[1].rstrip("\n").rsplit(",", 1)[0] + ',"a note\non two lines"\n'
    lines[2] = lines[2].replace(",funding,", ",fundingg,", 1).replace(",regulation,", ",regulationn,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    out = project_copy.cli(root, "validate")
    assert out.returncode == 1
    assert re.search(r"events\.csv:4 \[category\]: got '(fundingg|regulationn)'", out.stdout), out.stdout
