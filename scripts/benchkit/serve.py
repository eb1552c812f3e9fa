"""Time a live preview: from saving a policy until the served page shows the change.

Each preview server (`mkdocs serve` on the baseline, `trustbinder serve` on the program) is started on a free
localhost port in its own process group, and waited for until its first build is served. Then, in turns, each
server's copy of the same Markdown file gets a paragraph with a word never seen before appended, and the edit is
timed from the write until the page, fetched over HTTP every 50 ms, contains that word. MkDocs' server holds
requests while a rebuild runs, so the time covers noticing the change (its file watcher polls every half
second), the whole rebuild and serving the page: what a writer waits for before the browser shows the edit.
Edits are repeated and the median counts.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchkit.measure import Measurement, Sampler, stop, tail, tree_cpu

POLL = 0.05
# Idle time before each edit: the watcher has taken its first look at the files, the previous rebuild's
# aftermath is over, and what the idle server costs in CPU is measured on the way.
SETTLE = 2.0
HOST = "127.0.0.1"
# A shell that starts the benchmark in the background ignores SIGINT for it, and children inherit that; the
# server must hear the Ctrl+C that lets it shut down and delete its temporary site. exec keeps the process (and
# its process group), and a default disposition survives it.
LAUNCH = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # a proxy from the environment would intercept


@dataclass(frozen=True)
class Target:
    command: list[str]  # the server command, without its address option
    cwd: Path
    edited: Path  # the Markdown file that is edited
    page: str  # that page's URL path, e.g. "/policies/access/x/" (MkDocs serves below the path of site_url)


@dataclass
class ServeRun:
    edits: list[float] = field(default_factory=list)  # seconds from each write until the page showed it
    edit_cpu: list[float] = field(default_factory=list)  # CPU seconds the server used over the same span
    first_build: float | None = None  # seconds from starting the server until the page was first served
    idle_cpu_share: float | None = None  # CPU seconds per second while nothing changed
    peak_bytes: int = 0
    largest_bytes: int = 0
    returncode: int = 0
    timed_out: bool = False
    error: str = ""
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.edits)

    def stopped(self, problem: Stopped) -> None:
        self.error, self.timed_out = str(problem), problem.timed_out

    def measurement(self) -> Measurement:
        seconds = statistics.median(self.edits) if self.edits else 0.0
        cpu = statistics.median(self.edit_cpu) if self.edit_cpu else 0.0
        code = 0 if self.ok else (self.returncode or -1)
        output = self.output_tail if self.ok else f"{self.error}\n{self.output_tail}".strip()
        return Measurement(seconds, cpu, self.peak_bytes, code, output, self.timed_out, self.largest_bytes)

    def details(self) -> dict[str, object]:
        return {
            "edits_seconds": [round(s, 3) for s in self.edits],
            "edits_cpu_seconds": [round(s, 3) for s in self.edit_cpu],
            "first_build_seconds": None if self.first_build is None else round(self.first_build, 2),
            "idle_cpu_share": None if self.idle_cpu_share is None else round(self.idle_cpu_share, 3),
        }

    def summary(self) -> str:
        if not self.edits:
            return ""
        low, high = min(self.edits), max(self.edits)
        parts = [f"median of {len(self.edits)} edits ({low:.2f}-{high:.2f} s)" if len(self.edits) > 1 else "1 edit"]
        if self.first_build is not None:
            parts.append(f"first build {self.first_build:.1f} s")
        if self.idle_cpu_share is not None:
            parts.append(f"idle cpu {self.idle_cpu_share:.0%}")
        return "; ".join(parts)


class Stopped(Exception):
    """The server ended, or did not answer in time; the message says which."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def page_path(src_uri: str) -> str:
    """The URL path MkDocs gives a Markdown file with `use_directory_urls` (its default)."""
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def fetch(url: str, timeout: float) -> str | None:
    """The page's text, or None while nothing answers there (yet)."""
    try:
        with _direct.open(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body.decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class _Server:
    def __init__(self, target: Target, env: Mapping[str, str], log: Path, scratch: Path) -> None:
        self.target, self.log, self.scratch = target, log, scratch
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}/"
        self.page = self.url + target.page.lstrip("/")
        scratch.mkdir(parents=True, exist_ok=True)
        log.parent.mkdir(parents=True, exist_ok=True)
        self.output = log.open("wb")
        # The server's temporary site goes under `scratch`, which is removed afterwards even if it is killed; so
        # does its cache folder, which starts empty: the first build is a cold one, later ones keep what the
        # server itself remembers.
        environment = {**env, "TMPDIR": str(scratch), "XDG_CACHE_HOME": str(scratch / "cache")}
        command = [sys.executable, "-c", LAUNCH, *target.command, "--dev-addr", f"{HOST}:{self.port}"]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            cwd=target.cwd,
            env=environment,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.sampler = Sampler(self.process.pid)
        self.sampler.start()

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise Stopped(f"the server exited with status {self.process.returncode}")

    def wait_for(self, url: str, deadline: float, word: str | None) -> str:
        """Poll `url` until it answers (and contains `word`, if given)."""
        while True:
            self.alive()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise Stopped("no answer in time (--timeout)", timed_out=True)
            text = fetch(url, remaining)
            if text is not None and (word is None or word in text):
                return text
            time.sleep(POLL)

    def close(self) -> int:
        try:
            code = stop(self.process, gentle=True)
        finally:
            self.sampler.done.set()
            self.sampler.join()
            self.output.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
        return code


