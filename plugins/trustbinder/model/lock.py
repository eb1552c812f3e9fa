"""evidence.lock: the SHA-256 of every artifact and its sidecar, and the comparison of the tree against it.

The lock is JSON Lines so that git shows one changed line per changed artifact. Line 1 is a header carrying a
digest over all entries; each further line is one artifact, sorted by path, with a short check value over its
own fields. A hand-edited entry fails its check (and is named by line); an entry added, removed or moved by
hand fails the digest. None of this stops someone who reruns `trustbinder evidence lock` - that is what git
history and review are for - but it makes a quiet edit of evidence, a sidecar or the lock itself visible.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from trustbinder.model.evidence import SIDECAR_SUFFIX, scan_evidence
from trustbinder.model.findings import Findings
from trustbinder.model.hashcache import HashCache, Progress
from trustbinder.model.yamlio import YamlMap, YamlProblem, parse_yaml

LOCK_NAME = "evidence.lock"
LOCK_FORMAT = "trustbinder-evidence-lock"
LOCK_VERSION = 1
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
# An entry line exactly as `LockEntry.line` writes it, with plain ASCII strings: for such a line the text before
# `, "check"` is the entry's canonical form itself, so its check needs no JSON round trip. Any other line takes
# the general path, which gives the same verdict more slowly.
_PLAIN = r'[^"\\\x00-\x1f\x7f-\U0010ffff]*'
_CANONICAL_LINE = re.compile(
    rf'(\{{"path": "({_PLAIN})", "id": "({_PLAIN})", "size": (0|[1-9][0-9]*), "sha256": "([0-9a-f]{{64}})", '
    rf'"sidecar_sha256": "([0-9a-f]{{64}})"), "check": "([0-9a-f]{{16}})"\}}'
)
_ENTRY_KEYS = ("path", "id", "size", "sha256", "sidecar_sha256", "check")
RELOCK = "review the change, then run `trustbinder evidence lock`"


@dataclass(frozen=True, order=True)
class LockEntry:
    path: str
    id: str
    size: int
    sha256: str
    sidecar_sha256: str

    def canonical(self) -> str:
        fields = {
            "path": self.path,
            "id": self.id,
            "size": self.size,
            "sha256": self.sha256,
            "sidecar_sha256": self.sidecar_sha256,
        }
        return json.dumps(fields, ensure_ascii=True, separators=(", ", ": "))

    @property
    def check(self) -> str:
        return hashlib.sha256(self.canonical().encode("ascii")).hexdigest()[:16]

    def line(self) -> str:
        return f'{self.canonical()[:-1]}, "check": "{self.check}"}}'


def digest_of(entries: list[LockEntry]) -> str:
    text = "".join(entry.canonical() + "\n" for entry in entries)
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def render_lock(entries: list[LockEntry]) -> str:
    ordered = sorted(entries)
    header = {
        "format": LOCK_FORMAT,
        "version": LOCK_VERSION,
        "entries": len(ordered),
        "digest": digest_of(ordered),
        "note": "written by `trustbinder evidence lock`; edits by hand are detected",
    }
    return "".join(line + "\n" for line in [json.dumps(header), *(entry.line() for entry in ordered)])


@dataclass
class LockFile:
    """A parsed lock: its trustworthy entries (with their line), the lines edited by hand, and any problems."""

    entries: dict[str, tuple[int, LockEntry]] = field(default_factory=dict)
    edited: dict[str, int] = field(default_factory=dict)  # path named by an entry that failed its check -> line
    findings: Findings = field(default_factory=Findings)

    @property
    def intact(self) -> bool:
        return not self.findings.errors


def read_lock(path: Path) -> LockFile:
    lock = LockFile()
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    header = _parse_header(lines[0] if lines else "")
    if header is None:
        lock.findings.error(
            LOCK_NAME,
            1,
            f"{LOCK_NAME} is not a lock written by trustbinder (its first line must be the header); "
            f"restore it from git, or {RELOCK}",
        )
    parsed: list[LockEntry] = []
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        entry, claimed, problem = _parse_entry(text)
        if problem:
            lock.findings.error(
                LOCK_NAME, number, f"{LOCK_NAME} entry edited by hand: {problem}; restore it from git, or {RELOCK}"
            )
            if claimed:
                lock.edited.setdefault(claimed, number)
            continue
        assert entry is not None
        if entry.path in lock.entries or entry.path in lock.edited:
            lock.findings.error(LOCK_NAME, number, f"{LOCK_NAME} entry edited by hand: {entry.path} is listed twice")
            continue
        lock.entries[entry.path] = (number, entry)
        parsed.append(entry)
    if header is not None and lock.intact and header.get("digest") != digest_of(parsed):
        lock.findings.error(
            LOCK_NAME,
            1,
            f"{LOCK_NAME} edited by hand: its digest does not match its entries (an entry was added, removed or "
            f"reordered); restore it from git, or {RELOCK}",
        )
    return lock


def _parse_header(text: str) -> dict[str, object] | None:
    try:
        header = json.loads(text)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("format") != LOCK_FORMAT or header.get("version") != LOCK_VERSION:
        return None
    return header


def _parse_entry(text: str) -> tuple[LockEntry | None, str | None, str | None]:
    """(entry, the path it names, problem): an entry is returned only if it is well formed and its check holds."""
    plain = _CANONICAL_LINE.fullmatch(text)
    if plain is not None:
        canonical, path, evidence_id, size, sha, sidecar_sha, check = plain.groups()
        if hashlib.sha256((canonical + "}").encode("ascii")).hexdigest()[:16] == check:
            return LockEntry(path, evidence_id, int(size), sha, sidecar_sha), path, None
    try:
        data = json.loads(text)
    except ValueError:
        return None, None, "the line is not valid JSON"
    if not isinstance(data, dict):
        return None, None, "the line is not an entry"
    claimed = data.get("path") if isinstance(data.get("path"), str) else None
    if tuple(sorted(data)) != tuple(sorted(_ENTRY_KEYS)):
        return None, claimed, f"an entry has exactly the keys {', '.join(_ENTRY_KEYS)}"
    size, sha, sidecar_sha, check = data["size"], data["sha256"], data["sidecar_sha256"], data["check"]
    well_formed = (
        isinstance(claimed, str)
        and isinstance(data["id"], str)
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
        and all(isinstance(v, str) and _HEX64.match(v) for v in (sha, sidecar_sha))
        and isinstance(check, str)
        and _HEX16.match(check)
    )
    if not well_formed:
        return None, claimed, "a value has the wrong form"
    assert claimed is not None
    entry = LockEntry(claimed, data["id"], size, sha, sidecar_sha)
    if entry.check != check:
        return None, claimed, f"the entry for {claimed} no longer matches its check value"
    return entry, claimed, None


class TreeFile(NamedTuple):
    """One artifact as it is now: its digest and its sidecar's (None when the sidecar is missing)."""

    path: str
    size: int
    sha256: str
    sidecar_sha256: str | None


