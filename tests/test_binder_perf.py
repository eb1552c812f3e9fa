"""The binder's fast paths show what the slow ones showed: bounded previews, search reading plain stand-ins,
previews remembered between builds."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import copy_program, edit
from test_binder_helpers import build_quietly

from trustbinder.binder.previews import MAX_LINES, preview


def _pretty_lines(value: object) -> list[str]:
    return json.dumps(value, indent=2, ensure_ascii=False).split("\n")


def test_a_large_json_preview_shows_its_first_lines_and_says_how_many_there_are(tmp_path: Path) -> None:
    value = {"evidence": "EV-1", "records": [{"id": n, "note": f'"quoted", [{n}]', "tags": []} for n in range(3000)]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    shown = preview(path, "json", 5, 1 << 20)
    lines = _pretty_lines(value)
    assert shown.kind == "code"
    assert shown.text == "\n".join(lines[:MAX_LINES])
    assert shown.note == f"first {MAX_LINES} of {len(lines)} lines"


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "x\\\\", "b": ["\\"", ",", "[]", "{}"], "c": [ ], "d": {}, "e": [[1], {"f": null}]}',
        "[" + ", ".join(f'{{"k": "{n}\\\\\\"", "v": [{n}, [], {{}}]}}' for n in range(60)) + "]",
        '  {\n  "spaced" :  [ 1 ,\n 2 ] , "empty" : { } ,"deep": [[[[["x"]]]]]'
        + "".join(f', "n{n}": {n}' for n in range(50))
        + "}",
    ],
)
def test_the_line_count_of_a_cut_json_preview_is_that_of_the_pretty_printed_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tricky.json"
    path.write_text(text, encoding="utf-8")
    lines = _pretty_lines(json.loads(text))
    shown = preview(path, "json", 5, 1 << 20)
    assert shown.text == "\n".join(lines[:MAX_LINES])
    assert shown.note == (f"first {MAX_LINES} of {len(lines)} lines" if len(lines) > MAX_LINES else "")


def test_a_short_json_preview_is_whole_and_invalid_json_is_shown_as_written(tmp_path: Path) -> None:
    short = tmp_path / "short.json"
    short.write_text('{"a": [1, 2]}', encoding="utf-8")
    assert preview(short, "json", 5, 1 << 20).text == '{\n  "a": [\n    1,\n    2\n  ]\n}'
    assert preview(short, "json", 5, 1 << 20).note == ""
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": [1, 2\n' * 50, encoding="utf-8")
    shown = preview(broken, "json", 5, 1 << 20)
    assert shown.text.startswith('{"a": [1, 2\n{"a"')
    assert shown.note == f"not valid JSON; shown as written; first {MAX_LINES} of 50 lines"


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,2\n3,4\n",
        b"a,b\r\n1,2\r\n3,4",
        b"a,b\n1,2\n\n3,4\n",
        b'a,b\n"line one\nline two",2\n3,"x, y"\n',
        b"a,b\r1,2\r3,4\r",
        b"\xef\xbb\xbfa,b\n" + b"".join(b"%d,x\n" % n for n in range(5000)),
    ],
)
def test_csv_row_counts_agree_with_the_csv_module(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(data)
    text = data.decode("utf-8-sig")
    expected = list(csv.reader(io.StringIO(text, newline="")))
    shown = preview(path, "csv", 2, 1 << 20)
    assert shown.kind == "table" and not shown.approximate
    assert shown.header == expected[0]
    assert shown.rows == expected[1:3]
    assert shown.total_rows == len(expected) - 1


def _users() -> dict[str, object]:
    return {"users": [{"user": f"user{n}", "groups": ["admins", "ops"]} for n in range(500)]}


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The binder fixture with a large JSON export and a search limit above its evidence count."""
    copy = copy_program("binder", tmp_path_factory.mktemp("perf"))
    folder = copy / "evidence" / "access"
    (folder / "all-users.json").write_text(json.dumps(_users()), encoding="utf-8")
    (folder / "all-users.json.meta.yml").write_text(
        "id: EV-0100\ntitle: All users <i>export</i>\ncontrols: [AC-01]\ncollected: 2026-09-01\n"
        "source: Identity provider API\nowner: Head of IT\n",
        encoding="utf-8",
    )
    return copy


@pytest.fixture(scope="module")
def site(program: Path) -> Path:
    return build_quietly(program, "auditor")


def _search(site: Path) -> dict[str, str]:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return {doc["location"]: doc["title"] + " " + doc["text"] for doc in docs}


def test_pages_show_previews_while_search_reads_ids_titles_and_digests(site: Path) -> None:
    access = (site / "binder/evidence/access/index.html").read_text(encoding="utf-8")
    assert "First 3 of 3 row(s)" in access  # a CSV preview
    assert "&#34;user0&#34;" in access  # the start of the large JSON, pretty-printed
    assert f"first {MAX_LINES} of {len(_pretty_lines(_users()))} lines" in access
    assert "All users &lt;i&gt;export&lt;/i&gt;" in access
    for page in site.rglob("*.html"):
        assert "tb-slot" not in page.read_text(encoding="utf-8"), page
    search = _search(site)
    control = search["binder/controls/AC-01/#evidence"]
    for words in ("EV-0100", "All users &lt;i&gt;export&lt;/i&gt;", "EV-0001", "2026-09-30"):
        assert words in control, words
    evidence = search["binder/evidence/access/"]
    assert "EV-0100" in evidence and "Identity provider API" in evidence
    assert "user0" not in evidence and "calc" not in evidence  # preview contents are not indexed


def test_evidence_pages_above_the_search_limit_are_still_complete(program: Path, tmp_path: Path) -> None:
    copy = tmp_path / "limited"
    shutil.copytree(program, copy, ignore=shutil.ignore_patterns("site"))
    edit(copy / "mkdocs.yml", "  - trustbinder/binder", "  - trustbinder/binder:\n      search_evidence_limit: 3")
    limited = build_quietly(copy, "auditor")
    access = (limited / "binder/evidence/access/index.html").read_text(encoding="utf-8")
    assert "First 3 of 3 row(s)" in access and "&#34;user0&#34;" in access and "tb-slot" not in access
    assert not any(location.startswith("binder/evidence/access/") for location in _search(limited))


def test_a_rebuild_is_identical_and_a_changed_artifact_gets_a_new_preview(program: Path, tmp_path: Path) -> None:
    copy = tmp_path / "rebuilt"
    shutil.copytree(program, copy, ignore=shutil.ignore_patterns("site", ".trustbinder-cache"))
    built = build_quietly(copy, "auditor")
    first = {p.relative_to(built): p.read_bytes() for p in built.rglob("*") if p.suffix in (".html", ".json")}
    cache = copy / ".trustbinder-cache" / "binder-previews.json"
    assert cache.is_file()
    again = build_quietly(copy, "auditor")  # previews now come from the cache
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.suffix in (".html", ".json")}
    assert second == first
    edit(copy / "evidence/access/2026-q1-review.csv", "bo,engineering,remove", "dee,finance,remove")
    cache.write_text("{not json", encoding="utf-8")  # a damaged cache is ignored, never fatal
    changed = build_quietly(copy, "auditor")
    access = (changed / "binder/evidence/access/index.html").read_text(encoding="utf-8")
    assert "<td>dee</td><td>finance</td>" in access and "<td>bo</td>" not in access
    assert "&#34;user0&#34;" in access