def compare(
    targets: Mapping[str, Target],
    words: Sequence[str],
    env: Mapping[str, str],
    logs: Path,
    scratch: Path,
    timeout: float,
) -> dict[str, ServeRun]:
    """Start every server, then edit each one's file in turn, one paragraph per word; files are restored after.

    The servers take turns (the order flips every round) while all of them run, so a load that comes and goes
    on a shared machine weighs on each about equally. A server that fails is left out; the others go on.
    """
    runs = {key: ServeRun() for key in targets}
    originals = {key: target.edited.read_bytes() for key, target in targets.items()}
    servers: dict[str, _Server] = {}
    idle: dict[str, list[float]] = {key: [] for key in targets}
    try:
        for key, target in targets.items():
            # One at a time: their first builds would otherwise compete for the cores.
            server = servers[key] = _Server(target, env, logs / f"{key}.log", scratch / key)
            try:
                _first_build(server, runs[key], timeout)
            except Stopped as problem:
                runs[key].stopped(problem)
        for number, word in enumerate(words, start=1):
            keys = list(targets) if number % 2 else list(targets)[::-1]
            for key in (key for key in keys if not runs[key].error):
                try:
                    _edit(servers[key], runs[key], idle[key], number, word, timeout)
                except Stopped as problem:
                    runs[key].stopped(problem)
    finally:
        for key, server in servers.items():
            run = runs[key]
            run.returncode = server.close()
            run.peak_bytes, run.largest_bytes = server.sampler.peak, server.sampler.largest
            run.output_tail = tail(server.log)
            if idle[key]:
                run.idle_cpu_share = statistics.median(idle[key])
        for key, target in targets.items():
            target.edited.write_bytes(originals[key])
    return runs


def _first_build(server: _Server, run: ServeRun, timeout: float) -> None:
    server.wait_for(server.page, server.started + timeout, None)
    run.first_build = time.perf_counter() - server.started


def _edit(server: _Server, run: ServeRun, idle: list[float], number: int, word: str, timeout: float) -> None:
    pid = server.process.pid
    cpu, before = tree_cpu(pid), time.perf_counter()
    time.sleep(SETTLE)
    idle.append((tree_cpu(pid) - cpu) / (time.perf_counter() - before))
    cpu = tree_cpu(pid)
    written = time.perf_counter()
    with server.target.edited.open("a", encoding="utf-8") as handle:
        handle.write(f"\n\nServe benchmark edit {number}: {word}.\n")
    server.wait_for(server.page, written + timeout, word)
    run.edits.append(time.perf_counter() - written)
    run.edit_cpu.append(tree_cpu(pid) - cpu)


def words_for(edits: int, salt: str) -> list[str]:
    """One word per edit that appears nowhere in the program, the same for both servers."""
    return [f"servebench{salt}n{number}" for number in range(1, edits + 1)]


def fresh_salt() -> str:
    return os.urandom(4).hex()
