"""Supply against the demand build-up: quotas, mine output, magnet production, the balance, recycling.

Four pieces, each usable on its own:

- **supply history**: China's mining and smelting/separation quotas (:func:`quota_table`), USGS
  mine production by edition with China's share computed within each edition (:func:`usgs_editions`,
  :func:`china_share`), China's magnet production and annual magnet exports (:func:`annual_exports`);
- **a conversion chain** t REO -> t Pr-Nd oxide -> t Pr-Nd metal -> t NdFeB magnet and back
  (:class:`Chain`): the Pr-Nd share of REO is a labelled assumption, the oxide -> metal step is
  stoichiometry from :mod:`analysis.units`, the metal -> magnet step the Nd+Pr weight share of
  NdFeB in data/magnet_intensity.csv;
- **the balance**: China's magnet production = the demand build-up's end uses + magnet exports +
  a residual (other uses and stock change), in t of magnet and in t of Pr-Nd oxide against the
  quota (:func:`magnet_balance`, :func:`ndpr_balance`, :func:`requirement_path`), and which of its
  conclusions hold across the range of published output figures (:func:`band_conclusions`);
- **recycling potential**: end-of-life magnets from past and projected inflows with a Weibull
  lifetime per sector (:func:`lifetime_pmf`, :func:`eol_outflow`, :func:`recycling_flows`), set
  against the EU CRMA's Art. 5 recycling benchmark, 25% of annual consumption (:func:`crma_comparison`).

The seeds' supply claims, recomputed with their verdicts, are in :mod:`analysis.claims_supply`.
Demand is never recomputed here: :func:`load_demand` calls :mod:`analysis.demand` on the named
scenario file of the demand notebook. Masses are t of NdFeB magnet unless a column says REO
(rare-earth oxide), oxide or metal.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analysis import cache, claims, demand, paths, units
from analysis.data import load, one
from analysis.rounding import Interval, half_unit

NOTEBOOK_STEM = "04_supply_balance"
BALANCE_YEARS = demand.ANCHOR_YEARS  # China's magnet production is known for 2024 (actual) and 2025 (forecast)
SEED_SOURCE = demand.SEED_SOURCE
# The recycling yardstick comes from the EU Critical Raw Materials Act itself, Regulation (EU) 2024/1252,
# Art. 5(1)(a)(iii): by 2030 EU recycling capacity should approach or reach 25% of annual consumption of
# strategic raw materials (market_figures.csv). Seed 003's "25% recycled magnet content in wind turbines
# and EV motors by 2030" is not in the regulation (policy_claims.csv: not supported) and is not used.
CRMA_METRIC = "eu_crma_art5_recycling_capacity_benchmark"
CRMA_CLAIM = "eu_crma_art5_recycling_benchmark"

# --- parameters -----------------------------------------------------------------------------------

def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{name}: expected a number, got {value!r} ({type(value).__name__})")
    return float(value)


def _fraction(value, name: str, *, allow_zero: bool = True) -> float:
    x = _number(value, name)
    if not (0 <= x <= 1) or (not allow_zero and x == 0):
        low = "0" if allow_zero else "above 0"
        raise ValueError(f"{name} = {x:g}: expected a share from {low} to 1 (a fraction, not a percentage)")
    return x


def validate_parameters(params: dict, *, injected: bool = True) -> dict:
    """The notebook's parameters, checked by :func:`analysis.parameters.validate` against notebook
    04's model (``injected``: they are the running notebook's own, as in notebook 04; the explorer
    passes False), with full sector dicts: a sector missing from ``backcast_growth_pct_per_year`` gets
    :func:`backcast_growth_from_data`."""
    from analysis import parameters

    out = parameters.validate(NOTEBOOK_STEM, params, injected=injected).model_dump()
    back, default = out["backcast_growth_pct_per_year"], backcast_growth_from_data()
    out["backcast_growth_pct_per_year"] = {s: back.get(s, default) for s in demand.SECTORS}
    out["lifetime_mean_years"] = {s: out["lifetime_mean_years"][s] for s in demand.SECTORS}
    return out


def load_demand(name: str) -> tuple[dict, pd.DataFrame]:
    """The demand scenario ``scenarios/02_demand_buildup/<name>.yaml`` and its projection
    (:func:`analysis.demand.project`): t of magnet by sector and year."""
    names = [p.stem for p in demand.scenario_files()]
    if name not in names:
        raise ValueError(f"demand_scenario: expected one of {names}, got {name!r}")
    scenario = demand.load_scenario(paths.SCENARIOS / demand.NOTEBOOK_STEM / f"{name}.yaml")
    return scenario, demand.project(scenario)


# --- conversion chain -----------------------------------------------------------------------------

class _Link(NamedTuple):
    """One link of :class:`Chain`: going forwards, ``to_unit`` = ``from_unit`` ``op`` (x or /) ``factor``."""

    from_unit: str
    to_unit: str
    forward: str    # what the step reaches going forwards
    backward: str   # what it reaches going backwards
    factor: float
    op: str
    source: str


class Chain:
    """t REO -> t Pr-Nd oxide -> t Pr-Nd metal -> t NdFeB magnet, and back.

    Parameters
    ----------
    ndpr_share_of_reo : float
        Pr-Nd oxide as a share of rare-earth oxide mined (an assumption: not in data/).
    pr_share_of_ndpr : float
        Pr6O11 share of the Pr-Nd oxide by mass (the rest Nd2O3); sets the metal fraction
        through :func:`analysis.units.prnd_metal_fraction_of_oxide`.
    ndpr_share_of_magnet : float
        Nd+Pr weight share of NdFeB magnet (data/magnet_intensity.csv, ndfeb_ndpr).
    """

    def __init__(self, ndpr_share_of_reo: float, pr_share_of_ndpr: float, ndpr_share_of_magnet: float):
        self.ndpr_share_of_reo = _fraction(ndpr_share_of_reo, "ndpr_share_of_reo", allow_zero=False)
        self.pr_share_of_ndpr = _fraction(pr_share_of_ndpr, "pr_share_of_ndpr")
        self.ndpr_share_of_magnet = _fraction(ndpr_share_of_magnet, "ndpr_share_of_magnet", allow_zero=False)
        self.metal_fraction = units.prnd_metal_fraction_of_oxide(self.pr_share_of_ndpr)

    @classmethod
    def from_parameters(cls, p: dict) -> "Chain":
        return cls(p["ndpr_share_of_reo"], p["pr_share_of_ndpr"], p["ndpr_share_of_magnet"])

    def reo_to_ndpr_oxide(self, reo_t):
        return reo_t * self.ndpr_share_of_reo

    def ndpr_oxide_to_metal(self, oxide_t):
        return oxide_t * self.metal_fraction

    def metal_to_magnet(self, metal_t):
        return metal_t / self.ndpr_share_of_magnet

    def magnet_to_metal(self, magnet_t):
        """t of Nd+Pr metal in ``magnet_t`` t of magnet."""
        return magnet_t * self.ndpr_share_of_magnet

    def reo_to_magnet(self, reo_t):
        """t of NdFeB magnet whose Nd+Pr ``reo_t`` t of REO could supply."""
        return self.metal_to_magnet(self.ndpr_oxide_to_metal(self.reo_to_ndpr_oxide(reo_t)))

    def magnet_to_ndpr_oxide(self, magnet_t):
        """t of Pr-Nd oxide that contains the Nd+Pr of ``magnet_t`` t of magnet."""
        return magnet_t * self.ndpr_share_of_magnet / self.metal_fraction

    def magnet_to_reo(self, magnet_t):
        """t of REO (at the assumed Pr-Nd share) that holds the Nd+Pr of ``magnet_t`` t of magnet."""
        return self.magnet_to_ndpr_oxide(magnet_t) / self.ndpr_share_of_reo

    def _links(self) -> list[_Link]:
        """The chain's three links, from REO to magnet."""
        return [
            _Link("t REO", "t Pr-Nd oxide", "Pr-Nd oxide in it", "REO that holds that oxide (at the assumed Pr-Nd share)",
                  self.ndpr_share_of_reo, "x", "Pr-Nd share of REO: ASSUMPTION (parameter ndpr_share_of_reo), not in data/"),
            _Link("t Pr-Nd oxide", "t Nd+Pr metal", "Pr-Nd metal in that oxide", "Pr-Nd oxide that holds that metal",
                  self.metal_fraction, "x",
                  f"metal fraction: stoichiometry of Nd2O3/Pr6O11 at {self.pr_share_of_ndpr:.0%} Pr6O11 (analysis.units)"),
            _Link("t Nd+Pr metal", "t NdFeB magnet", "NdFeB magnet that metal makes", "Nd+Pr metal it contains",
                  self.ndpr_share_of_magnet, "/", f"{self.ndpr_share_of_magnet:.0%} Nd+Pr in NdFeB (data/magnet_intensity.csv, ndfeb_ndpr)"),
        ]

    @staticmethod
    def _walk(step: str, mass_t: float, unit: str, source: str, hops: list[tuple[str, str, float, str, str]]) -> pd.DataFrame:
        """A chain table: the input row, then one row per (step, unit, factor, "x" or "/", source) hop."""
        rows = [(step, None, mass_t, unit, source)]
        for step, unit, factor, op, source in hops:
            mass_t = mass_t * factor if op == "x" else mass_t / factor
            rows.append((step, factor if op == "x" else 1 / factor, mass_t, unit, f"{op} {source}"))
        return pd.DataFrame(rows, columns=["step", "factor", "mass_t", "unit", "factor_source"])

    def table(self, reo_t: float) -> pd.DataFrame:
        """Each step of the chain for ``reo_t`` t of REO: factor, mass, unit and where the factor comes from."""
        return self._walk("rare-earth oxide (REO) mined", reo_t, "t REO", "input (e.g. a quota or USGS mine output)",
                          [(k.forward, k.to_unit, k.factor, k.op, k.source) for k in self._links()])

    def backward_table(self, magnet_t: float, what: str = "NdFeB magnet") -> pd.DataFrame:
        """The chain run backwards for ``magnet_t`` t of magnet (``what`` names it): the Nd+Pr metal it
        contains, the Pr-Nd oxide that holds that metal and the REO that holds that oxide (at the assumed
        Pr-Nd share), with the same columns as :meth:`table`."""
        return self._walk(what, magnet_t, "t NdFeB magnet", "input (e.g. China's magnet production)",
                          [(k.backward, k.from_unit, k.factor, "/" if k.op == "x" else "x", k.source) for k in self._links()[::-1]])


