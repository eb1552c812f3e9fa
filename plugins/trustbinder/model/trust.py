"""Trust center data: content/trust.yml. Everything here is meant for the public site."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from trustbinder.model.findings import Findings
from trustbinder.model.schema import Fields
from trustbinder.model.yamlio import YamlMap

CERTIFICATION_STATUSES = ("current", "in-progress", "planned", "expired")
REPORT_ACCESS = ("public", "restricted", "none")


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
    overview: str | None = None
    website: str | None = None
    security_email: str | None = None
    request_access_url: str | None = None
    security_txt_expires: dt.date | None = None
    security_txt_policy: str | None = None
    preferred_languages: list[str] = field(default_factory=list)
    primary_color: str | None = None
    accent_color: str | None = None
    certifications: list[Certification] = field(default_factory=list)
    subprocessors: list[Subprocessor] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)


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
        trust.logo = company.text("logo")
        trust.overview = company.text("overview")
        trust.website = company.text("website")
    contact = fields.mapping("contact")
    if contact is not None:
        trust.security_email = contact.text("security_email")
        trust.request_access_url = contact.text("request_access_url")
    security_txt = fields.mapping("security_txt")
    if security_txt is not None:
        trust.security_txt_expires = security_txt.date("expires", required=True)
        trust.security_txt_policy = security_txt.text("policy")
        trust.preferred_languages = [lang for lang, _ in security_txt.text_list("preferred_languages")]
    branding = fields.mapping("branding")
    if branding is not None:
        trust.primary_color = branding.text("primary_color")
        trust.accent_color = branding.text("accent_color")
    for record in fields.records("certifications"):
        name = record.text("name", required=True)
        status = record.choice("status", CERTIFICATION_STATUSES, required=True)
        report = record.choice("report", REPORT_ACCESS, default="restricted") or "restricted"
        period = record.mapping("period")
        start = period.date("start", required=True) if period else None
        end = period.date("end", required=True) if period else None
        if name and status:
            trust.certifications.append(
                Certification(
                    name,
                    record.text("framework"),
                    status,
                    report,
                    record.text("auditor"),
                    start,
                    end,
                    record.text("scope"),
                )
            )
    for record in fields.records("subprocessors"):
        name, purpose = record.text("name", required=True), record.text("purpose", required=True)
        data_kind, location = record.text("data"), record.text("location")
        added, removed = record.date("added"), record.date("removed")
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
