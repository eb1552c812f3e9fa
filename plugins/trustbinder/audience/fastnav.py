"""The primary navigation of Material for MkDocs, rendered in Python instead of its recursive Jinja macro.

Material renders the whole navigation tree for every page through a Jinja macro that calls itself per item;
with hundreds of documents that macro is the largest single cost of a build (issue 9). This module writes the
same markup, item for item and attribute for attribute, so Material's CSS and JavaScript work unchanged.

It is used only when it is known to match: the theme is Material, no theme folder overrides the partials it
replaces, and those partials are the exact versions this renderer was written against (their SHA-256 below).
Otherwise the build keeps Material's own templates. `tests/test_fastnav.py` compares both renderings page by
page.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

THEME = Path(__file__).parent / "fastnav_theme"
GLOBAL_NAME = "trustbinder_nav_items"
FRAGMENTS = "_trustbinder_nav_fragments"  # attribute of the build's Navigation holding the fragment cache

# The markup of an item that is not on the current page's path is the same on every page but for its one link,
# which is relative to the page: kept as (item, text before the link, link target, text after the link).
Fragment = tuple[Any, str, str, str]

# The Material partials this renderer reproduces, by SHA-256 of the files it was checked against.
KNOWN_PARTIALS: dict[str, frozenset[str]] = {
    "partials/nav.html": frozenset({"af33f6e032f632eb055c365eb5f1a975bf8456152fa768e69a1aad6d470b843f"}),
    "partials/nav-item.html": frozenset({"89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7"}),
    "partials/toc.html": frozenset({"fde48f583563364b0e0e6865a5ab1e7060ec1826161f69f5cbee653e621b0f84"}),
    "partials/toc-item.html": frozenset({"418f31ce2e6d559934f610084a5c8493f9618b96268909601552ac48aa0c15c2"}),
}


def unsupported_reason(theme_name: str | None, theme_dirs: Iterable[str], plugin_names: Iterable[str]) -> str | None:
    """Why the fast navigation cannot stand in for Material's in this build, or None when it can."""
    if theme_name != "material":
        return f"the theme is {theme_name!r}, not Material"
    if any(name.endswith("typeset") for name in plugin_names):
        return "the typeset plugin changes navigation titles"
    dirs = [Path(d) for d in theme_dirs if Path(d) != THEME]
    for name, known in KNOWN_PARTIALS.items():
        found = next((d / name for d in dirs if (d / name).is_file()), None)
        if found is None:
            return f"no theme folder has {name}"
        if hashlib.sha256(found.read_bytes()).hexdigest() not in known:
            return f"{found} is not a version of Material's {name} this renderer was checked against"
    return None


def install(env: Environment) -> None:
    env.globals[GLOBAL_NAME] = _render_items


@pass_context
def _render_items(context: Context, toc_title: str) -> Markup:
    config = context["config"]
    nav = context["nav"]
    fragments = getattr(nav, FRAGMENTS, None)
    if fragments is None:
        fragments = {}
        setattr(nav, FRAGMENTS, fragments)
    renderer = _Renderer(
        fragments=fragments,
        env=context.environment,
        page=context.get("page"),
        base_url=context.get("base_url", ""),
        features=frozenset(config.theme.get("features") or ()),
        extra=config.extra,
        toc_title=_toc_title(config, toc_title),
    )
    for number, item in enumerate(nav.items, start=1):
        renderer.item(item, f"__nav_{number}", 1, None)
    return Markup("".join(renderer.out))


def _toc_title(config: Any, translated: str) -> str:
    toc_config = config.mdx_configs.get("toc") or {}
    return str(toc_config.get("title") or translated)


def _meta(item: Any, key: str) -> Any:
    meta = getattr(item, "meta", None)
    return meta.get(key) if meta else None


