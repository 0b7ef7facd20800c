"""Every dataset loads against its schema, and every figure is traceable to its source."""
import pytest

from analysis import data, paths
from analysis.data import load

DATASETS = data.dataset_names()


def test_catalogue_lists_the_datasets_the_issue_asks_for():
    assert {"sources", "prices", "fx_rates", "exports", "demand_china", "supply_quotas", "mine_production",
            "magnet_production", "market_figures", "magnet_intensity", "events", "stated_changes"} <= set(DATASETS)


@pytest.mark.parametrize("name", DATASETS)
def test_dataset_loads_and_is_not_empty(name):
    df = load(name)
    assert len(df) > 0, f"{name} is empty"
    assert list(df.columns) == data.catalogue()["datasets"][name]["columns"]


def test_every_csv_in_data_is_catalogued():
    files = {p.name for p in paths.DATA.glob("*.csv")}
    catalogued = {spec["file"] for spec in data.catalogue()["datasets"].values()}
    assert files, "no CSV files found"
    assert files == catalogued, f"uncatalogued: {files - catalogued}; missing: {catalogued - files}"


def test_every_source_id_resolves_and_every_source_is_used():
    known = set(load("sources")["source_id"])
    used = set()
    for name in DATASETS:
        if name == "sources":
            continue
        ids = set(load(name)["source_id"])
        assert ids, f"{name} has no source ids"
        assert ids <= known, f"{name}: unknown source ids {sorted(ids - known)}"
        used |= ids
    assert known - used == set(), f"sources listed but never used: {sorted(known - used)}"


def test_seed_files_match_their_checksums_and_the_readme():
    sources = load("sources")
    seeds = sources[sources["kind"] == "seed"]
    assert len(seeds) == 4
    readme = (paths.SEEDS / "README.md").read_text(encoding="utf-8")
    for row in seeds.itertuples():
        assert data.sha256(paths.SEEDS / row.seed_file) == row.sha256, row.seed_file
        assert row.seed_file in readme, f"seeds/README.md does not list {row.seed_file}"


def test_every_passage_is_found_in_its_source_text():
    problems, checked = data.provenance_problems()
    assert checked > 100, f"only {checked} passages checked"
    assert problems == [], "\n".join(map(str, problems))


def test_seed_passages_really_come_from_the_seeds():
    # Not vacuous: at least one row per seed document, across the datasets.
    sources = load("sources")
    seed_ids = set(sources.loc[sources["kind"] == "seed", "source_id"])
    seen = set()
    for name in DATASETS:
        if name != "sources":
            seen |= set(load(name)["source_id"]) & seed_ids
    assert seen == seed_ids


def test_nothing_reads_shared_at_run_time():
    forbidden = "../" + "shared"  # the read-only source pack next to the project; a clone has no such folder
    offenders = [p for p in list((paths.ROOT / "analysis").rglob("*.py")) + list(paths.NOTEBOOKS.glob("*"))
                 if forbidden in p.read_text(encoding="utf-8", errors="ignore")]
    assert offenders == []


def test_validate_command_passes_on_the_committed_data(capsys):
    from analysis.__main__ import main

    assert main(["validate"]) == 0
    assert "OK" in capsys.readouterr().out


def test_publishers_render_in_the_chart_font():
    """Source notes under charts print publishers; a glyph the chart font lacks becomes a warning and a box."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont("DejaVu Sans"))
    charmap = font.get_charmap()
    publishers = load("sources")["publisher"]
    missing = {p for p in publishers for ch in p if ord(ch) > 127 and ord(ch) not in charmap}
    assert len(publishers) > 50 and not missing, f"publishers with characters the chart font lacks: {sorted(missing)}"


# --- data.one: the one matching row or a clear error ------------------------------------------------

def test_one_returns_the_single_matching_row():
    mf = load("market_figures")
    first = mf.iloc[0]
    row = data.one(mf, metric=first["metric"], year=first["year"], source_id=first["source_id"])
    assert row.name == first.name  # the same row of the frame
    assert data.one(mf.iloc[[0]], metric=first["metric"]).name == first.name


def test_one_names_the_dataset_and_conditions_when_nothing_matches():
    with pytest.raises(LookupError, match=r"market_figures.csv: expected one row with metric='no_such_metric', found 0"):
        data.one(load("market_figures"), metric="no_such_metric")


def test_one_names_the_dataset_and_conditions_when_several_match():
    q = load("supply_quotas")
    year = int(q["year"].value_counts().idxmax())  # a year with several quota rows
    n = int((q["year"] == year).sum())
    assert n > 1
    with pytest.raises(LookupError, match=rf"supply_quotas.csv: expected one row with year={year}, found {n}"):
        data.one(q, year=year)


def test_one_on_a_computed_frame_uses_the_name_given_or_table():
    import pandas as pd

    frame = pd.DataFrame({"year": [2024, 2025], "mass_t": [1.0, None]})
    assert data.one(frame, year=2024)["mass_t"] == 1.0
    assert data.one(frame, mass_t=None)["year"] == 2025  # a missing value matches missing values
    with pytest.raises(LookupError, match=r"^balance: expected one row with year=2030, found 0$"):
        data.one(frame, "balance", year=2030)
    with pytest.raises(LookupError, match=r"^table: expected one row"):
        data.one(frame, year=2030)
    with pytest.raises(KeyError, match="no column 'month'"):
        data.one(frame, month=1)


def test_data_as_of_is_the_latest_month_of_the_series_asked_for():
    from analysis.data import data_as_of

    prices = load("prices")["date"].max().strftime("%Y-%m")
    exports = load("exports")["period_end"].max()
    assert data_as_of("prices") == prices and data_as_of("exports") == exports
    assert data_as_of() == max(prices, exports)
