"""Parsed sidecars kept on disk between runs, so `check` and each build do not parse thousands again.

An entry is used only while the sidecar's (mtime, size) and the artifact's size are what they were when it was
parsed; it holds the evidence record and the findings parsing produced, so problems are reported every run.
It lives in the program's `.trustbinder-cache/`, next to the hash cache, and is rebuilt if unreadable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from trustbinder.model.audience import Audience
from trustbinder.model.evidence import Evidence
from trustbinder.model.findings import Finding
from trustbinder.model.hashcache import CACHE_DIR, read_cache_entries, write_cache_entries

CACHE_FILE = "sidecars.json"
CACHE_VERSION = 1


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _encode(item: Evidence | None, findings: list[Finding]) -> dict[str, Any]:
    record = None
    if item is not None:
        record = {
            "id": item.id,
            "title": item.title,
            "artifact": item.artifact,
            "sidecar": item.sidecar,
            "sidecar_line": item.sidecar_line,
            "collected": item.collected.isoformat(),
            "source": item.source,
            "audience": item.audience.key,
            "size": item.size,
            "controls": item.controls,
            "control_lines": item.control_lines,
            "period_start": item.period_start.isoformat() if item.period_start else None,
            "period_end": item.period_end.isoformat() if item.period_end else None,
            "query": item.query,
            "owner": item.owner,
        }
    return {"evidence": record, "findings": [f.as_dict() for f in findings]}


def _decode(entry: dict[str, Any]) -> tuple[Evidence | None, list[Finding]]:
    findings = [Finding(f["path"], f["line"], f["level"], f["message"], f["key"]) for f in entry["findings"]]
    record = entry["evidence"]
    if record is None:
        return None, findings
    item = Evidence(
        id=record["id"],
        title=record["title"],
        artifact=record["artifact"],
        sidecar=record["sidecar"],
        sidecar_line=record["sidecar_line"],
        collected=dt.date.fromisoformat(record["collected"]),
        source=record["source"],
        audience=Audience.parse(record["audience"]),
        size=record["size"],
        controls=list(record["controls"]),
        control_lines=dict(record["control_lines"]),
        period_start=_date(record["period_start"]),
        period_end=_date(record["period_end"]),
        query=record["query"],
        owner=record["owner"],
    )
    return item, findings


class SidecarCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / CACHE_DIR / CACHE_FILE
        self.entries: dict[str, list[Any]] = self._load()
        self.seen: set[str] = set()
        self.changed = False

    def _load(self) -> dict[str, list[Any]]:
        return read_cache_entries(self.path, CACHE_VERSION)

    def get(self, sidecar: str, stamp: list[int]) -> tuple[Evidence | None, list[Finding]] | None:
        self.seen.add(sidecar)
        entry = self.entries.get(sidecar)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != stamp:
            return None
        try:
            return _decode(entry[1])
        except (KeyError, TypeError, ValueError):
            return None  # written by another version or damaged: parse the sidecar again

    def put(self, sidecar: str, stamp: list[int], item: Evidence | None, findings: list[Finding]) -> None:
        self.entries[sidecar] = [stamp, _encode(item, findings)]
        self.changed = True

    def save(self) -> None:
        """Write the entries of the sidecars this run saw; a cache that cannot be written is skipped."""
        if not self.changed and self.seen.issuperset(self.entries):
            return
        entries = {key: value for key, value in self.entries.items() if key in self.seen}
        write_cache_entries(self.root, self.path, CACHE_VERSION, entries)
