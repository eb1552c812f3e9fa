"""The collectors of content/collectors.yml: commands whose output is filed as new evidence.

A collector is a command whose output becomes a new, dated artifact with a sidecar that records how it was
produced (the command, when it started and ended, its exit status). It runs with a timeout in its own process
group, so a hung pipeline is killed whole. Its output goes to a temporary file first and is linked into place
only if the command succeeded: a failed or timed-out collector leaves nothing under evidence/, and an
existing artifact or sidecar is never replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shlex
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from trustbinder.model import gitlog
from trustbinder.model.audience import Audience
from trustbinder.model.evidence import SIDECAR_SUFFIX
from trustbinder.model.filing import place_new, sidecar_text, staging_file
from trustbinder.model.findings import Findings
from trustbinder.model.safety import path_problem
from trustbinder.model.schema import Fields
from trustbinder.model.yamlio import YamlList, YamlMap, YamlProblem, parse_yaml

if TYPE_CHECKING:
    from trustbinder.model.program import Program

COLLECTORS_FILE = "collectors.yml"
KINDS = ("command", "git-history")
PLACEHOLDERS = ("{date}", "{datetime}", "{name}")
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DEFAULT_TIMEOUT = 300
KEYS = (
    "name",
    "kind",
    "command",
    "shell",
    "output",
    "title",
    "controls",
    "source",
    "query",
    "owner",
    "audience",
    "timeout",
    "allow_empty",
    "repository",
    "rev",
    "since",
    "reviewer_trailers",
)


@dataclass(frozen=True)
class Collector:
    name: str
    line: int
    kind: str
    output: str
    controls: list[str]
    source: str
    timeout: int = DEFAULT_TIMEOUT
    command: list[str] = field(default_factory=list)
    shell: bool = False
    title: str | None = None
    query: str | None = None
    owner: str | None = None
    audience: str = "auditor"
    allow_empty: bool = False
    repository: str = "."
    rev: str = "HEAD"
    since: dt.date | None = None
    trailers: list[str] = field(default_factory=lambda: list(gitlog.DEFAULT_TRAILERS))

    def argv(self) -> list[str]:
        if self.kind == "git-history":
            return gitlog.git_log_argv(self.repository, self.rev, self.since, self.trailers)
        return ["/bin/sh", "-c", self.command[0]] if self.shell else list(self.command)

    def describe(self) -> str:
        """How the output was produced, in words an auditor can check (the exact argv is recorded too)."""
        if self.kind != "git-history":
            return self.command[0] if self.shell else shlex.join(self.command)
        since = f" since {self.since.isoformat()}" if self.since else ""
        return (
            f"git log {self.rev}{since} in {self.repository}: every commit, with its author, committer, date, "
            f"subject, changed files and the review trailers {', '.join(self.trailers)}"
        )

    def output_path(self, started: dt.datetime) -> str:
        return (
            self.output.replace("{date}", started.date().isoformat())
            .replace("{datetime}", started.strftime("%Y-%m-%dT%H%M%SZ"))
            .replace("{name}", self.name)
        )


def load_collectors(docs_dir: Path, root: Path, control_ids: Iterable[str], findings: Findings) -> list[Collector]:
    """Read content/collectors.yml (absent: no collectors), reporting every problem by file, line and key."""
    path = docs_dir / COLLECTORS_FILE
    if not path.is_file():
        return []
    rel = path.relative_to(root).as_posix()
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except YamlProblem as problem:
        findings.error(rel, problem.line, problem.message)
        return []
    except UnicodeDecodeError:
        findings.error(rel, 1, "file is not UTF-8 text")
        return []
    if not isinstance(data, YamlMap):
        findings.error(rel, 1, f"{COLLECTORS_FILE} must be a mapping with a 'collectors:' list")
        return []
    known = set(control_ids)
    collectors: list[Collector] = []
    for record in Fields(data, rel, findings).records("collectors"):
        collector = _parse_collector(record, known)
        if collector is None:
            continue
        if any(c.name == collector.name for c in collectors):
            record.error("name", f"duplicate collector name '{collector.name}'")
            continue
        collectors.append(collector)
    return collectors


def _parse_collector(fields: Fields, known_controls: set[str]) -> Collector | None:
    errors_before = len(fields.findings.errors)
    for key in fields.data:
        if key not in KEYS:
            fields.error(key, f"unknown key; allowed: {', '.join(KEYS)}")
    name = fields.text("name", required=True)
    if name and not NAME_PATTERN.match(name):
        fields.error("name", f"'{name}' is not a valid name: use lower-case letters, digits, '-' and '_'")
    kind = fields.choice("kind", KINDS, default="command") or "command"
    output = fields.text("output", required=True)
    if output:
        _check_output(fields, output)
    controls = fields.text_list("controls", required=True)
    for control_id, line in controls:
        if control_id not in known_controls:
            fields.findings.error(fields.path, line, f"key '{fields.prefix}controls': unknown control '{control_id}'")
    source = fields.text("source", required=True)
    shell = bool(fields.boolean("shell", default=False))
    command = _command(fields, kind, shell)
    since = fields.date("since")
    rev = fields.text("rev", default="HEAD") or "HEAD"
    if rev.startswith("-"):
        fields.error("rev", f"'{rev}' is not a revision: it starts with '-'")
    trailers = [t for t, _ in fields.text_list("reviewer_trailers")] or list(gitlog.DEFAULT_TRAILERS)
    for trailer in trailers:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", trailer):
            fields.error("reviewer_trailers", f"'{trailer}' is not a trailer key such as Reviewed-by")
    if kind != "git-history":
        for key in ("repository", "rev", "since", "reviewer_trailers"):
            if fields.has(key):
                fields.error(key, "only a collector of kind git-history takes this key")
    audience = fields.choice("audience", Audience.names(), default="auditor") or "auditor"
    timeout = fields.integer("timeout", default=DEFAULT_TIMEOUT, minimum=1, maximum=86_400)
    title, query, owner = fields.text("title"), fields.text("query"), fields.text("owner")
    repository = fields.text("repository", default=".") or "."
    allow_empty = bool(fields.boolean("allow_empty", default=False))
    if len(fields.findings.errors) > errors_before or not (name and output and source and controls):
        return None
    return Collector(
        name=name,
        line=fields.line(),
        kind=kind,
        output=output,
        controls=[c for c, _ in controls],
        source=source,
        timeout=timeout,
        command=command,
        shell=shell,
        title=title,
        query=query,
        owner=owner,
        audience=audience,
        allow_empty=allow_empty,
        repository=repository,
        rev=rev,
        since=since,
        trailers=trailers,
    )


def _check_output(fields: Fields, output: str) -> None:
    if "{date}" not in output and "{datetime}" not in output:
        fields.error("output", "must contain {date} or {datetime}, so that every run writes a new file")
    leftover = output
    for placeholder in PLACEHOLDERS:
        leftover = leftover.replace(placeholder, "")
    if "{" in leftover or "}" in leftover:
        fields.error("output", f"unknown placeholder; allowed: {', '.join(PLACEHOLDERS)}")
    problem = path_problem(output)
    if problem:
        fields.error("output", f"'{output}' {problem}")
    elif any(part.startswith(".") for part in output.split("/")) or output.endswith(SIDECAR_SUFFIX):
        fields.error("output", f"'{output}' names a dotfile or a sidecar, which is not evidence")


def _command(fields: Fields, kind: str, shell: bool) -> list[str]:
    if kind == "git-history":
        if fields.has("command") or shell:
            fields.error("command" if fields.has("command") else "shell", "a git-history collector builds its own")
        return []
    value = fields.data.get("command")
    if shell:
        if isinstance(value, str) and value.strip():
            return [value]
        fields.error("command", "with shell: true, give the command as one line of text for /bin/sh")
        return []
    if isinstance(value, str):
        fields.error(
            "command",
            "is text; give a list of arguments, e.g. [ss, -tlnH], or set shell: true to run it with /bin/sh",
        )
        return []
    command = [c for c, _ in fields.text_list("command", required=True)]
    if not command and isinstance(value, YamlList):
        fields.error("command", "must name a program to run")
    return command


def collector_findings(program: Program, today: dt.date) -> Findings:
    """The `check` entry: problems in content/collectors.yml."""
    findings = Findings()
    load_collectors(program.docs_dir, program.root, program.controls, findings)
    return findings


@dataclass
class Outcome:
    name: str
    ok: bool
    message: str
    artifact: str | None = None
    evidence_id: str | None = None
    seconds: float = 0.0


def run_collector(
    collector: Collector, root: Path, evidence_dir: Path, evidence_id: str, now: dt.datetime | None = None
) -> Outcome:
    """Run one collector; on success file its output as a new artifact with a sidecar. Never overwrites."""
    started = now or dt.datetime.now(dt.timezone.utc)
    clock = time.monotonic()
    rel_output = collector.output_path(started)
    target = evidence_dir / rel_output
    shown = Path(os.path.relpath(target, root)).as_posix()

    def failed(message: str) -> Outcome:
        return Outcome(collector.name, False, f"{message}; nothing was written", seconds=time.monotonic() - clock)

    if target.exists() or target.with_name(target.name + SIDECAR_SUFFIX).exists():
        return Outcome(collector.name, False, f"{shown} already exists; not run, nothing was overwritten")
    temporary = staging_file(root, collector.name)
    argv = collector.argv()
    try:
        with open(temporary, "wb") as stdout, tempfile.TemporaryFile() as stderr:
            status, problem = _run(argv, root, stdout, stderr, collector.timeout)
            stderr.seek(0)
            err_tail = _tail(stderr.read())
        finished = (
            dt.datetime.now(dt.timezone.utc)
            if now is None
            else started + dt.timedelta(seconds=time.monotonic() - clock)
        )
        if problem:
            return failed(problem)
        if status != 0:
            return failed(f"exited with status {status}" + (f": {err_tail}" if err_tail else ""))
        if temporary.stat().st_size == 0 and not collector.allow_empty:
            return failed("produced no output (set allow_empty: true if an empty result is valid evidence)")
        if collector.kind == "git-history":
            temporary.write_bytes(gitlog.history_csv(temporary.read_bytes()))
        sidecar = _collector_sidecar(collector, evidence_id, argv, started, finished, status)
        try:
            place_new(temporary, target, sidecar)
        except FileExistsError as error:
            return failed(str(error))
    finally:
        temporary.unlink(missing_ok=True)
    return Outcome(collector.name, True, f"wrote {shown}", shown, evidence_id, time.monotonic() - clock)


def _run(argv: list[str], root: Path, stdout: IO[bytes], stderr: IO[bytes], timeout: int) -> tuple[int, str | None]:
    try:
        process = subprocess.Popen(
            argv, cwd=root, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, start_new_session=True
        )
    except OSError as error:
        return -1, f"could not start {argv[0]}: {error.strerror or error}"
    try:
        status = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(process.pid)
        process.kill()
        process.wait()
        return -1, f"timed out after {timeout} s and was stopped"
    _stop_group(process.pid)  # a child left in the background must not write to the output once it is filed
    if status < 0:
        return status, f"was stopped by signal {-status}"
    return status, None


def _stop_group(leader: int) -> None:
    # The whole process group: a shell pipeline's children would otherwise outlive the kill.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(leader, signal.SIGKILL)


def _tail(data: bytes, limit: int = 300) -> str:
    lines = [line.strip() for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    return text if len(text) <= limit else text[:limit] + "..."


def _collector_sidecar(
    collector: Collector, evidence_id: str, argv: list[str], started: dt.datetime, finished: dt.datetime, status: int
) -> str:
    fields: dict[str, object] = {
        "id": evidence_id,
        "title": f"{collector.title or collector.name}, {started.date().isoformat()}",
        "controls": list(collector.controls),
        "collected": started.date(),
    }
    if collector.since is not None:
        fields["period"] = {"start": collector.since, "end": started.date()}
    fields["source"] = collector.source
    fields["query"] = collector.query or collector.describe()
    if collector.owner:
        fields["owner"] = collector.owner
    fields["audience"] = collector.audience
    fields["collector"] = {
        "name": collector.name,
        "kind": collector.kind,
        "command": argv,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "exit_status": status,
        "timeout": collector.timeout,
    }
    return sidecar_text(fields)
