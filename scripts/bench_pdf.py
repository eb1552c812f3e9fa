"""Benchmark the binder PDF (issue 6). Not part of the test suite.

    python scripts/bench_pdf.py [-f mkdocs.yml] [--repeat 2] [--evidence 500] [--json FILE]

1. Pages per second of the whole binder build (sandboxed evidence, rendering, merging, attachments, file
   identifier) against plain WeasyPrint rendering the very same HTML and stylesheet, in the same run.
   Target: the binder at least 0.8 of plain WeasyPrint.
2. Time to merge N evidence PDFs (default 500, two pages each): open and stamp each in the sandbox, copy the
   pages into a binder, write it. Target: under 5 s. Plain pypdf appending the same files is shown for scale.

Each measurement runs in its own process so its peak memory (and that of its sandbox children) is its own.
Prints a table to stdout and, with --json, writes the figures to FILE (also printed as JSON with --json -).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RATIO_TARGET = 0.8
MERGE_TARGET_S = 5.0


def _peak_mib() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mib": round(own, 1), "children_peak_mib": round(children, 1)}


def _cpu() -> float:
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return self_usage.ru_utime + self_usage.ru_stime + children.ru_utime + children.ru_stime


# --- measurements, each run in a child process -------------------------------------------------------------


def measure_binder(config: Path, html_out: Path) -> dict[str, object]:
    from trustbinder.builder import read_settings
    from trustbinder.model import load_program
    from trustbinder.pdf.binder import build_binder_pdf

    settings = read_settings(config)
    program = load_program(settings.root, settings.docs_dir, settings.evidence_dir)
    with tempfile.TemporaryDirectory() as folder:
        cpu, wall = _cpu(), time.perf_counter()
        result = build_binder_pdf(program, Path(folder) / "binder.pdf")
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    html_out.write_text(result.html, encoding="utf-8")
    return {
        "pages": result.pages,
        "evidence_pages": result.evidence_pages,
        "wall_s": wall,
        "cpu_s": cpu,
        "stages_s": {k: round(v, 3) for k, v in result.timings.items()},
        **_peak_mib(),
    }


def measure_plain(config: Path, html_in: Path) -> dict[str, object]:
    import weasyprint

    from trustbinder.builder import read_settings
    from trustbinder.pdf.binder import TEMPLATES

    settings = read_settings(config)
    html = html_in.read_text(encoding="utf-8")
    base_url = (settings.root / settings.docs_dir).as_uri() + "/"
    cpu, wall = _cpu(), time.perf_counter()
    css = weasyprint.CSS(string=(TEMPLATES / "binder.css").read_text(encoding="utf-8"))
    document = weasyprint.HTML(string=html, base_url=base_url).render(stylesheets=[css])
    document.write_pdf()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    return {"pages": len(document.pages), "wall_s": wall, "cpu_s": cpu, **_peak_mib()}


def _two_page_pdf(number: int) -> bytes:
    pages = [
        f"BT /F1 14 Tf 72 720 Td (Evidence file {number}, page {page}) Tj 0 -20 Td "
        f"(Export of the access review, row block {number * 2 + page}) Tj ET".encode()
        for page in (1, 2)
    ]
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"]
    for index in range(2):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 7 0 R >> >> >>" % (5 + index)
        )
    objects += [b"<< /Length %d >>\nstream\n" % len(p) + p + b"\nendstream" for p in pages]
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = b"%PDF-1.4\n", []
    for index, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % index + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def measure_merge(count: int) -> dict[str, object]:
    from pypdf import PdfReader, PdfWriter

    from trustbinder.pdf.assemble import place_evidence, write_reproducibly
    from trustbinder.pdf.evidence import EvidenceJob, Prepared, prepare
    from trustbinder.pdf.sandbox import Limits, Sandbox

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sources = []
        for number in range(count):
            path = root / f"evidence-{number:04d}.pdf"
            path.write_bytes(_two_page_pdf(number))
            sources.append(path)
        jobs = [
            EvidenceJob(f"EV-{number:04d}", "pdf", str(path), str(root / f"stamped-{number}.pdf"))
            for number, path in enumerate(sources)
        ]
        # The binder's placeholder pages (rendered by WeasyPrint in a real build; blank pages here).
        base = PdfWriter()
        for _ in range(2 * count + 1):
            base.add_blank_page(595, 842)
        buffer = io.BytesIO()
        base.write(buffer)

        cpu, wall = _cpu(), time.perf_counter()
        outcomes = Sandbox(prepare, Limits()).run(jobs)
        sandboxed = time.perf_counter()
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
        slot = 1
        for job, outcome in zip(jobs, outcomes, strict=True):
            assert isinstance(outcome, Prepared), outcome
            slot += place_evidence(writer, slot, Path(job.output))
        merged = time.perf_counter()
        data = write_reproducibly(writer)
        end = time.perf_counter()
        cpu = _cpu() - cpu

        reference = PdfWriter()
        started = time.perf_counter()
        for number, path in enumerate(sources):
            reference.append(str(path), outline_item=f"EV-{number:04d}")
        reference.write(io.BytesIO())
        plain_append = time.perf_counter() - started
    return {
        "files": count,
        "pages": slot - 1,
        "sandbox_s": sandboxed - wall,
        "place_s": merged - sandboxed,
        "write_s": end - merged,
        "wall_s": end - wall,
        "cpu_s": cpu,
        "size_mib": round(len(data) / 1024 / 1024, 2),
        "pypdf_append_s": plain_append,
        **_peak_mib(),
    }


# --- orchestration -----------------------------------------------------------------------------------------


def _child(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False, cwd=REPO
    )
    if result.returncode != 0:
        raise SystemExit(f"measurement {args[0]} failed:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def run(config: Path, repeat: int, evidence: int) -> dict[str, object]:
    binder_runs: list[dict[str, object]] = []
    plain_runs: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "binder.html"
        for index in range(repeat):
            # Alternate the order after the first pass so neither side always runs on a warmer machine.
            order = ["binder", "plain"] if index % 2 == 0 else ["plain", "binder"]
            for side in order:
                print(f"bench: {side} pass {index + 1}/{repeat} ...", file=sys.stderr, flush=True)
                if side == "binder":
                    binder_runs.append(_child("binder", str(config), str(html)))
                else:
                    plain_runs.append(_child("plain", str(config), str(html)))
    print(f"bench: merging {evidence} evidence PDFs ...", file=sys.stderr, flush=True)
    merge = _child("merge", str(evidence))

    def median(runs: list[dict[str, object]], key: str) -> float:
        return statistics.median(float(str(r[key])) for r in runs)

    pages = int(str(binder_runs[0]["pages"]))
    binder_wall, plain_wall = median(binder_runs, "wall_s"), median(plain_runs, "wall_s")
    binder_cpu, plain_cpu = median(binder_runs, "cpu_s"), median(plain_runs, "cpu_s")
    ratio_wall = (pages / binder_wall) / (pages / plain_wall)
    ratio_cpu = (pages / binder_cpu) / (pages / plain_cpu)
    return {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "program": str(config),
        "render": {
            "pages": pages,
            "evidence_pages": binder_runs[0]["evidence_pages"],
            "binder": binder_runs,
            "plain_weasyprint": plain_runs,
            "binder_pages_per_s": pages / binder_wall,
            "plain_pages_per_s": pages / plain_wall,
            "ratio_wall": ratio_wall,
            "ratio_cpu": ratio_cpu,
            "target_ratio": RATIO_TARGET,
            "met": ratio_wall >= RATIO_TARGET,
        },
        "merge": {**merge, "target_s": MERGE_TARGET_S, "met": float(str(merge["wall_s"])) < MERGE_TARGET_S},
    }


def table(figures: dict[str, object]) -> str:
    render = figures["render"]
    merge = figures["merge"]
    assert isinstance(render, dict) and isinstance(merge, dict)
    binder, plain = render["binder"][0], render["plain_weasyprint"][0]
    rows = [
        ("measure", "binder", "plain WeasyPrint", "target", "met"),
        (
            f"pages per second ({render['pages']} pages, wall)",
            f"{render['binder_pages_per_s']:.2f}",
            f"{render['plain_pages_per_s']:.2f}",
            f"ratio >= {RATIO_TARGET}",
            f"{render['ratio_wall']:.2f} {'yes' if render['met'] else 'NO'}",
        ),
        ("  ratio on CPU time", "", "", "", f"{render['ratio_cpu']:.2f}"),
        ("  peak memory (MiB)", f"{binder['peak_mib']}", f"{plain['peak_mib']}", "", ""),
        ("  binder stages (s)", ", ".join(f"{k} {v}" for k, v in binder["stages_s"].items()), "", "", ""),
        (
            f"merge {merge['files']} evidence PDFs ({merge['pages']} pages)",
            f"{merge['wall_s']:.2f} s",
            f"pypdf append {merge['pypdf_append_s']:.2f} s",
            f"< {MERGE_TARGET_S:g} s",
            "yes" if merge["met"] else "NO",
        ),
        (
            "  sandbox / place / write (s)",
            f"{merge['sandbox_s']:.2f} / {merge['place_s']:.2f} / {merge['write_s']:.2f}",
            "",
            "",
            "",
        ),
        ("  peak memory (MiB)", f"{merge['peak_mib']} (sandbox children {merge['children_peak_mib']})", "", "", ""),
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    machine = figures["machine"]
    assert isinstance(machine, dict)
    lines.append(f"({machine['cpus']} CPUs, load average {', '.join(f'{x:.1f}' for x in machine['load'])})")
    return "\n".join(line.rstrip() for line in lines)


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if args and args[0] == "--child":
        kind, rest = args[1], args[2:]
        if kind == "binder":
            figures = measure_binder(Path(rest[0]), Path(rest[1]))
        elif kind == "plain":
            figures = measure_plain(Path(rest[0]), Path(rest[1]))
        else:
            figures = measure_merge(int(rest[0]))
        print(json.dumps(figures))
        return
    parser = argparse.ArgumentParser(description="Benchmark the binder PDF against plain WeasyPrint.")
    parser.add_argument("-f", "--config-file", type=Path, default=REPO / "mkdocs.yml", help="the program to render")
    parser.add_argument("--repeat", type=int, default=2, help="render passes of each side; the median counts")
    parser.add_argument("--evidence", type=int, default=500, help="evidence PDFs to merge")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE ('-': stdout)")
    options = parser.parse_args(args)
    figures = run(options.config_file.resolve(), max(1, options.repeat), options.evidence)
    print(table(figures))
    if options.json == "-":
        print(json.dumps(figures, indent=2))
    elif options.json:
        Path(options.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
