"""Markdown for each planned document: front matter per the content format, then 500-800 words of body.

Bodies carry what real policies carry and what costs time to render: headings (so the table of contents has
entries), bullet and numbered lists, a table, links to other documents the same reader can see, and on some
public and internal pages a block restricted to a higher audience.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import random
from pathlib import Path

from benchkit.plan import RANK, DocPlan, Plan
from benchkit.words import AREAS, ROLES, SYSTEMS, Prose, word_count

RESTRICTED_SHARE = 0.2
COMMENT_SHARE = 0.05
FREQUENCY_WORDS = ("Monthly", "Quarterly", "Annually", "Per event", "Weekly", "Continuously")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def front_matter(doc: DocPlan, anchor: dt.date, rng: random.Random, prose: Prose) -> str:
    reviewed = anchor - dt.timedelta(days=rng.randint(40, 300))
    effective = reviewed + dt.timedelta(days=rng.randint(0, 14))
    major, minor = rng.randint(1, 5), rng.randint(0, 9)
    lines = [
        "---",
        f"id: {doc.id}",
        f"title: {q(doc.title)}",
        f"type: {doc.type}",
        f"audience: {doc.audience}",
        f"owner: {q(rng.choice(ROLES))}",
        f'version: "{major}.{minor}"',
        f"effective: {effective.isoformat()}",
        f"approved_by: {q(prose.person())}",
        f"approved_on: {reviewed.isoformat()}",
        "review_every: 12",
        f"last_reviewed: {reviewed.isoformat()}",
        f"controls: [{', '.join(doc.controls)}]",
        "revisions:",
        f'  - {{version: "{major}.{minor}", date: {reviewed.isoformat()}, '
        f"summary: {q('Annual review; ' + prose.phrase())}}}",
    ]
    if major > 1:
        earlier = reviewed - dt.timedelta(days=rng.randint(300, 420))
        lines.append(f'  - {{version: "{major - 1}.0", date: {earlier.isoformat()}, summary: {q(prose.phrase())}}}')
    lines.append("---")
    return "\n".join(lines) + "\n"


def _table(rng: random.Random, prose: Prose) -> list[str]:
    rows = ["| Activity | Owner | Frequency | Record kept in |", "|---|---|---|---|"]
    for _ in range(rng.randint(4, 6)):
        activity = prose.phrase().capitalize()
        rows.append(
            f"| {activity} | {rng.choice(ROLES)} | {rng.choice(FREQUENCY_WORDS)} | {rng.choice(SYSTEMS).capitalize()} |"
        )
    return rows


def _restricted(doc: DocPlan, rng: random.Random, prose: Prose) -> list[str]:
    if doc.audience == "auditor" or rng.random() >= RESTRICTED_SHARE:
        return []
    higher = "internal" if doc.audience == "public" else "auditor"
    return [f"<!-- audience: {higher} -->", "", prose.paragraph((2, 4)), "", "<!-- /audience -->", ""]


def body(doc: DocPlan, visible: list[DocPlan], rng: random.Random, prose: Prose) -> str:
    target = rng.randint(500, 800)
    label = AREAS[doc.area][0].lower()
    lines = [f"# {doc.title}", "", "## Purpose", "", prose.paragraph(), "", "## Scope", ""]
    lines += [f"This document covers {label} for {rng.choice(SYSTEMS)} and {rng.choice(SYSTEMS)}.", ""]
    lines += [prose.paragraph((2, 4)), "", "## Roles and responsibilities", ""]
    lines += [f"- **{role}**: {prose.sentence()}" for role in rng.sample(ROLES, rng.randint(3, 5))]
    heading = "Steps" if doc.type == "procedure" else "Requirements"
    lines += ["", f"## {heading}", ""]
    for number in range(1, rng.randint(5, 8) + 1):
        lines.append(f"{number}. **{prose.phrase().capitalize()}.** {prose.sentence()}")
    lines += ["", "## Schedule", "", *_table(rng, prose), ""]
    lines += _restricted(doc, rng, prose)
    if rng.random() < COMMENT_SHARE:
        lines += [f"<!-- editor: {prose.sentence()} -->", ""]
    lines += ["## Guidance", "", prose.paragraph(), ""]
    while word_count("\n".join(lines)) < target - 110:
        lines += [prose.paragraph(), ""]
    lines += ["## Exceptions", "", prose.paragraph((2, 3)), ""]
    related = [d for d in rng.sample(visible, min(len(visible), 4)) if d.index != doc.index][:3]
    if related:
        lines += ["## Related documents", ""]
        here = posixpath.dirname(doc.src_uri)
        lines += [f"- [{d.title}]({posixpath.relpath(d.src_uri, here)})" for d in related]
        lines.append("")
    return "\n".join(lines)


def write_documents(plan: Plan, content: Path, rng: random.Random) -> None:
    prose = Prose(rng)
    # A page may only link to pages its own reader can see, or the build stops on a cross-audience link.
    visible_to = {
        audience: [d for d in plan.documents if RANK[d.audience] <= RANK[audience]]
        for audience in ("public", "internal", "auditor")
    }
    for doc in plan.documents:
        path = content / doc.src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        text = front_matter(doc, plan.spec.anchor, rng, prose) + "\n" + body(doc, visible_to[doc.audience], rng, prose)
        path.write_text(text, encoding="utf-8")
    public = visible_to["public"][:10]
    index = ["---", "id: HOME", 'title: "Trust Center"', "audience: public", "---", "", "# Trust Center", ""]
    index += [prose.paragraph(), ""]
    index += [f"- [{d.title}]({d.src_uri})" for d in public]
    (content / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
