"""Benchmark trustbinder against plain mkdocs-material on a generated program (issue 9).

    python scripts/bench.py [--docs 1000] [--evidence 20000] [--linear 250,2000] [--skip-linear]
                            [--full] [--repeat 1] [--serve-edits 5] [--only serve,builds,...]
                            [--format table|json] [--out DIR] [--keep]

Generates a synthetic program (deterministic for a seed and a day), times each build in a fresh process with
its peak memory, and prints every figure next to its baseline and the issue's target. Progress goes to stderr;
the result to stdout, and to DIR/bench.json and DIR/bench.txt with --out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from benchkit.plan import AUDIENCES
from benchkit.report import Row
from benchkit.scenarios import SERVE_AUDIENCE, Bench, find_tools, serve_document

FULL_DOCS, FULL_EVIDENCE = 2000, 20000
# What --only can select, in the order they run.
PARTS = ("check", "hash", "builds", "all", "pdf", "serve", "linear", "memory")
# The parts measured on the main program (the others generate programs of their own).
ON_PROGRAM = frozenset({"check", "hash", "builds", "all", "pdf", "serve"})


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 250,2000, got {text!r}") from None
    if len(sizes) != 2 or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"expected two different positive sizes like 250,2000, got {text!r}")
    return sizes


def _parts(text: str) -> frozenset[str]:
    parts = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(parts - set(PARTS))
    if unknown or not parts:
        named = ", ".join(unknown) if unknown else repr(text)
        raise argparse.ArgumentTypeError(f"unknown part {named}; choose from {', '.join(PARTS)}")
    return parts


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=1000, help="documents in the main program (default 1000)")
    parser.add_argument("--evidence", type=int, default=20000, help="evidence files in the main program")
    parser.add_argument("--linear", type=_sizes, default=[250, 2000], help="two program sizes, e.g. 250,2000")
    parser.add_argument("--linear-evidence", type=int, default=None, help="evidence files in the linear programs")
    parser.add_argument("--skip-linear", action="store_true", help="skip the linear-scaling builds")
    parser.add_argument(
        "--full",
        action="store_true",
        help="linear programs with 20,000 evidence files, and the "
        "peak memory of a full build of 2,000 documents (slow)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts")
    parser.add_argument("--timeout", type=float, default=900.0, help="stop any one command after this many seconds")
    parser.add_argument("--skip-pdf", action="store_true", help="do not time the binder PDF")
    parser.add_argument(
        "--serve-edits", type=int, default=5, help="edits timed under each preview server; the median counts"
    )
    parser.add_argument(
        "--only",
        type=_parts,
        default=frozenset(PARTS),
        metavar="PARTS",
        help=f"run only these measurements, comma-separated: {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--out", type=Path, default=None, help="write bench.json, bench.txt and logs here")
    parser.add_argument("--seed", type=int, default=20260, help="seed of the generated programs")
    parser.add_argument("--keep", action="store_true", help="keep the generated programs (their folder is printed)")
    return parser.parse_args(argv)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict[str, object]:
    return {
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "mkdocs": _version("mkdocs"),
        "mkdocs-material": _version("mkdocs-material"),
        "trustbinder": _version("trustbinder"),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def run(args: argparse.Namespace, work: Path) -> Bench:
    bench = Bench(work, args.repeat, find_tools(), dt.datetime.now(dt.timezone.utc).date(), args.timeout)
    report = bench.report
    report.machine = machine()
    report.tools = bench.tools.as_dict()
    bench.progress(f"working in {work}; optional commands: {report.tools}")
    only = args.only
    if only != frozenset(PARTS):
        report.notes.append(f"only {', '.join(p for p in PARTS if p in only)} measured (--only)")

    program = None
    if only & ON_PROGRAM:
        program = bench.generate("program", args.docs, args.evidence, args.seed)
        report.program = program.summary()
        if "check" in only:
            bench.check(program)
        wanted = [a for a in AUDIENCES if "builds" in only or ("serve" in only and a == SERVE_AUDIENCE)]
        baselines = bench.baselines(program, "program", wanted)
        if "hash" in only:
            bench.hashing(program)  # leaves a lock and a warm cache behind, as a user's repository has
        else:
            bench.lock_untimed(program)
        if "check" in only:
            bench.timed_check(program)
        if "builds" in only:
            bench.audience_builds(program, baselines)
        if "all" in only:
            bench.all_builds(program)
        if "pdf" in only and args.skip_pdf:
            report.rows.append(Row("pdf", "binder PDF (trustbinder pdf)", note="skipped (--skip-pdf)"))
        elif "pdf" in only:
            bench.pdf(program)
        if "serve" in only:
            bench.serve(program, baselines, args.serve_edits)

    largest = None
    if "linear" in only and args.skip_linear:
        report.notes.append("linear scaling skipped (--skip-linear)")
    elif "linear" in only:
        evidence = args.linear_evidence or (FULL_EVIDENCE if args.full else 2000)
        largest = bench.linear(args.linear, evidence, args.seed)
        report.notes.append(
            f"linear: per-audience builds at {args.linear[0]} and {args.linear[1]} documents with {evidence} "
            "evidence files each; ratio = (seconds per visible page at the large size) / (at the small size)"
        )
    if "memory" in only:
        full = largest if args.full and largest and len(largest.plan.documents) >= FULL_DOCS else None
        if args.full and full is None:
            full = bench.generate("full", FULL_DOCS, FULL_EVIDENCE, args.seed)
        bench.full_memory(full)
    report.machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report.machine["load_average_1min_max_seen"] = round(max(bench.loads, default=0.0), 2)
    cores = os.cpu_count() or 1
    if max(bench.loads, default=0.0) > cores:
        report.notes.append(
            f"the machine was busy (1-minute load average up to {max(bench.loads):.1f} on {cores} cores): wall "
            "times are inflated and noisy; compare the cpu seconds too"
        )
    if program is not None:
        report.notes.append(
            f"baselines: plain mkdocs-material, theme features [navigation.prune], font: false, search only, "
            f"same Markdown files and folders; 'auditor' = all {len(program.plan.documents)} documents"
        )
    if "serve" in only and program is not None:
        report.notes.append(
            f"serve: seconds from appending a paragraph to {serve_document(program).src_uri} until its served page "
            "shows it (the preview server holds requests during a rebuild), median over the edits; cpu = the "
            "server's CPU seconds over the same span; baseline: plain `mkdocs serve` of the internal pages"
        )
    report.notes.append("peak MB: sum of RSS over the process tree sampled every 50 ms")
    return bench


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="trustbinder-bench-"))
    try:
        bench = run(args, work)
    finally:
        if args.keep:
            print(f"[bench] programs kept in {work}", file=sys.stderr)
        elif not args.out:
            shutil.rmtree(work, ignore_errors=True)
    report = bench.report
    table, data = report.to_table(), report.to_json()
    print(data if args.format == "json" else table)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "bench.json").write_text(data + "\n", encoding="utf-8")
        (args.out / "bench.txt").write_text(table + "\n", encoding="utf-8")
        logs = work / "logs"
        if logs.is_dir():
            shutil.copytree(logs, args.out / "logs", dirs_exist_ok=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    failed = [r for r in report.rows if r.measurement is not None and not r.ok]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
