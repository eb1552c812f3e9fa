"""The auditor's request (PBC) list from audit.yml: status counts, due dates and overdue requests.

A request is overdue when its due date is before today and it still needs work from the company: its status
is `open` (nothing provided yet) or `flagged` (the auditor found what was provided insufficient). Provided
and accepted requests are never overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from trustbinder.model.audit import REQUEST_STATUSES, Request
from trustbinder.model.exports import Table
from trustbinder.model.scope import Visible

NEEDS_WORK = ("open", "flagged")


@dataclass(frozen=True)
class RequestRow:
    request: Request
    overdue_days: int  # 0 when not overdue
    controls: list[str]
    evidence: list[str]
    unknown_evidence: list[str]  # IDs the request names that this reader cannot see or that do not exist

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


def request_rows(visible: Visible, today: dt.date) -> list[RequestRow]:
    rows: list[RequestRow] = []
    for request in visible.program.audit.requests:
        due = request.due
        late = (today - due).days if due and due < today and request.status in NEEDS_WORK else 0
        named = [e for e, _ in request.evidence]
        rows.append(
            RequestRow(
                request,
                late,
                [c for c, _ in request.controls if c in visible.controls],
                [e for e in named if e in visible.evidence],
                [e for e in named if e not in visible.evidence],
            )
        )
    return rows


def status_counts(rows: list[RequestRow]) -> dict[str, int]:
    counts = dict.fromkeys(REQUEST_STATUSES, 0)
    for row in rows:
        counts[row.request.status] = counts.get(row.request.status, 0) + 1
    return counts


def requests_table(rows: list[RequestRow]) -> Table:
    table = Table(
        "requests",
        "Request (PBC) list",
        ["Request", "Text", "Status", "Due", "Overdue days", "Controls", "Evidence"],
        links={5: "control", 6: "evidence"},
    )
    for row in rows:
        request = row.request
        table.rows.append(
            [
                request.id,
                request.text,
                request.status,
                request.due.isoformat() if request.due else "",
                row.overdue_days,
                row.controls,
                row.evidence,
            ]
        )
    return table
