"""Evidence artifacts of mixed kinds and sizes, each with a valid sidecar.

Most files are 1-50 KB, a few 0.1-2 MB, as exports from real systems are. Text kinds are cut from a pool of
generated rows (so 20,000 files take seconds, not minutes) with a first line naming the file, which makes each
file's hash unique. PNGs are real images of random pixels; PDFs are small one-page documents written by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
import struct
import sys
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from benchkit.documents import q
from benchkit.plan import PERIOD_MONTHS, ControlPlan, Plan, slug
from benchkit.words import AREAS, ROLES, SYSTEMS, Prose

KIND_SHARES = (("csv", 0.40), ("json", 0.25), ("txt", 0.20), ("png", 0.12), ("pdf", 0.03))
LARGE_SHARE = 0.015
SMALL_RANGE = (1_000, 50_000)
LARGE_RANGE = (100_000, 2_000_000)
AUDIENCE_SHARES = (("auditor", 0.93), ("internal", 0.06), ("public", 0.01))
POOL_BYTES = 100_000
CHUNK = 250
ARTIFACT_NOUNS = ("export", "report", "review record", "screenshot", "log", "sign-off")


@dataclass
class EvidenceSummary:
    count: int = 0
    bytes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_control: dict[str, list[str]] = field(default_factory=dict)

    def merge(self, other: EvidenceSummary) -> None:
        self.count += other.count
        self.bytes += other.bytes
        for kind, number in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + number
        for control_id, ids in other.by_control.items():
            self.by_control.setdefault(control_id, []).extend(ids)


class _Pool:
    """Generated text lines, repeated so that a slice of any benchmark size can start at any line."""

    def __init__(self, make_line: Callable[[random.Random], str], rng: random.Random) -> None:
        lines: list[str] = []
        size = 0
        while size < POOL_BYTES:
            line = make_line(rng)
            lines.append(line)
            size += len(line)
        self.size = size
        self.text = "".join(lines) * (LARGE_RANGE[1] // size + 2)

    def cut(self, rng: random.Random, size: int) -> str:
        start = self.text.rfind("\n", 0, rng.randrange(self.size)) + 1
        end = self.text.find("\n", start + size) + 1
        return self.text[start:end]


def _csv_line(rng: random.Random) -> str:
    day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
    user = f"user{rng.randrange(9999):04d}@quillfeather.example"
    return f"{day.isoformat()},{user},{rng.choice(SYSTEMS)},{rng.choice(('granted', 'revoked', 'reviewed'))},ok\n"


def _json_line(rng: random.Random) -> str:
    record = {"id": rng.randrange(10**6), "owner": rng.choice(ROLES), "system": rng.choice(SYSTEMS), "ok": True}
    return "  " + json.dumps(record) + ",\n"


def _log_line(rng: random.Random) -> str:
    seconds = rng.randrange(86400)
    level = rng.choice(("INFO", "INFO", "INFO", "WARN", "ERROR"))
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d} {level} {Prose(rng).phrase()}\n"


def png_bytes(rng: random.Random, size: int) -> bytes:
    width = 256
    height = max(1, size // (width * 3 + 1))
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 0)) + chunk(b"IEND", b"")


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with the given lines in Helvetica, with a correct cross-reference table."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    text = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({line}) '" for line in escaped) + " ET"
    stream = text.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pick(rng: random.Random, shares: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([name for name, _ in shares], weights=[share for _, share in shares])[0]


def _size(rng: random.Random) -> int:
    low, high = LARGE_RANGE if rng.random() < LARGE_SHARE else SMALL_RANGE
    return int(low * (high / low) ** rng.random())  # log-uniform: many small files, a long tail


class _Writer:
    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}-pools")
        self.pools = {"csv": _Pool(_csv_line, rng), "json": _Pool(_json_line, rng), "txt": _Pool(_log_line, rng)}

    def artifact(self, rng: random.Random, kind: str, evidence_id: str, title: str) -> bytes:
        size = _size(rng)
        if kind == "png":
            return png_bytes(rng, size)
        if kind == "pdf":
            return pdf_bytes([title, f"Evidence {evidence_id}", *(Prose(rng).sentence() for _ in range(8))])
        cut = self.pools[kind].cut(rng, size)
        if kind == "csv":
            return f"date,user,system,action,result\n# {evidence_id}\n{cut}".encode()
        if kind == "json":
            return f'{{"evidence": "{evidence_id}", "records": [\n{cut.rstrip().rstrip(",")}\n]}}\n'.encode()
        return f"# {evidence_id}: {title}\n{cut}".encode()


_writer: _Writer | None = None


def _start_worker(seed: int) -> None:
    global _writer
    _writer = _Writer(seed)


def _write_item(plan: Plan, folder: Path, number: int, rng: random.Random, summary: EvidenceSummary) -> None:
    assert _writer is not None
    controls, total = plan.controls, plan.spec.evidence
    control: ControlPlan = controls[number % len(controls)]
    # The k-th of a control's n items covers month k*6/n: every month of the period gets evidence.
    rank, count = number // len(controls), len(range(number % len(controls), total, len(controls)))
    start, end = plan.period.months()[rank * PERIOD_MONTHS // count]
    prose = Prose(rng)
    evidence_id = f"EV-{number + 1:05d}"
    kind = _pick(rng, KIND_SHARES)
    title = f"{rng.choice(AREAS[control.area][2])} {rng.choice(ARTIFACT_NOUNS)}, {start.strftime('%B %Y')}"
    path = folder / control.area / start.strftime("%Y-%m") / f"{slug(title)}-{number + 1:05d}.{kind}"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _writer.artifact(rng, kind, evidence_id, title)
    path.write_bytes(data)
    linked = [control.id]
    other = rng.choice(controls).id
    if rng.random() < 0.2 and other != control.id:
        linked.append(other)
    sidecar = [
        f"id: {evidence_id}",
        f"title: {q(title)}",
        f"controls: [{', '.join(linked)}]",
        f"collected: {(end + dt.timedelta(days=rng.randint(1, 6))).isoformat()}",
        f"period: {{start: {start.isoformat()}, end: {end.isoformat()}}}",
        f"source: {q(rng.choice(SYSTEMS).removeprefix('the ').capitalize() + ', ' + prose.phrase())}",
    ]
    if rng.random() < 0.4:
        sidecar.append(f"query: {q('All records where the reviewer ' + prose.phrase())}")
    sidecar += [f"owner: {q(rng.choice(ROLES))}", f"audience: {_pick(rng, AUDIENCE_SHARES)}"]
    path.with_name(path.name + ".meta.yml").write_text("\n".join(sidecar) + "\n", encoding="utf-8")
    summary.count += 1
    summary.bytes += len(data)
    summary.by_kind[kind] = summary.by_kind.get(kind, 0) + 1
    for control_id in linked:
        summary.by_control.setdefault(control_id, []).append(evidence_id)


def _write_chunk(plan: Plan, folder: Path, first: int) -> EvidenceSummary:
    # One random stream per chunk: the files do not depend on how many processes wrote them.
    rng = random.Random(f"{plan.spec.seed}-evidence-{first}")
    summary = EvidenceSummary()
    for number in range(first, min(first + CHUNK, plan.spec.evidence)):
        _write_item(plan, folder, number, rng, summary)
    return summary


def write_evidence(plan: Plan, folder: Path, workers: int | None = None) -> EvidenceSummary:
    """M artifacts spread over the controls, written by `workers` processes (default: one per core)."""
    firsts = list(range(0, plan.spec.evidence, CHUNK))
    workers = max(1, min(len(firsts), workers or os.cpu_count() or 1))
    if workers == 1:
        _start_worker(plan.spec.seed)
        parts = [_write_chunk(plan, folder, first) for first in firsts]
    else:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(plan.spec.seed,)) as pool:
            parts = list(pool.map(_write_chunk, repeat(plan), repeat(folder), firsts))
    total = EvidenceSummary()
    for part in parts:
        total.merge(part)
    return total
