"""The git-history collector: a repository's commits as change-management evidence, one CSV row per commit.

Each row says who changed what and when, and who reviewed or approved it where the history records that:
review trailers in the message (`Reviewed-by:`, `Approved-by:`, as Gerrit, GitLab templates and kernel-style
workflows write them) and pull-request merges (`Merge pull request #12 ...` merge commits, `Subject (#12)`
squash merges), whose merge commit's author is the person who merged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

DEFAULT_TRAILERS = ("Reviewed-by", "Approved-by")
COLUMNS = ("commit", "date", "author", "committer", "subject", "pull_request", "merge", "reviewers", "files")
MAX_FILES_LISTED = 50
_RECORD = "\x1e"
_FIELD = "\x1f"
_TRAILER_SEPARATOR = "\x1d"
_MERGE_PR = re.compile(r"^Merge pull request #(\d+)\b")
_SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
# A spreadsheet runs a cell that starts with one of these as a formula; commit subjects are written by anyone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def git_log_argv(repository: str, rev: str, since: dt.date | None, trailers: list[str]) -> list[str]:
    keys = ",".join(f"key={key}" for key in trailers)
    trailer_format = f"%(trailers:{keys},unfold,separator=%x1d)" if trailers else ""
    fields = ["%H", "%P", "%aN <%aE>", "%aI", "%cN <%cE>", "%s", trailer_format]
    argv = [
        "git",
        "-c",
        "core.quotepath=off",
        "-C",
        repository,
        "log",
        "--no-color",
        "--no-show-signature",
        "--name-only",
        "--format=%x1e" + "%x1f".join(fields),
    ]
    if since is not None:
        argv.append(f"--since={since.isoformat()}")
    # --end-of-options: a revision that starts with '-' is a revision, never an option.
    return [*argv, "--end-of-options", rev, "--"]


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _pull_request(subject: str) -> str:
    match = _MERGE_PR.match(subject) or _SQUASH_PR.search(subject)
    return f"#{match.group(1)}" if match else ""


def history_csv(raw: bytes) -> bytes:
    """Turn `git log` output written with `git_log_argv`'s format into CSV (newest commit first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for record in raw.decode("utf-8", errors="replace").split(_RECORD)[1:]:
        header, _, rest = record.partition("\n")
        parts = header.split(_FIELD)
        if len(parts) < 6:
            continue
        commit, parents, author, date, committer, subject = parts[:6]
        trailers = parts[6] if len(parts) > 6 else ""
        reviewers = "; ".join(t.strip() for t in trailers.split(_TRAILER_SEPARATOR) if t.strip())
        files = [line for line in rest.splitlines() if line.strip()]
        listed = "; ".join(files[:MAX_FILES_LISTED])
        if len(files) > MAX_FILES_LISTED:
            listed += f"; ... and {len(files) - MAX_FILES_LISTED} more"
        row = [
            commit,
            date,
            author,
            committer,
            subject,
            _pull_request(subject),
            "yes" if len(parents.split()) > 1 else "no",
            reviewers,
            listed,
        ]
        writer.writerow([_safe_cell(value) for value in row])
    return out.getvalue().encode("utf-8")
