"""Small previews of evidence artifacts for the evidence index: a few CSV rows, pretty JSON, text, images.

Every preview is bounded (rows, columns, characters and bytes read), so an index of thousands of artifacts
stays a page a browser can open. Nothing here renders HTML: templates escape what they show.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["image", "table", "code", "pdf", "none"]

IMAGES = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg"})
TEXTS = frozenset({"txt", "log", "md", "yml", "yaml", "xml", "ini", "conf", "cfg"})
MAX_COLUMNS = 12
MAX_CELL = 120
MAX_LINES = 40
MAX_LINE = 400  # characters of one line of code or text
EXACT_COUNT_BYTES = 4 << 20  # CSV rows are counted exactly up to this size; above it, lines are counted


@dataclass
class Preview:
    kind: Kind
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total_rows: int = 0
    approximate: bool = False
    text: str = ""
    note: str = ""
    lasting: bool = True  # False when the file could not be read: worth another try next build


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
        return Preview("none", note=f"could not be read for a preview ({error.strerror or error})", lasting=False)
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
        if size > EXACT_COUNT_BYTES:
            total, approximate = _count_lines(path) - 1, True
        elif (records := _plain_records(path)) is not None:
            total, approximate = records - 1, False
        else:
            try:
                total = len(body) + sum(1 for _ in reader)
            except csv.Error:
                total, approximate = _count_lines(path) - 1, True
            else:
                approximate = False
    note = f"{extra_columns} more column(s) not shown" if extra_columns > 0 else ""
    return Preview("table", header, body, max(total, len(body)), approximate, note=note)


def _plain_records(path: Path) -> int | None:
    """Records in a CSV without a quote character, counted as lines; None when quoting (or a lone CR) could
    make a record span lines, where only the csv module counts right. Parsing every row of thousands of
    exports only to count them was most of their preview time."""
    data = path.read_bytes()
    if b'"' in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    return data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)


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
        value = json.loads(text)
    except ValueError:
        return _lines(text, "not valid JSON; shown as written")
    return _pretty(value, text)


def _pretty(value: object, text: str) -> Preview:
    """The first lines of `value` pretty-printed, encoding no further than the preview shows.

    Only the pure-Python encoder indents, at a function call per value: pretty-printing whole files to keep
    their first lines cost more than the rest of the binder. JSON strings never hold a raw newline, so the
    newlines counted in the encoder's chunks are the line breaks of the output.
    """
    chunks: list[str] = []
    newlines = 0
    for chunk in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value):
        chunks.append(chunk)
        newlines += chunk.count("\n")
        if newlines >= MAX_LINES:
            break
    else:
        return _lines("".join(chunks), "")
    shown = "\n".join(_cut(line, MAX_LINE) for line in "".join(chunks).split("\n")[:MAX_LINES])
    return Preview("code", text=shown, note=f"first {MAX_LINES} of {_pretty_line_count(text)} lines")


_EMPTY_CONTAINER = re.compile(r"[\[{]\s*[\]}]")


def _pretty_line_count(text: str) -> int:
    """Lines of valid JSON `text` once pretty-printed, counted from its punctuation rather than by printing it.

    Indented output gives each value without members (a scalar, an empty array or object) one line, and every
    other array or object two (its opening and closing lines); the former are one more than the commas between
    values. Strings are cut out first, escaped quotes and backslashes with them. A key repeated in one object
    counts each time, although parsing keeps only the last.
    """
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")
    outside = "0".join(text.split('"')[0::2])  # each string becomes a scalar with no punctuation
    containers = outside.count("[") + outside.count("{") - len(_EMPTY_CONTAINER.findall(outside))
    return outside.count(",") + 1 + 2 * containers


def _text(path: Path, max_bytes: int) -> Preview:
    text, truncated = _head(path, max_bytes)
    return _lines(text, f"only the first {max_bytes // 1024} KiB were read" if truncated else "")


def _lines(text: str, note: str) -> Preview:
    total = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    first = text.split("\n", MAX_LINES)[:MAX_LINES]
    shown = "\n".join(_cut(line, MAX_LINE) for line in first).rstrip("\n")
    if total > MAX_LINES:
        note = "; ".join(filter(None, [note, f"first {MAX_LINES} of {total} lines"]))
    return Preview("code", text=shown, note=note)
