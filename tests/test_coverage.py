"""Coverage matrices, gap detection and the CSV/XLSX/JSON writers, and `trustbinder coverage`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import copy_program, edit

from trustbinder.binder.layout import Layout
from trustbinder.cli import main
from trustbinder.model import Audience, load_program
from trustbinder.model.coverage import matrices
from trustbinder.model.exports import Table, neutralise, to_csv, to_json, to_xlsx
from trustbinder.model.gaps import find_gaps
from trustbinder.model.scope import Visible

WHEN = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)


@pytest.fixture
def fixture_program(tmp_path: Path) -> Path:
    return copy_program("binder", tmp_path)


def visible(program: Path) -> Visible:
    return Visible.for_reader(load_program(program), Audience.AUDITOR)


def test_matrices_list_every_criterion_in_scope_and_every_mapped_control(fixture_program: Path) -> None:
    criteria, documents, evidence = matrices(visible(fixture_program), "soc2")
    assert [row[0] for row in criteria.rows] == ["A1.1", "A1.2", "A1.3", "C1.1", "C1.2"]
    assert [row[3] for row in criteria.rows] == ["covered", "not operating", "not covered", "covered", "covered"]
    assert criteria.rows[0][5] == ["LOG-01", "VUL-01"]
    assert [row[0] for row in documents.rows] == ["AC-01", "AC-02", "BC-01", "LOG-01", "VUL-01"]
    assert documents.rows[1][4] == ["POL-AC", "PRC-REVIEW"]
    assert evidence.rows[1][3:] == [2, "2026-10-03", ["EV-0002", "EV-0003"]]


def test_planted_gaps_are_found_and_nothing_else(fixture_program: Path) -> None:
    gaps = {(g.kind, g.subject) for g in find_gaps(visible(fixture_program))}
    assert gaps == {
        ("criterion-without-control", "soc2:A1.3"),
        ("control-without-document", "LOG-01"),
        ("control-without-evidence", "VUL-01"),
        ("evidence-outside-period", "EV-0006"),
        ("control-not-implemented", "BC-01"),
    }


def test_fixing_a_gap_removes_it(fixture_program: Path) -> None:
    # A not-applicable control covers nothing: A1.2 would lose its only control unless another maps to it.
    edit(fixture_program / "content" / "controls.yml", "status: planned", "status: not-applicable")
    edit(
        fixture_program / "content" / "controls.yml",
        "soc2: [A1.1]\n  - id: VUL-01",
        "soc2: [A1.1, A1.2, A1.3]\n  - id: VUL-01",
    )
    edit(
        fixture_program / "evidence" / "logs" / "2025-pentest.pdf.meta.yml",
        "collected: 2025-06-30",
        "collected: 2026-01-10\nperiod: {start: 2025-07-01, end: 2026-01-01}",
    )
    kinds = {g.kind for g in find_gaps(visible(fixture_program))}
    assert kinds == {"control-without-document", "control-without-evidence"}


def test_a_reader_never_counts_what_it_may_not_see(fixture_program: Path) -> None:
    program = load_program(fixture_program)
    internal = Visible.for_reader(program, Audience.INTERNAL)
    assert "PRC-REVIEW" not in internal.documents and internal.evidence == {}
    _, documents, _ = matrices(internal, "soc2")
    assert documents.rows[1][4] == ["POL-AC"]
    public = Visible.for_reader(program, Audience.PUBLIC)
    assert public.controls == {} and public.evidence == {}


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(value: str) -> None:
    table = Table("t", "T", ["A", "B"], [[value, 7], ["plain", ["x", "=y"]]])
    rows = list(csv.reader(io.StringIO(to_csv(table).lstrip("\ufeff"), newline="")))
    assert rows == [["A", "B"], ["'" + value, "7"], ["plain", "x, =y"]]
    assert neutralise("a=b") == "a=b"


def test_xlsx_opens_with_openpyxl_keeps_formulas_as_text_and_is_reproducible() -> None:
    table = Table("soc2 criteria: [x]/y", "T", ["A", "B"], [['=HYPERLINK("http://x")', 3], ["bad\x01char", ["a", "b"]]])
    data = to_xlsx([table], WHEN)
    time.sleep(1.1)  # the workbook's own "modified" stamp must not follow the clock
    assert data == to_xlsx([table], WHEN)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "soc2 criteria- -x--y"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["A", "B"],
        ['=HYPERLINK("http://x")', 3],
        ["bad\ufffdchar", "a, b"],
    ]
    assert sheet["A2"].data_type == "s"


def test_json_rows_are_keyed_by_column() -> None:
    table = Table("t", "T", ["Control", "Evidence"], [["AC-01", ["EV-1", "EV-2"]]])
    document = json.loads(to_json([table], framework="soc2"))
    assert document["framework"] == "soc2"
    assert document["tables"][0]["rows"] == [{"Control": "AC-01", "Evidence": ["EV-1", "EV-2"]}]


def test_a_large_folder_of_evidence_is_split_into_pages(fixture_program: Path) -> None:
    layout = Layout.plan("binder", visible(fixture_program), 2)
    assert [(g.title, len(g.items), g.src_uri) for g in layout.groups] == [
        ("access (1 of 2)", 2, "binder/evidence/access.md"),
        ("access (2 of 2)", 2, "binder/evidence/access-2.md"),
        ("logs (1 of 2)", 2, "binder/evidence/logs.md"),
        ("logs (2 of 2)", 1, "binder/evidence/logs-2.md"),
    ]
    assert layout.artifacts["EV-0007"] == "binder/evidence/files/logs/runbook-notes.md.txt"


def invoke(program: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["coverage", "-f", str(program / "mkdocs.yml"), *args])
    return result.exit_code, result.stdout, result.stderr


def test_coverage_prints_the_three_matrices_in_the_terminal(fixture_program: Path) -> None:
    code, out, _ = invoke(fixture_program)
    assert code == 0
    assert "SOC 2: criteria and the controls mapped to them" in out
    assert "SOC 2: controls and their evidence" in out
    line = next(line for line in out.splitlines() if line.startswith("A1.1 "))
    assert " Availability " in line and " covered " in line and line.endswith("LOG-01, VUL-01")


def test_coverage_writes_csv_json_and_xlsx_files(fixture_program: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    code, _, err = invoke(fixture_program, "--format", "csv", "--matrix", "controls-documents", "-o", str(out))
    assert code == 0 and "Wrote 1 table(s), 5 row(s)" in err
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[5] == ["VUL-01", "'=2+3 monthly vulnerability review", "implemented", "1", "POL-AC"]
    code, out_json, _ = invoke(fixture_program, "--format", "json", "--framework", "soc2")
    assert code == 0
    assert [t["name"] for t in json.loads(out_json)["tables"]] == [
        "soc2-criteria-controls",
        "soc2-controls-documents",
        "soc2-controls-evidence",
    ]
    workbook = tmp_path / "m.xlsx"
    code, _, _ = invoke(fixture_program, "--format", "xlsx", "-o", str(workbook))
    assert code == 0
    assert openpyxl.load_workbook(workbook).sheetnames == [
        "soc2-criteria-controls",
        "soc2-controls-documents",
        "soc2-controls-evidence",
    ]


def test_coverage_refuses_what_it_cannot_do_with_a_clear_message(fixture_program: Path) -> None:
    code, _, err = invoke(fixture_program, "--framework", "iso27001")
    assert code == 2 and "'iso27001' is not a framework in scope; in scope: soc2" in err
    code, _, err = invoke(fixture_program, "--format", "xlsx")
    assert code == 2 and "give --output FILE" in err
    edit(
        fixture_program / "content" / "audit.yml", "soc2: [availability, confidentiality]", "soc2: all\n  iso27001: all"
    )
    code, _, err = invoke(fixture_program, "--format", "csv")
    assert code == 2 and "a CSV file holds one table: choose --framework (soc2, iso27001)" in err
