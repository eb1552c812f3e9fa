"""What the benchmark runs: every measurement of issue 9, against the programs the generator writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchkit.generate import Generated, generate, write_baseline
from benchkit.measure import Measurement, run_best
from benchkit.plan import AUDIENCES, RANK, DocPlan, Spec
from benchkit.registers import SITE_URL
from benchkit.report import NOT_AVAILABLE, LinearRow, Report, Row
from benchkit.serve import Target, compare, fresh_salt, page_path, words_for

# Targets from issue 9.
PAGE_RATIO = {"public": 1.2, "internal": 1.2, "auditor": 2.0}
ALL_RATIO = 2.5
LINEAR_RATIO = 1.15
FULL_MEMORY_MB = 1024.0
SERVE_RATIO = 1.0
# A policy is an internal page: the internal baseline holds the same pages the internal preview does.
SERVE_AUDIENCE = "internal"


@dataclass
class Tools:
    """Which optional commands this trustbinder has; the benchmark adapts instead of failing."""

    trustbinder: list[str]
    no_pdf: bool = False
    pdf: list[str] | None = None
    lock: list[str] | None = None
    serve: bool = False

    def as_dict(self) -> dict[str, bool]:
        return {
            "build --no-pdf": self.no_pdf,
            "pdf": self.pdf is not None,
            "evidence lock": self.lock is not None,
            "serve": self.serve,
        }


def _help(command: list[str]) -> str | None:
    try:
        done = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def find_tools() -> Tools:
    script = Path(sys.executable).with_name("trustbinder")
    base = [str(script)] if script.is_file() else [sys.executable, "-c", "from trustbinder.cli import main; main()"]
    tools = Tools(base)
    tools.no_pdf = "--no-pdf" in (_help([*base, "build"]) or "")
    pdf_help = _help([*base, "pdf"])
    if pdf_help is not None:
        tools.pdf = ["pdf"]
    lock_help = _help([*base, "evidence", "lock"])
    if lock_help is not None:
        tools.lock = ["evidence", "lock"]
    tools.serve = "--dev-addr" in (_help([*base, "serve"]) or "")
    return tools


def _config_args(help_text: str | None, config: Path) -> list[str]:
    return ["-f", str(config)] if help_text and "--config-file" in help_text else []


def source_date_epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc).timestamp()))


@dataclass
class Bench:
    work: Path
    repeat: int
    tools: Tools
    anchor: dt.date
    timeout: float | None = None
    report: Report = field(default_factory=Report)
    started: float = field(default_factory=time.perf_counter)
    loads: list[float] = field(default_factory=list)  # 1-minute load average around each measurement

    @property
    def cache(self) -> Path:
        """The cache folder of every command: inside the benchmark's folder, emptied before each timed run."""
        return self.work / "cache"

    @property
    def env(self) -> dict[str, str]:
        # Every process agrees on "today" even if the run crosses midnight.
        # The notice material prints about its end of life is noise in every log.
        # A build replays page conversions from the user's cache folder: one left by an earlier command or an
        # earlier benchmark would make the figures depend on what ran before.
        return {
            **os.environ,
            "SOURCE_DATE_EPOCH": source_date_epoch(self.anchor),
            "NO_MKDOCS_2_WARNING": "1",
            "XDG_CACHE_HOME": str(self.cache),
        }

    def progress(self, message: str) -> None:
        print(f"[bench {time.perf_counter() - self.started:6.0f} s] {message}", file=sys.stderr, flush=True)

    def tb(self, *args: str) -> list[str]:
        return [*self.tools.trustbinder, *args]

    def measure(
        self, key: str, label: str, command: Sequence[str], cwd: Path, clear: Sequence[Path] = (), add: bool = True
    ) -> Row:
        def prepare() -> None:
            for path in (*clear, self.cache):
                if path.is_dir():
                    shutil.rmtree(path)
                elif path.exists():
                    path.unlink()

        self.progress(f"{label} ...")
        self.loads.append(os.getloadavg()[0])
        log = self.work / "logs" / f"{key}.log"
        measurement = run_best(command, cwd, self.env, log, self.repeat, prepare, self.timeout)
        self.loads.append(os.getloadavg()[0])
        self._log_result(label, measurement)
        row = Row(key, label, measurement)
        if add:
            self.report.rows.append(row)
        return row

    def _log_result(self, label: str, m: Measurement) -> None:
        if m.ok:
            self.progress(f"  {label}: {m.seconds:.2f} s wall, {m.cpu_seconds:.2f} s cpu, {m.peak_mb:.0f} MB peak")
        elif m.timed_out:
            self.progress(f"  {label}: stopped after {m.seconds:.0f} s (--timeout), {m.peak_mb:.0f} MB peak so far")
        else:
            self.progress(f"  {label}: FAILED (exit {m.returncode}):\n{m.output_tail}")

    def generate(self, name: str, documents: int, evidence: int, seed: int) -> Generated:
        self.progress(f"generating {documents} documents and {evidence} evidence files ({name}) ...")
        program = generate(self.work / name, Spec(documents, evidence, seed, self.anchor))
        self.progress(f"  generated in {program.seconds:.1f} s ({program.evidence.bytes / 2**20:.0f} MB of evidence)")
        return program

    def baselines(self, program: Generated, name: str, audiences: Iterable[str] = AUDIENCES) -> dict[str, Path]:
        return {a: write_baseline(program, a, self.work / f"{name}-baseline-{a}") for a in audiences}

    # ---------------------------------------------------------------- measurements

    def check(self, program: Generated) -> None:
        command = self.tb("check", "-f", str(program.config_file), "--format", "json")
        self.progress("trustbinder check ...")
        done = subprocess.run(command, cwd=program.root, env=self.env, capture_output=True, text=True, check=False)
        try:
            data = json.loads(done.stdout)
        except json.JSONDecodeError:
            self.report.check = {"exit": done.returncode, "output": (done.stdout + done.stderr)[-2000:]}
            return
        findings = data.get("findings", [])
        first = [f"{f.get('path')}:{f.get('line')}: {f.get('level')}: {f.get('message')}" for f in findings[:10]]
        self.report.check = {
            "exit": done.returncode,
            "errors": data.get("errors"),
            "warnings": data.get("warnings"),
            "first_findings": first,
        }
        errors, warnings = data.get("errors"), data.get("warnings")
        self.progress(f"  check: exit {done.returncode}, {errors} error(s), {warnings} warning(s)")
        for line in first:
            self.progress(f"    {line}")

    def timed_check(self, program: Generated) -> None:
        self.measure("check", "trustbinder check", self.tb("check", "-f", str(program.config_file)), program.root)

    def hashing(self, program: Generated) -> None:
        root = program.root
        files = "find evidence -type f -print0"
        sequential = f"{files} | xargs -0 sha256sum >/dev/null"
        self.measure("hash.sha256sum", "sha256sum via xargs", ["sh", "-c", sequential], root)
        cores = os.cpu_count() or 1
        parallel = f"{files} | xargs -0 -P {cores} -n 500 sha256sum >/dev/null"
        row = self.measure("hash.sha256sum-parallel", f"sha256sum via xargs -P {cores}", ["sh", "-c", parallel], root)
        row.baseline = "hash.sha256sum"
        if self.tools.lock is None:
            for key, label in (("hash.cold", "evidence lock, cold cache"), ("hash.warm", "evidence lock, warm cache")):
                self.report.rows.append(Row(key, label, note=NOT_AVAILABLE))
            return
        command = self.tb(*self.tools.lock)
        cache = [root / ".trustbinder-cache", root / "evidence.lock"]
        cold = self.measure("hash.cold", "evidence lock, cold cache", command, root, clear=cache)
        cold.baseline = "hash.sha256sum"
        warm = self.measure("hash.warm", "evidence lock, warm cache", command, root)
        warm.baseline = "hash.sha256sum"

    def lock_untimed(self, program: Generated) -> None:
        if self.tools.lock is not None:
            self.progress("locking evidence (untimed) ...")
            subprocess.run(self.tb(*self.tools.lock), cwd=program.root, env=self.env, capture_output=True, check=False)

    def build_command(self, program: Generated, site: Path, audience: str | None, pdf: bool = False) -> list[str]:
        command = self.tb("build", "-f", str(program.config_file), "--site-dir", str(site))
        if audience:
            command += ["--audience", audience]
        if self.tools.no_pdf and not pdf:
            command.append("--no-pdf")
        return command

    def audience_pair(
        self, program: Generated, baselines: dict[str, Path], audience: str, prefix: str, add: bool = True
    ) -> tuple[Row, Row]:
        count = sum(1 for d in program.plan.documents if RANK[d.audience] <= RANK[audience])
        config = baselines[audience]
        base = self.measure(
            f"{prefix}baseline.{audience}",
            f"baseline mkdocs-material, {audience} pages ({count})",
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(config.parent / "site")],
            config.parent,
            clear=[config.parent / "site"],
            add=add,
        )
        site = self.work / f"{program.root.name}-site"
        build = self.measure(
            f"{prefix}build.{audience}",
            f"trustbinder build --audience {audience}",
            self.build_command(program, site, audience),
            program.root,
            clear=[site / audience],
            add=add,
        )
        return base, build

    def audience_builds(self, program: Generated, baselines: dict[str, Path]) -> None:
        for audience in AUDIENCES:
            _, build = self.audience_pair(program, baselines, audience, "")
            # The auditor's baseline holds every document, so the auditor build is held to all of them.
            build.baseline = f"baseline.{audience}"
            build.max_ratio = PAGE_RATIO[audience]

    def all_builds(self, program: Generated) -> None:
        site = self.work / f"{program.root.name}-site-all"
        label = "trustbinder build (all three)" + (", --no-pdf" if self.tools.no_pdf else "")
        row = self.measure("build.all", label, self.build_command(program, site, None), program.root, clear=[site])
        row.baseline, row.max_ratio = "baseline.auditor", ALL_RATIO

    def full_memory(self, program: Generated | None) -> None:
        label = "peak memory, build of all three (2,000 docs, 20,000 evidence)"
        if program is None:
            self.report.rows.append(Row("memory.full", label, note="skipped: run with --full", max_mb=FULL_MEMORY_MB))
            return
        documents, evidence = len(program.plan.documents), program.evidence.count
        label = f"peak memory, build of all three ({documents} docs, {evidence} evidence)"
        site = self.work / f"{program.root.name}-site-all"
        row = self.measure("memory.full", label, self.build_command(program, site, None), program.root, clear=[site])
        row.max_mb = FULL_MEMORY_MB
        if self.tools.no_pdf:
            row.note = "sites only (--no-pdf)"

    def pdf(self, program: Generated) -> None:
        if self.tools.pdf is None:
            self.report.rows.append(Row("pdf", "binder PDF (trustbinder pdf)", note=NOT_AVAILABLE))
            return
        help_text = _help(self.tb(*self.tools.pdf)) or ""
        output = self.work / f"{program.root.name}-binder.pdf"
        command = self.tb(*self.tools.pdf, *_config_args(help_text, program.config_file))
        if "--output" in help_text:
            command += ["--output", str(output)]
        row = self.measure("pdf", "binder PDF (trustbinder pdf)", command, program.root, clear=[output])
        row.baseline = "baseline.auditor"

    def serve(self, program: Generated, baselines: dict[str, Path], edits: int) -> None:
        """The same policy edited the same way under `mkdocs serve` of the baseline and under `trustbinder serve`."""
        count = sum(1 for d in program.plan.documents if RANK[d.audience] <= RANK[SERVE_AUDIENCE])
        labels = {
            "serve.baseline": f"baseline mkdocs serve, {SERVE_AUDIENCE} pages ({count}): edit shown",
            f"serve.{SERVE_AUDIENCE}": f"trustbinder serve --audience {SERVE_AUDIENCE}: edit shown",
        }
        base_key, key = labels
        if not self.tools.serve:
            self.report.rows.append(Row(key, labels[key], note=NOT_AVAILABLE))
            return
        document = serve_document(program)
        page = urlsplit(SITE_URL).path.rstrip("/") + "/" + page_path(document.src_uri)
        config = baselines[SERVE_AUDIENCE]
        plain = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config)]
        ours = self.tb("serve", "-f", str(program.config_file), "--audience", SERVE_AUDIENCE)
        targets = {
            base_key: Target(plain, config.parent, config.parent / "docs" / document.src_uri, page),
            key: Target(ours, program.root, program.root / "content" / document.src_uri, page),
        }
        self.progress(f"serve: {edits} edits of {document.src_uri}, taking turns: {' / '.join(labels.values())} ...")
        self.loads.append(os.getloadavg()[0])
        timeout = self.timeout or 900.0
        runs = compare(
            targets, words_for(edits, fresh_salt()), self.env, self.work / "logs", self.work / "serve", timeout
        )
        self.loads.append(os.getloadavg()[0])
        for row_key, run in runs.items():
            measurement = run.measurement()
            self._log_result(labels[row_key], measurement)
            if run.edits:
                self.progress(f"  edits shown after {', '.join(f'{s:.2f}' for s in run.edits)} s; {run.summary()}")
            target = targets[row_key]
            edited = target.edited.relative_to(target.cwd).as_posix()
            details: dict[str, object] = {"edited": edited, "page": page, **run.details()}
            self.report.rows.append(Row(row_key, labels[row_key], measurement, run.summary(), details=details))
        row = self.report.rows[-1]
        row.baseline, row.max_ratio = base_key, SERVE_RATIO

    def linear(self, sizes: Sequence[int], evidence: int, seed: int) -> Generated | None:
        """Per-audience builds at each size; returns the largest program (for the memory figure)."""
        small, large = min(sizes), max(sizes)
        timings: dict[tuple[int, str], tuple[Row, Row]] = {}
        counts: dict[tuple[int, str], int] = {}
        program: Generated | None = None
        for size in (small, large):
            program = self.generate(f"linear-{size}", size, evidence, seed)
            self.lock_untimed(program)
            baselines = self.baselines(program, f"linear-{size}")
            for audience in AUDIENCES:
                counts[(size, audience)] = sum(1 for d in program.plan.documents if RANK[d.audience] <= RANK[audience])
                pair = self.audience_pair(program, baselines, audience, f"linear{size}.", add=False)
                timings[(size, audience)] = pair
            if size != large:  # only the largest is needed again (for the memory figure); free the disk
                for leftover in self.work.glob(f"linear-{size}*"):
                    shutil.rmtree(leftover, ignore_errors=True)
        for audience in AUDIENCES:
            base_small, build_small = timings[(small, audience)]
            base_large, build_large = timings[(large, audience)]
            row = LinearRow(
                audience,
                (small, large),
                (counts[(small, audience)], counts[(large, audience)]),
                (build_small.measurement, build_large.measurement),
                (base_small.measurement, base_large.measurement),
                LINEAR_RATIO,
                _failure(build_small, build_large, base_small, base_large),
            )
            self.report.linear.append(row)
        return program


def serve_document(program: Generated) -> DocPlan:
    """The page both previews edit: the first internal policy (a small program may only have other pages)."""
    visible = [d for d in program.plan.documents if RANK[d.audience] <= RANK[SERVE_AUDIENCE]]
    ranked = sorted(visible, key=lambda d: (d.type != "policy", d.audience != SERVE_AUDIENCE, d.src_uri))
    if not ranked:
        raise ValueError(f"the program has no page the {SERVE_AUDIENCE} site shows")
    return ranked[0]


def _failure(*rows: Row) -> str:
    failed = [r for r in rows if not r.ok]
    if not failed:
        return ""
    tail = failed[0].measurement.output_tail.splitlines()[-3:] if failed[0].measurement else []
    return f"FAILED: {failed[0].label}: {' | '.join(tail)}"
