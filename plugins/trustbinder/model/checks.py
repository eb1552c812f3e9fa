"""Every check `trustbinder check` runs beyond loading: each feature registers its function here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from trustbinder.model.findings import Findings
from trustbinder.model.program import Program

Check = Callable[[Program, dt.date], Findings]

# Checks run in this order; each returns its own findings and must not raise on a valid program.
CHECKS: list[Check] = []
# Checks that judge evidence: skipped for a program loaded without it (a public or internal build), where
# "no evidence" would only mean "not read".
EVIDENCE_CHECKS: list[Check] = []


def run_checks(program: Program, today: dt.date) -> Findings:
    findings = Findings()
    for check in CHECKS:
        if program.evidence_loaded or check not in EVIDENCE_CHECKS:
            findings.extend(check(program, today))
    return findings


from trustbinder.model import lifecycle  # noqa: E402

CHECKS.append(lifecycle.review_findings)

from trustbinder.model import trust  # noqa: E402

CHECKS.append(trust.trust_findings)

from trustbinder.model import collect  # noqa: E402

CHECKS.append(collect.collector_findings)

from trustbinder.model import freshness, gaps  # noqa: E402

CHECKS.append(gaps.gap_findings)
CHECKS.append(freshness.freshness_findings)
EVIDENCE_CHECKS.extend([gaps.gap_findings, freshness.freshness_findings])
