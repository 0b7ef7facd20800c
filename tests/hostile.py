"""Hostile text for the escaping tests: the markup, a detector of live markup, and a project copy poisoned with it.

``poison(root)`` appends :data:`HOSTILE` to every value of every column ``data/catalogue.yaml`` marks
``free_text`` (passages too, with a research note that quotes them, so provenance still holds).
The session fixture ``hostile_site`` (tests/conftest.py) builds such a copy once; the hostile-input
and browser tests read that one build.
"""
from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

from analysis import data

MARK = "hostile_mark"  # a token found nowhere else ("_" is not in base64, so never inside an image)
HOSTILE = (f'<script>alert("{MARK}1")</script><img src=x onerror=alert("{MARK}2")>'
           f'<a href="javascript:alert(\'{MARK}3\')">{MARK}4</a><style>body{{display:none}}/*{MARK}5*/</style>')


class _LiveMarkup(HTMLParser):
    """Every element and attribute a browser would build from the page that carries the hostile text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and any(n == "src" and v == "x" for n, v in attrs):
            self.found.append("<img src=x>")

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if MARK in data and self._open and self._open[-1] in ("script", "style"):
            self.found.append(f"<{self._open[-1]}> holding {data[:60]!r}")
        if data.strip() == MARK + "4" and self._open and self._open[-1] == "a":
            self.found.append("a link made from data")


def live_markup(page_html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(page_html)
    return parser.found


def free_text_columns() -> dict[str, list[str]]:
    fields = data.catalogue()["fields"]
    out = {}
    for name, spec in data.catalogue()["datasets"].items():
        cols = [c for c in spec["columns"] if fields[c].get("free_text")]
        if cols:
            out[name] = cols
    return out


def poison(root) -> int:
    """Append HOSTILE to every free-text cell; return how many cells were changed."""
    sources = {r["source_id"]: r["kind"] for r in csv.DictReader(open(root / "data" / "sources.csv", encoding="utf-8"))}
    quoted, changed = [], 0
    for name, cols in free_text_columns().items():
        path = root / "data" / data.catalogue()["datasets"][name]["file"]
        rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
        header = data.catalogue()["datasets"][name]["columns"]
        for row in rows:
            for col in cols:
                if col == "passage" and sources.get(row["source_id"]) == "seed":
                    continue  # a seed's text is checksummed: its passages stay verbatim
                if col == "url" and not row[col]:
                    continue
                row[col] = (row[col] or "") + " " + HOSTILE
                changed += 1
                if col == "passage":
                    quoted.append(row[col])
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    note = root / "data" / "research_notes" / "hostile_test_quotes.md"
    note.write_text("# Quotes for the hostile-input test\n\n" + "\n\n".join(f'"{q}"' for q in quoted) + "\n", encoding="utf-8")
    return changed
