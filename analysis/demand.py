"""China NdFeB demand built up by end use: activity x magnet intensity x technology share.

For each sector and year::

    demand_t = activity x intensity_kg_per_activity_unit x technology_share / 1000

``activity`` is in units (vehicles, air conditioners, phones, robots, ...) or, for wind, in MW of
new installations, so the wind intensity is in kg per MW (= t per GW). ``technology_share`` is
the share of the activity that uses NdFeB magnets (e.g. permanent-magnet wind turbines); the
intensity is per unit of that NdFeB-using activity. Every mass is t (or kg) of NdFeB *magnet*,
not of rare-earth element, unless a column says otherwise.

2024 (actual) and 2025 (forecast) are seed 002 (SMM forum) as stated: the intensities are derived
from its body figures so the model reproduces every sector value. From 2026 to the horizon year
the activity grows at ``growth_pct_per_year``, the intensity moves at
``intensity_trend_pct_per_year`` (thrifting when negative), the technology share moves linearly
from its 2025 value to ``technology_share`` in the horizon year, and humanoid robots add
``units x humanoid_kg_per_robot / 1000`` t.

One vectorised core (:func:`_demand_arrays`) serves the deterministic run, the tornado and the
Monte Carlo, so all three agree by construction.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import cache, consistency, paths, units
from analysis.data import load

NOTEBOOK_STEM = "02_demand_buildup"
SEED_SOURCE = "seed002_smm_forum"
ANCHOR_YEARS = (2024, 2025)
FIRST_PROJECTION_YEAR = ANCHOR_YEARS[-1] + 1

SEED_SECTORS = ("nev", "wind", "air_conditioner", "elevator", "mobile_phone", "industrial_robot")
HUMANOID = "humanoid_robot"
SECTORS = SEED_SECTORS + (HUMANOID,)
SECTOR_LABELS = {"nev": "NEVs", "wind": "wind power", "air_conditioner": "air conditioners",
                 "elevator": "elevators", "mobile_phone": "mobile phones",
                 "industrial_robot": "industrial robots", HUMANOID: "humanoid robots"}

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


def uncertain_keys() -> list[str]:
    """Names a sensitivity range or a Monte Carlo distribution can be given for."""
    keys = [f"{group}.{s}" for group in ("growth_pct_per_year", "intensity_trend_pct_per_year", "technology_share")
            for s in SEED_SECTORS]
    return keys + ["humanoid_kg_per_robot", "humanoid_units_factor"]


def results_name(scenario_name: str) -> str:
    """Name of the results file: the notebook stem for 'default', ``<stem>__<scenario>`` otherwise
    (the report build names a scenario file's run after the file's stem)."""
    return NOTEBOOK_STEM if scenario_name == "default" else f"{NOTEBOOK_STEM}__{scenario_name}"


def validate_scenario(params: dict) -> dict:
    """Check a scenario (the notebook's parameters or a YAML file's mapping) and normalise it.

    The types, bounds and choices are those of notebook 02's model
    (:class:`analysis.parameters.DemandBuildup`); a key left out takes the notebook's default.
    Raises ``ValueError`` (:class:`analysis.params.ParameterError`) with one line per problem, naming
    the key and what was expected. Sectors missing from ``intensity_trend_pct_per_year`` get 0; from
    ``technology_share``, their 2025 share (:func:`anchor_technology_share`). Tornado ranges are
    ``(low, high)`` tuples; the robot path is sorted by year.
    """
    from analysis import parameters

    if not isinstance(params, dict):
        raise ValueError(f"scenario: expected a mapping (dict), got {params!r} ({type(params).__name__})")
    out = parameters.validate(NOTEBOOK_STEM, params).model_dump(exclude_none=True)
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


def _fmt_number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}" if abs(x) >= 0.01 else f"{x:.2g}"


def intensity_display(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`intensity_table` as short text: one 'low-high unit' string as stated and one in the model's unit."""
    table = intensity_table() if table is None else table

    def rng(lo, hi, unit):
        if pd.isna(lo):
            return ""
        return f"{_fmt_number(lo)} {unit}" if lo == hi else f"{_fmt_number(lo)}-{_fmt_number(hi)} {unit}"

    model_unit = {s: ("kg/MW" if s == "wind" else "kg/unit") for s in SECTORS}
    return pd.DataFrame({
        "sector": table["sector"].map(SECTOR_LABELS), "figure": table["figure"],
        "as stated": [rng(lo, hi, u.replace("_per_", "/")) for lo, hi, u in zip(table["value_low"], table["value_high"], table["unit"])],
        "measures": table["measures"],
        "in model unit": [rng(lo, hi, model_unit[s]) for lo, hi, s in zip(table["comparable_low"], table["comparable_high"], table["sector"])],
        "source_id": table["source_id"]})


