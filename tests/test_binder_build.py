"""Integration: the auditor binder built from tests/fixtures/binder, read back as HTML, CSV and XLSX."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, Builder, copy_program, edit
from mkdocs.exceptions import Abort, PluginError
from test_binder_helpers import build_day, build_quietly, page_file, read_page, resolve, url_of

from trustbinder.builder import build_one
from trustbinder.cli import main
from trustbinder.model import load_program

PLANTED_GAPS = {
    ("criterion-without-control", "soc2:A1.3"),
    ("control-without-document", "LOG-01"),
    ("control-without-evidence", "VUL-01"),
    ("evidence-outside-period", "EV-0006"),
    ("control-not-implemented", "BC-01"),
}


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_program("binder", tmp_path_factory.mktemp("binder"))


@pytest.fixture(scope="module")
def site(program: Path) -> Path:
    return build_quietly(program, "auditor")


def test_every_evidence_item_is_indexed_with_the_sha256_of_its_bytes(program: Path, site: Path) -> None:
    model = load_program(program)
    groups = {p: read_page(p) for p in (site / "binder" / "evidence").glob("*/index.html")}
    for item in model.evidence.values():
        source = (program / item.artifact).read_bytes()
        holder = [p for p, page in groups.items() if item.id in page.ids]
        assert len(holder) == 1, f"{item.id} should be on exactly one evidence page"
        html = holder[0].read_text()
        row = html[
            html.index(f'<tbody id="{item.id}">') : html.index("</tbody>", html.index(f'<tbody id="{item.id}">'))
        ]
        assert f'<code class="tb-sha">{hashlib.sha256(source).hexdigest()}</code>' in row
        artifact_links = [h for h, scope in groups[holder[0]].links if scope == item.id and "/files/" in h]
        assert artifact_links, f"{item.id} has no link to its artifact"
        target, _ = resolve(site, holder[0], artifact_links[0])
        assert target.read_bytes() == source
    index = list(csv.reader(io.StringIO((site / "binder/evidence/evidence-index.csv").read_text("utf-8-sig"))))
    by_id = {row[0]: row for row in index[1:]}
    assert set(by_id) == set(model.evidence)
    for item in model.evidence.values():
        assert by_id[item.id][11] == hashlib.sha256((program / item.artifact).read_bytes()).hexdigest()


def test_artifacts_show_as_their_kind_and_markdown_is_never_rendered(site: Path) -> None:
    access = (site / "binder/evidence/access/index.html").read_text()
    assert '<img src="../files/access/mfa-dashboard.png"' in access
    assert "First 3 of 3 row(s)" in access  # the Q1 review CSV: header, then three rows
    assert "&#34;policies&#34;: [" in access or "&quot;policies&quot;: [" in access  # JSON, pretty-printed
    logs = (site / "binder/evidence/logs/index.html").read_text()
    assert 'href="../files/logs/2025-pentest.pdf">Open the PDF</a>' in logs
    assert (site / "binder/evidence/files/logs/runbook-notes.md.txt").is_file()
    assert not (site / "binder/evidence/files/logs/runbook-notes").exists()
    assert not list((site / "binder/evidence/files").rglob("*.html"))


def _links_from(site: Path, page: Path, scope: str | None = None) -> set[Path]:
    """Pages (and anchors) a page links to, optionally only from inside the element with id `scope`."""
    found: set[Path] = set()
    for href, where in read_page(page).links:
        if href.startswith(("http:", "https:", "mailto:")) or (scope and where != scope):
            continue
        target, _ = resolve(site, page, href)
        found.add(target)
    return found


def test_every_internal_link_of_the_binder_resolves(site: Path) -> None:
    parsed = {page: read_page(page) for page in site.rglob("*.html")}
    pages = [*(site / "binder").rglob("*.html"), *(site / "policies").rglob("*.html")]
    broken = []
    for page in pages:
        for href, _ in parsed[page].links:
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            target, fragment = resolve(site, page, href)
            if not target.is_file() or (fragment and target.suffix == ".html" and fragment not in parsed[target].ids):
                broken.append(f"{url_of(site, page)} -> {href}")
    assert broken == []


def test_links_between_criteria_controls_documents_and_evidence_go_both_ways(program: Path, site: Path) -> None:
    model = load_program(program)
    control_page = {c: site / f"binder/controls/{c}/index.html" for c in model.controls}
    for control in model.controls.values():
        page = control_page[control.id]
        out = _links_from(site, page)
        for framework, criterion in model.graph.criteria_for_control(control.id):
            criterion_page = site / f"binder/criteria/{framework}/{criterion}/index.html"
            if not criterion_page.exists():
                assert framework != "soc2" or not criterion.startswith(("A1", "C1")), criterion
                continue  # out of scope: named on the control page, but has no page
            assert criterion_page in out, f"{control.id} -> {criterion}"
            assert page in _links_from(site, criterion_page), f"{criterion} -> {control.id}"
        for document_id in model.graph.documents_for_control(control.id):
            document = model.document(document_id)
            assert document is not None
            document_page = page_file(site, document.src_uri[: -len(".md")] + "/")
            assert document_page in out, f"{control.id} -> {document_id}"
            assert page in _links_from(site, document_page), f"{document_id} -> {control.id}"
        for evidence_id in model.graph.evidence_for_control(control.id):
            holder = next(p for p in (site / "binder/evidence").glob("*/index.html") if evidence_id in read_page(p).ids)
            assert holder in out, f"{control.id} -> {evidence_id}"
            assert page in _links_from(site, holder, scope=evidence_id), f"{evidence_id} -> {control.id}"


def test_each_planted_gap_is_in_the_gap_report_and_in_check(program: Path, site: Path) -> None:
    gaps = (site / "binder/gaps/index.html").read_text()
    for kind, subject in PLANTED_GAPS:
        section = gaps[gaps.index(f'<h2 id="{kind}">') :]
        section = section[: section.index("<h2", 5)] if "<h2" in section[5:] else section
        assert f">{subject}</a>" in section, (kind, subject)
    with build_day():
        result = CliRunner().invoke(main, ["check", "-f", str(program / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if ": warning: gap: " in line]
    assert len(lines) == len(PLANTED_GAPS)
    expected = {
        "content/audit.yml:4: warning: gap: SOC 2 A1.3 (Testing recovery plans) is in scope but no control maps to it",
        "content/controls.yml:34: warning: gap: control LOG-01 is not implemented by any document (no document lists it in 'controls')",
        "content/controls.yml:43: warning: gap: control VUL-01 is implemented but has no evidence",
        "evidence/logs/2025-pentest.pdf.meta.yml:1: warning: gap: evidence EV-0006 was collected on 2025-06-30, outside the observation period 2026-01-01 to 2026-09-30",
        "content/controls.yml:26: warning: gap: control BC-01 is not implemented yet (status: planned)",
    }
    assert set(lines) == expected


def test_the_quarterly_control_missing_q2_is_flagged_for_q2_only(program: Path, site: Path) -> None:
    with build_day():
        result = CliRunner().invoke(main, ["check", "-f", str(program / "mkdocs.yml")])
    freshness = [line for line in result.output.splitlines() if "interval(s) of the observation period" in line]
    assert freshness == [
        "content/controls.yml:15: warning: control AC-02 (quarterly): no evidence for 1 of 3 interval(s) of the "
        "observation period 2026-01-01 to 2026-09-30: 2026-Q2"
    ]
    control = (site / "binder/controls/AC-02/index.html").read_text()
    assert (
        '<th scope="row">2026-Q2</th><td>2026-04-01</td><td>2026-06-30</td><td>0</td><td><span class="tb-status tb-status-missing">missing</span>'
        in control
    )
    assert (
        '<th scope="row">2026-Q1</th><td>2026-01-01</td><td>2026-03-31</td><td>1</td><td><span class="tb-status tb-status-covered">covered</span>'
        in control
    )
    heatmap = (site / "binder/freshness/index.html").read_text()
    svg = heatmap[
        heatmap.index('<svg class="tb-heatmap"') : heatmap.index("</svg>", heatmap.index('<svg class="tb-heatmap"'))
    ]
    assert "<script" not in svg and "href" not in svg
    for month, state in [
        ("2026-03", "covered"),
        ("2026-04", "missing"),
        ("2026-06", "missing"),
        ("2026-07", "covered"),
    ]:
        assert f"<title>AC-02 {month}: {state}</title>" in heatmap


def test_user_text_is_escaped_everywhere_it_is_shown(site: Path) -> None:
    control = (site / "binder/controls/AC-01/index.html").read_text()
    assert "&lt;script&gt;alert(" in control and "<script>alert(" not in control
    evidence = (site / "binder/evidence/access/index.html").read_text()
    assert "&lt;b&gt;bold&lt;/b&gt;" in evidence and "<b>bold</b>" not in evidence
    for page in (site / "binder").rglob("*.html"):
        assert "<script>alert(" not in page.read_text(), page


def test_overview_states_scope_period_auditor_build_and_counts(site: Path) -> None:
    overview = (site / "binder/index.html").read_text()
    for fact in (
        "Binder Fixture, Inc.",
        "Fixture Platform",
        "Availability, Confidentiality",
        "Type II",
        "2026-01-01 to 2026-09-30",
        "Example &amp; Sons CPA",
        "not a git checkout",
        "2026-11-26 00:00 UTC",
        "<strong>3</strong> of 5 criteria in scope covered",
        "<strong>4</strong> of 5 controls implemented",
        "<strong>7</strong> evidence items",
        "<strong>2</strong> of 4 requests open, 2 overdue",
        "<strong>5</strong> gaps",
    ):
        assert fact in overview, fact
    assert '<svg class="tb-chart"' in overview
    assert "System Overview" in overview  # the system description's narrative


def test_criterion_pages_show_a_clear_not_covered_state(site: Path) -> None:
    uncovered = (site / "binder/criteria/soc2/A1.3/index.html").read_text()
    assert '<p class="admonition-title">Not covered</p>' in uncovered
    covered = (site / "binder/criteria/soc2/C1.2/index.html").read_text()
    assert "Not covered" not in covered and "AC-02" in covered and "Access Review Procedure" in covered
    planned_only = (site / "binder/criteria/soc2/A1.2/index.html").read_text()
    assert "Not operating yet" in planned_only


def test_request_list_counts_overdue_and_exports(site: Path) -> None:
    requests = (site / "binder/requests/index.html").read_text()
    assert "R-002</a>: due 2026-11-01, 25 day(s) late, open" in requests
    assert "R-003</a>: due 2026-10-01, 56 day(s) late, flagged" in requests
    assert "R-001</a>: due" not in requests and "R-004</a>: due" not in requests
    rows = list(csv.reader(io.StringIO((site / "binder/requests.csv").read_text("utf-8-sig"))))
    assert rows[0] == ["Request", "Text", "Status", "Due", "Overdue days", "Controls", "Evidence"]
    assert rows[3][1] == '\'=HYPERLINK("https://attacker.example","click me")'
    assert rows[1][6] == "EV-0002, EV-0003"
    sheet = openpyxl.load_workbook(site / "binder/requests.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[3][1] == '=HYPERLINK("https://attacker.example","click me")'
    assert sheet.cell(row=4, column=2).data_type == "s"


def test_coverage_downloads_hold_the_rows_of_the_html_matrix(site: Path) -> None:
    page = read_page(site / "binder/coverage/soc2/index.html")
    workbook = openpyxl.load_workbook(site / "binder/coverage/soc2-coverage.xlsx")
    for name in ("soc2-criteria-controls", "soc2-controls-documents", "soc2-controls-evidence"):
        html_rows = page.tables[name]
        text = (site / f"binder/coverage/{name}.csv").read_text("utf-8-sig")
        csv_rows = list(csv.reader(io.StringIO(text)))
        # CSV marks cells a spreadsheet would run as formulas with a leading apostrophe; the HTML shows them as written.
        assert [[c[1:] if c.startswith("'=") else c for c in row] for row in csv_rows] == html_rows
        sheet = workbook[name]
        xlsx_rows = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
        assert xlsx_rows == html_rows
    documents = page.tables["soc2-controls-documents"]
    assert ["VUL-01", "=2+3 monthly vulnerability review", "implemented", "1", "POL-AC"] in documents
    csv_text = (site / "binder/coverage/soc2-controls-documents.csv").read_bytes().decode("utf-8-sig")
    assert "\r\nVUL-01,'=2+3 monthly vulnerability review," in csv_text
    with zipfile.ZipFile(site / "binder/coverage/soc2-coverage.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


def test_no_binder_page_or_artifact_reaches_the_public_or_internal_site(program: Path, tmp_path: Path) -> None:
    copy = copy_program("binder", tmp_path)
    model = load_program(copy)
    artifact_names = [Path(e.artifact).name for e in model.evidence.values()]
    for audience in ("public", "internal"):
        built = build_quietly(copy, audience)
        assert not (built / "binder").exists()
        for path in built.rglob("*"):
            assert not any(name in path.name for name in artifact_names), path
            if path.suffix in (".html", ".json", ".xml", ".css", ".csv"):
                text = path.read_text(encoding="utf-8", errors="replace")
                for canary in ("tb-binder", "Audit binder", "Gap report", "binder.css", "EV-000", "SHA-256"):
                    assert canary not in text, (audience, path, canary)


@pytest.fixture(scope="module")
def configured_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture with a hand-written nav and a search limit below its evidence count."""
    copy = copy_program("binder", tmp_path_factory.mktemp("configured"))
    edit(copy / "mkdocs.yml", "plugins:", "nav:\n  - Welcome: index.md\n  - policies/access.md\nplugins:")
    edit(copy / "mkdocs.yml", "  - trustbinder/binder", "  - trustbinder/binder:\n      search_evidence_limit: 3")
    return build_quietly(copy, "auditor")


