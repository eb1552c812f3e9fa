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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AUDIENCES = ("public", "internal", "auditor")
PLUGIN_NAME = "trustbinder/audience"


@dataclass(frozen=True)
class ProgramSettings:
    config_file: Path
    root: Path
    docs_dir: str
    evidence_dir: str
    config: Any = field(default=None, compare=False, repr=False)  # the loaded mkdocs.yml, reused by forked builds


class SetupError(Exception):
    """The program's mkdocs.yml cannot be used; the message says why."""


@dataclass(frozen=True)
class BuildResult:
    audience: str
    site_dir: Path
    ok: bool
    seconds: float
    message: str = ""
    staging: Path | None = None  # the built site, until it is moved into place


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
    return ProgramSettings(config_file.resolve(), root, docs_dir, plugin.config.evidence_dir, config)


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
    staging = stage_one(config_file, audience, site_dir, strict)
    try:
        replace_directory(staging, Path(site_dir))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def stage_one(config_file: str, audience: str, site_dir: str, strict: bool = False) -> Path:
    """Build one audience's site into a new folder next to `site_dir` and return it; the caller moves it into
    place or removes it. Raises on failure, leaving nothing behind."""
    from mkdocs.commands.build import build

    target = Path(site_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        config = _config_for(config_file, str(staging), strict)
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
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


# A configuration the parent process loaded before forking the audience builds: each child takes its own copy
# instead of loading and validating mkdocs.yml again. Used once, then forgotten.
_preloaded: dict[str, Any] = {}


def _config_for(config_file: str, site_dir: str, strict: bool) -> Any:
    from mkdocs.config import load_config

    config = _preloaded.pop(str(Path(config_file).resolve()), None)
    if config is None:
        return load_config(config_file, site_dir=site_dir, strict=strict)
    config.site_dir, config.strict = site_dir, strict
    return config


def build_audience(config_file: str, audience: str, site_dir: str, strict: bool) -> BuildResult:
    """Worker-process entry: stage one audience's site and report the outcome instead of raising."""
    from mkdocs.exceptions import MkDocsException

    errors = _configure_child_logging(audience)
    started = time.monotonic()
    try:
        staging = stage_one(config_file, audience, site_dir, strict)
    except (MkDocsException, SetupError, OSError) as error:
        # MkDocs logs a plugin's error and raises a generic Abort: report the logged text.
        message = "\n".join(errors.messages) or str(error)
        return BuildResult(audience, Path(site_dir), False, time.monotonic() - started, message)
    except Exception:  # a bug, not bad input: report it with its traceback instead of killing the other builds
        message = "unexpected error while building:\n" + traceback.format_exc()
        return BuildResult(audience, Path(site_dir), False, time.monotonic() - started, message)
    return BuildResult(audience, Path(site_dir), True, time.monotonic() - started, staging=staging)


def build_sites(
    settings: ProgramSettings,
    audiences: list[str],
    site_root: Path,
    strict: bool,
    meanwhile: Callable[[], bool] = lambda: True,
) -> list[BuildResult] | None:
    """Build the audiences in parallel, one process each, up to the number of cores, and run `meanwhile` in this
    process while they work. Only when it returns True and every build succeeded are the new sites moved into
    place; otherwise every previous site stays as it was. None when `meanwhile` said no."""
    jobs = [(str(settings.config_file), a, str(site_root / a), strict) for a in audiences]
    existed = site_root.exists()
    forked = sys.platform == "linux"
    context = multiprocessing.get_context("fork" if forked else "spawn")
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    if forked and settings.config is not None:
        _preloaded[str(settings.config_file)] = settings.config
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(build_audience, *job) for job in jobs]
            go_ahead = meanwhile()
            results = [future.result() for future in futures]
    finally:
        _preloaded.clear()
    staged = [r for r in results if r.staging is not None]
    if not go_ahead or len(staged) < len(results):
        for result in staged:
            shutil.rmtree(result.staging, ignore_errors=True)  # type: ignore[arg-type]
        if not existed and site_root.is_dir() and not any(site_root.iterdir()):
            site_root.rmdir()  # nothing was built: leave no trace
        return results if go_ahead else None
    for result in staged:
        try:
            replace_directory(result.staging, result.site_dir)  # type: ignore[arg-type]
        finally:
            shutil.rmtree(result.staging, ignore_errors=True)  # type: ignore[arg-type]
    return results
