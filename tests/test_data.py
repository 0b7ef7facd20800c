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
