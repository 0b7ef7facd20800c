"""The chart type every chart function returns: unpacking, its CSV and its download link."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.charts import Chart
from analysis.data import load
from analysis.report import OUTPUT_DIR_ENV, RUN_NAME_ENV


def _chart(name="demand_by_sector"):
    fig, ax = plt.subplots()
    ax.plot([2024, 2025], [1.0, 2.0])
    data = pd.DataFrame({"year": [2024, 2025], "demand_t": [1.0, 2.0]})
    return Chart(fig, ["seed002_smm_forum", "seed002_smm_forum", None], data, name)


def test_unpacks_as_figure_and_source_ids():
    chart = _chart()
    fig, ids = chart
    assert fig is chart.figure
    assert ids == ["seed002_smm_forum"]  # duplicates and missing ids dropped, order kept
    plt.close(fig)


@pytest.mark.parametrize("bad", ["Demand", "a.b", "../x", "<script>", ""])
def test_name_must_be_a_slug(bad):
    with pytest.raises(ValueError, match="lower-case letters"):
        _chart(bad)
    plt.close("all")


def test_csv_goes_where_the_run_writes_and_carries_sources(tmp_path, monkeypatch):
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(RUN_NAME_ENV, "02_demand_buildup__high")
    chart = _chart()
    out = chart.write_csv()
    plt.close(chart.figure)
    assert out == tmp_path / "02_demand_buildup__high.demand_by_sector.csv"
    back = pd.read_csv(out)
    assert list(back.columns) == ["year", "demand_t", "source_ids"]
    assert back["demand_t"].tolist() == [1.0, 2.0]
    assert set(back["source_ids"]) == {"seed002_smm_forum"}


def test_display_shows_the_figure_and_a_download_link(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.delenv(RUN_NAME_ENV, raising=False)
    from IPython.core.pylabtools import select_figure_formats

    select_figure_formats(InteractiveShell.instance(), {"png"})  # what the inline backend does in a kernel
    with capture_output() as captured:
        _chart()._ipython_display_()
    kinds = [set(o.data) for o in captured.outputs]
    assert any("image/png" in k for k in kinds)
    links = [o.data["text/html"] for o in captured.outputs if "text/html" in o.data]
    assert links == ['<p class="chart-data"><a href="interactive.demand_by_sector.csv" download>'
                     "Download this chart's data (CSV)</a></p>"]
    assert (tmp_path / "interactive.demand_by_sector.csv").is_file()


def test_the_note_is_shown_under_the_chart_escaped_and_only_sources_in_the_image(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats
    from IPython.utils.capture import capture_output

    from analysis import plotting

    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    select_figure_formats(InteractiveShell.instance(), {"png"})
    chart = _chart()
    plotting.source_note(chart.figure, chart.source_ids, "Derived as <b>a - b</b>.")
    source = load("sources").set_index("source_id").loc["seed002_smm_forum"]
    assert [t.get_text() for t in chart.figure.texts] == [f"Sources: {source.publisher} ({source.date_published})"]
    assert plotting.full_note(chart.figure).endswith("Derived as <b>a - b</b>.")
    with capture_output() as captured:
        chart._ipython_display_()
    html_out = [o.data["text/html"] for o in captured.outputs if "text/html" in o.data]
    assert html_out[-1] == '<p class="chart-note">Derived as &lt;b&gt;a - b&lt;/b&gt;.</p>'


# --- drawn once per build -----------------------------------------------------------------------------

def _counting_chart_fn(calls: list):
    from analysis import plotting
    from analysis.charts import drawn_once

    @drawn_once
    def quota_like(frame: pd.DataFrame, label: str) -> Chart:
        calls.append(label)
        fig, ax = plt.subplots()
        ax.plot(frame["year"], frame["mass_t"])
        plotting.source_note(fig, ["seed002_smm_forum"], f"Note for <{label}>.")
        return Chart(fig, ["seed002_smm_forum"], frame, "quota_like")

    return quota_like


def test_drawn_once_outside_a_build_draws_every_time(monkeypatch):
    from analysis import cache

    monkeypatch.delenv(cache.SHARED_DIR_ENV, raising=False)
    calls = []
    fn = _counting_chart_fn(calls)
    frame = pd.DataFrame({"year": [2024, 2025], "mass_t": [1.0, 2.0]})
    charts = [fn(frame, "a"), fn(frame, "a")]
    assert calls == ["a", "a"]
    assert all(c.figure is not None and c.png is None for c in charts)
    plt.close("all")


def test_drawn_once_in_a_build_draws_equal_inputs_once_and_new_inputs_again(tmp_path, monkeypatch):
    from analysis import cache

    monkeypatch.setenv(cache.SHARED_DIR_ENV, str(tmp_path / "shared"))
    cache.clear()
    calls = []
    fn = _counting_chart_fn(calls)
    frame = pd.DataFrame({"year": [2024, 2025], "mass_t": [1.0, 2.0]})
    same = pd.DataFrame({"mass_t": [1.0, 2.0], "year": [2024, 2025]})[["year", "mass_t"]]  # built another way
    first, second = fn(frame, "a"), fn(same, "a")
    assert calls == ["a"]
    assert first.figure is None and first.png.startswith(b"\x89PNG") and second.png == first.png
    assert first.note.endswith("Note for <a>.") and list(second.data["mass_t"]) == [1.0, 2.0]
    fn(frame.assign(mass_t=[1.0, 2.5]), "a")  # another value: drawn again
    fn(frame, "b")  # another plain argument: drawn again
    assert calls == ["a", "a", "b"]
    cache.clear()


def test_a_chart_drawn_once_displays_its_image_link_and_escaped_note(tmp_path, monkeypatch):
    from IPython.utils.capture import capture_output

    from analysis import cache

    monkeypatch.setenv(cache.SHARED_DIR_ENV, str(tmp_path / "shared"))
    monkeypatch.setenv(OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(RUN_NAME_ENV, "04_supply_balance__low")
    cache.clear()
    chart = _counting_chart_fn([])(pd.DataFrame({"year": [2024], "mass_t": [1.0]}), "a")
    with capture_output() as captured:
        chart._ipython_display_()
    kinds = [set(o.data) for o in captured.outputs]
    assert "image/png" in kinds[0]
    html_out = [o.data["text/html"] for o in captured.outputs if "text/html" in o.data]
    assert 'href="04_supply_balance__low.quota_like.csv"' in html_out[0]
    assert html_out[-1].endswith("Note for &lt;a&gt;.</p>")
    assert (tmp_path / "04_supply_balance__low.quota_like.csv").is_file()
    cache.clear()
