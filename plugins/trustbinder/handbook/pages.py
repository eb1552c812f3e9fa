"""The Markdown of the handbook's generated pages, computed only from what this build's audience may see.

Each function takes the documents already filtered to the audience and an `href` that turns a document into a
link relative to the generated page; values from the program are escaped by the templates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from trustbinder.handbook.render import HtmlBlocks, render
from trustbinder.model import Program
from trustbinder.model.controls import Control
from trustbinder.model.documents import Document
from trustbinder.model.frameworks import Criterion
from trustbinder.model.lifecycle import DUE_SOON_DAYS, Review, review_of, schedule

TYPE_LABELS = {"policy": "Policy", "procedure": "Procedure", "narrative": "System description"}
TYPE_ORDER = {"policy": 0, "procedure": 1, "narrative": 2}
FOLDER_NOUNS = {"policies": "policies", "procedures": "procedures", "narratives": "system description sections"}

Href = Callable[[Document], str]


@dataclass(frozen=True)
class LinkedDocument:
    document: Document
    href: str

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.document.type, self.document.type)


@dataclass(frozen=True)
class DocumentRow(LinkedDocument):
    review: Review


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    anchor: str
    documents: list[LinkedDocument]
    controls: list[Control]


@dataclass(frozen=True)
class FrameworkSection:
    name: str
    rows: list[CriterionRow]
    table: Markup

    @property
    def covered(self) -> int:
        return sum(1 for row in self.rows if row.documents)


def criterion_anchor(framework: str, criterion_id: str) -> str:
    return f"{framework}-" + re.sub(r"[^a-z0-9]+", "-", criterion_id.lower()).strip("-")


def _table(rows: list[DocumentRow], blocks: HtmlBlocks, *, show_type: bool) -> Markup:
    return blocks.add(render("documents_table.html", rows=rows, show_type=show_type))


def review_schedule(documents: list[Document], today: dt.date, href: Href, blocks: HtmlBlocks) -> str:
    rows = [DocumentRow(d, href(d), review) for d, review in schedule(documents, today)]
    counts = Counter(row.review.status for row in rows)
    return render(
        "review_schedule.md",
        today=today,
        counts={status: counts.get(status, 0) for status in ("overdue", "due", "ok", "unscheduled")},
        due_soon_days=DUE_SOON_DAYS,
        table=_table(rows, blocks, show_type=True),
    )


def section_index(
    folder: str, title: str, documents: list[Document], today: dt.date, href: Href, blocks: HtmlBlocks
) -> str:
    ordered = sorted(documents, key=lambda d: (d.title.casefold(), d.key))
    rows = [DocumentRow(d, href(d), review_of(d, today)) for d in ordered]
    noun = FOLDER_NOUNS.get(folder, "documents")
    count = len(rows)
    intro = f"The {count} {noun} in this handbook, with owner, version and review status as of {today.isoformat()}."
    if count == 1:
        intro = f"The one document in this section, with owner, version and review status as of {today.isoformat()}."
    types = {d.type for d in documents}
    table = _table(rows, blocks, show_type=len(types) > 1)
    return render("section_index.md", title=title, intro=intro, table=table)


def criteria_index(program: Program, documents: list[Document], href: Href, blocks: HtmlBlocks) -> str:
    """Per framework in scope, each criterion with the visible documents whose controls map to it."""
    by_id = {d.id: d for d in documents if d.id}
    sections: list[FrameworkSection] = []
    for framework_key, categories in program.audit.scope.items():
        framework = program.frameworks.get(framework_key)
        if framework is None:
            continue
        rows: list[CriterionRow] = []
        for criterion in framework.in_categories(categories):
            ids = program.graph.documents_for_criterion(framework_key, criterion.id)
            covering = sorted((by_id[i] for i in ids if i in by_id), key=lambda d: (TYPE_ORDER.get(d.type, 9), d.key))
            controls = [
                program.controls[c]
                for c in program.graph.controls_for_criterion(framework_key, criterion.id)
                if c in program.controls
            ]
            rows.append(
                CriterionRow(
                    criterion,
                    criterion_anchor(framework_key, criterion.id),
                    [LinkedDocument(d, href(d)) for d in covering],
                    controls,
                )
            )
        table = blocks.add(render("criteria_table.html", rows=rows))
        sections.append(FrameworkSection(framework.name, rows, table))
    return render("criteria_index.md", frameworks=sections)
