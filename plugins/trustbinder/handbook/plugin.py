"""Hooks of the `trustbinder/handbook` plugin: the document header in internal and auditor builds, and in the
internal build the generated pages (review schedule, criteria coverage, section landing pages) and the
navigation by document type."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from functools import partial
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from trustbinder.audience.state import BuildState, build_state
from trustbinder.handbook import header, navigation, pages
from trustbinder.handbook.config import HandbookConfig
from trustbinder.handbook.render import HtmlBlocks
from trustbinder.model import Audience
from trustbinder.model.clock import today
from trustbinder.model.documents import DOCUMENT_TYPES, Document
from trustbinder.model.gitinfo import LastChange, last_changes
from trustbinder.slots import Slots, plain_words

NAME = "trustbinder/handbook"
STYLESHEET = "assets/trustbinder/handbook.css"
STYLESHEET_SOURCE = Path(__file__).parent / "templates" / "handbook.css"


class HandbookPlugin(BasePlugin[HandbookConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.state: BuildState | None = None
        self.today = dt.date.min
        self.changes: dict[str, LastChange] = {}
        self.generated: dict[str, File] = {}  # role ("reviews", "criteria", or a folder) -> generated page
        self.blocks: dict[str, HtmlBlocks] = {}  # generated page's src_uri -> its HTML kept out of Markdown
        self.held: dict[str, Slots] = {}  # document's src_uri -> its header and record, kept from search
        self.in_scope: set[tuple[str, str]] = set()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        self.state, self.generated, self.blocks, self.held = None, {}, {}, {}
        state = build_state(config, NAME) if self.config.enabled else None
        if state is None or state.reader is Audience.PUBLIC:
            return files  # customers never see owners, approvals or review dates
        self.state, self.today = state, today()
        visible = [d for d in state.program.documents if d.type in DOCUMENT_TYPES and state.view.shows_page(d.src_uri)]
        self.changes = {}
        if self.config.git and self.config.document_header:
            self.changes = last_changes(state.program.docs_dir, [d.src_uri for d in visible])
        self.in_scope = {(c.framework, c.id) for c in state.program.criteria_in_scope()}
        if state.reader is Audience.INTERNAL:
            self._generate(files, config, visible)
        self._add_stylesheet(files, config)
        return files

    def _generate(self, files: Files, config: MkDocsConfig, visible: list[Document]) -> None:
        assert self.state is not None
        folder = _pages_dir(self.config.pages_dir)
        planned: list[tuple[str, str, Callable[[pages.Href, HtmlBlocks], str]]] = []
        if self.config.review_schedule:
            planned.append(("reviews", f"{folder}/reviews.md", partial(pages.review_schedule, visible, self.today)))
        if self.config.criteria_index:
            coverage = partial(pages.criteria_index, self.state.program, visible)
            planned.append(("criteria", f"{folder}/criteria.md", coverage))
        if self.config.section_indexes and config.nav is None:
            for section, title in self.config.section_titles.items():
                members = [d for d in visible if d.src_uri.startswith(f"{section}/")]
                if members and not _has_index(files, section):
                    landing = partial(pages.section_index, section, str(title), members, self.today)
                    planned.append((section, f"{section}/index.md", landing))
        for role, src_uri, _ in planned:
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"{NAME}: {Path(config.docs_dir).name}/{src_uri} already exists, and the handbook generates a "
                    f"page there; rename your file or set the plugin's 'pages_dir' option (now "
                    f"'{self.config.pages_dir}')"
                )
            self.generated[role] = File.generated(config, src_uri, content="")
            files.append(self.generated[role])
        # Links are relative to each page's URL, which exists only once the file does.
        for role, src_uri, render in planned:
            self.blocks[src_uri] = HtmlBlocks()
            self.generated[role].content_string = render(self._href(self.generated[role], files), self.blocks[src_uri])

    def _href(self, page: File, files: Files) -> pages.Href:
        def href(document: Document) -> str:
            target = files.get_file_from_path(document.src_uri)
            return target.url_relative_to(page) if target is not None else ""

        return href

    def _add_stylesheet(self, files: Files, config: MkDocsConfig) -> None:
        if files.get_file_from_path(STYLESHEET) is None:
            files.append(File.generated(config, STYLESHEET, content=STYLESHEET_SOURCE.read_text(encoding="utf-8")))
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.state is None or self.state.reader is not Audience.INTERNAL:
            return nav
        folder = _pages_dir(self.config.pages_dir)
        if config.nav is None:
            return navigation.arrange(nav, dict(self.config.section_titles), folder.split("/")[0])
        generated = [f.page for role, f in self.generated.items() if role in ("reviews", "criteria") and f.page]
        return navigation.append_section(nav, "Handbook", generated)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        blocks = self.blocks.get(page.file.src_uri) if page.file.generated_by else None
        if blocks is not None:
            return blocks.fill(html)
        if self.state is None or not self.config.document_header:
            return html
        document = self.state.program.document_at(page.file.src_uri)
        if document is None or document.type not in DOCUMENT_TYPES or page.file.generated_by:
            return html
        if not self.state.view.shows_page(document.src_uri):
            raise PluginError(f"{NAME}: {document.path} is not part of the {self.state.reader.key} site")
        coverage = self.generated.get("criteria")

        def criterion_href(framework: str, criterion: str) -> str | None:
            if coverage is None or (framework, criterion) not in self.in_scope:
                return None
            return f"{coverage.url_relative_to(page.file)}#{pages.criterion_anchor(framework, criterion)}"

        slots = self.held[document.src_uri] = Slots(owner="handbook")
        top = header.render_header(document, self.today, self.changes.get(document.src_uri))
        # In the binder, the binder plugin lists the document's controls and criteria with links to their pages.
        binder = config.plugins.get("trustbinder/binder")
        binder_lists_controls = self.state.reader is Audience.AUDITOR and binder is not None and binder.config.enabled
        end = header.render_record(
            self.state.program, document, criterion_href, with_controls=not binder_lists_controls
        )
        # str(): Markup would escape the page's HTML it is joined to.
        return header.place(html, str(slots.defer(top, plain_words(top))), str(slots.defer(end, plain_words(end))))

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        held = self.held.pop(page.file.src_uri, None)
        if held is not None and page.content is not None:
            page.content = held.fill(page.content)
        return context


def _has_index(files: Files, folder: str) -> bool:
    return any(files.get_file_from_path(f"{folder}/{name}") is not None for name in ("index.md", "README.md"))


def _pages_dir(value: str) -> str:
    folder = posixpath.normpath(value.strip().strip("/")) if value.strip().strip("/") else ""
    if not folder or folder == "." or folder.startswith("..") or "\\" in folder:
        raise PluginError(
            f"{NAME}: option 'pages_dir': '{value}' must be a folder inside the docs folder, e.g. handbook"
        )
    return folder
