"""Write a whole synthetic program, and the plain mkdocs-material projects it is measured against."""

from __future__ import annotations

import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from benchkit.documents import write_documents
from benchkit.evidence import EvidenceSummary, write_evidence
from benchkit.plan import AUDIENCES, RANK, Plan, Spec, make_plan
from benchkit.registers import COMPANY, SITE_URL, write_audit, write_controls, write_mkdocs, write_trust

DEFAULT_EXTENSIONS: list[object] = ["admonition", "attr_list", "tables", {"toc": {"permalink": True}}]


@dataclass
class Generated:
    root: Path
    plan: Plan
    evidence: EvidenceSummary
    seconds: float
    documents_by_audience: dict[str, int] = field(default_factory=dict)

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def summary(self) -> dict[str, object]:
        return {
            "documents": len(self.plan.documents),
            "documents_by_audience": self.documents_by_audience,
            "folders": len({d.src_uri.rsplit("/", 1)[0] for d in self.plan.documents}),
            "controls": len(self.plan.controls),
            "evidence": self.evidence.count,
            "evidence_bytes": self.evidence.bytes,
            "evidence_by_kind": self.evidence.by_kind,
            "seed": self.plan.spec.seed,
            "anchor": self.plan.spec.anchor.isoformat(),
            "period": [self.plan.period.start.isoformat(), self.plan.period.end.isoformat()],
            "generated_in_seconds": round(self.seconds, 2),
        }


def generate(root: Path, spec: Spec, workers: int | None = None) -> Generated:
    """Write the program into `root` (created; must not hold a program already); evidence in `workers` processes."""
    started = time.perf_counter()
    plan = make_plan(spec)
    content = root / "content"
    content.mkdir(parents=True)
    # Separate streams: the documents do not change when only the evidence count does.
    write_documents(plan, content, random.Random(f"{spec.seed}-documents"))
    write_controls(plan, content / "controls.yml", random.Random(f"{spec.seed}-controls"))
    evidence = write_evidence(plan, root / "evidence", workers)
    write_audit(plan, content / "audit.yml", evidence.by_control, random.Random(f"{spec.seed}-audit"))
    write_trust(plan, content / "trust.yml", random.Random(f"{spec.seed}-trust"))
    write_mkdocs(root)
    counts = {a: sum(1 for d in plan.documents if d.audience == a) for a in AUDIENCES}
    return Generated(root, plan, evidence, time.perf_counter() - started, counts)


def markdown_extensions(config_file: Path) -> list[object]:
    """The program's Markdown extensions, so the baseline converts the pages exactly as the program does."""
    try:
        data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return DEFAULT_EXTENSIONS
    extensions = data.get("markdown_extensions") if isinstance(data, dict) else None
    return list(extensions) if isinstance(extensions, list) else DEFAULT_EXTENSIONS


def write_baseline(program: Generated, audience: str, destination: Path) -> Path:
    """A plain mkdocs-material project holding the Markdown files `audience` may see, in the same folders."""
    docs = destination / "docs"
    docs.mkdir(parents=True)
    source = program.root / "content"
    shutil.copy2(source / "index.md", docs / "index.md")
    for doc in program.plan.documents:
        if RANK[doc.audience] <= RANK[audience]:
            target = docs / doc.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / doc.src_uri, target)
    config = {
        "site_name": f"{COMPANY} baseline ({audience})",
        "site_url": SITE_URL,
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": {"name": "material", "font": False, "features": ["navigation.prune"]},
        "plugins": ["search"],
        "markdown_extensions": markdown_extensions(program.config_file),
    }
    config_file = destination / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file
