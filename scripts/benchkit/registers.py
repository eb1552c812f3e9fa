"""The program's data files: controls.yml, audit.yml, trust.yml, and its mkdocs.yml (from the starter's)."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

from benchkit.documents import q
from benchkit.plan import Plan
from benchkit.words import AREAS, ROLES, SYSTEMS, Prose

COMPANY = "Quillfeather Systems"
SITE_URL = "https://trust.quillfeather.example/"
KINDS = ("preventive", "detective", "corrective")
PUBLIC_SUMMARY_SHARE = 0.6
REQUEST_STATUSES = ("open", "provided", "accepted", "flagged")

FALLBACK_MKDOCS = f"""site_name: {COMPANY} Trust Center
site_url: {SITE_URL}
docs_dir: content
site_dir: site/public
theme:
  name: material
  font: false
  features: [navigation.sections, navigation.prune, navigation.indexes, navigation.top, search.highlight]
plugins:
  - search
  - trustbinder/audience:
      evidence_dir: evidence
  - trustbinder/trust
  - trustbinder/handbook
  - trustbinder/binder
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" role="img" aria-label="logo">'
    '<circle cx="16" cy="16" r="14" fill="#2f5d62"/></svg>\n'
)


def write_controls(plan: Plan, path: Path, rng: random.Random) -> None:
    prose = Prose(rng)
    lines = ["# Synthetic control register written by scripts/bench.py.", "controls:"]
    for control in plan.controls:
        label = AREAS[control.area][0]
        lines += [
            f"  - id: {control.id}",
            f"    title: {q(prose.phrase().capitalize())}",
            f"    description: {q(prose.paragraph((1, 2)))}",
            f"    category: {q(label)}",
        ]
        if rng.random() < PUBLIC_SUMMARY_SHARE:
            lines.append(f"    public_summary: {q(prose.sentence())}")
        lines += [
            f"    owner: {q(rng.choice(ROLES))}",
            f"    frequency: {control.frequency}",
            f"    kind: {rng.choice(KINDS)}",
            f"    automated: {'true' if rng.random() < 0.4 else 'false'}",
            "    status: implemented",
            "    criteria:",
            f"      soc2: [{', '.join(control.criteria)}]",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_audit(plan: Plan, path: Path, evidence_by_control: dict[str, list[str]], rng: random.Random) -> None:
    prose = Prose(rng)
    period = plan.period
    lines = [
        f"organization: {q(COMPANY + ', Inc.')}",
        f"system: {q(COMPANY + ' Platform')}",
        "frameworks:",
        "  soc2: [security, availability, confidentiality]",
        "report:",
        "  type: type2",
        f"  period: {{start: {period.start.isoformat()}, end: {period.end.isoformat()}}}",
        '  auditor: "Brackenridge & Vale CPA LLP"',
        "requests:",
    ]
    for number in range(1, max(3, plan.spec.documents // 20) + 1):
        controls = rng.sample(plan.controls, min(len(plan.controls), rng.randint(1, 3)))
        pool = [e for c in controls for e in evidence_by_control.get(c.id, [])]
        evidence = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        lines += [
            f"  - id: R-{number:03d}",
            f"    text: {q('Population of ' + prose.phrase() + ' for the period')}",
            f"    controls: [{', '.join(c.id for c in controls)}]",
            f"    due: {(period.end + dt.timedelta(days=rng.randint(5, 30))).isoformat()}",
            f"    status: {rng.choice(REQUEST_STATUSES)}",
            f"    evidence: [{', '.join(evidence)}]",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_trust(plan: Plan, path: Path, rng: random.Random) -> None:
    prose = Prose(rng)
    anchor, period = plan.spec.anchor, plan.period
    lines = [
        "company:",
        f"  name: {q(COMPANY)}",
        "  logo: assets/logo.svg",
        f"  overview: {q(prose.paragraph((3, 4)))}",
        "  website: https://quillfeather.example",
        "contact:",
        "  security_email: security@quillfeather.example",
        "  request_access_url: https://quillfeather.example/trust/request",
        "security_txt:",
        f"  expires: {(anchor + dt.timedelta(days=300)).isoformat()}",
        "  policy: https://quillfeather.example/security/disclosure",
        "  preferred_languages: [en]",
        "certifications:",
        "  - name: SOC 2 Type II",
        "    framework: soc2",
        "    status: current",
        f"    period: {{start: {period.start.isoformat()}, end: {period.end.isoformat()}}}",
        '    auditor: "Brackenridge & Vale CPA LLP"',
        "    report: restricted",
        "subprocessors:",
    ]
    for number, system in enumerate(SYSTEMS[:8], start=1):
        added = anchor - dt.timedelta(days=100 * number)
        lines.append(
            f"  - {{name: {q('Vendor ' + system.removeprefix('the ').title())}, purpose: {q(prose.phrase())}, "
            f'data: "Account contact details", location: "United States", added: {added.isoformat()}}}'
        )
    lines.append("faq:")
    for _ in range(6):
        lines += [f"  - q: {q(prose.phrase().capitalize() + '?')}", f"    a: {q(prose.paragraph((2, 3)))}"]
    lines.append("updates:")
    for number in range(1, 5):
        day = anchor - dt.timedelta(days=45 * number)
        lines.append(f"  - {{date: {day.isoformat()}, title: {q(prose.sentence())}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def starter_mkdocs() -> tuple[str, Path | None]:
    """The starter's mkdocs.yml text and assets folder, so the plugin list follows the project as it grows."""
    try:
        from trustbinder.starter import starter_root

        root = starter_root()
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    except (ImportError, OSError):
        return FALLBACK_MKDOCS, None
    if re.search(r"^nav:", text, re.MULTILINE):
        return FALLBACK_MKDOCS, None  # an explicit nav names the starter's pages, not ours
    text = re.sub(r"^site_name:.*$", f"site_name: {COMPANY} Trust Center", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^site_url:.*$", f"site_url: {SITE_URL}", text, count=1, flags=re.MULTILINE)
    assets = root / "content" / "assets"
    return text, assets if assets.is_dir() else None


def write_mkdocs(root: Path) -> None:
    text, assets = starter_mkdocs()
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    target = root / "content" / "assets"
    if assets is not None:
        shutil.copytree(assets, target, dirs_exist_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    if not (target / "logo.svg").exists():
        (target / "logo.svg").write_text(LOGO, encoding="utf-8")
