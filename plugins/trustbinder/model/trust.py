"""Trust center data: content/trust.yml. Everything here is meant for the public site.

Values end up in HTML, in an Atom feed and in /.well-known/security.txt, so they are checked for shape here:
web addresses must be https (security.txt readers refuse plain http), colours are #rrggbb, the logo is a
public file under content/assets/, and language tags are what RFC 9116 allows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trustbinder.model.findings import Findings
from trustbinder.model.safety import path_problem
from trustbinder.model.schema import Fields
from trustbinder.model.yamlio import YamlMap

if TYPE_CHECKING:
    from trustbinder.model.program import Program

CERTIFICATION_STATUSES = ("current", "in-progress", "planned", "expired")
REPORT_ACCESS = ("public", "restricted", "none")
PUBLIC_ASSETS_DIR = "assets"
EXPIRY_NOTICE_DAYS = 30
EXPIRY_HORIZON_DAYS = 366

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*):(?P<rest>\S+)$")


@dataclass
class Certification:
    name: str
    framework: str | None
    status: str
    report: str
    auditor: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    scope: str | None = None
    type: str | None = None
    report_url: str | None = None


@dataclass
class Subprocessor:
    name: str
    purpose: str
    data: str | None
    location: str | None
    added: dt.date | None
    removed: dt.date | None = None


@dataclass
class Update:
    date: dt.date
    title: str
    body: str | None = None


@dataclass
class Trust:
    path: str = ""
    company_name: str | None = None
    logo: str | None = None
    logo_line: int | None = None
    overview: str | None = None
    website: str | None = None
    security_email: str | None = None
    request_access_url: str | None = None
    security_txt_expires: dt.date | None = None
    security_txt_expires_line: int | None = None
    security_txt_policy: str | None = None
    security_txt_encryption: str | None = None
    security_txt_acknowledgments: str | None = None
    preferred_languages: list[str] = field(default_factory=list)
    primary_color: str | None = None
    accent_color: str | None = None
    certifications: list[Certification] = field(default_factory=list)
    subprocessors: list[Subprocessor] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)

    @property
    def access_url(self) -> str | None:
        """Where "Request access" points: the request form, else an email to the security team."""
        if self.request_access_url:
            return self.request_access_url
        return f"mailto:{self.security_email}" if self.security_email else None


def _url(fields: Fields, key: str, schemes: tuple[str, ...]) -> str | None:
    value = fields.text(key)
    if value is None:
        return None
    match = _URL.match(value.strip())
    if (
        match is None
        or match.group("scheme") not in schemes
        or (match.group("scheme") == "https" and not match.group("rest").startswith("//"))
    ):
        allowed = " or ".join(f"{scheme}:" for scheme in schemes)
        fields.error(key, f"'{value}' is not a web address this key accepts; write a full {allowed} address")
        return None
    return value.strip()


def _email(fields: Fields, key: str) -> str | None:
    value = fields.text(key)
    if value is not None and not _EMAIL.match(value.strip()):
        fields.error(key, f"'{value}' is not an email address, e.g. security@example.com")
        return None
    return value.strip() if value else None


def _color(fields: Fields, key: str) -> str | None:
    value = fields.text(key)
    if value is not None and not _COLOR.match(value.strip()):
        fields.error(key, f"'{value}' is not a colour; write #rrggbb in quotes, e.g. {key}: \"#4b3f8f\"")
        return None
    return value.strip() if value else None


def _logo(fields: Fields) -> str | None:
    value = fields.text("logo")
    if value is None:
        return None
    problem = path_problem(value)
    if problem is None and not value.startswith(PUBLIC_ASSETS_DIR + "/"):
        problem = f"is not under {PUBLIC_ASSETS_DIR}/; put the logo in content/{PUBLIC_ASSETS_DIR}/, which is public"
    if problem:
        fields.error("logo", f"'{value}' {problem}")
        return None
    return value


def parse_trust(data: object, path: str, findings: Findings) -> Trust:
    trust = Trust(path=path)
    if data is None:
        return trust
    if not isinstance(data, YamlMap):
        findings.error(path, 1, "trust.yml must be a mapping (company, contact, certifications, ...)")
        return trust
    fields = Fields(data, path, findings)
    company = fields.mapping("company")
    if company is not None:
        trust.company_name = company.text("name", required=True)
        trust.logo = _logo(company)
        trust.logo_line = company.line("logo") if trust.logo else None
        trust.overview = company.text("overview")
        trust.website = _url(company, "website", ("https", "http"))
    contact = fields.mapping("contact")
    if contact is not None:
        trust.security_email = _email(contact, "security_email")
        trust.request_access_url = _url(contact, "request_access_url", ("https", "mailto"))
    security_txt = fields.mapping("security_txt")
    if security_txt is not None:
        trust.security_txt_expires = security_txt.date("expires", required=True)
        trust.security_txt_expires_line = security_txt.line("expires")
        trust.security_txt_policy = _url(security_txt, "policy", ("https",))
        trust.security_txt_encryption = _url(security_txt, "encryption", ("https",))
        trust.security_txt_acknowledgments = _url(security_txt, "acknowledgments", ("https",))
        for language, line in security_txt.text_list("preferred_languages"):
            if _LANGUAGE.match(language):
                trust.preferred_languages.append(language)
            else:
                findings.error(
                    path,
                    line,
                    f"key 'security_txt.preferred_languages': '{language}' is not a language tag, e.g. en, de, pt-BR",
                    "security_txt.preferred_languages",
                )
        if trust.security_email is None:
            findings.error(
                path,
                security_txt.line(),
                "key 'security_txt': security.txt needs a Contact; set contact.security_email",
                "contact.security_email",
            )
    branding = fields.mapping("branding")
    if branding is not None:
        trust.primary_color = _color(branding, "primary_color")
        trust.accent_color = _color(branding, "accent_color")
    for record in fields.records("certifications"):
        name = record.text("name", required=True)
        status = record.choice("status", CERTIFICATION_STATUSES, required=True)
        report = record.choice("report", REPORT_ACCESS, default="restricted") or "restricted"
        period = record.mapping("period")
        start = period.date("start", required=True) if period else None
        end = period.date("end", required=True) if period else None
        if start and end and end < start and period is not None:
            period.error("end", f"{end.isoformat()} is before the start {start.isoformat()}")
        report_url = _url(record, "report_url", ("https",))
        if report_url and report != "public":
            record.error("report_url", f"is only shown for report: public; this report is {report}")
        if name and status:
            trust.certifications.append(
                Certification(
                    name,
                    record.text("framework"),
                    status,
                    report,
                    auditor=record.text("auditor"),
                    period_start=start,
                    period_end=end,
                    scope=record.text("scope"),
                    type=record.text("type"),
                    report_url=report_url,
                )
            )
    for record in fields.records("subprocessors"):
        name, purpose = record.text("name", required=True), record.text("purpose", required=True)
        data_kind, location = record.text("data"), record.text("location")
        added, removed = record.date("added"), record.date("removed")
        if added and removed and removed < added:
            record.error("removed", f"{removed.isoformat()} is before the date it was added, {added.isoformat()}")
        if name and purpose:
            trust.subprocessors.append(Subprocessor(name, purpose, data_kind, location, added, removed))
    for record in fields.records("faq"):
        question, answer = record.text("q", required=True), record.text("a", required=True)
        if question and answer:
            trust.faq.append((question, answer))
    for record in fields.records("updates"):
        date, title = record.date("date", required=True), record.text("title", required=True)
        if date and title:
            trust.updates.append(Update(date, title, record.text("body")))
    return trust


def expiry_problem(trust: Trust, today: dt.date) -> str | None:
    """Why security.txt cannot be published today, or None. RFC 9116: an expired file must not be served."""
    expires = trust.security_txt_expires
    if expires is None or expires >= today:
        return None
    return (
        f"key 'security_txt.expires': {expires.isoformat()} has passed (today is {today.isoformat()}); "
        "RFC 9116 says an expired security.txt must not be served: set a new date less than a year ahead"
    )


def trust_findings(program: Program, today: dt.date) -> Findings:
    """`trustbinder check`: security.txt expiry and the logo file, problems a build would also hit."""
    trust, findings = program.trust, Findings()
    expires, line = trust.security_txt_expires, trust.security_txt_expires_line
    problem = expiry_problem(trust, today)
    if problem:
        findings.error(trust.path, line, problem, "security_txt.expires")
    elif expires is not None and (expires - today).days <= EXPIRY_NOTICE_DAYS:
        findings.warning(
            trust.path,
            line,
            f"key 'security_txt.expires': {expires.isoformat()} is {(expires - today).days} days away; "
            "builds fail once it has passed",
            "security_txt.expires",
        )
    elif expires is not None and (expires - today).days > EXPIRY_HORIZON_DAYS:
        findings.warning(
            trust.path,
            line,
            f"key 'security_txt.expires': {expires.isoformat()} is more than a year away; "
            "RFC 9116 recommends less than a year so stale contacts age out",
            "security_txt.expires",
        )
    if trust.logo and not (program.docs_dir / trust.logo).is_file():
        docs = program.docs_dir.relative_to(program.root).as_posix()
        findings.error(trust.path, trust.logo_line, f"key 'company.logo': {docs}/{trust.logo} does not exist", "logo")
    restricted = any(c.report == "restricted" for c in trust.certifications) or any(d.listed for d in program.documents)
    if trust.access_url is None and restricted:
        findings.warning(
            trust.path,
            None,
            "the trust center offers restricted reports or documents but no way to ask for them: "
            "set contact.request_access_url or contact.security_email",
            "contact",
        )
    return findings