def seed_consistency() -> pd.DataFrame:
    """analysis.consistency's checks on seed 002's demand figures (dataset demand_china)."""
    stated = load("stated_changes")
    ids = set(stated.loc[stated["dataset"] == "demand_china", "claim_id"])
    table = consistency.check()
    mine = table["claim_id"].fillna("").map(lambda c: bool(ids & set(c.split(", ")))) | table["statement"].str.startswith("demand_china ")
    return table[mine & (table["verdict"] != consistency.VERDICT_NA)].reset_index(drop=True)


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


def activity_rate_disagreements() -> pd.DataFrame:
    """Sectors whose stated 2024->2025 activity growth disagrees with the units seed 002 prints.

    One row per sector: ``unit``, ``body_2024``, ``body_2025`` and ``headline_2025`` (activity),
    ``recomputed_pct`` (body 2025 over body 2024), ``stated_pct`` (the disagreeing rates, as text,
    each once), ``headline_pct`` (headline 2025 over body 2024) and ``headline_stated_pct`` (the
    rate the headline states).
    """
    checks = seed_consistency()
    stated = load("stated_changes").set_index("claim_id")
    bad = checks[(checks["check"] == "stated relation") & (checks["verdict"] == consistency.VERDICT_BAD)]
    act = load("demand_china")
    act = act[(act["source_id"] == SEED_SOURCE) & (act["demand_metric"] == "activity")]
    rows = []
    for sector in SEED_SECTORS:
        ids = [c for c in bad["claim_id"] if stated.loc[c, "series"].split(":")[:2] == [sector, "activity"]
               and str(stated.loc[c, "period_key"]) == str(ANCHOR_YEARS[-1])]
        if not ids:
            continue
        a = act[act["sector"] == sector].set_index(["year", "statement"])
        body24, body25 = float(a.loc[(2024, "body"), "value"]), float(a.loc[(2025, "body"), "value"])
        head25 = float(a.loc[(2025, "headline"), "value"]) if (2025, "headline") in a.index else body25
        rates = sorted({float(stated.loc[c, "stated_value"]) for c in ids})
        head_claims = stated[(stated["dataset"] == "demand_china") & (stated["series"] == f"{sector}:activity:headline")
                             & (stated["period_key"].astype(str) == str(ANCHOR_YEARS[-1]))]
        rows.append({"sector": sector, "unit": a["unit"].iloc[0], "body_2024": body24, "body_2025": body25,
                     "headline_2025": head25, "recomputed_pct": (body25 / body24 - 1) * 100,
                     "stated_pct": " and ".join(f"{r:+g}%" for r in rates), "headline_pct": (head25 / body24 - 1) * 100,
                     "headline_stated_pct": " and ".join(f"{r:+g}%" for r in sorted(set(head_claims["stated_value"])))})
    return pd.DataFrame(rows)


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


def nowcast(year: int = ANCHOR_YEARS[-1]) -> pd.DataFrame:
    """NdFeB demand by sector for ``year`` as a nowcast: the year's actual activity (a full-year
    official or other release) x the intensity seed 002 implies for that year, beside SMM's forecast.

    Sectors with no full-year actual yet get no nowcast; ``why`` says what is published instead.
    The difference to SMM's forecast is then all activity: the intensity is SMM's own.
    """
    seed = seed_table()
    seed = seed[seed["year"] == year].set_index("sector")
    d = load("demand_china")
    act = d[(d["year"] == year) & (d["demand_metric"] == "activity") & (d["status"] == "actual")
            & ~d["statement"].isin(["headline", "body"])]
    rows = []
    for sector in SEED_SECTORS:
        s = seed.loc[sector]
        full = act[(act["sector"] == sector) & (act["months"] == 12)]
        part = act[(act["sector"] == sector) & (act["months"] < 12)].sort_values("months")
        row = {"sector": SECTOR_LABELS[sector], "smm_forecast_t": s["demand_t"], "nowcast_t": np.nan, "difference_pct": np.nan,
               "actual_activity": np.nan, "smm_activity": np.nan, "activity_unit": s["activity_unit"], "why": ""}
        if full.empty:
            row["why"] = (f"no full-year {year} actual; published: January-{pd.Timestamp(2000, int(part['months'].iloc[-1]), 1):%B} only"
                          if not part.empty else f"no {year} actual published yet")
        else:
            factor, _ = ACTIVITY_UNITS[full["unit"].iloc[0]]
            actual = float(full["value"].iloc[0]) * factor
            now = actual * s["intensity_kg_per_activity_unit"] / units.KG_PER_T
            row.update(nowcast_t=now, difference_pct=(now / s["demand_t"] - 1) * 100, actual_activity=actual,
                       smm_activity=s["activity"], why=f"{full['statement'].iloc[0]} release, {full['source_id'].iloc[0]}")
        rows.append(row)
    return pd.DataFrame(rows)


