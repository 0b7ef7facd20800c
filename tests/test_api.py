"""The package shows itself to an analyst: tab completion and the loaders' help."""
import analysis
from analysis import data, paths


def test_dir_lists_every_module_and_the_loaders():
    modules = {p.stem for p in (paths.ROOT / "analysis").glob("*.py")} - {"__init__", "__main__"}
    assert modules and modules <= set(dir(analysis))
    assert {"load", "load_all", "catalogue", "DataValidationError"} <= set(dir(analysis))
    assert analysis.tables.MISSING == "–"  # a module listed by dir() is reachable as an attribute


def test_load_names_its_datasets():
    for name in data.dataset_names():
        assert f"    {name}: " in analysis.load.__doc__
