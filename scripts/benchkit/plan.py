"""The shape of a synthetic program, decided before any file is written: documents, controls, dates.

Everything is drawn from one seeded random generator, so a seed and an anchor day always give the same program.
Dates are relative to the anchor ("today" for the checks) so that a program generated today is valid today:
reviews are recent, the observation period has ended, nothing is dated in the future.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field

from benchkit.words import AREAS, NARRATIVE_TOPICS, POLICY_NOUNS, PROCEDURE_NOUNS, SYSTEMS

AUDIENCES = ("public", "internal", "auditor")
RANK = {name: index for index, name in enumerate(AUDIENCES)}
DEFAULT_SHARES = (0.25, 0.45, 0.30)
TYPE_FOLDERS = {"policy": "policies", "procedure": "procedures", "narrative": "narratives"}
ID_PREFIX = {"policy": "POL", "procedure": "PRC", "narrative": "NAR"}
# SOC 2 criteria in scope for security, availability and confidentiality (the common criteria, A1 and C1).
SOC2_IN_SCOPE = (
    *(f"CC1.{n}" for n in range(1, 6)),
    *(f"CC2.{n}" for n in range(1, 4)),
    *(f"CC3.{n}" for n in range(1, 5)),
    "CC4.1",
    "CC4.2",
    *(f"CC5.{n}" for n in range(1, 4)),
    *(f"CC6.{n}" for n in range(1, 9)),
    *(f"CC7.{n}" for n in range(1, 6)),
    "CC8.1",
    "CC9.1",
    "CC9.2",
    "A1.1",
    "A1.2",
    "A1.3",
    "C1.1",
    "C1.2",
)
PERIOD_MONTHS = 6
# A frequency is only used when every one of its intervals in the period can get evidence.
FREQUENCIES = ("monthly", "quarterly", "semiannual", "annual", "continuous", "per-event")


@dataclass(frozen=True)
class Spec:
    documents: int = 1000
    evidence: int = 20000
    seed: int = 20260
    anchor: dt.date = field(default_factory=dt.date.today)
    shares: tuple[float, float, float] = DEFAULT_SHARES


@dataclass
class ControlPlan:
    id: str
    area: str
    frequency: str
    criteria: list[str] = field(default_factory=list)


@dataclass
class DocPlan:
    index: int
    id: str
    type: str
    audience: str
    area: str
    title: str
    src_uri: str
    controls: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def months(self) -> list[tuple[dt.date, dt.date]]:
        out = []
        day = self.start
        while day <= self.end:
            last = dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
            out.append((day, last))
            day = last + dt.timedelta(days=1)
        return out


@dataclass
class Plan:
    spec: Spec
    period: Period
    controls: list[ControlPlan]
    documents: list[DocPlan]


def observation_period(anchor: dt.date) -> Period:
    """Six whole months ending with the month before last, so that evidence collected after it is in the past."""
    month_index = anchor.year * 12 + anchor.month - 1 - 2
    end_year, end_month = divmod(month_index, 12)
    end = dt.date(end_year, end_month + 1, calendar.monthrange(end_year, end_month + 1)[1])
    start_year, start_month = divmod(month_index - PERIOD_MONTHS + 1, 12)
    return Period(dt.date(start_year, start_month + 1, 1), end)


def control_count(documents: int) -> int:
    return max(8, documents // 10)


def slug(text: str) -> str:
    kept = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in kept.split("-") if part)


def _exact_split(total: int, shares: tuple[float, ...], rng: random.Random, names: tuple[str, ...]) -> list[str]:
    counts = [round(total * share) for share in shares[:-1]]
    counts.append(total - sum(counts))
    values = [name for name, count in zip(names, counts, strict=True) for _ in range(max(count, 0))]
    rng.shuffle(values)
    return values


def plan_controls(count: int, evidence: int, rng: random.Random) -> list[ControlPlan]:
    areas = list(AREAS)
    per_control = evidence // max(count, 1)
    numbers: dict[str, int] = {}
    controls: list[ControlPlan] = []
    for index in range(count):
        area = areas[index % len(areas)]
        numbers[area] = numbers.get(area, 0) + 1
        frequency = rng.choice(FREQUENCIES) if per_control >= PERIOD_MONTHS else "per-event"
        controls.append(ControlPlan(f"{AREAS[area][1]}-{numbers[area]:02d}", area, frequency))
    for index, criterion in enumerate(SOC2_IN_SCOPE):
        controls[index % count].criteria.append(criterion)
    for control in controls:
        extra = rng.choice(SOC2_IN_SCOPE)
        if extra not in control.criteria:
            control.criteria.append(extra)
    return controls


def _title(doc_type: str, area: str, rng: random.Random, used: set[str]) -> str:
    if doc_type == "narrative":
        base = rng.choice(NARRATIVE_TOPICS)
    else:
        nouns = POLICY_NOUNS if doc_type == "policy" else PROCEDURE_NOUNS
        subject = rng.choice(SYSTEMS).removeprefix("the ").title()
        base = f"{rng.choice(AREAS[area][2])} {rng.choice(nouns)} for {subject}"
    title, number = base, 2
    while title in used:
        title, number = f"{base} {number}", number + 1
    used.add(title)
    return title


def plan_documents(spec: Spec, controls: list[ControlPlan], rng: random.Random) -> list[DocPlan]:
    count = spec.documents
    audiences = _exact_split(count, spec.shares, rng, AUDIENCES)
    narratives = max(1, count // 25)
    policies = round(count * 0.36)
    types = _exact_split(count, (policies / count, (count - policies - narratives) / count, 0.0), rng, tuple(ID_PREFIX))
    by_area: dict[str, list[str]] = {}
    for control in controls:
        by_area.setdefault(control.area, []).append(control.id)
    used: set[str] = set()
    documents: list[DocPlan] = []
    for index in range(count):
        # Walking the register in order gives every control at least one implementing document.
        primary = controls[index % len(controls)]
        doc_type = types[index]
        title = _title(doc_type, primary.area, rng, used)
        folder = TYPE_FOLDERS[doc_type] if doc_type == "narrative" else f"{TYPE_FOLDERS[doc_type]}/{primary.area}"
        doc = DocPlan(
            index=index,
            id=f"{ID_PREFIX[doc_type]}-{index + 1:04d}",
            type=doc_type,
            audience=audiences[index],
            area=primary.area,
            title=title,
            src_uri=f"{folder}/{slug(title)}.md",
        )
        neighbours = [c for c in by_area[primary.area] if c != primary.id]
        doc.controls = [primary.id, *rng.sample(neighbours, min(len(neighbours), rng.randint(0, 3)))]
        documents.append(doc)
    return documents


def make_plan(spec: Spec) -> Plan:
    rng = random.Random(spec.seed)
    controls = plan_controls(control_count(spec.documents), spec.evidence, rng)
    documents = plan_documents(spec, controls, rng)
    return Plan(spec, observation_period(spec.anchor), controls, documents)
