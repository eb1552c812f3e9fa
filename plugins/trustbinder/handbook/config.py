"""Options of the `trustbinder/handbook` plugin."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class HandbookConfig(Config):
    enabled = c.Type(bool, default=True)
    """Turn the plugin off."""
