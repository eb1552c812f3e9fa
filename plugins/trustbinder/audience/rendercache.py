"""Markdown-to-HTML conversions remembered between builds, so an unchanged page is not converted again.

Python-Markdown is the largest cost of a build that MkDocs cannot skip: a `serve` rebuild after one edit, or a
build after a small change, converts every page again. This plugin, registered by the audience plugin, keys
each conversion by everything it depends on:

- the Markdown handed to the converter (after every plugin's `on_page_markdown`),
- the page's place (source path and URL) and the whole file layout of the build (links are resolved and
  rewritten against it),
- the Markdown extensions with their settings, and the versions of MkDocs and Python-Markdown,

and replays the HTML, the table of contents, the title found in the text and the anchors MkDocs validates
links with. A conversion that logged anything (a link MkDocs could not resolve, say) is never kept, so every
build still reports it. Entries live in memory (for `serve`) and in the user's cache folder, outside the
program, so a checkout never carries HTML that was not produced from its own Markdown: one file per file
layout, holding the conversions its last build used, read and written once per build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

log = logging.getLogger("mkdocs.plugins.trustbinder.rendercache")
NAME = "trustbinder/render-cache"
FORMAT = 1
MEMORY_LIMIT = 8  # build layouts whose conversions a long `serve` session keeps in memory
STALE_DAYS = 30
ENTRY_KEYS = frozenset({"html", "toc", "title", "anchors", "links"})
_memory: dict[str, dict[str, dict[str, Any]]] = {}  # bundle name -> its entries


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "trustbinder" / "rendered"


@functools.cache
def _versions() -> str:
    found = []
    for name in ("mkdocs", "markdown", "pymdown-extensions"):
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


class _Counter(logging.Handler):
    """Counts what MkDocs and Python-Markdown log, to tell a clean conversion from one that said something."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_COUNTER = _Counter()


def _toc_to_data(items: list[AnchorLink]) -> list[Any]:
    return [[item.title, item.id, item.level, _toc_to_data(item.children)] for item in items]


def _toc_from_data(data: list[Any]) -> list[AnchorLink]:
    items = []
    for title, anchor, level, children in data:
        item = AnchorLink(title, anchor, level)
        item.children = _toc_from_data(children)
        items.append(item)
    return items


class RenderCachePlugin(BasePlugin):  # type: ignore[type-arg]
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: memory only
        self.build_key = ""
        self.pending: dict[str, tuple[str, int]] = {}  # src_uri -> (key, log count) while a page converts
        self.hits: dict[str, dict[str, Any]] = {}
        self.new: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.bundle: dict[str, dict[str, Any]] = {}  # this build layout's remembered conversions
        self.bundle_name = ""
        self.counter = _COUNTER  # one for the process: `serve` makes a new plugin for every rebuild
        self.loggers = [logging.getLogger("mkdocs"), logging.getLogger("MARKDOWN")]

    @event_priority(-100)  # after every plugin that adds or removes files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        layout = sorted((f.src_uri, f.dest_uri, f.url, f.inclusion.name) for f in files)
        setup = {
            "format": FORMAT,
            "versions": _versions(),
            "extensions": [repr(e) for e in config.markdown_extensions],
            "settings": json.dumps(config.mdx_configs, sort_keys=True, default=repr),
            "use_directory_urls": config.use_directory_urls,
            "layout": hashlib.sha256(json.dumps(layout).encode()).hexdigest(),
        }
        self.build_key = json.dumps(setup, sort_keys=True)
        self.bundle_name = hashlib.sha256(self.build_key.encode()).hexdigest()[:40] + ".json"
        self.pending, self.hits, self.new, self.used = {}, {}, {}, set()
        self.bundle = self._load_bundle()
        for logger in self.loggers:
            if self.counter not in logger.handlers:
                logger.addHandler(self.counter)
        return files

    @event_priority(-100)  # after every plugin that edits the Markdown: what is converted is what is keyed
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.build_key:
            return markdown
        key = hashlib.sha256(
            "\0".join((self.build_key, page.file.src_uri, page.file.url, markdown)).encode("utf-8")
        ).hexdigest()
        entry = self._lookup(key)
        if entry is not None:
            self.hits[page.file.src_uri] = entry
            return ""  # converted in no time; on_page_content puts the remembered HTML back
        self.pending[page.file.src_uri] = (key, self.counter.count)
        return markdown

    @event_priority(100)  # before every plugin that works on the HTML
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        uri = page.file.src_uri
        entry = self.hits.pop(uri, None)
        if entry is not None:
            return self._replay(entry, page, files)
        pending = self.pending.pop(uri, None)
        if pending is not None and self.counter.count == pending[1]:
            self.new[pending[0]] = self._record(html, page)
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._save_bundle()
        self.new, self.used = {}, set()

    def on_shutdown(self) -> None:
        for logger in self.loggers:
            logger.removeHandler(self.counter)

    # ---- entries ------------------------------------------------------------------------------------

    def _record(self, html: str, page: Page) -> dict[str, Any]:
        links = page.links_to_anchors
        return {
            "html": html,
            "toc": _toc_to_data(list(page.toc)),
            "title": page._title_from_render,  # MkDocs keeps the title it found in the text here
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None if links is None else {f.src_uri: dict(a) for f, a in links.items()},
        }

    def _replay(self, entry: dict[str, Any], page: Page, files: Files) -> str:
        items = _toc_from_data(entry["toc"])
        if items:
            items[0].active = True  # type: ignore[attr-defined]  # as MkDocs' get_toc marks the first entry
        page.toc = TableOfContents(items)
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        if entry["links"] is not None:
            linked = {files.get_file_from_path(uri): anchors for uri, anchors in entry["links"].items()}
            page.links_to_anchors = {f: a for f, a in linked.items() if f is not None}
        return str(entry["html"])

    def _lookup(self, key: str) -> dict[str, Any] | None:
        entry = self.bundle.get(key)
        if entry is not None:
            self.used.add(key)
        return entry

    def _load_bundle(self) -> dict[str, dict[str, Any]]:
        remembered = _memory.get(self.bundle_name)
        if remembered is not None or self.folder is None:
            return remembered if remembered is not None else {}
        try:
            data = json.loads((self.folder / self.bundle_name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        entries = data.get("entries") if isinstance(data, dict) and data.get("build") == self.build_key else None
        if not isinstance(entries, dict):
            return {}
        return {k: e for k, e in entries.items() if isinstance(e, dict) and e.keys() >= ENTRY_KEYS}

    def _save_bundle(self) -> None:
        """Keep the conversions this build used or made; pages that are gone drop out."""
        if not self.new and self.used == set(self.bundle):
            return
        entries = {key: self.bundle[key] for key in self.used} | self.new
        if len(_memory) >= MEMORY_LIMIT:
            _memory.pop(next(iter(_memory)))
        _memory[self.bundle_name] = entries
        if self.folder is None:
            return
        target = self.folder / self.bundle_name
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"build": self.build_key, "entries": entries}), encoding="utf-8")
            os.replace(temporary, target)
            _forget_old_bundles(self.folder, keep=target)
        except OSError as error:  # a cache is never worth failing a build for
            temporary.unlink(missing_ok=True)
            log.debug("render cache not written: %s", error)


def _forget_old_bundles(folder: Path, keep: Path) -> None:
    """A bundle per file layout: layouts change as files come and go, so unused bundles are removed in time."""
    cutoff = time.time() - STALE_DAYS * 86400
    for bundle in folder.glob("*.json"):
        if bundle != keep and bundle.stat().st_mtime < cutoff:
            bundle.unlink(missing_ok=True)
