"""Small previews of evidence artifacts for the evidence index: a few CSV rows, pretty JSON, text, images.

Every preview is bounded (rows, columns, characters and bytes read), so an index of thousands of artifacts
stays a page a browser can open. Nothing here renders HTML: templates escape what they show.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["image", "table", "code", "pdf", "none"]

IMAGES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg"})
TEXTS = frozenset({"txt", "log", "md", "yml", "yaml", "xml", "ini", "conf", "cfg"})
MAX_COLUMNS = 12
MAX_CELL = 120
MAX_LINES = 40
EXACT_COUNT_BYTES = 4 << 20  # parse CSVs up to this size to count rows exactly; count newlines above it


@dataclass
class Preview:
    kind: Kind
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total_rows: int = 0
    approximate: bool = False
    text: str = ""
    note: str = ""


def _cut(value: str, limit: int = MAX_CELL) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def preview(path: Path, kind: str, rows: int, max_bytes: int) -> Preview:
    try:
        if kind in IMAGES:
            return Preview("image")
        if kind == "pdf":
            return Preview("pdf")
        if kind in ("csv", "tsv"):
            return _csv(path, "\t" if kind == "tsv" else ",", rows)
        if kind == "json":
            return _json(path, max_bytes)
        if kind in TEXTS:
            return _text(path, max_bytes)
    except OSError as error:
        return Preview("none", note=f"could not be read for a preview ({error.strerror or error})")
    return Preview("none")


def _csv(path: Path, delimiter: str, rows: int) -> Preview:
    size = path.stat().st_size
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            head = list(itertools.islice(reader, rows + 1))
        except csv.Error as error:
            return Preview("none", note=f"not readable as CSV ({error})")
        if not head:
            return Preview("table", note="empty file")
        header = [_cut(c) for c in head[0][:MAX_COLUMNS]]
        body = [[_cut(c) for c in row[:MAX_COLUMNS]] for row in head[1:]]
        extra_columns = max(len(r) for r in head) - MAX_COLUMNS
        if size <= EXACT_COUNT_BYTES:
            try:
                total = len(body) + sum(1 for _ in reader)
            except csv.Error:
                total, approximate = _count_lines(path) - 1, True
            else:
                approximate = False
        else:
            total, approximate = _count_lines(path) - 1, True
    note = f"{extra_columns} more column(s) not shown" if extra_columns > 0 else ""
    return Preview("table", header, body, max(total, len(body)), approximate, note=note)


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (0 if last == b"\n" else 1)


def _head(path: Path, max_bytes: int) -> tuple[str, bool]:
    with path.open("rb") as stream:
        data = stream.read(max_bytes + 1)
    return data[:max_bytes].decode("utf-8", errors="replace"), len(data) > max_bytes


def _json(path: Path, max_bytes: int) -> Preview:
    text, truncated = _head(path, max_bytes)
    if truncated:
        return _lines(text, f"only the first {max_bytes // 1024} KiB are shown, as written")
    try:
        pretty = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return _lines(text, "not valid JSON; shown as written")
    return _lines(pretty, "")


def _text(path: Path, max_bytes: int) -> Preview:
    text, truncated = _head(path, max_bytes)
    return _lines(text, f"only the first {max_bytes // 1024} KiB were read" if truncated else "")


def _lines(text: str, note: str) -> Preview:
    lines = io.StringIO(text).readlines()
    shown = "".join(_cut(line.rstrip("\n"), 400) + "\n" for line in lines[:MAX_LINES])
    if len(lines) > MAX_LINES:
        note = "; ".join(filter(None, [note, f"first {MAX_LINES} of {len(lines)} lines"]))
    return Preview("code", text=shown.rstrip("\n"), note=note)