def list_evidence(root: Path, evidence_dir: Path) -> list[tuple[str, bool]]:
    """Every artifact under evidence/ as (path relative to root, whether its sidecar exists), sorted.

    Dotfiles and dot-folders are not evidence. One directory listing answers both questions, and paths
    stay strings: this runs on every check and build, over tens of thousands of files.
    """
    found: list[tuple[str, bool]] = []
    if not evidence_dir.is_dir():
        return found
    for folder, dirnames, filenames in os.walk(evidence_dir):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        names = set(filenames)
        for name in filenames:
            if not name.startswith(".") and not name.endswith(SIDECAR_SUFFIX):
                found.append((prefix + name, name + SIDECAR_SUFFIX in names))
    return sorted(found)


def snapshot(
    root: Path, evidence_dir: Path, cache: HashCache, findings: Findings, progress: Progress | None = None
) -> list[TreeFile]:
    """Hash every artifact and sidecar under evidence/ (through the cache); unreadable files are findings."""
    listed = list_evidence(root.resolve(), evidence_dir.resolve())
    wanted = [rel for rel, _ in listed] + [rel + SIDECAR_SUFFIX for rel, has_sidecar in listed if has_sidecar]
    digests = cache.digests(wanted, progress)
    cache.forget_except(wanted)
    cache.save()
    for rel, reason in sorted(cache.unreadable.items()):
        findings.error(rel, None, f"cannot be read to check it against {LOCK_NAME}: {reason}")
    tree: list[TreeFile] = []
    for rel, _ in listed:
        digest = digests.get(rel)
        if digest is not None:
            sidecar = digests.get(rel + SIDECAR_SUFFIX)
            tree.append(TreeFile(rel, digest.size, digest.sha256, sidecar.sha256 if sidecar else None))
    return tree


