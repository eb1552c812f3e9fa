"""Type II freshness: does every interval of the observation period have evidence for each control?

The period is split by the control's frequency into calendar-aligned intervals, clipped to the period:
daily -> days, weekly -> ISO weeks (Monday to Sunday), monthly and continuous -> months, quarterly -> calendar
quarters, semiannual -> January-June and July-December, annual -> calendar years. A per-event control, or one
with no frequency, gets one interval: the whole period.

An evidence item counts for an interval when the span it covers overlaps the interval. The span is the
evidence's `period` when it has one, otherwise the single day it was `collected`. So a Q2 access review
collected on 2 July with `period: {start: 2026-04-01, end: 2026-06-30}` counts for Q2, not for Q3.

An interval without evidence is missing only once it has ended (its last day is before today); the interval
holding today is current and later ones are upcoming, neither reported. Only implemented controls are checked:
the gap report lists the others.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from trustbinder.model.audience import Audience
from trustbinder.model.findings import Findings
from trustbinder.model.scope import Visible

if TYPE_CHECKING:
    from trustbinder.model.evidence import Evidence
    from trustbinder.model.program import Program

Unit = Literal["day", "week", "month", "quarter", "half", "year", "period"]
State = Literal["covered", "missing", "current", "upcoming"]
MonthState = Literal["covered", "partial", "missing", "pending"]

UNITS: dict[str, Unit] = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "continuous": "month",
    "quarterly": "quarter",
    "semiannual": "half",
    "annual": "year",
    "per-event": "period",
}
CHECKED_STATUS = "implemented"
LISTED_IN_A_FINDING = 12


@dataclass(frozen=True)
class Interval:
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class IntervalState:
    interval: Interval
    evidence_count: int
    state: State


@dataclass
class ControlFreshness:
    control_id: str
    frequency: str | None
    unit: Unit
    intervals: list[IntervalState] = field(default_factory=list)

    @property
    def missing(self) -> list[Interval]:
        return [s.interval for s in self.intervals if s.state == "missing"]


def unit_for(frequency: str | None) -> Unit:
    return UNITS.get(frequency or "", "period")


def _next_month(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _unit_start(day: dt.date, unit: Unit) -> dt.date:
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if unit == "half":
        return dt.date(day.year, 1 if day.month <= 6 else 7, 1)
    return dt.date(day.year, 1, 1)


def _following(start: dt.date, unit: Unit) -> dt.date:
    if unit == "day":
        return start + dt.timedelta(days=1)
    if unit == "week":
        return start + dt.timedelta(days=7)
    steps = {"month": 1, "quarter": 3, "half": 6, "year": 12}[unit]
    return _next_month(start, steps)


def _label(start: dt.date, unit: Unit) -> str:
    if unit == "day":
        return start.isoformat()
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{start.year}-{start.month:02d}"
    if unit == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if unit == "half":
        return f"{start.year}-H{1 if start.month <= 6 else 2}"
    return str(start.year)


def split_period(start: dt.date, end: dt.date, unit: Unit) -> list[Interval]:
    """Calendar-aligned intervals of `unit` covering start..end (both inclusive), the first and last clipped."""
    if end < start:
        return []
    if unit == "period":
        return [Interval(start, end, f"{start.isoformat()} to {end.isoformat()}")]
    intervals: list[Interval] = []
    current = _unit_start(start, unit)
    while current <= end:
        following = _following(current, unit)
        intervals.append(
            Interval(max(current, start), min(following - dt.timedelta(days=1), end), _label(current, unit))
        )
        current = following
    return intervals


def evidence_span(item: Evidence) -> tuple[dt.date, dt.date]:
    if item.period_start and item.period_end:
        return item.period_start, item.period_end
    return item.collected, item.collected


def assess(intervals: list[Interval], evidence: Iterable[Evidence], today: dt.date) -> list[IntervalState]:
    """Count the evidence overlapping each interval: O((intervals + evidence) log evidence), no pairwise loop."""
    spans = [evidence_span(item) for item in evidence]
    starts = sorted(s for s, _ in spans)
    ends = sorted(e for _, e in spans)
    states: list[IntervalState] = []
    for interval in intervals:
        # Spans starting on or before the interval's end, less those that ended before it began.
        count = bisect_right(starts, interval.end) - bisect_left(ends, interval.start)
        state: State
        if count:
            state = "covered"
        elif interval.end < today:
            state = "missing"
        elif interval.start > today:
            state = "upcoming"
        else:
            state = "current"
        states.append(IntervalState(interval, count, state))
    return states


def observation_period(program: Program) -> tuple[dt.date, dt.date] | None:
    audit = program.audit
    if audit.report_type != "type2" or audit.period_start is None or audit.period_end is None:
        return None
    return audit.period_start, audit.period_end


def program_freshness(visible: Visible, today: dt.date) -> list[ControlFreshness]:
    """Freshness of every implemented control, in register order; empty unless the report is type2."""
    period = observation_period(visible.program)
    if period is None:
        return []
    out: list[ControlFreshness] = []
    for control in visible.controls.values():
        if control.status != CHECKED_STATUS:
            continue
        unit = unit_for(control.frequency)
        evidence = [visible.evidence[e] for e in visible.evidence_for_control(control.id)]
        result = ControlFreshness(control.id, control.frequency, unit)
        result.intervals = assess(split_period(period[0], period[1], unit), evidence, today)
        out.append(result)
    return out


def month_states(freshness: ControlFreshness, months: list[Interval]) -> list[MonthState]:
    """One heatmap cell per month: how the control's intervals overlapping that month fared."""
    cells: list[MonthState] = []
    first = 0
    intervals = freshness.intervals
    for month in months:
        while first < len(intervals) and intervals[first].interval.end < month.start:
            first += 1
        seen: set[State] = set()
        index = first
        while index < len(intervals) and intervals[index].interval.start <= month.end:
            seen.add(intervals[index].state)
            index += 1
        if "missing" in seen:
            cells.append("partial" if "covered" in seen else "missing")
        else:
            cells.append("covered" if "covered" in seen else "pending")
    return cells


def describe_missing(missing: list[Interval]) -> str:
    labels = [interval.label for interval in missing[:LISTED_IN_A_FINDING]]
    more = len(missing) - len(labels)
    return ", ".join(labels) + (f" and {more} more" if more > 0 else "")


def freshness_findings(program: Program, today: dt.date) -> Findings:
    """A warning per implemented control with evidence whose type2 period has ended intervals without any."""
    findings = Findings()
    period = observation_period(program)
    if period is None:
        return findings
    visible = Visible.for_reader(program, Audience.AUDITOR)
    for result in program_freshness(visible, today):
        missing = result.missing
        # A control with no evidence at all is already one gap warning; one per interval would bury it.
        if not missing or not visible.evidence_for_control(result.control_id):
            continue
        control = program.controls[result.control_id]
        frequency = result.frequency or "no frequency"
        findings.warning(
            control.path,
            control.line,
            f"control {control.id} ({frequency}): no evidence for {len(missing)} of {len(result.intervals)} "
            f"interval(s) of the observation period {period[0]} to {period[1]}: {describe_missing(missing)}",
            "frequency",
        )
    return findings
