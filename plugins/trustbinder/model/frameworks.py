"""Framework catalogs: built-in SOC 2 and ISO/IEC 27001:2022 Annex A, plus any in content/frameworks/."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from trustbinder.model.findings import Findings
from trustbinder.model.schema import Fields
from trustbinder.model.yamlio import YamlMap, YamlProblem, parse_yaml

BUILTIN_CATALOGS = ("soc2.yml", "iso27001.yml")


@dataclass(frozen=True)
class Criterion:
    id: str
    framework: str
    series: str
    category: str
    label: str
    summary: str


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    category: str


@dataclass
class Framework:
    key: str
    name: str
    short_name: str
    categories: dict[str, str] = field(default_factory=dict)
    series: dict[str, Series] = field(default_factory=dict)
    criteria: dict[str, Criterion] = field(default_factory=dict)
    source: str = ""

    def in_categories(self, categories: list[str] | None) -> list[Criterion]:
        """Criteria of the given categories in catalog order; None means the whole framework."""
        return [c for c in self.criteria.values() if categories is None or c.category in categories]


def parse_framework(data: object, path: str, findings: Findings) -> Framework | None:
    if not isinstance(data, YamlMap):
        findings.error(path, 1, "a framework file must be a mapping with key, name, categories, series, criteria")
        return None
    fields = Fields(data, path, findings)
    key = fields.text("key", required=True)
    name = fields.text("name", required=True)
    if key is None or name is None:
        return None
    framework = Framework(key, name, fields.text("short_name") or name, source=path)
    for record in fields.records("categories"):
        category_key, label = record.text("key", required=True), record.text("label", required=True)
        if category_key and label:
            framework.categories[category_key] = label
    for record in fields.records("series"):
        series_key = record.text("key", required=True)
        label = record.text("label", required=True)
        category = record.choice("category", framework.categories, required=True)
        if series_key and label and category:
            framework.series[series_key] = Series(series_key, label, category)
    for record in fields.records("criteria"):
        criterion_id = record.text("id", required=True)
        series_key = record.choice("series", framework.series, required=True)
        label = record.text("label", required=True)
        summary = record.text("summary", required=True)
        if not (criterion_id and series_key and label and summary):
            continue
        if criterion_id in framework.criteria:
            record.error("id", f"duplicate criterion ID '{criterion_id}' in framework '{key}'")
            continue
        category = framework.series[series_key].category
        framework.criteria[criterion_id] = Criterion(criterion_id, key, series_key, category, label, summary)
    return framework


def load_frameworks(frameworks_dir: Path | None, root: Path, findings: Findings) -> dict[str, Framework]:
    """The built-in catalogs, then every `*.yml` in `frameworks_dir`; a duplicate key is an error."""
    frameworks: dict[str, Framework] = {}
    package = resources.files("trustbinder.model") / "catalogs"
    for name in BUILTIN_CATALOGS:
        text = (package / name).read_text(encoding="utf-8")
        framework = parse_framework(parse_yaml(text), f"<built-in {name}>", findings)
        if framework:
            frameworks[framework.key] = framework
    if frameworks_dir is None or not frameworks_dir.is_dir():
        return frameworks
    for file in sorted(frameworks_dir.glob("*.y*ml")):
        path = file.relative_to(root).as_posix()
        try:
            data = parse_yaml(file.read_text(encoding="utf-8"))
        except YamlProblem as problem:
            findings.error(path, problem.line, problem.message)
            continue
        framework = parse_framework(data, path, findings)
        if framework is None:
            continue
        if framework.key in frameworks:
            findings.error(
                path,
                1,
                f"framework key '{framework.key}' is already defined by {frameworks[framework.key].source}",
            )
            continue
        frameworks[framework.key] = framework
    return frameworks
