"""Hostile and careless input: each case asserts the specific behaviour trustbinder promises."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import unicodedata
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Builder, copy_program, edit, site_files
from mkdocs.exceptions import Abort

from trustbinder.builder import build_one
from trustbinder.cli import main
from trustbinder.model import evidence as evidence_module

HASH = re.compile(r"\.[0-9a-f]{8}\.min\.")
THEME_ASSETS = re.compile(
    r"^assets/(javascripts/(bundle\.HASH\.min\.js|workers/search\.HASH\.min\.js|lunr/(tinyseg|wordcut)\.js"
    r"|lunr/min/lunr\.[a-z]+(\.[a-z]+)*\.min\.js)|stylesheets/(main|palette)\.HASH\.min\.css|images/favicon\.png)$"
)
GOLDEN_MINI_PUBLIC = {
    "404.html",
    "index.html",
    "policies/security/index.html",
    "assets/logo.svg",
    "search/search_index.json",
    "sitemap.xml",
    "sitemap.xml.gz",
}


def check(program: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-f", str(program / "mkdocs.yml")])
    return result.exit_code, result.output


def build_cli(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "-f", str(program / "mkdocs.yml"), *args])
    return result.exit_code, result.output


# 2. Golden public tree


def test_public_tree_is_exactly_the_approved_list(mini: Path, build_site: Builder) -> None:
    site = build_site(mini, "public")
    paths = {HASH.sub(".HASH.min.", p) for p in site_files(site)}
    theme = {p for p in paths if THEME_ASSETS.match(p)}
    assert paths - theme == GOLDEN_MINI_PUBLIC
    assert not any(p.endswith((".md", ".yml", ".map", ".csv")) or "/." in "/" + p for p in paths)


# 3. An excluded page leaves no trace


def test_excluded_page_leaves_no_trace_even_when_nav_names_it(mini: Path, build_site: Builder) -> None:
    edit(
        mini / "mkdocs.yml",
        "plugins:",
        "nav:\n  - index.md\n  - policies/security.md\n  - Staff: policies/access.md\nplugins:",
    )
    site = build_site(mini, "public")
    blob = b"".join(site_files(site).values())
    assert b"policies/access" not in blob and b"Staff" not in blob and b"Access Policy" not in blob
    index = json.loads((site / "search" / "search_index.json").read_text())
    assert all("access" not in doc["location"] for doc in index["docs"])


# 4. Crossing links are build errors naming both files


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ("[staff](policies/access.md)", "links to content/policies/access.md (audience: internal)"),
        ("![diagram](policies/img/network.png)", None),
        ("[export](../evidence/access/2026-q2-review.csv)", "outside the docs folder 'content'"),
        ("[register](controls.yml)", "links to the data file content/controls.yml"),
        ("[env](../../.env)", "outside the docs folder"),
        ("[env](%2e%2e/%2e%2e/.env)", "outside the docs folder"),
        ("[win](..\\secret.md)", "contains a backslash"),
        ("[abs](/etc/passwd)", "is an absolute path"),
    ],
)
def test_public_page_crossing_an_audience_fails_check(mini: Path, snippet: str, message: str | None) -> None:
    edit(mini / "content" / "index.md", "Read our", f"{snippet} Read our")
    code, output = check(mini)
    if message is None:
        # An image only internal pages used becomes public once a public page embeds it on purpose.
        assert code == 0, output
        return
    assert code == 1, output
    assert "content/index.md:7: error: " in output and message in output


# 5. Broken front matter is fatal and never rendered


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("effective: 2026-02-01", "effective: 2026-02-31", 7, "is not a valid date"),
        ("controls: [AC-01, AC-02]", "controls:\n\t- AC-01", 12, "invalid YAML"),
        ("id: POL-AC", "- id: POL-AC", 3, "invalid YAML"),
        ("title: Access Policy", "title: Access Policy\ntitle: Again", 4, "duplicate key 'title'"),
    ],
)
def test_broken_front_matter_is_fatal_and_never_rendered(
    mini: Path, tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    edit(mini / "content" / "policies" / "access.md", old, new)
    code, output = build_cli(mini, "--site-dir", str(tmp_path / "out"))
    assert code == 1
    assert f"content/policies/access.md:{line}: error: " in output and message in output
    assert not (tmp_path / "out").exists()


def test_front_matter_over_the_size_cap_is_refused(mini: Path) -> None:
    edit(mini / "content" / "policies" / "access.md", "owner: Head of IT", "owner: Head of IT\nnotes: " + "x" * 70_000)
    code, output = check(mini)
    assert code == 1 and "over the limit of 65536 bytes" in output


# 8. Raw active HTML on a public page fails the build


@pytest.mark.parametrize(
    ("html", "reported"),
    [
        ("<script>alert(1)</script>", "<script> element"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe> element"),
        ('<a href="#" onclick="steal()">x</a>', "event handler attribute onclick="),
        ('<a href="javascript:steal()">x</a>', 'href="javascript:steal()"'),
        ('<a href=" JaVaScRiPt:steal()">x</a>', "href="),
    ],
)
def test_active_html_on_a_public_page_fails_the_build(mini: Path, html: str, reported: str) -> None:
    edit(mini / "content" / "index.md", "Read our", f"{html}\n\nRead our")
    with pytest.raises(Abort):
        build_one(str(mini / "mkdocs.yml"), "public", str(mini / "site" / "public"))
    assert not (mini / "site" / "public").exists()


def test_active_html_error_names_the_file(mini: Path) -> None:
    edit(mini / "content" / "index.md", "Read our", "<script>alert(1)</script>\n\nRead our")
    code, output = build_cli(mini, "--audience", "public")
    assert code == 1
    assert "content/index.md would publish active content on the public site: <script> element" in output


def test_code_samples_of_html_are_not_active_content(mini: Path, build_site: Builder) -> None:
    edit(mini / "content" / "index.md", "Read our", "```html\n<script>alert(1)</script>\n```\n\nRead our")
    site = build_site(mini, "public")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (site / "index.html").read_text()


# 9. Template syntax in content renders literally


def test_template_syntax_in_content_renders_literally(mini: Path, build_site: Builder) -> None:
    edit(
        mini / "content" / "index.md",
        "Read our",
        "Braces {{ config.site_name }} and {% include 'main.html' %}.\n\nRead our",
    )
    html = (build_site(mini, "public") / "index.html").read_text()
    assert "Braces {{ config.site_name }} and {% include 'main.html' %}." in html


# 10. Symlinks and traversal


def test_symlink_to_a_file_outside_the_program_is_refused(mini: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\naudience: public\n---\nOUTSIDE-SECRET\n")
    (mini / "content" / "leak.md").symlink_to(secret)
    code, output = check(mini)
    assert code == 1 and "content/leak.md: error: symlink points outside the program" in output
    code, output = build_cli(mini, "--site-dir", str(tmp_path / "out"))
    assert code == 1 and not (tmp_path / "out").exists()


def test_symlinked_folder_loop_and_broken_link_are_refused(mini: Path) -> None:
    (mini / "content" / "policies" / "again").symlink_to(mini / "content")
    (mini / "evidence" / "gone.csv").symlink_to(mini / "nowhere.csv")
    code, output = check(mini)
    assert code == 1
    assert "content/policies/again: error: symlink loops back to its own parent folder" in output
    assert "evidence/gone.csv: error: symlink is broken or loops" in output


def test_evidence_symlink_outside_the_program_is_refused(mini: Path, tmp_path: Path) -> None:
    (tmp_path / "passwd").write_text("root:x:0:0\n")
    (mini / "evidence" / "access" / "users.txt").symlink_to(tmp_path / "passwd")
    code, output = check(mini)
    assert code == 1 and "evidence/access/users.txt: error: symlink points outside the program" in output


# 11. Names that collide by case or Unicode form


def test_names_differing_only_by_case_collide(mini: Path) -> None:
    (mini / "content" / "policies" / "Security.md").write_text("---\naudience: internal\n---\n# Other\n")
    code, output = check(mini)
    assert code == 1
    assert "name collides with content/policies/" in output


def test_names_differing_only_by_unicode_form_collide(mini: Path) -> None:
    composed = unicodedata.normalize("NFC", "résumé.md")
    decomposed = unicodedata.normalize("NFD", "résumé.md")
    (mini / "content" / composed).write_text("# One\n")
    (mini / "content" / decomposed).write_text("# Two\n")
    code, output = check(mini)
    assert code == 1 and "names may not differ only by case or Unicode form" in output


# 12. Stale output never survives


def test_stale_files_from_an_earlier_build_do_not_survive(mini: Path, build_site: Builder) -> None:
    site = build_site(mini, "public")
    (site / "old-internal-page.html").write_text("stale")
    (site / ".hidden").write_text("stale")
    site = build_site(mini, "public")
    assert not (site / "old-internal-page.html").exists() and not (site / ".hidden").exists()


# 13. Huge artifacts and zip bombs


def test_artifact_over_the_size_limit_is_refused(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_module, "MAX_ARTIFACT_BYTES", 16)
    code, output = check(mini)
    assert code == 1 and "evidence/access/2026-q2-review.csv: error: artifact is 36 bytes, over the limit" in output


def test_zip_bomb_is_refused_by_ratio_without_unpacking(mini: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * 20_000_000)
    bomb = mini / "evidence" / "access" / "export.xlsx"
    bomb.write_bytes(buffer.getvalue())
    bomb.with_name("export.xlsx.meta.yml").write_text(
        "id: EV-0099\ntitle: Export\ncontrols: [AC-02]\ncollected: 2026-07-01\nsource: Okta\n"
    )
    code, output = check(mini)
    assert code == 1 and "refused as a decompression bomb" in output


# 14. Public images carry no metadata


def _png_with_text() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Author\0GPS-CANARY-51.5N")
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"eXIf", b"MM\0*EXIF-CANARY")
        + chunk(b"IEND", b"")
    )


def _jpeg_with_exif() -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    app1 = b"\xff\xe1" + struct.pack(">H", 2 + 20) + b"Exif\0\0JPEG-CANARY-GPS"[:20]
    comment = b"\xff\xfe" + struct.pack(">H", 2 + 14) + b"COMMENT-CANARY"
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + b"\x12\x34\xff\xd9"
    return b"\xff\xd8" + app0 + app1 + comment + scan


def test_public_images_lose_their_metadata(mini: Path, build_site: Builder) -> None:
    (mini / "content" / "assets" / "team.png").write_bytes(_png_with_text())
    (mini / "content" / "assets" / "office.jpg").write_bytes(_jpeg_with_exif())
    site = build_site(mini, "public")
    png = (site / "assets" / "team.png").read_bytes()
    jpeg = (site / "assets" / "office.jpg").read_bytes()
    assert b"CANARY" not in png and b"IDAT" in png and png.startswith(b"\x89PNG")
    assert b"CANARY" not in jpeg and b"JFIF" in jpeg and jpeg.endswith(b"\x12\x34\xff\xd9")


def test_public_images_of_formats_that_cannot_be_cleaned_are_refused(mini: Path) -> None:
    (mini / "content" / "assets" / "photo.gif").write_bytes(b"GIF89a")
    with pytest.raises(Abort):
        build_one(str(mini / "mkdocs.yml"), "public", str(mini / "site" / "public"))


def test_svg_with_script_is_refused_on_the_public_site(mini: Path) -> None:
    (mini / "content" / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
    code, output = build_cli(mini, "--audience", "public")
    assert code == 1 and "content/assets/logo.svg: SVG with active content: event handler attribute onload=" in output


# 15. Reproducible output


def _build_in(program: Path, out: Path, env_changes: dict[str, str]) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **env_changes}
    for audience in ("public", "internal"):
        command = ["build", "-f", str(program / "mkdocs.yml"), "--site-dir", str(out), "--audience", audience]
        subprocess.run([sys.executable, "-m", "trustbinder.cli", *command], check=True, env=env, capture_output=True)


def test_same_program_builds_byte_identical_anywhere(tmp_path: Path) -> None:
    first = copy_program("mini", tmp_path / "a")
    second = copy_program("mini", tmp_path / "b" / "deeper")
    _build_in(first, tmp_path / "out-a", {"TZ": "UTC", "LANG": "C.UTF-8"})
    _build_in(second, tmp_path / "out-b", {"TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8"})
    for audience in ("public", "internal"):
        assert site_files(tmp_path / "out-a" / audience) == site_files(tmp_path / "out-b" / audience), audience


# 16. No cross-contamination between audiences built in one checkout


def test_public_after_internal_equals_a_clean_public_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = copy_program("mini", tmp_path / "shared")
    clean = copy_program("mini", tmp_path / "clean")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    build_one(str(shared / "mkdocs.yml"), "internal", str(shared / "site" / "internal"))
    build_one(str(shared / "mkdocs.yml"), "public", str(shared / "site" / "public"))
    build_one(str(clean / "mkdocs.yml"), "public", str(clean / "site" / "public"))
    assert site_files(shared / "site" / "public") == site_files(clean / "site" / "public")


class _ElementCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def parsed_elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _ElementCollector()
    collector.feed(html)
    return collector.found


# 7. Script injection through titles, summaries, trust.yml and control fields

TITLE_XSS = "Policy </title><script>alert('t1')</script>"
ATTR_XSS = "\"><img src=x onerror=alert('a1')>"


def _plant_xss(program: Path) -> None:
    edit(
        program / "mkdocs.yml",
        "  - trustbinder/audience\n",
        "  - trustbinder/audience\n  - trustbinder/trust\n  - trustbinder/handbook\n",
    )
    content = program / "content"
    edit(
        content / "policies" / "security.md",
        "title: Security Policy",
        f"title: {json.dumps(TITLE_XSS)}\ndescription: {json.dumps(ATTR_XSS)}",
    )
    edit(content / "policies" / "access.md", "title: Access Policy", f"title: {json.dumps(ATTR_XSS)}")
    edit(
        content / "controls.yml",
        "public_summary: All staff sign in with single sign-on and hardware security keys.",
        f"public_summary: {json.dumps(ATTR_XSS + ' All staff use hardware keys.')}",
    )
    edit(content / "controls.yml", "category: Access control", f"category: {json.dumps(TITLE_XSS)}")
    edit(content / "trust.yml", "overview: Mini Corp makes a small platform.", f"overview: {json.dumps(TITLE_XSS)}")
    edit(content / "trust.yml", "purpose: Hosting", f"purpose: {json.dumps(ATTR_XSS)}")
    edit(content / "trust.yml", "title: Published our SOC 2 report", f"title: {json.dumps(TITLE_XSS)}")
    edit(content / "trust.yml", 'q: "Do you encrypt data at rest?"', f"q: {json.dumps(ATTR_XSS)}")


def _injected(html: str) -> list[str]:
    found = []
    for tag, attrs in parsed_elements(html):
        if any(name.startswith("on") for name in attrs):
            found.append(f"<{tag}> with an event handler")
        if tag == "img" and attrs.get("src") == "x":
            found.append("injected <img>")
    found.extend("injected <script>" for _ in re.finditer(r"<script>alert\('t1'\)", html))
    return found


def test_script_payloads_are_escaped_in_every_output(mini: Path, tmp_path: Path) -> None:
    _plant_xss(mini)
    out = tmp_path / "site"
    code, output = build_cli(mini, "--site-dir", str(out), "--audience", "public")
    assert code == 0, output
    code, output = build_cli(mini, "--site-dir", str(out), "--audience", "internal")
    assert code == 0, output
    for audience in ("public", "internal"):
        site = out / audience
        for page in site.rglob("*.html"):
            assert _injected(page.read_text()) == [], f"{audience}: {page.relative_to(site)}"
        for data in [*site.rglob("*.json"), *site.rglob("*.xml"), *site.rglob("*.txt")]:
            text = data.read_text()
            assert "<script>alert" not in text and "<img src=x" not in text, f"{audience}: {data.relative_to(site)}"
    public_title = (out / "public" / "policies" / "security" / "index.html").read_text()
    assert "<title>Policy &lt;/title&gt;&lt;script&gt;" in public_title
    internal_title = (out / "internal" / "policies" / "access" / "index.html").read_text()
    assert "<title>&#34;&gt;&lt;img src=x onerror=" in internal_title or "<title>&quot;&gt;&lt;img" in internal_title


@pytest.mark.parametrize("key", ["website", "request_access_url"])
def test_script_urls_in_trust_yml_are_refused(mini: Path, key: str) -> None:
    edit(mini / "mkdocs.yml", "  - trustbinder/audience\n", "  - trustbinder/audience\n  - trustbinder/trust\n")
    trust = mini / "content" / "trust.yml"
    text = trust.read_text()
    value = "https://mini.example" if key == "website" else "https://mini.example/trust/request"
    trust.write_text(text.replace(f"{key}: {value}", f"{key}: javascript:alert(1)", 1))
    code, output = check(mini)
    assert code == 1, output
    assert "content/trust.yml:" in output and key in output
