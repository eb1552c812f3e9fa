"""`trustbinder evidence collect`: collectors that succeed, fail and time out, and the git-history collector."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustbinder.cli import main
from trustbinder.model.collect import Collector, run_collector
from trustbinder.model.yamlio import parse_yaml

PY = sys.executable


def write_collectors(program: Path, body: str) -> None:
    (program / "content" / "collectors.yml").write_text("collectors:\n" + body, encoding="utf-8")


def collect(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["evidence", "collect", "-f", str(program / "mkdocs.yml"), *args])
    return result.exit_code, result.output


def evidence_files(program: Path) -> set[str]:
    return {p.relative_to(program).as_posix() for p in (program / "evidence").rglob("*") if p.is_file()}


def command_collector(name: str, code: str, **extra: str) -> str:
    lines = [
        f"  - name: {name}",
        f"    command: ['{PY}', -c, {code!r}]".replace("'\"", "'").replace("\"'", "'"),
        f"    output: system/{{date}}-{name}.txt",
        "    controls: [AC-01]",
        "    source: The build host",
    ]
    lines += [f"    {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def test_successful_collector_writes_a_dated_artifact_with_its_record(mini: Path) -> None:
    write_collectors(mini, command_collector("ports", "print('tcp 22 sshd')"))
    started = dt.datetime.now(dt.timezone.utc)
    code, output = collect(mini)
    assert code == 0, output
    today = started.date().isoformat()
    artifact = mini / "evidence" / "system" / f"{today}-ports.txt"
    assert artifact.read_text() == "tcp 22 sshd\n"
    assert f"ok      ports: wrote evidence/system/{today}-ports.txt as EV-0002" in output
    sidecar = parse_yaml((artifact.parent / f"{today}-ports.txt.meta.yml").read_text())
    assert sidecar["id"] == "EV-0002" and sidecar["controls"] == ["AC-01"]
    assert sidecar["source"] == "The build host" and str(sidecar["collected"]) == today
    record = sidecar["collector"]
    assert record["name"] == "ports" and record["exit_status"] == 0 and record["timeout"] == 300
    assert record["command"] == [PY, "-c", "print('tcp 22 sshd')"]
    began, ended = dt.datetime.fromisoformat(record["started"]), dt.datetime.fromisoformat(record["finished"])
    assert started - dt.timedelta(seconds=1) <= began <= ended <= dt.datetime.now(dt.timezone.utc)
    assert "wrote evidence.lock with 2 entries" in output
    check = CliRunner().invoke(main, ["check", "-f", str(mini / "mkdocs.yml")])
    assert check.exit_code == 0, check.output


def test_failing_collector_writes_nothing_and_is_reported(mini: Path) -> None:
    write_collectors(
        mini, command_collector("broken", "import sys; print('half'); sys.exit('relation users does not exist')")
    )
    before = evidence_files(mini)
    code, output = collect(mini)
    assert code == 1
    assert "FAILED  broken: exited with status 1: relation users does not exist; nothing was written" in output
    assert evidence_files(mini) == before
    assert not (mini / "evidence" / "system").exists()
    assert not (mini / "evidence.lock").exists()


def test_collector_that_times_out_is_stopped_whole_and_writes_nothing(mini: Path) -> None:
    # A shell pipeline: killing only the shell would leave `sleep` running and holding the output open.
    write_collectors(
        mini,
        "  - name: hang\n"
        "    command: 'echo partial; sleep 61.37 | cat'\n"
        "    shell: true\n"
        "    timeout: 1\n"
        "    output: system/{datetime}-hang.txt\n"
        "    controls: [AC-01]\n"
        "    source: nowhere\n",
    )
    before = evidence_files(mini)
    started = time.monotonic()
    code, output = collect(mini)
    assert time.monotonic() - started < 15
    assert code == 1
    assert "FAILED  hang: timed out after 1 s and was stopped; nothing was written" in output
    assert evidence_files(mini) == before
    assert not running("sleep 61.37")


def running(command_line: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.read_bytes().replace(b"\0", b" ").strip() == command_line.encode():
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


def test_one_failure_does_not_stop_the_others(mini: Path) -> None:
    write_collectors(mini, command_collector("bad", "raise SystemExit(2)") + command_collector("good", "print(1)"))
    code, output = collect(mini)
    assert code == 1
    assert "FAILED  bad: exited with status 2" in output and "ok      good:" in output
    assert "1 of 2 collector(s) failed" in output


def test_empty_output_is_a_failure_unless_allowed(mini: Path) -> None:
    write_collectors(
        mini, command_collector("quiet", "pass") + command_collector("none-found", "pass", allow_empty="true")
    )
    code, output = collect(mini)
    assert code == 1
    assert "FAILED  quiet: produced no output (set allow_empty: true if an empty result is valid evidence)" in output
    assert "ok      none-found:" in output


def test_existing_artifact_is_never_overwritten(mini: Path) -> None:
    collector = Collector(
        name="ports",
        line=1,
        kind="command",
        output="system/{date}-ports.txt",
        controls=["AC-01"],
        source="host",
        command=[PY, "-c", "print('new')"],
    )
    now = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.timezone.utc)
    first = run_collector(collector, mini, mini / "evidence", "EV-0002", now)
    assert first.ok, first.message
    second = run_collector(collector, mini, mini / "evidence", "EV-0003", now)
    assert not second.ok
    assert second.message == "evidence/system/2026-07-01-ports.txt already exists; not run, nothing was overwritten"
    sidecar = (mini / "evidence" / "system" / "2026-07-01-ports.txt.meta.yml").read_text()
    assert "id: EV-0002" in sidecar


def test_unknown_collector_name_is_a_usage_error(mini: Path) -> None:
    write_collectors(mini, command_collector("ports", "print(1)"))
    code, output = collect(mini, "prots")
    assert code == 2
    assert "unknown collector prots; defined: ports" in output


def git(repo: Path, *args: str, when: str = "2026-05-04T10:00:00+00:00", who: str = "Ana Ruiz") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": f"{who.split()[0].lower()}@example.com",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": f"{who.split()[0].lower()}@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def platform(tmp_path: Path) -> Path:
    """A repository with a reviewed commit, a pull-request merge, a squash merge and a hostile subject."""
    repo = tmp_path / "platform"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "app.py").write_text("v1\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "Add the app", "-m", "Reviewed-by: Omar Diaz <omar@example.com>")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "db.sql").write_text("create table t;\n")
    git(repo, "add", "db.sql")
    git(repo, "commit", "-q", "-m", "Add a table", when="2026-05-05T09:00:00+00:00", who="Li Wei")
    git(repo, "checkout", "-q", "main")
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge pull request #41 from larkspur/feature",
        when="2026-05-06T09:00:00+00:00",
        who="Omar Diaz",
    )
    (repo / "app.py").write_text("v2\n")
    git(repo, "commit", "-q", "-am", "Tighten input checks (#42)", when="2026-05-07T09:00:00+00:00")
    (repo / "app.py").write_text("v3\n")
    git(repo, "commit", "-q", "-am", '=HYPERLINK("http://x.example")', when="2026-05-08T09:00:00+00:00")
    return repo


def test_git_history_collector_records_who_changed_what_and_who_reviewed(mini: Path, platform: Path) -> None:
    write_collectors(
        mini,
        "  - name: platform-changes\n"
        "    kind: git-history\n"
        f"    repository: {platform}\n"
        "    since: 2026-05-01\n"
        "    output: change/{date}-platform-changes.csv\n"
        "    title: Platform change history\n"
        "    controls: [AC-02]\n"
        "    source: git history of the platform repository, branch main\n"
        "    owner: VP Engineering\n",
    )
    code, output = collect(mini)
    assert code == 0, output
    [artifact] = (mini / "evidence" / "change").glob("*-platform-changes.csv")
    rows = list(csv.DictReader(io.StringIO(artifact.read_text())))
    by_subject = {row["subject"]: row for row in rows}
    assert len(rows) == 5
    reviewed = by_subject["Add the app"]
    assert reviewed["author"] == "Ana Ruiz <ana@example.com>"
    assert reviewed["date"] == "2026-05-04T10:00:00+00:00"
    assert reviewed["reviewers"] == "Reviewed-by: Omar Diaz <omar@example.com>"
    assert reviewed["files"] == "app.py" and reviewed["merge"] == "no"
    merge = by_subject["Merge pull request #41 from larkspur/feature"]
    assert merge["merge"] == "yes" and merge["pull_request"] == "#41" and merge["author"].startswith("Omar Diaz")
    assert by_subject["Tighten input checks (#42)"]["pull_request"] == "#42"
    assert by_subject["Add a table"]["author"] == "Li Wei <li@example.com>"
    # A subject a spreadsheet would run as a formula is neutralised.
    assert '\'=HYPERLINK("http://x.example")' in by_subject
    sidecar = parse_yaml(artifact.with_name(artifact.name + ".meta.yml").read_text())
    assert sidecar["title"].startswith("Platform change history, ")
    assert str(sidecar["period"]["start"]) == "2026-05-01"
    assert sidecar["query"].startswith("git log HEAD since 2026-05-01")
    assert sidecar["collector"]["command"][:2] == ["git", "-c"] and sidecar["collector"]["kind"] == "git-history"


def test_git_history_of_a_folder_that_is_no_repository_fails_cleanly(mini: Path, tmp_path: Path) -> None:
    write_collectors(
        mini,
        "  - name: nothing\n"
        "    kind: git-history\n"
        f"    repository: {tmp_path / 'nowhere'}\n"
        "    output: change/{date}-nothing.csv\n"
        "    controls: [AC-02]\n"
        "    source: none\n",
    )
    code, output = collect(mini)
    assert code == 1
    assert "FAILED  nothing: exited with status 128:" in output and "nothing was written" in output


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "  - {name: a, command: [ls], output: 'x/{date}.txt', controls: [ZZ-9], source: s}\n",
            "content/collectors.yml:2: error: key 'collectors[0].controls': unknown control 'ZZ-9'",
            id="unknown-control",
        ),
        pytest.param(
            "  - {name: a, command: [ls], output: 'x/ls.txt', controls: [AC-01], source: s}\n",
            "content/collectors.yml:2: error: key 'collectors[0].output': must contain {date} or {datetime}",
            id="undated-output",
        ),
        pytest.param(
            "  - {name: a, command: ls -l, output: 'x/{date}.txt', controls: [AC-01], source: s}\n",
            "content/collectors.yml:2: error: key 'collectors[0].command': is text; give a list of arguments",
            id="text-command-without-shell",
        ),
        pytest.param(
            "  - {name: a, kind: cron, command: [ls], output: 'x/{date}.txt', controls: [AC-01], source: s}\n",
            "content/collectors.yml:2: error: key 'collectors[0].kind': 'cron' is not allowed; allowed values: "
            "command, git-history",
            id="unknown-kind",
        ),
        pytest.param(
            "  - {name: a, command: [ls], output: '../{date}.txt', controls: [AC-01], source: s}\n",
            "content/collectors.yml:2: error: key 'collectors[0].output': '../{date}.txt' climbs out with '..'",
            id="output-escapes",
        ),
        pytest.param(
            "  - {name: a, kind: git-history, rev: --output=/tmp/x, output: 'x/{date}.csv', controls: [AC-01], "
            "source: s}\n",
            "key 'collectors[0].rev': '--output=/tmp/x' is not a revision",
            id="option-as-revision",
        ),
        pytest.param(
            "  - {name: a, command: [ls], output: 'x/{date}.txt', controls: [AC-01], source: s, timout: 5}\n",
            "content/collectors.yml:2: error: key 'collectors[0].timout': unknown key; allowed: name, kind, command",
            id="unknown-key",
        ),
        pytest.param(
            "  - {name: a, command: [ls], output: 'x/{date}.txt', controls: [AC-01], source: s}\n"
            "  - {name: a, command: [ls], output: 'y/{date}.txt', controls: [AC-01], source: s}\n",
            "content/collectors.yml:3: error: key 'collectors[1].name': duplicate collector name 'a'",
            id="duplicate-name",
        ),
    ],
)
def test_check_reports_collector_mistakes(mini: Path, body: str, expected: str) -> None:
    write_collectors(mini, body)
    result = CliRunner().invoke(main, ["check", "-f", str(mini / "mkdocs.yml")])
    assert result.exit_code == 1
    assert expected in result.output, result.output
    code, output = collect(mini)
    assert code == 1 and "no collector was run" in output
