"""Benchmark results: rows with their baseline and target, printed as a table or as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from benchkit.measure import Measurement

NOT_AVAILABLE = "not available"


@dataclass
class Row:
    key: str
    label: str
    measurement: Measurement | None = None
    note: str = ""
    baseline: str | None = None  # key of the row this one is compared with
    max_ratio: float | None = None  # target: at most this many times the baseline
    max_mb: float | None = None  # target: peak memory below this

    @property
    def ok(self) -> bool:
        return self.measurement is not None and self.measurement.ok


@dataclass
class LinearRow:
    audience: str
    sizes: tuple[int, int]
    seconds: tuple[float, float] | None
    documents: tuple[int, int]
    baseline_seconds: tuple[float, float] | None = None
    max_ratio: float = 1.15
    note: str = ""

    @staticmethod
    def _per_doc_ratio(seconds: tuple[float, float] | None, documents: tuple[int, int]) -> float | None:
        if seconds is None:
            return None
        small, large = (s / max(d, 1) for s, d in zip(seconds, documents, strict=True))
        return large / small

    @property
    def ratio(self) -> float | None:
        return self._per_doc_ratio(self.seconds, self.documents)

    @property
    def baseline_ratio(self) -> float | None:
        return self._per_doc_ratio(self.baseline_seconds, self.documents)


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

    def ratio(self, row: Row) -> float | None:
        base = self.row(row.baseline) if row.baseline else None
        if not (row.ok and base and base.ok and row.measurement and base.measurement):
            return None
        return row.measurement.seconds / base.measurement.seconds

    def verdict(self, row: Row) -> str:
        if row.max_ratio is not None:
            ratio = self.ratio(row)
            return "" if ratio is None else "PASS" if ratio <= row.max_ratio else "FAIL"
        if row.max_mb is not None and row.ok and row.measurement:
            return "PASS" if row.measurement.peak_mb < row.max_mb else "FAIL"
        return ""

    def as_dict(self) -> dict[str, object]:
        rows = []
        for row in self.rows:
            m = row.measurement
            rows.append(
                {
                    "key": row.key,
                    "label": row.label,
                    "ok": row.ok,
                    "seconds": round(m.seconds, 3) if m else None,
                    "cpu_seconds": round(m.cpu_seconds, 3) if m else None,
                    "peak_mb": round(m.peak_mb, 1) if m else None,
                    "baseline": row.baseline,
                    "ratio": _round(self.ratio(row)),
                    "target_max_ratio": row.max_ratio,
                    "target_max_mb": row.max_mb,
                    "result": self.verdict(row) or None,
                    "note": row.note or None,
                    "error": m.output_tail if m and not m.ok else None,
                }
            )
        linear = [
            {
                "audience": r.audience,
                "documents_total": list(r.sizes),
                "documents_visible": list(r.documents),
                "seconds": [round(s, 3) for s in r.seconds] if r.seconds else None,
                "baseline_seconds": [round(s, 3) for s in r.baseline_seconds] if r.baseline_seconds else None,
                "per_document_ratio": _round(r.ratio),
                "baseline_per_document_ratio": _round(r.baseline_ratio),
                "target_max_ratio": r.max_ratio,
                "result": None if r.ratio is None else "PASS" if r.ratio <= r.max_ratio else "FAIL",
                "note": r.note or None,
            }
            for r in self.linear
        ]
        return {
            "machine": self.machine,
            "program": self.program,
            "check": self.check,
            "tools": self.tools,
            "results": rows,
            "linear": linear,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)

    def to_table(self) -> str:
        header = ("measurement", "wall s", "cpu s", "peak MB", "vs", "ratio", "target", "result")
        lines: list[tuple[str, ...]] = [header]
        for row in self.rows:
            m = row.measurement
            if m is None:
                lines.append((row.label, "-", "-", "-", "", "", _target(row), row.note or NOT_AVAILABLE))
                continue
            if not m.ok:
                lines.append((row.label, f"{m.seconds:.1f}", "-", "-", "", "", _target(row), "FAILED (see JSON)"))
                continue
            ratio = self.ratio(row)
            lines.append(
                (
                    row.label,
                    f"{m.seconds:.2f}",
                    f"{m.cpu_seconds:.2f}",
                    f"{m.peak_mb:.0f}",
                    row.baseline or "",
                    f"{ratio:.2f}x" if ratio is not None else "",
                    _target(row),
                    self.verdict(row) + (f" {row.note}" if row.note else ""),
                )
            )
        out = [_columns(lines)]
        if self.linear:
            out.append("")
            out.append(self._linear_table())
        if self.notes:
            out.append("")
            out.extend(f"note: {n}" for n in self.notes)
        return "\n".join(out)

    def _linear_table(self) -> str:
        small, large = self.linear[0].sizes
        header = (
            "linear scaling",
            f"s @{small}",
            f"s @{large}",
            "per-doc ratio",
            "baseline ratio",
            "target",
            "result",
        )
        lines: list[tuple[str, ...]] = [header]
        for r in self.linear:
            ratio, base = r.ratio, r.baseline_ratio
            lines.append(
                (
                    f"build {r.audience} ({r.documents[0]} -> {r.documents[1]} pages)",
                    f"{r.seconds[0]:.2f}" if r.seconds else "-",
                    f"{r.seconds[1]:.2f}" if r.seconds else "-",
                    f"{ratio:.2f}x" if ratio is not None else "-",
                    f"{base:.2f}x" if base is not None else "-",
                    f"<= {r.max_ratio}x",
                    ("" if ratio is None else "PASS" if ratio <= r.max_ratio else "FAIL")
                    + (f" {r.note}" if r.note else ""),
                )
            )
        return _columns(lines)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


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