def entries_for(
    root: Path, evidence_dir: Path, cache: HashCache, progress: Progress | None = None
) -> tuple[list[LockEntry], Findings]:
    """Lock entries for the whole tree, or the evidence problems that must be fixed before it can be locked."""
    findings = Findings()
    root, evidence_dir = root.resolve(), evidence_dir.resolve()
    items = scan_evidence(evidence_dir, root, findings)
    ids: dict[str, str] = {}
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            findings.error(item.sidecar, item.sidecar_line, f"duplicate evidence ID '{item.id}'", "id")
        seen.add(item.id)
        ids[item.artifact] = item.id
    if findings.errors:
        return [], findings
    entries = []
    tree = snapshot(root, evidence_dir, cache, findings, progress)
    if findings.errors:
        return [], findings
    for file in tree:
        if file.path not in ids or file.sidecar_sha256 is None:
            findings.error(file.path, None, "evidence file has no valid sidecar; it cannot be locked")
            continue
        entries.append(LockEntry(file.path, ids[file.path], file.size, file.sha256, file.sidecar_sha256))
    return entries, findings


def write_lock(root: Path, entries: list[LockEntry]) -> Path:
    path = root / LOCK_NAME
    temporary = root / f".{LOCK_NAME}.{os.getpid()}"
    temporary.write_text(render_lock(entries), encoding="utf-8")
    os.replace(temporary, path)
    return path


@dataclass
class Verification:
    findings: Findings
    missing: bool = False
    checked: int = 0


def verify(root: Path, evidence_dir: Path, cache: HashCache, progress: Progress | None = None) -> Verification:
    """Compare evidence/ with evidence.lock and report each difference by kind. A missing lock is a warning."""
    root = root.resolve()
    lock_path = root / LOCK_NAME
    if not lock_path.is_file():
        findings = Findings()
        findings.warning(
            LOCK_NAME,
            None,
            "not found: the evidence is not locked, so changes to it cannot be detected; "
            "run `trustbinder evidence lock`",
        )
        return Verification(findings, missing=True)
    lock = read_lock(lock_path)
    findings = Findings(list(lock.findings))
    tree = snapshot(root, evidence_dir, cache, findings, progress)
    unreadable = set(cache.unreadable)
    _compare(root, lock, {file.path: file for file in tree}, unreadable, findings)
    return Verification(findings, checked=len(tree))


def _compare(root: Path, lock: LockFile, tree: dict[str, TreeFile], unreadable: set[str], findings: Findings) -> None:
    unclaimed = {path: file for path, file in tree.items() if path not in lock.entries and path not in lock.edited}
    by_content: dict[tuple[str, int], list[TreeFile]] = {}
    for file in sorted(unclaimed.values(), key=lambda f: f.path):
        by_content.setdefault((file.sha256, file.size), []).append(file)
    for path, (number, entry) in sorted(lock.entries.items()):
        if path in unreadable:
            continue  # already reported as unreadable; it is there, just not checkable
        now = tree.get(path)
        if now is None:
            candidates = by_content.get((entry.sha256, entry.size))
            moved = candidates.pop(0) if candidates else None
            if moved is None:
                findings.error(
                    path,
                    None,
                    f"evidence deleted: {LOCK_NAME} line {number} lists it ({entry.id}) but the file is gone; "
                    f"restore it from git, or {RELOCK}",
                )
                continue
            del unclaimed[moved.path]
            findings.error(
                moved.path,
                None,
                f"evidence renamed: same bytes (SHA-256) as {path} ({entry.id}) in {LOCK_NAME}; {RELOCK} "
                "to accept the new name",
            )
            now = moved
        elif (now.sha256, now.size) != (entry.sha256, entry.size):
            findings.error(
                path,
                None,
                f"evidence changed: its bytes differ from {LOCK_NAME} ({entry.id}: SHA-256 {entry.sha256[:12]}... "
                f"is now {now.sha256[:12]}..., {entry.size} -> {now.size} bytes); restore it from git, or {RELOCK}",
            )
        if now.path + SIDECAR_SUFFIX not in unreadable:
            _compare_sidecar(root, entry, now, findings)
    for path in sorted(unclaimed):
        findings.error(
            path,
            None,
            f"new evidence not in {LOCK_NAME}: file it with `trustbinder evidence add`, or {RELOCK}",
        )


