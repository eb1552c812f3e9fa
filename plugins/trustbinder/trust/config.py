"""Options of the `trustbinder/trust` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class TrustConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off. It only ever acts on the public build; the handbook and the binder ignore it."""

    home = c.Type(str, default="index.md")
    """Where the trust center home goes, relative to the docs folder. When the public site already has a page
    there (a `content/index.md` with `audience: public`), that page is kept as the introduction and the
    certifications, controls and updates are added below its text; otherwise the plugin writes the whole home
    page (logo, company overview from trust.yml, then the same sections)."""

    pages_dir = c.Type(str, default="")
    """Folder for the generated pages (documents, subprocessors, FAQ, feed), relative to the docs folder.
    Empty puts them at the top level: /documents/, /subprocessors/, /faq/, /feed.xml."""

    noindex = c.Type(bool, default=False)
    """Ask search engines not to index the public site (a `robots` meta tag on every page), e.g. while the
    trust center is being reviewed before launch."""
