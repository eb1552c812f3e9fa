"""When each file of a folder last changed in git, and in which commit.

One `git log` pass over the folder's history answers for every file at once: the first commit that names a
file is its last change, so the walk stops as soon as every file asked about has been seen. A folder outside
a git work tree, or a machine without git, gets no answers rather than an error: git facts are a bonus.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.trustbinder.gitinfo")

# A byte no sane file name starts with marks each commit header in `git log -z` output.
_HEADER = "\x01"
_FORMAT = f"--format={_HEADER}%H %cI"
_CHUNK = 1 << 16


@dataclass(frozen=True)
class LastChange:
    commit: str
    committed: dt.datetime  # in the committer's own time zone, as git recorded it

    @property
    def date(self) -> dt.date:
        return self.committed.date()

    @property
    def short(self) -> str:
        return self.commit[:12]


def _git(folder: Path, *args: str) -> list[str]:
    return ["git", "-C", str(folder), "-c", "core.quotePath=false", *args]


def _environment() -> dict[str, str]:
    # Never prompt, never page, never let a caller's GIT_DIR point the lookup at another repository.
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return env


def _boundary_commits(folder: Path, env: dict[str, str]) -> set[str] | None:
    """None outside a work tree; else the cut-off commits of a shallow clone (empty for a full one)."""
    try:
        probe = subprocess.run(
            _git(folder, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--git-path", "shallow"),
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        log.info(f"trustbinder: no git information ({error})")
        return None
    answers = probe.stdout.splitlines()
    if probe.returncode != 0 or len(answers) < 3 or answers[0] != "true":
        return None
    if answers[1] != "true":
        return set()
    # A shallow clone's oldest commits look as if they added every file: their dates would mislead.
    shallow_file = Path(answers[2]) if Path(answers[2]).is_absolute() else folder / answers[2]
    try:
        return set(shallow_file.read_text(encoding="utf-8").split())
    except OSError:
        return set()


def last_changes(folder: Path, wanted: Iterable[str] | None = None, *, timeout: float = 120) -> dict[str, LastChange]:
    """The last commit touching each file under `folder`, keyed by its path relative to `folder` (POSIX).

    With `wanted`, only those paths are reported and the history walk ends once all of them are found.
    """
    folder = folder.resolve()
    env = _environment()
    boundary = _boundary_commits(folder, env)
    if boundary is None:
        return {}
    remaining = set(wanted) if wanted is not None else None
    found: dict[str, LastChange] = {}
    command = _git(folder, "log", "-z", "--name-only", "--relative", "--no-renames", _FORMAT, "--", ".")
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=folder, text=False
        )
    except OSError as error:
        log.info(f"trustbinder: no git information ({error})")
        return {}
    assert process.stdout is not None
    current: LastChange | None = None
    pending = b""
    deadline = time.monotonic() + timeout
    try:
        while remaining is None or remaining:
            chunk = os.read(process.stdout.fileno(), _CHUNK)
            if not chunk:
                break
            *tokens, pending = (pending + chunk).split(b"\0")
            for raw in tokens:
                current = _take(raw, current, boundary, found, remaining)
            if time.monotonic() > deadline:
                log.warning(f"trustbinder: git history lookup took over {timeout:.0f} s; stopped early")
                break
    finally:
        process.kill()
        process.stdout.close()
        process.wait()
    return found


def _take(
    raw: bytes,
    current: LastChange | None,
    boundary: set[str],
    found: dict[str, LastChange],
    remaining: set[str] | None,
) -> LastChange | None:
    """Fold one NUL-separated token of the log into `found`; returns the commit now being read."""
    token = raw.decode("utf-8", "surrogateescape").lstrip("\n")
    if token.startswith(_HEADER):
        commit, _, when = token[1:].partition(" ")
        if commit in boundary:
            return None
        try:
            return LastChange(commit, dt.datetime.fromisoformat(when.strip()))
        except ValueError:
            return None
    if not token or current is None or token in found:
        return current
    if remaining is None:
        found[token] = current
    elif token in remaining:
        found[token] = current
        remaining.discard(token)
    return current