def humanoid_claims() -> pd.DataFrame:
    """Seed 003's humanoid-robot figures and the intensity they imply, against Tesla Optimus' magnet per robot.

    ``key`` names each row for look-ups (``claims.set_index("key")["value"]``)."""
    mf = load("market_figures").set_index("metric")
    robots = float(mf.loc["lingyi_robots_assembled", "value_low"])
    tonnes = float(mf.loc["lingyi_annual_magnet_demand_increase", "value_low"])
    rings = float(mf.loc["magnet_rings_per_robot", "value_low"])
    share_pct = float(mf.loc["lingyi_demand_increase_share_of_global_production", "value_low"])
    optimus = float(_literature_row("humanoid_robot_optimus")["value_low"])
    implied = tonnes * units.KG_PER_T / robots
    china_2024 = _china_magnet_production().get(2024)
    t_txt, robots_txt = f"{tonnes:,.0f} t", f"{robots:,.0f} robots"
    rows = [
        ("rings", "NdFeB magnet rings per robot (seed 003)", rings, "count", "a count, not a mass"),
        ("robots", "humanoid robots assembled by Lingyi (seed 003)", robots, "robots", "cumulative, no year stated"),
        ("tonnes", "annual magnet demand increase from Lingyi (seed 003)", tonnes, "t", f"'exceeding {t_txt}'"),
        ("implied_kg", f"implied magnet per robot: {t_txt} / {robots_txt}", implied, "kg/robot", "t x 1000 / robots"),
        ("optimus_kg", "Tesla Optimus magnet per robot (Pacific Forum)", optimus, "kg/robot", f"'at least {optimus:g} kilograms'"),
        ("ratio", "implied / Optimus", implied / optimus, "ratio", f"{math.floor(math.log10(implied / optimus))} orders of magnitude"),
        ("robots_at_optimus", f"robots needed for {t_txt} at the Optimus intensity", tonnes * units.KG_PER_T / optimus, "robots",
         "t x 1000 / kg per robot"),
        ("implied_global_t", f"global production implied by '{t_txt} = {share_pct:g}% of 2024'", tonnes / (share_pct / 100), "t",
         f"{tonnes:,.0f} / {share_pct / 100:g}"),
        ("china_2024_t", "China magnet production 2024 (seed 002)", china_2024, "t", "rare-earth permanent magnets"),
    ]
    return pd.DataFrame(rows, columns=["key", "figure", "value", "unit", "how"])


def _literature_row(application: str) -> pd.Series:
    lit = load("magnet_intensity")
    rows = lit[lit["application"] == application]
    if len(rows) != 1:
        raise LookupError(f"magnet_intensity.csv: expected one {application!r} row")
    return rows.iloc[0]


def _china_magnet_production() -> dict[int, float]:
    prod = load("magnet_production")
    prod = prod[(prod["region"] == "china") & (prod["source_id"] == SEED_SOURCE)]
    return {int(y): float(v) for y, v in zip(prod["year"], prod["mass_t"])}


# --- the model ----------------------------------------------------------------------------------

