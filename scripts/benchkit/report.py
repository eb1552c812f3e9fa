"""Benchmark results: rows with their baseline and target, printed as a table or as JSON.

Targets are judged on wall time, as issue 9 states them. CPU-time ratios are printed beside them because on a
machine shared with other work, wall time swings with the load while CPU time barely moves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from benchkit.measure import Measurement

NOT_AVAILABLE = "not available"
# `trustbinder build` prints "  public    -> site/public  (12.3 s)" for each site it built.
SITE_LINE = re.compile(r"^\s+(public|internal|auditor)\s+->\s.*\((\d+(?:\.\d+)?) s\)\s*$")


@dataclass
class Row:
    key: str
    label: str
    measurement: Measurement | None = None
    note: str = ""
    baseline: str | None = None  # key of the row this one is compared with
    max_ratio: float | None = None  # target: at most this many times the baseline
    max_mb: float | None = None  # target: peak memory below this
    details: dict[str, object] = field(default_factory=dict)  # figures behind the row, for the JSON

    @property
    def ok(self) -> bool:
        return self.measurement is not None and self.measurement.ok

    @property
    def site_seconds(self) -> dict[str, float]:
        """The MkDocs part of a `trustbinder build`, per audience, as the command itself reports it.

        The rest of the wall time is start-up and validating the program before any site is built.
        """
        if self.measurement is None:
            return {}
        found = (SITE_LINE.match(line) for line in self.measurement.output_tail.splitlines())
        return {m.group(1): float(m.group(2)) for m in found if m}


def _ok(m: Measurement | None) -> Measurement | None:
    return m if m is not None and m.ok else None


def _seconds(m: Measurement, cpu: bool) -> float:
    return m.cpu_seconds if cpu else m.seconds


@dataclass
class LinearRow:
    """One audience's builds at a small and a large program, and the baseline's at the same sizes."""

    audience: str
    sizes: tuple[int, int]
    documents: tuple[int, int]  # pages this audience sees at each size
    builds: tuple[Measurement | None, Measurement | None]
    baselines: tuple[Measurement | None, Measurement | None]
    max_ratio: float = 1.15
    note: str = ""

    def _ratio(self, pair: tuple[Measurement | None, Measurement | None], cpu: bool) -> float | None:
        small, large = _ok(pair[0]), _ok(pair[1])
        if small is None or large is None:
            return None
        per_page = [_seconds(m, cpu) / max(d, 1) for m, d in zip((small, large), self.documents, strict=True)]
        return per_page[1] / per_page[0] if per_page[0] else None

    def ratio(self, cpu: bool = False) -> float | None:
        return self._ratio(self.builds, cpu)

    def marginal_ms(self, baseline: bool = False) -> float | None:
        """Milliseconds each extra page adds between the two sizes: fixed costs (start-up, evidence) cancel out."""
        small, large = (_ok(m) for m in (self.baselines if baseline else self.builds))
        extra = self.documents[1] - self.documents[0]
        if small is None or large is None or extra <= 0:
            return None
        return (large.seconds - small.seconds) / extra * 1000

    def baseline_ratio(self, cpu: bool = False) -> float | None:
        return self._ratio(self.baselines, cpu)

    @property
    def verdict(self) -> str:
        ratio = self.ratio()
        return "" if ratio is None else "PASS" if ratio <= self.max_ratio else "FAIL"


@dataclass
class Report:
    machine: dict[str, object] = field(default_factory=dict)
    program: dict[str, object] = field(default_factory=dict)
    check: dict[str, object] = field(default_factory=dict)
    tools: dict[str, bool] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    linear: list[LinearRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)

    def ratio(self, row: Row, cpu: bool = False) -> float | None:
        base = self.row(row.baseline) if row.baseline else None
        mine, theirs = _ok(row.measurement), _ok(base.measurement) if base else None
        if mine is None or theirs is None:
            return None
        if cpu:
            return mine.cpu_seconds / theirs.cpu_seconds if theirs.cpu_seconds else None
        return mine.seconds / theirs.seconds

    def verdict(self, row: Row) -> str:
        if row.max_ratio is not None:
            ratio = self.ratio(row)
            return "" if ratio is None else "PASS" if ratio <= row.max_ratio else "FAIL"
        if row.max_mb is not None and row.measurement and row.ok:
            return "PASS" if row.measurement.peak_mb < row.max_mb else "FAIL"
        return ""

    # ---------------------------------------------------------------- JSON

    def as_dict(self) -> dict[str, object]:
        return {
            "machine": self.machine,
            "program": self.program,
            "check": self.check,
            "tools": self.tools,
            "results": [self._row_dict(row) for row in self.rows],
            "linear": [_linear_dict(row) for row in self.linear],
            "notes": self.notes,
        }

    def _row_dict(self, row: Row) -> dict[str, object]:
        m = row.measurement
        return {
            "key": row.key,
            "label": row.label,
            "ok": row.ok,
            **_measurement_dict(m),
            "baseline": row.baseline,
            "ratio": _round(self.ratio(row)),
            "cpu_ratio": _round(self.ratio(row, cpu=True)),
            "target_max_ratio": row.max_ratio,
            "target_max_mb": row.max_mb,
            "result": self.verdict(row) or None,
            "note": row.note or None,
            "site_seconds": row.site_seconds or None,
            "error": m.output_tail if m and not m.ok else None,
            "details": row.details or None,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)

    # ---------------------------------------------------------------- table

    def to_table(self) -> str:
        header = ("measurement", "wall s", "cpu s", "peak MB", "vs", "ratio", "cpu ratio", "target", "result")
        lines: list[tuple[str, ...]] = [header]
        for row in self.rows:
            lines.append(self._row_cells(row))
        out = [_columns(lines)]
        if self.linear:
            out += ["", self._linear_table()]
        out += [""] + [f"note: {n}" for n in self.notes] if self.notes else []
        return "\n".join(out)

    def _row_cells(self, row: Row) -> tuple[str, ...]:
        m, target = row.measurement, _target(row)
        if m is None:
            return (row.label, "-", "-", "-", "", "", "", target, row.note or NOT_AVAILABLE)
        if not m.ok:
            verdict = f"STOPPED after {m.seconds:.0f} s" if m.timed_out else f"FAILED (exit {m.returncode})"
            wall = f">{m.seconds:.0f}" if m.timed_out else "-"
            return (row.label, wall, "-", f"{m.peak_mb:.0f}", "", "", "", target, verdict)
        versus = row.baseline.split(".", 1)[-1] if row.baseline else ""
        sites = "/".join(f"{seconds:.1f}" for seconds in row.site_seconds.values())
        parts = (self.verdict(row), row.note, f"(mkdocs {sites} s)" if sites else "")
        verdict = " ".join(part for part in parts if part)
        return (
            row.label,
            f"{m.seconds:.2f}",
            f"{m.cpu_seconds:.2f}",
            f"{m.peak_mb:.0f}",
            versus,
            _times(self.ratio(row)),
            _times(self.ratio(row, cpu=True)),
            target,
            verdict,
        )

    def _linear_table(self) -> str:
        small, large = self.linear[0].sizes
        header = (
            f"linear: time per page, {large} vs {small} docs",
            f"wall s @{small}",
            f"wall s @{large}",
            "ratio",
            "cpu ratio",
            "baseline ratio",
            "ms/extra page",
            "baseline ms/extra page",
            "target",
            "result",
        )
        lines: list[tuple[str, ...]] = [header]
        for r in self.linear:
            walls = [f"{m.seconds:.2f}" if m and m.ok else "-" for m in r.builds]
            marginal, base_marginal = r.marginal_ms(), r.marginal_ms(baseline=True)
            lines.append(
                (
                    f"build {r.audience} ({r.documents[0]} -> {r.documents[1]} pages)",
                    *walls,
                    _times(r.ratio()),
                    _times(r.ratio(cpu=True)),
                    _times(r.baseline_ratio()),
                    "-" if marginal is None else f"{marginal:.1f}",
                    "-" if base_marginal is None else f"{base_marginal:.1f}",
                    f"<= {r.max_ratio}x",
                    " ".join(part for part in (r.verdict, r.note) if part),
                )
            )
        return _columns(lines)


def _measurement_dict(m: Measurement | None) -> dict[str, object]:
    return {
        "seconds": round(m.seconds, 3) if m else None,
        "cpu_seconds": round(m.cpu_seconds, 3) if m else None,
        "peak_mb": round(m.peak_mb, 1) if m else None,
        "largest_process_mb": round(m.largest_process_bytes / 2**20, 1) if m else None,
        "timed_out": m.timed_out if m else None,
    }


def _linear_dict(r: LinearRow) -> dict[str, object]:
    return {
        "audience": r.audience,
        "documents_total": list(r.sizes),
        "documents_visible": list(r.documents),
        "builds": [_measurement_dict(m) for m in r.builds],
        "baselines": [_measurement_dict(m) for m in r.baselines],
        "per_page_ratio": _round(r.ratio()),
        "per_page_cpu_ratio": _round(r.ratio(cpu=True)),
        "baseline_per_page_ratio": _round(r.baseline_ratio()),
        "ms_per_extra_page": _round(r.marginal_ms()),
        "baseline_ms_per_extra_page": _round(r.marginal_ms(baseline=True)),
        "target_max_ratio": r.max_ratio,
        "result": r.verdict or None,
        "note": r.note or None,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _times(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def _target(row: Row) -> str:
    if row.max_ratio is not None:
        return f"<= {row.max_ratio}x"
    if row.max_mb is not None:
        return f"< {row.max_mb:.0f} MB"
    return ""


def _columns(lines: list[tuple[str, ...]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    rendered = []
    for number, line in enumerate(lines):
        pairs = enumerate(zip(line, widths, strict=True))
        cells = [cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in pairs]
        rendered.append("  ".join(cells).rstrip())
        if number == 0:
            rendered.append("  ".join("-" * w for w in widths))
    return "\n".join(rendered)
