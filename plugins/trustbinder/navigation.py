"""Rebuilding MkDocs navigation after a plugin changes its items, shared by every trustbinder plugin."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.nav import Navigation, Section, _add_parent_links, _add_previous_and_next_links
from mkdocs.structure.pages import Page


def pages_in(items: list[Any]) -> list[Page]:
    """Every page of a navigation tree, in reading order."""
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        elif isinstance(item, Section):
            found.extend(pages_in(item.children))
    return found


def rebuild_navigation(items: list[Any]) -> Navigation:
    """A Navigation over `items` with previous/next and parent links set again, as MkDocs would."""
    pages = pages_in(items)
    _add_previous_and_next_links(pages)
    _add_parent_links(items)
    return Navigation(items, pages)
