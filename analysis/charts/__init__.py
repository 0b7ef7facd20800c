"""Charts, one module per topic. A chart function takes data and returns a :class:`Chart`: the figure,
the ids of its sources (``fig, source_ids = chart_fn(...)`` still unpacks) and the plotted values.
It sets a title with units, labelled axes and a source note, and never reads parameters of its own.
The house style and the source note are in :mod:`analysis.plotting`.

Shown in a notebook (as a cell's last expression, or through ``display``), a chart draws its figure,
writes its plotted values as a CSV next to the report (``<run>.<chart>.csv``; outside a build under
``scratch/``, never in ``reports/``) and puts a download link under the figure, as OWID's grapher does.

- :mod:`analysis.charts.overview`: sources and coverage of the data (notebook 00)
- :mod:`analysis.charts.exports`: magnet exports by status, and the export controls' impact (notebooks 00, 03)
- :mod:`analysis.charts.prices`: the price history, forecast band and seed 000's table (notebook 01)
- :mod:`analysis.charts.demand`: demand by end use, its projection and uncertainty (notebook 02)
- :mod:`analysis.charts.supply`: supply balance and recycling (notebook 04)
- :mod:`analysis.charts.forecasts`: forecasts against outcomes (notebook 05)

**Drawn once per build.** A chart function whose inputs come from the data alone, not from a run's
parameters (04's quotas, for instance, the same in every demand scenario), is decorated with
:func:`drawn_once`. During a build, the first run to call it with given arguments draws it and leaves
the finished PNG in the build's shared folder (:mod:`analysis.cache`); the other runs show that PNG
and write the same CSV. The arguments are part of the key (hashed), so a decoration on a chart whose
inputs do depend on the parameters costs time, never a wrong chart. Outside a build the function runs
as written and returns its figure.
"""
from __future__ import annotations

import functools
import hashlib
import html
import os
import pickle
import re
from dataclasses import dataclass, field, replace

import pandas as pd

_SLUG = re.compile(r"^[a-z0-9_]+$")


@dataclass
class Chart:
    """A finished chart.

    ``name``: a slug (``[a-z0-9_]``) naming its CSV file; ``data``: the plotted values, with units in
    the column names (``mass_t``, ``price_cny_per_t``); ``source_ids``: ids from ``data/sources.csv``.
    """

    figure: object
    source_ids: list[str]
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    name: str = "chart"
    png: bytes | None = None
    """The finished image of a chart drawn once for the build (:func:`drawn_once`); ``figure`` is then None."""
    note: str = ""
    """With ``png``: the note shown under the image (the figure's, see :func:`analysis.plotting.source_note`)."""

    def __post_init__(self):
        if not _SLUG.match(self.name):
            raise ValueError(f"chart name {self.name!r}: expected lower-case letters, digits and _ only")
        self.source_ids = list(dict.fromkeys(s for s in self.source_ids if isinstance(s, str) and s))

    def __iter__(self):
        """``fig, source_ids = chart`` (the shape every chart function had before it carried data)."""
        return iter((self.figure, self.source_ids))

    def csv_name(self) -> str:
        """``<run>.<chart>.csv``: the run's name during a build, ``interactive`` otherwise."""
        from analysis.report import RUN_NAME_ENV

        return f"{os.environ.get(RUN_NAME_ENV) or 'interactive'}.{self.name}.csv"

    def write_csv(self):
        """Write the plotted values, with a ``source_ids`` column, where the run's results go."""
        from analysis.report import output_dir

        out = output_dir() / self.csv_name()
        out.parent.mkdir(parents=True, exist_ok=True)
        frame = self.data.copy()
        frame["source_ids"] = "; ".join(self.source_ids)
        frame.to_csv(out, index=False, lineterminator="\n")
        return out

    def _ipython_display_(self):
        import matplotlib.pyplot as plt
        from IPython.display import HTML, display

        from analysis.plotting import NOTE_ATTR

        if self.png is None:
            display(self.figure)
            plt.close(self.figure)
            note = getattr(self.figure, NOTE_ATTR, "")
        else:
            from IPython.display import Image

            display(Image(data=self.png, format="png"))
            note = self.note
        if self.data is not None and not self.data.empty:
            out = self.write_csv()
            display(HTML(f'<p class="chart-data"><a href="{html.escape(out.name, quote=True)}" download>'
                         f"Download this chart's data (CSV)</a></p>"))
        if note:
            display(HTML(f'<p class="chart-note">{html.escape(note)}</p>'))


def _rendered(chart: Chart) -> Chart:
    """The chart with its figure replaced by the PNG the notebook would show (same renderer and
    settings as IPython's inline backend) and the note kept beside it; the figure is closed."""
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    from analysis.plotting import NOTE_ATTR

    png = print_figure(chart.figure, "png", bbox_inches="tight")
    note = getattr(chart.figure, NOTE_ATTR, "")
    plt.close(chart.figure)
    return replace(chart, figure=None, png=png, note=note)


def _digest(h, value) -> None:
    """Feed ``value`` into the hash ``h`` by content: frames and series by their values, index,
    columns and dtypes (their pickles differ with memory layout), containers item by item, anything
    else by its pickle."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        h.update(type(value).__name__.encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
        kinds = value.dtypes if isinstance(value, pd.DataFrame) else value.dtype
        h.update(repr((getattr(value, "columns", None), value.index.names, kinds)).encode())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}".encode())
        for item in value:
            _digest(h, item)
    elif isinstance(value, dict):
        _digest(h, sorted(value.items(), key=repr))
    else:
        h.update(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def drawn_once(func):
    """Decorator: during a build, draw ``func(*args)`` once for all runs that call it with the same
    arguments (see the module docstring). Arguments that cannot be pickled are drawn every time."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from analysis import cache, paths

        if not os.environ.get(cache.SHARED_DIR_ENV):
            return func(*args, **kwargs)
        digest = hashlib.sha256()
        try:
            _digest(digest, (args, sorted(kwargs.items())))
        except (pickle.PicklingError, TypeError, AttributeError):
            return func(*args, **kwargs)
        key = f"chart {func.__module__}.{func.__qualname__} {digest.hexdigest()}"
        return cache.shared(key, paths.DATA, lambda: _rendered(func(*args, **kwargs)))

    return wrapper
