"""The policy lifecycle: next review dates, review status, and what `trustbinder check` says about them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_program, edit

from trustbinder.cli import main
from trustbinder.model import load_program
from trustbinder.model.lifecycle import add_months, review_of, schedule

JUNE_1_2026 = "1780315200"  # 2026-06-01 12:00 UTC


@pytest.fixture
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", JUNE_1_2026)
    return copy_program("handbook", tmp_path)


def run_check(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-f", str(program / "mkdocs.yml"), *args])
    return result.exit_code, result.output


def finding_lines(output: str, path: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(path)]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 10), 12, dt.date(2027, 1, 10)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2025, 12, 15), 6, dt.date(2026, 6, 15)),
        (dt.date(2026, 3, 31), 120, dt.date(2036, 3, 31)),
    ],
)
def test_next_review_is_whole_months_later_clamped_to_the_month_end(
    start: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(start, months) == expected


def test_status_boundaries_around_the_due_date(program: Path) -> None:
    document = load_program(program).document("POL-LAPSED")
    assert document is not None  # last reviewed 2025-01-10, every 12 months: due 2026-01-10
    due = dt.date(2026, 1, 10)
    assert review_of(document, due - dt.timedelta(days=31)).status == "ok"
    assert review_of(document, due - dt.timedelta(days=30)).status == "due"
    assert review_of(document, due).status == "due"
    overdue = review_of(document, due + dt.timedelta(days=1))
    assert (overdue.status, overdue.days_left, overdue.label) == ("overdue", -1, "Overdue")


def test_schedule_counts_from_approval_when_no_review_is_recorded(program: Path) -> None:
    loaded = load_program(program)
    onboarding = loaded.document("PRC-ONBOARD")
    assert onboarding is not None and onboarding.last_reviewed is None
    review = review_of(onboarding, dt.date(2026, 6, 1))
    assert (review.basis, review.next_on, review.status) == ("approved_on", dt.date(2027, 4, 2), "ok")
    edit(program / "content" / "procedures" / "onboarding.md", "approved_on: 2026-04-02\n", "")
    bare = load_program(program).document("PRC-ONBOARD")
    assert bare is not None
    assert (review_of(bare, dt.date(2026, 6, 1)).status, review_of(bare, dt.date(2026, 6, 1)).label) == (
        "unscheduled",
        "No review recorded",
    )


def test_schedule_puts_overdue_first_then_by_date(program: Path) -> None:
    loaded = load_program(program)
    order = [d.id for d, _ in schedule(loaded.documents, dt.date(2026, 6, 1))]
    assert order == ["POL-LAPSED", "POL-SOON", "PRC-VAULTSECRET", "NAR-SYSTEM", "POL-CURRENT", "PRC-ONBOARD"]


def test_check_warns_on_an_overdue_review_at_the_last_reviewed_line(program: Path) -> None:
    code, output = run_check(program)
    assert code == 0, output
    assert finding_lines(output, "content/policies/lapsed.md") == [
        "content/policies/lapsed.md:11: warning: review overdue since 2026-01-10 (last_reviewed 2025-01-10 "
        "+ review_every 12 months); review the document and update last_reviewed"
    ]
    for on_time in ("current.md", "soon.md", "onboarding.md", "system.md", "vault.md"):
        assert on_time not in output, on_time


def test_check_reads_today_from_source_date_epoch(program: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1805112000")  # 2027-03-15: everything but the onboarding is due
    _, output = run_check(program)
    overdue = {line.split(":")[0] for line in output.splitlines() if "review overdue" in line}
    assert overdue == {
        "content/policies/lapsed.md",
        "content/policies/soon.md",
        "content/policies/current.md",
        "content/narratives/system.md",
        "content/procedures/vault.md",
    }


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        (
            "approved_by: Rosa Diaz, CEO\n",
            "content/policies/current.md:8: warning: policy POL-CURRENT has no 'approved_by': record who approved it "
            "(approved_by) and when (approved_on)",
        ),
        (
            "approved_on: 2026-03-01\n",
            "content/policies/current.md:8: warning: policy POL-CURRENT has no 'approved_on': record who approved it "
            "(approved_by) and when (approved_on)",
        ),
        (
            "approved_by: Rosa Diaz, CEO\napproved_on: 2026-03-01\n",
            "content/policies/current.md:5: warning: policy POL-CURRENT has no 'approved_by' or 'approved_on': "
            "record who approved it (approved_by) and when (approved_on)",
        ),
    ],
    ids=["no-approver", "no-approval-date", "neither"],
)
def test_check_warns_on_a_policy_without_approval(program: Path, removed: str, expected: str) -> None:
    edit(program / "content" / "policies" / "current.md", removed, "")
    code, output = run_check(program)
    assert code == 0, output
    assert finding_lines(output, "content/policies/current.md") == [expected]


def test_an_unapproved_procedure_or_narrative_is_not_a_policy_problem(program: Path) -> None:
    edit(program / "content" / "procedures" / "onboarding.md", "approved_by: Head of People\n", "")
    code, output = run_check(program)
    assert code == 0 and "onboarding.md" not in output, output
    assert "system.md" not in output  # the narrative has no approval either


def test_check_errors_on_an_approval_dated_in_the_future(program: Path) -> None:
    edit(program / "content" / "policies" / "current.md", "approved_on: 2026-03-01", "approved_on: 2026-07-01")
    code, output = run_check(program, "--format", "json")
    assert code == 1
    report = json.loads(output)
    future = [f for f in report["findings"] if f["level"] == "error"]
    assert future == [
        {
            "path": "content/policies/current.md",
            "line": 9,
            "level": "error",
            "key": "approved_on",
            "message": "key 'approved_on': 2026-07-01 is in the future (today is 2026-06-01); "
            "record the day it actually happened",
        }
    ]
    code, text = run_check(program)
    assert code == 1
    assert "content/policies/current.md:9: error: key 'approved_on': 2026-07-01 is in the future" in text


def test_approval_today_is_not_in_the_future(program: Path) -> None:
    edit(program / "content" / "policies" / "current.md", "approved_on: 2026-03-01", "approved_on: 2026-06-01")
    code, output = run_check(program)
    assert code == 0, output
