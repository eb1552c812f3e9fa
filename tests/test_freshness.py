"""Type II freshness: splitting the observation period by frequency and finding intervals without evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import copy_program, edit
from test_binder_helpers import BUILD_DAY

from trustbinder.model import Audience, load_program
from trustbinder.model.evidence import Evidence
from trustbinder.model.freshness import (
    ControlFreshness,
    IntervalState,
    assess,
    freshness_findings,
    month_states,
    program_freshness,
    split_period,
)
from trustbinder.model.scope import Visible

D = dt.date


def labels(start: dt.date, end: dt.date, unit: str) -> list[str]:
    return [i.label for i in split_period(start, end, unit)]  # type: ignore[arg-type]


def evidence(collected: dt.date, start: dt.date | None = None, end: dt.date | None = None) -> Evidence:
    return Evidence(
        id=f"EV-{collected}",
        title="t",
        artifact="evidence/x.csv",
        sidecar="evidence/x.csv.meta.yml",
        sidecar_line=1,
        collected=collected,
        source="s",
        audience=Audience.AUDITOR,
        size=1,
        period_start=start,
        period_end=end,
    )


def test_each_frequency_splits_the_period_into_calendar_intervals() -> None:
    start, end = D(2026, 2, 15), D(2026, 9, 30)
    assert labels(start, end, "month") == [f"2026-{m:02d}" for m in range(2, 10)]
    assert labels(start, end, "quarter") == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert labels(start, end, "half") == ["2026-H1", "2026-H2"]
    assert labels(start, end, "year") == ["2026"]
    assert labels(start, end, "period") == ["2026-02-15 to 2026-09-30"]
    assert len(split_period(start, end, "day")) == (end - start).days + 1
    weeks = split_period(D(2026, 1, 1), D(2026, 1, 31), "week")
    assert [w.label for w in weeks] == ["2026-W01", "2026-W02", "2026-W03", "2026-W04", "2026-W05"]
    assert weeks[1].start.weekday() == 0 and weeks[1].end.weekday() == 6


def test_intervals_are_clipped_to_the_period_and_leave_no_day_out() -> None:
    intervals = split_period(D(2025, 11, 10), D(2026, 2, 3), "quarter")
    assert [(i.start, i.end) for i in intervals] == [(D(2025, 11, 10), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 2, 3))]
    months = split_period(D(2024, 1, 31), D(2024, 3, 1), "month")
    assert [(i.start, i.end) for i in months] == [
        (D(2024, 1, 31), D(2024, 1, 31)),
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2024, 3, 1), D(2024, 3, 1)),
    ]


def test_evidence_counts_by_period_overlap_else_by_collection_day() -> None:
    quarters = split_period(D(2026, 1, 1), D(2026, 12, 31), "quarter")
    items = [
        evidence(D(2026, 4, 2), D(2026, 1, 1), D(2026, 3, 31)),  # collected in Q2, about Q1
        evidence(D(2026, 8, 1)),  # no period: counts where it was collected
    ]
    states = assess(quarters, items, today=D(2026, 11, 20))
    assert [(s.interval.label, s.evidence_count, s.state) for s in states] == [
        ("2026-Q1", 1, "covered"),
        ("2026-Q2", 0, "missing"),
        ("2026-Q3", 1, "covered"),
        ("2026-Q4", 0, "current"),
    ]
    later = assess(quarters, [], today=D(2026, 5, 1))
    assert [s.state for s in later] == ["missing", "current", "upcoming", "upcoming"]


def test_one_item_spanning_several_intervals_covers_each_of_them() -> None:
    months = split_period(D(2026, 1, 1), D(2026, 6, 30), "month")
    states = assess(months, [evidence(D(2026, 6, 30), D(2026, 2, 10), D(2026, 4, 1))], today=D(2026, 12, 1))
    assert [s.state for s in states] == ["missing", "covered", "covered", "covered", "missing", "missing"]


def test_heatmap_months_summarise_the_intervals_inside_them() -> None:
    months = split_period(D(2026, 1, 1), D(2026, 3, 31), "month")
    weeks = split_period(D(2026, 1, 1), D(2026, 3, 31), "week")
    states: list[IntervalState] = []
    for week in weeks:
        state = "missing" if week.start <= D(2026, 2, 1) <= week.end else "covered"
        if week.start >= D(2026, 3, 16):
            state = "upcoming"
        states.append(IntervalState(week, 0, state))  # type: ignore[arg-type]
    result = ControlFreshness("X-1", "weekly", "week", states)
    # The missing week (26 January to 1 February) straddles two months; late-March weeks have not ended.
    assert month_states(result, months) == ["partial", "partial", "covered"]


@pytest.fixture
def fixture_program(tmp_path: Path) -> Path:
    return copy_program("binder", tmp_path)


def test_a_quarterly_control_missing_one_quarter_is_flagged_for_exactly_that_quarter(fixture_program: Path) -> None:
    program = load_program(fixture_program)
    results = {r.control_id: r for r in program_freshness(Visible.for_reader(program, Audience.AUDITOR), BUILD_DAY)}
    assert [i.label for i in results["AC-02"].missing] == ["2026-Q2"]
    assert results["AC-01"].missing == []  # continuous: monthly, all covered by one export spanning the period
    assert "BC-01" not in results  # planned: the gap report covers it
    findings = freshness_findings(program, BUILD_DAY)
    assert [f.message for f in findings] == [
        "control AC-02 (quarterly): no evidence for 1 of 3 interval(s) of the observation period "
        "2026-01-01 to 2026-09-30: 2026-Q2"
    ]
    assert findings.items[0].path == "content/controls.yml" and findings.items[0].line == 15


def test_freshness_is_only_for_type2_reports(fixture_program: Path) -> None:
    edit(fixture_program / "content" / "audit.yml", "type: type2", "type: type1")
    program = load_program(fixture_program)
    assert program_freshness(Visible.for_reader(program, Audience.AUDITOR), BUILD_DAY) == []
    assert len(freshness_findings(program, BUILD_DAY)) == 0


def test_an_interval_not_yet_ended_is_never_reported(fixture_program: Path) -> None:
    program = load_program(fixture_program)
    findings = freshness_findings(program, D(2026, 5, 15))  # Q2 has not ended on this day
    assert len(findings) == 0
