"""Build the binder PDF: check evidence in the sandbox, render the print template, merge, attach, write."""

from __future__ import annotations

import io
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pypdf
import weasyprint
from pypdf import PdfReader, PdfWriter

from trustbinder import __version__
from trustbinder.model import Program
from trustbinder.model.buildinfo import BuildInfo, build_info
from trustbinder.model.hashcache import UnreadableEvidence, artifact_digests
from trustbinder.pdf import anchors
from trustbinder.pdf.assemble import (
    Attachment,
    attach_files,
    encrypted_copy,
    place_evidence,
    set_metadata,
    write_reproducibly,
)
from trustbinder.pdf.context import BinderContext, EvidenceEntry, build_context
from trustbinder.pdf.evidence import EvidenceJob, Prepared, kind_of, prepare
from trustbinder.pdf.fetcher import ConfinedFetcher
from trustbinder.pdf.progress import Progress, Quiet
from trustbinder.pdf.sandbox import Failure, Limits, Sandbox

TEMPLATES = Path(__file__).parent / "templates"
REPORT_TYPES = {"type1": "SOC 2 Type I", "type2": "SOC 2 Type II"}
MIB = 1024 * 1024


class BinderError(Exception):
    """The binder cannot be built; the message says why."""


@dataclass(frozen=True)
class BinderOptions:
    limits: Limits = field(default_factory=Limits)
    max_pages: int = 2000
    """Pages an evidence PDF may have and still be merged."""
    max_pixels: int = 50_000_000
    """Pixels an evidence image may have and still be placed as a page."""
    max_attachment_mb: int = 256
    """Largest artifact embedded as an attachment; larger ones are listed with their checksum only."""


@dataclass
class BinderResult:
    path: Path
    encrypted_path: Path | None
    pages: int
    evidence_pages: int
    entries: list[EvidenceEntry]
    warnings: list[str]
    timings: dict[str, float]
    html: str = field(repr=False, default="")

    @property
    def not_embedded(self) -> dict[str, str]:
        return {e.item.id: e.reason for e in self.entries if e.reason}


def attachment_name(entry: EvidenceEntry) -> str:
    return f"{entry.item.id}_{Path(entry.item.artifact).name}"


def collect_evidence(
    program: Program, options: BinderOptions, workdir: Path, progress: Progress
) -> tuple[list[EvidenceEntry], dict[str, Path]]:
    """Hash every artifact and try to open each PDF and image in the sandbox.

    Returns the entries in ID order and, for each merged PDF, its stamped copy in `workdir`.
    """
    items = sorted(program.evidence.values(), key=lambda e: e.id)
    progress.step(f"hashing {len(items)} evidence artifact(s)")
    try:  # unchanged artifacts are answered from the hash cache `check` keeps
        digests = artifact_digests(program.root, [item.artifact for item in items])
    except UnreadableEvidence as error:
        raise BinderError(str(error)) from None
    entries = [EvidenceEntry(item, digests[item.artifact], kind_of(item.artifact)) for item in items]
    jobs = [
        EvidenceJob(
            e.item.id,
            e.kind,
            str(program.root / e.item.artifact),
            str(workdir / f"{index}.pdf"),
            options.max_pages,
            options.max_pixels,
        )
        for index, e in enumerate(entries)
        if e.kind in ("pdf", "image")
    ]
    stamped: dict[str, Path] = {}
    if jobs:
        limits = options.limits
        progress.step(
            f"opening {len(jobs)} evidence PDF(s) and image(s) in a sandbox "
            f"({limits.seconds:g} s and {limits.memory_mb} MiB each)"
        )
        outcomes = Sandbox(prepare, limits).run(jobs, lambda done, total: progress.update(f"checked {done}/{total}"))
        by_id = {e.item.id: e for e in entries}
        for job, outcome in zip(jobs, outcomes, strict=True):
            entry = by_id[job.evidence_id]
            if isinstance(outcome, Failure):
                entry.reason = outcome.reason
                progress.step(f"{entry.item.id} not embedded: {outcome.reason}")
            elif isinstance(outcome, Prepared):
                entry.pages = outcome.pages
                if entry.kind == "pdf":
                    stamped[entry.item.id] = Path(job.output)
                else:
                    entry.landscape = outcome.width > outcome.height * 1.15
                    entry.image_url = Path(job.source).resolve().as_uri()
    for entry in entries:
        if entry.embedded:
            continue
        if entry.item.size > options.max_attachment_mb * MIB:
            entry.attach_reason = f"larger than {options.max_attachment_mb} MiB; the file is in the evidence folder"
        else:
            entry.attachment = attachment_name(entry)
    return entries, stamped


