"""The starter program's auditor binder: it builds cleanly, indexes every artifact and has no broken link."""

from __future__ import annotations

import hashlib
from pathlib import Path

from test_binder_helpers import Page, build_quietly, read_page, resolve

from trustbinder.model import Audience, load_program
from trustbinder.model.gaps import find_gaps
from trustbinder.model.scope import Visible


def test_the_starter_binder_builds_with_every_artifact_and_no_broken_link(starter: Path) -> None:
    site = build_quietly(starter, "auditor")
    program = load_program(starter)
    pages = list((site / "binder").rglob("*.html"))
    evidence_pages = [p for p in pages if p.parent.parent.name == "evidence"]
    shown = "".join(p.read_text() for p in evidence_pages)
    for item in program.evidence.values():
        assert f'<tbody id="{item.id}">' in shown, item.id
        assert hashlib.sha256((starter / item.artifact).read_bytes()).hexdigest() in shown, item.id
    parsed: dict[Path, Page] = {}

    def parse(page: Path) -> Page:
        if page not in parsed:
            parsed[page] = read_page(page)
        return parsed[page]

    broken = []
    for page in pages:
        for href, _ in parse(page).links:
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            target, fragment = resolve(site, page, href)
            if not target.is_file() or (fragment and target.suffix == ".html" and fragment not in parse(target).ids):
                broken.append(f"{page.relative_to(site)} -> {href}")
    assert broken == []
    criteria = sum(
        len(v.criteria_in_scope(f.key))
        for v in [Visible.for_reader(program, Audience.AUDITOR)]
        for f in v.frameworks_in_scope()
    )
    assert len(list((site / "binder/criteria").glob("*/*/index.html"))) == criteria
    gaps = (site / "binder/gaps/index.html").read_text()
    for gap in find_gaps(Visible.for_reader(program, Audience.AUDITOR)):
        assert f">{gap.subject}</a>" in gaps or f">{gap.subject}<" in gaps, gap
