"""Helpers shared by the binder tests (no tests here): a fixed build date, quiet builds, an HTML link and table reader."""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from trustbinder.builder import build_one

# The fixture's observation period is 2026-01-01 to 2026-09-30; the binder is "built" on 2026-11-26.
BUILD_DAY = dt.date(2026, 11, 26)
EPOCH = str(int(dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc).timestamp()))


@contextmanager
def build_day() -> Iterator[None]:
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


def build_quietly(program: Path, audience: str) -> Path:
    """Build one audience on the fixed build day; any MkDocs warning fails, as in conftest's `build_site`."""
    site = program / "site" / audience
    catcher = _Warnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(catcher)
    try:
        with build_day():
            build_one(str(program / "mkdocs.yml"), audience, str(site))
    finally:
        logger.removeHandler(catcher)
    assert not catcher.messages, "unexpected warnings during the build:\n" + "\n".join(catcher.messages)
    return site


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    # (href, id of the enclosing <tbody> or <tr> that has one, or None)
    links: list[tuple[str, str | None]] = field(default_factory=list)
    tables: dict[str, list[list[str]]] = field(default_factory=dict)  # data-table name -> rows of cell text


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.scopes: list[tuple[str, str | None]] = []
        self.table: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.page.ids.add(values["id"] or "")
        if tag in ("tbody", "tr"):
            self.scopes.append((tag, values.get("id")))
        if tag == "a" and values.get("href"):
            scope = next((i for _, i in reversed(self.scopes) if i), None)
            self.page.links.append((values["href"] or "", scope))
        name = values.get("data-table")
        if tag == "table" and name:
            self.table = name
            self.page.tables[name] = []
        if self.table and tag == "tr":
            self.row = []
        if self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("tbody", "tr") and self.scopes and self.scopes[-1][0] == tag:
            self.scopes.pop()
        if self.cell is not None and self.row is not None and tag in ("td", "th"):
            self.row.append("".join(self.cell).strip())
            self.cell = None
        if self.table and tag == "tr" and self.row is not None:
            self.page.tables[self.table].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def read_page(path: Path) -> Page:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.page


def page_file(site: Path, url: str) -> Path:
    """The file a site-relative URL path is served from."""
    path = unquote(url).lstrip("/")
    target = site / path
    return target / "index.html" if path == "" or path.endswith("/") or target.is_dir() else target


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str]:
    """(file, fragment) a relative link on `page` points to."""
    parts = urlsplit(href)
    base = page.relative_to(site).parent.as_posix()
    joined = (
        posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if parts.path
        else page.relative_to(site).as_posix()
    )
    if parts.path.endswith("/"):
        joined += "/"
    target = site / joined
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def url_of(site: Path, file: Path) -> str:
    rel = file.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel
