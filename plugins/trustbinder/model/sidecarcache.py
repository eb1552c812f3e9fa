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
from trustbinder.model.parsecache import ParseCache

CACHE_FILE = "sidecars.json"
CACHE_VERSION = 2  # 2: entries hold {record, findings}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _encode(item: Evidence) -> dict[str, Any]:
    return {
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


def _decode(record: dict[str, Any]) -> Evidence:
    return Evidence(
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


def sidecar_cache(root: Path) -> ParseCache[Evidence]:
    return ParseCache(root, CACHE_FILE, CACHE_VERSION, _encode, _decode)
