"""Rendering of the trust center's pages (Markdown with HTML blocks), stylesheet, feed and security.txt.

Every value from trust.yml or the model goes through Jinja's autoescape. In Markdown headings a value is
also backslash-escaped, so a question such as "Do you *encrypt* [backups](x)?" shows as written instead of
turning into emphasis or a link.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from trustbinder.trust.colors import palette
from trustbinder.trust.public import CONTROL_STATUSES, TrustCenter

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
CERTIFICATION_STATUSES = {
    "current": "Current",
    "in-progress": "In progress",
    "planned": "Planned",
    "expired": "Expired",
}
REPORT_ACCESS = {"public": "Public", "restricted": "Available on request", "none": "Not shared"}
# Python-Markdown's own escapable characters; '>' is left to HTML escaping (a backslash before '&gt;' shows).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
# A padlock drawn for this project: shackle and body, one path.
LOCK = Markup(
    '<svg class="tb-lock" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">'
    '<path d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7'
    'a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3z"/></svg>'
)


def markdown_text(value: object) -> Markup:
    """Plain text made safe for a Markdown line: no HTML, no Markdown syntax."""
    return Markup(html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", str(value)), quote=False))


def day(value: dt.date) -> str:
    """A date in words that do not depend on the build machine's locale: 1 October 2025."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def paragraphs(value: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", value.strip()) if part.strip()]


@dataclass
class Links:
    """Relative URLs from the page being rendered."""

    feed: str = ""
    logo: str | None = None
    documents: dict[str, str] = field(default_factory=dict)  # src_uri -> URL, public documents only


class Renderer:
    def __init__(self, center: TrustCenter, site_name: str) -> None:
        self.center = center
        self.site_name = site_name
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True),
            keep_trailing_newline=True,
        )
        self.env.filters.update(md=markdown_text, day=day, paragraphs=paragraphs)

    @property
    def company(self) -> str:
        return self.center.trust.company_name or self.site_name

    @property
    def feed_title(self) -> str:
        return f"{self.company} trust center updates"

    def _render(self, template: str, links: Links) -> str:
        return self.env.get_template(template).render(
            center=self.center,
            trust=self.center.trust,
            company=self.company,
            heading=f"{self.company} Trust Center" if self.center.trust.company_name else self.site_name,
            links=links,
            lock=LOCK,
            control_statuses=CONTROL_STATUSES,
            certification_statuses=CERTIFICATION_STATUSES,
            report_access=REPORT_ACCESS,
        )

    def home(self, links: Links) -> str:
        return self._render("home.md.j2", links)

    def home_sections(self, links: Links) -> str:
        """The sections added below a home page the user wrote."""
        return self._render("sections.md.j2", links)

    def documents(self, links: Links) -> str:
        return self._render("documents.md.j2", links)

    def subprocessors(self, links: Links) -> str:
        return self._render("subprocessors.md.j2", links)

    def faq(self, links: Links) -> str:
        return self._render("faq.md.j2", links)

    def stylesheet(self) -> str:
        trust = self.center.trust
        return self.env.get_template("trust-center.css.j2").render(
            primary=palette(trust.primary_color) if trust.primary_color else None,
            accent=palette(trust.accent_color) if trust.accent_color else None,
        )
