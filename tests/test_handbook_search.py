"""The document header and record are shown in full but indexed for search as plain words."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Builder, copy_program


def test_header_and_record_are_html_on_the_page_and_words_in_search(tmp_path: Path, build_site: Builder) -> None:
    site = build_site(copy_program("handbook", tmp_path), "internal")
    page = (site / "policies" / "current" / "index.html").read_text(encoding="utf-8")
    assert '<aside class="tb-document-header"' in page and '<section class="tb-document-record"' in page
    assert "<p>" in page and "&lt;p&gt;" not in page
    assert "tb-slot" not in page
    entries = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    text = " ".join(e["text"] for e in entries if e["location"].startswith("policies/current/"))
    assert "Head of Security" in text and "AC-01" in text  # the owner and the controls stay findable
    assert "tb-document" not in text and "<dl" not in text
