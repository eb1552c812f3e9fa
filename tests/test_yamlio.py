"""The strict YAML reader: aliases, duplicate keys, coercions, dates, size."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from trustbinder.model.yamlio import InvalidDate, YamlProblem, parse_yaml


def test_keeps_line_numbers_and_the_raw_text_of_coerced_scalars() -> None:
    data = parse_yaml("title: Access\nversion: 1.10\nenabled: no\n", first_line=2)
    assert data.line_of("version") == 3
    assert data["version"] == 1.1
    assert data.raw == {"version": "1.10", "enabled": "no"}


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml("id: A\ntitle: x\nid: B\n", first_line=2)
    assert caught.value.line == 4
    assert "duplicate key 'id' (first set on line 2)" in caught.value.message


def test_alias_bomb_is_refused_fast_with_bounded_memory() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(8)]
    bomb = "\n".join(levels) + "\n"
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "aliases" in caught.value.message and caught.value.line == 2
    assert elapsed < 1.0
    assert peak < 5_000_000


def test_impossible_date_is_kept_for_validation_not_raised() -> None:
    data = parse_yaml("effective: 2026-02-30\n")
    assert isinstance(data["effective"], InvalidDate)


def test_tab_indentation_is_a_syntax_error_with_line() -> None:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml("a:\n\t- b\n", first_line=5)
    assert caught.value.line == 6


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(YamlProblem, match="over the limit"):
        parse_yaml("a: " + "x" * 200, max_bytes=100)