def search_locations(site: Path) -> set[str]:
    index = json.loads((site / "search" / "search_index.json").read_text())
    return {doc["location"].split("#")[0] for doc in index["docs"]}


def test_a_hand_written_nav_gets_an_audit_binder_section(configured_site: Path) -> None:
    home = (configured_site / "index.html").read_text()
    assert "Audit binder" in home and 'href="binder/gaps/"' in home


def test_evidence_pages_leave_the_search_index_above_the_limit(site: Path, configured_site: Path) -> None:
    assert {"binder/evidence/access/", "binder/controls/AC-01/"} <= search_locations(site)
    limited = search_locations(configured_site)
    assert "binder/controls/AC-01/" in limited and "binder/evidence/access/" not in limited


def test_a_program_file_in_the_binder_folder_stops_the_build(tmp_path: Path) -> None:
    copy = copy_program("binder", tmp_path)
    (copy / "content" / "binder").mkdir()
    shutil.copy(FIXTURES / "binder" / "content" / "index.md", copy / "content" / "binder" / "notes.md")
    edit(copy / "content" / "binder" / "notes.md", "audience: public", "audience: auditor")
    with build_day(), pytest.raises((PluginError, Abort)):
        build_one(str(copy / "mkdocs.yml"), "auditor", str(copy / "site" / "auditor"))


def test_a_document_in_the_binder_lists_its_controls_once(tmp_path: Path, build_site: Builder) -> None:
    program = copy_program("binder", tmp_path)
    edit(program / "mkdocs.yml", "  - trustbinder/binder\n", "  - trustbinder/handbook\n  - trustbinder/binder\n")
    page = (build_site(program, "auditor") / "policies" / "access" / "index.html").read_text()
    assert page.count('class="tb-binder-links"') == 1  # the binder's box, linking each control's page
    assert 'id="tb-controls"' not in page  # the handbook's own list would repeat it
    assert "Revision history" in page  # the rest of the handbook record stays
