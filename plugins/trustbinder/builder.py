"""Run the MkDocs build of each audience into its own site folder, safely.

Each audience builds in its own process (MkDocs keeps process-global state: logging, plugin instances)
into a fresh temporary folder next to the target; only a successful build replaces the previous site, so a
failed build leaves the last good site as it was.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

AUDIENCES = ("public", "internal", "auditor")
PLUGIN_NAME = "trustbinder/audience"


@dataclass(frozen=True)
class ProgramSettings:
    config_file: Path
    root: Path
    docs_dir: str
    evidence_dir: str


class SetupError(Exception):
    """The program's mkdocs.yml cannot be used; the message says why."""


@dataclass(frozen=True)
class BuildResult:
    audience: str
    site_dir: Path
    ok: bool
    seconds: float
    message: str = ""


def read_settings(config_file: Path) -> ProgramSettings:
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise SetupError(f"{config_file}: no such file; run this in a program folder or pass --config-file")
    try:
        config = load_config(str(config_file))
    except ConfigurationError as error:
        raise SetupError(f"{config_file}: {error}") from None
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise SetupError(
            f"{config_file}: the '{PLUGIN_NAME}' plugin is not enabled under 'plugins:'; without it every page "
            "would be published to every audience"
        )
    root = config_file.resolve().parent
    docs_dir = Path(config.docs_dir).resolve().relative_to(root).as_posix()
    return ProgramSettings(config_file.resolve(), root, docs_dir, plugin.config.evidence_dir)


class LogCollector(logging.Handler):
    """Keeps the text of log records at `level` and above, to report them in one message."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _configure_child_logging(audience: str) -> LogCollector:
    errors = LogCollector(logging.ERROR)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"[{audience}] %(levelname)s %(message)s"))
    handler.setLevel(logging.WARNING)
    handler.addFilter(lambda record: record.levelno < logging.ERROR)  # errors are reported by the caller
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.handlers[:] = [handler, errors]
    mkdocs_logger.setLevel(logging.WARNING)
    mkdocs_logger.propagate = False
    return errors


def replace_directory(new: Path, target: Path) -> None:
    """Put `new` where `target` is, keeping the old one until the new one is in place."""
    backup = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(backup)
    try:
        new.rename(target)
    except OSError:
        if backup.exists():
            backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def build_one(config_file: str, audience: str, site_dir: str, strict: bool = False) -> None:
    """Build one audience's site into `site_dir`, replacing it only if the build succeeds. Raises on failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    target = Path(site_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        config = load_config(config_file, site_dir=str(staging), strict=strict)
        plugin = config.plugins.get(PLUGIN_NAME)
        if plugin is None:
            raise SetupError(f"the '{PLUGIN_NAME}' plugin is not enabled in {config_file}")
        plugin.config.audience = audience
        plugin.config.enabled = True
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        replace_directory(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def build_audience(config_file: str, audience: str, site_dir: str, strict: bool) -> BuildResult:
    """Worker-process entry: build one audience and report the outcome instead of raising."""
    from mkdocs.exceptions import MkDocsException

    errors = _configure_child_logging(audience)
    started = time.monotonic()
    try:
        build_one(config_file, audience, site_dir, strict)
    except (MkDocsException, SetupError, OSError) as error:
        # MkDocs logs a plugin's error and raises a generic Abort: report the logged text.
        message = "\n".join(errors.messages) or str(error)
        return BuildResult(audience, Path(site_dir), False, time.monotonic() - started, message)
    except Exception:  # a bug, not bad input: report it with its traceback instead of killing the other builds
        message = "unexpected error while building:\n" + traceback.format_exc()
        return BuildResult(audience, Path(site_dir), False, time.monotonic() - started, message)
    return BuildResult(audience, Path(site_dir), True, time.monotonic() - started)


def build_sites(settings: ProgramSettings, audiences: list[str], site_root: Path, strict: bool) -> list[BuildResult]:
    """Build the audiences in parallel, one process each, up to the number of cores."""
    jobs = [(str(settings.config_file), a, str(site_root / a), strict) for a in audiences]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(build_audience, *job) for job in jobs]
        return [future.result() for future in futures]
