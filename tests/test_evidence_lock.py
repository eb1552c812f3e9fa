"""evidence.lock: written canonically, and every kind of tampering reported specifically by `evidence verify`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import edit

from trustbinder.cli import main

REVIEW = "evidence/access/2026-q2-review.csv"
LOGINS = "evidence/access/logins.json"
BACKUP = "evidence/backup/restore.txt"


def run(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args[:2], "-f", str(program / "mkdocs.yml"), *args[2:]])
    return result.exit_code, result.output


def add_sidecar(program: Path, rel: str, evidence_id: str, body: bytes) -> None:
    path = program / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    path.with_name(path.name + ".meta.yml").write_text(
        f"id: {evidence_id}\ntitle: Evidence {evidence_id}\ncontrols: [AC-01]\ncollected: 2026-07-01\n"
        "source: A system\n",
        encoding="utf-8",
    )


@pytest.fixture
def locked(mini: Path) -> Path:
    """The mini program with three artifacts, locked."""
    add_sidecar(mini, LOGINS, "EV-0002", b'{"logins": 42}\n')
    add_sidecar(mini, BACKUP, "EV-0003", b"restore ok\n")
    code, output = run(mini, "evidence", "lock")
    assert code == 0, output
    assert "Wrote evidence.lock: 3 artifact(s)." in output
    return mini


def verify(program: Path) -> tuple[int, list[str]]:
    code, output = run(program, "evidence", "verify")
    return code, [line for line in output.splitlines() if ": error: " in line or ": warning: " in line]


def test_lock_is_canonical_sorted_and_one_line_per_artifact(locked: Path) -> None:
    lines = (locked / "evidence.lock").read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "trustbinder-evidence-lock" and header["entries"] == 3
    entries = [json.loads(line) for line in lines[1:]]
    assert [e["path"] for e in entries] == sorted([REVIEW, LOGINS, BACKUP])
    logins = next(e for e in entries if e["path"] == LOGINS)
    assert logins["id"] == "EV-0002" and logins["size"] == len(b'{"logins": 42}\n')
    assert set(logins) == {"path", "id", "size", "sha256", "sidecar_sha256", "check"}
    before = (locked / "evidence.lock").read_bytes()
    run(locked, "evidence", "lock")
    assert (locked / "evidence.lock").read_bytes() == before  # same tree, byte-identical lock


def test_lock_records_the_real_sha256(locked: Path) -> None:
    entries = [json.loads(line) for line in (locked / "evidence.lock").read_text().splitlines()[1:]]
    for entry in entries:
        artifact = (locked / entry["path"]).read_bytes()
        sidecar = (locked / (entry["path"] + ".meta.yml")).read_bytes()
        assert entry["sha256"] == hashlib.sha256(artifact).hexdigest()
        assert entry["sidecar_sha256"] == hashlib.sha256(sidecar).hexdigest()


def test_untouched_tree_verifies(locked: Path) -> None:
    code, output = run(locked, "evidence", "verify")
    assert code == 0, output
    assert "3 artifact(s) match evidence.lock" in output


def test_bytes_changed(locked: Path) -> None:
    (locked / LOGINS).write_bytes(b'{"logins": 43}\n')  # same size, different bytes
    code, problems = verify(locked)
    assert code == 1
    assert len(problems) == 1
    assert problems[0].startswith(f"{LOGINS}: error: evidence changed: its bytes differ from evidence.lock (EV-0002")


def test_file_renamed(locked: Path) -> None:
    moved = "evidence/backup/2026-restore.txt"
    for suffix in ("", ".meta.yml"):
        os.rename(locked / (BACKUP + suffix), locked / (moved + suffix))
    code, problems = verify(locked)
    assert code == 1
    assert problems == [
        f"{moved}: error: evidence renamed: same bytes (SHA-256) as {BACKUP} (EV-0003) in evidence.lock; review the "
        "change, then run `trustbinder evidence lock` to accept the new name"
    ]


def test_file_deleted(locked: Path) -> None:
    (locked / BACKUP).unlink()
    (locked / (BACKUP + ".meta.yml")).unlink()
    code, problems = verify(locked)
    assert code == 1
    assert problems == [
        f"{BACKUP}: error: evidence deleted: evidence.lock line 4 lists it (EV-0003) but the file is gone; restore it "
        "from git, or review the change, then run `trustbinder evidence lock`"
    ]


def test_new_file_not_in_lock(locked: Path) -> None:
    add_sidecar(locked, "evidence/hr/training.csv", "EV-0004", b"name,done\n")
    code, problems = verify(locked)
    assert code == 1
    assert problems == [
        "evidence/hr/training.csv: error: new evidence not in evidence.lock: file it with `trustbinder evidence add`, "
        "or review the change, then run `trustbinder evidence lock`"
    ]


def test_sidecar_edited(locked: Path) -> None:
    edit(locked / (REVIEW + ".meta.yml"), "collected: 2026-07-02", "collected: 2026-07-09")
    code, problems = verify(locked)
    assert code == 1
    assert problems == [
        f"{REVIEW}.meta.yml:1: error: sidecar edited since evidence.lock was written (EV-0001); restore it from git, "
        "or review the change, then run `trustbinder evidence lock`"
    ]


def test_sidecar_edited_to_take_another_id_says_so(locked: Path) -> None:
    edit(locked / (REVIEW + ".meta.yml"), "id: EV-0001", "id: EV-0100")
    _, problems = verify(locked)
    assert "its id changed from EV-0001 to EV-0100" in problems[0]


def test_lock_entry_edited_to_hide_a_change(locked: Path) -> None:
    """Someone changes an artifact and pastes its new hash into the lock: the entry's check gives it away."""
    (locked / LOGINS).write_bytes(b'{"logins": 9000}\n')
    lock = locked / "evidence.lock"
    lines = lock.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if LOGINS in line)
    entry = json.loads(lines[number])
    entry["sha256"] = hashlib.sha256((locked / LOGINS).read_bytes()).hexdigest()
    entry["size"] = (locked / LOGINS).stat().st_size
    lines[number] = json.dumps(entry)
    lock.write_text("\n".join(lines) + "\n")
    code, problems = verify(locked)
    assert code == 1
    assert problems == [
        f"evidence.lock:{number + 1}: error: evidence.lock entry edited by hand: the entry for {LOGINS} no longer "
        "matches its check value; restore it from git, or review the change, then run `trustbinder evidence lock`"
    ]