# --- supply history -------------------------------------------------------------------------------

@cache.on_data
def quota_table() -> pd.DataFrame:
    """China's quotas by year, t REO: mining (total, rock, ion-adsorption) and smelting/separation.

    Full-year figures only. Where a full-year total is missing but its rock and ion-adsorption
    parts are given (2025, SMM's expectation), the total is their sum, flagged in ``mining_basis``.
    A split known only for a batch (2019 H1, 2024 batch 1) is named in ``split_note``.
    """
    q = load("supply_quotas")
    rows = []
    for year, g in q.groupby("year"):
        full = g[g["batch"] == "full_year"].set_index(["quota", "ore_type"])
        get = lambda k: float(full.loc[k, "mass_t_reo"]) if k in full.index else np.nan  # noqa: E731
        rock, ion = get(("mining", "rock")), get(("mining", "ion_adsorption"))
        total = get(("mining", "total"))
        basis = "stated"
        if np.isnan(total) and not (np.isnan(rock) or np.isnan(ion)):
            total, basis = rock + ion, "derived: rock + ion-adsorption"
        batches = g[(g["batch"] != "full_year") & (g["quota"] == "mining") & (g["ore_type"] != "total")]
        batch_label = {"h1_batch_1": "H1 first batch", "batch_1": "first batch"}
        note = "; ".join(f"{batch_label.get(b, b)}: {o.replace('_', '-')} {v:,.0f} t" for b, o, v in
                         zip(batches["batch"], batches["ore_type"], batches["mass_t_reo"])) if np.isnan(rock) else ""
        status = "expected" if (g[g["batch"] == "full_year"]["status"] == "expected").any() else "actual"
        rows.append({"year": int(year), "status": status, "mining_total_t_reo": total, "mining_basis": basis,
                     "mining_rock_t_reo": rock, "mining_ion_adsorption_t_reo": ion,
                     "smelting_separation_t_reo": get(("smelting_separation", "total")), "split_note": note,
                     "source_ids": ", ".join(sorted(set(g.loc[g["batch"] == "full_year", "source_id"])))})
    return pd.DataFrame(rows)


@cache.on_data
def usgs_editions(measure: str = "mine_production") -> pd.DataFrame:
    """USGS mine production, t REO, one column per edition (revisions side by side), by country and year."""
    m = load("mine_production")
    m = m[m["usgs_measure"] == measure]
    wide = m.pivot_table(index=["country", "year"], columns="edition", values="mass_t_reo", aggfunc="first")
    wide.columns.name = None
    return wide.reset_index()


def usgs_revisions(country: str = "World", measure: str = "mine_production") -> pd.DataFrame:
    """Where a later USGS edition changed a year's figure: year, from_edition, from_t, to_edition, to_t (t REO)."""
    m = load("mine_production")
    m = m[(m["usgs_measure"] == measure) & (m["country"] == country)].sort_values(["year", "edition"])
    rows = []
    for year, g in m.groupby("year"):
        for (_, a), (_, b) in zip(g.iloc[:-1].iterrows(), g.iloc[1:].iterrows()):
            if a["mass_t_reo"] != b["mass_t_reo"]:
                rows.append({"year": int(year), "from_edition": a["edition"], "from_t": float(a["mass_t_reo"]),
                             "to_edition": b["edition"], "to_t": float(b["mass_t_reo"])})
    return pd.DataFrame(rows, columns=["year", "from_edition", "from_t", "to_edition", "to_t"])


