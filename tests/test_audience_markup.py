"""Restricted blocks and HTML comments are cut out of the Markdown before rendering."""

from __future__ import annotations

from trustbinder.model.audience import Audience, restricted_block_problems, strip_for_audience

PAGE = """Intro
<!-- audience: internal -->
staff-only line
<!-- audience: auditor -->
auditor-only line
<!-- /audience -->
<!-- /audience -->
Outro <!-- a note
over two lines -->
End
"""


def test_public_sees_neither_block_nor_comment_and_lines_stay_aligned() -> None:
    text = strip_for_audience(PAGE, Audience.PUBLIC)
    assert "staff-only" not in text and "auditor-only" not in text and "a note" not in text
    assert text.count("\n") == PAGE.count("\n")
    assert text.splitlines()[9] == "End"


def test_internal_sees_its_block_but_not_the_nested_auditor_block() -> None:
    text = strip_for_audience(PAGE, Audience.INTERNAL)
    assert "staff-only line" in text and "auditor-only" not in text


def test_auditor_sees_everything_but_comments() -> None:
    text = strip_for_audience(PAGE, Audience.AUDITOR)
    assert "auditor-only line" in text and "a note" not in text


def test_malformed_markup_is_reported_with_lines() -> None:
    problems = restricted_block_problems("a\n<!-- audience: staff -->\nb\n<!-- audience: internal -->\n<!-- open", 10)
    messages = {(p.line, p.message.split(";")[0]) for p in problems}
    assert (11, "restricted block names audience 'staff'") in messages
    assert any(p.line == 13 and "never closed" in p.message for p in problems)
    assert any(p.line == 14 and "HTML comment" in p.message for p in problems)


def test_unclosed_block_fails_closed() -> None:
    text = strip_for_audience("keep\n<!-- audience: internal -->\nsecret\n", Audience.PUBLIC)
    assert "secret" not in text and "keep" in text
