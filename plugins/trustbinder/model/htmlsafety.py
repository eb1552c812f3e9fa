"""Find active content in rendered HTML: what a public page must not carry.

Python-Markdown passes raw HTML through, so a page author (or a pasted snippet) can put a script, an iframe or
an event handler on the public site. The public build refuses such pages rather than silently rewriting them,
so what is published is what the author sees in review.
"""

from __future__ import annotations

from html.parser import HTMLParser

ACTIVE_ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "link", "meta", "style"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background"})
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(UNSAFE_SCHEMES):
                    self.problems.append(f'{name}="{value[:40]}" on <{tag}>')

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    """Each script, embed, event handler or script URL found, described for an error message."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems
