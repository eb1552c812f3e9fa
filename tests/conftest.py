"""Shared fixtures: fixture programs copied into tmp_path, builds into tmp_path, warning capture."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from trustbinder.builder import build_one

FIXTURES = Path(__file__).parent / "fixtures"

# Debian's chromium, driven by Playwright (which cannot download a browser here). Without the background
# networking flags it keeps trying to reach Google's hosts on a closed network.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parent.parent

# Review dates, freshness and "last updated" depend on today: the suite runs on a fixed day (2026-11-26 UTC)
# so its expectations do not lapse as the calendar moves. Tests that need another day set their own.
os.environ["SOURCE_DATE_EPOCH"] = "1795651200"
# Builds remember Markdown conversions in the user's cache folder: the suite keeps its own, away from $HOME.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="trustbinder-test-cache-")


def copy_program(name: str, destination: Path) -> Path:
    source = REPO if name == "starter" else FIXTURES / name
    target = destination / name
    target.mkdir(parents=True)
    for item in ("mkdocs.yml", "content", "evidence"):
        if (source / item).is_dir():
            shutil.copytree(source / item, target / item)
        elif (source / item).is_file():
            shutil.copy2(source / item, target / item)
    return target


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A small program with one page of each audience, restricted blocks, an image and evidence."""
    return copy_program("mini", tmp_path)


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """A copy of the starter program at the repository root."""
    return copy_program("starter", tmp_path)


Builder = Callable[[Path, str], Path]


@pytest.fixture
def build_site(caplog: pytest.LogCaptureFixture) -> Iterator[Builder]:
    """Build a program for one audience into program/site/<audience>; fail the test on any MkDocs warning."""
    caplog.set_level(logging.INFO, logger="mkdocs")

    def build(program: Path, audience: str) -> Path:
        site = program / "site" / audience
        build_one(str(program / "mkdocs.yml"), audience, str(site))
        return site

    yield build
    unexpected = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]
    assert not unexpected, "unexpected warnings during the build:\n" + "\n".join(unexpected)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
