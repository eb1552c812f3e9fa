"""The binder PDF of a small fixture program: structure, text, bookmarks, links, attachments, reproducibility.

The fixture (tests/fixtures/pdf) has a narrative, two policies and a procedure, three controls, and three
evidence items: a two-page PDF (merged), a PNG (placed as a page) and a CSV (attached).
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import copy_program
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from trustbinder.model import load_program
from trustbinder.pdf.binder import BinderResult, build_binder_pdf

EPOCH = "1767225600"  # 2026-01-01 00:00 UTC


@dataclass
class Built:
    program: Path
    result: BinderResult
    second: Path  # the same program built again into another file
    text: str  # pdftotext of the whole binder, page by page separated by form feeds

    @property
    def pages(self) -> list[str]:
        return self.text.split("\f")


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    program = copy_program("pdf", tmp_path_factory.mktemp("binder"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = build_binder_pdf(load_program(program), program / "site" / "auditor" / "binder.pdf")
        second = program / "again.pdf"
        build_binder_pdf(load_program(program), second)
    yield Built(program, result, second, pdftotext(result.path))


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    out: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                assert isinstance(item, Destination)
                out.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


def test_qpdf_finds_no_structural_problem(built: Built) -> None:
    check = subprocess.run(["qpdf", "--check", str(built.result.path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_every_section_is_in_the_text(built: Built) -> None:
    text = " ".join(built.text.split())
    for expected in (
        # cover
        "Heron Data, Inc.",
        "Heron Platform",
        "2026-04-01 to 2026-09-30",
        "Quill & Ledger CPA LLP",
        "not a git checkout",
        "2026-01-01 00:00 UTC",
        # contents, overview, system description
        "Contents",
        "Overview",
        "Heron runs in two cloud regions with an active standby database replica.",
        # coverage and criteria
        "Coverage matrices",
        "A1.2: Backups, environmental safeguards, recovery",
        "Not covered: no control is mapped to this criterion.",
        # controls
        "BC-01: Quarterly restore test",
        "A snapshot is restored into the recovery account every quarter.",
        # policies and procedures, restricted blocks included for the auditor
        "Access to customer data is granted per ticket and expires after ninety days.",
        "Staff reach the admin console through the bastion host heron-jump-01.",
        "Sampling notes for the auditor are kept with request R-001.",
        "Restore last night's snapshot into the recovery account every quarter.",
        # evidence index, request list, appendix
        "Evidence index",
        "Tickets of type data-access with an approval, April to June",
        "Request list",
        "Access approvals for customer data during the period",
        "Appendix: artifacts and checksums",
        hashlib.sha256((built.program / "evidence/access/customer-data-approvals.csv").read_bytes()).hexdigest(),
        # the merged evidence PDF, with its stamp
        "Snapshot restored in 41 minutes; checksums matched.",
        "EV-0001 | page 1 of 2",
        "EV-0001 | page 2 of 2",
        # the image page
        "EV-0002 | page 1 of 1",
    ):
        assert expected in text, expected
    assert "never print this sentence" not in text  # HTML comments never reach any output


def test_running_header_and_page_x_of_y_footer(built: Built) -> None:
    pages = built.pages[:-1]  # pdftotext ends with a form feed
    total = built.result.pages
    assert len(pages) == total
    assert "Confidential: prepared for" not in pages[0].splitlines()[0]  # the cover has no running header
    for number in (2, 3, total):
        assert "Confidential: prepared for Quill & Ledger CPA LLP" in pages[number - 1]
        assert f"page {number} of {total}" in pages[number - 1]


def test_contents_page_numbers_match_the_bookmarks(built: Built) -> None:
    reader = PdfReader(built.result.path)
    top = {title: page for depth, title, page in outline(reader) if depth == 0}
    contents = pdftotext(built.result.path, "-layout", "-f", "2", "-l", "2")
    for title in ("Overview", "Controls", "Evidence index", "Request list", "Appendix: artifacts and checksums"):
        match = re.search(rf"^\s*{re.escape(title)}\s*\.+\s*(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{title} not in the contents:\n{contents}"
        assert int(match.group(1)) == top[title]
        assert title in built.pages[top[title] - 1]


def test_bookmarks_nest_sections_then_every_control_document_and_evidence_item(built: Built) -> None:
    reader = PdfReader(built.result.path)
    marks = outline(reader)
    top = [title for depth, title, _ in marks if depth == 0]
    assert top == [
        "Contents",
        "Overview",
        "System description",
        "Coverage matrices",
        "Criteria",
        "Controls",
        "Policies and procedures",
        "Evidence index",
        "Request list",
        "Evidence",
        "Appendix: artifacts and checksums",
    ]
    titles = {title: (depth, page) for depth, title, page in marks}
    for control in ("AC-01", "BC-01", "MON-01"):
        assert any(t.startswith(f"{control}: ") and d == 1 for t, (d, _) in titles.items()), control
    for document in ("POL-AC: Access Policy", "POL-SEC: Security Policy", "PRC-RESTORE: Restore Test Procedure"):
        assert titles[document][0] == 2
    assert titles["A1.2: Backups, environmental safeguards, recovery"][0] == 2
    evidence = {t.split(":")[0]: page for t, (d, page) in titles.items() if t.startswith("EV-") and d == 1}
    assert set(evidence) == {"EV-0001", "EV-0002", "EV-0003"}
    # A merged PDF's bookmark opens on its first stamped page.
    assert "EV-0001 | page 1 of 2" in built.pages[evidence["EV-0001"] - 1]
    assert "Restore test report, second quarter" in built.pages[evidence["EV-0001"] - 1]


def test_internal_links_land_on_the_page_of_their_target(built: Built) -> None:
    reader = PdfReader(built.result.path)
    destinations = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    control_page = destinations["ctl-BC-01"]
    assert "BC-01: Quarterly restore test" in built.pages[control_page]
    # A Markdown link between two policies becomes a link to the heading it names.
    assert "Granting access" in built.pages[destinations["docsec-POL-AC-granting-access"]]
    links = 0
    targets: set[str] = set()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link" or "/URI" in annotation.get("/A", {}):
                continue
            links += 1
            target = annotation.get("/Dest") or annotation["/A"]["/D"]
            name = str(target) if not isinstance(target, list) else None
            if name is not None:
                assert name.lstrip("/") in destinations, f"dangling link to {name}"
                targets.add(name.lstrip("/"))
    assert links > 20
    assert {"docsec-POL-AC-granting-access", "ctl-BC-01", "ev-EV-0001"} <= targets


def test_attachments_carry_the_files_and_their_checksums(built: Built) -> None:
    reader = PdfReader(built.result.path)
    attachments = reader.attachments
    assert list(attachments) == ["EV-0003_customer-data-approvals.csv"]
    original = (built.program / "evidence/access/customer-data-approvals.csv").read_bytes()
    assert attachments["EV-0003_customer-data-approvals.csv"] == [original]
    names = reader.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    spec = names[1].get_object()
    assert hashlib.sha256(original).hexdigest() in spec["/Desc"]
    params = spec["/EF"]["/F"].get_object()["/Params"]
    assert params["/Size"] == len(original)
    checksum = params["/CheckSum"]  # pypdf reads a hex string as text when its bytes happen to decode
    assert getattr(checksum, "original_bytes", checksum) == hashlib.md5(original).digest()


def test_two_builds_are_byte_identical(built: Built) -> None:
    first = built.result.path.read_bytes()
    assert first == built.second.read_bytes()
    reader = PdfReader(built.result.path)
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"] == "D:20260101000000+00'00'"
    first_id, second_id = (getattr(part, "original_bytes", part) for part in reader.trailer["/ID"])
    assert first_id == second_id and len(first_id) == 16 and first_id != bytes(16)


def test_pdf_pages_sizes_follow_the_evidence(built: Built) -> None:
    reader = PdfReader(built.result.path)
    stamped = [page for page in reader.pages if "EV-0001 | page" in (page.extract_text() or "")]
    assert len(stamped) == 2
    for page in stamped:
        # US Letter as the evidence was, plus the stamp band below it
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 808)


def test_no_network_and_no_file_outside_the_program_is_read(tmp_path: Path) -> None:
    program = copy_program("pdf", tmp_path)
    secret = tmp_path / "outside.png"
    Image.new("RGB", (77, 33), "red").save(secret)
    policy = program / "content/policies/access.md"
    policy.write_text(
        policy.read_text()
        + f"\n![outside]({secret.as_uri()})\n\n![remote](https://example.invalid/pixel.png)\n"
        + '\n<img src="../../outside.png">\n',
        encoding="utf-8",
    )
    result = build_binder_pdf(load_program(program), tmp_path / "binder.pdf")
    refused = "\n".join(result.warnings)
    assert secret.as_uri() in refused
    assert "https://example.invalid/pixel.png" in refused
    sizes = {image.image.size for page in PdfReader(tmp_path / "binder.pdf").pages for image in page.images}
    # The policy's own diagram and the evidence screenshot; nothing from outside the program.
    assert sizes == {(300, 120), (480, 300)}
