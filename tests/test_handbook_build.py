"""Integration: the handbook fixture program built for each audience, asserting what a reader sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Builder, edit, site_files
from mkdocs.exceptions import Abort
from test_handbook_helpers import (
    article,
    everything,
    facts,
    handbook_program,
    header,
    page,
    program_of,
    search_locations,
    section,
    shared_build,
    table_rows,
    text,
)

from trustbinder.builder import build_one
from trustbinder.model import load_program


@pytest.fixture
def handbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return handbook_program(tmp_path, monkeypatch)


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The internal build, made once for the tests that only read it."""
    return shared_build(tmp_path_factory, "internal")


def label(site: Path, framework: str, criterion: str) -> str:
    return load_program(program_of(site)).frameworks[framework].criteria[criterion].label


def test_header_shows_every_lifecycle_fact(internal: Path) -> None:
    current = page(internal, "policies/current")
    assert facts(current) == {
        "Document": "POL-CURRENT (policy)",
        "Owner": "Head of Security",
        "Version": "4.2",
        "Effective": "2026-03-05",
        "Approved": "Rosa Diaz, CEO, 2026-03-01",
        "Last reviewed": "2026-03-01",
        "Next review": "2027-03-01 (every 12 months)",
        "Audience": "public",
    }
    assert "tb-badge" not in header(current)  # on schedule: no badge at all
    body = article(current)
    assert body.index("<h1") < body.index("tb-document-header") < body.index("Everyone signs in")


def test_overdue_and_due_soon_reviews_carry_a_worded_badge(internal: Path) -> None:
    lapsed = page(internal, "policies/lapsed")
    assert facts(lapsed)["Next review"] == "2026-01-10 (every 12 months) Overdue"
    assert '<span class="tb-badge tb-badge--overdue">Overdue</span>' in header(lapsed)
    soon = page(internal, "policies/soon")
    assert facts(soon)["Next review"] == "2026-06-15 (every 6 months) Due within 30 days"
    assert '<span class="tb-badge tb-badge--due">Due within 30 days</span>' in header(soon)
    onboarding = facts(page(internal, "procedures/onboarding"))
    assert onboarding["Last reviewed"] == "Not recorded; the schedule counts from the approval"
    assert onboarding["Next review"] == "2027-04-02 (every 12 months)"
    assert onboarding["Approved"] == "Head of People, 2026-04-02"
    assert facts(page(internal, "narratives/system"))["Approved"] == "Not recorded"


