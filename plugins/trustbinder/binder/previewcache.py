"""Evidence previews kept on disk between builds, keyed by the SHA-256 of the artifact's bytes.

A preview depends only on those bytes, the artifact's type and the preview options, and filed evidence rarely
changes; reading and parsing tens of thousands of files for their first lines was the largest part of the
binder's build. The digests come from the hash cache, which reads a file again whenever it may have changed.
The file sits next to the other caches in `.trustbinder-cache/`; a missing, damaged or older one only costs
the previews being made again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast, get_args

from trustbinder.binder.previews import Kind, Preview
from trustbinder.model.hashcache import CACHE_DIR, read_cache_entries, write_cache_entries

CACHE_FILE = "binder-previews.json"
CACHE_VERSION = 1  # raise it whenever previews.py shows something else for the same bytes
_KINDS = frozenset(get_args(Kind))


def _encode(preview: Preview) -> list[Any]:
    p = preview
    return [p.kind, p.header, p.rows, p.total_rows, p.approximate, p.text, p.note]


def _decode(entry: object) -> Preview | None:
    if not isinstance(entry, list) or len(entry) != 7:
        return None
    kind, header, rows, total, approximate, text, note = entry
    if (
        kind not in _KINDS
        or not isinstance(header, list)
        or not isinstance(rows, list)
        or not all(isinstance(row, list) for row in rows)
        or not isinstance(total, int)
        or not isinstance(approximate, bool)
        or not isinstance(text, str)
        or not isinstance(note, str)
    ):
        return None
    return Preview(cast(Kind, kind), header, rows, total, approximate, text, note)


class PreviewCache:
    def __init__(self, root: Path, rows: int, max_bytes: int) -> None:
        self.root = root
        self.path = root / CACHE_DIR / CACHE_FILE
        self.options = f"{rows}:{max_bytes}"
        self.entries: dict[str, Any] = read_cache_entries(self.path, CACHE_VERSION)
        self.seen: set[str] = set()
        self.changed = False

    def get(self, digest: str, kind: str, make: Callable[[], Preview]) -> Preview:
        """The preview of the artifact with this digest, made by `make` when the cache does not hold it."""
        if not digest:
            return make()
        key = f"{digest}:{kind}:{self.options}"
        self.seen.add(key)
        found = _decode(self.entries.get(key))
        if found is not None:
            return found
        made = make()
        if made.lasting:
            self.entries[key] = _encode(made)
            self.changed = True
        return made

    def save(self) -> None:
        """Keep the previews this build showed; a cache that cannot be written is skipped."""
        if not self.changed and self.seen.issuperset(self.entries):
            return
        entries = {key: value for key, value in self.entries.items() if key in self.seen}
        write_cache_entries(self.root, self.path, CACHE_VERSION, entries)
        self.changed = False
