"""Policies, procedures, narratives and plain pages: Markdown files with YAML front matter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from trustbinder.model.audience import Audience, restricted_block_problems
from trustbinder.model.findings import Findings
from trustbinder.model.listing import parse_listing
from trustbinder.model.schema import Fields
from trustbinder.model.schema import describe as _describe
from trustbinder.model.yamlio import MAX_FRONT_MATTER_BYTES, YamlMap, YamlProblem, parse_yaml

DOCUMENT_TYPES = ("policy", "procedure", "narrative")
FOLDER_TYPES = {"policies": "policy", "procedures": "procedure", "narratives": "narrative"}
PAGE_TYPE = "page"
NEEDS_OWNER = ("policy", "procedure")


@dataclass(frozen=True)
class Revision:
    version: str
    date: dt.date | None
    summary: str


@dataclass
class Document:
    src_uri: str
    path: str
    id: str | None
    title: str
    type: str
    audience: Audience
    body: str
    body_line: int
    owner: str | None = None
    version: str | None = None
    effective: dt.date | None = None
    approved_by: str | None = None
    approved_on: dt.date | None = None
    review_every: int = 12
    last_reviewed: dt.date | None = None
    controls: list[str] = field(default_factory=list)
    control_lines: dict[str, int] = field(default_factory=dict)
    revisions: list[Revision] = field(default_factory=list)
    description: str | None = None
    theme_meta: dict[str, object] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> its line in the file
    listed: bool = False  # a non-public document named on the trust center (see model/listing.py)
    summary: str | None = None  # with `listed`, the only text of a non-public document the public sees

    @property
    def key(self) -> str:
        return self.id or self.src_uri


# Front-matter keys passed on to the theme as they are; everything else the model owns.
THEME_KEYS = ("hide", "icon", "search", "status")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, the 1-based line the body starts on). None marks a missing close."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return "", text, 1
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip().rstrip("#").strip() or None
    return None


def parse_document(src_uri: str, path: str, text: str, findings: Findings) -> Document | None:
    """Read one Markdown file; every problem goes into `findings`. None when the file cannot be used."""
    front, body, body_line = split_front_matter(text)
    if front is None:
        findings.error(path, 1, "front matter starts with '---' but is never closed by a '---' line")
        return None
    data: object = YamlMap() if not front.strip() else None
    if data is None:
        try:
            data = parse_yaml(front, first_line=2, max_bytes=MAX_FRONT_MATTER_BYTES)
        except YamlProblem as problem:
            findings.error(path, problem.line, f"front matter: {problem.message}")
            return None
    if not isinstance(data, YamlMap):
        findings.error(path, 2, f"front matter must be a mapping of keys to values, found {_describe(data)}")
        return None
    if not hasattr(data, "line"):
        data.line, data.key_lines, data.raw = 1, {}, {}
    fields = Fields(data, path, findings)

    folder = PurePosixPath(src_uri).parts[0] if "/" in src_uri else ""
    folder_type = FOLDER_TYPES.get(folder, PAGE_TYPE)
    doc_type = fields.choice("type", DOCUMENT_TYPES, default=folder_type) or folder_type
    is_document = doc_type in DOCUMENT_TYPES
    doc_id = fields.identifier("id", required=is_document)
    audience_key = fields.choice("audience", Audience.names(), default="internal")
    audience = Audience.parse(audience_key or "auditor")
    title = fields.text("title", required=is_document) or _first_heading(body)
    title = title or PurePosixPath(src_uri).stem.replace("-", " ").capitalize()

    document = Document(
        src_uri=src_uri,
        path=path,
        id=doc_id,
        title=title,
        type=doc_type,
        audience=audience,
        body=body,
        body_line=body_line,
        owner=fields.text("owner", required=doc_type in NEEDS_OWNER),
        version=fields.text("version"),
        effective=fields.date("effective"),
        approved_by=fields.text("approved_by"),
        approved_on=fields.date("approved_on"),
        review_every=fields.integer("review_every", default=12, maximum=120),
        last_reviewed=fields.date("last_reviewed"),
        description=fields.text("description"),
        key_lines=dict(data.key_lines),
    )
    for control_id, line in fields.text_list("controls"):
        if control_id in document.control_lines:
            findings.error(path, line, f"key 'controls': '{control_id}' is listed twice", "controls")
            continue
        document.controls.append(control_id)
        document.control_lines[control_id] = line
    for record in fields.records("revisions"):
        document.revisions.append(
            Revision(
                record.text("version", required=True) or "",
                record.date("date", required=True),
                record.text("summary", required=True) or "",
            )
        )
    document.theme_meta = {key: data[key] for key in THEME_KEYS if key in data}
    document.listed, document.summary = parse_listing(fields, audience)
    for markup in restricted_block_problems(body, body_line):
        findings.error(path, markup.line, markup.message)
    return document
