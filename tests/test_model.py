"""The model without MkDocs: catalogs, loading, defaults, the graph, audience views."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, edit

from trustbinder.model import Audience, load_program
from trustbinder.model.findings import Findings
from trustbinder.model.frameworks import load_frameworks
from trustbinder.model.views import build_view, link_targets, resolve_target


def reference_ids(name: str) -> list[str]:
    lines = (FIXTURES / "reference" / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_model_package_does_not_import_mkdocs() -> None:
    for name in [m for m in sys.modules if m.startswith("trustbinder.model")]:
        module = sys.modules[name]
        source = Path(module.__file__ or "").read_text() if module.__file__ else ""
        assert "import mkdocs" not in source and "from mkdocs" not in source, name


def test_builtin_catalogs_hold_every_criterion_in_reference_order(tmp_path: Path) -> None:
    findings = Findings()
    frameworks = load_frameworks(None, tmp_path, findings)
    assert not findings.items
    assert list(frameworks["soc2"].criteria) == reference_ids("soc2-tsc-2017-ids.txt")
    assert list(frameworks["iso27001"].criteria) == reference_ids("iso27001-2022-annex-a-ids.txt")
    cc61 = frameworks["soc2"].criteria["CC6.1"]
    assert (cc61.series, cc61.category) == ("CC6", "security")
    assert frameworks["soc2"].criteria["C1.2"].category == "confidentiality"
    assert all(c.label and c.summary for f in frameworks.values() for c in f.criteria.values())
    assert frameworks["iso27001"].criteria["A.8.5"].category == "technological"


def test_extra_framework_loads_from_content_frameworks(mini: Path) -> None:
    (mini / "content" / "frameworks").mkdir()
    (mini / "content" / "frameworks" / "internal.yml").write_text(
        "key: acme-baseline\nname: Acme baseline\ncategories: [{key: core, label: Core}]\n"
        "series: [{key: B1, label: Basics, category: core}]\n"
        "criteria:\n  - {id: B1.1, series: B1, label: Inventory, summary: Keep a list of systems.}\n"
    )
    edit(
        mini / "content" / "controls.yml",
        "iso27001: [A.8.5]",
        "iso27001: [A.8.5]\n      acme-baseline: [B1.1]",
    )
    program = load_program(mini)
    assert program.ok, [str(f) for f in program.findings]
    assert program.graph.controls_for_criterion("acme-baseline", "B1.1") == ["AC-01"]


def test_mini_program_loads_clean_with_fail_closed_defaults(mini: Path) -> None:
    program = load_program(mini)
    assert program.ok, [str(f) for f in program.findings]
    narrative = program.document("NAR-SYSTEM")
    assert narrative is not None and narrative.audience is Audience.AUDITOR
    assert program.document("POL-SEC").version == "1.10"  # type: ignore[union-attr]
    assert program.evidence["EV-0001"].audience is Audience.AUDITOR
    home = program.document_at("index.md")
    assert home is not None and home.type == "page" and home.audience is Audience.PUBLIC


def test_page_without_front_matter_is_internal(mini: Path) -> None:
    (mini / "content" / "notes.md").write_text("# Notes\n\nNothing here.\n")
    program = load_program(mini)
    notes = program.document_at("notes.md")
    assert notes is not None and notes.audience is Audience.INTERNAL and notes.title == "Notes"


def test_graph_is_navigable_both_ways(mini: Path) -> None:
    graph = load_program(mini).graph
    assert graph.controls_for_criterion("soc2", "CC6.2") == ["AC-02"]
    assert graph.criteria_for_control("AC-01") == [
        ("soc2", "CC6.1"),
        ("soc2", "CC6.6"),
        ("iso27001", "A.8.5"),
    ]
    assert graph.documents_for_control("AC-02") == ["POL-AC", "PRC-REVIEW"]
    assert graph.controls_for_document("POL-AC") == ["AC-01", "AC-02"]
    assert graph.evidence_for_control("AC-02") == ["EV-0001"]
    assert graph.controls_for_evidence("EV-0001") == ["AC-02"]
    assert graph.documents_for_criterion("soc2", "CC6.1") == ["POL-AC", "POL-SEC"]
    assert graph.evidence_for_criterion("soc2", "CC6.3") == ["EV-0001"]
    assert ("soc2", "CC6.3") in graph.criteria_for_document("PRC-REVIEW")


def test_scope_selects_criteria_by_category(mini: Path) -> None:
    program = load_program(mini)
    ids = [c.id for c in program.criteria_in_scope()]
    assert len(ids) == 33 + 3
    assert "A1.2" in ids and "C1.1" not in ids


def test_public_view_strips_restricted_text_and_keeps_only_public_pages(mini: Path) -> None:
    program = load_program(mini)
    view = build_view(program, Audience.PUBLIC)
    assert set(view.markdown) == {"index.md", "policies/security.md"}
    assert "breakglass" not in view.markdown["policies/security.md"]
    assert "tighten this section" not in view.markdown["policies/security.md"]
    assert view.shows_asset("assets/logo.svg")
    assert not view.shows_asset("policies/img/network.png")
    assert not view.shows_asset("controls.yml")
    internal = build_view(program, Audience.INTERNAL)
    assert internal.shows_asset("policies/img/network.png")
    assert "breakglass" in internal.markdown["policies/security.md"]
    assert "Q-exports" not in internal.markdown["policies/access.md"]


def test_link_from_public_page_to_internal_page_is_an_error_naming_both_files(mini: Path) -> None:
    edit(
        mini / "content" / "policies" / "security.md",
        "We review",
        "See the [access policy](access.md). We review",
    )
    view = build_view(load_program(mini), Audience.PUBLIC)
    [finding] = view.findings.errors
    assert finding.path == "content/policies/security.md" and finding.line == 24
    assert "content/policies/access.md (audience: internal)" in finding.message


def test_link_parsing_and_resolution() -> None:
    text = "a [x](../b.md#top) and ![i](img/p.png)\n[ref]: <c.md>\n<img src='/assets/l.svg'>\n"
    assert link_targets(text) == [("../b.md#top", 1), ("img/p.png", 1), ("c.md", 2), ("/assets/l.svg", 3)]
    assert resolve_target("policies/a.md", "../b.md#top") == "b.md"
    assert resolve_target("policies/a.md", "https://x.example/a.md") is None
    assert resolve_target("policies/a.md", "#anchor") is None
    assert resolve_target("policies/a.md", "../../evidence/x.pdf") == "../evidence/x.pdf"
    assert resolve_target("policies/a.md", "/assets/l.svg") == "assets/l.svg"
    assert resolve_target("policies/a.md", "sub/") == "policies/sub/index.md"


def test_reload_reuses_unchanged_files_and_rereads_edited_ones(mini: Path) -> None:
    first = load_program(mini)
    again = load_program(mini)
    assert again.document("POL-AC") is first.document("POL-AC")  # unchanged: the same parsed object
    assert again.evidence["EV-0001"] is first.evidence["EV-0001"]
    policy = mini / "content" / "policies" / "access.md"
    edit(policy, "title: Access Policy", "title: Access Control Policy")
    os.utime(policy, ns=(policy.stat().st_atime_ns, policy.stat().st_mtime_ns + 1_000_000))
    edited = load_program(mini)
    assert edited.document("POL-AC").title == "Access Control Policy"  # type: ignore[union-attr]


def test_reload_replays_the_findings_of_unchanged_files(mini: Path) -> None:
    edit(mini / "content" / "policies" / "access.md", 'version: "2.0"', "version: 2.0")
    first = [str(f) for f in load_program(mini).findings]
    assert first and first == [str(f) for f in load_program(mini).findings]


def test_sidecars_are_parsed_once_across_runs(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trustbinder.model import evidence as evidence_module
    from trustbinder.model import memo

    sidecar = mini / "evidence" / "access" / "2026-q2-review.csv.meta.yml"
    edit(sidecar, "owner: Head of IT", "owner: no")  # a finding that must be replayed from the cache
    first = load_program(mini)
    memo.clear()  # as a new process would start

    def refuse(*args: object) -> None:
        raise AssertionError("an unchanged sidecar was parsed again")

    monkeypatch.setattr(evidence_module, "_parse_sidecar", refuse)
    again = load_program(mini)
    assert again.evidence["EV-0001"].title == first.evidence["EV-0001"].title
    assert [str(f) for f in again.findings] == [str(f) for f in first.findings]
    assert any("key 'owner'" in str(f) for f in again.findings)
    monkeypatch.undo()
    memo.clear()
    edit(sidecar, "title: Q2 access review export", "title: Q2 access review, signed off")
    os.utime(sidecar, ns=(sidecar.stat().st_atime_ns, sidecar.stat().st_mtime_ns + 1_000_000))
    assert load_program(mini).evidence["EV-0001"].title == "Q2 access review, signed off"
