"""Integration: fixture programs built into tmp_path, asserting on HTML, search index and sitemap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Builder, edit, site_files
from mkdocs.exceptions import Abort

from trustbinder.builder import build_one
from trustbinder.cli import main


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text())
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def sitemap(site: Path) -> str:
    return (site / "sitemap.xml").read_text()


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}


def test_public_site_holds_only_public_pages_everywhere(mini: Path, build_site: Builder) -> None:
    site = build_site(mini, "public")
    assert pages(site) == {"index.html", "policies/security/index.html"}
    assert search_locations(site) == {"", "policies/security/"}
    assert "policies/access/" not in sitemap(site) and "procedures/" not in sitemap(site)
    assert "policies/security/" in sitemap(site)
    everything = b"".join(site_files(site).values())
    assert b"Access Policy" not in everything and b"Access Review Procedure" not in everything
    assert b"breakglass" not in everything and b"tighten this section" not in everything
    assert (site / "assets" / "logo.svg").is_file()
    assert not (site / "policies" / "img" / "network.png").exists()
    assert not list(site.rglob("*.yml")) and not list(site.rglob("*.md"))
    security = (site / "policies" / "security" / "index.html").read_text()
    assert "Every employee signs in" in security
    assert "tb-document-header" not in security  # owners and approvals are not for customers


def test_internal_site_adds_internal_pages_with_the_document_header(mini: Path, build_site: Builder) -> None:
    # The document header is drawn by the handbook plugin, which also adds its generated handbook pages.
    edit(mini / "mkdocs.yml", "  - trustbinder/audience\n", "  - trustbinder/audience\n  - trustbinder/handbook\n")
    site = build_site(mini, "internal")
    generated = {"policies/index.html", "handbook/reviews/index.html", "handbook/criteria/index.html"}
    assert pages(site) == {"index.html", "policies/security/index.html", "policies/access/index.html"} | generated
    assert search_locations(site) == {"", "policies/security/", "policies/access/"} | {
        "policies/",
        "handbook/reviews/",
        "handbook/criteria/",
    }
    assert (site / "policies" / "img" / "network.png").is_file()
    access = (site / "policies" / "access" / "index.html").read_text()
    for fact in (
        "Head of IT",
        "<dd>2.0</dd>",
        "2026-02-01",
        "Ana Ruiz, CEO, 2026-01-20",
        "AC-01",
        "SSO with hardware-key MFA",
        "AC-02",
        "Quarterly access review",
    ):
        assert fact in access, fact
    assert "Q-exports" not in access  # the auditor-only block
    assert "breakglass-root" in (site / "policies" / "security" / "index.html").read_text()
    assert "Access Review Procedure" not in b"".join(site_files(site).values()).decode("utf-8", "replace")


def test_auditor_site_shows_everything(mini: Path, build_site: Builder) -> None:
    site = build_site(mini, "auditor")
    assert pages(site) == {
        "index.html",
        "policies/security/index.html",
        "policies/access/index.html",
        "procedures/review/index.html",
        "narratives/system/index.html",
    }
    assert "Q-exports" in (site / "policies" / "access" / "index.html").read_text()
    assert not list(site.rglob("*.yml"))


def test_failed_build_leaves_the_previous_site_as_it_was(mini: Path, build_site: Builder) -> None:
    site = build_site(mini, "public")
    before = site_files(site)
    edit(mini / "content" / "index.md", "Read our", "Read the [access policy](policies/access.md) and our")
    with pytest.raises(Abort):
        build_one(str(mini / "mkdocs.yml"), "public", str(site))
    assert site_files(site) == before
    assert [p.name for p in site.parent.iterdir()] == ["public"]  # no staging folder left behind


def test_cli_builds_all_three_sites_and_says_where(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "-f", str(mini / "mkdocs.yml"), "--site-dir", str(out)])
    assert result.exit_code == 0, result.output
    for audience in ("public", "internal", "auditor"):
        assert f"{audience}" in result.output and str(out / audience) in result.output
        assert (out / audience / "index.html").is_file()
    assert not (out / "public" / "policies" / "access").exists()
    assert (out / "auditor" / "procedures" / "review" / "index.html").is_file()


def test_cli_build_of_one_audience_refuses_a_broken_program(mini: Path, tmp_path: Path) -> None:
    edit(mini / "content" / "controls.yml", "status: in-progress", "status: soon")
    result = CliRunner().invoke(
        main,
        [
            "build",
            "-f",
            str(mini / "mkdocs.yml"),
            "--audience",
            "public",
            "--site-dir",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1
    assert "content/controls.yml:32: error: key 'controls[2].status': 'soon' is not allowed" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_build_fails_on_a_program_without_the_plugin(mini: Path) -> None:
    edit(mini / "mkdocs.yml", "  - trustbinder/audience\n", "")
    result = CliRunner().invoke(main, ["build", "-f", str(mini / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "'trustbinder/audience' plugin is not enabled" in result.output


def test_plain_mkdocs_build_makes_the_public_trust_center(mini: Path) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(mini / "mkdocs.yml")], check=True)
    site = mini / "site" / "public"
    assert pages(site) == {"index.html", "policies/security/index.html"}


def test_init_writes_a_program_that_checks_clean_and_refuses_a_used_folder(tmp_path: Path) -> None:
    target = tmp_path / "new-program"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in target.iterdir()} == {"mkdocs.yml", "content", "evidence", "evidence.lock", ".gitignore"}
    checked = CliRunner().invoke(main, ["check", "-f", str(target / "mkdocs.yml")])
    assert checked.exit_code == 0, checked.output
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code == 1 and "exists and is not empty" in again.output
