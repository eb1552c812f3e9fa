"""Load a whole program folder into one validated model."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from trustbinder.model.audience import Audience
from trustbinder.model.audit import Audit, parse_audit
from trustbinder.model.controls import Control, parse_controls
from trustbinder.model.documentcache import document_cache, document_stamp
from trustbinder.model.documents import Document, parse_document
from trustbinder.model.evidence import Evidence, scan_evidence
from trustbinder.model.findings import Findings
from trustbinder.model.frameworks import Criterion, Framework, load_frameworks
from trustbinder.model.graph import Graph
from trustbinder.model.memo import memoized
from trustbinder.model.parsecache import ParseCache
from trustbinder.model.safety import tree_problems
from trustbinder.model.sidecarcache import sidecar_cache
from trustbinder.model.trust import Trust, parse_trust
from trustbinder.model.yamlio import YamlProblem, parse_yaml

if TYPE_CHECKING:
    from trustbinder.model.views import AudienceView

DATA_FILES = ("controls.yml", "trust.yml", "audit.yml")


@dataclass
class Program:
    root: Path
    docs_dir: Path
    evidence_dir: Path
    frameworks: dict[str, Framework] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    controls: dict[str, Control] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    audit: Audit = field(default_factory=Audit)
    trust: Trust = field(default_factory=Trust)
    findings: Findings = field(default_factory=Findings)
    graph: Graph = field(default_factory=Graph)
    by_src_uri: dict[str, Document] = field(default_factory=dict)
    # False when loaded for sites that never show evidence (public, internal): sidecars were not read, so
    # nothing may be concluded from `evidence` being empty.
    evidence_loaded: bool = True
    views: dict[Audience, AudienceView] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.findings.errors

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def document_at(self, src_uri: str) -> Document | None:
        return self.by_src_uri.get(src_uri)

    def documents_for(self, reader: Audience) -> list[Document]:
        return [d for d in self.documents if reader.can_see(d.audience)]

    def criteria_in_scope(self) -> list[Criterion]:
        """Criteria of every framework in audit.yml's scope, in catalog order."""
        out: list[Criterion] = []
        for key, categories in self.audit.scope.items():
            if key in self.frameworks:
                out.extend(self.frameworks[key].in_categories(categories))
        return out


def _read_document(markdown: Path, src_uri: str, path: str, findings: Findings) -> Document | None:
    try:
        text = markdown.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        findings.error(path, 1, "file is not UTF-8 text")
        return None
    return parse_document(src_uri, path, text, findings)


def _read_document_through_disk(
    disk: ParseCache[Document], stamp: list[int], markdown: Path, src_uri: str, path: str, findings: Findings
) -> Document | None:
    hit = disk.get(src_uri, stamp)
    if hit is not None:
        findings.items.extend(hit[1])
        return hit[0]
    local = Findings()
    document = _read_document(markdown, src_uri, path, local)
    disk.put(src_uri, stamp, document, local.items)
    findings.extend(local)
    return document


def _read_data_file(path: Path, root: Path, findings: Findings) -> object:
    if not path.is_file():
        return None
    rel = path.relative_to(root).as_posix()
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except YamlProblem as problem:
        findings.error(rel, problem.line, problem.message)
    except UnicodeDecodeError:
        findings.error(rel, 1, "file is not UTF-8 text")
    return None


def load_program(
    root: Path, docs_dir: str = "content", evidence_dir: str = "evidence", *, with_evidence: bool = True
) -> Program:
    """Read and validate everything; problems are in `program.findings`, never raised.

    Without `with_evidence` the evidence sidecars are not read (the tree is still checked for unsafe links):
    enough for the public and internal sites, which show no evidence, at a fraction of the cost."""
    root = root.resolve()
    program = Program(root=root, docs_dir=(root / docs_dir).resolve(), evidence_dir=(root / evidence_dir).resolve())
    program.evidence_loaded = with_evidence
    findings = program.findings
    content = program.docs_dir
    if not content.is_dir():
        findings.error(docs_dir, None, f"the docs folder '{docs_dir}' does not exist under {root}")
        return program

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix()

    tree = tree_problems(root, [content, program.evidence_dir] if with_evidence else [content])
    if tree.errors:
        findings.extend(tree)  # nothing is read from a tree that could lead outside the program
        return program
    program.frameworks = load_frameworks(content / "frameworks", root, findings)
    disk = document_cache(root)
    for markdown in sorted(content.rglob("*.md")):
        src_uri = markdown.relative_to(content).as_posix()
        if any(part.startswith(".") for part in src_uri.split("/")) or src_uri.startswith("templates/"):
            continue
        stamp = document_stamp(str(markdown))
        read = partial(_read_document_through_disk, disk, stamp, markdown, src_uri, rel(markdown))
        document = memoized(str(markdown), tuple(stamp), findings, read)
        if document:
            program.documents.append(document)
            program.by_src_uri[src_uri] = document
    disk.save()

    controls_file = content / "controls.yml"
    for control in parse_controls(_read_data_file(controls_file, root, findings), rel(controls_file), findings):
        if control.id in program.controls:
            first = program.controls[control.id]
            findings.error(
                control.path,
                control.line,
                f"duplicate control ID '{control.id}' (first on line {first.line})",
                "id",
            )
        else:
            program.controls[control.id] = control
    for item in _read_evidence(program) if with_evidence else []:
        if item.id in program.evidence:
            first_item = program.evidence[item.id]
            findings.error(
                item.sidecar,
                item.sidecar_line,
                f"duplicate evidence ID '{item.id}' (also {first_item.sidecar})",
                "id",
            )
        else:
            program.evidence[item.id] = item
    program.audit = parse_audit(
        _read_data_file(content / "audit.yml", root, findings), rel(content / "audit.yml"), findings
    )
    program.trust = parse_trust(
        _read_data_file(content / "trust.yml", root, findings), rel(content / "trust.yml"), findings
    )

    _check_references(program)
    program.graph = Graph.build(program.frameworks, program.documents, program.controls, program.evidence)
    return program


