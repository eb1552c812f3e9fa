"""Relative links between binder pages, documents and artifacts, from the page being rendered.

Binder HTML is injected after Markdown (it is too large to run through it), so MkDocs does not rewrite its
links: they are computed here from the final URL of every file.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.utils import get_relative_url

from trustbinder.binder.layout import Layout
from trustbinder.model.scope import Visible


@dataclass
class Urls:
    """Site URLs by src_uri, fixed once MkDocs has made a File for each."""

    layout: Layout
    visible: Visible
    by_src_uri: dict[str, str]

    def at(self, here: str) -> Links:
        return Links(self, here)


class Links:
    def __init__(self, urls: Urls, here_url: str) -> None:
        self.urls = urls
        self.layout = urls.layout
        self.here = here_url
        # A page links the same few control and evidence pages hundreds of times.
        self.relative: dict[str, str | None] = {}

    def _to(self, src_uri: str | None, anchor: str | None = None) -> str | None:
        if src_uri is None:
            return None
        if src_uri in self.relative:
            relative = self.relative[src_uri]
        else:
            url = self.urls.by_src_uri.get(src_uri)
            relative = self.relative[src_uri] = None if url is None else get_relative_url(url, self.here)
        if relative is None:
            return None
        return f"{relative}#{anchor}" if anchor else relative

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        return self._to(src_uri, anchor) or "#"

    def control(self, control_id: str) -> str | None:
        return self._to(self.layout.controls.get(control_id))

    def criterion(self, framework: str, criterion: str) -> str | None:
        return self._to(self.layout.criteria.get((framework, criterion)))

    def document(self, document_id: str) -> str | None:
        document = self.urls.visible.documents.get(document_id)
        return self._to(document.src_uri if document else None)

    def evidence(self, evidence_id: str) -> str | None:
        return self._to(self.layout.evidence_page.get(evidence_id), evidence_id)

    def artifact(self, evidence_id: str) -> str | None:
        return self._to(self.layout.artifacts.get(evidence_id))

    def request(self, request_id: str) -> str | None:
        return self._to(self.layout.requests, f"request-{request_id}")

    def by_kind(self, kind: str, value: str) -> str | None:
        """Link for an ID found in a table column of the given kind (see `Table.links`)."""
        if kind.startswith("criterion:"):
            return self.criterion(kind.split(":", 1)[1], value)
        target = {"control": self.control, "document": self.document, "evidence": self.evidence}.get(kind)
        return target(value) if target else None
