"""The benchmark's preview measurement: edits are timed until the served page shows them, servers always stop.

The end-to-end test runs both real preview servers on a 12-document program; the others use a few lines of
Python standing in for a server, so that failures and timeouts are checked in a second or two.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import bench
import benchkit.serve as serve_module
from benchkit.generate import generate
from benchkit.plan import Spec
from benchkit.scenarios import SERVE_AUDIENCE, Bench, Tools
from benchkit.serve import Target, compare, page_path

ANCHOR = dt.date(2026, 11, 26)
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795651200", "NO_MKDOCS_2_WARNING": "1"}

# Serves, at /page/, the text of the file named by its first argument, after a delay given by the second.
FAKE_SERVER = textwrap.dedent(
    """
    import http.server, sys, time
    source, delay, address = sys.argv[1], float(sys.argv[2]), sys.argv[-1]
    host, port = address.rsplit(":", 1)
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            text = open(source, encoding="utf-8").read().encode()
            self.send_response(200 if self.path == "/page/" else 404)
            self.end_headers()
            self.wfile.write(text)
        def log_message(self, *args):
            pass
    time.sleep(delay)
    http.server.HTTPServer((host, int(port)), Page).serve_forever()
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_page_path_is_the_directory_url_mkdocs_serves() -> None:
    assert page_path("policies/access/key-policy.md") == "policies/access/key-policy/"
    assert page_path("index.md") == ""
    assert page_path("policies/index.md") == "policies/"


def test_each_edit_is_timed_until_the_page_shows_it_and_the_file_is_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve_module, "SETTLE", 0.1)
    page = tmp_path / "policy.md"
    page.write_text("# Policy\n", encoding="utf-8")
    target = Target([sys.executable, "-c", FAKE_SERVER, str(page), "0"], tmp_path, page, "/page/")
    run = compare({"fake": target}, ["firstword", "secondword"], ENV, tmp_path / "logs", tmp_path / "scratch", 30)[
        "fake"
    ]
    assert run.ok, run.error
    assert len(run.edits) == 2 and all(0 < seconds < 5 for seconds in run.edits)
    assert run.first_build is not None
    assert page.read_text(encoding="utf-8") == "# Policy\n"
    assert not (tmp_path / "scratch" / "fake").exists()
    assert run.measurement().ok and "median of 2 edits" in run.summary()


def test_a_failing_server_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve_module, "SETTLE", 0.1)
    page = tmp_path / "policy.md"
    page.write_text("# Policy\n", encoding="utf-8")
    targets = {
        "broken": Target([sys.executable, "-c", "raise SystemExit(2)"], tmp_path, page, "/page/"),
        "fake": Target([sys.executable, "-c", FAKE_SERVER, str(page), "0"], tmp_path, page, "/page/"),
    }
    runs = compare(targets, ["oneword"], ENV, tmp_path / "logs", tmp_path / "scratch", 30)
    assert "exited with status 2" in runs["broken"].error
    assert runs["fake"].ok and len(runs["fake"].edits) == 1


def test_a_server_that_exits_is_reported_with_its_status(tmp_path: Path) -> None:
    page = tmp_path / "policy.md"
    page.write_text("# Policy\n", encoding="utf-8")
    target = Target([sys.executable, "-c", "import sys; print('no config here'); sys.exit(3)"], tmp_path, page, "/")
    run = compare({"exits": target}, ["word"], ENV, tmp_path / "logs", tmp_path / "scratch", 30)["exits"]
    assert not run.ok and not run.timed_out
    assert "exited with status 3" in run.error
    assert "no config here" in run.measurement().output_tail
    assert page.read_text(encoding="utf-8") == "# Policy\n"


def test_a_server_that_never_answers_is_stopped_with_everything_it_started(tmp_path: Path) -> None:
    page = tmp_path / "policy.md"
    page.write_text("# Policy\n", encoding="utf-8")
    child_pid = tmp_path / "child.pid"
    spawns = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
        f"open({str(child_pid)!r}, 'w').write(str(child.pid)); time.sleep(600)"
    )
    target = Target([sys.executable, "-c", spawns], tmp_path, page, "/")
    started = time.perf_counter()
    run = compare({"silent": target}, ["word"], ENV, tmp_path / "logs", tmp_path / "scratch", 2)["silent"]
    assert run.timed_out and not run.measurement().ok
    assert time.perf_counter() - started < 30
    assert not _alive(int(child_pid.read_text()))


def test_only_selects_measurements_and_refuses_unknown_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.parse_args(["--only", "serve, linear"]).only == {"serve", "linear"}
    assert bench.parse_args([]).only == set(bench.PARTS)
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "serve,sever"])
    assert "unknown part sever; choose from check, hash, builds" in capsys.readouterr().err


def test_both_previews_are_timed_on_the_same_edit_and_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve_module, "SETTLE", 0.3)
    program = generate(tmp_path / "program", Spec(documents=12, evidence=20, seed=3, anchor=ANCHOR), workers=1)
    script = Path(sys.executable).with_name("trustbinder")
    command = [str(script)] if script.is_file() else [sys.executable, "-c", "from trustbinder.cli import main; main()"]
    runner = Bench(tmp_path / "work", 1, Tools(command, serve=True), ANCHOR, timeout=120)
    baselines = runner.baselines(program, "program", [SERVE_AUDIENCE])
    policies = {p: p.read_bytes() for p in (program.root / "content").rglob("*.md")}

    runner.serve(program, baselines, edits=1)

    report = json.loads(runner.report.to_json())
    rows = {row["key"]: row for row in report["results"]}
    base, ours = rows["serve.baseline"], rows["serve.internal"]
    assert base["ok"] and ours["ok"], (base["error"], ours["error"])
    assert ours["baseline"] == "serve.baseline" and ours["target_max_ratio"] == 1.0
    assert ours["ratio"] == pytest.approx(ours["seconds"] / base["seconds"], rel=0.01)
    assert ours["details"]["edited"].startswith("content/policies/")
    assert base["details"]["edited"] == "docs/" + ours["details"]["edited"].removeprefix("content/")
    assert len(ours["details"]["edits_seconds"]) == 1
    assert "trustbinder serve --audience internal: edit shown" in runner.report.to_table()
    assert {p: p.read_bytes() for p in policies} == policies
    assert not list((tmp_path / "work" / "serve").glob("*"))
