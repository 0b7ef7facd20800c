"""A live scenario explorer for analysts (``notebooks/explore.ipynb``), with ipywidgets.

Sliders move the main parameters of the demand scenario (growth by sector, the wind technology
share, humanoid robots, the horizon) and of the supply balance (the mining-quota growth, the
recycling collection rate); the demand path, the balance against the quota and the tornado are
recomputed and redrawn on each change. The logic is plain functions of a dict of values
(:meth:`Explorer.compute`), so it is tested and timed without a browser
(``benchmarks/bench_explorer.py``). :meth:`Explorer.save` writes the current settings as a
scenario file of ``scenarios/02_demand_buildup/``, after the same checks the report build runs.

The explorer lives in a notebook of its own, outside the report build, so the HTML reports never
show it.
"""
from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from analysis import demand, params, paths, supply

OTHER_SECTORS = ("air_conditioner", "elevator", "mobile_phone", "industrial_robot")
SUPPLY_NOTEBOOK = "04_supply_balance"
DEMAND_KEYS = ("horizon_year", "growth_nev", "growth_wind", "growth_other", "wind_share", "humanoid_factor")


@dataclass(frozen=True)
class Control:
    """One slider: the value's key, its label, bounds and step."""

    key: str
    label: str
    low: float
    high: float
    step: float


CONTROLS = (
    Control("horizon_year", "horizon year", 0, 2040, 1),  # from: the year after the base year (controls())
    Control("growth_nev", "NEV output growth, %/yr", -10, 30, 0.5),
    Control("growth_wind", "wind additions growth, %/yr", -10, 30, 0.5),
    Control("growth_other", "other end uses growth, %/yr", -10, 30, 0.5),
    Control("wind_share", "wind: share using NdFeB at horizon", 0, 1, 0.01),
    Control("humanoid_factor", "humanoid robots, x the scenario's path", 0, 200, 1),
    Control("quota_growth", "mining quota growth after 2025, %/yr", -10, 20, 0.5),
    Control("collection_rate", "end-of-life magnets collected", 0, 1, 0.05),
)


def controls() -> tuple[Control, ...]:
    """The sliders, the horizon's starting at :func:`analysis.demand.first_projection_year` (the year
    after the latest full-year actual in data/), as the notebook's parameter does."""
    first = demand.first_projection_year()
    return tuple(replace(c, low=first) if c.key == "horizon_year" else c for c in CONTROLS)


