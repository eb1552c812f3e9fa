"""`trustbinder evidence add`: files an artifact with its sidecar, updates the lock, never overwrites."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from trustbinder.cli import main


def run(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["evidence", args[0], "-f", str(program / "mkdocs.yml"), *args[1:]])
    return result.exit_code, result.output


def export(tmp_path: Path, name: str = "okta_mfa-report.csv", body: bytes = b"user,mfa\nann,webauthn\n") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def lock_paths(program: Path) -> list[str]:
    return [json.loads(line)["path"] for line in (program / "evidence.lock").read_text().splitlines()[1:]]


def test_add_files_the_artifact_writes_the_sidecar_and_locks_it(mini: Path, tmp_path: Path) -> None:
    source = export(tmp_path)
    code, output = run(
        mini,
        "add",
        str(source),
        "--control",
        "AC-01",
        "--control",
        "AC-02,BC-01",
        "--source",
        "Okta admin console, report: MFA enrollment",
        "--collected",
        "2026-07-03",
        "--to",
        "access/mfa",
        "--period-start",
        "2026-04-01",
        "--period-end",
        "2026-06-30",
        "--query",
        "no",
    )
    assert code == 0, output
    artifact = mini / "evidence" / "access" / "mfa" / "okta_mfa-report.csv"
    assert artifact.read_bytes() == source.read_bytes()
    assert source.exists()  # copied, not moved
    assert "added evidence/access/mfa/okta_mfa-report.csv as EV-0002" in output
    assert (artifact.parent / "okta_mfa-report.csv.meta.yml").read_text() == (
        "id: EV-0002\n"
        "title: Okta mfa report\n"
        "controls: [AC-01, AC-02, BC-01]\n"
        "collected: 2026-07-03\n"
        "period: {start: 2026-04-01, end: 2026-06-30}\n"
        "source: 'Okta admin console, report: MFA enrollment'\n"
        "query: 'no'\n"  # quoted, so YAML does not read it back as false
        "audience: auditor\n"
    )
    assert "wrote evidence.lock with 2 entries" in output  # the first add locks the whole tree
    check = CliRunner().invoke(main, ["check", "-f", str(mini / "mkdocs.yml")])
    assert check.exit_code == 0, check.output
    assert "error" not in check.output and "evidence.lock" not in check.output


def test_second_add_extends_the_lock_without_touching_other_entries(mini: Path, tmp_path: Path) -> None:
    assert run(mini, "lock")[0] == 0
    (mini / "evidence" / "access" / "2026-q2-review.csv").write_text("changed after locking\n")
    code, output = run(mini, "add", str(export(tmp_path)), "--control", "AC-01", "--source", "Okta", "--id", "EV-0100")
    assert code == 0, output
    assert "added 1 entry to evidence.lock" in output
    assert lock_paths(mini) == ["evidence/access/2026-q2-review.csv", "evidence/okta_mfa-report.csv"]
    verify = CliRunner().invoke(main, ["evidence", "verify", "-f", str(mini / "mkdocs.yml")])
    assert verify.exit_code == 1  # the earlier change is still reported: adding does not bless it
    assert "evidence/access/2026-q2-review.csv: error: evidence changed" in verify.output
    assert "okta_mfa-report" not in verify.output


def test_add_refuses_to_overwrite(mini: Path, tmp_path: Path) -> None:
    target = mini / "evidence" / "access" / "2026-q2-review.csv"
    before = target.read_bytes()
    source = export(tmp_path, "2026-q2-review.csv", b"something else\n")
    code, output = run(mini, "add", str(source), "--control", "AC-02", "--source", "Okta", "--to", "access")
    assert code == 1
    assert "evidence/access/2026-q2-review.csv already exists; nothing was overwritten" in output
    assert target.read_bytes() == before
    assert not (mini / "evidence.lock").exists()


def program_files(root: Path) -> list[Path]:
    """Every path of the program; the tool's own cache folder (gitignored, rebuilt at will) is not program content."""
    return sorted(p.relative_to(root) for p in root.rglob("*") if ".trustbinder-cache" not in p.relative_to(root).parts)


def test_add_reports_every_problem_and_writes_nothing(mini: Path, tmp_path: Path) -> None:
    before = program_files(mini)
    code, output = run(
        mini, "add", str(export(tmp_path)), "--control", "AC-1", "--source", "x", "--id", "EV-0001", "--to", "../out"
    )
    assert code == 1
    assert "--control 'AC-1' is not in the control register; did you mean AC-01" in output
    assert "--id 'EV-0001' is already used by evidence/access/2026-q2-review.csv.meta.yml" in output
    assert "--to '../out' climbs out with '..'" in output
    assert program_files(mini) == before


def test_add_of_a_file_already_under_evidence_writes_only_its_sidecar(mini: Path) -> None:
    artifact = mini / "evidence" / "hr" / "training.csv"
    artifact.parent.mkdir()
    artifact.write_text("name,done\n")
    code, output = run(mini, "add", str(artifact), "--control", "AC-01", "--source", "LMS", "--title", "Training")
    assert code == 0, output
    assert "title: Training\n" in (artifact.parent / "training.csv.meta.yml").read_text()
    assert lock_paths(mini) == ["evidence/access/2026-q2-review.csv", "evidence/hr/training.csv"]


def test_add_refuses_while_the_lock_is_damaged(mini: Path, tmp_path: Path) -> None:
    assert run(mini, "lock")[0] == 0
    lock = mini / "evidence.lock"
    lock.write_text(lock.read_text().replace('"id": "EV-0001"', '"id": "EV-0009"'))
    code, output = run(mini, "add", str(export(tmp_path)), "--control", "AC-01", "--source", "Okta")
    assert code == 1
    assert "evidence.lock entry edited by hand" in output
    assert not (mini / "evidence" / "okta_mfa-report.csv").exists()
