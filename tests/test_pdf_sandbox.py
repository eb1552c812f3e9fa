"""Hostile evidence: encrypted, damaged, cyclic and active-content PDFs, a fake image, and the sandbox limits.

Each bad artifact must leave a binder that builds, lists it as "not embedded: <reason>" and attaches the file.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import copy_program
from pypdf import PdfReader, PdfWriter

from trustbinder.model import load_program
from trustbinder.pdf.binder import BinderOptions, build_binder_pdf
from trustbinder.pdf.sandbox import Failure, Limits, Sandbox


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand, object 1 the catalog, with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def text_page_pdf(text: bytes, extra_catalog: bytes = b"", extra_page: bytes = b"") -> bytes:
    content = b"BT /F1 14 Tf 72 700 Td (" + text + b") Tj ET"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> " + extra_page + b" >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_page_pdf(b"Locked evidence"))))
    writer.encrypt("evidence-owner-secret", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# The page tree's /Kids lists the page tree itself: a naive reader recurses forever.
CYCLIC = raw_pdf(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
)
# Valid, but it tries to run JavaScript on opening and carries a link out: it is embedded without either.
ACTIVE = text_page_pdf(
    b"Quarterly vendor review signed",
    extra_catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\('binder-payload'\\)) >>",
    extra_page=b"/AA << /O << /S /JavaScript /JS (app.launchURL\\('https://attacker.invalid'\\)) >> >> "
    b"/Annots [<< /Type /Annot /Subtype /Link /Rect [72 690 300 720] "
    b"/A << /S /URI /URI (https://attacker.invalid/phish) >> >>]",
)

HOSTILE = {
    "EV-0101": ("corrupt.pdf", text_page_pdf(b"Damaged")[:180] + b"\x00garbage" * 40, "the PDF is damaged"),
    "EV-0102": ("encrypted.pdf", encrypted_pdf(), "the PDF is encrypted and needs a password"),
    "EV-0103": ("cyclic.pdf", CYCLIC, "its page tree refers to itself"),
    "EV-0104": ("screenshot.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "the image cannot be decoded"),
}


def add_evidence(program: Path, evidence_id: str, name: str, data: bytes) -> Path:
    folder = program / "evidence" / "hostile"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    (folder / f"{name}.meta.yml").write_text(
        f"id: {evidence_id}\ntitle: Hostile sample {name}\ncontrols: [BC-01]\ncollected: 2026-07-01\n"
        "source: A file an attacker planted\n",
        encoding="utf-8",
    )
    return folder / name


def test_hostile_evidence_is_listed_as_not_embedded_and_attached(tmp_path: Path) -> None:
    program = copy_program("pdf", tmp_path)
    for evidence_id, (name, data, _) in HOSTILE.items():
        add_evidence(program, evidence_id, name, data)
    add_evidence(program, "EV-0105", "vendor-review.pdf", ACTIVE)
    output = tmp_path / "binder.pdf"
    started = time.monotonic()
    result = build_binder_pdf(load_program(program), output, options=BinderOptions(limits=Limits(seconds=10)))
    assert time.monotonic() - started < 300
    assert result.timings["evidence"] < 30

    assert subprocess.run(["qpdf", "--check", str(output)], capture_output=True).returncode == 0
    text = " ".join(subprocess.run(["pdftotext", str(output), "-"], capture_output=True, text=True).stdout.split())
    reader = PdfReader(output)
    attachments = reader.attachments
    for evidence_id, (name, data, reason) in HOSTILE.items():
        assert result.not_embedded[evidence_id].startswith(reason)
        assert f"Not embedded: {reason}" in text
        assert attachments[f"{evidence_id}_{name}"] == [data]
        assert hashlib.sha256(data).hexdigest() in text
    # The well-formed merged evidence is still there, and the active one is embedded without its actions.
    assert "EV-0001 | page 2 of 2" in text
    assert "Quarterly vendor review signed" in text and "EV-0105 | page 1 of 1" in text
    raw = output.read_bytes()
    for active in (b"/JavaScript", b"binder-payload", b"attacker.invalid", b"/OpenAction"):
        assert active not in raw


def _sleep_forever(job: int) -> int:
    if job == 2:
        while True:
            time.sleep(1)
    return job * 10


def _allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block) // (1024 * 1024)


def _crash(job: int) -> int:
    if job == 1:
        os.kill(os.getpid(), signal.SIGSEGV)
    return job


def test_a_file_that_hangs_is_stopped_at_the_time_limit_and_the_rest_go_on() -> None:
    started = time.monotonic()
    outcomes = Sandbox(_sleep_forever, Limits(seconds=1.5, workers=2)).run([1, 2, 3, 4])
    assert time.monotonic() - started < 20
    assert outcomes[0] == 10 and outcomes[2] == 30 and outcomes[3] == 40
    failure = outcomes[1]
    assert isinstance(failure, Failure)
    assert failure.reason == "reading it took longer than the 1.5 s time limit"


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="the memory limit is measured on Linux")
def test_a_file_that_needs_too_much_memory_fails_alone() -> None:
    outcomes = Sandbox(_allocate, Limits(memory_mb=200, workers=1)).run([50, 4096, 60])
    assert outcomes[0] == 50 and outcomes[2] == 60
    failure = outcomes[1]
    assert isinstance(failure, Failure)
    assert failure.reason == "opening it needs more than the 200 MiB memory limit"


def test_a_reader_crash_fails_that_file_only() -> None:
    outcomes = Sandbox(_crash, Limits(workers=1)).run([0, 1, 2])
    assert outcomes[0] == 0 and outcomes[2] == 2
    failure = outcomes[1]
    assert isinstance(failure, Failure)
    assert failure.reason == f"the reader crashed on it (signal {int(signal.SIGSEGV)})"
