"""China NdFeB demand built up by end use: activity x magnet intensity x technology share.

For each sector and year::

    demand_t = activity x intensity_kg_per_activity_unit x technology_share / 1000

``activity`` is in units (vehicles, air conditioners, phones, robots, ...) or, for wind, in MW of
new installations, so the wind intensity is in kg per MW (= t per GW). ``technology_share`` is
the share of the activity that uses NdFeB magnets (e.g. permanent-magnet wind turbines); the
intensity is per unit of that NdFeB-using activity. Every mass is t (or kg) of NdFeB *magnet*,
not of rare-earth element, unless a column says otherwise.

The intensities are derived from seed 002's (SMM forum) body figures for 2024 (actual) and 2025
(forecast); applied to seed 002's own activity they give back every sector value
(:func:`seed_reproduction`, a check). 2024 is seed 002's actual. The projection starts from the
**base year** (:func:`base_year`): the latest year with a full-year actual of a sector's activity
in ``data/`` (2025 now), never from a forecast where an actual is published. In the base year a
sector's demand is a **nowcast** (the year's actual activity x the intensity SMM's 2025 figures
imply) where its full-year actual is published, SMM's 2025 forecast where it is not yet
(:func:`base_path`). From the year after the base year to the horizon year the activity grows at
``growth_pct_per_year``, the intensity moves at ``intensity_trend_pct_per_year`` (thrifting when
negative), the technology share moves linearly from its 2025 value to ``technology_share`` in the
horizon year, and humanoid robots add ``units x humanoid_kg_per_robot / 1000`` t. Adding a year's
actuals to ``data/demand_china.csv`` moves the base year; no notebook names it.

One vectorised core (:func:`_demand_block`) serves the deterministic run, the tornado and the
Monte Carlo, so all three agree by construction.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import cache, claims, consistency, paths, report, units
from analysis.data import load, one
from analysis.formatting import significant
from analysis.text import md

NOTEBOOK_STEM = "02_demand_buildup"
SEED_SOURCE = "seed002_smm_forum"
ANCHOR_YEARS = (2024, 2025)  # the years seed 002 gives activity and NdFeB demand for
INTENSITY_YEAR = ANCHOR_YEARS[-1]  # SMM's intensities of this year carry the nowcast and the projection
# the earliest year of a scenario's robot path: seed 002 counts no humanoid robots up to 2025 (the horizon
# is bounded by the base year instead: first_projection_year)
FIRST_ROBOT_YEAR = ANCHOR_YEARS[-1] + 1

SEED_SECTORS = ("nev", "wind", "air_conditioner", "elevator", "mobile_phone", "industrial_robot")
HUMANOID = "humanoid_robot"
SECTORS = SEED_SECTORS + (HUMANOID,)
SECTOR_LABELS = {"nev": "NEVs", "wind": "wind power", "air_conditioner": "air conditioners",
                 "elevator": "elevators", "mobile_phone": "mobile phones",
                 "industrial_robot": "industrial robots", HUMANOID: "humanoid robots"}

# What a tornado or Monte Carlo key (``group.sector`` or a humanoid parameter) moves, and its unit.
UNCERTAIN_LABELS = {"growth_pct_per_year": ("activity growth", "% per year"),
                    "intensity_trend_pct_per_year": ("change of kg magnet per unit", "% per year"),
                    "technology_share": ("share using NdFeB", "fraction"),
                    "humanoid_units_factor": ("humanoid robots built", "x the scenario's path"),
                    "humanoid_kg_per_robot": ("magnet per humanoid robot", "kg")}


def uncertain_label(key: str) -> str:
    """``growth_pct_per_year.nev`` -> ``NEVs: activity growth, % per year``; a key without a label
    is shown as it is."""
    group, _, sector = key.partition(".")
    if group not in UNCERTAIN_LABELS:
        return key
    what, unit = UNCERTAIN_LABELS[group]
    return f"{SECTOR_LABELS.get(sector, sector)}: {what}, {unit}" if sector else f"{what}, {unit}"


# unit in demand_china.csv -> (factor to the model's activity unit, that unit)
ACTIVITY_UNITS = {"units": (1.0, "units"), "million_units": (1e6, "units"),
                  "billion_units": (1e9, "units"), "GW": (1000.0, "MW")}

# Literature rows of data/magnet_intensity.csv shown beside each sector's derived intensity.
LITERATURE_APPLICATIONS = {
    "nev": ["nev", "bev", "hybrid", "ev_motor", "prius_hybrid_motor", "eps"],
    "wind": ["wind_pm_average", "wind_lowspeed_pm_generator", "wind_dd_1_5mw", "wind_turbine_3_6mw"],
    "air_conditioner": ["ac_compressor"],
    "mobile_phone": ["mobile_phone_speaker", "mobile_phone"],
    HUMANOID: ["humanoid_robot_optimus", "humanoid_joint_actuator"],
}
# Literature rows that measure the same thing as a model unit (whole vehicle, MW of PM capacity,
# AC unit, robot); the others are per component (motor, EPS, joint, speaker) or per turbine.
PER_MODEL_UNIT = {"nev", "bev", "hybrid", "wind_pm_average", "wind_lowspeed_pm_generator", "ac_compressor",
                  "humanoid_robot_optimus"}
MEASURE_LABELS = {"magnet_mass": "magnet mass (NdFeB)", "element_mass_nd": "element mass (Nd only)",
                  "element_mass_magnet_ree": "element mass (magnet rare earths)"}
# literature unit -> (factor to kg per activity unit, model unit), where the conversion is exact
LITERATURE_TO_MODEL = {"kg_per_unit": (1.0, "kg/unit"), "g_per_unit": (0.001, "kg/unit"),
                       "t_per_MW": (1000.0, "kg/MW"), "kg_per_MW": (1.0, "kg/MW")}

# --- scenario parameters ----------------------------------------------------------------------

PERCENTILES = (5, 25, 50, 75, 95)
# Draws the Monte Carlo evaluates at a time (memory, not results: see simulate()). 20,000 draws x 7
# sectors x 25 years (horizon 2050) is 28 MB a temporary array.
MC_CHUNK_DRAWS = 20_000


def uncertain_keys() -> list[str]:
    """Names a sensitivity range or a Monte Carlo distribution can be given for."""
    keys = [f"{group}.{s}" for group in ("growth_pct_per_year", "intensity_trend_pct_per_year", "technology_share")
            for s in SEED_SECTORS]
    return keys + ["humanoid_kg_per_robot", "humanoid_units_factor"]


def results_name(scenario_name: str) -> str:
    """Name of the results file: the notebook stem for 'default', ``<stem>__<scenario>`` otherwise
    (the report build names a scenario file's run after the file's stem)."""
    return NOTEBOOK_STEM if scenario_name == "default" else f"{NOTEBOOK_STEM}__{scenario_name}"


def validate_scenario(params: dict, *, injected: bool = False) -> dict:
    """A scenario (the notebook's parameters or a YAML file's mapping), checked by
    :func:`analysis.parameters.validate` against notebook 02's model (``injected``: they are the
    running notebook's own parameters, see there), then completed: sectors missing
    from ``intensity_trend_pct_per_year`` get 0, from ``technology_share`` their 2025 share
    (:func:`anchor_technology_share`); tornado ranges become ``(low, high)`` tuples and the robot path
    is sorted by year."""
    from analysis import parameters

    if not isinstance(params, dict):
        raise ValueError(f"scenario: expected a mapping (dict), got {params!r} ({type(params).__name__})")
    out = parameters.validate(NOTEBOOK_STEM, params, injected=injected).model_dump(exclude_none=True)
    out["intensity_trend_pct_per_year"] = {s: out["intensity_trend_pct_per_year"].get(s, 0.0) for s in SEED_SECTORS}
    anchor = anchor_technology_share()
    out["technology_share"] = {s: out["technology_share"].get(s, anchor[s]) for s in SEED_SECTORS}
    out["humanoid_units_per_year"] = dict(sorted(out["humanoid_units_per_year"].items()))
    out["sensitivity"] = {key: tuple(pair) for key, pair in out["sensitivity"].items()}
    return out


def load_scenario(path: Path | str) -> dict:
    """Read and validate a scenario YAML file; errors name the file and the key."""
    path = Path(path)
    try:
        params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return validate_scenario(params)
    except ValueError as err:
        raise ValueError(f"{path.name}: {err}") from None


def scenario_files() -> list[Path]:
    """The named scenarios under version control: scenarios/02_demand_buildup/*.yaml."""
    return sorted((paths.SCENARIOS / NOTEBOOK_STEM).glob("*.yaml"))


# --- seed 002: activity, demand and the intensities they imply --------------------------------

@cache.on_data
def seed_table() -> pd.DataFrame:
    """Seed 002's body figures by sector and year: activity (model units), NdFeB demand and the
    intensity they imply, ``demand_t x 1000 / activity`` (kg of magnet per unit, or per MW)."""
    df = load("demand_china")
    df = df[(df["statement"] == "body") & (df["source_id"] == SEED_SOURCE) & df["year"].isin(ANCHOR_YEARS)]
    rows = []
    for (sector, year), g in df.groupby(["sector", "year"]):
        act = g[g["demand_metric"] == "activity"]
        dem = g[g["demand_metric"] == "ndfeb_demand"]
        if len(act) != 1 or len(dem) != 1 or dem["unit"].iloc[0] != "t":
            raise ValueError(f"demand_china.csv: expected one body activity row and one body ndfeb_demand row in t "
                             f"for {sector} {year} from {SEED_SOURCE}")
        factor, unit = ACTIVITY_UNITS[act["unit"].iloc[0]]
        activity = float(act["value"].iloc[0]) * factor
        demand_t = float(dem["value"].iloc[0])
        rows.append({"sector": sector, "year": int(year), "status": dem["status"].iloc[0], "activity": activity,
                     "activity_unit": unit, "demand_t": demand_t,
                     "intensity_kg_per_activity_unit": demand_t * units.KG_PER_T / activity,
                     "intensity_unit": f"kg/{'MW' if unit == 'MW' else 'unit'}"})
    out = pd.DataFrame(rows)
    missing = {(s, y) for s in SEED_SECTORS for y in ANCHOR_YEARS} - set(zip(out["sector"], out["year"]))
    if missing:
        raise ValueError(f"demand_china.csv: no seed 002 body figures for {sorted(missing)}")
    order = {s: i for i, s in enumerate(SECTORS)}
    return out.sort_values(["year", "sector"], key=lambda c: c.map(order) if c.name == "sector" else c).reset_index(drop=True)


@cache.on_data
def anchor_technology_share() -> dict[str, float]:
    """Share of each sector's 2024-2025 activity that uses NdFeB magnets.

    Wind: seed 003's "approximately 37% of wind power projects rely on NdFeB magnets"
    (market_figures.csv). Other sectors: 1.0, since seed 002's intensities already average over
    all designs and no source in data/ splits them.
    """
    figures = load("market_figures")
    wind = figures[(figures["topic"] == "share") & (figures["metric"] == "wind_projects_relying_on_ndfeb")]
    if len(wind) != 1:
        raise LookupError("market_figures.csv: expected one 'wind_projects_relying_on_ndfeb' share row")
    shares = {s: 1.0 for s in SEED_SECTORS}
    shares["wind"] = float(wind["value_low"].iloc[0]) / 100
    return shares


def intensity_table() -> pd.DataFrame:
    """Seed-derived intensities (magnet mass) beside the literature values, saying what each measures.

    ``comparable_low`` / ``comparable_high`` are the literature figure in the model's unit (kg per
    unit, or kg per MW) where the conversion is exact; empty where it is per turbine, a count, or
    a different kind of mass.
    """
    seed = seed_table()
    share = anchor_technology_share()
    rows = []
    for r in seed.itertuples():
        label = f"seed 002 {r.year} {'actual' if r.status == 'actual' else 'forecast'}"
        rows.append({"sector": r.sector, "figure": f"{label}, per unit of all activity", "value_low": r.intensity_kg_per_activity_unit,
                     "value_high": r.intensity_kg_per_activity_unit, "unit": r.intensity_unit,
                     "measures": MEASURE_LABELS["magnet_mass"], "comparable_low": r.intensity_kg_per_activity_unit,
                     "comparable_high": r.intensity_kg_per_activity_unit, "source_id": SEED_SOURCE})
        if share[r.sector] != 1.0:
            v = r.intensity_kg_per_activity_unit / share[r.sector]
            rows.append({**rows[-1], "figure": f"{label}, per unit using NdFeB (share {share[r.sector]:.0%})",
                         "value_low": v, "value_high": v, "comparable_low": v, "comparable_high": v,
                         "source_id": f"{SEED_SOURCE}, seed003_magnet_news"})
    lit = load("magnet_intensity")
    for sector, apps in LITERATURE_APPLICATIONS.items():
        for r in lit[lit["application"].isin(apps)].itertuples():
            low = r.value_high if pd.isna(r.value_low) else r.value_low
            conv = LITERATURE_TO_MODEL.get(r.unit)
            comparable = conv is not None and r.measures == "magnet_mass" and r.application in PER_MODEL_UNIT
            rows.append({"sector": sector, "figure": f"literature: {r.application}", "value_low": low,
                         "value_high": r.value_high, "unit": r.unit,
                         "measures": "count of magnets, not a mass" if r.unit == "count" else MEASURE_LABELS.get(r.measures, r.measures),
                         "comparable_low": low * conv[0] if comparable else np.nan,
                         "comparable_high": r.value_high * conv[0] if comparable else np.nan, "source_id": r.source_id})
    out = pd.DataFrame(rows)
    order = {s: i for i, s in enumerate(SECTORS)}
    return out.sort_values("sector", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)


def intensity_display(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`intensity_table` as short text: one 'low-high unit' string as stated and one in the model's unit."""
    table = intensity_table() if table is None else table

    def num(x):  # 3 significant figures (2 below 0.01), whole from 100
        return significant(x, 3 if abs(x) >= 0.01 else 2, whole_from=100)

    def rng(lo, hi, unit):
        if pd.isna(lo):
            return ""
        return f"{num(lo)} {unit}" if lo == hi else f"{num(lo)}-{num(hi)} {unit}"

    model_unit = {s: ("kg/MW" if s == "wind" else "kg/unit") for s in SECTORS}
    return pd.DataFrame({
        "sector": table["sector"].map(SECTOR_LABELS), "figure": table["figure"],
        "as stated": [rng(lo, hi, u.replace("_per_", "/")) for lo, hi, u in zip(table["value_low"], table["value_high"], table["unit"])],
        "measures": table["measures"],
        "in model unit": [rng(lo, hi, model_unit[s]) for lo, hi, s in zip(table["comparable_low"], table["comparable_high"], table["sector"])],
        "source_id": table["source_id"]})


def intensity_reading(intensities: pd.DataFrame | None = None) -> dict[str, float]:
    """The intensities the notebook's reading of :func:`intensity_table` quotes, looked up, not typed.

    Keys: ``nev_2024`` / ``nev_2025`` and ``wind_all_2024`` / ``wind_ndfeb_2024`` (seed 002, kg
    per unit or per MW), ``wind_ndfeb_share`` (fraction), ``ac_2024_g`` (g per unit), and the
    literature ranges ``lit_<application>_low`` / ``_high`` in the model's unit (``lit_ac_compressor``
    in g per unit).
    """
    t = intensity_table() if intensities is None else intensities

    def seed(sector: str, year: int, per: str = "all activity") -> float:
        rows = t[(t["sector"] == sector) & t["figure"].str.startswith(f"seed 002 {year}") & t["figure"].str.contains(per)]
        if len(rows) != 1:
            raise LookupError(f"intensity table: expected one seed 002 {year} {sector} row per {per}")
        return float(rows["value_low"].iloc[0])

    out = {"nev_2024": seed("nev", 2024), "nev_2025": seed("nev", 2025), "wind_all_2024": seed("wind", 2024),
           "wind_ndfeb_2024": seed("wind", 2024, "using NdFeB"), "wind_ndfeb_share": anchor_technology_share()["wind"],
           "ac_2024_g": seed("air_conditioner", 2024) * 1000}
    for application in ("nev", "bev", "wind_pm_average", "wind_lowspeed_pm_generator", "ac_compressor"):
        rows = t[t["figure"] == f"literature: {application}"]
        if len(rows) != 1 or rows["comparable_low"].isna().any():
            raise LookupError(f"intensity table: expected one comparable literature row {application!r}")
        scale = 1000 if application == "ac_compressor" else 1  # kg -> g
        out[f"lit_{application}_low"] = float(rows["comparable_low"].iloc[0]) * scale
        out[f"lit_{application}_high"] = float(rows["comparable_high"].iloc[0]) * scale
    return out


def official_figures() -> pd.DataFrame:
    """Seed 002's 2024 activity figures beside the publishers' own releases (NBS, NEA, MIIT, CAAM),
    with the difference and which figure the model uses.

    The model keeps seed 002's figures for 2024-2025, because its intensities are derived from seed
    002's own activity and NdFeB pairs; an official figure that differs is shown, not substituted.
    """
    checks = consistency.official_vs_trade_press()
    demand = load("demand_china")
    sources = load("sources").set_index("source_id")
    rows = []
    for c in checks.itertuples():
        seed_id, other_id = [x.strip() for x in c.source_ids.split(",")]
        other = demand[(demand["source_id"] == other_id) & (demand["value"] == c.recomputed)].iloc[0]
        rows.append({"sector": SECTOR_LABELS[other["sector"]], "year": int(other["year"]), "unit": other["unit"],
                     "seed 002": c.stated, "release": c.recomputed, "difference %": (c.recomputed / c.stated - 1) * 100,
                     "published by": sources.loc[other_id, "publisher"], "kind": other["statement"],
                     "verdict": c.verdict, "model uses": "seed 002"})
    return pd.DataFrame(rows)


SEED_STATEMENTS = ("headline", "body")  # demand_china.csv statements that are seed 002's own figures, not a release
STATEMENT_ORDER = {"official": 0}  # where two releases give a sector's year, the official one counts


@cache.on_data
def activity_actuals() -> pd.DataFrame:
    """Every published actual of a seed sector's activity other than seed 002's own (a statistics office,
    ministry, association or other release), in the model's units.

    Columns: sector, year, months (12 = a full year; fewer = January to that month, never a year),
    activity, activity_unit, statement, source_id. For a sector and year the full year comes first,
    an official release before any other.
    """
    d = load("demand_china")
    act = d[(d["demand_metric"] == "activity") & (d["status"] == "actual") & ~d["statement"].isin(SEED_STATEMENTS)
            & d["sector"].isin(SEED_SECTORS)]
    factor = act["unit"].map(lambda u: ACTIVITY_UNITS[u][0])
    out = pd.DataFrame({"sector": act["sector"], "year": act["year"].astype(int), "months": act["months"].astype(int),
                        "activity": act["value"].astype(float) * factor,
                        "activity_unit": act["unit"].map(lambda u: ACTIVITY_UNITS[u][1]),
                        "statement": act["statement"], "source_id": act["source_id"]})
    rank = out["statement"].map(lambda st: STATEMENT_ORDER.get(st, 1))
    order = out.assign(_full=out["months"] != 12, _rank=rank).sort_values(["sector", "year", "_full", "_rank"], kind="stable")
    return order.drop(columns=["_full", "_rank"]).reset_index(drop=True)


def _full_year_actuals() -> pd.DataFrame:
    """:func:`activity_actuals` for full years only, one per sector and year (the first: official if any)."""
    act = activity_actuals()
    return act[act["months"] == 12].drop_duplicates(["sector", "year"]).set_index(["sector", "year"])


def base_year() -> int:
    """The year the projection starts from: the latest year with a full-year actual of any seed sector's
    activity in data/ (:func:`activity_actuals`), and never before ``INTENSITY_YEAR``, whose SMM
    intensities the model carries. A part-year figure does not count. Adding a year's actuals moves it.
    """
    years = _full_year_actuals().index.get_level_values("year")
    return max([INTENSITY_YEAR, *(int(y) for y in years)])


def first_projection_year() -> int:
    """The first projected year, the year after :func:`base_year`: the earliest horizon a scenario may set."""
    return base_year() + 1


def nowcast(year: int = INTENSITY_YEAR) -> pd.DataFrame:
    """NdFeB demand by sector for ``year`` as a nowcast: the year's actual activity (a full-year
    official or other release) x the intensity seed 002 implies for ``INTENSITY_YEAR``, beside SMM's
    forecast (for ``INTENSITY_YEAR``; none for a later year).

    Sectors with no full-year actual yet get no nowcast; ``why`` says what is published instead.
    The difference to SMM's forecast is then all activity: the intensity is SMM's own.
    """
    seed = seed_table()
    seed = seed[seed["year"] == INTENSITY_YEAR].set_index("sector")
    act = activity_actuals()
    act = act[act["year"] == year]
    full_years = _full_year_actuals()
    rows = []
    for sector in SEED_SECTORS:
        s = seed.loc[sector]
        part = act[(act["sector"] == sector) & (act["months"] < 12)].sort_values("months")
        forecast = year == INTENSITY_YEAR
        row = {"sector": SECTOR_LABELS[sector], "smm_forecast_t": s["demand_t"] if forecast else np.nan, "nowcast_t": np.nan,
               "difference_pct": np.nan, "actual_activity": np.nan, "smm_activity": np.nan, "activity_unit": s["activity_unit"],
               "why": ""}
        if (sector, year) not in full_years.index:
            row["why"] = (f"no full-year {year} actual; published: January-{pd.Timestamp(2000, int(part['months'].iloc[-1]), 1):%B} only"
                          if not part.empty else f"no {year} actual published yet")
        else:
            full = full_years.loc[(sector, year)]
            now = full["activity"] * s["intensity_kg_per_activity_unit"] / units.KG_PER_T
            row.update(nowcast_t=now, actual_activity=full["activity"], why=f"{full['statement']} release, {full['source_id']}")
            if forecast:
                row.update(difference_pct=(now / s["demand_t"] - 1) * 100, smm_activity=s["activity"])
        rows.append(row)
    return pd.DataFrame(rows)


BASIS_NOWCAST = "nowcast"
BASIS_CARRIED = "scenario growth, no actual yet"
BASIS_PROJECTION = "projection"


@cache.on_data
def _known_path() -> pd.DataFrame:
    """:func:`base_path` as far as data/ alone gives it: the activity of a later year without its actual is NaN."""
    smm = seed_table()
    smm = smm[smm["year"] == INTENSITY_YEAR].set_index("sector")
    share = anchor_technology_share()
    full = _full_year_actuals()
    last = base_year()
    rows = []
    for s in SEED_SECTORS:
        for y in range(INTENSITY_YEAR, last + 1):
            if (s, y) in full.index:
                activity, basis, source = float(full.loc[(s, y), "activity"]), BASIS_NOWCAST, full.loc[(s, y), "source_id"]
            elif y == INTENSITY_YEAR:
                activity, basis, source = float(smm.loc[s, "activity"]), f"seed 002 {smm.loc[s, 'status']}", SEED_SOURCE
            else:
                activity, basis, source = np.nan, BASIS_CARRIED, ""
            rows.append({"year": y, "sector": s, "basis": basis, "activity": activity, "activity_unit": smm.loc[s, "activity_unit"],
                         # per unit using NdFeB: SMM's intensity over all activity / the share using NdFeB
                         "intensity_kg_per_activity_unit": float(smm.loc[s, "intensity_kg_per_activity_unit"]) / share[s],
                         "intensity_unit": smm.loc[s, "intensity_unit"], "technology_share": share[s], "source_id": source})
    return pd.DataFrame(rows)


def base_path(scenario: dict) -> pd.DataFrame:
    """Each seed sector's activity, intensity and NdFeB demand from ``INTENSITY_YEAR`` to the base year
    (:func:`base_year`): the years that are known or nowcast rather than projected.

    A sector's activity in a year is its full-year actual where one is published (``basis``
    "nowcast": the actual x the intensity SMM's ``INTENSITY_YEAR`` figures imply); else, in
    ``INTENSITY_YEAR``, SMM's own forecast ("seed 002 forecast" or "expected"); else (a later year
    without its actual) the year before grown at the scenario's rate. Up to the base year the
    intensity stays SMM's and the technology share its 2025 value; the scenario's trend and share
    path start there. Columns as :func:`project`'s (the intensity per unit using NdFeB), plus ``source_id``.
    """
    path = _known_path()
    for i in np.flatnonzero(path["activity"].isna().to_numpy()):  # rows are by sector, then year
        path.loc[i, "activity"] = path.loc[i - 1, "activity"] * (1 + scenario["growth_pct_per_year"][path.loc[i, "sector"]] / 100)
    path["demand_t"] = path["activity"] * path["intensity_kg_per_activity_unit"] * path["technology_share"] / units.KG_PER_T
    return path[["year", "sector", "basis", "activity", "activity_unit", "intensity_kg_per_activity_unit", "intensity_unit",
                 "technology_share", "demand_t", "source_id"]]


def base_year_of(demand: pd.DataFrame) -> int:
    """The base year of a :func:`project` result: its last year that is not projected."""
    return int(demand.loc[demand["basis"] != BASIS_PROJECTION, "year"].max())


def nowcast_vs_forecast(demand: pd.DataFrame) -> pd.DataFrame:
    """The model's ``INTENSITY_YEAR`` demand by seed sector (nowcast where the actual is published) beside
    SMM's own forecast for that year, t of magnet: ``model_t``, ``smm_forecast_t``, ``difference_t``,
    ``difference_pct``, ``basis``; a last row ``total``."""
    smm = seed_table()
    smm = smm[smm["year"] == INTENSITY_YEAR].set_index("sector")["demand_t"]
    rows = demand[(demand["year"] == INTENSITY_YEAR) & demand["sector"].isin(SEED_SECTORS)].set_index("sector")
    out = pd.DataFrame({"sector": list(SEED_SECTORS), "model_t": rows.loc[list(SEED_SECTORS), "demand_t"].to_numpy(),
                        "smm_forecast_t": smm.loc[list(SEED_SECTORS)].to_numpy(),
                        "basis": rows.loc[list(SEED_SECTORS), "basis"].to_numpy()})
    total = {"sector": "total", "model_t": out["model_t"].sum(), "smm_forecast_t": out["smm_forecast_t"].sum(),
             "basis": f"{(out['basis'] == BASIS_NOWCAST).sum()} of {len(out)} sectors nowcast"}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["difference_t"] = out["model_t"] - out["smm_forecast_t"]
    out["difference_pct"] = (out["model_t"] / out["smm_forecast_t"] - 1) * 100
    return out[["sector", "model_t", "smm_forecast_t", "difference_t", "difference_pct", "basis"]]


def seed_magnet_production() -> pd.DataFrame:
    """China's rare-earth permanent-magnet production as seed 002 states it: its rows of
    data/magnet_production.csv (``mass_t``, t of magnet; 2024 actual, 2025 forecast).

    The one query for it: :func:`analysis.claims_demand.humanoid_claims` and :func:`analysis.supply.china_magnet_production`
    (the balance's production) both read it.
    """
    prod = load("magnet_production")
    return prod[(prod["region"] == "china") & (prod["source_id"] == SEED_SOURCE)]


# --- the model ----------------------------------------------------------------------------------

def _param_arrays(scenario: dict, overrides: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Each uncertain parameter as a row: its override's ``n`` values, shape (1, n), or the scenario's
    own value, shape (1, 1), which numpy broadcasts over the draws (so its powers are computed once)."""
    overrides = overrides or {}
    return {key: np.asarray(overrides[key] if key in overrides else scenario_value(scenario, key), dtype=float).reshape(1, -1)
            for key in uncertain_keys()}


def humanoid_units(scenario: dict, years) -> np.ndarray:
    """Robots built per year: linear between the scenario's years, flat before the first and after the last."""
    path = scenario["humanoid_units_per_year"]
    return np.interp(np.asarray(years, dtype=float), list(path), list(path.values()))


def _base_arrays(scenario: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The base year's activity and intensity per unit using NdFeB (:func:`base_path`), the technology
    shares there (SEED_SECTORS order) and the base year; refuses a horizon not after the base year.

    Built once per version of data/ and of the scenario's growth rates (:func:`_base_anchors`): the
    tornado and the explorer ask for them on every model evaluation."""
    growth = tuple(float(scenario["growth_pct_per_year"][s]) for s in SEED_SECTORS)
    act0, intensity0, anchor, base_year_ = _base_anchors(growth)
    if scenario["horizon_year"] <= base_year_:
        raise ValueError(f"horizon_year = {scenario['horizon_year']}: the projection starts after {base_year_}, the latest "
                         "year with actual activity in data/; choose a later horizon")
    return act0, intensity0, anchor, base_year_


@cache.on_data
def _base_anchors(growth_pct_per_year: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """:func:`_base_arrays` for the seed sectors' growth rates (SEED_SECTORS order): the only values of a
    scenario that :func:`base_path` reads (a sector without its actual is grown to the base year)."""
    path = base_path({"growth_pct_per_year": dict(zip(SEED_SECTORS, growth_pct_per_year))})
    base_year_ = int(path["year"].max())
    base = path[path["year"] == base_year_].set_index("sector").loc[list(SEED_SECTORS)]
    return (base["activity"].to_numpy(), base["intensity_kg_per_activity_unit"].to_numpy(),
            base["technology_share"].to_numpy(), base_year_)


def _demand_block(scenario: dict, n: int = 1, overrides: dict[str, np.ndarray] | None = None,
                  anchors: tuple[np.ndarray, np.ndarray, np.ndarray, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Projected demand, t of magnet, laid out (7 sectors, projection years, n draws), and the years.

    Draws run along the last, contiguous axis, so numpy's loops are long. Every draw is computed
    element by element with the same operations in the same order, whatever ``n`` is and whichever
    parameters vary, so a draw's demand does not depend on the other draws.
    Years run from the year after the base year (:func:`_base_arrays`) to the horizon. ``anchors``
    (from :func:`_base_arrays`) saves looking them up again when called chunk by chunk.
    """
    act0, intensity0, anchor, base_year_ = _base_arrays(scenario) if anchors is None else anchors
    years = np.arange(base_year_ + 1, scenario["horizon_year"] + 1)
    t = (years - base_year_).astype(float)[:, None]
    # numpy squares by multiplying when one exponent runs along a whole loop, which can differ from
    # pow() in the last bit; a full array of exponents keeps pow() for every draw, whatever n is
    t_full = np.repeat(t, n, axis=1)
    p = _param_arrays(scenario, overrides)
    out = np.empty((len(SECTORS), len(years), n))
    for i, s in enumerate(SEED_SECTORS):
        g, r = (1 + p[f"growth_pct_per_year.{s}"] / 100), (1 + p[f"intensity_trend_pct_per_year.{s}"] / 100)
        growth = g ** (t_full if g.shape[1] > 1 else t)
        trend = r ** (t_full if r.shape[1] > 1 else t)
        share = anchor[i] + (p[f"technology_share.{s}"] - anchor[i]) * t / t.max()
        out[i] = act0[i] * growth * intensity0[i] * trend * share / units.KG_PER_T
    robots = humanoid_units(scenario, years)[:, None] * p["humanoid_units_factor"]
    out[-1] = robots * p["humanoid_kg_per_robot"] / units.KG_PER_T
    return out, years


def _demand_arrays(scenario: dict, n: int = 1, overrides: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Projected demand, t of magnet, shape (n draws, 7 sectors, projection years), and the years."""
    block, years = _demand_block(scenario, n, overrides)
    return block.transpose(2, 0, 1), years


def seed_arithmetic() -> pd.DataFrame:
    """The model's arithmetic on seed 002's own 2024 and 2025 figures: activity x intensity per unit
    using NdFeB x technology share, by sector (columns as :func:`project`'s). 2024 starts the path;
    both years are the check that the model gives back seed 002 (:func:`seed_reproduction`)."""
    anchor = anchor_technology_share()
    rows = []
    for r in seed_table().itertuples():
        rows.append({"year": r.year, "sector": r.sector, "basis": f"seed 002 {r.status}", "activity": r.activity,
                     "activity_unit": r.activity_unit,
                     "intensity_kg_per_activity_unit": r.intensity_kg_per_activity_unit / anchor[r.sector],
                     "intensity_unit": r.intensity_unit, "technology_share": anchor[r.sector],
                     # activity x intensity x share / 1000, written out so the identity is visible
                     "demand_t": r.activity * (r.intensity_kg_per_activity_unit / anchor[r.sector]) * anchor[r.sector] / units.KG_PER_T})
    return pd.DataFrame(rows)


def _humanoid_row(year: int, basis: str, robots: float, scenario: dict, demand_t: float) -> dict:
    return {"year": int(year), "sector": HUMANOID, "basis": basis, "activity": robots, "activity_unit": "units",
            "intensity_kg_per_activity_unit": scenario["humanoid_kg_per_robot"], "intensity_unit": "kg/unit",
            "technology_share": 1.0, "demand_t": demand_t}


def project(scenario: dict) -> pd.DataFrame:
    """Demand by sector and year, 2024 to the horizon: seed 002's actual for 2024, the base path
    (:func:`base_path`: nowcast where the actual is published) from 2025 to the base year, the model after.

    Columns: scenario, year, sector, basis, activity, activity_unit, intensity_kg_per_activity_unit,
    intensity_unit, technology_share, demand_t.
    """
    seed = seed_arithmetic()
    rows = seed[seed["year"] < INTENSITY_YEAR].to_dict("records")
    rows += base_path(scenario).drop(columns="source_id").to_dict("records")
    rows += [_humanoid_row(y, "none in seed 002", 0.0, scenario, 0.0) for y in ANCHOR_YEARS]  # seed 002 counts none
    demand, years = _demand_arrays(scenario)
    base_year_ = int(years[0]) - 1
    known = np.arange(INTENSITY_YEAR + 1, base_year_ + 1)  # after 2025 but not projected: robots as the scenario says
    rows += [_humanoid_row(y, "scenario robot count", float(n), scenario, float(n) * scenario["humanoid_kg_per_robot"] / units.KG_PER_T)
             for y, n in zip(known, humanoid_units(scenario, known))]
    base = pd.DataFrame(rows).query("year == @base_year_").set_index("sector")
    robots = humanoid_units(scenario, years)
    h = scenario["horizon_year"] - base_year_
    for j, y in enumerate(years):
        t = y - base_year_
        for i, s in enumerate(SEED_SECTORS):
            b = base.loc[s]
            share = b["technology_share"] + (scenario["technology_share"][s] - b["technology_share"]) * t / h
            rows.append({"year": int(y), "sector": s, "basis": BASIS_PROJECTION,
                         "activity": b["activity"] * (1 + scenario["growth_pct_per_year"][s] / 100) ** t,
                         "activity_unit": b["activity_unit"],
                         "intensity_kg_per_activity_unit": b["intensity_kg_per_activity_unit"]
                         * (1 + scenario["intensity_trend_pct_per_year"][s] / 100) ** t,
                         "intensity_unit": b["intensity_unit"], "technology_share": share, "demand_t": float(demand[0, i, j])})
        rows.append(_humanoid_row(y, BASIS_PROJECTION, float(robots[j]), scenario, float(demand[0, -1, j])))
    out = pd.DataFrame(rows)
    out.insert(0, "scenario", scenario["scenario_name"])
    order = {s: i for i, s in enumerate(SECTORS)}
    return out.sort_values(["year", "sector"], key=lambda c: c.map(order) if c.name == "sector" else c).reset_index(drop=True)


def by_sector(demand: pd.DataFrame) -> pd.DataFrame:
    """Demand, t of magnet, as a year x sector table (sectors in model order)."""
    return demand.pivot(index="year", columns="sector", values="demand_t")[list(SECTORS)]


def totals(demand: pd.DataFrame) -> pd.Series:
    """Total demand by year, t of magnet."""
    return demand.groupby("year")["demand_t"].sum().rename("demand_t")


# --- sensitivity and Monte Carlo ----------------------------------------------------------------

def scenario_value(scenario: dict, key: str) -> float:
    """The scenario's own value of an uncertain parameter (1 for humanoid_units_factor)."""
    if key == "humanoid_units_factor":
        return 1.0
    if key == "humanoid_kg_per_robot":
        return scenario[key]
    group, sector = key.split(".")
    return scenario[group][sector]


def tornado(scenario: dict) -> pd.DataFrame:
    """Horizon-year total demand with each parameter at the low and high end of its range, others as in the scenario."""
    base_total = float(_demand_arrays(scenario)[0][0, :, -1].sum())
    rows = []
    for key, (lo, hi) in scenario["sensitivity"].items():
        demand, _ = _demand_arrays(scenario, 2, {key: np.array([lo, hi])})
        at = demand[:, :, -1].sum(axis=1)
        rows.append({"parameter": key, "scenario_value": scenario_value(scenario, key), "low_value": lo, "high_value": hi,
                     "demand_at_low_t": float(at[0]), "demand_at_high_t": float(at[1]), "base_demand_t": base_total,
                     "swing_t": float(abs(at[1] - at[0]))})
    cols = ["parameter", "scenario_value", "low_value", "high_value", "demand_at_low_t", "demand_at_high_t", "base_demand_t", "swing_t"]
    return pd.DataFrame(rows, columns=cols).sort_values("swing_t", ascending=False, kind="stable").reset_index(drop=True)


def tornado_display(torn: pd.DataFrame) -> pd.DataFrame:
    """The tornado's table as a reader wants it: each parameter named in words with its unit
    (:func:`uncertain_label`), tonnes whole, the scenario-file key last."""
    tonnes = [c for c in torn.columns if c.endswith("_t")]
    return (torn.assign(**{c: torn[c].round(0) for c in tonnes}, key=torn["parameter"],
                        parameter=torn["parameter"].map(uncertain_label)))


def draw_parameters(scenario: dict, n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` draws of each parameter named in ``mc_distributions`` (others stay at the scenario's value).

    normal: centred on the scenario's value with ``sd``; uniform: ``low``-``high``; triangular:
    ``low``-``high`` with ``mode`` (default the scenario's value). Draws are clipped to the valid
    range (shares to 0-1, intensities and robot counts to >= 0, rates above -100%).
    """
    rng = np.random.default_rng(seed)
    out = {}
    for key, spec in sorted(scenario["mc_distributions"].items()):
        centre = scenario_value(scenario, key)
        if spec["dist"] == "normal":
            x = rng.normal(centre, spec["sd"], n)
        elif spec["dist"] == "uniform":
            x = rng.uniform(spec["low"], spec["high"], n)
        else:
            mode = min(max(spec.get("mode", centre), spec["low"]), spec["high"])
            x = rng.triangular(spec["low"], mode, spec["high"], n) if spec["high"] > spec["low"] else np.full(n, spec["low"])
        if key.startswith("technology_share."):
            x = np.clip(x, 0.0, 1.0)
        elif key.startswith(("growth_pct_per_year.", "intensity_trend_pct_per_year.")):
            x = np.maximum(x, -99.0)
        else:
            x = np.maximum(x, 0.0)
        out[key] = x
    return out


def simulate(scenario: dict, draws: int | None = None, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo of total demand, t of magnet: an array (draws, projection years) and the years.

    The parameters are drawn once (:func:`draw_parameters`: one seeded stream, ``draws`` values per
    uncertain parameter, in a fixed order), then the model is evaluated ``MC_CHUNK_DRAWS`` draws at
    a time, so memory stays bounded at a million draws. Each draw is computed on its own (see
    :func:`_demand_block`), so the results do not depend on the chunk size, and the same seed
    gives identical results. The array is a view of a (years, draws) block, so that
    :func:`mc_percentiles` reads each year's draws contiguously.
    """
    draws = scenario["mc_draws"] if draws is None else draws
    seed = scenario["mc_seed"] if seed is None else seed
    params = draw_parameters(scenario, draws, seed)
    anchors = _base_arrays(scenario)
    years = np.arange(anchors[-1] + 1, scenario["horizon_year"] + 1)
    by_year = np.empty((len(years), draws))
    for start in range(0, draws, MC_CHUNK_DRAWS):
        stop = min(start + MC_CHUNK_DRAWS, draws)
        chunk = {k: v[start:stop] for k, v in params.items()}
        by_year[:, start:stop] = _demand_block(scenario, stop - start, chunk, anchors)[0].sum(axis=0)
    return by_year.T, years


def mc_percentiles(scenario: dict, draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Percentiles (5, 25, 50, 75, 95) of total demand by year, t of magnet; years up to the base year
    (seed 002's 2024, the nowcast) are the deterministic path's, with no band."""
    sims, years = simulate(scenario, draws, seed)
    # the simulations are this function's own: partition them in place rather than copy them
    table = pd.DataFrame(np.percentile(sims, PERCENTILES, axis=0, overwrite_input=True).T, index=years,
                         columns=[f"p{p}_t" for p in PERCENTILES])
    known = totals(project(scenario))
    anchor = pd.DataFrame({c: known[known.index < years[0]] for c in table.columns})
    return pd.concat([anchor, table]).rename_axis("year").reset_index()


# --- comparisons and conversions ------------------------------------------------------------------

def element_content(demand: pd.DataFrame) -> pd.DataFrame:
    """NdFeB demand by year converted to Nd+Pr and total rare-earth content, t of element."""
    total = totals(demand)
    return pd.DataFrame({"year": total.index, "ndfeb_magnet_t": total.to_numpy(),
                         "ndpr_element_t": units.magnet_re_content_t(total.to_numpy(), units.default_magnet_ndpr_share()),
                         "rare_earth_element_t": units.magnet_re_content_t(total.to_numpy())})


def comparison_table() -> pd.DataFrame:
    """China's magnet production and outside demand outlooks, all in t of NdFeB magnet.

    IEA and McKinsey count magnet rare-earth *element* mass (Nd, Pr, Dy, Tb): converted to magnet
    mass with :func:`analysis.units.magnet_from_re_t`. Adamas gives growth rates (no level) and shortages, so no
    tonnage is comparable; they are left out here and named in the notebook.
    """
    rows = []
    prod = load("magnet_production")
    prod = prod[prod["region"] == "china"]
    for r in prod[prod["year"] >= 2020].itertuples():
        label = "seed 002" if r.source_id == SEED_SOURCE else "other sources"
        rows.append({"series": f"China magnet production, {label}", "year": int(r.year),
                     "scope": "China, all uses", "stated_value": r.mass_t, "stated_unit": "t magnet",
                     "ndfeb_magnet_t": r.mass_t, "source_id": r.source_id})
    out = load("outlooks")
    out = out[(out["measure"] == "magnet_ree_element_mass") & out["metric"].str.endswith("_demand")]
    out = out.drop_duplicates(["publisher_key", "year", "scenario_key", "value_low"])
    for r in out.itertuples():
        kt = (r.value_low + r.value_high) / 2
        scen = "" if r.scenario_key == "none" else f" {r.scenario_key.split('_')[-1].upper()}"
        publisher = {"iea": "IEA", "mckinsey": "McKinsey"}.get(r.publisher_key, r.publisher_key)
        rows.append({"series": f"{publisher}{scen} world magnet REE demand, as magnet", "year": int(r.year), "scope": "world, all uses",
                     "stated_value": kt, "stated_unit": f"{r.unit} element",
                     "ndfeb_magnet_t": units.magnet_from_re_t(kt * (1000 if r.unit == "kt" else 1)), "source_id": r.source_id})
    return pd.DataFrame(rows).sort_values(["series", "year"]).reset_index(drop=True)


def waterfall_table(demand: pd.DataFrame) -> pd.DataFrame:
    """Steps from the 2024 total to the base year's and to the horizon year's, one per sector (t of
    magnet); ``year``: the year a step ends in."""
    table = by_sector(demand)
    first, mid, last = int(table.index.min()), base_year_of(demand), int(table.index.max())
    rows = [{"step": f"{first} total", "year": first, "change_t": float(table.loc[first].sum()), "kind": "total"}]
    for a, b in ((first, mid), (mid, last)):
        for s in SECTORS:
            delta = float(table.loc[b, s] - table.loc[a, s])
            if a == first and s == HUMANOID:
                continue
            rows.append({"step": f"{SECTOR_LABELS[s]} {a}-{str(b)[2:]}", "year": b, "change_t": delta, "kind": "change"})
        rows.append({"step": f"{b} total", "year": b, "change_t": float(table.loc[b].sum()), "kind": "total"})
    return pd.DataFrame(rows)


def growth_comparison(scenario: dict) -> pd.DataFrame:
    """Seed 002's own 2024->2025 growth by sector (activity and NdFeB demand) beside the scenario's rate."""
    seed = seed_table().set_index(["sector", "year"])
    rows = []
    for s in SEED_SECTORS:
        a, b = seed.loc[(s, ANCHOR_YEARS[0])], seed.loc[(s, ANCHOR_YEARS[1])]
        rows.append({"sector": s, "activity_growth_2025_pct": (b["activity"] / a["activity"] - 1) * 100,
                     "demand_growth_2025_pct": (b["demand_t"] / a["demand_t"] - 1) * 100,
                     "intensity_change_2025_pct": (b["intensity_kg_per_activity_unit"] / a["intensity_kg_per_activity_unit"] - 1) * 100,
                     "scenario_growth_pct_per_year": scenario["growth_pct_per_year"][s],
                     "scenario_intensity_trend_pct_per_year": scenario["intensity_trend_pct_per_year"][s]})
    return pd.DataFrame(rows)


def nev_penetration_check(scenario: dict) -> dict:
    """NEV output in the horizon year against the whole car market seed 002's 2025 picture implies.

    Seed 002 expects NEV penetration above 55% in 2025 (market_figures.csv) beside its 2025 NEV
    forecast: a car market of that forecast / 0.55. From the base year's NEV output, NEVs cannot grow
    faster than to 100% of that market if it stays flat: (market / base) ** (1 / years) - 1 per year.
    """
    mf = load("market_figures").set_index("metric")
    pen = float(mf.loc["nev_market_penetration", "value_low"]) / 100
    seed = seed_table().set_index(["sector", "year"])
    market = float(seed.loc[("nev", INTENSITY_YEAR), "activity"]) / pen
    path = base_path(scenario).set_index(["sector", "year"])
    base_year_ = int(path.index.get_level_values("year").max())
    nev0 = float(path.loc[("nev", base_year_), "activity"])
    years = scenario["horizon_year"] - base_year_
    nev_h = nev0 * (1 + scenario["growth_pct_per_year"]["nev"] / 100) ** years
    return {"penetration_2025": pen, "car_market_2025_units": market, "base_year": base_year_, "nev_base_units": nev0,
            "nev_horizon_units": nev_h, "nev_share_of_flat_2025_market": nev_h / market,
            "max_growth_pct_per_year_flat_market": ((market / nev0) ** (1 / years) - 1) * 100}


# --- the check that the model reproduces seed 002 ---------------------------------------------------

def seed_reproduction(model: pd.DataFrame | None = None) -> tuple[pd.DataFrame, float]:
    """The model's arithmetic on seed 002's 2024 and 2025 activity beside seed 002's own NdFeB figures,
    by sector and in total, t of magnet, and the largest absolute difference (t; floating-point
    rounding only). A check: the path itself starts from the nowcast, not from the 2025 forecast.

    ``model``: :func:`seed_arithmetic` (the default). Columns: ("seed 002, t" | "model, t", year);
    rows: the sector labels and ``total``.
    """
    model = seed_arithmetic() if model is None else model
    seed_rows = seed_table().set_index(["year", "sector"])["demand_t"]
    check = model[model["year"].isin(ANCHOR_YEARS) & model["sector"].isin(SEED_SECTORS)].set_index(["year", "sector"])
    repro = pd.DataFrame({"seed 002, t": seed_rows, "model, t": check["demand_t"]}).unstack("year").loc[list(SEED_SECTORS)]
    repro.loc["total"] = repro.sum()
    repro = repro.rename(index=SECTOR_LABELS)
    diff = (repro["model, t"] - repro["seed 002, t"]).abs()
    return repro, float(diff.max().max())


# --- the report's words: sentences of notebook 02, written from the computed figures ----------------

def _versus(x: float, low: float, high: float) -> str:
    """'above' / 'below' / 'within' a range."""
    return "above" if x > high else ("below" if x < low else "within")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def scenario_line(scenario: dict) -> str:
    """The run's one-line summary (Markdown): scenario, horizon, sensitivity ranges, Monte Carlo draws and seed."""
    return (f"**Scenario: {md(scenario['scenario_name'])}** · horizon {scenario['horizon_year']} · "
            f"{len(scenario['sensitivity'])} sensitivity ranges · {scenario['mc_draws']:,} Monte Carlo draws "
            f"(seed {scenario['mc_seed']})")


def intensity_reading_text(r: dict[str, float]) -> str:
    """What the intensities seed 002 implies mean beside the literature (Markdown); ``r``: :func:`intensity_reading`."""
    return (
        f"**Reading it.** Seed 002 implies about {r['nev_2024']:.1f} kg of magnet per NEV in 2024 and {r['nev_2025']:.1f} kg in "
        f"2025, {_versus(r['nev_2024'], r['lit_nev_low'], r['lit_nev_high'])} the {r['lit_nev_low']:g}-{r['lit_nev_high']:g} kg "
        f"per NEV and {r['lit_bev_low']:g}-{r['lit_bev_high']:g} kg per BEV in the literature: SMM's NEV figure probably also "
        f"counts the magnets outside the traction motor (steering, pumps, seats). For wind, {r['wind_all_2024']:.0f} kg per MW "
        f"of *all* new capacity becomes about {r['wind_ndfeb_2024']:.0f} kg per MW of permanent-magnet capacity if "
        f"{r['wind_ndfeb_share']:.0%} of turbines use NdFeB, "
        f"{_versus(r['wind_ndfeb_2024'], r['lit_wind_pm_average_low'], r['lit_wind_pm_average_high'])} "
        f"the {r['lit_wind_pm_average_low']:g} kg/MW modelling average and the {r['lit_wind_lowspeed_pm_generator_low']:g}-"
        f"{r['lit_wind_lowspeed_pm_generator_high']:g} kg/MW for direct drive: China's medium-speed PM turbines use less "
        f"magnet. Air conditioners: {r['ac_2024_g']:.0f} g per unit against {r['lit_ac_compressor_low']:g} g per inverter "
        f"compressor (not every unit is inverter). Two intensities move a lot between the seed's 2024 actual and 2025 "
        f"forecast, which the model keeps as stated:")


def growth_display(growth: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """:func:`growth_comparison` with sector labels and headers in words, for the report."""
    return growth.assign(sector=growth["sector"].map(SECTOR_LABELS)).rename(columns={
        "activity_growth_2025_pct": "activity 2024-25, %", "demand_growth_2025_pct": "NdFeB demand 2024-25, %",
        "intensity_change_2025_pct": "kg per unit 2024-25, %",
        "scenario_growth_pct_per_year": f"scenario growth to {horizon}, %/yr",
        "scenario_intensity_trend_pct_per_year": f"scenario intensity trend to {horizon}, %/yr"})


def nowcast_text(now: pd.DataFrame) -> str:
    """Each sector's nowcast against SMM's forecast and why they differ, then the sectors without one (Markdown)."""
    done = now.dropna(subset=["nowcast_t"])
    missing = now[now["nowcast_t"].isna()]
    text = "; ".join(f"**{md(r.sector)}**: nowcast {r.nowcast_t:,.0f} t against SMM's forecast {r.smm_forecast_t:,.0f} t "
                     f"({r.difference_pct:+.0f}%), because {r.actual_activity:,.0f} {md(r.activity_unit)} were made, "
                     f"not {r.smm_activity:,.0f}" for r in done.itertuples())
    if missing.empty:
        return text + "."
    return text + ". Not yet possible for " + ", ".join(md(r.sector) for r in missing.itertuples()) + " (table)."


def nowcast_display(now: pd.DataFrame) -> pd.DataFrame:
    """:func:`nowcast` with headers in words, for the report."""
    return now.rename(columns={"smm_forecast_t": "SMM forecast 2025, t", "nowcast_t": "nowcast 2025, t",
                               "difference_pct": "nowcast vs forecast, %", "actual_activity": "actual activity",
                               "smm_activity": "SMM activity forecast", "activity_unit": "activity unit", "why": "actual from"})


def official_text(official: pd.DataFrame) -> str:
    """How many official releases differ from seed 002 beyond rounding, and the largest gap (Markdown)."""
    gap = official["difference %"].abs()
    return (f"{(official['verdict'] != claims.CONSISTENT).sum()} of {len(official)} releases differ from seed 002 "
            f"beyond rounding; the largest gap is {gap.max():.1f}% ({md(official.loc[gap.idxmax(), 'sector'])}).")


def humanoid_horizon_text(claims: pd.DataFrame, scenario: dict, tag: str) -> str:
    """The scenario's robots in the horizon year and the magnet they need, at its kg per robot and at
    the kg Lingyi's figures imply (Markdown)."""
    implied_kg = float(claims.set_index("key").loc["implied_kg", "value"])
    h, kg = scenario["horizon_year"], scenario["humanoid_kg_per_robot"]
    robots = float(humanoid_units(scenario, [h])[0])
    return (f"In {md(tag)}, {robots:,.0f} robots in {h} at {kg:g} kg need **{robots * kg / units.KG_PER_T:,.1f} t** of "
            f"magnet; at the {implied_kg:,.0f} kg the Lingyi figures imply they would need "
            f"{robots * implied_kg / units.KG_PER_T:,.0f} t.")


def nev_penetration_text(scenario: dict, tag: str) -> str:
    """The NEV path against the car market seed 002's penetration implies (Markdown bullets)."""
    nev, h = nev_penetration_check(scenario), scenario["horizon_year"]
    return (f"- Car market implied by {nev['penetration_2025']:.0%} penetration in 2025 (seed 002): "
            f"{nev['car_market_2025_units'] / 1e6:,.1f} million\n"
            f"- NEV output in {nev['base_year']}, the base year: {nev['nev_base_units'] / 1e6:,.1f} million\n"
            f"- NEV output in {h} in {md(tag)}: {nev['nev_horizon_units'] / 1e6:,.1f} million, "
            f"**{nev['nev_share_of_flat_2025_market']:.0%}** of that market\n"
            f"- Fastest NEV growth from {nev['base_year']} to {h} within a flat market: "
            f"{nev['max_growth_pct_per_year_flat_market']:.1f}% per year")


def _sector_list(sectors) -> str:
    labels = [SECTOR_LABELS[s] for s in sectors]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def base_year_text(demand: pd.DataFrame) -> str:
    """Where the projection starts and why, and the model's 2025 against SMM's 2025 forecast, sector by
    sector where they differ (Markdown); ``demand``: :func:`project`."""
    b = base_year_of(demand)
    vs = nowcast_vs_forecast(demand).set_index("sector")
    total, rows = vs.loc["total"], vs.drop(index="total")
    nowcast_ = rows[rows["basis"] == BASIS_NOWCAST]
    forecast = rows[rows["basis"] != BASIS_NOWCAST]
    text = (f"The projection starts from **{b}**, the latest year with a full-year actual of a sector's activity in "
            f"`data/`. In {INTENSITY_YEAR} the seven end uses need **{total.model_t:,.0f} t** of magnet on this basis, "
            f"against SMM's forecast of {total.smm_forecast_t:,.0f} t ({total.difference_t:+,.0f} t, "
            f"{total.difference_pct:+.1f}%).")
    if not nowcast_.empty:
        text += (" The difference is all activity, since the intensities are SMM's own: "
                 + ", ".join(f"{SECTOR_LABELS[s]} {r.difference_t:+,.0f} t" for s, r in nowcast_.iterrows()) + ".")
    if not forecast.empty:
        text += (f" {_capitalised(_sector_list(forecast.index))} have no full-year {INTENSITY_YEAR} actual yet: their "
                 f"{INTENSITY_YEAR} figure is SMM's forecast until one is published.")
    carried = demand[(demand["year"] == b) & (demand["basis"] == BASIS_CARRIED)]["sector"]
    if len(carried):
        text += (f" In {b}, {_sector_list(carried)} have no full-year actual yet: the year before, grown at the "
                 "scenario's rate.")
    return text


def comparison_text(comparison: pd.DataFrame, total: pd.Series) -> str:
    """China's magnet output, the IEA's latest figure as magnet, and the share of China's 2024 output the
    modelled end uses take (Markdown); ``comparison``: :func:`comparison_table`, ``total``: :func:`totals`."""
    china = comparison[comparison["series"] == "China magnet production, seed 002"].set_index("year")["ndfeb_magnet_t"]
    iea = comparison[comparison["series"].str.startswith("IEA world")].sort_values("year").iloc[-1]
    y0, y1 = ANCHOR_YEARS
    covered = float(total.loc[y0]) / float(china.loc[y0])
    return (
        f"China's magnet output: {china.loc[y0] / 1000:,.1f} kt in {y0} and {china.loc[y1] / 1000:,.1f} kt expected in {y1} "
        f"(seed 002). At {units.default_magnet_re_share():.1%} rare earths by weight, the IEA's {iea['stated_value']:g} kt of "
        f"elements in {iea['year']} is about {iea['ndfeb_magnet_t'] / 1000:,.0f} kt of magnet. The seven end uses modelled here "
        f"take **{covered:.0%}** of China's {y0} output: the rest goes to exports, conventional cars, consumer electronics "
        f"beyond phones, industrial motors and other uses that seed 002 does not break out.")


def composition_text() -> str:
    """Nd+Pr and rare earths per tonne of magnet (Markdown), from :mod:`analysis.units`."""
    return (f"Each tonne of magnet holds about {units.default_magnet_ndpr_share():.2f} t of Nd+Pr metal and "
            f"{units.default_magnet_re_share():.3f} t of rare earths in all.")


# --- the results file of notebook 02 -----------------------------------------------------------------

KEY_CHART = "demand_by_sector"
PARAMETER_WORDS = {"growth_pct_per_year": "the growth of {}", "intensity_trend_pct_per_year": "the magnet-intensity trend of {}",
                   "technology_share": "the NdFeB share of {}"}


def parameter_words(key: str) -> str:
    """An uncertain parameter in words: 'growth_pct_per_year.nev' -> 'the growth of NEVs'."""
    if key == "humanoid_units_factor":
        return "the number of humanoid robots"
    if key == "humanoid_kg_per_robot":
        return "the magnet per humanoid robot"
    group, sector = key.split(".")
    return PARAMETER_WORDS[group].format(SECTOR_LABELS[sector])


def _about(x: float) -> str:
    """A tonnage to three significant figures, with thousands separators: 139,235 -> '139,000'."""
    return f"{float(f'{x:.3g}'):,.0f}"


def _growth_pct(total: pd.Series, first: int, last: int) -> float:
    """Average growth of ``total`` from ``first`` to ``last``, % per year."""
    return ((total.loc[last] / total.loc[first]) ** (1 / (last - first)) - 1) * 100


def answer(demand: pd.DataFrame, bands: pd.DataFrame, torn: pd.DataFrame, tag: str) -> str:
    """The report's question answered in one plain-text sentence, from the computed figures;
    ``demand``: :func:`project`."""
    total, first, h = totals(demand), base_year_of(demand), int(demand["year"].max())
    band = bands.set_index("year").loc[h]
    most = f", and {parameter_words(torn['parameter'].iloc[0])} matters most" if len(torn) else ""
    return (f"China's demand for NdFeB magnet from the seven end uses modelled goes from about {_about(total.loc[first])} t "
            f"in {first} (a nowcast from that year's actual activity where it is published) to about {_about(total.loc[h])} t "
            f"in {h} (Monte Carlo 5-95%: {_about(band['p5_t'])}-{_about(band['p95_t'])} t), "
            f"{_growth_pct(total, first, h):.1f}% a year{most} ({tag}).")


def results(scenario: dict, *, result: pd.DataFrame, bands: pd.DataFrame, torn: pd.DataFrame, content: pd.DataFrame,
            intensities: pd.DataFrame, now: pd.DataFrame, official: pd.DataFrame, reproduction_max_difference_t: float,
            tag: str) -> dict:
    """Notebook 02's results file: the answer, the key chart, the key figures (headline first), then the tables.

    ``result``: :func:`project`; ``bands``: :func:`mc_percentiles`; ``torn``: :func:`tornado`;
    ``content``: :func:`element_content`; ``intensities``: :func:`intensity_table`; ``now``: :func:`nowcast`;
    ``official``: :func:`official_figures`; ``reproduction_max_difference_t``: from :func:`seed_reproduction`.
    """
    name, h = scenario["scenario_name"], scenario["horizon_year"]
    total, table = totals(result), by_sector(result)
    last = bands.set_index("year").loc[h]
    content_h = content.set_index("year").loc[h]
    first = base_year_of(result)
    vs = nowcast_vs_forecast(result).set_index("sector")
    nowcast_sectors = int((vs.drop(index="total")["basis"] == BASIS_NOWCAST).sum())
    return {
        "answer": answer(result, bands, torn, tag),
        "key_chart": KEY_CHART,
        "key_figures": {
            "scenario": name,
            f"demand {first}, base year (nowcast, {len(SECTORS)} end uses)": (
                f"{total.loc[first]:,.0f} t magnet ({nowcast_sectors} of SMM's {len(SEED_SECTORS)} sectors from actual "
                f"activity, humanoid robots from the scenario; "
                f"SMM's {INTENSITY_YEAR} forecast {vs.loc['total', 'smm_forecast_t']:,.0f} t)"),
            f"demand {h}": f"{total.loc[h]:,.0f} t magnet",
            f"growth {first}-{h}": f"{_growth_pct(total, first, h):.1f}% per year",
            f"Monte Carlo 5-95% range {h}": f"{last['p5_t']:,.0f}-{last['p95_t']:,.0f} t",
            "largest sensitivity": f"{uncertain_label(torn['parameter'].iloc[0])} ({torn['swing_t'].iloc[0]:,.0f} t swing)" if len(torn) else "none",
            f"humanoid robots {h}": f"{table.loc[h, HUMANOID]:,.1f} t magnet",
            f"Nd+Pr content {h}": f"{content_h['ndpr_element_t']:,.0f} t element",
        },
        "scenario": name,
        "parameters": scenario,
        "demand_by_sector": report.records(result, 6),
        "totals_t": {int(y): round(float(v), 6) for y, v in total.items()},
        "monte_carlo_percentiles": report.records(bands, 3),
        "tornado": report.records(torn, 6),
        "element_content": report.records(content, 6),
        "intensities": report.records(intensities, 6),
        "seed_reproduction_max_difference_t": reproduction_max_difference_t,
        "nowcast_2025": report.records(now, 3),
        "official_figures": report.records(official, 4),
        "base_year": first,
        "base_year_vs_smm_forecast": report.records(nowcast_vs_forecast(result), 3),
    }


__all__ = [
    "ANCHOR_YEARS", "NOTEBOOK_STEM", "SECTORS", "SECTOR_LABELS", "SEED_SECTORS", "anchor_technology_share",
    "by_sector", "comparison_table", "draw_parameters", "element_content", "growth_comparison",
    "humanoid_units", "intensity_display", "intensity_table", "load_scenario", "mc_percentiles",
    "nev_penetration_check", "project", "results_name", "scenario_files",
    "first_projection_year", "seed_magnet_production", "tornado_display", "uncertain_label",
    "seed_table", "simulate", "totals", "tornado", "uncertain_keys", "validate_scenario", "waterfall_table",
    # notebook 02's check, words and results (seed 002's and seed 003's claims: analysis.claims_demand)
    "answer", "comparison_text", "composition_text", "growth_display",
    "humanoid_horizon_text", "intensity_reading_text", "nev_penetration_text", "nowcast_display",
    "nowcast_text", "official_text", "parameter_words", "results", "scenario_line", "seed_reproduction",
    # the base year: the latest year with actual activity
    "INTENSITY_YEAR", "activity_actuals", "base_path", "base_year", "base_year_of", "base_year_text", "nowcast",
    "nowcast_vs_forecast", "seed_arithmetic",
]
