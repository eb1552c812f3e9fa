"""SHA-256 of evidence files, remembered between runs so that unchanged files are not read again.

The cache lives in `.trustbinder-cache/hashes.json` under the program folder and is keyed by the file's path,
size, modification time, change time and inode: any write, `touch`, copy or replacement of a file changes one
of them and the file is read again. The folder holds a `.gitignore` of `*`, so it never reaches git whatever
the repository's own ignore rules say. A cache that is missing, unreadable or from another version is simply
ignored, and a folder that cannot be written (a read-only checkout) only costs the next run its speed.

A file whose modification time is within a moment of the time it was hashed is hashed but not remembered:
file systems store times at a coarse granularity, so a second write in the same tick would leave every key
unchanged (git's "racy clean" problem).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

CACHE_DIR = ".trustbinder-cache"
CACHE_FILE = "hashes.json"
CACHE_VERSION = 1
CHUNK = 1 << 20
# Coarse clocks tick every few milliseconds; file systems with whole-second (or 2 s) times need more.
RACY_WINDOW_NS = 50_000_000
COARSE_RACY_WINDOW_NS = 2_000_000_000

# Called from the calling thread as hashing advances: (bytes just hashed, total bytes to hash).
Progress = Callable[[int, int], None]


class FileDigest(NamedTuple):
    size: int
    sha256: str


@dataclass
class HashStats:
    """What the last `digests` call did: how many files it read and how many the cache answered."""

    hashed_files: int = 0
    hashed_bytes: int = 0
    cached_files: int = 0
    seconds: float = 0.0


def sha256_file(path: Path, size_hint: int = 0) -> str:
    """The SHA-256 of a file's bytes; every read of evidence for hashing goes through here."""
    with open(path, "rb", buffering=0) as handle:
        if size_hint < CHUNK:
            data = handle.read()
            digest = hashlib.sha256(data)
            more = handle.read(CHUNK)
            if not more:
                return digest.hexdigest()
            digest.update(more)
        else:
            digest = hashlib.sha256()
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while count := handle.readinto(buffer):
            digest.update(view[:count])
        return digest.hexdigest()