def china_share() -> pd.DataFrame:
    """China's share of world mine production, %, for each year and edition that gives both figures.

    China and the world are only ever taken from the same edition. USGS's China figure is the
    mining quota (footnote: excludes undocumented production).
    """
    wide = usgs_editions()
    china = wide[wide["country"] == "China"].set_index("year")
    world = wide[wide["country"] == "World"].set_index("year")
    m = load("mine_production")
    sources = m[(m["country"] == "China") & (m["usgs_measure"] == "mine_production")].set_index(["year", "edition"])["source_id"]
    rows = []
    for edition in [c for c in wide.columns if c.startswith("MCS")]:
        for year in sorted(set(china.index) & set(world.index)):
            c, w = china.loc[year, edition], world.loc[year, edition]
            if pd.notna(c) and pd.notna(w):
                rows.append({"year": int(year), "edition": edition, "china_t_reo": float(c), "world_t_reo": float(w),
                             "china_share_pct": float(c) / float(w) * 100, "source_id": sources.loc[(year, edition)]})
    return pd.DataFrame(rows).sort_values(["year", "edition"]).reset_index(drop=True)


def latest_world_output() -> pd.DataFrame:
    """World mine production by year, t REO, from the latest edition that gives it."""
    wide = usgs_editions()
    world = wide[wide["country"] == "World"].set_index("year")
    editions = sorted(c for c in wide.columns if c.startswith("MCS"))
    rows = []
    for year, r in world.iterrows():
        known = [e for e in editions if pd.notna(r[e])]
        rows.append({"year": int(year), "edition": known[-1], "world_t_reo": float(r[known[-1]])})
    return pd.DataFrame(rows)


def china_magnet_production() -> pd.DataFrame:
    """China's rare-earth permanent-magnet production, t of magnet, seed 002 (2024 actual, 2025 forecast)."""
    p = demand.seed_magnet_production()
    p = p[p["year"].isin(BALANCE_YEARS)]
    if sorted(p["year"]) != list(BALANCE_YEARS):
        raise LookupError(f"magnet_production.csv: expected seed 002 China rows for {list(BALANCE_YEARS)}")
    return p[["year", "status", "mass_t", "magnet_product", "source_id"]].rename(columns={"mass_t": "production_t"}).reset_index(drop=True)


@cache.on_data
def magnet_output_figures(first_year: int = 2019, last_year: int = 2025) -> pd.DataFrame:
    """Every published figure for China's magnet output, with what it counts and who published it.

    ``counts`` spells out the scope: NdFeB or all rare-earth permanent magnets, sintered/bonded,
    blanks/finished, cerium grades, as the source says ("not stated" where it does not).
    """
    p = load("magnet_production")
    p = p[(p["region"] == "china") & p["year"].between(first_year, last_year)].copy()
    sources = load("sources").set_index("source_id")
    product = {"ndfeb": "NdFeB", "re_permanent_magnet": "all RE permanent magnets"}
    def scope(r):
        parts = [product[r.magnet_product]]
        parts += [r.form.replace("_", " + ").replace("sintered + and + bonded", "sintered + bonded")] if r.form != "not_stated" else []
        parts += [r.stage] if r.stage != "not_stated" else []
        parts += [f"Ce grades {r.ce_grades}"] if r.ce_grades != "not_stated" else []
        return ", ".join(parts)
    p["counts"] = [scope(r) for r in p.itertuples()]
    p["form"] = p["form"].str.replace("sintered_and_bonded", "sintered + bonded")
    p["publisher"] = p["source_id"].map(sources["publisher"])
    p["used_in_balance"] = p["source_id"].eq(SEED_SOURCE) & p["year"].isin(BALANCE_YEARS)
    cols = ["year", "status", "mass_t", "comparator", "counts", "publisher", "used_in_balance", "source_id", "magnet_product", "form"]
    return p[cols].sort_values(["year", "mass_t"]).reset_index(drop=True)


def magnet_output_range() -> pd.DataFrame:
    """China's magnet output per balance year as a range: the lowest and highest published figure.

    A year's range is built from its actuals and estimates (status actual or expected) where there
    are any, else from its forecasts; a part of the whole (bonded only) is left out.
    """
    figs = magnet_output_figures()
    rows = []
    for year in BALANCE_YEARS:
        f = figs[(figs["year"] == year) & (figs["form"] != "bonded")]
        known = f[f["status"].isin(["actual", "expected"])]
        use = known if not known.empty else f
        lo, hi = use.loc[use["mass_t"].idxmin()], use.loc[use["mass_t"].idxmax()]
        rows.append({"year": year, "basis": "actuals and estimates" if not known.empty else "forecasts only",
                     "low_t": float(lo["mass_t"]), "low_counts": lo["counts"], "low_source": lo["source_id"],
                     "high_t": float(hi["mass_t"]), "high_counts": hi["counts"], "high_source": hi["source_id"],
                     "figures": len(use)})
    return pd.DataFrame(rows)


def balance_band(balance: pd.DataFrame, chain: Chain) -> pd.DataFrame:
    """The magnet balance and its Pr-Nd content across the output range, per year (t).

    End uses and exports are the same at both ends; the residual (other uses + stock change) and
    the Pr-Nd oxide in China's magnet output move with the output figure.
    """
    rng = magnet_output_range().set_index("year")
    quotas = quota_table().set_index("year")
    rows = []
    for b in balance.itertuples():
        r = rng.loc[b.year]
        quota_ndpr = chain.reo_to_ndpr_oxide(float(quotas.loc[b.year, "mining_total_t_reo"]))
        for end, out in (("low", r.low_t), ("balance", b.production_t), ("high", r.high_t)):
            residual = out - b.end_uses_t - b.exports_t
            ndpr = chain.magnet_to_ndpr_oxide(out)
            rows.append({"year": b.year, "end": end, "production_t": out, "end_uses_t": b.end_uses_t, "exports_t": b.exports_t,
                         "residual_t": residual, "residual_pct": residual / out * 100, "production_ndpr_oxide_t": ndpr,
                         "mining_quota_ndpr_oxide_t": quota_ndpr, "quota_coverage_pct": quota_ndpr / ndpr * 100})
    return pd.DataFrame(rows)


QUOTA_COVERS = "the mining quota alone covers the Pr-Nd in China's magnets"


