"""The control register, content/controls.yml."""

from __future__ import annotations

from dataclasses import dataclass, field

from trustbinder.model.findings import Findings
from trustbinder.model.schema import Fields
from trustbinder.model.yamlio import YamlMap

FREQUENCIES = ("continuous", "daily", "weekly", "monthly", "quarterly", "semiannual", "annual", "per-event")
KINDS = ("preventive", "detective", "corrective")
STATUSES = ("implemented", "in-progress", "planned", "not-applicable")


@dataclass
class Control:
    id: str
    title: str
    path: str
    line: int
    status: str
    description: str | None = None
    category: str | None = None
    public_summary: str | None = None
    owner: str | None = None
    frequency: str | None = None
    kind: str | None = None
    automated: bool | None = None
    criteria: dict[str, list[str]] = field(default_factory=dict)
    criteria_lines: dict[tuple[str, str], int] = field(default_factory=dict)


def parse_controls(data: object, path: str, findings: Findings) -> list[Control]:
    if data is None:
        return []
    if not isinstance(data, YamlMap):
        findings.error(path, 1, "controls.yml must be a mapping with a 'controls:' list")
        return []
    controls: list[Control] = []
    for record in Fields(data, path, findings).records("controls"):
        control_id = record.identifier("id")
        title = record.text("title", required=True)
        status = record.choice("status", STATUSES, required=True)
        if control_id is None or title is None or status is None:
            continue
        control = Control(
            id=control_id,
            title=title,
            path=path,
            line=record.line(),
            status=status,
            description=record.text("description"),
            category=record.text("category"),
            public_summary=record.text("public_summary"),
            owner=record.text("owner"),
            frequency=record.choice("frequency", FREQUENCIES),
            kind=record.choice("kind", KINDS),
            automated=record.boolean("automated"),
        )
        criteria = record.mapping("criteria")
        if criteria is not None:
            for framework_key in criteria.data:
                ids = criteria.text_list(framework_key)
                control.criteria[framework_key] = [criterion for criterion, _ in ids]
                for criterion, line in ids:
                    control.criteria_lines[(framework_key, criterion)] = line
        controls.append(control)
    return controls
