"""Coverage matrices per framework in scope: criterion x control, control x document, control x evidence.

Each matrix is a `Table` with one row per criterion or control and the linked IDs in one cell, so it stays
readable at any size (a dense grid of 20,000 evidence columns would not) and the HTML, the terminal, CSV,
XLSX and JSON all hold exactly the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from trustbinder.model.exports import Table
from trustbinder.model.scope import Visible

CriterionStatus = Literal["covered", "not operating", "not covered"]
MATRICES = ("criteria-controls", "controls-documents", "controls-evidence")


@dataclass(frozen=True)
class CriterionCoverage:
    framework: str
    criterion: str
    controls: list[str]
    status: CriterionStatus


def criterion_coverage(visible: Visible, framework: str, criterion: str) -> CriterionCoverage:
    """Covered: an implemented control maps to it. Not operating: only controls still being put in place do.

    Not-applicable controls never cover a criterion.
    """
    controls = visible.controls_for_criterion(framework, criterion)
    statuses = {visible.controls[c].status for c in controls}
    status: CriterionStatus
    if "implemented" in statuses:
        status = "covered"
    elif statuses - {"not-applicable"}:
        status = "not operating"
    else:
        status = "not covered"
    return CriterionCoverage(framework, criterion, controls, status)


def framework_controls(visible: Visible, framework: str) -> list[str]:
    """Controls mapped to at least one criterion of `framework` in scope, in register order."""
    in_scope = {c.id for c in visible.criteria_in_scope(framework)}
    return [
        control_id
        for control_id in visible.controls
        if any(key == framework and cid in in_scope for key, cid in visible.criteria_for_control(control_id))
    ]


def matrices(visible: Visible, framework: str) -> list[Table]:
    short = visible.program.frameworks[framework].short_name
    criteria = Table(
        f"{framework}-criteria-controls",
        f"{short}: criteria and the controls mapped to them",
        ["Criterion", "Label", "Category", "Status", "Control count", "Controls"],
        links={0: f"criterion:{framework}", 5: "control"},
    )
    categories = visible.program.frameworks[framework].categories
    for criterion in visible.criteria_in_scope(framework):
        coverage = criterion_coverage(visible, framework, criterion.id)
        criteria.rows.append(
            [
                criterion.id,
                criterion.label,
                categories.get(criterion.category, criterion.category),
                coverage.status,
                len(coverage.controls),
                coverage.controls,
            ]
        )
    controls = framework_controls(visible, framework)
    documents = Table(
        f"{framework}-controls-documents",
        f"{short}: controls and the documents that implement them",
        ["Control", "Title", "Status", "Document count", "Documents"],
        links={0: "control", 4: "document"},
    )
    evidence = Table(
        f"{framework}-controls-evidence",
        f"{short}: controls and their evidence",
        ["Control", "Title", "Status", "Evidence count", "Latest collected", "Evidence"],
        links={0: "control", 5: "evidence"},
    )
    for control_id in controls:
        control = visible.controls[control_id]
        document_ids = visible.documents_for_control(control_id)
        evidence_ids = visible.evidence_for_control(control_id)
        latest = max((visible.evidence[e].collected for e in evidence_ids), default=None)
        documents.rows.append([control_id, control.title, control.status, len(document_ids), document_ids])
        evidence.rows.append(
            [
                control_id,
                control.title,
                control.status,
                len(evidence_ids),
                latest.isoformat() if latest else "",
                evidence_ids,
            ]
        )
    return [criteria, documents, evidence]


def coverage_about(visible: Visible, framework: str) -> dict[str, object]:
    """Context stored next to the tables in the JSON download."""
    audit = visible.program.audit
    return {
        "framework": framework,
        "framework_name": visible.program.frameworks[framework].name,
        "categories": audit.scope.get(framework) or "all",
        "organization": audit.organization,
        "system": audit.system,
    }
