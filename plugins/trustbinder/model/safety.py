"""Checks on the program tree and on paths users write, run before any file is read.

MkDocs follows symlinks when it collects files, so a link to /etc or a loop back to a parent would be read,
copied or walked forever. A program is refused before anything is read if its tree holds a symlink that
leaves the program, a broken link or a loop, or two names that only differ by case or Unicode form (they
collide on macOS and Windows checkouts and in URLs).
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from trustbinder.model.findings import Findings

_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def tree_problems(root: Path, folders: list[Path]) -> Findings:
    findings = Findings()
    root = root.resolve()
    for folder in folders:
        if folder.is_dir():
            _walk(root, folder, findings)
    return findings


def _walk(root: Path, folder: Path, findings: Findings) -> None:
    """Depth-first over directory entries; DirEntry knows if it is a symlink without another stat call."""
    seen: dict[str, str] = {}
    pending = [(str(folder), folder.relative_to(root).as_posix())]
    while pending:
        directory, rel_directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                rel = f"{rel_directory}/{entry.name}"
                key = unicodedata.normalize("NFC", rel).casefold()
                if key in seen:
                    findings.error(
                        rel, None, f"name collides with {seen[key]}: names may not differ only by case or Unicode form"
                    )
                else:
                    seen[key] = rel
                if entry.is_symlink():
                    _check_symlink(root, Path(entry.path), rel, findings)
                elif entry.is_dir():
                    pending.append((entry.path, rel))


def _check_symlink(root: Path, path: Path, rel: str, findings: Findings) -> None:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        findings.error(rel, None, "symlink is broken or loops; replace it with the file itself")
        return
    if not target.is_relative_to(root):
        findings.error(rel, None, f"symlink points outside the program (to {target}); copy the file in instead")
    elif target.is_dir() and path.parent.resolve().is_relative_to(target):
        findings.error(rel, None, f"symlink loops back to its own parent folder ({target.relative_to(root)})")


def path_problem(value: str) -> str | None:
    """Why a relative path a user wrote (a logo, an output name) is unsafe, or None if it is fine."""
    if not value.strip():
        return "is empty"
    if "\x00" in value:
        return "contains a NUL character"
    if "\\" in value:
        return "contains a backslash; use '/' between folders"
    if _PERCENT_ESCAPE.search(value):
        return "contains percent-encoding; write the characters themselves"
    if value.startswith("/") or re.match(r"^[A-Za-z]:", value):
        return "is absolute; write it relative to the folder it lives in"
    if any(part == ".." for part in value.split("/")):
        return "climbs out with '..'"
    return None
