"""`trustbinder serve` watches the evidence folder by change notification, and still notices every change."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from trustbinder.commands.serve import EvidenceWatch, server_for


class Recorder:
    """Stands for an observer or for MkDocs' rebuild trigger: remembers what it was given."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.scheduled: list[str] = []
        self.events: list[str] = []
        self.seen = threading.Event()
        self.emitters: set[Any] = set()

    def schedule(self, handler: Any, path: str, *, recursive: bool = False) -> str:
        if self.fail:
            raise OSError(28, "inotify watch limit reached")
        self.scheduled.append(path)
        return path

    def start(self) -> None:
        pass

    def dispatch(self, event: Any) -> None:
        self.events.append(f"{event.event_type} {Path(event.src_path).name}")
        self.seen.set()


def test_only_the_evidence_folder_is_left_to_notifications(tmp_path: Path) -> None:
    polling, notified = Recorder(), Recorder()
    watch = EvidenceWatch(polling, tmp_path / "evidence", notifier=lambda: notified)
    for folder in ("content", "evidence", "mkdocs.yml"):
        watch.schedule(Recorder(), str(tmp_path / folder), recursive=True)
    assert notified.scheduled == [str(tmp_path / "evidence")]
    assert polling.scheduled == [str(tmp_path / "content"), str(tmp_path / "mkdocs.yml")]


def test_evidence_is_polled_where_notifications_cannot_be_set_up(tmp_path: Path) -> None:
    polling = Recorder()
    watch = EvidenceWatch(polling, tmp_path / "evidence", notifier=lambda: Recorder(fail=True))
    watch.schedule(Recorder(), str(tmp_path / "evidence"), recursive=True)
    assert polling.scheduled == [str(tmp_path / "evidence")]


@pytest.mark.skipif(sys.platform != "linux", reason="the notification backend differs by platform")
def test_a_changed_sidecar_triggers_a_rebuild_and_reading_evidence_does_not(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence" / "2026"
    evidence.mkdir(parents=True)
    artifact = evidence / "export.csv"
    artifact.write_text("user,role\n", encoding="utf-8")
    server = server_for(tmp_path / "evidence")(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    trigger = Recorder()
    try:
        server.observer.schedule(trigger, str(tmp_path / "evidence"), recursive=True)
        artifact.read_bytes()  # what a build copying evidence into the site does
        assert not trigger.seen.wait(0.5), trigger.events
        (evidence / "export.csv.meta.yml").write_text("id: EV-1\n", encoding="utf-8")
        assert trigger.seen.wait(5)
        assert any(name == "export.csv.meta.yml" for name in (e.split(" ", 1)[1] for e in trigger.events))
    finally:
        server.observer.stop()
        server.observer.join(5)
        server.server_close()
