"""Options of the `trustbinder/handbook` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

DEFAULT_SECTION_TITLES = {"policies": "Policies", "procedures": "Procedures", "narratives": "System description"}


class HandbookConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off: no document header, no generated pages, navigation as MkDocs makes it."""

    document_header = c.Type(bool, default=True)
    """Show owner, version, effective date, approval, review schedule, git history, revision history, controls
    and criteria on each policy, procedure and narrative in the internal and auditor builds. The public site
    never shows it."""

    git = c.Type(bool, default=True)
    """Look up each document's last change (date and commit) in git. Off, or outside a git work tree, the
    header leaves that line out."""

    pages_dir = c.Type(str, default="handbook")
    """Folder, inside the internal site, for the generated review schedule and criteria coverage pages. A file
    of yours under the same path is an error, never overwritten."""

    review_schedule = c.Type(bool, default=True)
    """Generate the review schedule page (every document by next review date, overdue first)."""

    criteria_index = c.Type(bool, default=True)
    """Generate the criteria coverage page (which documents cover each criterion in audit.yml's scope)."""

    section_indexes = c.Type(bool, default=True)
    """Generate a landing page for each document folder (policies/, procedures/, narratives/) that has no
    index.md of its own, listing its documents. Only when mkdocs.yml has no explicit `nav:`."""

    section_titles = c.Type(dict, default=DEFAULT_SECTION_TITLES)
    """Navigation titles of the top-level document folders in the internal build, keyed by folder name; the
    sections appear in this order, after the home page."""
