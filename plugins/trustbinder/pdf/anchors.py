"""Stable, unique HTML ids for the things a binder links to."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def anchor(kind: str, *parts: str) -> str:
    """`kind-part-part` with anything outside [A-Za-z0-9_.-] replaced, so it is a valid id and URL fragment."""
    return "-".join([kind, *(_UNSAFE.sub("_", part) for part in parts)])


def criterion_anchor(framework: str, criterion: str) -> str:
    return anchor("crit", framework, criterion)


def control_anchor(control_id: str) -> str:
    return anchor("ctl", control_id)


def document_anchor(key: str) -> str:
    return anchor("doc", key)


def evidence_anchor(evidence_id: str) -> str:
    return anchor("ev", evidence_id)


def evidence_page_anchor(evidence_id: str, page: int) -> str:
    return anchor("evp", evidence_id, str(page))


def request_anchor(request_id: str) -> str:
    return anchor("req", request_id)