def _compare_sidecar(root: Path, entry: LockEntry, now: TreeFile, findings: Findings) -> None:
    sidecar = now.path + SIDECAR_SUFFIX
    if now.sidecar_sha256 is None:
        findings.error(sidecar, None, f"sidecar deleted: {LOCK_NAME} records one for {now.path} ({entry.id})")
        return
    if now.sidecar_sha256 == entry.sidecar_sha256:
        return
    current_id = _sidecar_id(root / sidecar)
    renamed_id = f"; its id changed from {entry.id} to {current_id}" if current_id and current_id != entry.id else ""
    findings.error(
        sidecar,
        1,
        f"sidecar edited since {LOCK_NAME} was written ({entry.id}){renamed_id}; restore it from git, or {RELOCK}",
    )


def _sidecar_id(path: Path) -> str | None:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YamlProblem):
        return None
    value = data.get("id") if isinstance(data, YamlMap) else None
    return value if isinstance(value, str) else None


def add_entries(root: Path, new: list[LockEntry]) -> Path:
    """Add entries for newly filed evidence to an intact lock, leaving every other entry exactly as it was."""
    lock = read_lock(root / LOCK_NAME)
    if not lock.intact:
        raise ValueError(f"{LOCK_NAME} fails its own checks; run `trustbinder evidence verify`")
    entries = {path: entry for path, (_, entry) in lock.entries.items()}
    for entry in new:
        entries[entry.path] = entry
    return write_lock(root, list(entries.values()))


class LockRefused(Exception):
    """The lock cannot be written or extended; `findings` say why."""

    def __init__(self, findings: Findings) -> None:
        super().__init__(f"{len(findings.errors)} problem(s) stop {LOCK_NAME} from being written")
        self.findings = findings


def usable_lock_problems(root: Path) -> Findings:
    """Problems of an existing lock that stop evidence being added to it (none when there is no lock)."""
    path = root / LOCK_NAME
    return read_lock(path).findings if path.is_file() else Findings()


def record_new(
    root: Path, evidence_dir: Path, artifacts: dict[str, str], cache: HashCache, progress: Progress | None = None
) -> str:
    """Put newly filed artifacts (path -> evidence ID) into the lock; with no lock yet, lock the whole tree."""
    root = root.resolve()
    if not (root / LOCK_NAME).is_file():
        entries, findings = entries_for(root, evidence_dir, cache, progress)
        if findings.errors:
            raise LockRefused(findings)
        write_lock(root, entries)
        return f"wrote {LOCK_NAME} with {len(entries)} entries"
    problems = usable_lock_problems(root)
    if problems.errors:
        raise LockRefused(problems)
    digests = cache.digests([*artifacts, *(path + SIDECAR_SUFFIX for path in artifacts)], progress)
    cache.save()
    if cache.unreadable:
        unreadable = Findings()
        for rel, reason in sorted(cache.unreadable.items()):
            unreadable.error(rel, None, f"cannot be read: {reason}")
        raise LockRefused(unreadable)
    new = [
        LockEntry(path, evidence_id, digests[path].size, digests[path].sha256, digests[path + SIDECAR_SUFFIX].sha256)
        for path, evidence_id in artifacts.items()
    ]
    add_entries(root, new)
    return f"added {len(new)} entr{'y' if len(new) == 1 else 'ies'} to {LOCK_NAME}"
