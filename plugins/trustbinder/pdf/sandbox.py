"""Run a task over untrusted files in child processes with a time limit and a memory limit per file.

Crafted PDFs and images are a known way to make a parser loop forever or allocate without bound. A child that
overruns its time is killed, one that overruns its memory fails its allocation; either way only that file fails,
a fresh child takes the next one, and the build goes on.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows; the time limit still applies there
    resource = None  # type: ignore[assignment]

J = TypeVar("J")
R = TypeVar("R")

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0
    """Wall-clock time one file may take before its child is killed."""
    memory_mb: int = 1024
    """Address space a child may allocate on top of what it starts with."""
    workers: int = 0
    """Children working in parallel; 0 means one per core, at most 4."""

    def worker_count(self, jobs: int) -> int:
        wanted = self.workers or min(4, os.cpu_count() or 1)
        return max(1, min(wanted, jobs))


@dataclass(frozen=True)
class Failure:
    """Why a file could not be processed, in words for the binder's "not embedded: <reason>"."""

    reason: str


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _apply_limits(memory_bytes: int) -> None:
    if resource is None:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    current = _address_space()
    if current is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _describe(error: BaseException, memory_mb: int) -> str:
    if isinstance(error, MemoryError):
        return f"opening it needs more than the {memory_mb} MiB memory limit"
    if isinstance(error, RecursionError):
        return "its structure is nested too deeply to read safely"
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text[:200]}"


def _serve(connection: Connection, task: Callable[[J], R], memory_mb: int) -> None:
    """Child process: apply the limits, then answer one job at a time until told to stop."""
    faulthandler.disable()  # a crash is reported as that file's failure, not as a traceback on the terminal
    _apply_limits(memory_mb * MIB)
    while True:
        job = connection.recv()
        if job is None:
            return
        try:
            outcome: object = task(job)
        except BaseException as error:  # whatever a crafted file provokes fails that file only
            outcome = Failure(_describe(error, memory_mb))
        connection.send(outcome)


# Jobs queued ahead in each child, so it never waits for the parent between two small files. Only the oldest
# one is running; its deadline restarts when the one before it is answered.
IN_FLIGHT = 4


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    in_flight: deque[int] = field(default_factory=deque)
    deadline: float = 0.0

    def stop(self, force: bool) -> None:
        if not force:
            try:
                self.connection.send(None)
            except OSError:
                force = True
        self.process.join(timeout=None if not force else 0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class Sandbox(Generic[J, R]):
    """A small pool of limited child processes running `task`, a module-level function (it is pickled)."""

    def __init__(self, task: Callable[[J], R], limits: Limits) -> None:
        self.task = task
        self.limits = limits
        # fork on Linux: a child starts in milliseconds with pypdf already imported, which matters when every
        # hostile file costs a new child. The binder forks before rendering, from a single-threaded process.
        self.context: Any = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_serve, args=(child, self.task, self.limits.memory_mb), name="trustbinder-sandbox", daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def run(self, jobs: Sequence[J], on_done: Callable[[int, int], None] | None = None) -> list[R | Failure]:
        """Outcomes in the order of `jobs`; never raises for a bad file."""
        results: list[R | Failure | None] = [None] * len(jobs)
        pending = deque(range(len(jobs)))
        workers: list[_Worker] = []
        done = 0
        try:
            while pending or any(w.in_flight for w in workers):
                self._feed(jobs, pending, workers)
                busy = [w for w in workers if w.in_flight]
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = wait([w.connection for w in busy], timeout=timeout)
                for worker in busy:
                    outcome = self._answer(worker, worker.connection in ready)
                    if outcome is None:
                        continue
                    results[worker.in_flight.popleft()] = outcome
                    worker.deadline = time.monotonic() + self.limits.seconds
                    done += 1
                    if isinstance(outcome, Failure):
                        # Whatever state the file left the child in goes with it; its queued jobs go to another.
                        pending.extendleft(reversed(worker.in_flight))
                        workers.remove(worker)
                        worker.stop(force=True)
                    if on_done:
                        on_done(done, len(jobs))
        finally:
            for worker in workers:
                worker.stop(force=bool(worker.in_flight))
        return [r if r is not None else Failure("not processed") for r in results]

    def _feed(self, jobs: Sequence[J], pending: deque[int], workers: list[_Worker]) -> None:
        wanted = self.limits.worker_count(len(jobs))
        while pending and len(workers) < wanted:
            workers.append(self._start())
        for worker in workers:
            while pending and len(worker.in_flight) < IN_FLIGHT:
                if not worker.in_flight:
                    worker.deadline = time.monotonic() + self.limits.seconds
                index = pending.popleft()
                worker.in_flight.append(index)
                worker.connection.send(jobs[index])

    def _answer(self, worker: _Worker, readable: bool) -> R | Failure | None:
        """The outcome of the worker's oldest job, a failure if it crashed or overran, None if still running."""
        if readable:
            try:
                outcome: R | Failure = worker.connection.recv()
            except (EOFError, OSError):
                return Failure(_crash_reason(worker.process))
            return outcome
        if time.monotonic() >= worker.deadline:
            return Failure(f"reading it took longer than the {self.limits.seconds:g} s time limit")
        return None


def _crash_reason(process: BaseProcess) -> str:
    process.join(timeout=1)
    code = process.exitcode
    if code is not None and code < 0:
        return f"the reader crashed on it (signal {-code})"
    return f"the reader stopped on it (exit status {code})"
