"""HTML a page shows but the search plugin should not parse: previews, and long tables whose words it indexes
from a plain stand-in instead.

Material's search runs an HTML parser over each page's content in `on_page_context`, at a Python call per tag;
on binder pages that is mostly evidence previews and per-evidence rows. The binder hands MkDocs the page with
a marker (and the stand-in text) in their place, and puts the HTML back in its own `on_page_context`, which
runs after search has read the page. A marker cannot come from user data: every value on a binder page is
escaped, so `<!--` never appears in it.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_SLOT = re.compile(r"<!--tb-slot (\d+)-->.*?<!--/tb-slot-->", re.S)


class Slots:
    """The deferred parts of one page, in order. When not `deferring`, parts go straight into the page."""

    def __init__(self, deferring: bool = True) -> None:
        self.deferring = deferring
        self.parts: list[str] = []

    def defer(self, html: str, stand_in: str = "") -> Markup:
        """Markup to put where `html` goes; `stand_in` (HTML already escaped) is what search reads there."""
        if not self.deferring:
            return Markup(html)
        self.parts.append(html)
        return Markup(f"<!--tb-slot {len(self.parts) - 1}-->{stand_in}<!--/tb-slot-->")

    def fill(self, content: str) -> str:
        if not self.parts:
            return content
        return _SLOT.sub(lambda match: self.parts[int(match[1])], content)
