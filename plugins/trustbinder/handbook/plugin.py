"""Hooks of the `trustbinder/handbook` plugin."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from trustbinder.handbook.config import HandbookConfig


class HandbookPlugin(BasePlugin[HandbookConfig]):
    supports_multiple_instances = False
