"""Conversions reused between builds: the same site as converting again, and only unchanged pages reused."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest
from conftest import edit, site_files

from trustbinder.audience import rendercache
from trustbinder.builder import build_one


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Each build starts like a new process (empty memory), with its own cache folder; yields the Markdown
    Python-Markdown was asked to convert (empty text is what a reused page hands it)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    calls: list[str] = []
    original = markdown.Markdown.convert

    def convert(self: markdown.Markdown, source: str) -> str:
        if source.strip():
            calls.append(source)
        return original(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", convert)
    yield calls


def build(program: Path, audience: str, name: str) -> Path:
    rendercache._memory.clear()  # a new process: only the folder can help
    site = program.parent / name
    build_one(str(program / "mkdocs.yml"), audience, str(site))
    return site


@pytest.mark.parametrize("audience", ["public", "internal", "auditor"])
def test_a_rebuild_reuses_every_conversion_and_gives_the_same_site(
    starter: Path, converted: list[str], audience: str
) -> None:
    first = build(starter, audience, "first")
    assert len(converted) > 5
    converted.clear()
    second = build(starter, audience, "second")
    assert converted == []
    assert site_files(first) == site_files(second)


def test_an_edited_page_alone_is_converted_again(mini: Path, converted: list[str]) -> None:
    build(mini, "internal", "first")
    policy = mini / "content" / "policies" / "access.md"
    edit(policy, "Access is granted", "A sentence added in review.\n\nAccess is granted")
    converted.clear()
    site = build(mini, "internal", "second")
    assert len(converted) == 1 and "A sentence added in review." in converted[0]
    page = site / policy.relative_to(mini / "content").with_suffix("") / "index.html"
    assert "A sentence added in review." in page.read_text(encoding="utf-8")


def test_a_new_page_changes_the_layout_and_every_page_is_converted_again(mini: Path, converted: list[str]) -> None:
    build(mini, "internal", "first")
    count = len(converted)
    (mini / "content" / "policies" / "new-page.md").write_text(
        "---\nid: POL-NEW\ntitle: New page\naudience: internal\nowner: CISO\n---\n\nText.\n",
        encoding="utf-8",
    )
    converted.clear()
    build(mini, "internal", "second")
    assert len(converted) == count + 1


def test_a_conversion_that_logged_something_is_never_reused(
    mini: Path, converted: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mkdocs")
    policy = mini / "content" / "policies" / "access.md"
    edit(policy, "Access is granted", "See [the missing page](missing.md).\n\nAccess is granted")
    for name in ("first", "second"):
        caplog.clear()
        build(mini, "internal", name)
        assert any("missing.md" in r.getMessage() for r in caplog.records), name


def test_the_cache_can_be_turned_off(mini: Path, converted: list[str]) -> None:
    config = mini / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "  - trustbinder/audience\n", "  - trustbinder/audience:\n      render_cache: false\n"
        ),
        encoding="utf-8",
    )
    build(mini, "internal", "first")
    count = len(converted)
    build(mini, "internal", "second")
    assert len(converted) == 2 * count
    assert not rendercache.cache_folder().exists()
