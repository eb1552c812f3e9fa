"""What a binder was built from: the program's git commit and the build date."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from trustbinder.model import clock


@dataclass(frozen=True)
class BuildInfo:
    commit: str | None  # None outside a git work tree or without git
    built: dt.datetime


def program_commit(root: Path) -> str | None:
    """`git rev-parse HEAD` in the program folder; None when that is not possible, never an error."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "-q", "HEAD"],
            capture_output=True,
            text=True,
            env=env,
            timeout=15,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and len(commit) >= 40 else None


def build_info(root: Path) -> BuildInfo:
    return BuildInfo(program_commit(root), clock.build_datetime())
