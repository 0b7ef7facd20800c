"""Text from data inside Markdown: escaped so that it shows as written and never as markup.

A notebook that writes a sentence around a value from ``data/`` (a USGS edition, a note, a label)
passes the value through :func:`md` first: ``<``, ``>`` and ``&`` become entities and Markdown's
own signs (``*``, ``_``, ``[``, a backquote, ...) are backslash-escaped, so an edition named
``MCS *2025*`` is not set in italics and ``<script>`` is shown, not run.
"""
from __future__ import annotations

import html
import re

_MARKDOWN_SIGNS = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md(value) -> str:
    """``value`` as text that Markdown shows literally."""
    return _MARKDOWN_SIGNS.sub(r"\\\1", html.escape(str(value), quote=False))
