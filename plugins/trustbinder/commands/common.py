"""Pieces every command shares: the -f option, reading mkdocs.yml with a clear error, a hashing progress bar."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from mkdocs.exceptions import MkDocsException

from trustbinder.builder import LogCollector, ProgramSettings, SetupError, read_settings
from trustbinder.model.hashcache import Progress

config_option = click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The program's MkDocs configuration; the program is the folder it is in.",
)


class SetupFailed(click.ClickException):
    """mkdocs.yml is missing or unusable: the command could not run at all."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click 8.5 declares exit_code a class variable; this exception's code is per instance.
        setattr(self, "exit_code", exit_code)  # noqa: B010


def load_settings(config_file: Path, exit_code: int = 1) -> ProgramSettings:
    """Read mkdocs.yml; on failure raise one message that says why, with `exit_code`."""
    logger = logging.getLogger("mkdocs")
    collect = LogCollector(logging.WARNING)
    saved = logger.handlers[:], logger.propagate
    logger.handlers[:] = [collect]
    logger.propagate = False
    try:
        settings = read_settings(config_file)
    except (SetupError, MkDocsException) as error:
        # MkDocs logs the reason for a bad value and raises a bare "Aborted with a configuration error!".
        message = str(error) if isinstance(error, SetupError) else f"{config_file}: {error}"
        if collect.messages and "Aborted with a configuration error" in message:
            message = f"{config_file}: " + "; ".join(collect.messages)
        raise SetupFailed(message, exit_code) from None
    finally:
        logger.handlers[:], logger.propagate = saved
    for warning in collect.messages:
        click.echo(f"{config_file}: warning: {warning}", err=True)
    return settings


class _TerminalBar:
    """A progress bar over the bytes being hashed, created once there is something to hash."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: click._termui_impl.ProgressBar[int] | None = None

    def __call__(self, advance: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_eta=True)
            self.bar.__enter__()
        self.bar.update(advance)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@contextmanager
def hashing_progress(label: str = "Hashing evidence") -> Iterator[Progress | None]:
    """A progress callback while hashing when stderr is a terminal; None (silence) in CI logs and pipes."""
    if not sys.stderr.isatty():
        yield None
        return
    bar = _TerminalBar(label)
    try:
        yield bar
    finally:
        bar.close()