def band_conclusions(band: pd.DataFrame) -> pd.DataFrame:
    """Which conclusions of the balance hold across the whole output range, year by year."""
    rows = []
    for year, g in band.groupby("year"):
        g = g.set_index("end")
        tests = {
            "magnets are left for uses outside the build-up (residual > 0)": g["residual_t"] > 0,
            "the build-up's end uses take more than half of output": g["end_uses_t"] / g["production_t"] > 0.5,
            QUOTA_COVERS: g["quota_coverage_pct"] >= 100,
        }
        for text, ok in tests.items():
            rows.append({"year": int(year), "conclusion": text, "verdict": claims.robustness(ok),
                         "at low": bool(ok["low"]), "in the balance": bool(ok["balance"]), "at high": bool(ok["high"])})
    return pd.DataFrame(rows)


def ndpr_cross_check(band: pd.DataFrame) -> pd.DataFrame:
    """The Pr-Nd oxide the balance implies for 2024 against published Pr-Nd oxide output and consumption."""
    mf = load("market_figures").set_index("metric")
    g = band[band["year"] == 2024].set_index("end")
    rows = []
    for metric, label in (("china_ndpr_oxide_output", "Pr-Nd oxide output"), ("china_ndpr_oxide_consumption", "Pr-Nd oxide consumption")):
        if metric not in mf.index:
            continue
        v = float(mf.loc[metric, "value_low"])
        rows.append({"published": f"{label} 2024", "published_t": v, "source_id": mf.loc[metric, "source_id"],
                     "implied_low_t": float(g.loc["low", "production_ndpr_oxide_t"]),
                     "implied_balance_t": float(g.loc["balance", "production_ndpr_oxide_t"]),
                     "implied_high_t": float(g.loc["high", "production_ndpr_oxide_t"]),
                     "inside_range": bool(g.loc["low", "production_ndpr_oxide_t"] <= v <= g.loc["high", "production_ndpr_oxide_t"]),
                     "nearer": "high" if abs(v - g.loc["high", "production_ndpr_oxide_t"]) < abs(v - g.loc["low", "production_ndpr_oxide_t"])
                     else "low"})
    return pd.DataFrame(rows)


@cache.on_data
def annual_exports() -> pd.DataFrame:
    """China's magnet exports by year, t, with their scope, for the balance years.

    2025: the customs annual total (HS 85051110). 2024: no customs annual total is in data/; the only
    annual figure is Adamas' 58,152 t of magnets *and alloys* (a broader scope), used in the balance.
    The customs Jan-Nov 2024 total derived by :mod:`analysis.exports` (from Jan-Nov 2025 and its
    stated -2% y/y) is given as ``customs_partial_t`` with its months: a lower bound for HS magnets.
    """
    from analysis import exports as exports_mod

    raw = load("exports")
    frame = exports_mod.to_frame(exports_mod.derive())
    frame = frame[(frame["destination"] == "total")]
    rows = []
    for year in BALANCE_YEARS:
        jan, dec = pd.Period(f"{year}-01", "M"), pd.Period(f"{year}-12", "M")
        ytd = frame[(frame["period_start"] == jan) & (frame["period_end"].dt.year == year)].sort_values("period_end")
        last = ytd.iloc[-1] if len(ytd) else None
        partial = {"customs_partial_t": float(last["mass_t"]) if last is not None else np.nan,
                   "customs_partial_months": f"{jan}..{last['period_end']}" if last is not None else "",
                   "customs_partial_status": last["status"] if last is not None else ""}
        if last is not None and last["period_end"] == dec:
            rows.append({"year": year, "exports_t": float(last["mass_t"]), "scope": "magnets (customs HS 85051110)",
                         "status": last["status"], "source_ids": last["source_ids"], **partial})
            continue
        annual = raw[(raw["destination"] == "total") & (raw["period_start"] == str(jan)) & (raw["period_end"] == str(dec))]
        if annual.empty:
            raise LookupError(f"exports.csv: no annual export total for {year} in any scope")
        r = annual.iloc[0]
        rows.append({"year": year, "exports_t": float(r["value"]) * exports_mod.MASS_UNIT_TO_T[r["mass_unit"]],
                     "scope": "magnets and alloys (Adamas; broader than HS 85051110)", "status": "reported",
                     "source_ids": r["source_id"], **partial})
    return pd.DataFrame(rows)


# --- the balance ----------------------------------------------------------------------------------

def magnet_balance(demand_df: pd.DataFrame) -> pd.DataFrame:
    """China's magnet production split into the build-up's end uses, exports and the residual, t of magnet.

    ``residual_t = production_t - end_uses_t - exports_t``: magnets for uses the build-up does
    not list (conventional cars, other electronics, industrial motors, ...) plus any stock change.
    The build-up counts NEVs, air conditioners, phones etc. *made* in China, so magnets inside
    exported products are in ``end_uses_t``; ``exports_t`` are magnets shipped as magnets.
    """
    totals = demand.totals(demand_df)
    prod = china_magnet_production().set_index("year")
    exp = annual_exports().set_index("year")
    rows = []
    for year in BALANCE_YEARS:
        production, end_uses, exports_t = float(prod.loc[year, "production_t"]), float(totals.loc[year]), float(exp.loc[year, "exports_t"])
        residual = production - end_uses - exports_t
        rows.append({"year": year, "production_status": prod.loc[year, "status"], "production_t": production,
                     "end_uses_t": end_uses, "exports_t": exports_t, "residual_t": residual,
                     "end_uses_pct": end_uses / production * 100, "exports_pct": exports_t / production * 100,
                     "residual_pct": residual / production * 100, "exports_scope": exp.loc[year, "scope"]})
    return pd.DataFrame(rows)


def ndpr_balance(balance: pd.DataFrame, chain: Chain) -> pd.DataFrame:
    """The magnet balance in t of Pr-Nd oxide, against what the mining and smelting quotas supply.

    ``mining_quota_ndpr_oxide_t`` = mining quota (t REO) x the Pr-Nd share of REO.
    ``breakeven_ndpr_share_pct``: the Pr-Nd share of REO at which the mining quota alone would hold
    the Nd+Pr of China's magnet production.
    """
    quotas = quota_table().set_index("year")
    rows = []
    for r in balance.itertuples():
        need = chain.magnet_to_ndpr_oxide(r.production_t)
        mining = float(quotas.loc[r.year, "mining_total_t_reo"])
        smelting = float(quotas.loc[r.year, "smelting_separation_t_reo"])
        supply = chain.reo_to_ndpr_oxide(mining)
        rows.append({"year": r.year, "production_ndpr_oxide_t": need,
                     "end_uses_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(r.end_uses_t),
                     "exports_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(r.exports_t),
                     "residual_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(r.residual_t),
                     "mining_quota_t_reo": mining, "mining_quota_ndpr_oxide_t": supply,
                     "smelting_quota_t_reo": smelting, "smelting_quota_ndpr_oxide_t": chain.reo_to_ndpr_oxide(smelting),
                     "gap_ndpr_oxide_t": need - supply, "coverage_pct": supply / need * 100,
                     "breakeven_ndpr_share_pct": need / mining * 100})
    return pd.DataFrame(rows)


