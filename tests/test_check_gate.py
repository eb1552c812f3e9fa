"""`trustbinder check` as a CI gate: formats, --fail-on, exit codes, evidence verification, and build --strict."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import edit

from trustbinder.cli import main
from trustbinder.model import checks
from trustbinder.model.findings import Findings
from trustbinder.model.program import Program

REVIEW = "evidence/access/2026-q2-review.csv"


def run(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [args[0], "-f", str(program / "mkdocs.yml"), *args[1:]])
    return result.exit_code, result.output


@pytest.fixture
def locked(mini: Path) -> Path:
    result = CliRunner().invoke(main, ["evidence", "lock", "-f", str(mini / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return mini


def test_locked_clean_program_passes(locked: Path) -> None:
    code, output = run(locked, "check")
    assert code == 0, output
    assert "evidence.lock" not in output and ": error: " not in output


def test_tampered_evidence_fails_check(locked: Path) -> None:
    (locked / REVIEW).write_text("user,decision\neve,keep\n")
    code, output = run(locked, "check")
    assert code == 1
    assert f"{REVIEW}: error: evidence changed: its bytes differ from evidence.lock (EV-0001" in output


def test_missing_lock_is_a_warning_that_fails_only_with_fail_on_warning(mini: Path) -> None:
    code, output = run(mini, "check")
    assert code == 0, output
    assert "evidence.lock: warning: not found: the evidence is not locked" in output
    assert "trustbinder: the program is valid; " in output  # warnings do not make it invalid
    assert run(mini, "check", "--fail-on", "warning")[0] == 1


def test_everything_is_collected_in_one_pass(locked: Path) -> None:
    edit(locked / "content" / "policies" / "security.md", "controls: [AC-01]", "controls: [AC-1]")
    (locked / REVIEW).write_text("user,decision\neve,keep\n")
    code, output = run(locked, "check", "--format", "json")
    assert code == 1
    report = json.loads(output)
    assert report["failed"] is True and report["errors"] == 2
    messages = {(f["path"], f["line"], f["message"].split(":")[0]) for f in report["findings"]}
    assert messages == {
        ("content/policies/security.md", 11, "key 'controls'"),
        (REVIEW, None, "evidence changed"),
    }


def test_registered_checks_still_run(locked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def overdue(program: Program, today: dt.date) -> Findings:
        found = Findings()
        found.warning("content/policies/access.md", 2, "review overdue since 2026-01-01")
        return found

    monkeypatch.setattr(checks, "CHECKS", [*checks.CHECKS, overdue])
    code, output = run(locked, "check", "--fail-on", "warning")
    assert code == 1
    assert "content/policies/access.md:2: warning: review overdue since 2026-01-01" in output


def test_github_format_prints_workflow_annotations(locked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edit(locked / "content" / "policies" / "security.md", "controls: [AC-01]", "controls: [AC-1]")
    (locked / "evidence" / "odd,name%.txt").write_text("x\n")
    (locked / "evidence" / "odd,name%.txt.meta.yml").write_text(
        "id: EV-0002\ntitle: Odd\ncontrols: [AC-01]\ncollected: 2026-07-01\nsource: s\n"
    )
    monkeypatch.setenv("GITHUB_WORKSPACE", str(locked.parent))  # the program sits in a sub-folder of the checkout
    code, output = run(locked, "check", "--format", "github")
    assert code == 1
    lines = output.splitlines()
    assert (
        "::error file=mini/content/policies/security.md,line=11,title=trustbinder::key 'controls': unknown control "
        "'AC-1'; did you mean AC-01" in output
    )
    assert any(
        line.startswith("::error file=mini/evidence/odd%2Cname%25.txt,title=trustbinder::new evidence not in")
        for line in lines
    ), output
    assert all(line.startswith(("::error ", "::warning ", "trustbinder: ")) for line in lines), output


def test_github_format_warnings(mini: Path) -> None:
    code, output = run(mini, "check", "--format", "github")
    assert code == 0
    assert "::warning file=evidence.lock,title=trustbinder::not found: the evidence is not locked" in output


def test_missing_config_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "-f", str(tmp_path / "mkdocs.yml"), "--format", "github"])
    assert result.exit_code == 2
    assert "mkdocs.yml: no such file; run this in a program folder or pass --config-file" in result.output
    assert result.output.startswith("::error file=")


def test_broken_config_exits_2_and_says_why(mini: Path) -> None:
    edit(mini / "mkdocs.yml", "docs_dir: content", "docs_dir: contents")
    code, output = run(mini, "check")
    assert code == 2
    assert "Config value 'docs_dir'" in output and "isn't an existing directory" in output
    assert "Aborted with a configuration error" not in output


def test_unparsable_config_exits_2(mini: Path) -> None:
    (mini / "mkdocs.yml").write_text("site_name: [unclosed\n")
    code, output = run(mini, "check")
    assert code == 2
    assert "mkdocs.yml" in output and "error parsing the configuration file" in output


@pytest.mark.parametrize("args", [["--format", "xml"], ["--fail-on", "info"], ["--bogus"]])
def test_usage_errors_exit_2(mini: Path, args: list[str]) -> None:
    assert run(mini, "check", *args)[0] == 2


def test_strict_build_refuses_a_tree_that_fails_verification(locked: Path, tmp_path: Path) -> None:
    (locked / REVIEW).write_text("rewritten\n")
    out = tmp_path / "out"
    code, output = run(locked, "build", "--strict", "--audience", "public", "--site-dir", str(out))
    assert code == 1
    assert f"{REVIEW}: error: evidence changed" in output
    assert "not built" in output
    assert not out.exists()


def test_plain_build_warns_about_verification_and_builds(locked: Path, tmp_path: Path) -> None:
    (locked / REVIEW).write_text("rewritten\n")
    out = tmp_path / "out"
    code, output = run(locked, "build", "--audience", "auditor", "--no-pdf", "--site-dir", str(out))
    assert code == 0, output
    assert f"{REVIEW}: warning: evidence changed" in output
    assert (out / "auditor" / "index.html").is_file()


def test_sites_without_evidence_are_built_without_reading_it(locked: Path, tmp_path: Path) -> None:
    (locked / REVIEW).write_text("rewritten\n")
    sidecar = next((locked / "evidence").rglob("*.yml"))
    sidecar.write_text("id: [unclosed\n")
    out = tmp_path / "out"
    for audience in ("public", "internal"):
        code, output = run(locked, "build", "--audience", audience, "--site-dir", str(out))
        assert code == 0, output
        assert "warning" not in output and "error" not in output and (out / audience / "index.html").is_file()
    code, output = run(locked, "build", "--audience", "auditor", "--no-pdf", "--site-dir", str(out))
    assert code == 1 and sidecar.name in output and "not built" in output
    assert not (out / "auditor").exists()


def test_a_build_whose_check_fails_keeps_the_previous_site(locked: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run(locked, "build", "--audience", "internal", "--site-dir", str(out))
    assert code == 0, output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    policy = next((locked / "content" / "policies").glob("*.md"))
    text = policy.read_text(encoding="utf-8")
    # The sites are built while the program is checked; a problem only the check finds must still stop them.
    future = (dt.date(2026, 11, 26) + dt.timedelta(days=30)).isoformat()
    policy.write_text(re.sub(r"last_reviewed: .*", f"last_reviewed: {future}", text, count=1), encoding="utf-8")
    code, output = run(locked, "build", "--audience", "internal", "--site-dir", str(out))
    assert code == 1 and "not built" in output and "is in the future" in output, output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in out.iterdir()) == ["internal"]
