"""The scenario explorer: its model follows the sliders, its redraw works, a saved scenario is one the build accepts."""
import pytest
import yaml

from analysis import demand, explorer, params, paths


@pytest.fixture(scope="module")
def e():
    return explorer.Explorer("base")


def test_initial_values_reproduce_the_base_scenario(e):
    base = demand.load_scenario(paths.SCENARIOS / demand.NOTEBOOK_STEM / "base.yaml")
    s = e.scenario(e.initial(), name=base["scenario_name"])
    assert demand.totals(demand.project(s)).equals(demand.totals(demand.project(base)))


def test_a_slider_moves_only_its_part(e):
    v = e.initial()
    before = e.compute(v)
    v["growth_nev"] = v["growth_nev"] + 10
    after = e.compute(v)
    h = v["horizon_year"]
    assert after["by_sector"].loc[h, "nev"] > before["by_sector"].loc[h, "nev"]
    assert after["by_sector"].loc[h, "wind"] == pytest.approx(before["by_sector"].loc[h, "wind"])
    v["collection_rate"] = 1.0  # a supply control: demand untouched, recycling up
    again = e.compute(v)
    assert again["by_sector"].equals(after["by_sector"])
    assert (again["path"]["recycled_t"] >= after["path"]["recycled_t"]).all()


def test_redraw_reuses_its_figure(e):
    out = e.compute(e.initial())
    png, fig = e.png(out)
    png2, fig2 = e.png(out, fig)
    assert fig2 is fig and png[:8] == b"\x89PNG\r\n\x1a\n" and len(png2) > 10_000
    assert [ax.get_title() for ax in fig.axes][0].endswith("kt of magnet")


def test_redraw_updates_its_artists_in_place_with_the_new_data(e):
    v = e.initial()
    fig = e.figure(e.compute(v))
    stack, lines, bars = list(fig._nd["stack"]), dict(fig._nd["lines"]), list(fig._nd["bars"])
    v["growth_nev"], v["horizon_year"] = v["growth_nev"] + 10, 2035
    out = e.compute(v)
    assert e.figure(out, fig) is fig
    assert fig._nd["stack"] == stack and fig._nd["lines"] == lines and fig._nd["bars"] == bars
    a, b, c = fig.axes
    assert len(a.collections) == len(stack) and len(b.lines) == len(lines) and len(c.patches) == len(bars)
    # the top of the stacked areas is total demand, kt; the first line is the oxide needed, kt
    top = max(p.vertices[:, 1].max() for p in stack[-1].get_paths())
    assert top == pytest.approx(out["by_sector"].sum(axis=1).max() / 1000)
    assert a.get_xlim() == (2024, 2035)
    assert lines["needed"].get_ydata() == pytest.approx(out["path"]["requirement_ndpr_oxide_t"].to_numpy() / 1000)
    swings = out["tornado"]["swing_t"].head(len(bars)).to_numpy()[::-1] / 1000  # largest on top
    assert [bar.get_width() for bar in bars] == pytest.approx(swings)
    assert c.get_title() == "Tornado: swing of 2035 demand, kt"


def test_legends_are_drawn_once_as_pictures(e):
    import numpy as np
    from matplotlib.colors import to_rgb

    fig = e.figure(e.compute(e.initial()))
    assert [ax.get_legend() for ax in fig.axes] == [None, None, None] and len(fig.images) == 2
    stack_legend = fig.images[0].get_array()
    nev = np.array(to_rgb(fig._nd["stack"][0].get_facecolor()[0])) * 255  # the first series' swatch
    assert (np.abs(stack_legend[..., :3].astype(float) - nev).max(axis=-1) < 2).sum() > 20
    assert stack_legend[..., 3].min() == 0  # transparent between the entries, like a legend without a frame


def test_saved_scenario_is_accepted_by_the_build(e, tmp_path):
    v = e.initial()
    v["growth_wind"] = 12.5
    path = e.save(v, "fast_wind", folder=tmp_path)
    mapping = yaml.safe_load(path.read_text())
    assert mapping["growth_pct_per_year"]["wind"] == 12.5
    assert params.problems(paths.NOTEBOOKS / "02_demand_buildup.ipynb", mapping) == []
    with pytest.raises(FileExistsError):
        e.save(v, "fast_wind", folder=tmp_path)
    with pytest.raises(ValueError, match="lower-case"):
        e.save(v, "Fast wind", folder=tmp_path)


def test_the_widget_builds(e):
    pytest.importorskip("ipywidgets")
    box = e.widget()
    assert len(box.children) >= len(explorer.CONTROLS) + 3


def test_the_horizon_slider_starts_after_the_base_year():
    horizon = {c.key: c for c in explorer.controls()}["horizon_year"]
    assert horizon.low == demand.base_year() + 1  # the notebook's own bound (parameters.py)
    assert horizon.low < horizon.high
