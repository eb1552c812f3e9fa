"""Audit scope, observation period and the auditor's request (PBC) list: content/audit.yml."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from trustbinder.model.findings import Findings
from trustbinder.model.schema import Fields
from trustbinder.model.yamlio import YamlList, YamlMap

REPORT_TYPES = ("type1", "type2")
REQUEST_STATUSES = ("open", "provided", "accepted", "flagged")


@dataclass
class Request:
    id: str
    text: str
    line: int
    status: str
    due: dt.date | None = None
    controls: list[tuple[str, int]] = field(default_factory=list)
    evidence: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Audit:
    path: str = ""
    organization: str | None = None
    system: str | None = None
    # framework key -> categories in scope (None: the whole framework), with the line it was declared on
    scope: dict[str, list[str] | None] = field(default_factory=dict)
    scope_lines: dict[str, int] = field(default_factory=dict)
    report_type: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    auditor: str | None = None
    requests: list[Request] = field(default_factory=list)


def parse_audit(data: object, path: str, findings: Findings) -> Audit:
    audit = Audit(path=path)
    if data is None:
        return audit
    if not isinstance(data, YamlMap):
        findings.error(path, 1, "audit.yml must be a mapping (organization, system, frameworks, report, requests)")
        return audit
    fields = Fields(data, path, findings)
    audit.organization = fields.text("organization")
    audit.system = fields.text("system")
    frameworks = fields.mapping("frameworks")
    if frameworks is not None:
        for key, value in frameworks.data.items():
            audit.scope_lines[key] = frameworks.line(key)
            if value == "all" or value is True:
                audit.scope[key] = None
            elif isinstance(value, YamlList):
                audit.scope[key] = [name for name, _ in frameworks.text_list(key)]
            else:
                frameworks.error(key, "expected a list of categories in scope, or 'all'")
    report = fields.mapping("report")
    if report is not None:
        audit.report_type = report.choice("type", REPORT_TYPES, required=True)
        audit.auditor = report.text("auditor")
        period = report.mapping("period", required=audit.report_type == "type2")
        if period is not None:
            audit.period_start = period.date("start", required=True)
            audit.period_end = period.date("end", required=True)
            if audit.period_start and audit.period_end and audit.period_end < audit.period_start:
                period.error("end", f"the period ends ({audit.period_end}) before it starts ({audit.period_start})")
    for record in fields.records("requests"):
        request_id = record.identifier("id")
        text = record.text("text", required=True)
        status = record.choice("status", REQUEST_STATUSES, default="open") or "open"
        due = record.date("due")
        controls = record.text_list("controls")
        evidence = record.text_list("evidence")
        if request_id and text:
            audit.requests.append(Request(request_id, text, record.line(), status, due, controls, evidence))
    return audit
