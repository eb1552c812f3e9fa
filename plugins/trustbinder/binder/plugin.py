"""Hooks of the `trustbinder/binder` plugin."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from trustbinder.binder.config import BinderConfig


class BinderPlugin(BasePlugin[BinderConfig]):
    supports_multiple_instances = False
