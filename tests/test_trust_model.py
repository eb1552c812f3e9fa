"""Trust center data: trust.yml and front-matter validation, the public view, feed, security.txt, colours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import markdown
import pytest
from click.testing import CliRunner
from conftest import copy_program, edit
from sectxt import Parser

from trustbinder.cli import main
from trustbinder.model import Audience, Findings, load_program
from trustbinder.model.documents import parse_document
from trustbinder.model.trust import parse_trust, trust_findings
from trustbinder.model.yamlio import parse_yaml
from trustbinder.trust.colors import SLATE_BACKGROUND, WHITE, contrast, palette, parse_hex, text_on
from trustbinder.trust.feed import render_feed
from trustbinder.trust.pages import markdown_text
from trustbinder.trust.public import collect
from trustbinder.trust.securitytxt import render_security_txt


def trust_from(text: str) -> tuple[object, Findings]:
    findings = Findings()
    return parse_trust(parse_yaml(text), "content/trust.yml", findings), findings


def messages(findings: Findings) -> list[str]:
    return [str(f) for f in findings.sorted()]


def test_a_non_public_document_opts_in_with_listed_and_a_summary() -> None:
    findings = Findings()
    text = "---\nid: POL-A\ntitle: A\naudience: internal\nowner: X\nlisted: true\nsummary: One line.\n---\nBody\n"
    document = parse_document("policies/a.md", "content/policies/a.md", text, findings)
    assert document is not None and document.listed and document.summary == "One line."
    assert not findings.items


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "listed: true\n",
            "content/policies/a.md:6: error: key 'listed': a listed document needs 'summary:', one line the public may read about it",
        ),
        (
            "listed: true\nsummary: |\n  two\n  lines\n",
            "content/policies/a.md:7: error: key 'summary': must be one line; it is shown publicly next to the document's title",
        ),
        (
            "listed: yes please\nsummary: S\n",
            "content/policies/a.md:6: error: key 'listed': 'yes please' is not allowed; allowed values: true, false",
        ),
    ],
)
def test_listing_mistakes_name_the_file_line_and_key(front: str, expected: str) -> None:
    findings = Findings()
    text = f"---\nid: POL-A\ntitle: A\naudience: internal\nowner: X\n{front}---\nBody\n"
    document = parse_document("policies/a.md", "content/policies/a.md", text, findings)
    assert document is not None and not document.listed
    assert expected in messages(findings)


def test_listed_on_a_public_document_is_a_warning_not_a_second_listing() -> None:
    findings = Findings()
    text = "---\nid: POL-A\ntitle: A\naudience: public\nowner: X\nlisted: true\nsummary: S\n---\nBody\n"
    document = parse_document("policies/a.md", "content/policies/a.md", text, findings)
    assert document is not None and not document.listed
    assert [f.level for f in findings] == ["warning"]


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (
            "branding: {primary_color: blue}\n",
            "content/trust.yml:1: error: key 'branding.primary_color': 'blue' is not a colour; write #rrggbb in quotes, e.g. primary_color: \"#4b3f8f\"",
        ),
        (
            "contact: {security_email: s@x.example}\nsecurity_txt:\n  expires: 2027-01-01\n  policy: http://x.example/p\n",
            "content/trust.yml:4: error: key 'security_txt.policy': 'http://x.example/p' is not a web address this key accepts; write a full https: address",
        ),
        (
            "company:\n  name: X\n  logo: ../secret/logo.png\n",
            "content/trust.yml:3: error: key 'company.logo': '../secret/logo.png' climbs out with '..'",
        ),
        (
            "company:\n  name: X\n  logo: img/logo.png\n",
            "content/trust.yml:3: error: key 'company.logo': 'img/logo.png' is not under assets/; put the logo in content/assets/, which is public",
        ),
        (
            "contact: {security_email: s@x.example}\nsecurity_txt:\n  expires: 2027-01-01\n  preferred_languages: [en, 'english please']\n",
            "content/trust.yml:4: error: key 'security_txt.preferred_languages': 'english please' is not a language tag, e.g. en, de, pt-BR",
        ),
        (
            "security_txt: {expires: 2027-01-01}\n",
            "content/trust.yml:1: error: key 'security_txt': security.txt needs a Contact; set contact.security_email",
        ),
        (
            "contact: {security_email: 'not an address'}\n",
            "content/trust.yml:1: error: key 'contact.security_email': 'not an address' is not an email address, e.g. security@example.com",
        ),
        (
            "subprocessors:\n  - {name: A, purpose: B, added: 2025-05-01, removed: 2025-01-01}\n",
            "content/trust.yml:2: error: key 'subprocessors[0].removed': 2025-01-01 is before the date it was added, 2025-05-01",
        ),
    ],
)
def test_trust_yml_values_that_would_break_a_page_or_security_txt_are_errors(yaml_text: str, expected: str) -> None:
    _, findings = trust_from(yaml_text)
    assert expected in messages(findings)


def test_check_reports_security_txt_expiry_before_and_after_it_happens(tmp_path: Path) -> None:
    program_dir = copy_program("trust", tmp_path)
    program = load_program(program_dir)
    assert not program.findings.errors
    assert not trust_findings(program, dt.date(2026, 11, 1)).items
    soon = messages(trust_findings(program, dt.date(2027, 6, 10)))
    assert soon == [
        "content/trust.yml:10: warning: key 'security_txt.expires': 2027-06-30 is 20 days away; builds fail once it has passed"
    ]
    past = messages(trust_findings(program, dt.date(2027, 7, 1)))
    assert past[0].startswith("content/trust.yml:10: error: key 'security_txt.expires': 2027-06-30 has passed")
    far = messages(trust_findings(program, dt.date(2026, 1, 1)))
    assert "more than a year away" in far[0]


def test_check_reports_a_missing_logo(tmp_path: Path) -> None:
    program_dir = copy_program("trust", tmp_path)
    (program_dir / "content" / "assets" / "logo.svg").unlink()
    program = load_program(program_dir)
    assert "content/trust.yml:3: error: key 'company.logo': content/assets/logo.svg does not exist" in messages(
        trust_findings(program, dt.date(2026, 11, 1))
    )


def test_public_view_holds_public_summaries_only_grouped_and_counted(tmp_path: Path) -> None:
    program = load_program(copy_program("trust", tmp_path))
    center = collect(program, dt.date(2026, 11, 1))
    assert [c.name for c in center.categories] == ["Access control", "Availability", "Vulnerability management"]
    access = center.categories[0]
    # AC-02 has no public_summary and NA-01 does not apply: neither is a public claim.
    assert [c.summary for c in access.controls] == ["All staff sign in with single sign-on and hardware security keys."]
    assert center.control_count == 3 and center.status_total("in-progress") == 1
    assert [d.title for d in center.restricted_documents] == ["Access Control Policy", "System Description"]
    assert all(d.src_uri is None for d in center.restricted_documents)
    assert [(label, [d.title for d in docs]) for label, docs in center.public_documents] == [
        ("Policies", ["Information Security Policy", "Privacy Policy"])
    ]
    assert [s.name for s in center.removed_subprocessors] == ["OldMail <Legacy>"]


def test_feed_lists_every_update_and_subprocessor_change_and_parses_cleanly(tmp_path: Path) -> None:
    program = load_program(copy_program("trust", tmp_path))
    center = collect(program, dt.date(2026, 11, 1))
    xml = render_feed(
        center,
        title="Updates",
        site_url="https://trust.example/",
        feed_path="feed.xml",
        home_path="./",
        subprocessors_path="subprocessors/",
        fallback_updated=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
    )
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [
        "SOC 2 Type II report for January to June 2026 is available on request",
        "Replaced OldMail with Postmark",
        "Subprocessor removed: OldMail <Legacy>",
        "Subprocessor added: Postmark",
        "Subprocessor added: Hetzner Online",
        "Subprocessor added: OldMail <Legacy>",
    ]
    assert parsed.feed.updated == "2026-07-20T00:00:00Z"
    assert parsed.entries[0].link == "https://trust.example/#updates"
    assert parsed.entries[2].link == "https://trust.example/subprocessors/"
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


def test_security_txt_is_valid_rfc_9116() -> None:
    trust, findings = trust_from(
        "contact: {security_email: security@x.example}\n"
        "security_txt:\n"
        "  expires: " + (dt.date.today() + dt.timedelta(days=200)).isoformat() + "\n"
        "  policy: https://x.example/disclosure\n"
        "  encryption: https://x.example/pgp.txt\n"
        "  acknowledgments: https://x.example/thanks\n"
        "  preferred_languages: [en, pt-BR]\n"
    )
    assert not findings.items
    text = render_security_txt(trust, "https://trust.x.example/")  # type: ignore[arg-type]
    assert text is not None
    parser = Parser(text.encode(), urls="https://trust.x.example/.well-known/security.txt")
    assert parser.errors == [] and parser.notifications == []
    # Signing needs the company's OpenPGP key, which a build must not hold.
    assert [r["code"] for r in parser.recommendations] == ["not_signed"]
    assert "Canonical: https://trust.x.example/.well-known/security.txt" in text.splitlines()


@pytest.mark.parametrize("brand", ["#ffeb3b", "#4b3f8f", "#777777", "#00ff00", "#101010"])
def test_any_brand_colour_gives_readable_header_and_links(brand: str) -> None:
    colors = palette(brand)
    fill = parse_hex(colors.fill)
    assert contrast(fill, text_on(fill)) >= 4.5
    assert contrast(parse_hex(colors.link_light), WHITE) >= 4.5
    assert contrast(parse_hex(colors.link_dark), SLATE_BACKGROUND) >= 4.5


def test_markdown_text_renders_literally() -> None:
    source = "Do you *encrypt* [backups](https://x.example) & <b>logs</b> #1? 1. _a_ `b` !"
    rendered = markdown.markdown(f"## {markdown_text(source)}")
    assert rendered == (
        "<h2>Do you *encrypt* [backups](https://x.example) &amp; &lt;b&gt;logs&lt;/b&gt; #1? 1. _a_ `b` !</h2>"
    )


def test_audience_of_a_listed_document_is_unchanged(tmp_path: Path) -> None:
    program_dir = copy_program("trust", tmp_path)
    edit(program_dir / "content" / "policies" / "access.md", "listed: true\n", "")
    program = load_program(program_dir)
    access = program.document("POL-ACCESS")
    assert access is not None and not access.listed and access.audience is Audience.INTERNAL
    assert [d.title for d in collect(program, dt.date(2026, 11, 1)).restricted_documents] == ["System Description"]


def test_trustbinder_check_reports_an_expired_security_txt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program_dir = copy_program("trust", tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1814400000")  # 2027-07-01
    result = CliRunner().invoke(main, ["check", "-f", str(program_dir / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "content/trust.yml:10: error: key 'security_txt.expires': 2027-06-30 has passed" in result.output
