"""Only public fields reach the public trust center: canaries in a fixture, and a sweep of the starter program.

Every new surface is swept: the generated pages, the search index, the sitemap, the Atom feed, security.txt and
the stylesheet, as bytes (gzip files decompressed) and as text with HTML entities and JSON escapes undone.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from pathlib import Path

import pytest
from conftest import copy_program

from trustbinder.builder import build_one
from trustbinder.model import Audience, load_program
from trustbinder.model.views import build_view

NOVEMBER_2026 = "1793491200"
# Material's own bundles: byte-for-byte the theme's files, nothing of the program can be in them, and their
# minified code would match short strings by chance.
THEME_BUNDLES = ("assets/javascripts/", "assets/stylesheets/")


@pytest.fixture(autouse=True)
def build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOVEMBER_2026)


def site_text(site: Path) -> str:
    """Every path and every file of a site as one text, with HTML entities and JSON escapes resolved."""
    parts: list[str] = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        parts.append(rel)
        if not path.is_file() or rel.startswith(THEME_BUNDLES):
            continue
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
        if path.suffix == ".json":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        parts.append(html.unescape(html.unescape(text)))
    return "\n".join(parts)


def public_build(program: Path) -> Path:
    site = program / "site" / "public"
    build_one(str(program / "mkdocs.yml"), "public", str(site))
    return site


def test_no_fixture_canary_reaches_the_public_trust_center(tmp_path: Path) -> None:
    program = copy_program("trust", tmp_path)
    sources = "\n".join(
        p.read_text() for p in program.rglob("*") if p.is_file() and p.suffix in (".md", ".yml", ".csv")
    )
    canaries = sorted(set(re.findall(r"CANARY-TR-[A-Z-]+", sources)))
    # Control title, description and owner; a control without a public summary; a control that does not apply;
    # evidence, audit requests; listed documents' bodies, descriptions and owners; unlisted documents entirely.
    assert len(canaries) == 19, canaries
    text = site_text(public_build(program))
    assert [c for c in canaries if c in text] == []
    # The sweep sees what the trust center does publish.
    for public in (
        "All staff sign in with single sign-on and hardware security keys.",
        "How staff accounts are granted, reviewed and removed.",
        "Subprocessor removed: OldMail <Legacy>",
        "Contact: mailto:security@fernfield.example",
    ):
        assert public in text, public


def _public_sources(program_dir: Path) -> str:
    """Everything the public site may legitimately repeat: public pages, trust.yml, public control fields."""
    program = load_program(program_dir)
    view = build_view(program, Audience.PUBLIC)
    parts = list(view.markdown.values())
    parts.append((program.docs_dir / "trust.yml").read_text())
    parts.append((program_dir / "mkdocs.yml").read_text())
    for control in program.controls.values():
        if control.public_summary:
            parts += [control.public_summary, control.category or ""]
    for document in program.documents:
        parts.append(document.title if document.audience is Audience.PUBLIC or document.listed else "")
        parts.append(document.summary or "" if document.listed else "")
        if document.audience is Audience.PUBLIC:
            parts.append(document.description or "")
    return "\n".join(parts)


def _secrets(program_dir: Path) -> dict[str, list[str]]:
    """Strings only non-public fields hold, by surface."""
    program = load_program(program_dir)
    secrets: dict[str, list[str]] = {
        "control title": [c.title for c in program.controls.values()],
        "control description": [c.description or "" for c in program.controls.values()],
        "control owner": [c.owner or "" for c in program.controls.values()],
        "criterion": [],
        "evidence": [],
        "audit request": [r.text for r in program.audit.requests],
        "non-public document": [],
    }
    for control in program.controls.values():
        for framework, ids in control.criteria.items():
            for criterion_id in ids:
                criterion = program.frameworks[framework].criteria[criterion_id]
                secrets["criterion"] += [criterion.label, criterion.summary]
    for item in program.evidence.values():
        secrets["evidence"] += [item.id, item.title, item.source or "", Path(item.sidecar).name[: -len(".meta.yml")]]
    for artifact in program.evidence_dir.rglob("*"):
        if artifact.suffix in (".csv", ".json", ".txt"):
            secrets["evidence"] += [line.strip() for line in artifact.read_text(errors="replace").splitlines()]
    for document in program.documents:
        if document.audience is not Audience.PUBLIC:
            if not document.listed:
                secrets["non-public document"].append(document.title)
            secrets["non-public document"] += [line.strip() for line in document.body.splitlines()]
            secrets["non-public document"].append(document.description or "")
    return secrets


def test_starter_public_site_holds_nothing_only_non_public_fields_hold(starter: Path) -> None:
    allowed = _public_sources(starter)
    text = site_text(public_build(starter))
    checked = 0
    leaks: list[str] = []
    for surface, values in _secrets(starter).items():
        # Short strings ("Yes", a CSV header) match anywhere; a string the public sources hold is not a secret.
        for value in {v for v in values if len(v) >= 12 and v not in allowed}:
            checked += 1
            if value in text:
                leaks.append(f"{surface}: {value}")
    assert leaks == []
    assert checked > 500, checked  # the sweep really covers the register, the catalogs and the evidence


def test_starter_trust_center_shows_every_public_summary(starter: Path) -> None:
    program = load_program(starter)
    home = (public_build(starter) / "index.html").read_text()
    summaries = [
        c.public_summary for c in program.controls.values() if c.public_summary and c.status != "not-applicable"
    ]
    assert summaries and all(html.escape(s, quote=False) in home for s in summaries)
