"""The public trust center built from a fixture program: pages, feed, security.txt, theme and options."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from conftest import Builder, copy_program, edit
from mkdocs.exceptions import Abort
from sectxt import Parser

from trustbinder.builder import build_one

NOVEMBER_2026 = "1793491200"  # 2026-11-01T00:00:00Z


@pytest.fixture(autouse=True)
def build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOVEMBER_2026)


@pytest.fixture
def program(tmp_path: Path) -> Path:
    return copy_program("trust", tmp_path)


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One public build of the fixture, shared by the tests that only read it; any warning fails them."""
    program = copy_program("trust", tmp_path_factory.mktemp("shared"))
    warnings = _Warnings()
    logging.getLogger("mkdocs").addHandler(warnings)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", NOVEMBER_2026)
            build_one(str(program / "mkdocs.yml"), "public", str(program / "site" / "public"))
    finally:
        logging.getLogger("mkdocs").removeHandler(warnings)
    assert warnings.messages == []
    yield program / "site" / "public"


def build_error(program: Path, caplog: pytest.LogCaptureFixture) -> str:
    """The error a failing public build reports (MkDocs logs it, then aborts)."""
    with pytest.raises(Abort):
        build_one(str(program / "mkdocs.yml"), "public", str(program / "site" / "public"))
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def content_of(page: Path) -> str:
    """The article of a Material page, without the theme around it."""
    html = page.read_text(encoding="utf-8")
    start = html.index('<article class="md-content__inner')
    return html[start : html.rindex("</article>")]


def test_public_build_generates_every_trust_center_page(site: Path) -> None:
    for path in (
        "index.html",
        "documents/index.html",
        "subprocessors/index.html",
        "faq/index.html",
        "feed.xml",
        ".well-known/security.txt",
    ):
        assert (site / path).is_file(), path
    search = json.loads((site / "search" / "search_index.json").read_text())
    assert {"documents/", "subprocessors/", "faq/"} <= {d["location"].split("#")[0] for d in search["docs"]}
    assert "https://trust.fernfield.example/subprocessors/" in (site / "sitemap.xml").read_text()


def test_home_shows_overview_certifications_controls_and_last_updated(site: Path) -> None:
    home = content_of(site / "index.html")
    assert "Fern &amp; Field Labs Trust Center" in home
    assert '<img class="tb-hero__logo" src="assets/logo.svg" alt="Fern &amp; Field Labs logo">' in home
    assert "runs a scheduling platform for community farms" in home
    # Certification cards: the restricted report gets the request-access action, the unshared one does not.
    soc2, iso = home.split('<article class="tb-card">')[1:3]
    assert "<dd>Type II</dd>" in soc2 and "1 January 2026</time> to <time" in soc2 and "Example CPA LLP" in soc2
    assert "Security and availability of the Fern &amp; Field Platform" in soc2
    assert 'href="https://fernfield.example/trust/request">Request access' in soc2
    assert "In progress" in iso and "Request access" not in iso
    assert "3 controls in 3 categories: 2 implemented, 1 in progress." in home
    assert (
        '<span class="tb-category__name">Availability</span> <span class="tb-category__counts">1 control: 1 in progress'
        in home
    )
    assert 'Last updated <time datetime="2026-11-01">1 November 2026</time>' in home


def test_documents_page_lists_public_documents_and_opted_in_ones_behind_a_lock(site: Path) -> None:
    documents = content_of(site / "documents" / "index.html")
    assert '<a class="tb-doc__title" href="../policies/security/">Information Security Policy</a>' in documents
    assert "What personal data we hold and why." in documents
    restricted = documents.split("Available on request", 1)[1]
    assert restricted.count('class="tb-lock"') == 2
    assert (
        "Access Control Policy" in restricted and "How staff accounts are granted, reviewed and removed." in restricted
    )
    assert "System Description" in restricted
    assert "../policies/access/" not in documents  # no link to a page this site does not have
    assert "Incident Runbook" not in documents  # not opted in: not named at all


def test_subprocessors_table_and_feed_link(site: Path) -> None:
    page = (site / "subprocessors" / "index.html").read_text()
    rows = re.findall(r"<tr><td>(.*?)</td>", content_of(site / "subprocessors" / "index.html"))
    assert rows == ["Hetzner Online", "Postmark", "OldMail &lt;Legacy&gt;"]
    assert "Removed subprocessors" in page
    assert '<a href="../feed.xml" type="application/atom+xml">Atom feed</a>' in page
    # Feed readers discover the feed from every page's head.
    for path in ("index.html", "faq/index.html", "policies/privacy/index.html"):
        head = (site / path).read_text().split("</head>")[0]
        assert re.search(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="(\.\./)*feed.xml">', head
        )