def ndpr_share_sensitivity(balance: pd.DataFrame, chain: Chain, shares=(0.15, 0.20, 0.25, 0.30)) -> pd.DataFrame:
    """Mining-quota coverage of the Nd+Pr in China's magnet production for several Pr-Nd shares of REO."""
    quotas = quota_table().set_index("year")
    rows = []
    for share in shares:
        c = Chain(share, chain.pr_share_of_ndpr, chain.ndpr_share_of_magnet)
        for r in balance.itertuples():
            need = c.magnet_to_ndpr_oxide(r.production_t)
            supply = c.reo_to_ndpr_oxide(float(quotas.loc[r.year, "mining_total_t_reo"]))
            rows.append({"ndpr_share_of_reo": share, "year": r.year, "need_ndpr_oxide_t": need,
                         "quota_ndpr_oxide_t": supply, "coverage_pct": supply / need * 100})
    return pd.DataFrame(rows)


def requirement_path(demand_df: pd.DataFrame, balance: pd.DataFrame, chain: Chain, quota_growth_pct_per_year: float,
                     other_uses_growth_pct_per_year: float, recycled: pd.DataFrame | None = None) -> pd.DataFrame:
    """Magnet and Pr-Nd oxide needed each year against the quota, from 2024 to the horizon.

    2024-2025: China's magnet production (the balance). Later: the build-up's end uses plus
    exports and the residual, which grow from their 2025 level at ``other_uses_growth_pct_per_year``.
    The mining quota grows from 2025 at ``quota_growth_pct_per_year``. ``recycled`` (from
    :func:`recycling_flows`) adds recycled magnet as supply when given.
    """
    totals = demand.totals(demand_df)
    bal = balance.set_index("year")
    last = BALANCE_YEARS[-1]
    other0 = float(bal.loc[last, "exports_t"] + bal.loc[last, "residual_t"])
    quota0 = float(quota_table().set_index("year").loc[last, "mining_total_t_reo"])
    rec = recycled.groupby("year")["recycled_t"].sum() if recycled is not None else None
    rows = []
    for year, end_uses in totals.items():
        t = year - last
        other = float(bal.loc[year, "exports_t"] + bal.loc[year, "residual_t"]) if year in bal.index else \
            other0 * (1 + other_uses_growth_pct_per_year / 100) ** t
        quota = quota0 * (1 + quota_growth_pct_per_year / 100) ** max(t, 0) if year >= last else \
            float(quota_table().set_index("year").loc[year, "mining_total_t_reo"])
        need = float(end_uses) + other
        recycled_t = float(rec.get(year, 0.0)) if rec is not None else 0.0
        rows.append({"year": int(year), "basis": "seed 002 production" if year in bal.index else "projection",
                     "end_uses_t": float(end_uses), "exports_and_other_t": other, "requirement_t": need,
                     "requirement_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(need), "mining_quota_t_reo": quota,
                     "quota_ndpr_oxide_t": chain.reo_to_ndpr_oxide(quota), "recycled_t": recycled_t,
                     "recycled_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(recycled_t),
                     "gap_ndpr_oxide_t": chain.magnet_to_ndpr_oxide(need - recycled_t) - chain.reo_to_ndpr_oxide(quota)})
    return pd.DataFrame(rows)


# --- figures the seeds' supply claims are checked against (analysis.claims_supply) ---------------

def market_figure(metric: str) -> pd.Series:
    """The one row of data/market_figures.csv for ``metric`` (``LookupError`` if none or several)."""
    return one(load("market_figures"), metric=metric)


ND_VOLUME_METRIC = "global_nd_production_volume"


def seed000_volume_interval(stated_t: float) -> Interval:
    """A figure of seed 000's 'Global Production Volume' column, t, as the interval it stands for.

    The column gives its figures to the hundred tonnes (50,800, 53,400, ...), so a round one such
    as 60,000 stands for 59,950-60,050 t, not for the 55,000-65,000 t its trailing zeros alone would
    suggest (:func:`analysis.rounding.half_unit`): the half-unit is the column's finest.
    """
    mf = load("market_figures")
    half = min(half_unit(v) for v in mf.loc[mf["metric"] == ND_VOLUME_METRIC, "value_low"])
    return Interval(stated_t, stated_t - half, stated_t + half)


def nd_volume_check(chain: Chain) -> pd.DataFrame:
    """Seed 000's 'global production volume' of neodymium against USGS world mine output, year by edition.

    USGS counts all rare-earth oxide mined (t REO). Its neodymium content is REO x Pr-Nd share x
    Nd2O3 share of the Pr-Nd oxide (t Nd2O3), or that x the Nd metal fraction of Nd2O3 (t Nd
    metal). Seed 000 does not say what it counts. ``position``: where the seed's figure (with
    :func:`seed000_volume_interval`) lies against that span, by :func:`analysis.claims.verdict`.
    ``implied_ndpr_share_pct`` is the Pr-Nd share of REO at which the seed's figure would equal the
    USGS Nd2O3 equivalent. The verdict on the claim is :func:`analysis.claims_supply.nd_production_volume`.
    """
    mf = load("market_figures")
    seed = mf[mf["metric"] == ND_VOLUME_METRIC].set_index("year")["value_low"]
    wide = usgs_editions()
    world = wide[wide["country"] == "World"].set_index("year")
    nd_oxide_share = 1 - chain.pr_share_of_ndpr
    rows = []
    for year, stated in seed.items():
        for edition in [c for c in wide.columns if c.startswith("MCS")]:
            if year not in world.index or pd.isna(world.loc[year, edition]):
                continue
            reo = float(world.loc[year, edition])
            oxide = chain.reo_to_ndpr_oxide(reo) * nd_oxide_share
            metal = units.oxide_to_metal_t(oxide, "Nd")
            inside = claims.verdict(seed000_volume_interval(stated), Interval((metal + oxide) / 2, metal, oxide))
            position = ("between the Nd-metal and Nd2O3 equivalents" if inside == claims.CONSISTENT else
                        "above the Nd2O3 equivalent" if stated > oxide else "below the Nd-metal equivalent")
            rows.append({"year": int(year), "edition": edition, "seed000_stated_t": float(stated), "usgs_world_t_reo": reo,
                         "usgs_nd_oxide_t": oxide, "usgs_nd_metal_t": metal, "stated_vs_oxide_pct": (stated / oxide - 1) * 100,
                         "implied_ndpr_share_pct": stated / (reo * nd_oxide_share) * 100, "position": position})
    return pd.DataFrame(rows)


# --- recycling ------------------------------------------------------------------------------------