class _Renderer:
    def __init__(
        self,
        *,
        fragments: dict[tuple[int, str], Fragment],
        env: Environment,
        page: Page | None,
        base_url: str,
        features: frozenset[str],
        extra: Any,
        toc_title: str,
    ) -> None:
        self.fragments = fragments
        self.env, self.page, self.base_url = env, page, base_url
        self.features, self.extra, self.toc_title = features, extra, toc_title
        self.out: list[str] = []

    def url(self, value: Any) -> str:
        return normalize_url(str(value), page=self.page, base=self.base_url)

    # ---- one navigation item (Material's `render` macro) ----------------------------------------------

    def item(self, item: Any, path: str, level: int, parent: Any) -> None:
        css = "md-nav__item"
        if item.active:
            css += " md-nav__item--active"
        pages = getattr(item, "pages", None)
        if pages and self.page in pages:
            item = self.page
        children = getattr(item, "children", None)
        if children:
            self.section(item, children, css, path, level, parent)
        elif self.page is not None and item == self.page:
            self.current_page(item, css)
        else:
            self.fragment(item, css, self._link)

    def fragment(self, item: Any, css: str, make: Callable[[Any, str], Fragment]) -> None:
        key = (id(item), css)
        cached = self.fragments.get(key)
        if cached is None or cached[0] is not item:
            cached = self.fragments[key] = make(item, css)
        self.out.append(cached[1] + self.url(cached[2]) + cached[3])

    def _link(self, item: Any, css: str) -> Fragment:
        return (
            item,
            f'<li class="{css}"><a href="',
            str(item.url),
            f'" class="md-nav__link">{self.content(item)}</a></li>',
        )

    def section(self, item: Any, children: list[Any], css: str, path: str, level: int, parent: Any) -> None:
        features, out = self.features, self.out
        index = None
        if "navigation.indexes" in features:
            index = next((child for child in children if getattr(child, "is_index", False)), None)
        is_section = False
        if "navigation.tabs" in features:
            if level == 1 and item.active:
                css, is_section = css + " md-nav__item--section", True
            if "navigation.sections" in features and level == 2 and parent.active:
                css, is_section = css + " md-nav__item--section", True
        elif "navigation.sections" in features and level == 1:
            css, is_section = css + " md-nav__item--section", True
        is_pruned = "navigation.prune" in features and not is_section and not item.active
        if is_pruned:
            css += " md-nav__item--pruned"
        if is_pruned:
            self.fragment(item, css, self._pruned)
            return
        out.append(f'<li class="{css} md-nav__item--nested">')
        checked = "checked" if item.active else ""
        indeterminate = "md-toggle--indeterminate" if "navigation.expand" in features and not checked else ""
        tabindex = "" if is_section else "0"
        out.append(f'<input class="md-nav__toggle md-toggle {indeterminate}" type="checkbox" id="{path}" {checked}>')
        if index is None:
            out.append(
                f'<label class="md-nav__link" for="{path}" id="{path}_label" tabindex="{tabindex}">'
                f'{self.content(item)}<span class="md-nav__icon md-icon"></span></label>'
            )
        else:
            active = "md-nav__link--active" if index == self.page else ""
            out.append(
                f'<div class="md-nav__link md-nav__container"><a href="{self.url(index.url)}" '
                f'class="md-nav__link {active}">{self.content(index, item)}</a>'
            )
            if len(children) > 1:
                out.append(
                    f'<label class="md-nav__link {active}" for="{path}" id="{path}_label" tabindex="{tabindex}">'
                    '<span class="md-nav__icon md-icon"></span></label>'
                )
            out.append("</div>")
        out.append(
            f'<nav class="md-nav" data-md-level="{level}" aria-labelledby="{path}_label" '
            f'aria-expanded="{json.dumps(bool(item.active))}"><label class="md-nav__title" for="{path}">'
            f'<span class="md-nav__icon md-icon"></span>{self.title(item)}</label>'
            '<ul class="md-nav__list" data-md-scrollfix>'
        )
        for number, child in enumerate(children, start=1):
            if index is None or child != index:
                self.item(child, f"{path}_{number}", level + 1, item)
        out.append("</ul></nav></li>")

    def _pruned(self, item: Any, css: str) -> Fragment:
        """A collapsed section: one link to its first page, labelled with the section's title."""
        label, innermost, first = self.content(item), item, item.children[0] if item.children else None
        while first is not None and getattr(first, "children", None):
            innermost, first = first, first.children[0]
        icon = '<span class="md-nav__icon md-icon"></span>' if innermost.children else ""
        target = str(first.url) if first is not None else ""
        return (
            item,
            f'<li class="{css} md-nav__item--nested"><a href="',
            target,
            f'" class="md-nav__link">{label}{icon}</a></li>',
        )

    def current_page(self, item: Any, css: str) -> None:
        toc = self._toc_entries()
        parts = [f'<li class="{css}"><input class="md-nav__toggle md-toggle" type="checkbox" id="__toc">']
        if toc:
            parts.append(
                f'<label class="md-nav__link md-nav__link--active" for="__toc">{self.content(item)}'
                '<span class="md-nav__icon md-icon"></span></label>'
            )
        parts.append(
            f'<a href="{self.url(item.url)}" class="md-nav__link md-nav__link--active">{self.content(item)}</a>'
        )
        self.out.extend(parts)
        if toc:
            self.toc(toc)
        self.out.append("</li>")

    # ---- the current page's table of contents (Material's toc.html and toc-item.html) -----------------

    def _toc_entries(self) -> list[Any]:
        toc = list(self.page.toc) if self.page is not None else []
        if toc and toc[0].level == 1:
            return list(toc[0].children)
        return toc

    def toc(self, entries: list[Any]) -> None:
        title = self.toc_title
        self.out.append(
            f'<nav class="md-nav md-nav--secondary" aria-label="{escape(title)}">'
            f'<label class="md-nav__title" for="__toc"><span class="md-nav__icon md-icon"></span>{title}</label>'
            '<ul class="md-nav__list" data-md-component="toc" data-md-scrollfix>'
        )
        self.toc_items(entries)
        self.out.append("</ul></nav>")

    def toc_items(self, entries: Iterable[Any]) -> None:
        for entry in entries:
            self.out.append(
                f'<li class="md-nav__item"><a href="{entry.url}" class="md-nav__link">'
                f'<span class="md-ellipsis">{self.title(entry)}</span></a>'
            )
            if entry.children:
                label = escape(Markup(str(entry.title)).striptags())
                self.out.append(f'<nav class="md-nav" aria-label="{label}"><ul class="md-nav__list">')
                self.toc_items(entry.children)
                self.out.append("</ul></nav>")
            self.out.append("</li>")

    # ---- labels (Material's render_content, render_title and render_status) ---------------------------

    def content(self, item: Any, shown_as: Any = None) -> str:
        ref = shown_as or item
        parts: list[str] = []
        icon = _meta(item, "icon")
        if icon:
            parts.append(self._icon(str(icon)))
        parts.append(f'<span class="md-ellipsis">{self.title(ref)}')
        subtitle = _meta(item, "subtitle")
        if subtitle:
            parts.append(f"<br><small>{subtitle}</small>")
        parts.append("</span>")
        if getattr(item, "meta", None) and getattr(item, "encrypted", None):
            parts.append(self.status("encrypted"))
        status = _meta(item, "status")
        if status:
            parts.append(self.status(str(status)))
        return "".join(parts)

    def title(self, item: Any) -> str:
        typeset = getattr(item, "typeset", None)
        if typeset:
            return f'<span class="md-typeset">{typeset.title}</span>'
        return str(item.title)

    def status(self, kind: str) -> str:
        statuses = self.extra.get("status") if self.extra else None
        label = statuses.get(kind) if statuses else None
        if label:
            return f'<span class="md-status md-status--{kind}" title="{label}"></span>'
        return f'<span class="md-status md-status--{kind}"></span>'

    def _icon(self, name: str) -> str:
        return self.env.get_template(f".icons/{name}.svg").render()
