"""Parsed documents kept on disk between runs, like the sidecar cache: each build starts a new process, and
parsing the front matter of a thousand documents costs more than reading back what it produced.

An entry is used only while the file's (mtime, ctime, size, inode) are what they were when it was parsed; it
holds the document and the findings parsing produced, so problems are reported on every run. A document whose
theme keys JSON cannot hold exactly (dates, for example) is simply not cached.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from trustbinder.model.audience import Audience
from trustbinder.model.documents import Document, Revision
from trustbinder.model.findings import Finding
from trustbinder.model.hashcache import CACHE_DIR, read_cache_entries, write_cache_entries

CACHE_FILE = "documents.json"
CACHE_VERSION = 1
DATES = ("effective", "approved_on", "last_reviewed")


def document_stamp(path: str) -> list[int]:
    status = os.stat(path)
    return [status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino]


def _encode(document: Document | None, findings: list[Finding]) -> dict[str, Any] | None:
    record = None
    if document is not None:
        record = asdict(document)
        record["audience"] = document.audience.key
        for key in DATES:
            record[key] = record[key].isoformat() if record[key] else None
        record["revisions"] = [
            [r.version, r.date.isoformat() if r.date else None, r.summary] for r in document.revisions
        ]
        try:
            if json.loads(json.dumps(document.theme_meta)) != document.theme_meta:
                return None
        except (TypeError, ValueError):
            return None
    return {"document": record, "findings": [f.as_dict() for f in findings]}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decode(entry: dict[str, Any]) -> tuple[Document | None, list[Finding]]:
    findings = [Finding(f["path"], f["line"], f["level"], f["message"], f["key"]) for f in entry["findings"]]
    record = entry["document"]
    if record is None:
        return None, findings
    fields = dict(record)
    fields["audience"] = Audience.parse(record["audience"])
    for key in DATES:
        fields[key] = _date(record[key])
    fields["revisions"] = [Revision(version, _date(date), summary) for version, date, summary in record["revisions"]]
    return Document(**fields), findings


class DocumentCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / CACHE_DIR / CACHE_FILE
        self.entries: dict[str, Any] = read_cache_entries(self.path, CACHE_VERSION)
        self.seen: set[str] = set()
        self.changed = False

    def get(self, key: str, stamp: list[int]) -> tuple[Document | None, list[Finding]] | None:
        self.seen.add(key)
        entry = self.entries.get(key)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != stamp:
            return None
        try:
            return _decode(entry[1])
        except (KeyError, TypeError, ValueError):
            return None  # written by another version or damaged: parse the file again

    def put(self, key: str, stamp: list[int], document: Document | None, findings: list[Finding]) -> None:
        encoded = _encode(document, findings)
        if encoded is not None:
            self.entries[key] = [stamp, encoded]
            self.changed = True

    def save(self) -> None:
        """Keep the entries of the files this run saw; a cache that cannot be written is skipped."""
        if not self.changed and self.seen.issuperset(self.entries):
            return
        entries = {key: value for key, value in self.entries.items() if key in self.seen}
        write_cache_entries(self.root, self.path, CACHE_VERSION, entries)
