"""HTML a page shows but the search plugin should not parse: previews, long tables and the handbook's document
header and record, whose words search indexes from a plain stand-in instead.

Material's search runs an HTML parser over each page's content in `on_page_context`, at a Python call per tag;
on binder pages that is mostly evidence previews and per-evidence rows, on handbook pages the header and record
tables. A plugin hands MkDocs the page with a marker (and the stand-in text) in their place, and puts the HTML
back in its own `on_page_context`, which runs after search has read the page. A marker cannot come from user
data: every value trustbinder generates is escaped, and HTML comments are removed from every page's Markdown,
so `<!--` never appears in either.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_TAG = re.compile(r"<[^>]*>")


class Slots:
    """The deferred parts of one page, in order. When not `deferring`, parts go straight into the page."""

    def __init__(self, deferring: bool = True, owner: str = "binder") -> None:
        self.deferring = deferring
        self.owner = owner  # plugins fill only their own markers: two may defer parts of the same page
        self.parts: list[str] = []
        self._pattern = re.compile(rf"<!--tb-slot {owner} (\d+)-->.*?<!--/tb-slot-->", re.S)

    def defer(self, html: str, stand_in: str = "") -> Markup:
        """Markup to put where `html` goes; `stand_in` (HTML already escaped) is what search reads there."""
        if not self.deferring:
            return Markup(html)
        self.parts.append(html)
        return Markup(f"<!--tb-slot {self.owner} {len(self.parts) - 1}-->{stand_in}<!--/tb-slot-->")

    def fill(self, content: str) -> str:
        if not self.parts:
            return content
        return self._pattern.sub(lambda match: self.parts[int(match[1])], content)


def plain_words(html: str) -> str:
    """The text of generated HTML as one paragraph for search to index (entities stay escaped)."""
    return "<p>" + " ".join(_TAG.sub(" ", html).split()) + "</p>"
