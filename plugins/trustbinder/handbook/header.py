"""The facts shown on each document: a header under its title and a record (revisions, controls) at its end."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from trustbinder.handbook.pages import TYPE_LABELS
from trustbinder.handbook.render import compact, render
from trustbinder.model import Program
from trustbinder.model.documents import Document
from trustbinder.model.gitinfo import LastChange
from trustbinder.model.lifecycle import review_of

# (framework key, criterion ID) -> link to that criterion on the coverage page, or None when not listed there
CriterionHref = Callable[[str, str], "str | None"]

_LEADING_H1 = re.compile(r"^\s*<h1[\s>].*?</h1>", re.DOTALL)


@dataclass(frozen=True)
class CriterionRef:
    framework: str
    id: str
    label: str
    href: str | None


@dataclass(frozen=True)
class ControlRow:
    id: str
    title: str
    criteria: list[CriterionRef]


def control_rows(program: Program, document: Document, criterion_href: CriterionHref) -> list[ControlRow]:
    rows: list[ControlRow] = []
    for control_id in document.controls:
        control = program.controls.get(control_id)
        if control is None:
            continue
        refs: list[CriterionRef] = []
        for framework_key, criterion_id in program.graph.criteria_for_control(control_id):
            framework = program.frameworks[framework_key]
            criterion = framework.criteria[criterion_id]
            refs.append(
                CriterionRef(
                    framework.short_name, criterion_id, criterion.label, criterion_href(framework_key, criterion_id)
                )
            )
        rows.append(ControlRow(control.id, control.title, refs))
    return rows


def render_header(document: Document, today: dt.date, change: LastChange | None) -> str:
    return compact(
        render(
            "document_header.html",
            document=document,
            type_label=TYPE_LABELS.get(document.type, document.type).lower(),
            review=review_of(document, today),
            change=change,
            today=today,
        )
    )


def render_record(
    program: Program, document: Document, criterion_href: CriterionHref, *, with_controls: bool = True
) -> str:
    revisions = sorted(document.revisions, key=lambda r: r.date or dt.date.min, reverse=True)
    controls = control_rows(program, document, criterion_href) if with_controls else []
    return compact(render("document_record.html", revisions=revisions, controls=controls, show_controls=with_controls))


def place(content: str, header: str, record: str) -> str:
    """The header goes right under the document's leading H1 (before the text when it has none); the record
    goes last."""
    match = _LEADING_H1.match(content)
    if match is None:
        return header + content + record
    return content[: match.end()] + header + content[match.end() :] + record
