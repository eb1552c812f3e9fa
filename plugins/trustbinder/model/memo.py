"""Reuse the parse of a file that has not changed since the last load in this process.

`mkdocs serve` reloads the program on every edit; with thousands of sidecars, parsing them again would
dominate each rebuild. A parse result is kept with the findings it produced and the file's (mtime, size), and
replayed while those are unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from typing import TypeVar

from trustbinder.model.findings import Finding, Findings

T = TypeVar("T")

_memo: dict[str, tuple[Hashable, object, list[Finding]]] = {}


def file_stamp(path: str) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_mtime_ns, status.st_size


def memoized(path: str, stamp: Hashable, findings: Findings, parse: Callable[[Findings], T]) -> T:
    """`parse(findings)` for `path`, or its remembered result and findings while `stamp` is unchanged."""
    hit = _memo.get(path)
    if hit is not None and hit[0] == stamp:
        findings.items.extend(hit[2])
        return hit[1]  # type: ignore[return-value]
    local = Findings()
    result = parse(local)
    _memo[path] = (stamp, result, list(local.items))
    findings.extend(local)
    return result


def clear() -> None:
    _memo.clear()
