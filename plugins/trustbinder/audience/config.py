"""Options of the `trustbinder/audience` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class AudienceConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off. With it off MkDocs publishes every page it finds, so keep it on for real sites."""

    audience = c.Choice(("public", "internal", "auditor"), default="public")
    """Who this build is for. Pages, restricted blocks and assets above this audience are left out of the
    build entirely. `trustbinder build` sets this per site; plain `mkdocs build` gets the public default."""

    evidence_dir = c.Type(str, default="evidence")
    """Folder of evidence artifacts and sidecars, relative to mkdocs.yml."""

    internal_site_name = c.Optional(c.Type(str))
    """`site_name` of the internal handbook. Default: "<company> Policy Handbook", the company taken from
    trust.yml (or audit.yml's organization)."""

    auditor_site_name = c.Optional(c.Type(str))
    """`site_name` of the auditor binder. Default: "<company> Audit Binder"."""

    fast_navigation = c.Type(bool, default=True)
    """Render Material's sidebar navigation with trustbinder's renderer: the same markup, several times faster on
    large sites. It switches itself off (with an info message) when the theme is not Material, when a
    `custom_dir` overrides the navigation partials, or when the installed Material's partials differ from the
    versions it was checked against. Set it to false to always use Material's templates."""

    render_cache = c.Type(bool, default=True)
    """Remember each page's Markdown-to-HTML conversion, keyed by its Markdown, its place, the build's file layout
    and the Markdown settings, and reuse it while all of those are unchanged: a rebuild converts only what
    changed. Entries are kept in memory and in `$XDG_CACHE_HOME/trustbinder/rendered` (`~/.cache/...`), never in
    the program folder. A conversion that logged a message is never reused. Set to false to convert every page
    on every build."""