def test_feed_parses_and_lists_every_update_and_subprocessor_change(site: Path) -> None:
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.bozo == 0
    titles = {entry.title for entry in parsed.entries}
    assert titles == {
        "SOC 2 Type II report for January to June 2026 is available on request",
        "Replaced OldMail with Postmark",
        "Subprocessor added: Hetzner Online",
        "Subprocessor added: Postmark",
        "Subprocessor added: OldMail <Legacy>",
        "Subprocessor removed: OldMail <Legacy>",
    }
    assert parsed.feed.links[0].href == "https://trust.fernfield.example/feed.xml"


def test_security_txt_parses_without_errors(site: Path) -> None:
    text = (site / ".well-known" / "security.txt").read_bytes()
    assert text.decode().splitlines() == [
        "Contact: mailto:security@fernfield.example",
        "Expires: 2027-06-30T23:59:59Z",
        "Encryption: https://fernfield.example/security/pgp.txt",
        "Policy: https://fernfield.example/security/disclosure",
        "Preferred-Languages: en, de",
        "Canonical: https://trust.fernfield.example/.well-known/security.txt",
    ]
    parser = Parser(text, urls="https://trust.fernfield.example/.well-known/security.txt")
    # sectxt compares Expires with the real clock; the date in the fixture is checked only while it lies ahead.
    assert [e for e in parser.errors if e["code"] != "expired"] == []
    assert parser.notifications == []
    # Signing needs the company's OpenPGP key, which a build must not hold.
    assert {r["code"] for r in parser.recommendations} <= {"not_signed"}


