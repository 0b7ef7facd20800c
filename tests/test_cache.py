"""analysis.cache: results of the data computed once per data version, shared between a build's processes."""
import shutil

import pandas as pd
import pytest

from analysis import cache, data, paths


@pytest.fixture
def scratch_data(tmp_path, monkeypatch):
    """paths.DATA pointed at a copy of data/, with an empty in-process cache and no shared folder."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target)
    monkeypatch.setattr(paths, "DATA", target)
    monkeypatch.delenv(cache.SHARED_DIR_ENV, raising=False)
    cache.clear()
    yield target
    cache.clear()


def _counting():
    calls = []

    @cache.on_data
    def table(scale: int = 1) -> pd.DataFrame:
        calls.append(scale)
        return pd.DataFrame({"x": [1.0 * scale, 2.0 * scale]})

    return table, calls


def test_computed_once_per_data_version_and_handed_out_as_copies(scratch_data):
    table, calls = _counting()
    first = table()
    first.loc[0, "x"] = 99.0  # a caller changing its copy must not change the cache
    assert table()["x"].tolist() == [1.0, 2.0]
    assert calls == [1], "the second call must come from the cache"
    assert table(scale=3)["x"].tolist() == [3.0, 6.0]
    assert calls == [1, 3], "other arguments are another entry"
    with open(scratch_data / "events.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")  # any change to data/ is a new version
    table()
    assert calls == [1, 3, 1]


def test_arguments_that_are_not_plain_values_bypass_the_cache(scratch_data):
    seen = []

    @cache.on_data
    def total(frame: pd.DataFrame | None = None) -> float:
        seen.append(1)
        return float(frame["x"].sum()) if frame is not None else 0.0

    frame = pd.DataFrame({"x": [1.0, 2.0]})
    assert total(frame) == 3.0 and total(frame) == 3.0
    assert len(seen) == 2


def test_a_shared_folder_serves_other_processes(scratch_data, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    monkeypatch.setenv(cache.SHARED_DIR_ENV, str(shared))
    table, calls = _counting()
    table()
    assert len(list(shared.glob("*.pickle"))) == 1
    cache.clear()  # what a second kernel sees: nothing in memory, the folder filled
    assert table()["x"].tolist() == [1.0, 2.0]
    assert calls == [1], "the second process must read the shared result, not recompute it"
    next(shared.glob("*.pickle")).write_bytes(b"not a pickle")
    cache.clear()
    assert table()["x"].tolist() == [1.0, 2.0]
    assert calls == [1, 1], "an unreadable entry is recomputed"


def test_loader_notices_an_edited_file_without_clearing(data_copy):
    before = data.load("events", data_copy)
    path = data_copy / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # drop the last event
    assert len(data.load("events", data_copy)) == len(before) - 1
