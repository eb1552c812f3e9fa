"""The resolved graph: criterion <-> control <-> document <-> evidence, navigable both ways."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustbinder.model.controls import Control
    from trustbinder.model.documents import Document
    from trustbinder.model.evidence import Evidence
    from trustbinder.model.frameworks import Framework

CriterionKey = tuple[str, str]  # (framework key, criterion ID)


@dataclass
class Graph:
    """Edges between IDs. Unknown IDs are left out: validation reports them, the graph only links what exists."""

    criterion_controls: dict[CriterionKey, list[str]] = field(default_factory=lambda: defaultdict(list))
    control_criteria: dict[str, list[CriterionKey]] = field(default_factory=lambda: defaultdict(list))
    control_documents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    document_controls: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    control_evidence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    evidence_controls: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(
        cls,
        frameworks: Mapping[str, Framework],
        documents: Sequence[Document],
        controls: Mapping[str, Control],
        evidence: Mapping[str, Evidence],
    ) -> Graph:
        graph = cls()
        for control in controls.values():
            for framework_key, criteria in control.criteria.items():
                framework = frameworks.get(framework_key)
                for criterion in criteria:
                    if framework and criterion in framework.criteria:
                        graph.criterion_controls[(framework_key, criterion)].append(control.id)
                        graph.control_criteria[control.id].append((framework_key, criterion))
        for document in documents:
            for control_id in document.controls:
                if control_id in controls and document.id:
                    graph.control_documents[control_id].append(document.id)
                    graph.document_controls[document.id].append(control_id)
        for item in evidence.values():
            for control_id in item.controls:
                if control_id in controls:
                    graph.control_evidence[control_id].append(item.id)
                    graph.evidence_controls[item.id].append(control_id)
        return graph

    def controls_for_criterion(self, framework: str, criterion: str) -> list[str]:
        return list(self.criterion_controls.get((framework, criterion), []))

    def criteria_for_control(self, control_id: str) -> list[CriterionKey]:
        return list(self.control_criteria.get(control_id, []))

    def documents_for_control(self, control_id: str) -> list[str]:
        return list(self.control_documents.get(control_id, []))

    def controls_for_document(self, document_id: str) -> list[str]:
        return list(self.document_controls.get(document_id, []))

    def evidence_for_control(self, control_id: str) -> list[str]:
        return list(self.control_evidence.get(control_id, []))

    def controls_for_evidence(self, evidence_id: str) -> list[str]:
        return list(self.evidence_controls.get(evidence_id, []))

    def documents_for_criterion(self, framework: str, criterion: str) -> list[str]:
        """Documents that implement any control mapped to the criterion, each once, in first-seen order."""
        seen: dict[str, None] = {}
        for control_id in self.controls_for_criterion(framework, criterion):
            for document_id in self.documents_for_control(control_id):
                seen.setdefault(document_id)
        return list(seen)

    def evidence_for_criterion(self, framework: str, criterion: str) -> list[str]:
        seen: dict[str, None] = {}
        for control_id in self.controls_for_criterion(framework, criterion):
            for evidence_id in self.evidence_for_control(control_id):
                seen.setdefault(evidence_id)
        return list(seen)

    def criteria_for_document(self, document_id: str) -> list[CriterionKey]:
        seen: dict[CriterionKey, None] = {}
        for control_id in self.controls_for_document(document_id):
            for key in self.criteria_for_control(control_id):
                seen.setdefault(key)
        return list(seen)
