"""Tables for people: one helper renders every table a report shows, with every cell escaped.

``show(df)`` gives a table without the 0..n index, readable headers with their unit (:func:`header`),
numbers with thousands separators, "–" for a
missing value, dates as YYYY-MM-DD that never wrap, and long tables folded behind a summary line.
``install()`` makes it the way IPython displays any DataFrame, so a notebook that ends a cell with
a frame gets the same table. Every header and cell goes through :func:`html.escape`: no text from
data reaches the page as markup (the report renderer sanitises as a second layer,
:mod:`analysis.render`), and the HTML carries no ``<style>`` block or random ids, so identical
inputs give identical pages.
"""
from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

MISSING = "–"
FOLD_ROWS = 30  # longer tables are folded behind a one-line summary

# Unit suffixes of column names (the field dictionary's convention, data/catalogue.yaml) as readers write them:
# ``mass_low_t`` is shown as "mass low, t", ``growth_pct_per_year`` as "growth, %/yr".
UNIT_SUFFIXES = [("_usd_per_kg", "USD/kg"), ("_cny_per_kg", "CNY/kg"), ("_cny_per_t", "CNY/t"), ("_usd_per_t", "USD/t"),
                 ("_pct_per_year", "%/yr"), ("_kg_per_unit", "kg/unit"), ("_kg_per_activity_unit", "kg per unit"),
                 ("_t_reo", "t REO"), ("_usd_bn", "USD bn"), ("_pct", "%"), ("_pp", "pp"), ("_kt", "kt"), ("_kg", "kg"),
                 ("_gw", "GW"), ("_t", "t")]
UNIT_SUFFIXES.sort(key=lambda pair: -len(pair[0]))  # the longest suffix that fits wins
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def header(name) -> str:
    """A column name as a table header: ``snake_case_unit`` becomes "snake case, unit"; other names stay."""
    text = str(name)
    if not _SNAKE.match(text):
        return text
    unit = next(((suffix, label) for suffix, label in UNIT_SUFFIXES if text.endswith(suffix) and text != suffix[1:]), None)
    if unit:
        return f"{text[: -len(unit[0])].replace('_', ' ')}, {unit[1]}"
    return text.replace("_", " ")


def _decimals(values: pd.Series) -> int:
    finite = values[np.isfinite(values.astype(float))]
    if finite.empty or (finite == finite.round()).all():
        return 0
    return 2 if finite.abs().max() >= 1 else 4


def _cells(col: pd.Series, decimals: int | None) -> list[str]:
    """One column as display text."""
    if isinstance(col.dtype, pd.PeriodDtype):
        return [MISSING if pd.isna(v) else str(v) for v in col]
    if pd.api.types.is_datetime64_any_dtype(col):
        return [MISSING if pd.isna(v) else v.strftime("%Y-%m-%d") for v in col]
    if pd.api.types.is_bool_dtype(col):
        return [MISSING if pd.isna(v) else ("yes" if v else "no") for v in col]
    if pd.api.types.is_numeric_dtype(col):
        if col.name is not None and str(col.name).lower() in {"year", "month", "horizon_year"}:
            return [MISSING if pd.isna(v) else str(int(v)) for v in col]
        d = _decimals(col.dropna()) if decimals is None else decimals
        return [MISSING if pd.isna(v) else f"{v:,.{d}f}" for v in col]
    out = []
    for v in col:
        if v is None or (not isinstance(v, (list, dict, tuple)) and pd.isna(v)):
            out.append(MISSING)
        elif isinstance(v, float):
            out.append(f"{v:,.{_decimals(pd.Series([v])) if decimals is None else decimals}f}")
        else:
            out.append(str(v))
    return out


def to_html(df: pd.DataFrame | pd.Series, decimals: int | dict | None = None, caption: str | None = None) -> str:
    """Escaped HTML of a table: a named or non-default index becomes the first column(s).

    ``decimals``: one number for every number column, a ``{column: decimals}`` dict, or None (by column).
    """
    frame = df.to_frame() if isinstance(df, pd.Series) else df
    positional = frame.index.nlevels == 1 and frame.index.name is None and pd.api.types.is_integer_dtype(frame.index)
    if positional:  # a row number (0..n, or what is left of it after filtering) says nothing: drop it
        frame = frame.reset_index(drop=True)
    elif not isinstance(frame.index, pd.RangeIndex) or any(n is not None for n in frame.index.names):
        unnamed = frame.index.nlevels == 1 and frame.index.name is None
        frame = frame.reset_index()
        if unnamed:
            frame = frame.rename(columns={frame.columns[0]: ""})
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" · ".join(str(x) for x in c if str(x)) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    per = decimals if isinstance(decimals, dict) else {}
    columns = [_cells(frame.iloc[:, i], per.get(c, None if per else decimals)) for i, c in enumerate(frame.columns)]
    head = "".join(f'<th scope="col" style="text-align: {"right" if n else "left"}">{html.escape(header(c))}</th>'
                   for c, n in zip(frame.columns, numeric))
    rows = []
    for r in range(len(frame)):
        tds = "".join(f'<td style="text-align: {"right" if n else "left"}; white-space: {"nowrap" if n or len(col[r]) < 24 else "normal"}">'
                      f"{html.escape(col[r])}</td>" for col, n in zip(columns, numeric))
        rows.append(f"<tr>{tds}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = f'<table class="dataframe nd-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if len(frame) > FOLD_ROWS:
        what = html.escape(caption) if caption else "table"
        return f"<details><summary>{what}: {len(frame):,} rows (click to show)</summary>{table}</details>"
    return table


class Table:
    """A displayable table: HTML in notebooks and reports, plain text in a terminal."""

    def __init__(self, df, decimals: int | dict | None = None, caption: str | None = None):
        self.df, self.decimals, self.caption = df, decimals, caption

    def _repr_html_(self) -> str:
        return to_html(self.df, self.decimals, self.caption)

    def __repr__(self) -> str:
        return self.df.to_string()


def show(df, decimals: int | dict | None = None, caption: str | None = None) -> Table:
    """The table to display: ``decimals`` fixes the decimals of every number column (default: by column)."""
    return Table(df, decimals, caption)


def install() -> None:
    """Display every DataFrame and Series in this IPython session through :func:`to_html`."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    formatter = ip.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, lambda df: to_html(df))
    formatter.for_type(pd.Series, lambda s: to_html(s))
