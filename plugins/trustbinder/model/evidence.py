"""Evidence artifacts under evidence/ and their `<file>.meta.yml` sidecars."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from trustbinder.model.audience import Audience
from trustbinder.model.findings import Findings
from trustbinder.model.memo import file_stamp, memoized
from trustbinder.model.schema import Fields

if TYPE_CHECKING:
    from trustbinder.model.parsecache import ParseCache

from trustbinder.model.yamlio import YamlMap, YamlProblem, parse_yaml

SIDECAR_SUFFIX = ".meta.yml"
MAX_ARTIFACT_BYTES = 512 * 1024 * 1024
# A zip container (zip, xlsx, docx, ...) whose members claim more than this many times its own size is
# treated as a decompression bomb: the binder would expand it when previewing or attaching.
MAX_ZIP_RATIO = 100
ZIP_CONTAINERS = frozenset({".zip", ".xlsx", ".xlsm", ".docx", ".pptx", ".odt", ".ods", ".odp", ".epub", ".jar"})


@dataclass
class Evidence:
    id: str
    title: str
    artifact: str
    sidecar: str
    sidecar_line: int
    collected: dt.date
    source: str
    audience: Audience
    size: int
    controls: list[str] = field(default_factory=list)
    control_lines: dict[str, int] = field(default_factory=dict)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    query: str | None = None
    owner: str | None = None

    @property
    def kind(self) -> str:
        return Path(self.artifact).suffix.lstrip(".").lower() or "file"


def _list_files(evidence_dir: Path, root: Path) -> list[str]:
    """Program-relative paths of every file under `evidence_dir`, sorted; dotfiles and dot-folders skipped.

    Plain strings and os.walk: at tens of thousands of artifacts, pathlib objects dominate the load time.
    """
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(evidence_dir):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        found.extend(f"{rel_dir}/{name}" for name in filenames if not name.startswith("."))
    found.sort()
    return found


def scan_evidence(
    evidence_dir: Path, root: Path, findings: Findings, disk: ParseCache[Evidence] | None = None
) -> list[Evidence]:
    """Pair every artifact with its sidecar; dotfiles are ignored, everything else must pair.

    Sidecars unchanged since the last run in this process, or since the last run that wrote `disk`, are not
    parsed again.
    """
    if not evidence_dir.is_dir():
        return []
    files = _list_files(evidence_dir, root)
    sidecars = {f for f in files if f.endswith(SIDECAR_SUFFIX)}
    items: list[Evidence] = []
    for rel in files:
        if rel in sidecars:
            continue
        sidecar = rel + SIDECAR_SUFFIX
        if sidecar not in sidecars:
            findings.error(
                rel,
                None,
                f"evidence file has no sidecar: create {sidecar} with id, title, controls, collected and source",
            )
            continue
        size = os.stat(os.path.join(root, rel)).st_size
        problem = artifact_size_problem(os.path.join(root, rel), size)
        if problem:
            findings.error(rel, None, problem)
            continue
        sidecar_path = os.path.join(root, sidecar)
        stamp = (*file_stamp(sidecar_path), size)
        parse = partial(_parse_through_disk, disk, list(stamp), rel, sidecar, root, size)
        item = memoized(sidecar_path, stamp, findings, parse)
        if item:
            items.append(item)
    listed = set(files)
    for sidecar in sorted(sidecars):
        artifact = sidecar[: -len(SIDECAR_SUFFIX)]
        if artifact not in listed:
            findings.error(sidecar, 1, f"sidecar describes {artifact}, which does not exist")
    return items


def _parse_through_disk(
    disk: ParseCache[Evidence] | None,
    stamp: list[int],
    rel: str,
    sidecar: str,
    root: Path,
    size: int,
    findings: Findings,
) -> Evidence | None:
    if disk is not None:
        hit = disk.get(sidecar, stamp)
        if hit is not None:
            findings.items.extend(hit[1])
            return hit[0]
    local = Findings()
    item = _parse_sidecar(rel, sidecar, root, size, local)
    if disk is not None:
        disk.put(sidecar, stamp, item, local.items)
    findings.extend(local)
    return item


def artifact_size_problem(artifact: str, size: int) -> str | None:
    """Refuse an artifact that is too large, or a zip whose members would expand past the limits.

    Only the zip's central directory is read, never its members.
    """
    if size > MAX_ARTIFACT_BYTES:
        return f"artifact is {size} bytes, over the limit of {MAX_ARTIFACT_BYTES} bytes"
    if os.path.splitext(artifact)[1].lower() not in ZIP_CONTAINERS:
        return None  # nothing unpacks other files, so their compression ratio cannot hurt
    with open(artifact, "rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return None
    try:
        with zipfile.ZipFile(artifact) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return f"artifact looks like a zip container but its directory cannot be read ({error})"
    if expanded > MAX_ARTIFACT_BYTES or expanded > MAX_ZIP_RATIO * max(size, 1):
        return (
            f"artifact expands from {size} to {expanded} bytes when unpacked "
            f"(over {MAX_ZIP_RATIO}x or {MAX_ARTIFACT_BYTES} bytes): refused as a decompression bomb"
        )
    return None


def _parse_sidecar(artifact: str, sidecar: str, root: Path, size: int, findings: Findings) -> Evidence | None:
    path = sidecar
    try:
        with open(os.path.join(root, sidecar), encoding="utf-8") as handle:
            data = parse_yaml(handle.read())
    except YamlProblem as problem:
        findings.error(path, problem.line, problem.message)
        return None
    except UnicodeDecodeError:
        findings.error(path, 1, "sidecar is not UTF-8 text")
        return None
    if not isinstance(data, YamlMap):
        findings.error(path, 1, "a sidecar must be a mapping with id, title, controls, collected and source")
        return None
    fields = Fields(data, path, findings)
    evidence_id = fields.identifier("id")
    title = fields.text("title", required=True)
    collected = fields.date("collected", required=True)
    source = fields.text("source", required=True)
    controls = fields.text_list("controls", required=True)
    audience = fields.choice("audience", Audience.names(), default="auditor") or "auditor"
    period_start = period_end = None
    period = fields.mapping("period")
    if period is not None:
        period_start = period.date("start", required=True)
        period_end = period.date("end", required=True)
        if period_start and period_end and period_end < period_start:
            period.error("end", f"period ends ({period_end}) before it starts ({period_start})")
    if not (evidence_id and title and collected and source):
        return None
    item = Evidence(
        id=evidence_id,
        title=title,
        artifact=artifact,
        sidecar=path,
        sidecar_line=data.line,
        collected=collected,
        source=source,
        audience=Audience.parse(audience),
        size=size,
        period_start=period_start,
        period_end=period_end,
        query=fields.text("query"),
        owner=fields.text("owner"),
    )
    for control_id, line in controls:
        item.controls.append(control_id)
        item.control_lines[control_id] = line
    return item