def _param_arrays(scenario: dict, n: int, overrides: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """The scenario's parameters as arrays of ``n`` draws (sectors on the second axis)."""
    overrides = overrides or {}
    out = {}
    for group in ("growth_pct_per_year", "intensity_trend_pct_per_year", "technology_share"):
        cols = []
        for s in SEED_SECTORS:
            key = f"{group}.{s}"
            cols.append(np.broadcast_to(overrides.get(key, scenario[group][s]), (n,)).astype(float))
        out[group] = np.stack(cols, axis=1)
    out["humanoid_kg_per_robot"] = np.broadcast_to(overrides.get("humanoid_kg_per_robot", scenario["humanoid_kg_per_robot"]), (n,)).astype(float)
    out["humanoid_units_factor"] = np.broadcast_to(overrides.get("humanoid_units_factor", 1.0), (n,)).astype(float)
    return out


def humanoid_units(scenario: dict, years) -> np.ndarray:
    """Robots built per year: linear between the scenario's years, flat before the first and after the last."""
    path = scenario["humanoid_units_per_year"]
    return np.interp(np.asarray(years, dtype=float), list(path), list(path.values()))


def _demand_arrays(scenario: dict, n: int = 1, overrides: dict[str, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Projected demand, t of magnet, shape (n draws, 7 sectors, projection years), and the years."""
    seed = seed_table()
    base = seed[seed["year"] == ANCHOR_YEARS[-1]].set_index("sector").loc[list(SEED_SECTORS)]
    anchor = np.array([anchor_technology_share()[s] for s in SEED_SECTORS])
    act0 = base["activity"].to_numpy()
    intensity0 = base["intensity_kg_per_activity_unit"].to_numpy() / anchor  # per unit using NdFeB
    years = np.arange(FIRST_PROJECTION_YEAR, scenario["horizon_year"] + 1)
    t = (years - ANCHOR_YEARS[-1]).astype(float)[None, None, :]
    p = _param_arrays(scenario, n, overrides)
    growth = (1 + p["growth_pct_per_year"] / 100)[:, :, None] ** t
    trend = (1 + p["intensity_trend_pct_per_year"] / 100)[:, :, None] ** t
    share = anchor[None, :, None] + (p["technology_share"] - anchor)[:, :, None] * t / t.max()
    seeded = act0[None, :, None] * growth * intensity0[None, :, None] * trend * share / units.KG_PER_T
    robots = humanoid_units(scenario, years)[None, :] * p["humanoid_units_factor"][:, None]
    humanoid = robots * p["humanoid_kg_per_robot"][:, None] / units.KG_PER_T
    return np.concatenate([seeded, humanoid[:, None, :]], axis=1), years


def project(scenario: dict) -> pd.DataFrame:
    """Demand by sector and year, 2024 to the horizon: seed 002 for 2024-2025, the model after.

    Columns: scenario, year, sector, basis, activity, activity_unit, intensity_kg_per_activity_unit,
    intensity_unit, technology_share, demand_t.
    """
    seed = seed_table()
    anchor = anchor_technology_share()
    rows = []
    for r in seed.itertuples():
        rows.append({"year": r.year, "sector": r.sector, "basis": f"seed 002 {r.status}", "activity": r.activity,
                     "activity_unit": r.activity_unit,
                     "intensity_kg_per_activity_unit": r.intensity_kg_per_activity_unit / anchor[r.sector],
                     "intensity_unit": r.intensity_unit, "technology_share": anchor[r.sector],
                     # activity x intensity x share / 1000, written out so the identity is visible
                     "demand_t": r.activity * (r.intensity_kg_per_activity_unit / anchor[r.sector]) * anchor[r.sector] / units.KG_PER_T})
    for y in ANCHOR_YEARS:  # seed 002 counts no humanoid robots separately
        rows.append({"year": y, "sector": HUMANOID, "basis": "none in seed 002", "activity": 0.0, "activity_unit": "units",
                     "intensity_kg_per_activity_unit": scenario["humanoid_kg_per_robot"], "intensity_unit": "kg/unit",
                     "technology_share": 1.0, "demand_t": 0.0})
    demand, years = _demand_arrays(scenario)
    base = seed[seed["year"] == ANCHOR_YEARS[-1]].set_index("sector")
    robots = humanoid_units(scenario, years)
    h = scenario["horizon_year"] - ANCHOR_YEARS[-1]
    for j, y in enumerate(years):
        t = y - ANCHOR_YEARS[-1]
        for i, s in enumerate(SEED_SECTORS):
            b = base.loc[s]
            share = anchor[s] + (scenario["technology_share"][s] - anchor[s]) * t / h
            rows.append({"year": int(y), "sector": s, "basis": "projection",
                         "activity": b["activity"] * (1 + scenario["growth_pct_per_year"][s] / 100) ** t,
                         "activity_unit": b["activity_unit"],
                         "intensity_kg_per_activity_unit": b["intensity_kg_per_activity_unit"] / anchor[s]
                         * (1 + scenario["intensity_trend_pct_per_year"][s] / 100) ** t,
                         "intensity_unit": b["intensity_unit"], "technology_share": share, "demand_t": float(demand[0, i, j])})
        rows.append({"year": int(y), "sector": HUMANOID, "basis": "projection", "activity": float(robots[j]),
                     "activity_unit": "units", "intensity_kg_per_activity_unit": scenario["humanoid_kg_per_robot"],
                     "intensity_unit": "kg/unit", "technology_share": 1.0, "demand_t": float(demand[0, -1, j])})
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

    Vectorised with numpy; the same seed gives identical results.
    """
    draws = scenario["mc_draws"] if draws is None else draws
    seed = scenario["mc_seed"] if seed is None else seed
    demand, years = _demand_arrays(scenario, draws, draw_parameters(scenario, draws, seed))
    return demand.sum(axis=1), years


def mc_percentiles(scenario: dict, draws: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Percentiles (5, 25, 50, 75, 95) of total demand by year, t of magnet; 2024-2025 are seed 002."""
    sims, years = simulate(scenario, draws, seed)
    table = pd.DataFrame(np.percentile(sims, PERCENTILES, axis=0).T, index=years,
                         columns=[f"p{p}_t" for p in PERCENTILES])
    seed_totals = seed_table().groupby("year")["demand_t"].sum()
    anchor = pd.DataFrame({c: seed_totals for c in table.columns})
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
    """Steps from the 2024 total to 2025 and to the horizon year, one per sector (t of magnet)."""
    table = by_sector(demand)
    first, mid, last = ANCHOR_YEARS[0], ANCHOR_YEARS[-1], int(table.index.max())
    rows = [{"step": f"{first} total", "change_t": float(table.loc[first].sum()), "kind": "total"}]
    for a, b in ((first, mid), (mid, last)):
        for s in SECTORS:
            delta = float(table.loc[b, s] - table.loc[a, s])
            if a == first and s == HUMANOID:
                continue
            rows.append({"step": f"{SECTOR_LABELS[s]} {a}-{str(b)[2:]}", "change_t": delta, "kind": "change"})
        rows.append({"step": f"{b} total", "change_t": float(table.loc[b].sum()), "kind": "total"})
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
    """NEV output in the horizon year against the whole car market it implies.

    Seed 002 expects NEV penetration above 55% in 2025 (market_figures.csv); with a flat car
    market, NEVs cannot grow faster than to 100% of it: (1 / 0.55) ** (1 / years) - 1 per year.
    """
    mf = load("market_figures").set_index("metric")
    pen = float(mf.loc["nev_market_penetration", "value_low"]) / 100
    seed = seed_table().set_index(["sector", "year"])
    nev0 = float(seed.loc[("nev", ANCHOR_YEARS[-1]), "activity"])
    years = scenario["horizon_year"] - ANCHOR_YEARS[-1]
    nev_h = nev0 * (1 + scenario["growth_pct_per_year"]["nev"] / 100) ** years
    market = nev0 / pen
    return {"penetration_2025": pen, "car_market_2025_units": market, "nev_horizon_units": nev_h,
            "nev_share_of_flat_2025_market": nev_h / market,
            "max_growth_pct_per_year_flat_market": ((1 / pen) ** (1 / years) - 1) * 100}


__all__ = [
    "ANCHOR_YEARS", "NOTEBOOK_STEM", "SECTORS", "SECTOR_LABELS", "SEED_SECTORS", "anchor_technology_share",
    "by_sector", "comparison_table", "draw_parameters", "element_content", "growth_comparison", "humanoid_claims",
    "humanoid_units", "intensity_display", "intensity_table", "load_scenario", "mc_percentiles",
    "nev_penetration_check", "project", "results_name", "scenario_files", "seed_consistency", "seed_table", "simulate",
    "totals", "tornado", "uncertain_keys", "validate_scenario", "waterfall_table",
]