def test_lock_entry_removed_by_hand_breaks_the_digest(locked: Path) -> None:
    lock = locked / "evidence.lock"
    lock.write_text("".join(line + "\n" for line in lock.read_text().splitlines() if BACKUP not in line))
    code, problems = verify(locked)
    assert code == 1
    assert (
        "evidence.lock:1: error: evidence.lock edited by hand: its digest does not match its entries (an entry was "
        "added, removed or reordered)" in problems[0]
    )
    assert any(p.startswith(f"{BACKUP}: error: new evidence not in evidence.lock") for p in problems)


def test_garbage_in_the_lock_is_named_by_line(locked: Path) -> None:
    with (locked / "evidence.lock").open("a") as handle:
        handle.write("not json\n")
    _, problems = verify(locked)
    assert problems[0].startswith(
        "evidence.lock:5: error: evidence.lock entry edited by hand: the line is not valid JSON"
    )


def test_reformatting_an_entry_without_changing_it_is_not_tampering(locked: Path) -> None:
    lock = locked / "evidence.lock"
    lines = lock.read_text().splitlines()
    lines[1] = json.dumps(json.loads(lines[1]), indent=None, separators=(",", ":"))
    lock.write_text("\n".join(lines) + "\n")
    assert verify(locked) == (0, [])


def test_verify_without_a_lock_fails_and_says_how_to_make_one(mini: Path) -> None:
    code, problems = verify(mini)
    assert code == 1
    assert problems == [
        "evidence.lock: warning: not found: the evidence is not locked, so changes to it cannot be detected; "
        "run `trustbinder evidence lock`"
    ]


def test_lock_refuses_evidence_without_a_valid_sidecar(mini: Path) -> None:
    (mini / "evidence" / "stray.pdf").write_bytes(b"%PDF-1.4\n")
    code, output = run(mini, "evidence", "lock")
    assert code == 1
    assert "evidence/stray.pdf: error: evidence file has no sidecar" in output
    assert not (mini / "evidence.lock").exists()


def test_relocking_lists_what_it_accepts(locked: Path) -> None:
    (locked / LOGINS).write_bytes(b"{}\n")
    code, output = run(locked, "evidence", "lock")
    assert code == 0
    assert "Accepting 1 difference(s) from the previous evidence.lock:" in output
    assert f"{LOGINS}: error: evidence changed" in output
    assert verify(locked) == (0, [])


def test_dotfiles_are_not_evidence(locked: Path) -> None:
    (locked / "evidence" / ".DS_Store").write_bytes(b"\0")
    shutil.copytree(locked / "evidence" / "access", locked / "evidence" / ".trash")
    assert verify(locked) == (0, [])


def test_a_new_program_from_the_starter_ships_a_lock_that_matches_its_evidence(tmp_path: Path) -> None:
    program = tmp_path / "program"
    assert CliRunner().invoke(main, ["init", str(program)]).exit_code == 0
    assert (program / "evidence.lock").is_file(), "the starter has no evidence.lock: run `trustbinder evidence lock`"
    code, problems = verify(program)
    assert (code, problems) == (0, []), "the starter's evidence.lock is stale: run `trustbinder evidence lock`"


@pytest.mark.parametrize("path", ["evidence/plain/x.csv", "evidence/é.csv", 'evidence/q"x.csv', "evidence/t\tab.csv"])
def test_every_lock_line_form_reads_back_and_edits_are_caught(path: str) -> None:
    from trustbinder.model.lock import LockEntry, _parse_entry

    entry = LockEntry(path, "EV-1", 12, "a" * 64, "b" * 64)
    assert _parse_entry(entry.line()) == (entry, path, None)
    # The same entry written with other JSON spacing is still that entry; a changed value is not.
    respaced = json.dumps(json.loads(entry.line()), indent=None, separators=(",", ":"))
    assert _parse_entry(respaced)[0] == entry
    tampered = entry.line().replace('"size": 12', '"size": 13')
    assert _parse_entry(tampered)[0] is None and "no longer matches" in str(_parse_entry(tampered)[2])
