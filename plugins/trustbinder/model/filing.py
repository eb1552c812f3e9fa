"""Filing new evidence under evidence/ with its sidecar, never replacing anything that is there.

An artifact is first written to a temporary file in the program's cache folder, then linked into place: a
link fails if the name is taken, so two runs racing for one name cannot overwrite each other, and a failure
half-way leaves no artifact without its sidecar.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from trustbinder.model.evidence import SIDECAR_SUFFIX
from trustbinder.model.hashcache import ensure_cache_dir
from trustbinder.model.safety import path_problem
from trustbinder.model.schema import ID_PATTERN

if TYPE_CHECKING:
    from trustbinder.model.program import Program

STAGING_DIR = "staging"  # inside the cache folder: a dot folder, never evidence, never in git


def staging_file(root: Path, label: str) -> Path:
    folder = ensure_cache_dir(root) / STAGING_DIR
    folder.mkdir(exist_ok=True)
    return folder / f"{label}-{os.getpid()}-{time.time_ns()}"


def next_evidence_id(existing: Iterable[str]) -> str:
    """The next free EV-NNNN after the highest one in use."""
    numbers = [int(m.group(1)) for i in existing if (m := re.fullmatch(r"EV-(\d+)", i))]
    return f"EV-{max(numbers, default=0) + 1:04d}"


def sidecar_text(fields: dict[str, object]) -> str:
    # safe_dump quotes any text YAML would read as something else (no, 1.10, a date), so it reads back as written.
    return yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)


def place_new(temporary: Path, target: Path, sidecar: str) -> None:
    """Move `temporary` to `target` and write its sidecar; refuse, changing nothing, if either exists."""
    sidecar_path = target.with_name(target.name + SIDECAR_SUFFIX)
    if sidecar_path.exists() or target.exists():
        raise FileExistsError(f"{target if target.exists() else sidecar_path} already exists; nothing was overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(temporary, target)  # fails if the target appeared meanwhile: never a silent replace
    except FileExistsError:
        raise FileExistsError(f"{target} already exists; nothing was overwritten") from None
    except OSError:
        with open(temporary, "rb") as source, open(target, "xb") as destination:
            shutil.copyfileobj(source, destination)
    try:
        with open(sidecar_path, "x", encoding="utf-8") as handle:
            handle.write(sidecar)
    except BaseException:
        target.unlink()
        raise
    temporary.unlink(missing_ok=True)


class FilingError(Exception):
    """Evidence could not be filed; nothing was written."""


@dataclass
class NewEvidence:
    """What `trustbinder evidence add` records in the sidecar of the file it adds."""

    controls: list[str]
    source: str
    collected: dt.date
    title: str | None = None
    evidence_id: str | None = None
    query: str | None = None
    owner: str | None = None
    audience: str = "auditor"
    period: tuple[dt.date, dt.date] | None = None


def add_evidence(program: Program, file: Path, folder: str, info: NewEvidence) -> tuple[str, str]:
    """File `file` under evidence/<folder>/ with a new sidecar. Returns (artifact path, evidence ID)."""
    file = file.resolve()
    problems = [_unknown_control(c, program) for c in info.controls if c not in program.controls]
    evidence_id = info.evidence_id or next_evidence_id(program.evidence)
    if not ID_PATTERN.match(evidence_id):
        problems.append(f"--id '{evidence_id}' is not a valid ID ([A-Z0-9][A-Z0-9._-]*, e.g. EV-0042)")
    elif evidence_id in program.evidence:
        problems.append(f"--id '{evidence_id}' is already used by {program.evidence[evidence_id].sidecar}")
    if info.period and info.period[1] < info.period[0]:
        problems.append(f"the period ends ({info.period[1]}) before it starts ({info.period[0]})")
    in_place = file.is_relative_to(program.evidence_dir)
    if in_place:
        target = file
    else:
        folder_problem = path_problem(folder) if folder else None
        if folder_problem:
            problems.append(f"--to '{folder}' {folder_problem}")
        target = program.evidence_dir / folder / file.name
    if file.name.endswith(SIDECAR_SUFFIX) or file.name.startswith("."):
        problems.append(f"{file.name} is a sidecar or a dotfile, not evidence")
    rel = Path(os.path.relpath(target, program.root)).as_posix()
    sidecar_path = target.with_name(target.name + SIDECAR_SUFFIX)
    if (target.exists() and not in_place) or sidecar_path.exists():
        existing = sidecar_path if in_place else target
        problems.append(
            f"{Path(os.path.relpath(existing, program.root)).as_posix()} already exists; nothing was overwritten"
        )
    if problems:
        raise FilingError("\n".join(problems))
    sidecar = sidecar_text(_sidecar_fields(info, evidence_id, file.name))
    if in_place:
        with open(sidecar_path, "x", encoding="utf-8") as handle:
            handle.write(sidecar)
        return rel, evidence_id
    temporary = staging_file(program.root, "add")
    try:
        shutil.copyfile(file, temporary)
        place_new(temporary, target, sidecar)
    except FileExistsError as error:
        raise FilingError(str(error)) from None
    finally:
        temporary.unlink(missing_ok=True)
    return rel, evidence_id


def _unknown_control(control_id: str, program: Program) -> str:
    close = difflib.get_close_matches(control_id, list(program.controls), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"--control '{control_id}' is not in the control register{hint}"


def _sidecar_fields(info: NewEvidence, evidence_id: str, file_name: str) -> dict[str, object]:
    readable = re.sub(r"[-_]+", " ", Path(file_name).stem).strip() or file_name
    fields: dict[str, object] = {
        "id": evidence_id,
        "title": info.title or readable[:1].upper() + readable[1:],
        "controls": list(info.controls),
        "collected": info.collected,
    }
    if info.period:
        fields["period"] = {"start": info.period[0], "end": info.period[1]}
    fields["source"] = info.source
    if info.query:
        fields["query"] = info.query
    if info.owner:
        fields["owner"] = info.owner
    fields["audience"] = info.audience
    return fields