def render_html(program: Program, entries: list[EvidenceEntry], info: BuildInfo) -> tuple[str, BinderContext]:
    context = build_context(program, entries, info)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True),
        undefined=jinja2.StrictUndefined,
    )
    logo = None
    if program.trust.logo:
        path = (program.docs_dir / program.trust.logo).resolve()
        if path.is_file() and path.is_relative_to(program.docs_dir):
            logo = path.as_uri()
    html = env.get_template("binder.html").render(
        **vars(context),
        audit=program.audit,
        report_type=REPORT_TYPES.get(program.audit.report_type or "", program.audit.report_type),
        anchors=anchors,
        logo=logo,
        sha256={e.item.id: e.sha256 for e in entries},
        size=human_size,
    )
    return html, context


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024 or unit == "MiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"  # pragma: no cover


class _WeasyLog(logging.Handler):
    """WeasyPrint's progress to the terminal, its warnings to the result."""

    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "weasyprint.progress":
            self.progress.update(f"rendering: {record.getMessage()}")
        elif record.levelno >= logging.WARNING:
            self.warnings.append(" ".join(record.getMessage().split()))


def render_pdf(program: Program, html: str, progress: Progress) -> tuple[weasyprint.Document, bytes, list[str]]:
    """WeasyPrint's document (pages with their anchors) and its PDF, with nothing fetched from outside."""
    fetcher = ConfinedFetcher([program.docs_dir, program.evidence_dir])
    logger = logging.getLogger("weasyprint")
    handler = _WeasyLog(progress)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        stylesheet = weasyprint.CSS(string=(TEMPLATES / "binder.css").read_text(encoding="utf-8"), url_fetcher=fetcher)
        document = weasyprint.HTML(
            string=html, base_url=program.docs_dir.as_uri() + "/", url_fetcher=fetcher, media_type="print"
        ).render(stylesheets=[stylesheet])
        progress.step(f"laid out {len(document.pages)} pages; writing them")
        data = document.write_pdf()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    warnings = [f"not loaded (only files inside the program are read): {url}" for url in dict.fromkeys(fetcher.refused)]
    warnings += [w for w in handler.warnings if not any(url in w for url in fetcher.refused)]
    return document, data, warnings


def _attachments(entries: list[EvidenceEntry], program: Program) -> list[Attachment]:
    out = []
    for entry in entries:
        if entry.attachment:
            description = f"{entry.item.id}: {entry.item.title}. SHA-256 {entry.sha256}"
            data = (program.root / entry.item.artifact).read_bytes()
            out.append(Attachment(entry.attachment, data, entry.sha256, description))
    return out


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def encrypted_path_for(output: Path) -> Path:
    return output.with_name(output.stem + ".encrypted.pdf")


def build_binder_pdf(
    program: Program,
    output: Path,
    *,
    password: str | None = None,
    options: BinderOptions | None = None,
    progress: Progress | None = None,
) -> BinderResult:
    """Write the binder to `output` (and its AES-256 copy when `password` is given)."""
    if not program.ok:
        raise BinderError(f"the program has {len(program.findings.errors)} error(s); run `trustbinder check`")
    options = options or BinderOptions()
    progress = progress or Quiet()
    timings: dict[str, float] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="trustbinder-pdf-") as workdir:
        entries, stamped = collect_evidence(program, options, Path(workdir), progress)
        timings["evidence"] = time.monotonic() - started

        mark = time.monotonic()
        html, context = render_html(program, entries, build_info(program.root))
        progress.step("rendering the binder with WeasyPrint")
        document, rendered, warnings = render_pdf(program, html, progress)
        timings["render"] = time.monotonic() - mark

        mark = time.monotonic()
        progress.step(f"merging {len(stamped)} evidence PDF(s) into {len(document.pages)} pages")
        slots = {anchor: index for index, page in enumerate(document.pages) for anchor in page.anchors}
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(rendered)))
        evidence_pages = 0
        for number, (evidence_id, path) in enumerate(stamped.items(), 1):
            evidence_pages += place_evidence(writer, slots[anchors.evidence_page_anchor(evidence_id, 1)], path)
            progress.update(f"merged {number}/{len(stamped)}")
        attachments = _attachments(entries, program)
        if attachments:
            progress.step(f"attaching {len(attachments)} file(s)")
        attach_files(writer, attachments, context.built)
        producer = f"trustbinder {__version__} with WeasyPrint {weasyprint.__version__} and pypdf {pypdf.__version__}"
        set_metadata(
            writer,
            {
                "/Title": f"{context.organization}: audit binder for {context.system}",
                "/Author": context.organization,
                "/Subject": f"Confidential: prepared for {context.auditor}",
                "/Creator": f"trustbinder {__version__}",
                "/Producer": producer,
            },
            context.built,
        )
        data = write_reproducibly(writer)
        timings["merge"] = time.monotonic() - mark
    _write_atomically(output, data)
    encrypted = None
    if password is not None:
        progress.step("writing the AES-256 encrypted copy")
        encrypted = encrypted_path_for(output)
        _write_atomically(encrypted, encrypted_copy(data, password))
    timings["total"] = time.monotonic() - started
    for warning in warnings:
        progress.step(f"warning: {warning}")
    progress.step(f"wrote {output} ({len(document.pages)} pages, {human_size(len(data))}) in {timings['total']:.1f} s")
    return BinderResult(output, encrypted, len(document.pages), evidence_pages, entries, warnings, timings, html)
