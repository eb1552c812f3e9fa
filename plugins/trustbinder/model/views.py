"""What one audience's site contains: visible pages, their Markdown with restricted parts removed, the
files those pages reference, and the links that would cross into content this audience may not see."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from trustbinder.model.audience import Audience, strip_for_audience
from trustbinder.model.findings import Findings
from trustbinder.model.program import Program

# Files under this folder of the docs dir are shared theme assets (logo, images) and public by design.
PUBLIC_ASSETS_DIR = "assets"
DATA_SUFFIXES = (".yml", ".yaml")

_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_REFERENCE_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)
_HTML_ATTR = re.compile(r"""\b(?:href|src|data|poster|srcset)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def link_targets(markdown: str) -> list[tuple[str, int]]:
    """Every link or embed target in Markdown or inline HTML, with its 1-based line in `markdown`."""
    found: list[tuple[str, int]] = []
    # An attribute needs its '='; most documents have none, and the attribute scan is the slow one.
    patterns = (_INLINE_LINK, _REFERENCE_DEF, _HTML_ATTR) if "=" in markdown else (_INLINE_LINK, _REFERENCE_DEF)
    for pattern in patterns:
        for match in pattern.finditer(markdown):
            found.append((match.group(1), markdown.count("\n", 0, match.start()) + 1))
    return sorted(found, key=lambda item: item[1])


def resolve_target(src_uri: str, target: str) -> str | None:
    """The docs-relative path a link points to; None for external URLs and same-page anchors.

    A result starting with '../' points outside the docs folder.
    """
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(src_uri), path)
    normal = posixpath.normpath(joined)
    if normal.endswith("/") or posixpath.splitext(normal)[1] == "":
        normal = posixpath.join(normal, "index.md")
    return normal


@dataclass
class AudienceView:
    reader: Audience
    markdown: dict[str, str] = field(default_factory=dict)  # src_uri -> Markdown body for this audience
    assets: set[str] = field(default_factory=set)  # non-Markdown src_uris this audience's pages reference
    findings: Findings = field(default_factory=Findings)

    def shows_page(self, src_uri: str) -> bool:
        return src_uri in self.markdown

    def shows_asset(self, src_uri: str) -> bool:
        if src_uri.endswith(DATA_SUFFIXES):
            return False
        if src_uri.startswith(PUBLIC_ASSETS_DIR + "/") or src_uri in self.assets:
            return True
        # Files no page references have no audience to inherit: only the auditor, who sees all, gets them.
        return self.reader is Audience.AUDITOR


def view_for(program: Program, reader: Audience) -> AudienceView:
    """`build_view`, computed once per loaded program: the check before a build and the build share it."""
    view = program.views.get(reader)
    if view is None:
        view = program.views[reader] = build_view(program, reader)
    return view


def build_view(program: Program, reader: Audience) -> AudienceView:
    view = AudienceView(reader)
    visible = program.documents_for(reader)
    for document in visible:
        view.markdown[document.src_uri] = strip_for_audience(document.body, reader)
    for document in visible:
        for target, line in link_targets(view.markdown[document.src_uri]):
            resolved = resolve_target(document.src_uri, target)
            if resolved is None:
                continue
            where = document.body_line + line - 1
            _check_target(program, view, document.path, where, target, resolved)
    return view


def _check_target(program: Program, view: AudienceView, path: str, line: int, target: str, resolved: str) -> None:
    site = f"{view.reader.key} site"
    docs = program.docs_dir.relative_to(program.root).as_posix()
    if "\\" in target:
        view.findings.error(path, line, f"link '{target}' contains a backslash; use '/' between folders")
        return
    if target.startswith("/"):
        view.findings.error(path, line, f"link '{target}' is an absolute path; write it relative to this page")
        return
    if resolved.startswith("../") or resolved == "..":
        view.findings.error(
            path,
            line,
            f"links to '{target}', outside the docs folder '{docs}'; nothing outside it is published in the {site}",
        )
        return
    if resolved.endswith(".md"):
        document = program.document_at(resolved)
        if document is not None and not view.reader.can_see(document.audience):
            view.findings.error(
                path,
                line,
                f"links to {docs}/{resolved} (audience: {document.audience.key}), which the {site} excludes",
            )
        return
    if resolved.endswith(DATA_SUFFIXES):
        view.findings.error(path, line, f"links to the data file {docs}/{resolved}; data files are never published")
        return
    view.assets.add(resolved)
