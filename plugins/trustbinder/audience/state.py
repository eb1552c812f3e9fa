"""Access, from other trustbinder plugins, to the program and audience view the audience plugin loaded."""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from trustbinder.model import Audience, Program
from trustbinder.model.views import AudienceView

AUDIENCE_PLUGIN = "trustbinder/audience"


@dataclass(frozen=True)
class BuildState:
    program: Program
    view: AudienceView
    reader: Audience


def build_state(config: MkDocsConfig, needed_by: str) -> BuildState | None:
    """The loaded program for this build; None when the audience plugin is disabled.

    Call from `on_files` or later: the audience plugin loads the program in `on_config`. It must be listed
    before `needed_by` under `plugins:`.
    """
    from trustbinder.audience.plugin import AudiencePlugin

    plugin = config.plugins.get(AUDIENCE_PLUGIN)
    if not isinstance(plugin, AudiencePlugin):
        raise PluginError(f"{needed_by} needs the '{AUDIENCE_PLUGIN}' plugin; add it under 'plugins:' before it")
    if not plugin.config.enabled:
        return None
    if plugin.program is None or plugin.view is None:
        raise PluginError(f"{needed_by}: list '{AUDIENCE_PLUGIN}' before it under 'plugins:'")
    return BuildState(plugin.program, plugin.view, plugin.reader)
