"""Problems found in a program, collected in one pass and reported as `path:line: level: message`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int | None
    level: Level
    message: str
    key: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.level}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "level": self.level,
            "key": self.key,
            "message": self.message,
        }


@dataclass
class Findings:
    items: list[Finding] = field(default_factory=list)

    def error(self, path: str, line: int | None, message: str, key: str | None = None) -> None:
        self.items.append(Finding(path, line, "error", message, key))

    def warning(self, path: str, line: int | None, message: str, key: str | None = None) -> None:
        self.items.append(Finding(path, line, "warning", message, key))

    def extend(self, other: Findings) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.level == "warning"]

    def sorted(self) -> list[Finding]:
        return sorted(self.items, key=lambda f: (f.path, f.line or 0, f.level, f.message))

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ProgramError(Exception):
    """Raised when a program cannot be used because it has errors; carries every error found."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        lines = "\n".join(str(f) for f in findings)
        super().__init__(f"{len(findings)} error(s) in the program:\n{lines}")
