"""`trustbinder serve`: MkDocs' live-reloading preview of one audience's site."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from trustbinder.builder import AUDIENCES, PLUGIN_NAME
from trustbinder.commands.common import config_option, load_settings


def loader_for(audience: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap MkDocs' config loader so every rebuild of the preview is built for `audience`."""

    def load(*args: Any, **kwargs: Any) -> Any:
        config = original(*args, **kwargs)
        plugin = config.plugins.get(PLUGIN_NAME)
        if plugin is None:
            raise click.ClickException(f"the '{PLUGIN_NAME}' plugin is not enabled in {config.config_file_path}")
        plugin.config.audience = audience
        plugin.config.enabled = True
        return config

    return load


@click.command()
@config_option
@click.option(
    "--audience", type=click.Choice(AUDIENCES), default="public", show_default=True, help="Which site to preview."
)
@click.option(
    "-a", "--dev-addr", metavar="IP:PORT", default=None, help="Where to serve [default: mkdocs.yml's dev_addr]."
)
def serve(config_file: Path, audience: str, dev_addr: str | None) -> None:
    """Preview one audience's site, rebuilding on every edit to content/, evidence/ or mkdocs.yml."""
    from mkdocs.commands import serve as mkdocs_serve

    settings = load_settings(config_file)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    # MkDocs reloads the config for every rebuild through this module-level name.
    original = getattr(mkdocs_serve, "load_config")  # noqa: B009
    setattr(mkdocs_serve, "load_config", loader_for(audience, original))  # noqa: B010
    try:
        click.echo(f"Serving the {audience} site of {settings.config_file}; press Ctrl+C to stop.", err=True)
        mkdocs_serve.serve(config_file=str(settings.config_file), dev_addr=dev_addr, livereload=True)
    finally:
        setattr(mkdocs_serve, "load_config", original)  # noqa: B010
