"""Where each binder page, download and artifact goes inside the docs tree (as `src_uri`s)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from trustbinder.model.coverage import MATRICES
from trustbinder.model.scope import Visible

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# MkDocs renders files with these suffixes as pages; an artifact must be copied, never rendered.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
ROOT_GROUP = "(top level)"


def slug(value: str) -> str:
    cleaned = _UNSAFE.sub("-", value).strip("-.") or "item"
    return cleaned + "-" if cleaned.lower() == "index" else cleaned


class _Names:
    """Unique slugs within one folder: a second `A 1` and `A-1` become `A-1` and `A-1-2`."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, value: str) -> str:
        base = slug(value)
        name, counter = base, 2
        while name.lower() in self.taken:
            name = f"{base}-{counter}"
            counter += 1
        self.taken.add(name.lower())
        return name


@dataclass
class EvidenceGroup:
    folder: str  # top-level folder under evidence/, or ROOT_GROUP
    part: int
    parts: int
    src_uri: str
    items: list[str] = field(default_factory=list)  # evidence IDs

    @property
    def title(self) -> str:
        return self.folder if self.parts == 1 else f"{self.folder} ({self.part} of {self.parts})"


@dataclass
class Layout:
    folder: str
    overview: str = ""
    criteria_index: str = ""
    controls_index: str = ""
    evidence_index: str = ""
    evidence_csv: str = ""
    coverage_index: str = ""
    gaps: str = ""
    freshness: str = ""
    requests: str = ""
    requests_csv: str = ""
    requests_xlsx: str = ""
    stylesheet: str = ""
    frameworks: dict[str, str] = field(default_factory=dict)  # framework -> its criteria list page
    criteria: dict[tuple[str, str], str] = field(default_factory=dict)
    controls: dict[str, str] = field(default_factory=dict)
    coverage: dict[str, str] = field(default_factory=dict)  # framework -> coverage page
    coverage_csv: dict[str, str] = field(default_factory=dict)  # table name -> CSV download
    coverage_xlsx: dict[str, str] = field(default_factory=dict)
    coverage_json: dict[str, str] = field(default_factory=dict)
    groups: list[EvidenceGroup] = field(default_factory=list)
    evidence_page: dict[str, str] = field(default_factory=dict)  # evidence ID -> group page
    artifacts: dict[str, str] = field(default_factory=dict)  # evidence ID -> published artifact

    @classmethod
    def plan(cls, folder: str, visible: Visible, page_size: int) -> Layout:
        f = folder
        layout = cls(
            folder=f,
            overview=f"{f}/index.md",
            criteria_index=f"{f}/criteria/index.md",
            controls_index=f"{f}/controls/index.md",
            evidence_index=f"{f}/evidence/index.md",
            evidence_csv=f"{f}/evidence/evidence-index.csv",
            coverage_index=f"{f}/coverage/index.md",
            gaps=f"{f}/gaps.md",
            freshness=f"{f}/freshness.md",
            requests=f"{f}/requests.md",
            requests_csv=f"{f}/requests.csv",
            requests_xlsx=f"{f}/requests.xlsx",
            stylesheet=f"{f}/binder.css",
        )
        framework_names = _Names()
        for framework in visible.frameworks_in_scope():
            name = framework_names.claim(framework.key)
            layout.frameworks[framework.key] = f"{f}/criteria/{name}/index.md"
            layout.coverage[framework.key] = f"{f}/coverage/{name}.md"
            for matrix in MATRICES:
                layout.coverage_csv[f"{framework.key}-{matrix}"] = f"{f}/coverage/{name}-{matrix}.csv"
            layout.coverage_xlsx[framework.key] = f"{f}/coverage/{name}-coverage.xlsx"
            layout.coverage_json[framework.key] = f"{f}/coverage/{name}-coverage.json"
            criterion_names = _Names()
            for criterion in visible.criteria_in_scope(framework.key):
                page = criterion_names.claim(criterion.id)
                layout.criteria[(framework.key, criterion.id)] = f"{f}/criteria/{name}/{page}.md"
        control_names = _Names()
        control_names.claim("index")
        for control_id in visible.controls:
            layout.controls[control_id] = f"{f}/controls/{control_names.claim(control_id)}.md"
        layout._plan_evidence(visible, page_size)
        return layout

    def _plan_evidence(self, visible: Visible, page_size: int) -> None:
        evidence_dir = visible.program.evidence_dir.relative_to(visible.program.root).as_posix()
        by_folder: dict[str, list[tuple[str, str]]] = {}
        for item in visible.evidence.values():
            rel = PurePosixPath(item.artifact).relative_to(evidence_dir).as_posix()
            target = rel + ".txt" if rel.lower().endswith(MARKDOWN_SUFFIXES) else rel
            self.artifacts[item.id] = f"{self.folder}/evidence/files/{target}"
            folder = rel.split("/", 1)[0] if "/" in rel else ROOT_GROUP
            by_folder.setdefault(folder, []).append((rel, item.id))
        names = _Names()
        for reserved in ("index", "files", "evidence-index"):
            names.claim(reserved)
        for folder in sorted(by_folder):
            items = [evidence_id for _, evidence_id in sorted(by_folder[folder])]
            chunks = [items[i : i + page_size] for i in range(0, len(items), page_size)]
            base = names.claim("top-level" if folder == ROOT_GROUP else folder)
            for part, chunk in enumerate(chunks, start=1):
                name = base if part == 1 else names.claim(f"{base}-{part}")
                src_uri = f"{self.folder}/evidence/{name}.md"
                group = EvidenceGroup(folder, part, len(chunks), src_uri, chunk)
                self.groups.append(group)
                for evidence_id in chunk:
                    self.evidence_page[evidence_id] = src_uri

    def pages(self) -> list[str]:
        """Every generated Markdown page, in the order the navigation should show them."""
        out = [self.overview, self.criteria_index]
        for framework, index in self.frameworks.items():
            out.append(index)
            out.extend(uri for (key, _), uri in self.criteria.items() if key == framework)
        out.append(self.controls_index)
        out.extend(self.controls.values())
        out.append(self.evidence_index)
        out.extend(group.src_uri for group in self.groups)
        out.append(self.coverage_index)
        out.extend(self.coverage.values())
        out.extend([self.gaps, self.freshness, self.requests])
        return out
