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
from trustbinder.model.parsecache import ParseCache

CACHE_FILE = "documents.json"
CACHE_VERSION = 2
DATES = ("effective", "approved_on", "last_reviewed")


def document_stamp(path: str) -> list[int]:
    status = os.stat(path)
    return [status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino]


def _encode(document: Document) -> dict[str, Any] | None:
    record = asdict(document)
    record["audience"] = document.audience.key
    for key in DATES:
        record[key] = record[key].isoformat() if record[key] else None
    record["revisions"] = [[r.version, r.date.isoformat() if r.date else None, r.summary] for r in document.revisions]
    try:
        if json.loads(json.dumps(document.theme_meta)) != document.theme_meta:
            return None
    except (TypeError, ValueError):
        return None
    return record


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decode(record: dict[str, Any]) -> Document:
    fields = dict(record)
    fields["audience"] = Audience.parse(record["audience"])
    for key in DATES:
        fields[key] = _date(record[key])
    fields["revisions"] = [Revision(version, _date(date), summary) for version, date, summary in record["revisions"]]
    return Document(**fields)


def document_cache(root: Path) -> ParseCache[Document]:
    return ParseCache(root, CACHE_FILE, CACHE_VERSION, _encode, _decode)
