"""Hooks that load the program into the model and build one audience's site from it."""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from trustbinder.audience import fastnav, rendercache
from trustbinder.audience.config import AudienceConfig
from trustbinder.model import Audience, Program, load_program
from trustbinder.model.documents import Document
from trustbinder.model.findings import Finding
from trustbinder.model.htmlsafety import active_content
from trustbinder.model.imagemeta import STRIPPERS, UNSTRIPPABLE_IMAGES, ImageFormatError
from trustbinder.model.program import recall
from trustbinder.model.views import AudienceView, view_for
from trustbinder.navigation import rebuild_navigation

log = logging.getLogger("mkdocs.plugins.trustbinder.audience")
THEME = Path(__file__).parent / "theme"


def _problem_report(heading: str, findings: list[Finding]) -> str:
    return heading + "\n" + "\n".join(f"  {finding}" for finding in findings)


class AudiencePlugin(BasePlugin[AudienceConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.program: Program | None = None
        self.view: AudienceView | None = None
        self.fast_navigation = False

    @property
    def reader(self) -> Audience:
        return Audience.parse(self.config.audience)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        root = Path(config.config_file_path).parent
        docs_dir = Path(config.docs_dir).resolve().relative_to(root.resolve()).as_posix()
        program = recall(root, docs_dir, self.config.evidence_dir)
        if program is None or (self.reader is Audience.AUDITOR and not program.evidence_loaded):
            program = load_program(
                root,
                docs_dir=docs_dir,
                evidence_dir=self.config.evidence_dir,
                with_evidence=self.reader is Audience.AUDITOR,
            )
        for warning in program.findings.warnings:
            log.warning(str(warning))
        if program.findings.errors:
            raise PluginError(_problem_report("trustbinder: the program has errors:", program.findings.sorted()))
        view = view_for(program, self.reader)
        if view.findings.errors:
            raise PluginError(
                _problem_report(
                    f"trustbinder: links that would cross into content the {self.reader.key} site excludes:",
                    view.findings.sorted(),
                )
            )
        self.program, self.view = program, view
        self._install_theme(config)
        self._install_fast_navigation(config)
        if self.config.render_cache and rendercache.NAME not in config.plugins:
            config.plugins[rendercache.NAME] = rendercache.RenderCachePlugin(rendercache.cache_folder())
        config.site_name = self._site_name(program, config.site_name)
        if program.evidence_loaded and program.evidence_dir.is_dir():
            config.watch.append(str(program.evidence_dir))  # the binder's `serve` rebuilds when evidence changes
        return config

    def _install_theme(self, config: MkDocsConfig) -> None:
        """Put trustbinder's templates (escaped titles) ahead of the theme's and any custom_dir."""
        theme = str(THEME)
        if theme in config.theme.dirs:
            return
        custom_dir = config.theme.custom_dir
        if custom_dir and (Path(custom_dir) / "main.html").is_file():
            log.warning(
                "%s/main.html is not used: trustbinder's main.html (escaped titles) takes its place. "
                "Put your blocks in a partial or in base.html.",
                custom_dir,
            )
        config.theme.dirs.insert(0, theme)

    def _install_fast_navigation(self, config: MkDocsConfig) -> None:
        self.fast_navigation = False
        if not self.config.fast_navigation:
            return
        reason = fastnav.unsupported_reason(config.theme.name, config.theme.dirs, config.plugins.keys())
        if reason is not None:
            log.info("Material's own navigation templates are used: %s", reason)
            return
        if str(fastnav.THEME) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(fastnav.THEME))
        self.fast_navigation = True

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if not self.config.enabled:
            return env
        if self.fast_navigation:
            fastnav.install(env)
        if env.bytecode_cache is None:
            # Compiling Material's templates takes a good part of a second in every build process; Jinja's
            # cache keeps the compiled code per user in the temporary folder, checked against each source.
            try:
                env.bytecode_cache = FileSystemBytecodeCache()
            except RuntimeError as error:  # a cache folder that is not safely ours: compile as before
                log.debug("no template cache: %s", error)
        return env

    def _site_name(self, program: Program, default: str) -> str:
        company = program.trust.company_name or program.audit.organization or default
        if self.reader is Audience.INTERNAL:
            return self.config.internal_site_name or f"{company} Policy Handbook"
        if self.reader is Audience.AUDITOR:
            return self.config.auditor_site_name or f"{company} Audit Binder"
        return default

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled or self.view is None:
            return files
        docs_dir = Path(config.docs_dir).resolve()
        published_assets: list[File] = []
        for file in files:
            if not Path(file.abs_src_path or "").resolve().is_relative_to(docs_dir):
                if file.src_uri.endswith(".map"):
                    file.inclusion = InclusionLevel.EXCLUDED  # source maps of theme bundles: not part of a site
                continue
            if file.is_documentation_page():
                shown = self.view.shows_page(file.src_uri)
            else:
                shown = self.view.shows_asset(file.src_uri)
                if shown:
                    published_assets.append(file)
            if not shown:
                file.inclusion = InclusionLevel.EXCLUDED
        if self.reader is Audience.PUBLIC:
            for file in published_assets:
                self._publish_clean(file, files, config)
        return files

    def _publish_clean(self, file: File, files: Files, config: MkDocsConfig) -> None:
        """Public images lose their metadata; active SVG and images we cannot clean are refused."""
        suffix = Path(file.src_uri).suffix.lower()
        where = f"{Path(config.docs_dir).name}/{file.src_uri}"
        if suffix in UNSTRIPPABLE_IMAGES:
            raise PluginError(
                f"trustbinder: {where}: {suffix} images cannot be cleaned of metadata for the public site; "
                "convert it to PNG or JPEG"
            )
        if suffix == ".svg":
            problems = active_content(file.content_string)
            if problems:
                raise PluginError(f"trustbinder: {where}: SVG with active content: {'; '.join(problems)}")
            return
        strip = STRIPPERS.get(suffix)
        if strip is None:
            return
        try:
            cleaned = strip(file.content_bytes)
        except ImageFormatError as error:
            raise PluginError(f"trustbinder: {where}: {error}") from None
        files.remove(file)
        files.append(File.generated(config, file.src_uri, content=cleaned, inclusion=file.inclusion))

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Drop excluded pages an explicit `nav:` still names; MkDocs would keep their links (mkdocs#3971)."""
        if not self.config.enabled:
            return nav
        return rebuild_navigation(_prune(nav.items))

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled or self.view is None or self.program is None:
            return None
        if page.file.generated_by:
            return None  # a feature plugin's page, built from what this audience may see
        document = self.program.document_at(page.file.src_uri)
        if document is None or not self.view.shows_page(page.file.src_uri):
            raise PluginError(f"trustbinder: {page.file.src_uri} is not part of the {self.reader.key} site")
        # MkDocs parses front matter again after this hook; hand it only the title, in a form it cannot misread.
        title = json.dumps(html.escape(document.title, quote=False))
        return f"---\ntitle: {title}\n---\n" + self.view.markdown[page.file.src_uri]

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        document = self._document(page)
        if document is not None:
            page.meta.update(document.theme_meta)
            if document.description:
                page.meta["description"] = html.escape(document.description)
            page.meta["trustbinder"] = {
                "id": document.id,
                "type": document.type,
                "audience": document.audience.key,
            }
        return markdown

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        document = self._document(page)
        if document is not None and self.reader is Audience.PUBLIC:
            problems = active_content(html_text)
            if problems:
                raise PluginError(
                    f"trustbinder: {document.path} would publish active content on the public site: "
                    + "; ".join(problems)
                    + ". Remove the raw HTML (scripts, frames, event handlers and script URLs are never published)."
                )
        return html_text

    def _document(self, page: Page) -> Document | None:
        # A generated page may take the place of a document this audience cannot see (the trust center home
        # over an internal index.md): that document's metadata must not be applied to it.
        if not self.config.enabled or self.program is None or page.file.generated_by:
            return None
        return self.program.document_at(page.file.src_uri)


def _prune(items: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for item in items:
        if isinstance(item, Page) and item.file.inclusion.is_excluded():
            continue
        if isinstance(item, Section):
            item.children = _prune(item.children)
            if not item.children:
                continue
        kept.append(item)
    return kept
