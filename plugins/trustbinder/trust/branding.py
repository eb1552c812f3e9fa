"""Theme settings for the public build: brand, stylesheet, template overrides, and no third-party requests.

A reviewer opening the trust center should not be tracked by anyone but the company: Material loads Roboto
from fonts.googleapis.com unless `theme.font` is false, so the public build turns web fonts off. Other
settings that make the browser call another host (analytics, a repository's star count, stylesheets or
scripts from a CDN) are the author's explicit choice; they are reported, not removed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from trustbinder.model.trust import Trust

THEME_OVERRIDES = Path(__file__).parent / "theme"
STYLESHEET = "assets/trustbinder/trust-center.css"

log = logging.getLogger("mkdocs.plugins.trustbinder.trust")


def _external(url: object) -> bool:
    return str(url).lower().startswith(("http://", "https://", "//"))


def configure_theme(config: MkDocsConfig, trust: Trust) -> None:
    theme = config.theme
    if theme.name != "material":
        log.warning(
            "trustbinder/trust: the trust center is styled for theme 'material'; with '%s' it renders unstyled",
            theme.name,
        )
    else:
        _install_overrides(config)
    if theme.get("font", False):
        log.warning(
            "trustbinder/trust: theme.font is ignored in the public build: the fonts would load from "
            "fonts.googleapis.com. Set 'font: false' under 'theme:' to silence this."
        )
        theme["font"] = False
    if trust.logo and not theme.get("logo"):
        theme["logo"] = trust.logo
    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
    for problem in third_party_requests(config):
        log.warning("trustbinder/trust: %s makes every visitor's browser contact another host", problem)


def _install_overrides(config: MkDocsConfig) -> None:
    dirs = config.theme.dirs
    overrides = str(THEME_OVERRIDES)
    if overrides in dirs:
        return
    dirs.insert(0, overrides)  # the audience plugin warns about a custom main.html it shadows


def third_party_requests(config: MkDocsConfig) -> list[str]:
    found: list[str] = []
    if config.extra.get("analytics"):
        found.append("extra.analytics")
    if config.repo_url:
        found.append("repo_url (Material fetches the repository's facts from its host)")
    found.extend(f"extra_css '{url}'" for url in config.extra_css if _external(url))
    found.extend(
        f"extra_javascript '{path}'"
        for path in (getattr(s, "path", s) for s in config.extra_javascript)
        if _external(path)
    )
    return found