def test_expired_security_txt_fails_the_build_naming_trust_yml_and_line(
    program: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1814400000")  # 2027-07-01
    assert build_error(program, caplog) == (
        "trustbinder: content/trust.yml:10: key 'security_txt.expires': 2027-06-30 has passed (today is 2027-07-01); "
        "RFC 9116 says an expired security.txt must not be served: set a new date less than a year ahead"
    )


def test_faq_questions_and_answers_render_as_text(site: Path) -> None:
    faq = content_of(site / "faq" / "index.html")
    assert ">Do you encrypt *all* data [at rest](https://example.com)?<" in faq
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is shown as text." in faq
    assert "<script>" not in faq
    assert "<p>In Germany, in two data centres.</p>" in faq and "<p>Backups stay in the EU.</p>" in faq


def test_the_handbook_build_has_no_trust_center(program: Path, build_site: Builder) -> None:
    site = build_site(program, "internal")
    assert not (site / "documents").exists() and not (site / "feed.xml").exists()
    assert not (site / ".well-known").exists() and not (site / "assets" / "trustbinder").exists()
    assert "application/atom+xml" not in (site / "policies" / "access" / "index.html").read_text()


def test_branding_and_no_third_party_requests(site: Path) -> None:
    css = (site / "assets" / "trustbinder" / "trust-center.css").read_text()
    assert "--md-primary-fg-color: #2f6b4f;" in css
    html = (site / "index.html").read_text()
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    loads = re.findall(
        r'<(?:script|img|link rel="(?:stylesheet|preconnect|preload|icon)")[^>]*(?:src|href)="([^"]+)"', html
    )
    assert loads and not [url for url in loads if re.match(r"(https?:)?//", url)]


def test_web_fonts_are_turned_off_in_the_public_build_with_a_warning(
    program: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edit(program / "mkdocs.yml", "  font: false\n", "")
    build_one(str(program / "mkdocs.yml"), "public", str(program / "site" / "public"))
    assert "fonts.googleapis.com" not in (program / "site" / "public" / "index.html").read_text()
    assert any("theme.font is ignored in the public build" in r.getMessage() for r in caplog.records)


def test_noindex_option_marks_every_page(program: Path, build_site: Builder) -> None:
    edit(program / "mkdocs.yml", "  - trustbinder/trust\n", "  - trustbinder/trust:\n      noindex: true\n")
    site = build_site(program, "public")
    for page in ("index.html", "documents/index.html", "policies/privacy/index.html", "404.html"):
        assert '<meta name="robots" content="noindex, nofollow">' in (site / page).read_text(), page


def test_pages_are_indexable_by_default(site: Path) -> None:
    assert 'name="robots"' not in (site / "index.html").read_text()


def test_a_public_index_md_is_kept_and_the_sections_follow_its_text(program: Path, build_site: Builder) -> None:
    (program / "content" / "index.md").write_text(
        "---\ntitle: Welcome to Fern & Field\naudience: public\n---\n# Welcome\n\nOur own words come first.\n"
    )
    home = content_of(build_site(program, "public") / "index.html")
    assert home.index("Our own words come first.") < home.index("Certifications and reports")
    assert "tb-hero" not in home  # the user's text is the introduction
    assert "3 controls in 3 categories" in home


def test_a_non_public_index_md_is_replaced_by_the_generated_home(program: Path, build_site: Builder) -> None:
    (program / "content" / "index.md").write_text(
        "---\ntitle: Staff start page\naudience: internal\ndescription: CANARY-HOME-DESCRIPTION\n---\n"
        "# Staff start page\n\nCANARY-HOME-BODY\n"
    )
    site = build_site(program, "public")
    html = (site / "index.html").read_text()
    assert "tb-hero" in html
    assert "CANARY-HOME" not in html and "Staff start page" not in html


def test_home_can_be_placed_elsewhere(program: Path, build_site: Builder) -> None:
    (program / "content" / "index.md").write_text("---\ntitle: Start\naudience: public\n---\n# Start\n\nHello.\n")
    edit(
        program / "mkdocs.yml",
        "  - trustbinder/trust\n",
        "  - trustbinder/trust:\n      home: trust/index.md\n      pages_dir: trust\n",
    )
    site = build_site(program, "public")
    assert "Certifications and reports" not in (site / "index.html").read_text()
    assert "Certifications and reports" in (site / "trust" / "index.html").read_text()
    assert (site / "trust" / "documents" / "index.html").is_file() and (site / "trust" / "feed.xml").is_file()
    assert (site / ".well-known" / "security.txt").is_file()  # RFC 9116: at the root, wherever the pages are


def test_a_published_page_in_the_way_is_an_error_not_overwritten(
    program: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (program / "content" / "faq.md").write_text("---\ntitle: Our FAQ\naudience: public\n---\n# Our FAQ\n")
    assert "content/faq.md is published, but the trust center generates faq.md" in build_error(program, caplog)


def test_explicit_nav_gets_the_trust_center_pages_first(program: Path, build_site: Builder) -> None:
    edit(program / "mkdocs.yml", "plugins:\n", "nav:\n  - policies/security.md\n  - policies/access.md\nplugins:\n")
    site = build_site(program, "public")
    page = (site / "policies" / "security" / "index.html").read_text()
    nav = page.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    labels = re.findall(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', nav)
    assert labels[:5] == ["Overview", "Documents", "Subprocessors", "FAQ", "Information Security Policy"]
    assert '<link rel="prev" href="../../faq/">' in page  # reading order follows the navigation


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("home: ../outside.md", "trustbinder/trust: option 'home': '../outside.md' climbs out with '..'"),
        ("home: trust.html", "trustbinder/trust: option 'home': 'trust.html' is not a Markdown page (.md)"),
    ],
)
def test_bad_plugin_options_are_errors(
    program: Path, caplog: pytest.LogCaptureFixture, options: str, message: str
) -> None:
    edit(program / "mkdocs.yml", "  - trustbinder/trust\n", f"  - trustbinder/trust:\n      {options}\n")
    assert message in build_error(program, caplog)


def test_page_titles_are_escaped_in_the_title_element(program: Path, build_site: Builder) -> None:
    edit(program / "content" / "policies" / "privacy.md", "title: Privacy Policy", 'title: "Privacy </title><b>x</b>"')
    html = (build_site(program, "public") / "policies" / "privacy" / "index.html").read_text()
    assert "<title>Privacy &lt;/title&gt;&lt;b&gt;x&lt;/b&gt; - Fern &amp; Field Trust Center</title>" in html


def test_trust_yml_errors_stop_the_build(program: Path, caplog: pytest.LogCaptureFixture) -> None:
    edit(program / "content" / "trust.yml", 'primary_color: "#2f6b4f"', "primary_color: green")
    assert "content/trust.yml:15: error: key 'branding.primary_color': 'green' is not a colour" in build_error(
        program, caplog
    )


def test_a_program_without_trust_yml_still_gets_a_plain_trust_center(program: Path, build_site: Builder) -> None:
    (program / "content" / "trust.yml").unlink()
    site = build_site(program, "public")
    home = content_of(site / "index.html")
    assert "Fern &amp; Field Trust Center" in home  # the site name stands in for the company
    assert "tb-hero" not in home and "Certifications" not in home
    assert (site / "documents" / "index.html").is_file() and (site / "feed.xml").is_file()
    assert not (site / "faq").exists() and not (site / ".well-known").exists()
    assert feedparser.parse((site / "feed.xml").read_bytes()).bozo == 0
