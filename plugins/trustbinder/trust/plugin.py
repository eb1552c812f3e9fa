"""Hooks of the `trustbinder/trust` plugin: the public trust center, generated in the public build only."""

from __future__ import annotations

import posixpath
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from trustbinder.audience.state import build_state
from trustbinder.model import Audience, clock
from trustbinder.model.safety import path_problem
from trustbinder.model.trust import Trust, expiry_problem
from trustbinder.navigation import rebuild_navigation
from trustbinder.trust.branding import STYLESHEET, THEME_OVERRIDES, configure_theme, log
from trustbinder.trust.config import TrustConfig
from trustbinder.trust.feed import render_feed
from trustbinder.trust.pages import Links, Renderer
from trustbinder.trust.public import TrustCenter, collect
from trustbinder.trust.securitytxt import WELL_KNOWN_PATH, render_security_txt

NAME = "trustbinder/trust"
# The prefix under which the theme's own templates stay reachable once ours shadow them.
THEME_PREFIX = "trustbinder-theme"


class TrustPlugin(BasePlugin[TrustConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.active = False
        self.center: TrustCenter | None = None
        self.renderer: Renderer | None = None
        self.generated: list[File] = []
        self.merged_home: str | None = None  # src_uri of a user's home page that gets our sections appended
        self.feed_url = ""

    def _path(self, name: str) -> str:
        return posixpath.join(self.config.pages_dir.strip("/"), name) if self.config.pages_dir.strip("/") else name

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.active = False
        if not self.config.enabled:
            return config
        state = build_state(config, NAME)
        if state is None or state.reader is not Audience.PUBLIC:
            return config
        _check_options(self.config)
        trust = state.program.trust
        _check_trust(trust, state.program.docs_dir, config.site_url)
        configure_theme(config, trust)
        self.active = True
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.active:
            return files
        state = build_state(config, NAME)
        assert state is not None
        home = self.config.home
        existing_home = files.get_file_from_path(home)
        self.merged_home = home if existing_home and not existing_home.inclusion.is_excluded() else None
        self.center = center = collect(state.program, clock.today(), home=self.merged_home)
        self.renderer = renderer = Renderer(center, config.site_name)

        pages = {} if self.merged_home else {"home": home}
        pages.update(documents=self._path("documents.md"), subprocessors=self._path("subprocessors.md"))
        if center.trust.faq:
            pages["faq"] = self._path("faq.md")
        feed_path = self._path("feed.xml")
        for path in [*pages.values(), feed_path, WELL_KNOWN_PATH, STYLESHEET]:
            _claim(files, path, config)

        self.generated = []
        made = {key: self._add(files, config, path) for key, path in pages.items()}
        feed = self._add(files, config, feed_path)
        home_file = made.get("home", existing_home)
        assert home_file is not None
        for key, file in made.items():
            links = self._links(file.url, feed.url, files, center.trust.logo)
            file.content_string = getattr(renderer, key)(links)
        feed.content_string = render_feed(
            center,
            title=renderer.feed_title,
            site_url=config.site_url,
            feed_path=feed.url,
            home_path=home_file.url,
            subprocessors_path=made["subprocessors"].url,
            fallback_updated=clock.build_datetime(),
        )
        self._add(files, config, STYLESHEET).content_string = renderer.stylesheet()
        https_site = config.site_url if (config.site_url or "").startswith("https://") else None
        security_txt = render_security_txt(center.trust, https_site)
        if security_txt is not None:
            self._add(files, config, WELL_KNOWN_PATH).content_string = security_txt
        self.feed_url = feed.url
        return files

    def _add(self, files: Files, config: MkDocsConfig, src_uri: str) -> File:
        # INCLUDED explicitly: MkDocs would exclude `.well-known/` by its default dotfile rule.
        file = File.generated(config, src_uri, content="", inclusion=InclusionLevel.INCLUDED)
        files.append(file)
        self.generated.append(file)
        return file

    def _links(self, page_url: str, feed_url: str, files: Files, logo: str | None) -> Links:
        assert self.center is not None
        links = Links(feed=get_relative_url(feed_url, page_url))
        logo_file = files.get_file_from_path(logo) if logo else None
        if logo_file is not None:
            links.logo = get_relative_url(logo_file.url, page_url)
        for _, documents in self.center.public_documents:
            for document in documents:
                target = files.get_file_from_path(document.src_uri or "")
                if target is not None and not target.inclusion.is_excluded():
                    links.documents[document.src_uri or ""] = get_relative_url(target.url, page_url)
        return links

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Add the generated pages to an explicit `nav:` that does not list them, right after the home."""
        if not self.active:
            return nav
        listed = {page.file.src_uri for page in nav.pages}
        missing = [f for f in self.generated if f.is_documentation_page() and f.src_uri not in listed]
        if not missing:
            return nav
        new_pages = [Page(None, file, config) for file in missing]
        home_first = [f for f in missing if f.src_uri == self.config.home]
        at = 0 if home_first else min(1, len(nav.items))
        return rebuild_navigation(nav.items[:at] + new_pages + nav.items[at:])

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.active or self.renderer is None or page.file.src_uri != self.merged_home:
            return markdown
        links = self._links(page.file.url, self.feed_url, files, self.center.trust.logo if self.center else None)
        return markdown.rstrip() + "\n\n" + self.renderer.home_sections(links)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        if not self.active:
            return env
        theme_dirs = [d for d in config.theme.dirs if Path(d) != THEME_OVERRIDES]
        assert env.loader is not None
        env.loader = ChoiceLoader([env.loader, PrefixLoader({THEME_PREFIX: FileSystemLoader(theme_dirs)})])
        env.globals["trustbinder_trust"] = {
            "feed": self.feed_url,
            "feed_title": self.renderer.feed_title if self.renderer else config.site_name,
            "noindex": self.config.noindex,
        }
        return env


def _check_options(options: TrustConfig) -> None:
    for option in ("home", "pages_dir"):
        value: str = options[option]
        problem = path_problem(value) if value else None
        if problem is None and option == "home" and not value.endswith(".md"):
            problem = "is not a Markdown page (.md)"
        if problem:
            raise PluginError(f"trustbinder/trust: option '{option}': '{value}' {problem}")


def _check_trust(trust: Trust, docs_dir: Path, site_url: str | None) -> None:
    """Stop a public build that would publish an expired security.txt or a broken logo; warn about site_url."""
    problem = expiry_problem(trust, clock.today())
    if problem:
        raise PluginError(f"trustbinder: {trust.path}:{trust.security_txt_expires_line}: {problem}")
    if trust.logo and not (docs_dir / trust.logo).is_file():
        raise PluginError(f"trustbinder: {trust.path}:{trust.logo_line}: company.logo '{trust.logo}' does not exist")
    if not site_url:
        log.warning(
            "trustbinder/trust: set site_url in mkdocs.yml: the Atom feed needs it for its links and "
            "security.txt for its Canonical field"
        )
    elif not site_url.startswith("https://") and trust.security_txt_expires:
        log.warning("trustbinder/trust: site_url is not https; security.txt is published without Canonical")


def _claim(files: Files, src_uri: str, config: MkDocsConfig) -> None:
    """Make room for a generated file: drop an excluded file at that path, refuse to shadow a published one."""
    existing = files.get_file_from_path(src_uri)
    if existing is None:
        return
    if existing.inclusion.is_excluded():
        files.remove(existing)
        return
    docs = Path(config.docs_dir).name
    raise PluginError(
        f"trustbinder: {docs}/{src_uri} is published, but the trust center generates {src_uri}; rename the file, "
        "or set 'pages_dir' (or 'home') under the trustbinder/trust plugin to put the trust center elsewhere"
    )