def lifetime_pmf(mean_years: float, shape: float | None, max_age: int | None = None) -> np.ndarray:
    """Probability that a magnet put in use in year s leaves use in year s + a, for a = 0..max_age.

    Weibull lifetime (``scipy.stats.weibull_min``) with the given mean and shape:
    ``pmf[a] = F(a) - F(a - 1)`` for a >= 1, nothing in the year of installation, and the tail
    beyond ``max_age`` (default ``ceil(6 x mean)``) added to the last year so the pmf sums to 1
    (every magnet leaves use once). ``shape=None`` gives a fixed lifetime: all of a cohort leaves
    at ``round(mean_years)``.
    """
    if not mean_years > 0:
        raise ValueError(f"mean_years = {mean_years}: must be > 0")
    if shape is None:
        life = int(round(mean_years))
        if life < 1:
            raise ValueError(f"mean_years = {mean_years}: a fixed lifetime must be at least 1 year")
        pmf = np.zeros((max_age if max_age is not None else life) + 1)
        if life >= len(pmf):
            raise ValueError(f"max_age = {max_age}: shorter than the fixed lifetime {life}")
        pmf[life] = 1.0
        return pmf
    if not shape > 0:
        raise ValueError(f"shape = {shape}: a Weibull shape must be > 0")
    max_age = int(math.ceil(6 * mean_years)) if max_age is None else max_age
    scale = mean_years / math.gamma(1 + 1 / shape)
    cdf = stats.weibull_min.cdf(np.arange(max_age + 1), shape, scale=scale)
    pmf = np.diff(cdf, prepend=0.0)
    pmf[-1] += 1.0 - cdf[-1]
    return pmf


def eol_outflow(inflow: np.ndarray, pmf: np.ndarray) -> np.ndarray:
    """End-of-life outflow by year: ``out[t] = sum_a inflow[t - a] x pmf[a]`` (same length as ``inflow``)."""
    inflow = np.asarray(inflow, dtype=float)
    return np.convolve(inflow, pmf)[: len(inflow)]


def inflow_history(demand_df: pd.DataFrame, backcast_growth_pct_per_year: dict[str, float], first_inflow_year: int) -> pd.DataFrame:
    """Magnet put into use by year and sector, t: back-cast before 2024, the build-up from 2024.

    Before 2024 no inflows are in data/: each sector's 2024 demand is taken back at its constant
    rate ``g`` in ``backcast_growth_pct_per_year`` (``d_y = d_2024 / (1 + g)^(2024 - y)``) to
    ``first_inflow_year``; nothing earlier.
    """
    table = demand.by_sector(demand_df)
    first = BALANCE_YEARS[0]
    past = np.arange(first_inflow_year, first)
    rates = np.array([backcast_growth_pct_per_year[s] for s in table.columns])
    factor = (1 + rates[None, :] / 100) ** (past - first).astype(float)[:, None]
    back = pd.DataFrame(factor * table.loc[first].to_numpy()[None, :], index=past, columns=table.columns)
    out = pd.concat([back, table])
    out.index.name = "year"
    return out


def recycling_flows(demand_df: pd.DataFrame, p: dict) -> pd.DataFrame:
    """Inflow, end-of-life outflow and recycled magnet by year and sector, t of magnet.

    ``recycled_t = eol_t x collection_rate x recovery_rate``. ``p`` holds the validated
    parameters (lifetimes, shape, back-cast growth, first inflow year, rates).
    """
    inflow = inflow_history(demand_df, p["backcast_growth_pct_per_year"], p["first_inflow_year"])
    rows = []
    for sector in inflow.columns:
        pmf = lifetime_pmf(p["lifetime_mean_years"][sector], p["lifetime_shape"])
        out = eol_outflow(inflow[sector].to_numpy(), pmf)
        rows.append(pd.DataFrame({"year": inflow.index, "sector": sector, "inflow_t": inflow[sector].to_numpy(),
                                  "eol_t": out, "recycled_t": out * p["collection_rate"] * p["recovery_rate"],
                                  "basis": np.where(inflow.index < BALANCE_YEARS[0], "back-cast", "demand build-up")}))
    return pd.concat(rows, ignore_index=True)


def crma_target() -> tuple[int, float, str, str]:
    """(year, share as a fraction, source_id, article) of the CRMA's recycling benchmark.

    Read from market_figures.csv, and only if its policy claim is supported by the primary text
    (:func:`analysis.claims.require_supported`).
    """
    claim = claims.require_supported(CRMA_CLAIM)
    row = market_figure(CRMA_METRIC)
    return int(row["year"]), float(row["value_low"]) / 100, row["source_id"], claim["primary_text"]


def crma_comparison(flows: pd.DataFrame, demand_df: pd.DataFrame) -> pd.DataFrame:
    """Recycled magnet that the CRMA's 25%-of-consumption benchmark would need in its target year,
    against what the end-of-life flow supplies, t.

    Applied to the build-up's annual magnet consumption (all seven end uses) as a yardstick: the
    benchmark is about EU recycling capacity against EU consumption of all strategic raw materials,
    and no EU demand is in data/. If the horizon is before the target year, the horizon year is used.
    """
    target_year, share, _, article = crma_target()
    year = min(target_year, int(demand_df["year"].max()))
    table = demand.by_sector(demand_df).loc[year]
    f = flows[flows["year"] == year]
    consumption = float(table[list(demand.SECTORS)].sum())
    need = consumption * share
    total = float(f["recycled_t"].sum())
    return pd.DataFrame([{"year": year, "scope": "all seven end uses", "benchmark": article,
                          "consumption_t": consumption, "benchmark_share_pct": share * 100, "needed_recycled_t": need,
                          "recycled_t": total, "coverage_pct": total / need * 100 if need else np.nan}])


def recycling_sensitivity(demand_df: pd.DataFrame, p: dict, year: int, collection_rates=(0.1, 0.25, 0.5, 0.75, 1.0),
                          nev_backcast=(6.9, 20.0, 38.8, 50.0)) -> pd.DataFrame:
    """Recycled magnet in ``year``, t, for a grid of collection rates and NEV back-cast growth rates
    (% per year; every other parameter as in ``p``)."""
    out = {}
    for g in nev_backcast:
        back = {**p["backcast_growth_pct_per_year"], "nev": g}
        flows = recycling_flows(demand_df, {**p, "backcast_growth_pct_per_year": back, "collection_rate": 1.0})
        eol = float(flows.loc[flows["year"] == year, "eol_t"].sum())
        out[f"NEV back-cast {g:g}%/yr"] = [eol * c * p["recovery_rate"] for c in collection_rates]
    table = pd.DataFrame(out, index=[f"collection {c:.0%}" for c in collection_rates])
    table.index.name = f"recycled magnet {year}, t"
    return table


