"""The on-disk cache of parsed documents gives the same program as parsing, and never outlives an edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from trustbinder.model import Program, load_program, memo
from trustbinder.model.documentcache import CACHE_FILE
from trustbinder.model.hashcache import CACHE_DIR


def fresh_load(program: Path, **options: bool) -> Program:
    memo.clear()  # a new process has no in-memory memo: only the disk cache can help it
    return load_program(program, **options)


@pytest.fixture
def cached(starter: Path) -> Path:
    fresh_load(starter)
    assert (starter / CACHE_DIR / CACHE_FILE).is_file()
    return starter


def test_cached_documents_equal_parsed_ones(cached: Path) -> None:
    from_cache = fresh_load(cached)
    (cached / CACHE_DIR / CACHE_FILE).unlink()
    parsed = fresh_load(cached)
    assert from_cache.documents == parsed.documents
    assert [str(f) for f in from_cache.findings.items] == [str(f) for f in parsed.findings.items]


def test_an_edit_is_seen_even_with_the_same_size_and_mtime(cached: Path) -> None:
    policy = next((cached / "content" / "policies").glob("*.md"))
    src_uri = policy.relative_to(cached / "content").as_posix()
    before = os.stat(policy)
    text = policy.read_text(encoding="utf-8")
    title = fresh_load(cached).document_at(src_uri).title  # type: ignore[union-attr]
    renamed = "Z" + title[1:]
    edited = text.replace(title, renamed, 1)
    assert len(edited) == len(text) and renamed != title
    policy.write_text(edited, encoding="utf-8")
    os.utime(policy, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert fresh_load(cached).document_at(src_uri).title == renamed  # type: ignore[union-attr]


def test_findings_are_reported_again_from_the_cache(cached: Path) -> None:
    policy = next((cached / "content" / "policies").glob("*.md"))
    policy.write_text(policy.read_text(encoding="utf-8").replace("owner:", "owner_name:", 1), encoding="utf-8")
    first = [str(f) for f in fresh_load(cached).findings.items if policy.name in f.path]
    second = [str(f) for f in fresh_load(cached).findings.items if policy.name in f.path]
    assert first and first == second


def test_a_damaged_cache_is_ignored(cached: Path) -> None:
    (cached / CACHE_DIR / CACHE_FILE).write_text('{"version": 1, "entries": {"policies/x.md": [1, {}]', "utf-8")
    program = fresh_load(cached)
    assert program.ok and len(program.documents) > 20


def test_a_program_loaded_without_evidence_has_its_documents_and_no_evidence(starter: Path) -> None:
    program = fresh_load(starter, with_evidence=False)
    assert program.ok and not program.evidence_loaded
    assert program.documents and not program.evidence
    assert program.controls and program.graph.controls_for_criterion("soc2", "CC6.1")
