"""Markdown of one document to HTML that can sit inside the binder next to every other document.

The binder is one HTML file, so each document's headings are demoted under its section heading, their ids are
prefixed with the document's anchor (two policies may both have a "Scope" heading), links to other documents
become links inside the PDF, and images point at files inside the docs folder (the only place the URL fetcher
serves them from).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from trustbinder.model.program import Program
from trustbinder.model.views import resolve_target
from trustbinder.pdf.anchors import anchor, document_anchor

EXTENSIONS = ["tables", "attr_list", "admonition", "fenced_code", "def_list", "sane_lists", "toc"]
LINK_SCHEMES = ("http", "https", "mailto")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def body_anchor(document_key: str, fragment: str) -> str:
    return anchor("docsec", document_key, fragment)


class _BinderTree(Treeprocessor):  # type: ignore[misc]  # Python-Markdown is untyped
    def __init__(self, md: markdown.Markdown, program: Program, src_uri: str, key: str, demote: int) -> None:
        super().__init__(md)
        self.program = program
        self.src_uri = src_uri
        self.key = key
        self.demote = demote

    def run(self, root: etree.Element) -> None:
        first = root[0] if len(root) else None
        if first is not None and first.tag == "h1":
            root.remove(first)  # the document's own title: the binder prints it as the section heading
        for element in root.iter():
            element_id = element.get("id")
            if element_id:
                element.set("id", body_anchor(self.key, element_id))
            if element.tag in HEADINGS:
                level = min(6, int(element.tag[1]) + self.demote)
                element.tag = f"h{level}"
            elif element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._image(element)

    def _link(self, element: etree.Element) -> None:
        href = element.get("href", "")
        parts = urlsplit(href)
        if parts.scheme:
            if parts.scheme.lower() not in LINK_SCHEMES:
                element.attrib.pop("href")
            return
        if not parts.path:
            if parts.fragment:
                element.set("href", "#" + body_anchor(self.key, parts.fragment))
            return
        resolved = resolve_target(self.src_uri, href)
        target = self.program.document_at(resolved) if resolved else None
        if target is None:
            # A file of the program: there is no site next to the PDF to link to, so the text stays plain.
            element.attrib.pop("href")
            return
        element.set(
            "href",
            "#" + (body_anchor(target.key, parts.fragment) if parts.fragment else document_anchor(target.key)),
        )

    def _image(self, element: etree.Element) -> None:
        src = element.get("src", "")
        resolved = resolve_target(self.src_uri, src)
        if resolved is None or resolved.startswith("../"):
            return  # left for the URL fetcher to refuse and report
        path = (self.program.docs_dir / resolved).resolve()
        element.set("src", path.as_uri())


class _BinderExtension(Extension):  # type: ignore[misc]
    def __init__(self, program: Program, src_uri: str, key: str, demote: int) -> None:
        super().__init__()
        self.args = (program, src_uri, key, demote)

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Python-Markdown's name
        # Priority below toc (5), so heading ids already exist when they are prefixed.
        md.treeprocessors.register(_BinderTree(md, *self.args), "trustbinder_pdf", 1)


def render_markdown(program: Program, src_uri: str, key: str, text: str, demote: int = 2) -> str:
    """HTML of one document's Markdown (already stripped for the auditor), ready to embed in the binder."""
    md = markdown.Markdown(extensions=[*EXTENSIONS, _BinderExtension(program, src_uri, key, demote)])
    return str(md.convert(text))