def _backcast_endpoints() -> tuple[pd.Series, pd.Series]:
    """The rows of China's rare-earth permanent-magnet production (actuals) that the default back-cast
    rate runs between: the earliest year in data/ and 2024."""
    p = load("magnet_production")
    p = p[(p["region"] == "china") & (p["magnet_product"] == "re_permanent_magnet") & (p["status"] == "actual")]
    p = p.sort_values("year")
    return p.iloc[0], one(p, year=BALANCE_YEARS[0])


def backcast_growth_from_data() -> float:
    """CAGR of China's rare-earth permanent-magnet production from the earliest year in data/ to 2024, % per year.

    The default back-cast rate of every sector but NEVs (ccmagnetics 2015 -> seed 002 2024).
    """
    first, last = _backcast_endpoints()
    return ((last["mass_t"] / first["mass_t"]) ** (1 / (last["year"] - first["year"])) - 1) * 100


def nev_backcast_from_data() -> float:
    """Seed 002's NEV output growth 2024 -> 2025, % per year: the default NEV back-cast rate.

    NEV output grew far faster than the magnet total before 2024; carrying the total's CAGR back
    would overstate the NEV magnets now reaching end of life.
    """
    seed = demand.seed_table().set_index(["sector", "year"])["activity"]
    return (seed[("nev", BALANCE_YEARS[1])] / seed[("nev", BALANCE_YEARS[0])] - 1) * 100


# --- one run of notebook 04: the tables it shows, its results file --------------------------------

RECYCLING_SHOWN_FROM = 2010  # the end-of-life chart and recycling_by_year start here (or at first_inflow_year, if later)


def recycling_by_year(flows: pd.DataFrame, first_inflow_year: int) -> pd.DataFrame:
    """Inflow, end-of-life outflow and recycled magnet by year, t of magnet, all sectors summed, from
    :data:`RECYCLING_SHOWN_FROM` (or ``first_inflow_year`` if later); index ``year``."""
    yearly = flows.groupby("year")[["inflow_t", "eol_t", "recycled_t"]].sum()
    return yearly.loc[max(first_inflow_year, RECYCLING_SHOWN_FROM):]


def eol_by_sector(flows: pd.DataFrame, first_inflow_year: int) -> pd.DataFrame:
    """End-of-life magnet by year (index) and sector (columns, model order), t, over the years of :func:`recycling_by_year`."""
    eol = flows.pivot(index="year", columns="sector", values="eol_t")[list(demand.SECTORS)]
    return eol.loc[max(first_inflow_year, RECYCLING_SHOWN_FROM):]


def lifetime_table(p: dict) -> pd.DataFrame:
    """Per sector: mean lifetime, Weibull shape, back-cast growth (none for humanoid robots, which have
    no inflows before 2024) and the share of a year's inflow retired within 10 years, %."""
    return pd.DataFrame([{"sector": demand.SECTOR_LABELS[s], "mean_years": p["lifetime_mean_years"][s],
                          "weibull_shape": p["lifetime_shape"],
                          "back-cast growth, %/yr": p["backcast_growth_pct_per_year"][s] if s != demand.HUMANOID else np.nan,
                          "share retired within 10 years, %":
                              lifetime_pmf(p["lifetime_mean_years"][s], p["lifetime_shape"])[:11].sum() * 100}
                         for s in demand.SECTORS])


def coverage_by_share(sens: pd.DataFrame) -> pd.DataFrame:
    """:func:`ndpr_share_sensitivity` as one row per Pr-Nd share of REO (%) and one column of mining-quota coverage (%) per year."""
    return (sens.assign(ndpr_share_of_reo=sens["ndpr_share_of_reo"] * 100)
            .pivot(index="ndpr_share_of_reo", columns="year", values="coverage_pct")
            .rename(columns=lambda y: f"mining-quota coverage {y}, %").rename_axis("Pr-Nd share of REO, %").reset_index())


def requirement_sources(exports: pd.DataFrame) -> list[str]:
    """Sources of the requirement path: China's magnet production (seed 002), the mining quotas of the
    balance years, the Nd+Pr share of NdFeB (magnet_intensity.csv, ndfeb_ndpr) and the exports."""
    quotas = quota_table()
    quota_ids = ", ".join(quotas.loc[quotas["year"].isin(BALANCE_YEARS), "source_ids"]).split(", ")
    intensity = load("magnet_intensity")
    ndpr = one(intensity, application="ndfeb_ndpr", measures="composition")["source_id"]
    return list(dict.fromkeys([SEED_SOURCE, *quota_ids, ndpr, *exports["source_ids"]]))


def recycling_sources() -> list[str]:
    """Sources of the recycling flow: the demand build-up (seed 002) and the production figures the
    default back-cast rate runs between."""
    first, last = _backcast_endpoints()
    return list(dict.fromkeys([SEED_SOURCE, first["source_id"], last["source_id"]]))


@dataclass
class SupplyAnalysis:
    """Every table notebook 04 shows for one set of validated parameters ``p``; built by :func:`analyse`.

    Masses in t (magnet unless the column says REO or oxide); see the function that builds each field.
    """

    p: dict
    scenario: dict                 # the demand scenario (scenarios/02_demand_buildup/<name>.yaml)
    demand: pd.DataFrame           # its projection, :func:`analysis.demand.project`
    chain: Chain
    quotas: pd.DataFrame           # :func:`quota_table`
    share: pd.DataFrame            # :func:`china_share`
    production: pd.DataFrame       # :func:`china_magnet_production`
    exports: pd.DataFrame          # :func:`annual_exports`
    balance: pd.DataFrame          # :func:`magnet_balance`
    ndpr: pd.DataFrame             # :func:`ndpr_balance`
    sens: pd.DataFrame             # :func:`ndpr_share_sensitivity`
    output_figures: pd.DataFrame   # :func:`magnet_output_figures`
    band: pd.DataFrame             # :func:`balance_band`
    conclusions: pd.DataFrame      # :func:`band_conclusions`
    cross: pd.DataFrame            # :func:`ndpr_cross_check`
    flows: pd.DataFrame            # :func:`recycling_flows`
    path: pd.DataFrame             # :func:`requirement_path`, with recycling
    yearly: pd.DataFrame           # :func:`recycling_by_year`
    crma: pd.DataFrame             # :func:`crma_comparison`

    @property
    def horizon_year(self) -> int:
        return int(self.scenario["horizon_year"])


