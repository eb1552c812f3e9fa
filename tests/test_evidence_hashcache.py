"""The hash cache: a rebuild with unchanged evidence reads no artifact bytes; any change is read again."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from trustbinder.cli import main
from trustbinder.commands.common import hashing_progress
from trustbinder.model import hashcache
from trustbinder.model.hashcache import HashCache
from trustbinder.model.lock import verify

DAY_AGO_NS = (time.time() - 86_400) * 1e9


def age(path: Path) -> None:
    """Date a file a day back, as a file that has been in the tree for a while would be."""
    os.utime(path, ns=(int(DAY_AGO_NS), int(DAY_AGO_NS)))


def settle() -> None:
    """Let the files' change time fall outside the cache's "written this very moment" window."""
    time.sleep(hashcache.RACY_WINDOW_NS / 1e9 + 0.05)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every file the hashing code opens, by name."""
    opened: list[str] = []
    real = hashcache.sha256_file

    def counting(path: Path, size_hint: int = 0) -> str:
        opened.append(path.name)
        return real(path, size_hint)

    monkeypatch.setattr(hashcache, "sha256_file", counting)
    yield opened


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "program"
    for index in range(12):
        path = root / "evidence" / f"folder{index % 3}" / f"file{index}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(1000 * (index + 1)))
        age(path)
    settle()
    return root


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "evidence").rglob("*") if p.is_file())


def test_digests_are_sha256_of_the_bytes(tree: Path) -> None:
    digests = HashCache(tree).digests(files(tree))
    assert sorted(digests) == files(tree)
    for rel, digest in digests.items():
        assert digest.sha256 == hashlib.sha256((tree / rel).read_bytes()).hexdigest()
        assert digest.size == (tree / rel).stat().st_size


def test_warm_run_reads_no_file(tree: Path, reads: list[str]) -> None:
    first = HashCache(tree)
    cold = first.digests(files(tree))
    first.save()
    assert len(reads) == 12
    reads.clear()
    second = HashCache(tree)  # a new process would start like this: from the file on disk
    warm = second.digests(files(tree))
    assert reads == []
    assert warm == cold
    assert second.stats.cached_files == 12 and second.stats.hashed_files == 0


def test_changed_file_is_read_again(tree: Path, reads: list[str]) -> None:
    cache = HashCache(tree)
    cache.digests(files(tree))
    cache.save()
    target = tree / "evidence" / "folder1" / "file4.bin"
    data = bytearray(target.read_bytes())
    data[0] ^= 0xFF  # same size
    target.write_bytes(bytes(data))
    settle()
    reads.clear()
    digests = HashCache(tree).digests(files(tree))
    assert reads == ["file4.bin"]
    assert digests["evidence/folder1/file4.bin"].sha256 == hashlib.sha256(bytes(data)).hexdigest()


def test_a_file_whose_mtime_was_put_back_is_still_read_again(tree: Path, reads: list[str]) -> None:
    """Resetting the modification time after an edit does not fool the cache: the change time moved."""
    cache = HashCache(tree)
    cache.digests(files(tree))
    cache.save()
    target = tree / "evidence" / "folder0" / "file0.bin"
    stat = target.stat()
    target.write_bytes(b"\0" * stat.st_size)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    settle()
    reads.clear()
    HashCache(tree).digests(files(tree))
    assert reads == ["file0.bin"]


def test_a_file_written_just_now_is_not_remembered(tree: Path, reads: list[str]) -> None:
    """Its time could be shared with a second write in the same clock tick, so it is read next time too."""
    fresh = tree / "evidence" / "fresh.bin"
    fresh.write_bytes(b"new")
    # Pin "just now" regardless of how long a loaded machine takes to get to the hashing below.
    soon = time.time_ns() + 1_000_000_000
    os.utime(fresh, ns=(soon, soon))
    cache = HashCache(tree)
    cache.digests(files(tree))
    cache.save()
    reads.clear()
    HashCache(tree).digests(files(tree))
    assert reads == ["fresh.bin"]


def test_rehash_ignores_the_cache(tree: Path, reads: list[str]) -> None:
    cache = HashCache(tree)
    cache.digests(files(tree))
    cache.save()
    reads.clear()
    HashCache(tree, use_cache=False).digests(files(tree))
    assert len(reads) == 12


def test_cache_keeps_itself_out_of_git_and_survives_corruption(tree: Path, reads: list[str]) -> None:
    cache = HashCache(tree)
    cache.digests(files(tree))
    cache.save()
    folder = tree / ".trustbinder-cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert json.loads((folder / "hashes.json").read_text())["version"] == 1
    (folder / "hashes.json").write_text("{not json")
    reads.clear()
    assert HashCache(tree).digests(files(tree))  # still answers, from the files
    assert len(reads) == 12


def test_a_read_only_program_still_hashes(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(hashcache, "ensure_cache_dir", refuse)
    cache = HashCache(tree)
    assert len(cache.digests(files(tree))) == 12
    cache.save()  # no exception: a cache that cannot be written only costs speed
    assert not (tree / ".trustbinder-cache").exists()


def test_warm_check_of_a_locked_program_reads_no_artifact(mini: Path, reads: list[str]) -> None:
    for path in (mini / "evidence").rglob("*"):
        if path.is_file():
            age(path)
    settle()
    runner = CliRunner()
    assert runner.invoke(main, ["evidence", "lock", "-f", str(mini / "mkdocs.yml")]).exit_code == 0
    assert reads  # the lock had to read them once
    reads.clear()
    result = runner.invoke(main, ["check", "-f", str(mini / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert reads == []
    (mini / "evidence" / "access" / "2026-q2-review.csv").write_text("tampered\n")
    verification = verify(mini, mini / "evidence", HashCache(mini))
    assert reads == ["2026-q2-review.csv"]
    assert "evidence changed" in verification.findings.items[0].message


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with hashing_progress() as progress:
        assert progress is not None
        HashCache(tree).digests(files(tree), progress)
    assert "Hashing evidence" in terminal.getvalue() and "100%" in terminal.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with hashing_progress() as progress:
        assert progress is None  # CI logs and pipes stay quiet
