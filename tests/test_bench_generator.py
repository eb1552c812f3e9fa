"""The benchmark's program generator writes a program `trustbinder check` accepts, and does so repeatably.

The generator lives in scripts/benchkit (a tool, not part of the package). If the content model grows a rule
the generated programs break, this test says so before a slow benchmark run does.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from trustbinder.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from benchkit.evidence import pdf_bytes, png_bytes
from benchkit.generate import Generated, generate, write_baseline
from benchkit.plan import Spec

ANCHOR = dt.date(2026, 11, 26)
EPOCH = str(int(dt.datetime(2026, 11, 26, 12, tzinfo=dt.timezone.utc).timestamp()))


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("bench") / "program"
    return generate(root, Spec(documents=12, evidence=20, seed=3, anchor=ANCHOR), workers=1)


def test_generated_program_passes_check(program: Generated) -> None:
    args = ["check", "-f", str(program.config_file), "--format", "json"]
    result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": EPOCH})
    report = json.loads(result.output)
    assert result.exit_code == 0, report["findings"]
    # Only the missing evidence.lock may be warned about: a gap or a lapsed review means the generator drifted.
    assert [f for f in report["findings"] if not f["path"].startswith("evidence.lock")] == []


def test_generated_program_has_its_audiences_and_a_sidecar_per_artifact(program: Generated) -> None:
    assert program.documents_by_audience == {"public": 3, "internal": 5, "auditor": 4}
    artifacts = [p for p in (program.root / "evidence").rglob("*") if p.is_file() and not p.name.endswith(".meta.yml")]
    assert len(artifacts) == 20
    assert all(p.with_name(p.name + ".meta.yml").is_file() for p in artifacts)


def test_hand_written_pdf_and_png_are_valid(tmp_path: Path) -> None:
    path = tmp_path / "e.pdf"
    path.write_bytes(pdf_bytes(["Quarterly review (signed)", "Evidence EV-00042"]))
    assert "Evidence EV-00042" in PdfReader(path, strict=True).pages[0].extract_text()
    png = png_bytes(random.Random(1), 5000)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")


def test_same_seed_same_program_whatever_the_number_of_workers(tmp_path: Path) -> None:
    spec = Spec(documents=12, evidence=6, seed=9, anchor=ANCHOR)
    first = generate(tmp_path / "a", spec, workers=1)
    second = generate(tmp_path / "b", spec, workers=2)

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert files(first.root) == files(second.root)


def test_baseline_holds_only_what_the_audience_may_see(program: Generated, tmp_path: Path) -> None:
    config = write_baseline(program, "public", tmp_path / "baseline")
    docs = config.parent / "docs"
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    assert pages == sorted(["index.md", *(d.src_uri for d in program.plan.documents if d.audience == "public")])
    assert "trustbinder" not in config.read_text(encoding="utf-8")
