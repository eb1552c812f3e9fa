"""How `trustbinder check` prints its findings: text lines, JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
import os
from pathlib import Path

from trustbinder.model.findings import Finding, Findings

FORMATS = ("text", "json", "github")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation_path(root: Path, path: str) -> str:
    """The finding's file relative to the repository checkout, which GitHub needs to place the annotation.

    The program may sit in a sub-folder of the repository; GITHUB_WORKSPACE is the checkout (the current
    folder otherwise). A file outside it keeps its program-relative path.
    """
    base = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    absolute = (root / path).resolve()
    return absolute.relative_to(base).as_posix() if absolute.is_relative_to(base) else path


def github_line(level: str, message: str, file: str | None = None, line: int | None = None) -> str:
    properties = []
    if file:
        properties.append(f"file={_escape_property(file)}")
        if line:
            properties.append(f"line={line}")
    properties.append("title=trustbinder")
    return f"::{level} {','.join(properties)}::{_escape_data(message)}"


def render(findings: Findings, output_format: str, root: Path, failing: list[Finding]) -> str:
    ordered = findings.sorted()
    if output_format == "json":
        report = {
            "errors": len(findings.errors),
            "warnings": len(findings.warnings),
            "failed": bool(failing),
            "findings": [f.as_dict() for f in ordered],
        }
        return json.dumps(report, indent=2)
    if output_format == "github":
        return "\n".join(github_line(f.level, f.message, annotation_path(root, f.path), f.line) for f in ordered)
    return "\n".join(str(f) for f in ordered)


def summary(findings: Findings, failing: list[Finding]) -> str:
    counts = f"{len(findings.errors)} error(s), {len(findings.warnings)} warning(s)"
    if not len(findings):
        return "trustbinder: the program is valid."
    if not failing:
        return f"trustbinder: the program is valid; {len(findings.warnings)} warning(s)."
    return f"trustbinder: {counts}."
