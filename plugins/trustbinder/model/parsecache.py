"""A file of parse results kept between runs: what a parser made of a file, replayed while the file is unchanged.

Each entry holds a stamp of the file (the caller's choice of mtime, ctime, size, inode), the parsed record and
the findings parsing produced, so problems are reported on every run. The file lives in the program's
`.trustbinder-cache/`; an unreadable or older file counts as empty, and one that cannot be written is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from trustbinder.model.findings import Finding
from trustbinder.model.hashcache import CACHE_DIR, read_cache_entries, write_cache_entries

T = TypeVar("T")
Encode = Callable[[T], "dict[str, Any] | None"]  # None: this record cannot be kept exactly
Decode = Callable[["dict[str, Any]"], T]


class ParseCache(Generic[T]):
    def __init__(self, root: Path, file_name: str, version: int, encode: Encode[T], decode: Decode[T]) -> None:
        self.root, self.version = root, version
        self.path = root / CACHE_DIR / file_name
        self.encode, self.decode = encode, decode
        self.entries: dict[str, Any] = read_cache_entries(self.path, version)
        self.seen: set[str] = set()
        self.changed = False

    def get(self, key: str, stamp: list[int]) -> tuple[T | None, list[Finding]] | None:
        self.seen.add(key)
        entry = self.entries.get(key)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != stamp:
            return None
        try:
            findings = [Finding(f["path"], f["line"], f["level"], f["message"], f["key"]) for f in entry[1]["findings"]]
            record = entry[1]["record"]
            return (None if record is None else self.decode(record)), findings
        except (KeyError, TypeError, ValueError):
            return None  # written by another version or damaged: parse the file again

    def put(self, key: str, stamp: list[int], item: T | None, findings: list[Finding]) -> None:
        record = None if item is None else self.encode(item)
        if item is not None and record is None:
            return
        self.entries[key] = [stamp, {"record": record, "findings": [f.as_dict() for f in findings]}]
        self.changed = True

    def save(self) -> None:
        """Keep the entries of the files this run saw."""
        if not self.changed and self.seen.issuperset(self.entries):
            return
        entries = {key: value for key, value in self.entries.items() if key in self.seen}
        write_cache_entries(self.root, self.path, self.version, entries)
