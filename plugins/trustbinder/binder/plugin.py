"""Hooks of the `trustbinder/binder` plugin: the auditor build gains the binder, no other build sees it.

Pages are added as generated files whose Markdown is only a title; their HTML is rendered in `on_page_content`
straight from templates, because running thousands of table rows through Python-Markdown costs seconds and
adds nothing.
"""

from __future__ import annotations

import html
import json
import logging
import os
from pathlib import Path, PurePosixPath

from jinja2 import Environment, FileSystemLoader, select_autoescape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.templates import TemplateContext

from trustbinder.audience.state import AUDIENCE_PLUGIN, build_state
from trustbinder.binder.config import BinderConfig
from trustbinder.binder.layout import Layout
from trustbinder.binder.links import Urls
from trustbinder.binder.pages import TEMPLATES, Binder, Settings
from trustbinder.binder.previewcache import PreviewCache
from trustbinder.model import Audience
from trustbinder.model.buildinfo import build_info
from trustbinder.model.clock import today
from trustbinder.model.evidence import Evidence
from trustbinder.model.hashcache import UnreadableEvidence, artifact_digests
from trustbinder.model.scope import Visible
from trustbinder.navigation import rebuild_navigation
from trustbinder.slots import Slots

log = logging.getLogger("mkdocs.plugins.trustbinder.binder")
PLUGIN = "trustbinder/binder"


def _page_source(title: str, searchable: bool = True) -> str:
    # The theme prints titles unescaped; the JSON string is valid YAML that MkDocs cannot misread.
    search = "" if searchable else "search:\n  exclude: true\n"
    return f"---\ntitle: {json.dumps(html.escape(title, quote=False))}\n{search}---\n"


