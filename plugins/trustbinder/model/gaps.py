"""The gap report: what an auditor would find missing, found first.

Five kinds, each a rule a reader can check by hand:

- a criterion in scope with no control mapped to it (not-applicable controls do not count);
- a control, other than a not-applicable one, that no document names in its `controls:`;
- an implemented control with no evidence (planned and in-progress ones are reported as not implemented);
- an evidence item whose span lies wholly outside the observation period (the span is its `period`, or the day
  it was `collected` when it has no period, so a Q3 review collected on 2 October still counts);
- a control whose status is in-progress or planned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trustbinder.model.audience import Audience
from trustbinder.model.findings import Findings
from trustbinder.model.freshness import evidence_span
from trustbinder.model.scope import Visible

if TYPE_CHECKING:
    from trustbinder.model.program import Program

GAP_KINDS: dict[str, str] = {
    "criterion-without-control": "Criteria in scope with no control",
    "control-without-document": "Controls with no implementing document",
    "control-without-evidence": "Implemented controls without evidence",
    "evidence-outside-period": "Evidence outside the observation period",
    "control-not-implemented": "Controls not yet implemented",
}
NOT_IMPLEMENTED = ("in-progress", "planned")
NOT_APPLICABLE = "not-applicable"


@dataclass(frozen=True)
class Gap:
    kind: str
    subject: str  # the criterion ("framework:ID"), control or evidence ID
    message: str
    path: str
    line: int | None

    @property
    def title(self) -> str:
        return GAP_KINDS[self.kind]


def criterion_key(framework: str, criterion: str) -> str:
    return f"{framework}:{criterion}"


def find_gaps(visible: Visible) -> list[Gap]:
    """Every gap this reader's view of the program has, grouped by kind in `GAP_KINDS` order."""
    program = visible.program
    audit = program.audit
    gaps: list[Gap] = []
    for framework in visible.frameworks_in_scope():
        line = audit.scope_lines.get(framework.key)
        for criterion in visible.criteria_in_scope(framework.key):
            mapped = visible.controls_for_criterion(framework.key, criterion.id)
            if not any(visible.controls[c].status != NOT_APPLICABLE for c in mapped):
                gaps.append(
                    Gap(
                        "criterion-without-control",
                        criterion_key(framework.key, criterion.id),
                        f"{framework.short_name} {criterion.id} ({criterion.label}) is in scope but no control "
                        "maps to it",
                        audit.path,
                        line,
                    )
                )
    for control in visible.controls.values():
        if control.status != NOT_APPLICABLE and not visible.documents_for_control(control.id):
            gaps.append(
                Gap(
                    "control-without-document",
                    control.id,
                    f"control {control.id} is not implemented by any document (no document lists it in 'controls')",
                    control.path,
                    control.line,
                )
            )
    for control in visible.controls.values():
        if control.status == "implemented" and not visible.evidence_for_control(control.id):
            gaps.append(
                Gap(
                    "control-without-evidence",
                    control.id,
                    f"control {control.id} is implemented but has no evidence",
                    control.path,
                    control.line,
                )
            )
    gaps.extend(_evidence_outside_period(visible))
    for control in visible.controls.values():
        if control.status in NOT_IMPLEMENTED:
            gaps.append(
                Gap(
                    "control-not-implemented",
                    control.id,
                    f"control {control.id} is not implemented yet (status: {control.status})",
                    control.path,
                    control.line,
                )
            )
    return gaps


def _evidence_outside_period(visible: Visible) -> list[Gap]:
    audit = visible.program.audit
    start, end = audit.period_start, audit.period_end
    if start is None or end is None:
        return []
    out: list[Gap] = []
    for item in visible.evidence.values():
        first, last = evidence_span(item)
        if last < start or first > end:
            covers = f"covers {first} to {last}" if first != last else f"was collected on {first}"
            out.append(
                Gap(
                    "evidence-outside-period",
                    item.id,
                    f"evidence {item.id} {covers}, outside the observation period {start} to {end}",
                    item.sidecar,
                    item.sidecar_line,
                )
            )
    return out


def gaps_by_kind(gaps: list[Gap]) -> dict[str, list[Gap]]:
    grouped: dict[str, list[Gap]] = {kind: [] for kind in GAP_KINDS}
    for gap in gaps:
        grouped[gap.kind].append(gap)
    return grouped


def gap_findings(program: Program, today: dt.date) -> Findings:
    """The gap report as `check` warnings: gaps are for fixing, not reasons to refuse a build."""
    findings = Findings()
    for gap in find_gaps(Visible.for_reader(program, Audience.AUDITOR)):
        findings.warning(gap.path, gap.line, f"gap: {gap.message}", gap.kind)
    return findings
