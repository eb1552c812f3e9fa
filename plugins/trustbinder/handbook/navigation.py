"""Navigation by document type: readable titles for the document folders and a stable order.

MkDocs names a folder's section after the folder ("Narratives") and sorts sections alphabetically. In the
handbook the home page comes first, then policies, procedures and the system description, then any other
folder, then the generated handbook pages.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure import StructureItem
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from trustbinder.navigation import rebuild_navigation


def _folder(item: Any) -> str | None:
    """The top-level docs folder a section holds, from the first page found under it."""
    if isinstance(item, Page):
        uri = item.file.src_uri
        return uri.split("/", 1)[0] if "/" in uri else None
    if isinstance(item, Section):
        for child in item.children:
            folder = _folder(child)
            if folder is not None:
                return folder
    return None


def arrange(nav: Navigation, titles: dict[str, str], generated_folder: str) -> Navigation:
    """Rename and reorder the top level of an automatic navigation."""
    order = list(titles)

    def rank(position: int, item: Any) -> tuple[int, int, int]:
        if not isinstance(item, Section):
            return (0, 0, position)
        folder = _folder(item)
        if folder in titles:
            item.title = titles[folder]
            return (1, order.index(folder), position)
        if folder == generated_folder:
            return (3, 0, position)
        return (2, 0, position)

    items = [item for _, item in sorted(enumerate(nav.items), key=lambda pair: rank(*pair))]
    return rebuild_navigation(items)


def append_section(nav: Navigation, title: str, pages: list[Page]) -> Navigation:
    """Add generated pages an explicit `nav:` does not name, as one section at the end."""
    missing: list[StructureItem] = [page for page in pages if page not in nav.pages]
    if not missing:
        return nav
    return rebuild_navigation([*nav.items, Section(title, missing)])
