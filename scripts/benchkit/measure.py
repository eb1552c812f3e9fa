"""Run a command in a fresh process and measure wall time, CPU time and the peak memory of its process tree.

Builds fork worker processes, so the memory figure is the sum of the resident set sizes of the process and
all its descendants, sampled from /proc every 50 ms (pages shared after a fork are counted once per process,
so the sum errs on the high side). CPU time is user + system time of every waited-for descendant: on a
machine shared with other work it moves much less than wall time does.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
INTERVAL = 0.05
TAIL_LINES = 25


@dataclass(frozen=True)
class Measurement:
    seconds: float
    cpu_seconds: float
    peak_bytes: int
    returncode: int
    output_tail: str
    timed_out: bool = False
    largest_process_bytes: int = 0  # the biggest single process seen: a floor under the tree's true use

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 2**20


def _processes() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, resident pages, CPU clock ticks used) for every process we can read now."""
    table: dict[int, tuple[int, int, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # it exited between the listing and the read
        fields = stat[stat.rfind(b")") + 2 :].split()
        # After the command name: state, ppid, ... utime and stime are fields 14-15 of the whole line (indexes
        # 11-12 here), the waited-for children's 16-17, rss field 24.
        ticks = sum(int(value) for value in fields[11:15])
        table[int(entry.name)] = (int(fields[1]), int(fields[21]), ticks)
    return table


def _descendants(table: dict[int, tuple[int, int, int]], root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def tree_rss(root: int) -> tuple[int, int]:
    """(sum of resident bytes over `root` and its descendants, resident bytes of the largest of them)."""
    table = _processes()
    sizes = [table[pid][1] * PAGE for pid in _descendants(table, root)]
    return sum(sizes), max(sizes, default=0)


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and its descendants (with the children they have waited for).

    For a process that keeps running, such as a preview server, where waiting for it to end is not an option.
    """
    table = _processes()
    return sum(table[pid][2] for pid in _descendants(table, root)) / TICKS


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.largest = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            total, largest = tree_rss(self.pid)
            self.peak, self.largest = max(self.peak, total), max(self.largest, largest)
            self.done.wait(INTERVAL)


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-TAIL_LINES:])


def stop(process: subprocess.Popen[bytes], gentle: bool = False) -> int:
    """End the command and everything it started (it leads its own process group).

    `gentle` first sends SIGINT, the Ctrl+C that lets a server shut down and remove its temporary files.
    """
    signals = ((signal.SIGINT, 15),) if gentle else ()
    for sig, grace in (*signals, (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if process.poll() is not None:
            break  # once reaped, its pid (and group id) may belong to someone else: never signal it again
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            return process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    return process.wait()


def run_once(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path, timeout: float | None = None
) -> Measurement:
    """Run `command` once; its stdout and stderr go to `log`. After `timeout` seconds it is stopped."""
    log.parent.mkdir(parents=True, exist_ok=True)
    timed_out = False
    with log.open("wb") as output:
        cpu_before = _cpu_of_children()
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        sampler = Sampler(process.pid)
        sampler.start()
        try:
            returncode = process.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            returncode = stop(process)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        cpu = _cpu_of_children() - cpu_before
    if timed_out:
        returncode = returncode or -1
    return Measurement(seconds, cpu, sampler.peak, returncode, tail(log), timed_out, sampler.largest)


def run_best(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    log: Path,
    repeat: int,
    prepare: Callable[[], None] | None = None,
    timeout: float | None = None,
) -> Measurement:
    """The fastest of `repeat` runs (each a fresh process); memory is the highest peak seen in any run.

    `prepare` runs, untimed, before each run (to remove the previous output, say). Stops at the first failure.
    """
    runs: list[Measurement] = []
    for attempt in range(max(1, repeat)):
        if prepare is not None:
            prepare()
        measurement = run_once(command, cwd, env, log.with_name(f"{log.stem}.{attempt + 1}{log.suffix}"), timeout)
        if not measurement.ok:
            return measurement
        runs.append(measurement)
    best = min(runs, key=lambda m: m.seconds)
    peak, largest = max(m.peak_bytes for m in runs), max(m.largest_process_bytes for m in runs)
    return Measurement(best.seconds, best.cpu_seconds, peak, 0, best.output_tail, False, largest)