def _key(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _is_racy(stat: os.stat_result, hashed_at_ns: int) -> bool:
    window = COARSE_RACY_WINDOW_NS if stat.st_mtime_ns % 1_000_000 == 0 else RACY_WINDOW_NS
    newest = max(stat.st_mtime_ns, stat.st_ctime_ns)
    return newest + window > hashed_at_ns


def read_cache_entries(path: Path, version: int) -> dict[str, Any]:
    """The entries of a cache file of this version; anything unreadable or older counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def write_cache_entries(root: Path, path: Path, version: int, entries: dict[str, Any]) -> bool:
    """Replace a cache file atomically; False when it cannot be written (a cache is never worth failing for)."""
    temporary = path.parent / f".{path.name}.{os.getpid()}"
    try:
        ensure_cache_dir(root)
        payload = {"version": version, "entries": dict(sorted(entries.items()))}
        temporary.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        return False
    return True


def ensure_cache_dir(root: Path) -> Path:
    """The program's cache folder, created with a `.gitignore` of `*` so that git never picks it up."""
    folder = root / CACHE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# written by trustbinder: a cache, never part of the program\n*\n", encoding="utf-8")
    return folder


class HashCache:
    """Digests of files under `root`, answered from the cache when a file's keys are unchanged."""

    def __init__(self, root: Path, *, use_cache: bool = True, workers: int | None = None) -> None:
        self.root = root.resolve()
        self.path = self.root / CACHE_DIR / CACHE_FILE
        self.use_cache = use_cache
        self.workers = workers or min(8, (os.cpu_count() or 1) + 2)
        self.entries: dict[str, list[int | str]] = self._load() if use_cache else {}
        self.changed = False
        self.stats = HashStats()
        self.unreadable: dict[str, str] = {}  # files the last `digests` call could not read, with why

    def _load(self) -> dict[str, list[int | str]]:
        return read_cache_entries(self.path, CACHE_VERSION)

    def _lookup(self, rel: str, stat: os.stat_result) -> str | None:
        # Runs once per file on every check: compared field by field, without building tuples.
        entry = self.entries.get(rel)
        if (
            isinstance(entry, list)
            and len(entry) == 5
            and entry[0] == stat.st_size
            and entry[1] == stat.st_mtime_ns
            and entry[2] == stat.st_ctime_ns
            and entry[3] == stat.st_ino
            and isinstance(entry[4], str)
        ):
            return entry[4]
        return None

    def digests(self, rels: Sequence[str], progress: Progress | None = None) -> dict[str, FileDigest]:
        """Digest of every readable file, named by its path relative to the root ("evidence/a.csv").

        Unchanged files are answered without being opened. Paths stay strings on this path: with tens of
        thousands of files, building Path objects costs more than the stat calls.
        """
        started = time.perf_counter()
        self.stats = HashStats()
        self.unreadable = {}
        base = str(self.root) + os.sep
        result: dict[str, FileDigest] = {}
        pending: list[tuple[str, str, os.stat_result]] = []
        lookup = self._lookup if self.use_cache else lambda rel, stat: None
        for rel in rels:
            full = base + rel
            try:
                stat = os.stat(full)
            except OSError as error:
                self.unreadable[rel] = error.strerror or str(error)
                continue
            known = lookup(rel, stat)
            if known is None:
                pending.append((full, rel, stat))
            else:
                result[rel] = FileDigest(stat.st_size, known)
        self.stats.cached_files = len(result)
        total = sum(stat.st_size for _, _, stat in pending)
        for (_, rel, stat), sha in zip(pending, self._hash_all(pending, total, progress), strict=True):
            if sha is not None:
                result[rel] = FileDigest(stat.st_size, sha)
        self.stats.hashed_files = len(pending)
        self.stats.hashed_bytes = total
        self.stats.seconds = time.perf_counter() - started
        return result

    def _hash_all(
        self, pending: list[tuple[str, str, os.stat_result]], total: int, progress: Progress | None
    ) -> Iterable[str | None]:
        if len(pending) < 4 or self.workers == 1:
            for item in pending:
                sha = self._hash_one(*item)
                if progress:
                    progress(item[2].st_size, total)
                yield sha
            return
        # hashlib releases the GIL while it hashes, so threads use every core and overlap reads.
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for item, sha in zip(pending, pool.map(lambda job: self._hash_one(*job), pending), strict=True):
                if progress:
                    progress(item[2].st_size, total)
                yield sha

    def _hash_one(self, full: str, rel: str, before: os.stat_result) -> str | None:
        hashed_at = time.time_ns()
        try:
            sha = sha256_file(Path(full), before.st_size)
            after = os.stat(full)
        except OSError as error:
            self.unreadable[rel] = error.strerror or str(error)
            return None
        if self.use_cache and _key(after) == _key(before) and not _is_racy(after, hashed_at):
            self.entries[rel] = [*_key(after), sha]
            self.changed = True
        return sha

    def forget_except(self, keep: Iterable[str]) -> None:
        """Drop entries of files no longer in the tree, so the cache does not grow forever."""
        wanted = set(keep)
        stale = [rel for rel in self.entries if rel not in wanted]
        for rel in stale:
            del self.entries[rel]
        self.changed = self.changed or bool(stale)

    def save(self) -> None:
        if not (self.use_cache and self.changed):
            return
        if write_cache_entries(self.root, self.path, CACHE_VERSION, self.entries):
            self.changed = False


class UnreadableEvidence(Exception):
    """Artifacts that could not be read to hash them."""


def artifact_digests(root: Path, artifacts: Sequence[str]) -> dict[str, str]:
    """SHA-256 of each artifact (program-relative path), answered from the cache for unchanged files."""
    cache = HashCache(root)
    found = cache.digests(list(artifacts))
    if cache.changed:
        cache.save()
    missing = [rel for rel in artifacts if rel not in found]
    if missing:
        reasons = ", ".join(f"{rel} ({cache.unreadable.get(rel, 'unreadable')})" for rel in missing[:5])
        raise UnreadableEvidence(f"cannot read evidence: {reasons}")
    return {rel: found[rel].sha256 for rel in artifacts}
