"""The policy lifecycle: when each document is next due for review, and whether its approval is in order.

A document's reviews are counted from `last_reviewed`; a document that has none yet counts from
`approved_on`, its approval being its first review. The next review falls `review_every` months later (the
last day of the month when that month is shorter). Every status is relative to the day passed in, which
callers take from `trustbinder.model.clock.today()` so that SOURCE_DATE_EPOCH pins it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from trustbinder.model.documents import DOCUMENT_TYPES, Document
from trustbinder.model.findings import Findings

if TYPE_CHECKING:
    from trustbinder.model.program import Program

DUE_SOON_DAYS = 30

Status = Literal["overdue", "due", "ok", "unscheduled"]

STATUS_LABELS: dict[Status, str] = {
    "overdue": "Overdue",
    "due": f"Due within {DUE_SOON_DAYS} days",
    "ok": "On schedule",
    "unscheduled": "No review recorded",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved forward by whole months; the 31st lands on the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Review:
    reviewed_on: dt.date | None
    basis: str | None  # the front-matter key the schedule counts from: last_reviewed or approved_on
    every: int
    next_on: dt.date | None
    status: Status
    days_left: int | None  # negative once overdue

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def needs_attention(self) -> bool:
        return self.status != "ok"


def review_of(document: Document, today: dt.date) -> Review:
    basis = "last_reviewed" if document.last_reviewed else "approved_on" if document.approved_on else None
    reviewed = document.last_reviewed or document.approved_on
    if reviewed is None:
        return Review(None, None, document.review_every, None, "unscheduled", None)
    next_on = add_months(reviewed, document.review_every)
    days_left = (next_on - today).days
    status: Status = "overdue" if days_left < 0 else "due" if days_left <= DUE_SOON_DAYS else "ok"
    return Review(reviewed, basis, document.review_every, next_on, status, days_left)


def schedule(documents: list[Document], today: dt.date) -> list[tuple[Document, Review]]:
    """Policies, procedures and narratives by next review date (overdue ones come first), unscheduled last."""
    rows = [(d, review_of(d, today)) for d in documents if d.type in DOCUMENT_TYPES]
    return sorted(rows, key=lambda row: (row[1].next_on is None, row[1].next_on or today, row[0].key))


def _line(document: Document, *keys: str) -> int:
    for key in keys:
        if key in document.key_lines:
            return document.key_lines[key]
    return min(document.key_lines.values(), default=1)


def review_findings(program: Program, today: dt.date) -> Findings:
    """Warnings for lapsed reviews and unapproved policies; errors for approvals or reviews dated after today."""
    findings = Findings()
    for document in program.documents:
        if document.type not in DOCUMENT_TYPES:
            continue
        _check_dates(document, today, findings)
        _check_approval(document, findings)
        review = review_of(document, today)
        if review.status == "overdue" and review.next_on and review.reviewed_on and review.basis:
            findings.warning(
                document.path,
                _line(document, review.basis),
                f"review overdue since {review.next_on.isoformat()} ({review.basis} {review.reviewed_on.isoformat()} "
                f"+ review_every {review.every} months); review the document and update last_reviewed",
                review.basis,
            )
    return findings


def _check_dates(document: Document, today: dt.date, findings: Findings) -> None:
    for key, value in (("approved_on", document.approved_on), ("last_reviewed", document.last_reviewed)):
        if value is not None and value > today:
            findings.error(
                document.path,
                _line(document, key),
                f"key '{key}': {value.isoformat()} is in the future (today is {today.isoformat()}); "
                "record the day it actually happened",
                key,
            )


def _check_approval(document: Document, findings: Findings) -> None:
    if document.type != "policy":
        return
    missing = [key for key in ("approved_by", "approved_on") if not getattr(document, key)]
    if not missing:
        return
    present = [key for key in ("approved_on", "approved_by") if key not in missing]
    findings.warning(
        document.path,
        _line(document, *present, "owner", "id"),
        f"policy {document.key} has no {' or '.join(repr(k) for k in missing)}: "
        "record who approved it (approved_by) and when (approved_on)",
        missing[0],
    )
