"""`trustbinder serve`: MkDocs' live-reloading preview of one audience's site."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from trustbinder.builder import AUDIENCES, PLUGIN_NAME
from trustbinder.commands.common import config_option, load_settings

log = logging.getLogger("mkdocs.trustbinder.serve")
# What a file's contents or presence may change by; a build opening evidence files to copy them is none of these.
CHANGES = frozenset({"created", "deleted", "modified", "moved"})


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


class _ChangesOnly:
    """Hands MkDocs' rebuild trigger only the events that change a file."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def dispatch(self, event: Any) -> None:
        if event.event_type in CHANGES:
            self.handler.dispatch(event)


class EvidenceWatch:
    """Stands in for the preview server's file watcher: the evidence folder is watched by notification.

    MkDocs polls every watched file twice a second, which suits content/ (polling works on any file system,
    network shares and container mounts included). Polling tens of thousands of evidence files costs about half a
    CPU second a pass: the idle preview keeps a core half busy, every rebuild shares the interpreter with the
    poller, and the two snapshots it compares hold hundreds of MB. The operating system's change notifications
    cost nothing between changes; where they cannot be set up, the folder is polled as before.
    """

    def __init__(self, polling: Any, evidence_dir: Path, notifier: Callable[[], Any] | None = None) -> None:
        self.polling = polling
        self.evidence_dir = evidence_dir.resolve()
        self.make_notifier = notifier or _native_observer
        self.notified: Any = None

    def schedule(self, handler: Any, path: str, *, recursive: bool = False) -> Any:
        if Path(path).resolve() == self.evidence_dir:
            try:
                if self.notified is None:
                    self.notified = self.make_notifier()
                    self.notified.start()
                # Scheduled on a running observer, so a notification limit is hit here rather than in a thread.
                return self.notified.schedule(_ChangesOnly(handler), path, recursive=recursive)
            except OSError as error:
                log.info("Polling %s: change notifications are not available (%s)", path, error)
        return self.polling.schedule(handler, path, recursive=recursive)

    def unschedule(self, watch: Any) -> None:
        if self.notified is not None and any(emitter.watch == watch for emitter in self.notified.emitters):
            self.notified.unschedule(watch)
        else:
            self.polling.unschedule(watch)

    def start(self) -> None:
        self.polling.start()

    def stop(self) -> None:
        self.polling.stop()
        if self.notified is not None:
            self.notified.stop()

    def join(self, timeout: float | None = None) -> None:
        for observer in (self.polling, self.notified):
            if observer is not None and observer.is_alive():  # MkDocs starts its poller only if it has a path
                observer.join(timeout)


def _native_observer() -> Any:
    from watchdog.observers import Observer

    return Observer()


def server_for(evidence_dir: Path) -> Any:
    """MkDocs' preview server class, with the evidence folder watched by `EvidenceWatch`."""
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # It only needs the observer methods MkDocs calls, which EvidenceWatch provides.
            self.observer = EvidenceWatch(self.observer, evidence_dir)  # type: ignore[assignment]

    return PreviewServer


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
    # MkDocs reloads the config for every rebuild, and creates its server, through these module-level names.
    original = getattr(mkdocs_serve, "load_config")  # noqa: B009
    original_server = getattr(mkdocs_serve, "LiveReloadServer")  # noqa: B009
    setattr(mkdocs_serve, "load_config", loader_for(audience, original))  # noqa: B010
    setattr(mkdocs_serve, "LiveReloadServer", server_for(settings.root / settings.evidence_dir))  # noqa: B010
    try:
        click.echo(f"Serving the {audience} site of {settings.config_file}; press Ctrl+C to stop.", err=True)
        mkdocs_serve.serve(config_file=str(settings.config_file), dev_addr=dev_addr, livereload=True)
    finally:
        setattr(mkdocs_serve, "load_config", original)  # noqa: B010
        setattr(mkdocs_serve, "LiveReloadServer", original_server)  # noqa: B010
