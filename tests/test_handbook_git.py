"""The last change of each document from git: shown on the page, one fast pass, nothing outside a repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import Builder, edit
from test_handbook_helpers import facts, handbook_program, page

from trustbinder.model.gitinfo import last_changes

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, when: str = "2026-01-05T09:30:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test Author",
        "GIT_AUTHOR_EMAIL": "author@example.test",
        "GIT_COMMITTER_NAME": "Test Committer",
        "GIT_COMMITTER_EMAIL": "committer@example.test",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    result = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True)
    return result.stdout.strip()


def commit_all(repo: Path, message: str, when: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def handbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return handbook_program(tmp_path, monkeypatch)


def test_each_document_shows_the_date_and_commit_of_its_last_change(handbook: Path, build_site: Builder) -> None:
    git(handbook, "init", "-q", "-b", "main")
    first = commit_all(handbook, "Import the program", "2026-01-05T09:30:00+00:00")
    edit(handbook / "content" / "policies" / "lapsed.md", "Laptops are encrypted", "All laptops are encrypted")
    second = commit_all(handbook, "Tighten the laptop rule", "2026-02-03T23:15:00-05:00")
    edit(handbook / "content" / "policies" / "soon.md", "Background checks", "Reference and background checks")
    # soon.md now has a change that is not committed: the page still reports its last commit.

    site = build_site(handbook, "internal")
    assert facts(page(site, "policies/current"))["Last change"] == f"2026-01-05, commit {first[:12]}"
    assert facts(page(site, "policies/soon"))["Last change"] == f"2026-01-05, commit {first[:12]}"
    # The date is the committer's own calendar day, as git recorded it.
    assert facts(page(site, "policies/lapsed"))["Last change"] == f"2026-02-03, commit {second[:12]}"
    assert f'<code title="{second}">{second[:12]}</code>' in page(site, "policies/lapsed")


def test_a_document_git_does_not_track_shows_no_git_line(handbook: Path, build_site: Builder) -> None:
    git(handbook, "init", "-q", "-b", "main")
    commit_all(handbook, "Import the program", "2026-01-05T09:30:00+00:00")
    new = handbook / "content" / "policies" / "draft.md"
    new.write_text((handbook / "content" / "policies" / "soon.md").read_text().replace("POL-SOON", "POL-DRAFT"))
    site = build_site(handbook, "internal")
    assert "Last change" not in facts(page(site, "policies/draft"))
    assert "Last change" in facts(page(site, "policies/soon"))


def test_outside_a_git_repository_nothing_is_shown(handbook: Path, build_site: Builder) -> None:
    assert last_changes(handbook / "content") == {}
    site = build_site(handbook, "internal")
    assert "Last change" not in facts(page(site, "policies/current"))


def test_the_git_option_turns_the_lookup_off(handbook: Path, build_site: Builder) -> None:
    git(handbook, "init", "-q", "-b", "main")
    commit_all(handbook, "Import the program", "2026-01-05T09:30:00+00:00")
    edit(handbook / "mkdocs.yml", "  - trustbinder/handbook\n", "  - trustbinder/handbook:\n      git: false\n")
    site = build_site(handbook, "internal")
    assert "Last change" not in facts(page(site, "policies/current"))


def test_a_shallow_clone_does_not_pass_off_its_cut_off_commit_as_a_change(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    (origin / "docs").mkdir(parents=True)
    (origin / "docs" / "old.md").write_text("old\n")
    git(origin, "init", "-q", "-b", "main")
    commit_all(origin, "old", "2025-01-01T00:00:00+00:00")
    (origin / "docs" / "new.md").write_text("new\n")
    newest = commit_all(origin, "new", "2026-01-01T00:00:00+00:00")
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{origin}", "two")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "one")
    assert set(last_changes(tmp_path / "two" / "docs")) == {"new.md"}  # old.md's true history is cut off
    assert last_changes(tmp_path / "two" / "docs")["new.md"].commit == newest
    assert last_changes(tmp_path / "one" / "docs") == {}


def test_a_thousand_files_take_one_quick_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "big"
    folder = repo / "content" / "policies"
    folder.mkdir(parents=True)
    for index in range(1000):
        (folder / f"policy-{index:04d}.md").write_text(f"# Policy {index}\n")
    git(repo, "init", "-q", "-b", "main")
    first = commit_all(repo, "a thousand policies", "2026-01-01T00:00:00+00:00")
    for index in range(0, 1000, 10):
        (folder / f"policy-{index:04d}.md").write_text(f"# Policy {index}, revised\n")
    second = commit_all(repo, "revise every tenth", "2026-03-01T00:00:00+00:00")
    for round_ in range(5):  # later history that touches none of them
        (repo / "README").write_text(f"round {round_}\n")
        commit_all(repo, f"unrelated {round_}", "2026-04-01T00:00:00+00:00")

    logs: list[list[str]] = []
    real_popen = subprocess.Popen

    def counting_popen(command: list[str], *args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        logs.append(command)
        return real_popen(command, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(subprocess, "Popen", counting_popen)
    wanted = [f"policies/policy-{index:04d}.md" for index in range(1000)]
    started = time.perf_counter()
    changes = last_changes(repo / "content", wanted)
    elapsed = time.perf_counter() - started

    assert [command[5] for command in logs] == ["rev-parse", "log"]  # one history walk for all the files
    assert len(changes) == 1000
    assert changes["policies/policy-0010.md"].commit == second
    assert changes["policies/policy-0011.md"].commit == first
    assert elapsed < 5, f"{elapsed:.2f} s for 1,000 files"