class BinderPlugin(BasePlugin[BinderConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.binder: Binder | None = None
        self.urls: Urls | None = None
        self.page_uris: set[str] = set()
        self.unsearched: set[str] = set()
        self.section_titles: dict[str, str] = {}
        self.held: dict[str, Slots] = {}  # src_uri -> parts of its content search does not parse
        self.templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))

    def _folder(self) -> str:
        folder = PurePosixPath(self.config.folder.strip().strip("/"))
        if not folder.parts or folder.is_absolute() or ".." in folder.parts or folder.parts[0].startswith("."):
            raise PluginError(
                f"{PLUGIN}: option 'folder' must be a plain relative folder name, not {self.config.folder!r}"
            )
        return folder.as_posix()

    def _for_auditor(self, config: MkDocsConfig) -> bool:
        audience = config.plugins.get(AUDIENCE_PLUGIN)
        return bool(
            self.config.enabled
            and audience is not None
            and audience.config.enabled
            and audience.config.audience == Audience.AUDITOR.key
        )

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.binder, self.urls, self.page_uris, self.section_titles = None, None, set(), {}
        self.unsearched, self.held = set(), {}
        if self._for_auditor(config):
            config.extra_css.append(f"{self._folder()}/binder.css")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        state = build_state(config, PLUGIN)
        # The binder exists in the auditor build only: no other audience gets a page, a download or an artifact.
        if state is None or state.reader is not Audience.AUDITOR:
            return files
        folder = self._folder()
        clash = next((f.src_uri for f in files if f.src_uri.startswith(folder + "/") or f.src_uri == folder), None)
        if clash:
            raise PluginError(
                f"{PLUGIN}: {Path(config.docs_dir).name}/{clash} is in the folder '{folder}/' the binder generates; "
                "move it, or set the binder plugin's 'folder' option"
            )
        program = state.program
        visible = Visible.for_reader(program, state.reader)
        layout = Layout.plan(folder, visible, max(1, self.config.evidence_page_size))
        digests = _digests(program.root, list(visible.evidence.values()))
        settings = Settings(self.config.preview_rows, self.config.preview_bytes)
        previews = PreviewCache(program.root, settings.preview_rows, settings.preview_bytes)
        binder = Binder(visible, layout, today(), build_info(program.root), digests, settings, previews)

        mine: list[File] = []
        titles = binder.titles()
        limit = self.config.search_evidence_limit
        unsearched = set() if limit < 0 or len(visible.evidence) <= limit else {g.src_uri for g in layout.groups}
        for uri in layout.pages():
            mine.append(File.generated(config, uri, content=_page_source(titles[uri], uri not in unsearched)))
        for uri, data in binder.downloads().items():
            mine.append(File.generated(config, uri, content=data))
        mine.append(File.generated(config, layout.stylesheet, content=(TEMPLATES / "binder.css").read_text("utf-8")))
        root = str(program.root)
        for evidence_id, uri in layout.artifacts.items():
            source = os.path.join(root, visible.evidence[evidence_id].artifact)  # a Path per artifact adds up
            mine.append(File.generated(config, uri, abs_src_path=source))

        urls = {f.src_uri: f.url for f in mine}
        for document in visible.documents.values():
            file = files.get_file_from_path(document.src_uri)
            if file is not None and not file.inclusion.is_excluded():
                urls[document.src_uri] = file.url
        self.binder, self.urls = binder, Urls(layout, visible, urls)
        self.page_uris, self.unsearched = set(layout.pages()), unsearched
        self.section_titles = {layout.overview: "Audit binder"}
        for framework in binder.frameworks:
            self.section_titles[layout.frameworks[framework.key]] = framework.short_name
        for file in mine:
            files.append(file)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.binder is None:
            return nav
        if config.nav is not None:
            return self._add_to_explicit_nav(nav, config, files)
        return self._arrange(nav)

    def _arrange(self, nav: Navigation) -> Navigation:
        """Binder first after the home page, its pages in reading order (catalog order for criteria), and
        sections named after what they hold rather than their folder."""
        assert self.binder is not None
        order = {uri: index for index, uri in enumerate(self.binder.layout.pages())}
        unranked = len(order)

        def rank(item: object) -> int:
            if isinstance(item, Page):
                return order.get(item.file.src_uri, unranked)
            if isinstance(item, Section):
                return min((rank(child) for child in item.children), default=unranked)
            return unranked

        def tidy(section: Section) -> None:
            section.children.sort(key=rank)
            first = section.children[0] if section.children else None
            if isinstance(first, Page) and first.file.src_uri in self.section_titles:
                section.title = self.section_titles[first.file.src_uri]
            for child in section.children:
                if isinstance(child, Section):
                    tidy(child)

        items = list(nav.items)
        binder = next((i for i in items if isinstance(i, Section) and rank(i) < unranked), None)
        if binder is None:
            return nav
        tidy(binder)
        items.remove(binder)
        home = next((n for n, i in enumerate(items) if isinstance(i, Page) and i.file.src_uri == "index.md"), -1)
        items.insert(home + 1, binder)
        return rebuild_navigation(items)

    def _add_to_explicit_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """A hand-written nav cannot name pages that do not exist yet: give the binder's main pages a section."""
        assert self.binder is not None
        layout = self.binder.layout
        listed = [layout.overview, layout.criteria_index, layout.controls_index, layout.evidence_index]
        listed += [layout.coverage_index, layout.gaps, layout.freshness, layout.requests]
        pages: list[Page] = []
        for uri in listed:
            file = files.get_file_from_path(uri)
            if file is not None:
                pages.append(file.page if isinstance(file.page, Page) else Page(None, file, config))
        return rebuild_navigation([*nav.items, Section("Audit binder", list(pages))])

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.binder is None or self.urls is None:
            return html_text
        uri = page.file.src_uri
        links = self.urls.at(page.url)
        if uri in self.page_uris:
            if uri in self.unsearched:
                # Search skips this page but would still scan all of it for attributes to strip: hold it back whole.
                rendered = self.binder.render(uri, links, defer=False)
                held = Slots()
                html: str = held.defer(rendered.html)
            else:
                rendered = self.binder.render(uri, links)
                held, html = rendered.slots, rendered.html
            page.toc = TableOfContents([AnchorLink(text, anchor, 2) for anchor, text in rendered.toc])
            if held.parts:
                self.held[uri] = held
            return html
        document = None if page.file.generated_by else self.binder.program.document_at(uri)
        if document is None or document.id not in self.binder.visible.documents:
            return html_text
        visible = self.binder.visible
        controls = visible.controls_for_document(document.id)
        if not controls:
            return html_text
        criteria = [
            key
            for key in self.binder.program.graph.criteria_for_document(document.id)
            if key in self.binder.layout.criteria
        ]
        aside = self.templates.get_template("document_links.html").render(
            controls=controls, criteria=criteria, links=links
        )
        return html_text + aside

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        held = self.held.pop(page.file.src_uri, None)
        if held is not None and page.content is not None:
            page.content = held.fill(page.content)
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.binder is not None and self.binder.previews is not None:
            self.binder.previews.save()


def _digests(root: Path, items: list[Evidence]) -> dict[str, str]:
    """SHA-256 of each artifact by evidence ID, from the hash cache `check` keeps, so unchanged files are not read."""
    try:
        found = artifact_digests(root, [item.artifact for item in items])
    except UnreadableEvidence as error:
        raise PluginError(f"{PLUGIN}: {error}") from None
    return {item.id: found[item.artifact] for item in items}