class Explorer:
    """The explorer's state: a base demand scenario and the supply notebook's default parameters."""

    def __init__(self, base: str = "base"):
        self.base_name = base
        self.base = demand.load_scenario(paths.SCENARIOS / demand.NOTEBOOK_STEM / f"{base}.yaml")
        defaults = params.defaults(paths.NOTEBOOKS / f"{SUPPLY_NOTEBOOK}.ipynb")
        self.supply_params = supply.validate_parameters({**defaults, "demand_scenario": base}, injected=False)
        self.chain = supply.Chain.from_parameters(self.supply_params)

    def initial(self) -> dict:
        """The slider values the base scenario stands for."""
        g = self.base["growth_pct_per_year"]
        return {"horizon_year": self.base["horizon_year"], "growth_nev": g["nev"], "growth_wind": g["wind"],
                "growth_other": sum(g[s] for s in OTHER_SECTORS) / len(OTHER_SECTORS),
                "wind_share": self.base["technology_share"]["wind"], "humanoid_factor": 1.0,
                "quota_growth": self.supply_params["quota_growth_pct_per_year"],
                "collection_rate": self.supply_params["collection_rate"]}

    def scenario(self, values: dict, name: str = "explorer") -> dict:
        """The demand scenario the values stand for, validated by the model (raises ValueError)."""
        s = copy.deepcopy(self.base)
        s["scenario_name"] = name
        s["horizon_year"] = int(values["horizon_year"])
        s["growth_pct_per_year"] = {"nev": float(values["growth_nev"]), "wind": float(values["growth_wind"]),
                                    **{k: float(values["growth_other"]) for k in OTHER_SECTORS}}
        s["technology_share"] = {**s["technology_share"], "wind": float(values["wind_share"])}
        s["humanoid_units_per_year"] = {y: n * float(values["humanoid_factor"]) for y, n in self.base["humanoid_units_per_year"].items()}
        return demand.validate_scenario(s)

    def _demand(self, values: dict) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Scenario, projection, tornado, demand by sector and the magnet balance: recomputed only when
        a demand control moved (a supply control reuses them)."""
        key = tuple(values[k] for k in DEMAND_KEYS)
        if getattr(self, "_demand_key", None) != key:
            scenario = self.scenario(values)
            result = demand.project(scenario)
            self._demand_key = key
            self._demand_out = (scenario, result, demand.tornado(scenario), demand.by_sector(result),
                                supply.magnet_balance(result))
        return self._demand_out

    def compute(self, values: dict) -> dict:
        """Demand path, balance against the quota and tornado for the values (no drawing)."""
        scenario, result, tornado, by_sector, balance = self._demand(values)
        p = {**self.supply_params, "collection_rate": float(values["collection_rate"])}
        flows = supply.recycling_flows(result, p)
        path = supply.requirement_path(result, balance, self.chain, float(values["quota_growth"]),
                                       p["other_uses_growth_pct_per_year"], flows)
        return {"scenario": scenario, "by_sector": by_sector, "path": path, "tornado": tornado}

    def figure(self, out: dict, fig: Figure | None = None) -> Figure:
        """Three panels: demand by end use, Pr-Nd oxide needed against the quota, the tornado.

        Pass the figure of the previous call to redraw into it: its axes, titles and legends are
        kept and the data artists are updated in place (the stacked areas' and the lines' data,
        the bars' widths), which is what makes a slider change fast.
        """
        data = _panel_data(out)
        if fig is None or not hasattr(fig, "_nd"):
            fig = _new_figure(data)
        _update_figure(fig, data, out["scenario"]["horizon_year"])
        return fig

    def png(self, out: dict, fig: Figure | None = None) -> tuple[bytes, Figure]:
        """The panels as PNG bytes, and the figure to pass back next time."""
        fig = self.figure(out, fig)
        fig.canvas.draw()
        buf = io.BytesIO()
        # fast zlib level: the image is shown once, size matters less than time
        Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
        return buf.getvalue(), fig

    def save(self, values: dict, name: str, folder: Path | None = None) -> Path:
        """Write the values as ``scenarios/02_demand_buildup/<name>.yaml``, checked as the build checks it."""
        if not re.fullmatch(r"[a-z0-9_]+", name or ""):
            raise ValueError(f"scenario name {name!r}: lower-case letters, digits and '_' only")
        scenario = self.scenario(values, name)
        mapping = {k: scenario[k] for k in ("scenario_name", "horizon_year", "growth_pct_per_year", "technology_share",
                                            "humanoid_units_per_year")}
        problems = params.problems(paths.NOTEBOOKS / f"{demand.NOTEBOOK_STEM}.ipynb", mapping)
        if problems:
            raise ValueError("; ".join(problems))
        folder = Path(folder) if folder is not None else paths.SCENARIOS / demand.NOTEBOOK_STEM
        out = folder / f"{name}.yaml"
        if out.exists():
            raise FileExistsError(f"{out} exists: choose another name")
        header = f"# Saved from the explorer (notebooks/explore.ipynb), starting from '{self.base_name}'.\n"
        out.write_text(header + yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
        return out

    def widget(self):
        """The ipywidgets interface: sliders, the three panels, and a save box."""
        import ipywidgets as w
        start = self.initial()
        sliders = {c.key: (w.IntSlider if c.step == 1 and c.key == "horizon_year" else w.FloatSlider)(
            value=start[c.key], min=c.low, max=c.high, step=c.step, description=c.label, continuous_update=False,
            style={"description_width": "260px"}, layout=w.Layout(width="520px")) for c in controls()}
        image, message, status = w.Image(format="png"), w.HTML(), w.HTML()
        name = w.Text(placeholder="scenario name, e.g. fast_wind", layout=w.Layout(width="260px"))
        button = w.Button(description="save as scenario YAML")
        state = {"fig": None}

        def values():
            return {k: s.value for k, s in sliders.items()}

        def redraw(_=None):
            try:
                image.value, state["fig"] = self.png(self.compute(values()), state["fig"])
                status.value = ""
            except ValueError as err:
                import html

                status.value = f"<b>not a valid scenario</b>: {html.escape(str(err))}"

        def save(_):
            import html

            try:
                message.value = f"saved {html.escape(str(self.save(values(), name.value.strip())))}"
            except (ValueError, FileExistsError) as err:
                message.value = f"<b>not saved</b>: {html.escape(str(err))}"

        for s in sliders.values():
            s.observe(redraw, names="value")
        button.on_click(save)
        redraw()
        note = w.HTML("Sources: seed 002 (SMM) for 2024-2025, the scenario's parameters after. Explorer settings are "
                      "not a published scenario; save them to have the build report them.")
        return w.VBox([*sliders.values(), image, status, note, w.HBox([name, button]), message])


# --- drawing: the figure is built once, then only its data artists change ---------------------------

def _panel_data(out: dict) -> dict:
    """What the three panels show, kt: demand by sector, the oxide lines, the six largest swings."""
    path = out["path"]
    needed = path["requirement_ndpr_oxide_t"].to_numpy() / 1000
    return {"by_sector": out["by_sector"] / 1000, "years": path["year"].to_numpy(),
            "lines": {"needed": needed,
                      "needed, net of recycling": needed - path["recycled_ndpr_oxide_t"].to_numpy() / 1000,
                      "in the mining quota": path["quota_ndpr_oxide_t"].to_numpy() / 1000},
            "tornado": out["tornado"].head(6).iloc[::-1]}


def _new_figure(data: dict) -> Figure:
    """The figure with its axes, titles, legends and one artist per series, ready for updates.

    Titles get an explicit position and the (empty) axis labels fixed coordinates, so matplotlib
    skips re-measuring every tick label to place them on each draw; the layout is the same.
    """
    fig = Figure(figsize=(12, 3.4), dpi=72)
    FigureCanvasAgg(fig)
    a, b, c = fig.subplots(1, 3)
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.14, top=0.88, wspace=0.45)
    a.set_title("NdFeB demand by end use, kt of magnet", fontsize=9, y=1.0)
    b.set_title("Pr-Nd oxide needed vs the quota, kt of oxide", fontsize=9, y=1.0)
    c.set_title("Tornado", fontsize=9, y=1.0)
    for ax in (a, b, c):
        ax.tick_params(labelsize=7)
        ax.xaxis.set_label_coords(0.5, -0.1)
        ax.yaxis.set_label_coords(-0.1, 0.5)
    table, years = data["by_sector"], data["years"]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    stack = a.stackplot(table.index, *[table[s] for s in table.columns],
                        labels=[demand.SECTOR_LABELS[s] for s in table.columns],
                        colors=[colours[i % len(colours)] for i in range(len(table.columns))])
    lines = {k: b.plot(years, v, ls="--" if "net" in k else "-", label=k)[0] for k, v in data["lines"].items()}
    for ax in (a, b):
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))  # as AutoLocator, fewer
        _legend_image(fig, ax)
    bars = c.barh(range(len(data["tornado"])), data["tornado"]["swing_t"].to_numpy() / 1000, color="#4c72b0")
    fig._nd = {"stack": stack, "columns": list(table.columns), "lines": lines, "bars": list(bars), "labels": None}
    return fig


def _legend_image(fig: Figure, ax) -> None:
    """The axes' legend (upper left, small, no frame), drawn once and kept as a picture on the figure.

    A legend's layout takes about a third of a draw and this one never changes (the series keep
    their colours and labels), so it is rendered once, on a transparent canvas of the same size and
    dpi, at the place an axes legend would take, and pasted at the same pixels (``figimage``) on
    every draw. The figure is drawn only at its own dpi (:meth:`Explorer.png`), where the pixels match.
    """
    scratch = Figure(figsize=fig.get_size_inches(), dpi=fig.dpi)
    FigureCanvasAgg(scratch)
    scratch.patch.set_alpha(0)
    handles, labels = ax.get_legend_handles_labels()
    legend = scratch.legend(handles, labels, fontsize=6, frameon=False, loc="upper left",
                            bbox_to_anchor=ax.get_position().bounds)  # where ax.legend(loc="upper left") goes
    scratch.canvas.draw()
    box = legend.get_window_extent()
    x0, y0, x1, y1 = int(np.floor(box.x0)), int(np.floor(box.y0)), int(np.ceil(box.x1)), int(np.ceil(box.y1))
    rgba = np.asarray(scratch.canvas.buffer_rgba())
    height = rgba.shape[0]
    fig.figimage(rgba[height - y1:height - y0, x0:x1].copy(), xo=x0, yo=y0, zorder=5, origin="upper")


def _update_figure(fig: Figure, data: dict, horizon_year: int) -> None:
    """Put the data into the figure's artists and rescale its axes."""
    a, b, c = fig.axes
    nd, table, years = fig._nd, data["by_sector"], data["years"]
    x = table.index.to_numpy(dtype=float)
    top = np.zeros(len(x))
    for coll, s in zip(nd["stack"], nd["columns"]):
        bottom, top = top, top + table[s].to_numpy()
        coll.set_data(x, bottom, top)
    a.set_xlim(x.min(), x.max())
    a.set_ylim(0, float(top.max()) * 1.05)
    for k, line in nd["lines"].items():
        line.set_data(years, data["lines"][k])
    b.set_xlim(years.min(), years.max())
    b.set_ylim(0, max(float(v.max()) for v in data["lines"].values()) * 1.1)
    torn = data["tornado"]
    swing_kt = torn["swing_t"].to_numpy() / 1000
    if len(swing_kt) != len(nd["bars"]):  # another number of parameters: new bars
        for bar in nd["bars"]:
            bar.remove()
        nd["bars"] = list(c.barh(range(len(swing_kt)), swing_kt, color="#4c72b0"))
    for bar, w in zip(nd["bars"], swing_kt):
        bar.set_width(w)
    labels = [str(p)[:28] for p in torn["parameter"]]
    if labels != nd["labels"]:
        c.set_yticks(range(len(labels)), labels, fontsize=6)
        nd["labels"] = labels
    lo, hi = -0.4, len(labels) - 0.6  # the bars' extent (height 0.8), with matplotlib's usual 5% margins
    c.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    c.set_xlim(0, max(float(swing_kt.max()) * 1.1 if len(swing_kt) else 0.0, 1e-9))
    c.set_title(f"Tornado: swing of {horizon_year} demand, kt", fontsize=9, y=1.0)


def slider_table() -> pd.DataFrame:
    """The controls as a table (for the README and the notebook)."""
    return pd.DataFrame([{"control": c.label, "from": c.low, "to": c.high, "step": c.step} for c in controls()])
