"""Hooks of the `trustbinder/trust` plugin."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from trustbinder.trust.config import TrustConfig


class TrustPlugin(BasePlugin[TrustConfig]):
    supports_multiple_instances = False
