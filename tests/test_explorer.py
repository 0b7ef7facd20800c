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
