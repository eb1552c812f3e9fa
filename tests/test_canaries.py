"""Canary sweep: unique strings planted in every internal and auditor surface never reach a lower site."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner
from conftest import edit

from trustbinder.cli import main
from trustbinder.model import Audience, load_program

INTERNAL = {
    "page-body": "CANARY-INT-BODY-7Q2",
    "page-title": "CANARY-INT-TITLE-K81",
    "front-matter": "CANARY-INT-OWNER-3ZD",
    "restricted-block": "CANARY-INT-BLOCK-P0W",
    "image-file": "canary-int-image-m4x",
}
AUDITOR = {
    "page-body": "CANARY-AUD-BODY-55J",
    "page-title": "CANARY-AUD-TITLE-2RT",
    "restricted-block": "CANARY-AUD-BLOCK-V9E",
    "html-comment": "CANARY-AUD-COMMENT-H6Y",
    "control-field": "CANARY-AUD-CONTROL-Q3M",
    "audit-yml": "CANARY-AUD-AUDITYML-8NB",
    "artifact": "CANARY-AUD-ARTIFACT-1LS",
    "sidecar": "CANARY-AUD-SIDECAR-Z7C",
    "file-name": "canary-aud-filename-u2g",
}


def plant(program: Path) -> None:
    content = program / "content"
    edit(
        content / "policies" / "access.md",
        "title: Access Policy",
        f"title: Access Policy {INTERNAL['page-title']}",
    )
    edit(
        content / "policies" / "access.md",
        "owner: Head of IT",
        f"owner: Head of IT {INTERNAL['front-matter']}",
    )
    edit(content / "policies" / "access.md", "Access is granted", f"{INTERNAL['page-body']} Access is granted")
    edit(content / "policies" / "access.md", "img/network.png", f"img/{INTERNAL['image-file']}.png")
    (content / "policies" / "img" / "network.png").rename(
        content / "policies" / "img" / f"{INTERNAL['image-file']}.png"
    )
    edit(content / "policies" / "access.md", "Q-exports.", f"Q-exports. {AUDITOR['restricted-block']}")
    edit(content / "policies" / "security.md", "Break-glass", f"{INTERNAL['restricted-block']} Break-glass")
    edit(content / "policies" / "security.md", "editor: tighten", f"editor: {AUDITOR['html-comment']} tighten")
    edit(
        content / "policies" / "access.md",
        "# Access Policy",
        f"# Access Policy\n\n<!-- {AUDITOR['html-comment']} -->",
    )
    edit(
        content / "procedures" / "review.md",
        "title: Access Review Procedure",
        f"title: Access Review Procedure {AUDITOR['page-title']}",
    )
    edit(content / "procedures" / "review.md", "1. Export", f"1. {AUDITOR['page-body']} Export")
    edit(content / "controls.yml", "every quarter.", f"every quarter. {AUDITOR['control-field']}")
    edit(
        content / "audit.yml",
        "Quarterly access review for Q2",
        f"Quarterly access review {AUDITOR['audit-yml']}",
    )
    evidence = program / "evidence" / "access"
    artifact = evidence / f"{AUDITOR['file-name']}.csv"
    (evidence / "2026-q2-review.csv").rename(artifact)
    artifact.write_text(artifact.read_text() + f"{AUDITOR['artifact']},x,y\n")
    sidecar = evidence / "2026-q2-review.csv.meta.yml"
    sidecar.rename(artifact.with_name(artifact.name + ".meta.yml"))
    edit(artifact.with_name(artifact.name + ".meta.yml"), "Okta admin console", f"Okta {AUDITOR['sidecar']}")


def every_byte(site: Path) -> bytes:
    """The content of every file, decompressed where gzip, plus every path (file names leak too)."""
    chunks: list[bytes] = []
    for path in sorted(site.rglob("*")):
        chunks.append(path.relative_to(site).as_posix().encode())
        if path.is_file():
            data = path.read_bytes()
            chunks.append(gzip.decompress(data) if path.suffix == ".gz" else data)
    return b"\n".join(chunks)


def hits(site: Path, canaries: dict[str, str]) -> list[str]:
    blob = every_byte(site).lower()
    return [surface for surface, canary in canaries.items() if canary.lower().encode() in blob]


def test_no_canary_crosses_to_a_lower_audience(mini: Path, tmp_path: Path) -> None:
    plant(mini)
    # The handbook plugin draws the document header (the owner canary) and adds pages built from the model.
    edit(mini / "mkdocs.yml", "  - trustbinder/audience\n", "  - trustbinder/audience\n  - trustbinder/handbook\n")
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "-f", str(mini / "mkdocs.yml"), "--site-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert hits(out / "public", INTERNAL) == []
    assert hits(out / "public", AUDITOR) == []
    assert hits(out / "internal", AUDITOR) == []
    # The sweep can fail: each internal canary a page shows is in the internal site, each auditor one in the auditor's.
    assert set(hits(out / "internal", INTERNAL)) == set(INTERNAL)
    assert set(hits(out / "auditor", AUDITOR)) >= {"page-body", "page-title", "restricted-block"}


def test_starter_public_site_has_no_internal_page_or_restricted_text(starter: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "-f", str(starter / "mkdocs.yml"), "--site-dir", str(out), "--audience", "public"]
    )
    assert result.exit_code == 0, result.output
    program = load_program(starter)
    public_pages = {p.relative_to(out / "public").as_posix() for p in (out / "public").rglob("index.html")}
    expected = {
        ("index.html" if d.src_uri == "index.md" else d.src_uri[:-3] + "/index.html")
        for d in program.documents_for(Audience.PUBLIC)
    }
    expected |= {"documents/index.html", "subprocessors/index.html", "faq/index.html"}  # generated by trustbinder/trust
    assert public_pages == expected
    blob = every_byte(out / "public")
    for document in program.documents:
        if document.audience is not Audience.PUBLIC and document.id:
            assert f'"{document.id}"'.encode() not in blob
    restricted = [
        line.strip() for d in program.documents_for(Audience.PUBLIC) for line in d.body.split("<!-- audience:")[1:]
    ]
    assert restricted, "the starter should demonstrate restricted blocks on public pages"
    for block in restricted:
        secret = block.split("-->", 1)[1].split("<!--", 1)[0].strip().splitlines()[0]
        assert secret.encode() not in blob, secret
