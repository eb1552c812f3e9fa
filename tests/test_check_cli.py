"""`trustbinder check`: every defect class is reported as path:line with the key and allowed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import edit

from trustbinder.cli import main

SECURITY = "content/policies/security.md"
CONTROLS = "content/controls.yml"
SIDECAR = "evidence/access/2026-q2-review.csv.meta.yml"


def run_check(program: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "-f", str(program / "mkdocs.yml"), *args])
    return result.exit_code, result.output


def test_clean_program_exits_zero(mini: Path) -> None:
    code, output = run_check(mini)
    assert code == 0, output
    assert "the program is valid" in output


DEFECTS = [
    pytest.param(
        SECURITY,
        "controls: [AC-01]",
        "controls: [AC-1]",
        "content/policies/security.md:11: error: key 'controls': unknown control 'AC-1'; did you mean AC-01",
        id="unknown-control",
    ),
    pytest.param(
        CONTROLS,
        "soc2: [CC6.1, CC6.6]",
        "soc2: [CC6.1, CC6.9]",
        "content/controls.yml:13: error: control AC-01: key 'criteria.soc2': unknown SOC 2 criterion 'CC6.9'",
        id="unknown-criterion",
    ),
    pytest.param(
        CONTROLS,
        "  - id: BC-01",
        "  - id: AC-02",
        "content/controls.yml:26: error: duplicate control ID 'AC-02' (first on line 15)",
        id="duplicate-control-id",
    ),
    pytest.param(
        "content/procedures/review.md",
        "id: PRC-REVIEW",
        "id: POL-AC",
        "content/procedures/review.md:2: error: duplicate document ID 'POL-AC' (also content/policies/access.md)",
        id="duplicate-document-id",
    ),
    pytest.param(
        SECURITY,
        "owner: Head of Security\n",
        "",
        "content/policies/security.md:2: error: missing required key 'owner'",
        id="missing-required-key",
    ),
    pytest.param(
        SECURITY,
        "effective: 2026-02-01",
        "effective: 2026-02-30",
        "content/policies/security.md:7: error: key 'effective': '2026-02-30' is not a valid date; write YYYY-MM-DD",
        id="bad-date",
    ),
    pytest.param(
        SECURITY,
        "audience: public",
        "audience: everyone",
        "content/policies/security.md:4: error: key 'audience': 'everyone' is not allowed; allowed values: "
        "public, internal, auditor",
        id="bad-audience",
    ),
    pytest.param(
        CONTROLS,
        "frequency: quarterly",
        "frequency: fortnightly",
        "content/controls.yml:20: error: key 'controls[1].frequency': 'fortnightly' is not allowed; allowed "
        "values: continuous, daily, weekly, monthly, quarterly, semiannual, annual, per-event",
        id="bad-enum",
    ),
    pytest.param(
        SECURITY,
        "title: Security Policy",
        "title: Security Policy\ntitle: Another",
        "content/policies/security.md:4: error: front matter: duplicate key 'title' (first set on line 3)",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        SECURITY,
        'version: "1.10"',
        "version: 1.10",
        "content/policies/security.md:6: error: key 'version': YAML read `1.10` as a number (1.1), but this "
        'key takes text; quote it: version: "1.10"',
        id="coerced-version",
    ),
    pytest.param(
        SECURITY,
        "owner: Head of Security",
        "owner: no",
        "content/policies/security.md:5: error: key 'owner': YAML read `no` as a boolean (False)",
        id="coerced-no",
    ),
    pytest.param(
        SECURITY,
        "controls: [AC-01]",
        "controls: &c [AC-01]\nextra: *c",
        "content/policies/security.md:12: error: front matter: YAML aliases (*c) are not allowed",
        id="alias",
    ),
    pytest.param(
        "content/narratives/system.md",
        "id: NAR-SYSTEM\ntitle: System Overview\ntype: narrative\naudience: auditor",
        "- NAR-SYSTEM\n- System Overview",
        "content/narratives/system.md:2: error: front matter must be a mapping of keys to values, found a list",
        id="front-matter-not-mapping",
    ),
    pytest.param(
        SIDECAR,
        "collected: 2026-07-02",
        "collected: yesterday",
        "evidence/access/2026-q2-review.csv.meta.yml:4: error: key 'collected': 'yesterday' is not a valid date",
        id="sidecar-bad-date",
    ),
    pytest.param(
        "content/audit.yml",
        "status: provided",
        "status: done",
        "content/audit.yml:11: error: key 'requests[0].status': 'done' is not allowed; allowed values: open, "
        "provided, accepted, flagged",
        id="request-status",
    ),
    pytest.param(
        "content/audit.yml",
        "evidence: [EV-0001]",
        "evidence: [EV-0009]",
        "content/audit.yml:12: error: request R-001: key 'evidence': unknown evidence 'EV-0009'",
        id="request-unknown-evidence",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), DEFECTS)
def test_defect_is_reported_with_path_line_and_exit_1(mini: Path, file: str, old: str, new: str, expected: str) -> None:
    edit(mini / file, old, new)
    code, output = run_check(mini)
    assert code == 1, output
    assert expected in output, output


def test_evidence_without_sidecar_and_sidecar_without_file(mini: Path) -> None:
    (mini / "evidence" / "access" / "orphan.pdf").write_bytes(b"%PDF-1.4\n")
    (mini / "evidence" / "lonely.json.meta.yml").write_text("id: EV-0002\n")
    code, output = run_check(mini)
    assert code == 1
    assert (
        "evidence/access/orphan.pdf: error: evidence file has no sidecar: create "
        "evidence/access/orphan.pdf.meta.yml" in output
    )
    assert (
        "evidence/lonely.json.meta.yml:1: error: sidecar describes evidence/lonely.json, which does not exist" in output
    )


def test_all_errors_are_reported_in_one_pass(mini: Path) -> None:
    edit(mini / SECURITY, "effective: 2026-02-01", "effective: 2026-13-01")
    edit(mini / CONTROLS, "status: in-progress", "status: underway")
    edit(mini / SIDECAR, "controls: [AC-02]", "controls: [ZZ-99]")
    code, output = run_check(mini, "--format", "json")
    assert code == 1
    report = json.loads(output)
    assert report["errors"] == 3
    assert {(f["path"], f["line"], f["key"]) for f in report["findings"] if f["level"] == "error"} == {
        (SECURITY, 7, "effective"),
        (CONTROLS, 32, "controls[2].status"),
        (SIDECAR, 3, "controls"),
    }


def test_alias_bomb_in_controls_fails_fast(mini: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (mini / CONTROLS).write_text(bomb + "controls: []\n")
    code, output = run_check(mini)
    assert code == 1
    assert "content/controls.yml:2: error: YAML aliases (*a) are not allowed" in output


def test_public_link_to_internal_page_fails_check(mini: Path) -> None:
    edit(mini / "content" / "index.md", "Read our", "See the [access policy](policies/access.md). Read our")
    code, output = run_check(mini)
    assert code == 1
    assert (
        "content/index.md:7: error: links to content/policies/access.md (audience: internal), "
        "which the public site excludes" in output
    )


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 2
    assert "no such file" in result.output