def test_badges_follow_source_date_epoch(handbook: Path, build_site: Builder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766232000")  # 2025-12-20: the lapsed policy is due in 21 days
    site = build_site(handbook, "internal")
    assert facts(page(site, "policies/lapsed"))["Next review"] == "2026-01-10 (every 12 months) Due within 30 days"
    assert "Status as of 2025-12-20" in text(article(page(site, "handbook/reviews")))


def test_revision_history_lists_newest_first(internal: Path) -> None:
    current = page(internal, "policies/current")
    assert table_rows(section(current, "tb-revision-history")) == [
        ["4.2", "2026-03-01", "Annual review with no changes"],
        ["4.1", "2025-03-02", "Added hardware keys & contractor scope"],
    ]
    assert "No revisions recorded." in text(section(page(internal, "policies/lapsed"), "tb-revision-history"))


def test_controls_and_the_criteria_they_map_to(internal: Path) -> None:
    current = section(page(internal, "policies/current"), "tb-controls")
    assert table_rows(current) == [
        [
            "AC-01",
            "SSO with hardware-key MFA",
            f"SOC 2 CC6.1 {label(internal, 'soc2', 'CC6.1')} ISO 27001 A.8.5 {label(internal, 'iso27001', 'A.8.5')}",
        ],
        ["AC-02", "Quarterly access review", f"SOC 2 CC6.2 {label(internal, 'soc2', 'CC6.2')}"],
    ]
    # Criteria in scope link to their row on the coverage page; ISO 27001 is not in this audit's scope.
    assert '<a href="../../handbook/criteria/#soc2-cc6-1">SOC 2 CC6.1</a>' in current
    assert "A.8.5</a>" not in current
    assert "This document lists no controls." in text(section(page(internal, "policies/soon"), "tb-controls"))


def test_criteria_index_lists_only_documents_this_handbook_shows(internal: Path) -> None:
    coverage = page(internal, "handbook/criteria")
    rows = {row[0].split(" ")[0]: row for row in table_rows(coverage)}
    in_scope = [c.id for c in load_program(program_of(internal)).criteria_in_scope()]
    assert list(rows) == in_scope and len(in_scope) == 33  # every SOC 2 security criterion, in catalog order
    assert rows["CC6.1"][1:] == [
        "POL-CURRENT Current Policy (Policy) PRC-ONBOARD Onboarding Procedure (Procedure)",
        "AC-01",
    ]
    assert rows["CC6.2"][1:] == ["POL-CURRENT Current Policy (Policy) POL-LAPSED Lapsed Policy (Policy)", "AC-02"]
    # OPS-01 is implemented by an auditor-only runbook and by the internal system description.
    assert rows["CC6.7"][1:] == ["NAR-SYSTEM System Overview (System description)", "OPS-01"]
    assert rows["CC7.2"][1:] == ["None in this handbook", "MON-01"]
    assert '<tr id="soc2-cc6-1">' in coverage
    assert '<a href="../../policies/current/"><code>POL-CURRENT</code> Current Policy</a>' in coverage
    assert "3 of 33 criteria in scope covered by a document in this handbook." in text(coverage)


def test_nothing_auditor_only_reaches_the_handbook(internal: Path) -> None:
    assert not (internal / "procedures" / "vault").exists()
    site = everything(internal)
    for secret in ("PRC-VAULTSECRET", "Vault Rotation Runbook Zq7", "unseal keys", "procedures/vault"):
        assert secret not in site, secret


def test_review_schedule_lists_every_visible_document_overdue_first(internal: Path) -> None:
    schedule = page(internal, "handbook/reviews")
    rows = table_rows(schedule)
    assert [row[:3] for row in rows] == [
        ["2026-01-10", "Overdue by 142 days", "Lapsed Policy POL-LAPSED Policy, version 1.0"],
        ["2026-06-15", "Due within 30 days in 14 days", "Soon Policy POL-SOON Policy, version 2.0"],
        ["2027-02-10", "On schedule", "System Overview NAR-SYSTEM System description, version 1.0"],
        ["2027-03-01", "On schedule", "Current Policy POL-CURRENT Policy, version 4.2"],
        ["2027-04-02", "On schedule", "Onboarding Procedure PRC-ONBOARD Procedure, version 1.3"],
    ]
    assert rows[0][3:] == ["Head of IT", "2025-01-10", "2025-01-10, Rosa Diaz, CEO"]
    assert rows[4][3:] == ["Head of People", "Not recorded", "2026-04-02, Head of People"]
    assert "Status as of 2026-06-01: 1 overdue, 1 due within 30 days, 3 on schedule." in text(schedule)
    assert '<a href="../../policies/lapsed/">Lapsed Policy</a>' in schedule


def test_navigation_by_type_with_readable_titles(internal: Path) -> None:
    home = page(internal, "")
    sections = [
        text(t) for t in re.findall(r'<label class="md-nav__title" for="__nav_\d+">(.*?)</label>', home, re.DOTALL)
    ]
    assert sections == ["Policies", "Procedures", "System description", "Handbook"]
    assert "Narratives" not in home
    policies = page(internal, "policies")
    assert text(article(policies)).startswith("Policies The 3 policies in this handbook")
    assert [row[2].split(" POL-")[0] for row in table_rows(policies)] == [
        "Current Policy",
        "Lapsed Policy",
        "Soon Policy",
    ]
    narratives = text(article(page(internal, "narratives")))
    assert narratives.startswith("System description The one document in this section")


def test_search_covers_public_internal_and_handbook_pages(internal: Path) -> None:
    assert search_locations(internal) == {
        "",
        "policies/",
        "policies/current/",
        "policies/lapsed/",
        "policies/soon/",
        "procedures/",
        "procedures/onboarding/",
        "narratives/",
        "narratives/system/",
        "handbook/reviews/",
        "handbook/criteria/",
    }


def test_public_site_shows_no_lifecycle_facts(handbook: Path, build_site: Builder) -> None:
    site = build_site(handbook, "public")
    files = site_files(site)
    assert not any(name.startswith(("handbook/", "assets/trustbinder/")) for name in files)
    assert not (site / "policies" / "index.html").exists()
    current = page(site, "policies/current")
    for private in ("tb-document-header", "Rosa Diaz", "Revision history", "Next review", "AC-01"):
        assert private not in current, private


def test_auditor_binder_keeps_the_header_without_handbook_pages(handbook: Path, build_site: Builder) -> None:
    site = build_site(handbook, "auditor")
    vault = facts(page(site, "procedures/vault"))
    assert vault["Document"] == "PRC-VAULTSECRET (procedure)"
    assert vault["Next review"] == "2027-02-01 (every 12 months)"
    assert "OPS-01" in section(page(site, "procedures/vault"), "tb-controls")
    assert not (site / "handbook").exists()


def test_a_handbook_build_is_reproducible(handbook: Path, build_site: Builder, internal: Path) -> None:
    assert site_files(build_site(handbook, "internal")) == site_files(internal)  # same SOURCE_DATE_EPOCH


def test_a_file_where_a_page_is_generated_is_refused(handbook: Path, caplog: pytest.LogCaptureFixture) -> None:
    (handbook / "content" / "handbook").mkdir()
    (handbook / "content" / "handbook" / "reviews.md").write_text("---\naudience: internal\n---\n# Mine\n")
    with pytest.raises(Abort):
        build_one(str(handbook / "mkdocs.yml"), "internal", str(handbook / "site" / "internal"))
    assert (
        "trustbinder/handbook: content/handbook/reviews.md already exists, and the handbook generates a page there; "
        "rename your file or set the plugin's 'pages_dir' option (now 'handbook')"
    ) in caplog.text


def test_header_can_be_turned_off(handbook: Path, build_site: Builder) -> None:
    edit(
        handbook / "mkdocs.yml",
        "  - trustbinder/handbook\n",
        "  - trustbinder/handbook:\n      document_header: false\n",
    )
    site = build_site(handbook, "internal")
    assert "tb-document-header" not in page(site, "policies/current")
    assert (site / "handbook" / "reviews" / "index.html").is_file()


def test_an_explicit_nav_keeps_its_order_and_gains_the_handbook_pages(handbook: Path, build_site: Builder) -> None:
    nav = (
        "nav:\n  - Home: index.md\n  - Rules:\n      - policies/lapsed.md\n      - policies/current.md\n"
        "  - procedures/vault.md\n"
    )
    (handbook / "mkdocs.yml").write_text((handbook / "mkdocs.yml").read_text() + nav)
    site = build_site(handbook, "internal")
    home = page(site, "")
    sections = [
        text(t) for t in re.findall(r'<label class="md-nav__title" for="__nav_\d+">(.*?)</label>', home, re.DOTALL)
    ]
    assert sections == ["Rules", "Handbook"]
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link', home)
    assert links == [".", "policies/lapsed/", "policies/current/", "handbook/reviews/", "handbook/criteria/"]
    assert not (site / "policies" / "index.html").exists()  # no landing pages under a hand-written nav
    assert "procedures/vault" not in everything(site)