def _read_evidence(program: Program) -> list[Evidence]:
    sidecars = sidecar_cache(program.root)
    scanned = scan_evidence(program.evidence_dir, program.root, program.findings, sidecars)
    sidecars.save()
    return scanned


def _unknown(kind: str, value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown {kind} '{value}'{hint} ({len(known)} defined)"


def _check_references(program: Program) -> None:
    findings = program.findings
    control_ids = sorted(program.controls)
    known_frameworks = ", ".join(sorted(program.frameworks))
    evidence_ids = sorted(program.evidence)

    seen: dict[str, Document] = {}
    for document in program.documents:
        if document.id is None:
            continue
        if document.id in seen:
            findings.error(
                document.path,
                2,
                f"duplicate document ID '{document.id}' (also {seen[document.id].path})",
                "id",
            )
        seen[document.id] = document
        for control_id in document.controls:
            if control_id not in program.controls:
                findings.error(
                    document.path,
                    document.control_lines[control_id],
                    "key 'controls': " + _unknown("control", control_id, control_ids),
                    "controls",
                )

    for control in program.controls.values():
        for framework_key, criteria in control.criteria.items():
            line = control.line
            framework = program.frameworks.get(framework_key)
            if framework is None:
                findings.error(
                    control.path,
                    line,
                    f"control {control.id}: key 'criteria': unknown framework '{framework_key}'; "
                    f"allowed: {known_frameworks}",
                    "criteria",
                )
                continue
            for criterion in criteria:
                if criterion not in framework.criteria:
                    where = control.criteria_lines.get((framework_key, criterion), line)
                    findings.error(
                        control.path,
                        where,
                        f"control {control.id}: key 'criteria.{framework_key}': "
                        + _unknown(f"{framework.short_name} criterion", criterion, list(framework.criteria)),
                        "criteria",
                    )

    for item in program.evidence.values():
        for control_id in item.controls:
            if control_id not in program.controls:
                findings.error(
                    item.sidecar,
                    item.control_lines[control_id],
                    "key 'controls': " + _unknown("control", control_id, control_ids),
                    "controls",
                )

    audit = program.audit
    for framework_key, categories in audit.scope.items():
        framework = program.frameworks.get(framework_key)
        line = audit.scope_lines[framework_key]
        if framework is None:
            findings.error(
                audit.path,
                line,
                f"key 'frameworks': unknown framework '{framework_key}'; allowed: {known_frameworks}",
                "frameworks",
            )
            continue
        for category in categories or []:
            if category not in framework.categories:
                findings.error(
                    audit.path,
                    line,
                    f"key 'frameworks.{framework_key}': unknown category '{category}'; "
                    f"allowed: {', '.join(framework.categories)}, or 'all'",
                    "frameworks",
                )
    request_ids: set[str] = set()
    for request in audit.requests:
        if request.id in request_ids:
            findings.error(audit.path, request.line, f"duplicate request ID '{request.id}'", "id")
        request_ids.add(request.id)
        for control_id, line in request.controls:
            if control_id not in program.controls:
                findings.error(
                    audit.path,
                    line,
                    f"request {request.id}: key 'controls': " + _unknown("control", control_id, control_ids),
                    "controls",
                )
        for evidence_id, line in request.evidence if program.evidence_loaded else []:
            if evidence_id not in program.evidence:
                findings.error(
                    audit.path,
                    line,
                    f"request {request.id}: key 'evidence': " + _unknown("evidence", evidence_id, evidence_ids),
                    "evidence",
                )


# A program the caller already loaded and validated, handed to builds in this process and in processes
# forked from it, so one `trustbinder build` parses the program once rather than once per audience.
_remembered: dict[tuple[Path, Path, Path], Program] = {}


def remember(program: Program) -> None:
    _remembered[(program.root, program.docs_dir, program.evidence_dir)] = program


def forget() -> None:
    _remembered.clear()


def recall(root: Path, docs_dir: str, evidence_dir: str) -> Program | None:
    root = root.resolve()
    return _remembered.get((root, (root / docs_dir).resolve(), (root / evidence_dir).resolve()))
