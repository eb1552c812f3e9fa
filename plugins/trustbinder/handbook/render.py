"""The handbook's Jinja environment: autoescaped templates, dates as ISO text, and large HTML kept out of
Python-Markdown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"
_BLANK_LINES = re.compile(r"\n\s*\n")
# Characters Python-Markdown gives a meaning to in running text; a backslash makes each one literal.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _markdown_text(value: object) -> Markup:
    """User text placed in Markdown (not HTML): escaped for HTML, then for Markdown."""
    return Markup(_MARKDOWN_SPECIALS.sub(r"\\\1", str(escape(" ".join(str(value).split())))))


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["iso"] = _iso
environment.filters["md"] = _markdown_text
environment.filters["plural"] = _plural


def render(template: str, **context: Any) -> str:
    return environment.get_template(template).render(**context)


def html_block(markup: str) -> str:
    """HTML without blank lines: Python-Markdown ends a raw HTML block at the first blank line."""
    return _BLANK_LINES.sub("\n", markup.strip())


_INDENTATION = re.compile(r">\s*\n\s*<")
_BLOCK_TOKEN = "TRUSTBINDERHTMLBLOCK"
_BLOCK_PARAGRAPH = re.compile(_BLOCK_TOKEN + r"(\d+)")


def compact(markup: str) -> str:
    """Template indentation between tags removed: every text node costs the search indexer a parser event.
    Only whitespace holding a line break goes, which the templates use between block elements alone."""
    return _INDENTATION.sub("><", markup.strip())


class HtmlBlocks:
    """Large generated HTML (a 700-row table) kept out of Python-Markdown, which would parse every tag of a raw
    HTML block once more: the page's Markdown holds a token paragraph that `fill` replaces after conversion."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def add(self, markup: str) -> Markup:
        self.blocks.append(compact(markup))
        return Markup(f"\n\n{_BLOCK_TOKEN}{len(self.blocks) - 1}\n\n")

    def fill(self, html: str) -> str:
        return re.sub(
            f"<p>{_BLOCK_PARAGRAPH.pattern}</p>",
            lambda match: self.blocks[int(match.group(1))],
            html,
        )