def analyse(p: dict) -> SupplyAnalysis:
    """Run notebook 04's analysis for the validated parameters ``p`` (:func:`validate_parameters`)."""
    scenario, result = load_demand(p["demand_scenario"])
    chain = Chain.from_parameters(p)
    balance = magnet_balance(result)
    band = balance_band(balance, chain)
    flows = recycling_flows(result, p)
    return SupplyAnalysis(
        p=p, scenario=scenario, demand=result, chain=chain, quotas=quota_table(), share=china_share(),
        production=china_magnet_production(), exports=annual_exports(), balance=balance,
        ndpr=ndpr_balance(balance, chain), sens=ndpr_share_sensitivity(balance, chain),
        output_figures=magnet_output_figures(), band=band, conclusions=band_conclusions(band), cross=ndpr_cross_check(band),
        flows=flows, path=requirement_path(result, balance, chain, p["quota_growth_pct_per_year"],
                                           p["other_uses_growth_pct_per_year"], flows),
        yearly=recycling_by_year(flows, p["first_inflow_year"]), crma=crma_comparison(flows, result))


KEY_CHART = "requirement_path"  # the chart that answers the report's question (analysis.charts.supply.requirement_path)


ACROSS_OUTPUT_FIGURES = {claims.HOLDS: "enough at every published figure for China's magnet output",
                         claims.FAILS: "short at every published figure for China's magnet output"}


def answer(a: SupplyAnalysis) -> str:
    """One sentence: does China's mining quota cover the Pr-Nd in its magnet output (last balance year),
    does that hold across the published output figures, and what is left at the horizon after recycling."""
    year = BALANCE_YEARS[-1]
    n = one(a.ndpr, year=year)
    covers = one(a.conclusions, year=year, conclusion=QUOTA_COVERS)["verdict"]
    across = ACROSS_OUTPUT_FIGURES.get(covers, "enough or short depending on which published figure for China's "
                                               "magnet output is right")
    h = one(a.path, year=a.horizon_year)
    gap = h["gap_ndpr_oxide_t"]
    rest = f"{gap:,.0f} t of Pr-Nd oxide a year short" if gap > 0 else f"{-gap:,.0f} t of Pr-Nd oxide a year to spare"
    return (f"China's {year} mining quota of {n['mining_quota_t_reo']:,.0f} t REO "
            f"{'covers' if n['coverage_pct'] >= 100 else 'does not cover'} the Pr-Nd in its magnet output: at the assumed "
            f"{a.chain.ndpr_share_of_reo:.0%} Pr-Nd share of REO it holds {n['mining_quota_ndpr_oxide_t']:,.0f} t of Pr-Nd oxide, "
            f"{n['coverage_pct']:.0f}% of the {n['production_ndpr_oxide_t']:,.0f} t in "
            f"{one(a.balance, year=year)['production_t']:,.0f} t of magnet ({across}), and in {a.horizon_year}, after "
            f"{h['recycled_t']:,.0f} t of recycled magnet, it is {rest}.")


def results(a: SupplyAnalysis, seed_claims_table: pd.DataFrame) -> dict:
    """Notebook 04's results file: the answer, the key chart, the key figures (headline first) and the tables.

    ``seed_claims_table``: :func:`analysis.claims_supply.table` for the same run (computed where the claims live).
    """
    from analysis.report import records

    p, chain, H = a.p, a.chain, a.horizon_year
    b24 = one(a.balance, year=BALANCE_YEARS[0])
    n25 = one(a.ndpr, year=BALANCE_YEARS[-1])
    share = a.share[a.share["year"] == BALANCE_YEARS[-1]].sort_values("edition").iloc[-1]  # the latest edition
    c0 = one(a.crma)
    rec_h = float(a.yearly.loc[H, "recycled_t"])
    build_up_h = float(demand.by_sector(a.demand).loc[H].sum())
    return {
        "answer": answer(a),
        "key_chart": KEY_CHART,
        "key_figures": {
            "demand scenario": p["demand_scenario"],
            "residual 2024 (other uses + stock change)": f"{b24.residual_t:,.0f} t magnet ({b24.residual_pct:.0f}% of output)",
            "Pr-Nd oxide in China's 2025 magnet output": f"{n25.production_ndpr_oxide_t:,.0f} t oxide",
            f"mining quota 2025 at {chain.ndpr_share_of_reo:.0%} Pr-Nd":
                f"{n25.mining_quota_ndpr_oxide_t:,.0f} t oxide ({n25.coverage_pct:.0f}% covered)",
            f"China share of world mine output 2025 ({share.edition})": f"{share.china_share_pct:.0f}%",
            f"recycled magnet {H}": f"{rec_h:,.0f} t ({rec_h / build_up_h * 100:.0f}% of build-up demand)",
            f"CRMA Art. 5 yardstick {c0.year}: {c0.benchmark_share_pct:.0f}% of consumption":
                f"{c0.needed_recycled_t:,.0f} t needed vs {c0.recycled_t:,.0f} t recycled ({c0.coverage_pct:.0f}%)",
        },
        "demand_scenario": p["demand_scenario"],
        "horizon_year": H,
        "parameters": p,
        "chain_factors": {"ndpr_share_of_reo": chain.ndpr_share_of_reo, "metal_fraction_of_ndpr_oxide": chain.metal_fraction,
                          "ndpr_share_of_magnet": chain.ndpr_share_of_magnet, "magnet_t_per_t_reo": chain.reo_to_magnet(1.0)},
        "quotas": records(a.quotas, 3),
        "china_share": records(a.share, 4),
        "magnet_balance": records(a.balance, 3),
        "ndpr_balance": records(a.ndpr, 3),
        "ndpr_share_sensitivity": records(a.sens, 3),
        "requirement_path": records(a.path, 3),
        "magnet_output_figures": records(a.output_figures.drop(columns=["magnet_product", "form"]), 3),
        "balance_band": records(a.band, 3),
        "band_conclusions": records(a.conclusions),
        "ndpr_cross_check": records(a.cross, 3),
        "seed_claims": records(seed_claims_table),
        "recycling_by_year": records(a.yearly.reset_index(), 3),
        "crma": records(a.crma, 3),
    }


__all__ = [
    "BALANCE_YEARS", "CRMA_CLAIM", "Chain", "KEY_CHART", "NOTEBOOK_STEM", "QUOTA_COVERS",
    "RECYCLING_SHOWN_FROM", "SupplyAnalysis", "analyse", "annual_exports", "answer", "coverage_by_share", "eol_by_sector",
    "lifetime_table", "recycling_by_year", "recycling_sources", "requirement_sources", "results",
    "backcast_growth_from_data", "balance_band", "band_conclusions", "magnet_output_figures", "magnet_output_range", "ndpr_cross_check", "china_magnet_production", "china_share", "crma_comparison", "crma_target", "eol_outflow",
    "inflow_history", "latest_world_output", "market_figure", "lifetime_pmf", "load_demand", "magnet_balance", "nd_volume_check",
    "nev_backcast_from_data",
    "ndpr_balance", "ndpr_share_sensitivity", "quota_table", "recycling_flows",
    "recycling_sensitivity", "requirement_path", "seed000_volume_interval", "usgs_editions", "usgs_revisions", "validate_parameters",
]
