"""Shared fixtures: a scratch copy of data/ that a test may corrupt."""
import shutil

import pytest

from analysis import paths
from analysis.data import clear_cache


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of data/; the loader cache is cleared before and after."""
    target = tmp_path / "data"
    shutil.copytree(paths.DATA, target)
    clear_cache()
    yield target
    clear_cache()
