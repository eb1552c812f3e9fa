"""The trust center's only view of the program: public fields copied out, nothing else.

Templates, the feed and security.txt are rendered from a `TrustCenter`, never from the `Program`, so a
control's title, description, owner or criteria, evidence, and the body of a document the public may not
read cannot reach them by a template typo. A control appears through its `public_summary`, `category` and
`status` only; a non-public document through its title and opt-in `summary` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trustbinder.model.audience import Audience
from trustbinder.model.trust import Subprocessor, Trust, Update

if TYPE_CHECKING:
    from trustbinder.model.program import Program

# Statuses shown publicly, in display order; a control that does not apply is not a claim worth publishing.
CONTROL_STATUSES = {"implemented": "Implemented", "in-progress": "In progress", "planned": "Planned"}
UNCATEGORISED = "Other controls"
DOCUMENT_GROUPS = {
    "policy": "Policies",
    "procedure": "Procedures",
    "narrative": "System description",
    "page": "Other pages",
}


@dataclass(frozen=True)
class PublicControl:
    summary: str
    status: str

    @property
    def status_label(self) -> str:
        return CONTROL_STATUSES[self.status]


@dataclass(frozen=True)
class ControlCategory:
    name: str
    controls: tuple[PublicControl, ...]

    def count(self, status: str) -> int:
        return sum(1 for control in self.controls if control.status == status)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(label, number) for each status present, in display order."""
        found = [(label, self.count(status)) for status, label in CONTROL_STATUSES.items()]
        return [(label, number) for label, number in found if number]


@dataclass(frozen=True)
class ListedDocument:
    title: str
    type: str
    summary: str | None
    src_uri: str | None  # set for public documents only: the others have no page on this site


@dataclass(frozen=True)
class Change:
    """One entry of the Atom feed: a dated update or a subprocessor added or removed."""

    kind: str  # update | added | removed
    date: dt.date
    title: str
    text: str


@dataclass
class TrustCenter:
    trust: Trust
    today: dt.date
    framework_names: dict[str, str] = field(default_factory=dict)
    categories: list[ControlCategory] = field(default_factory=list)
    public_documents: list[tuple[str, list[ListedDocument]]] = field(default_factory=list)
    restricted_documents: list[ListedDocument] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def control_count(self) -> int:
        return sum(len(category.controls) for category in self.categories)

    @property
    def current_subprocessors(self) -> list[Subprocessor]:
        return [s for s in self.trust.subprocessors if s.removed is None or s.removed > self.today]

    @property
    def removed_subprocessors(self) -> list[Subprocessor]:
        return [s for s in self.trust.subprocessors if s.removed is not None and s.removed <= self.today]

    @property
    def updates(self) -> list[Update]:
        return sorted(self.trust.updates, key=lambda update: update.date, reverse=True)

    def status_total(self, status: str) -> int:
        return sum(category.count(status) for category in self.categories)


def collect(program: Program, today: dt.date, *, home: str | None = None) -> TrustCenter:
    """Everything the public trust center shows, taken from the fields that are public by contract."""
    center = TrustCenter(trust=program.trust, today=today)
    center.framework_names = {key: framework.name for key, framework in program.frameworks.items()}
    center.categories = _categories(program)
    center.public_documents = _public_documents(program, home)
    center.restricted_documents = sorted(
        (
            ListedDocument(d.title, d.type, d.summary, None)
            for d in program.documents
            if d.listed and d.summary and d.audience is not Audience.PUBLIC
        ),
        key=lambda d: d.title.casefold(),
    )
    center.changes = _changes(program.trust)
    return center


def _categories(program: Program) -> list[ControlCategory]:
    grouped: dict[str, list[PublicControl]] = {}
    for control in program.controls.values():
        summary = (control.public_summary or "").strip()
        if not summary or control.status not in CONTROL_STATUSES:
            continue
        grouped.setdefault(control.category or UNCATEGORISED, []).append(PublicControl(summary, control.status))
    order = sorted(grouped, key=lambda name: (name == UNCATEGORISED, name.casefold()))
    return [ControlCategory(name, tuple(grouped[name])) for name in order]


def _public_documents(program: Program, home: str | None) -> list[tuple[str, list[ListedDocument]]]:
    groups: list[tuple[str, list[ListedDocument]]] = []
    visible = [d for d in program.documents_for(Audience.PUBLIC) if d.src_uri != home]
    for doc_type, label in DOCUMENT_GROUPS.items():
        listed = [
            ListedDocument(d.title, d.type, d.summary or d.description, d.src_uri)
            for d in visible
            if d.type == doc_type
        ]
        if listed:
            groups.append((label, sorted(listed, key=lambda d: d.title.casefold())))
    return groups


def _changes(trust: Trust) -> list[Change]:
    changes = [Change("update", u.date, u.title, u.body or u.title) for u in trust.updates]
    for sub in trust.subprocessors:
        detail = "; ".join(part for part in (sub.purpose, sub.data, sub.location) if part)
        if sub.added:
            changes.append(Change("added", sub.added, f"Subprocessor added: {sub.name}", detail))
        if sub.removed:
            changes.append(Change("removed", sub.removed, f"Subprocessor removed: {sub.name}", detail))
    return sorted(changes, key=lambda change: (change.date, change.kind, change.title), reverse=True)
