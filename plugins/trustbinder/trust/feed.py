"""The trust center's Atom feed (RFC 4287): dated updates and subprocessor additions and removals.

Entry IDs are name-based UUIDs of what the entry says, so they stay the same from build to build and a feed
reader does not show an entry twice. The feed's own `updated` is its newest entry's date, not the build time,
so an unchanged trust.yml gives a byte-identical feed.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from xml.etree import ElementTree

from trustbinder.trust.public import TrustCenter

ATOM = "http://www.w3.org/2005/Atom"
# Fixed namespace for this project's IDs (a random UUID chosen once; changing it changes every entry ID).
ID_NAMESPACE = uuid.UUID("8d0c33a4-4e0c-4f26-9d3a-2f6a1f0b7c51")


# Characters XML 1.0 cannot carry at all; YAML lets them through in quoted strings.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _id(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, chr(31).join(parts))}"


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def render_feed(
    center: TrustCenter,
    *,
    title: str,
    site_url: str | None,
    feed_path: str,
    home_path: str,
    subprocessors_path: str,
    fallback_updated: dt.datetime,
) -> str:
    """The feed XML; paths are site-relative URLs, made absolute when `site_url` is known."""
    ElementTree.register_namespace("", ATOM)
    company = center.trust.company_name or title
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "en")

    def child(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = _NOT_XML.sub("", text)
        return element

    base = site_url.rstrip("/") + "/" if site_url else None
    # MkDocs calls the site root "./"; in an absolute URL it is the empty path.
    feed_path, home_path, subprocessors_path = (
        "" if path in (".", "./") else path for path in (feed_path, home_path, subprocessors_path)
    )
    child(feed, "title", title)
    child(feed, "id", _id("feed", company))
    newest = max((change.date for change in center.changes), default=None)
    child(feed, "updated", _timestamp(newest) if newest else fallback_updated.strftime("%Y-%m-%dT%H:%M:%SZ"))
    if base:
        child(feed, "link", rel="self", type="application/atom+xml", href=base + feed_path)
        child(feed, "link", rel="alternate", type="text/html", href=base + home_path)
    author = child(feed, "author")
    child(author, "name", company)
    for change in center.changes:
        entry = child(feed, "entry")
        child(entry, "title", change.title)
        child(entry, "id", _id(change.kind, change.date.isoformat(), change.title))
        child(entry, "updated", _timestamp(change.date))
        if base:
            target = home_path + "#updates" if change.kind == "update" else subprocessors_path
            child(entry, "link", rel="alternate", type="text/html", href=base + target)
        child(entry, "content", change.text, type="text")
    ElementTree.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode") + "\n"
