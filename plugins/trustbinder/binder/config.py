"""Options of the `trustbinder/binder` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class BinderConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off."""

    folder = c.Type(str, default="binder")
    """Folder of the site the binder pages go in. Only the auditor build has it; no file of the program may live
    there."""

    evidence_page_size = c.Type(int, default=250)
    """Most evidence items on one page of the evidence index; a folder with more is split into parts."""

    preview_rows = c.Type(int, default=5)
    """Rows of a CSV artifact shown in the evidence index, after its header."""

    preview_bytes = c.Type(int, default=65536)
    """Most bytes of a JSON or text artifact read for its preview."""

    search_evidence_limit = c.Type(int, default=2000)
    """Most evidence items for which the evidence index pages go into the search index. Above it they are left
    out (control pages still list each item's ID, title and SHA-256): parsing tens of thousands of rows for search
    would take a large share of the build. Material's search honours this; -1 always indexes them. Previews are
    never indexed."""
