"""Everything the print template shows, moved out of the model into plain records.

Criterion status comes from `model.coverage` and the commit and date from `model.buildinfo`, so the PDF says
exactly what the binder site says.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup

from trustbinder import __version__
from trustbinder.model import Audience, Program
from trustbinder.model.buildinfo import BuildInfo
from trustbinder.model.controls import Control
from trustbinder.model.coverage import criterion_coverage
from trustbinder.model.documents import Document
from trustbinder.model.evidence import Evidence
from trustbinder.model.frameworks import Criterion
from trustbinder.model.scope import Visible
from trustbinder.model.views import build_view
from trustbinder.pdf import anchors
from trustbinder.pdf.markdown import render_markdown

DOCUMENT_SECTIONS = (("policy", "Policies"), ("procedure", "Procedures"))


@dataclass
class EvidenceEntry:
    """One artifact and how the binder carries it."""

    item: Evidence
    sha256: str
    kind: str  # pdf | image | file
    pages: int = 0  # pages merged (pdf) or placed (image)
    landscape: bool = False
    reason: str | None = None  # why it is not embedded, when it is not
    attachment: str | None = None  # name of the file attachment, when attached
    attach_reason: str | None = None  # why it is not attached either (too large)
    image_url: str = ""  # file URL of an image placed as a page

    @property
    def anchor(self) -> str:
        return anchors.evidence_anchor(self.item.id)

    @property
    def embedded(self) -> bool:
        return self.pages > 0

    def page_anchor(self, page: int) -> str:
        return anchors.evidence_page_anchor(self.item.id, page)

    @property
    def last_anchor(self) -> str:
        return self.page_anchor(self.pages)


@dataclass
class CriterionRow:
    criterion: Criterion
    framework_name: str
    controls: list[Control]
    documents: list[Document]
    evidence: list[str]
    status: str  # covered | not operating | not covered

    @property
    def anchor(self) -> str:
        return anchors.criterion_anchor(self.criterion.framework, self.criterion.id)


@dataclass
class FrameworkCoverage:
    key: str
    name: str
    categories: list[str]
    rows: list[CriterionRow]

    @property
    def anchor(self) -> str:
        return anchors.anchor("coverage", self.key)

    @property
    def criteria_anchor(self) -> str:
        return anchors.anchor("criteria", self.key)

    @property
    def counts(self) -> Counter[str]:
        return Counter(row.status for row in self.rows)


@dataclass
class ControlRow:
    control: Control
    criteria: list[tuple[str, str, str | None]]  # framework name, criterion ID, anchor when in scope
    documents: list[Document]
    evidence: list[Evidence]

    @property
    def anchor(self) -> str:
        return anchors.control_anchor(self.control.id)


@dataclass
class DocumentEntry:
    document: Document
    html: Markup
    controls: list[str]

    @property
    def anchor(self) -> str:
        return anchors.document_anchor(self.document.key)


@dataclass
class BinderContext:
    program: Program
    organization: str
    system: str
    auditor: str
    commit: str | None
    built: dt.datetime
    version: str
    narratives: list[DocumentEntry]
    document_sections: list[tuple[str, str, list[DocumentEntry]]]  # anchor, heading, documents
    coverage: list[FrameworkCoverage]
    controls: list[ControlRow]
    evidence: list[EvidenceEntry]
    counts: dict[str, int] = field(default_factory=dict)
    request_counts: Counter[str] = field(default_factory=Counter)


def _document_entries(program: Program, documents: list[Document], markdown: dict[str, str]) -> list[DocumentEntry]:
    entries = []
    for document in documents:
        html = render_markdown(program, document.src_uri, document.key, markdown.get(document.src_uri, ""))
        controls = program.graph.controls_for_document(document.id) if document.id else []
        entries.append(DocumentEntry(document, Markup(html), controls))  # the program's own Markdown
    return entries


def _coverage(program: Program, known: dict[str, Document]) -> list[FrameworkCoverage]:
    visible = Visible.for_reader(program, Audience.AUDITOR)
    out = []
    for key, categories in program.audit.scope.items():
        framework = program.frameworks.get(key)
        if framework is None:
            continue
        rows = []
        for criterion in framework.in_categories(categories):
            control_ids = program.graph.controls_for_criterion(key, criterion.id)
            document_ids = program.graph.documents_for_criterion(key, criterion.id)
            rows.append(
                CriterionRow(
                    criterion,
                    framework.short_name,
                    [program.controls[c] for c in control_ids],
                    [known[d] for d in document_ids if d in known],
                    program.graph.evidence_for_criterion(key, criterion.id),
                    criterion_coverage(visible, key, criterion.id).status,
                )
            )
        names = [framework.categories.get(c, c) for c in categories] if categories else ["all"]
        out.append(FrameworkCoverage(key, framework.name, names, rows))
    return out


def _control_rows(program: Program, known: dict[str, Document]) -> list[ControlRow]:
    in_scope = {(c.framework, c.id) for c in program.criteria_in_scope()}
    rows = []
    for control in program.controls.values():
        criteria = []
        for framework_key, criterion_id in program.graph.criteria_for_control(control.id):
            framework = program.frameworks[framework_key]
            target = (
                anchors.criterion_anchor(framework_key, criterion_id)
                if (framework_key, criterion_id) in in_scope
                else None
            )
            criteria.append((framework.short_name, criterion_id, target))
        documents = [known[d] for d in program.graph.documents_for_control(control.id) if d in known]
        evidence = [program.evidence[e] for e in program.graph.evidence_for_control(control.id)]
        rows.append(ControlRow(control, criteria, documents, evidence))
    return rows


def build_context(program: Program, evidence: list[EvidenceEntry], info: BuildInfo) -> BinderContext:
    view = build_view(program, Audience.AUDITOR)
    documents = program.documents_for(Audience.AUDITOR)
    narratives = _document_entries(program, [d for d in documents if d.type == "narrative"], view.markdown)
    sections = []
    for doc_type, heading in DOCUMENT_SECTIONS:
        entries = _document_entries(program, [d for d in documents if d.type == doc_type], view.markdown)
        if entries:
            sections.append((anchors.anchor("section", doc_type), heading, entries))
    known = {d.id: d for d in program.documents if d.id}
    coverage = _coverage(program, known)
    controls = _control_rows(program, known)
    audit = program.audit
    statuses = Counter(c.control.status for c in controls)
    covered = sum(1 for f in coverage for row in f.rows if row.status == "covered")
    counts = {
        "criteria": sum(len(f.rows) for f in coverage),
        "criteria_covered": covered,
        "controls": len(controls),
        "controls_implemented": statuses.get("implemented", 0),
        "documents": sum(len(entries) for _, _, entries in sections) + len(narratives),
        "evidence": len(evidence),
        "embedded": sum(1 for e in evidence if e.embedded),
        "requests": len(audit.requests),
    }
    return BinderContext(
        program=program,
        organization=audit.organization or program.trust.company_name or "the organization",
        system=audit.system or "the system",
        auditor=audit.auditor or "the auditor",
        commit=info.commit,
        built=info.built,
        version=__version__,
        narratives=narratives,
        document_sections=sections,
        coverage=coverage,
        controls=controls,
        evidence=evidence,
        counts=counts,
        request_counts=Counter(r.status for r in audit.requests),
    )
