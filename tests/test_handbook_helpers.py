"""Reading the handbook's rendered pages the way a reader sees them (shared by the handbook tests)."""

from __future__ import annotations

import html
import json
import logging
import re
from pathlib import Path

import pytest
from conftest import copy_program

from trustbinder.builder import build_one

JUNE_1_2026 = "1780315200"  # 2026-06-01 12:00 UTC


def handbook_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the handbook fixture program, built as if today were 2026-06-01."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JUNE_1_2026)
    return copy_program("handbook", tmp_path)


_BLOCK_TAG = re.compile(r"<(?:br|/?(?:p|li|ul|td|th|tr|div|dt|dd|h[1-6]|section|aside|table))\b[^>]*>")


def text(fragment: str) -> str:
    """What a reader sees: block elements separate words, inline markup does not."""
    spaced = _BLOCK_TAG.sub(" ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def article(page_html: str) -> str:
    match = re.search(r"<article[^>]*>(.*?)</article>", page_html, re.DOTALL)
    assert match, "no article in the page"
    return match.group(1)


def header(page_html: str) -> str:
    match = re.search(r'<aside class="tb-document-header".*?</aside>', page_html, re.DOTALL)
    assert match, "no document header on the page"
    return match.group(0)


def facts(page_html: str) -> dict[str, str]:
    """The document header as the reader sees it: label -> text."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", header(page_html), re.DOTALL)
    return {text(label): text(value) for label, value in pairs}


def table_rows(fragment: str) -> list[list[str]]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", fragment, re.DOTALL)
    return [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)] for row in rows if "<td" in row]


def section(page_html: str, heading_id: str) -> str:
    """The HTML from the heading with this id up to the next h2."""
    match = re.search(rf'<h2 id="{heading_id}">.*?(?=<h2|</section>|$)', page_html, re.DOTALL)
    assert match, f"no section {heading_id}"
    return match.group(0)


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text())
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def everything(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(site.rglob("*")) if p.is_file())


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


def shared_build(tmp_path_factory: pytest.TempPathFactory, audience: str) -> Path:
    """One build of the handbook fixture shared by a module's read-only tests; any MkDocs warning fails it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", JUNE_1_2026)
        program = copy_program("handbook", tmp_path_factory.mktemp(f"handbook-{audience}"))
        logger, warnings = logging.getLogger("mkdocs"), _Warnings()
        logger.addHandler(warnings)
        try:
            site = program / "site" / audience
            build_one(str(program / "mkdocs.yml"), audience, str(site))
        finally:
            logger.removeHandler(warnings)
    assert not warnings.messages, "unexpected warnings during the build:\n" + "\n".join(warnings.messages)
    return site


def program_of(site: Path) -> Path:
    return site.parent.parent
