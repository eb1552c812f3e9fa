"""Front-matter opt-in that lists a non-public document on the trust center by title and one-line summary.

By default a document the public may not read is not named on the public site at all. `listed: true` puts its
title on the trust center's documents page with a lock and a request-access action, next to `summary:`, which
is then the only text of that document that reaches the public site. A public document may carry `summary:`
too; the documents page shows it as the document's one-line description.
"""

from __future__ import annotations

from trustbinder.model.audience import Audience
from trustbinder.model.schema import Fields

MAX_SUMMARY_CHARS = 200


def parse_listing(fields: Fields, audience: Audience) -> tuple[bool, str | None]:
    """(listed, summary) from front matter; problems go into the fields' findings."""
    listed = bool(fields.boolean("listed", default=False))
    summary = fields.text("summary")
    if summary is not None:
        summary = summary.strip()
        if "\n" in summary:
            fields.error("summary", "must be one line; it is shown publicly next to the document's title")
            summary = None
        elif len(summary) > MAX_SUMMARY_CHARS:
            fields.error("summary", f"is {len(summary)} characters long; keep it to {MAX_SUMMARY_CHARS} (one line)")
            summary = None
    if listed and audience is Audience.PUBLIC:
        fields.findings.warning(
            fields.path,
            fields.line("listed"),
            "key 'listed': has no effect on a public document; public documents are always listed",
            "listed",
        )
        listed = False
    if listed and not summary:
        if not fields.has("summary"):
            fields.findings.error(
                fields.path,
                fields.line("listed"),
                "key 'listed': a listed document needs 'summary:', one line the public may read about it",
                "summary",
            )
        listed = False
    return listed, summary
