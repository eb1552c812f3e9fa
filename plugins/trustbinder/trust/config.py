"""Options of the `trustbinder/trust` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class TrustConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off."""
