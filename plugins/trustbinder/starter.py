"""The starter program that `trustbinder init` copies."""

from __future__ import annotations

import shutil
from pathlib import Path

STARTER_ITEMS = ("mkdocs.yml", "content", "evidence", "evidence.lock")


def starter_root() -> Path:
    """The installed copy in the wheel, or the repository root in a source checkout."""
    packaged = Path(__file__).parent / "starter"
    if (packaged / "mkdocs.yml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "mkdocs.yml").is_file() and (checkout / "content").is_dir():
        return checkout
    raise FileNotFoundError("the starter program is missing from this installation of trustbinder")


def copy_starter(destination: Path) -> list[str]:
    """Copy the starter into `destination`, which must be missing or empty. Returns what was written."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise FileExistsError(f"{destination} exists and is not empty; choose a new folder")
    source = starter_root()
    destination.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for name in STARTER_ITEMS:
        item = source / name
        if item.is_dir():
            shutil.copytree(item, destination / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        elif item.is_file():
            shutil.copy2(item, destination / name)
        else:
            continue
        written.append(name)
    (destination / ".gitignore").write_text("site/\n", encoding="utf-8")
    return written
