"""Canary: the starter's handbook holds every public and internal document and nothing auditor-only."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from conftest import Builder
from test_handbook_helpers import JUNE_1_2026, everything, page, search_locations

from trustbinder.model import Audience, load_program
from trustbinder.model.documents import DOCUMENT_TYPES


def location(src_uri: str) -> str:
    stem = posixpath.splitext(src_uri)[0]
    return "" if stem == "index" else (stem[: -len("index")] if stem.endswith("/index") else stem + "/")


def test_starter_handbook_has_every_public_and_internal_document_and_no_auditor_page(
    starter: Path, build_site: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JUNE_1_2026)
    program = load_program(starter)
    shown = [d for d in program.documents if d.audience is not Audience.AUDITOR]
    hidden = [d for d in program.documents if d.audience is Audience.AUDITOR]
    assert shown and hidden, "the starter should have documents on both sides of the line"

    site = build_site(starter, "internal")
    indexed = search_locations(site)
    for document in shown:
        assert (site / location(document.src_uri) / "index.html").is_file(), document.src_uri
        assert location(document.src_uri) in indexed, document.src_uri

    text = everything(site)
    for document in hidden:
        assert not (site / location(document.src_uri)).exists(), document.src_uri
        assert location(document.src_uri) not in indexed, document.src_uri
        for leak in (document.id, document.title, document.src_uri.removesuffix(".md")):
            assert leak and leak not in text, f"{leak} (from {document.path}) reached the handbook"

    # The generated pages list exactly the documents this audience sees.
    schedule = page(site, "handbook/reviews")
    listed = re.findall(r"<code>([A-Z0-9._-]+)</code>", schedule)
    assert sorted(listed) == sorted(d.id for d in shown if d.type in DOCUMENT_TYPES and d.id)
    coverage = page(site, "handbook/criteria")
    assert len(re.findall(r'<tr id="(?:soc2|iso27001)-', coverage)) == len(program.criteria_in_scope())
