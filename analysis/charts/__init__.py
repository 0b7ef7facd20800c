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
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field

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

        display(self.figure)
        plt.close(self.figure)
        note = getattr(self.figure, NOTE_ATTR, "")
        if self.data is not None and not self.data.empty:
            out = self.write_csv()
            display(HTML(f'<p class="chart-data"><a href="{html.escape(out.name, quote=True)}" download>'
                         f"Download this chart's data (CSV)</a></p>"))
        if note:
            display(HTML(f'<p class="chart-note">{html.escape(note)}</p>'))
