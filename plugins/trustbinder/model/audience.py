"""Audiences and the removal of restricted blocks and HTML comments from Markdown.

Audiences nest: the auditor sees everything, employees see internal and public, customers see public only.
Blocks marked for a higher audience are cut out of the Markdown text before any rendering, so they cannot
leak through HTML, the search index or a theme.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Audience(enum.IntEnum):
    PUBLIC = 1
    INTERNAL = 2
    AUDITOR = 3

    @property
    def key(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Audience:
        return cls[value.upper()]

    @classmethod
    def names(cls) -> list[str]:
        return [a.key for a in cls]

    def can_see(self, content_audience: Audience) -> bool:
        return content_audience <= self


_MARKER = re.compile(r"<!--\s*(/?)\s*audience\s*(?::\s*([A-Za-z_-]*))?\s*-->", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class MarkupProblem:
    line: int
    message: str


def _line_at(text: str, offset: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, offset)


def restricted_block_problems(text: str, first_line: int = 1) -> list[MarkupProblem]:
    """Unbalanced or unknown audience markers and unclosed comments; any of them stops a build."""
    problems: list[MarkupProblem] = []
    depth: list[int] = []
    for match in _MARKER.finditer(text):
        line = _line_at(text, match.start(), first_line)
        closing, name = match.group(1), match.group(2)
        if closing:
            if not depth:
                problems.append(MarkupProblem(line, "'<!-- /audience -->' closes a block that was never opened"))
            else:
                depth.pop()
        elif name is None or name.lower() not in Audience.names():
            problems.append(
                MarkupProblem(
                    line,
                    f"restricted block names audience '{name or ''}'; allowed: {', '.join(Audience.names())}",
                )
            )
        else:
            depth.append(line)
    problems.extend(
        MarkupProblem(line, "restricted block opened here is never closed with '<!-- /audience -->'") for line in depth
    )
    without_comments = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    unclosed = without_comments.find("<!--")
    if unclosed != -1:
        problems.append(MarkupProblem(_line_at(without_comments, unclosed, first_line), "HTML comment is never closed"))
    return problems


def strip_for_audience(text: str, reader: Audience) -> str:
    """Remove blocks above `reader` and every HTML comment, keeping line count stable.

    Call `restricted_block_problems` first: on malformed markup this fails closed by cutting everything from
    an unclosed marker to the end of the text.
    """
    out: list[str] = []
    position = 0
    hidden_depth = 0
    stack: list[bool] = []
    for match in _MARKER.finditer(text):
        chunk = text[position : match.start()]
        out.append("\n" * chunk.count("\n") if hidden_depth else chunk)
        closing, name = match.group(1), match.group(2)
        if closing:
            if stack and stack.pop():
                hidden_depth -= 1
        else:
            try:
                hidden = not reader.can_see(Audience.parse(name or ""))
            except KeyError:
                hidden = True
            stack.append(hidden)
            hidden_depth += hidden
        position = match.end()
    tail = text[position:]
    out.append("\n" * tail.count("\n") if hidden_depth else tail)
    kept = "".join(out)
    kept = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), kept)
    unclosed = kept.find("<!--")
    if unclosed != -1:
        kept = kept[:unclosed]
    return kept
