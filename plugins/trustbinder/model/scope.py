"""What one reader may see of a program, as the input every binder aggregate is computed from.

The auditor sees everything today, but coverage, gaps, freshness and requests all take a `Visible` rather
than a `Program`, so an aggregate can never count a document or evidence item its reader may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trustbinder.model.audience import Audience

if TYPE_CHECKING:
    from trustbinder.model.controls import Control
    from trustbinder.model.documents import Document
    from trustbinder.model.evidence import Evidence
    from trustbinder.model.frameworks import Criterion, Framework
    from trustbinder.model.program import Program


@dataclass
class Visible:
    program: Program
    reader: Audience
    documents: dict[str, Document] = field(default_factory=dict)  # document ID -> document
    evidence: dict[str, Evidence] = field(default_factory=dict)
    controls: dict[str, Control] = field(default_factory=dict)

    @classmethod
    def for_reader(cls, program: Program, reader: Audience) -> Visible:
        visible = cls(program, reader)
        visible.documents = {d.id: d for d in program.documents_for(reader) if d.id}
        visible.evidence = {k: e for k, e in program.evidence.items() if reader.can_see(e.audience)}
        # The register has no audience of its own; its internal fields are for employees and the auditor.
        visible.controls = dict(program.controls) if reader >= Audience.INTERNAL else {}
        return visible

    def frameworks_in_scope(self) -> list[Framework]:
        return [self.program.frameworks[k] for k in self.program.audit.scope if k in self.program.frameworks]

    def criteria_in_scope(self, framework: str) -> list[Criterion]:
        if framework not in self.program.frameworks or framework not in self.program.audit.scope:
            return []
        return self.program.frameworks[framework].in_categories(self.program.audit.scope[framework])

    def controls_for_criterion(self, framework: str, criterion: str) -> list[str]:
        return [c for c in self.program.graph.controls_for_criterion(framework, criterion) if c in self.controls]

    def documents_for_control(self, control_id: str) -> list[str]:
        return [d for d in self.program.graph.documents_for_control(control_id) if d in self.documents]

    def evidence_for_control(self, control_id: str) -> list[str]:
        return [e for e in self.program.graph.evidence_for_control(control_id) if e in self.evidence]

    def controls_for_document(self, document_id: str) -> list[str]:
        return [c for c in self.program.graph.controls_for_document(document_id) if c in self.controls]

    def controls_for_evidence(self, evidence_id: str) -> list[str]:
        return [c for c in self.program.graph.controls_for_evidence(evidence_id) if c in self.controls]

    def criteria_for_control(self, control_id: str) -> list[tuple[str, str]]:
        return self.program.graph.criteria_for_control(control_id)
