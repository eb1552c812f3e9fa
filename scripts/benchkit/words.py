"""Seeded prose for synthetic documents: varied enough that Markdown, search and nav work as on real text.

Every word list here is this project's own; sentences are assembled from them so no two documents read alike,
and the same seed always yields the same text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ROLES = (
    "Head of Security",
    "Head of IT",
    "SRE Lead",
    "Engineering Manager",
    "Data Protection Officer",
    "People Operations Lead",
    "Finance Controller",
    "Support Lead",
    "Platform Architect",
    "Compliance Analyst",
)

PEOPLE = (
    "Avery Lindqvist",
    "Noor Haddad",
    "Tomasz Breyer",
    "Ilse Marchetti",
    "Kofi Mensah",
    "Rhea Castellanos",
    "Juno Okafor",
    "Priam Velasco",
)

EXECUTIVES = ("CEO", "CTO", "COO", "CISO")

SYSTEMS = (
    "the identity provider",
    "the ticketing system",
    "the production cluster",
    "the data warehouse",
    "the source repository",
    "the deployment pipeline",
    "the endpoint management console",
    "the log archive",
    "the key management service",
    "the customer support desk",
    "the payroll platform",
    "the vendor register",
    "the asset inventory",
    "the backup vault",
    "the alerting service",
)

VERBS = (
    "reviews",
    "approves",
    "records",
    "monitors",
    "verifies",
    "documents",
    "escalates",
    "reconciles",
    "tests",
    "signs off",
    "tracks",
    "revokes",
    "rotates",
    "audits",
    "retains",
)

OBJECTS = (
    "every privileged account",
    "each change request",
    "the list of active vendors",
    "all open exceptions",
    "the results of each restore test",
    "new hires' onboarding checklists",
    "alerts raised outside business hours",
    "the encryption key inventory",
    "firewall rule changes",
    "the quarterly access review",
    "deviations from the baseline configuration",
    "incident timelines",
    "records of security training",
    "customer data exports",
    "retired hardware",
    "findings from penetration tests",
)

QUALIFIERS = (
    "within two business days",
    "before the end of each quarter",
    "at least once a year",
    "whenever a role changes",
    "before the change reaches production",
    "as soon as the ticket is opened",
    "within 24 hours of detection",
    "on the first working day of each month",
    "after every major release",
    "before access is granted",
    "while the observation period is open",
    "using the approved template",
)

CONNECTIVES = (
    "In addition,",
    "Where this is not possible,",
    "For systems outside single sign-on,",
    "During an incident,",
    "As a rule,",
    "When an exception is approved,",
    "Each quarter,",
    "If a reviewer is unavailable,",
)

REASONS = (
    "so that a missing step is noticed early",
    "because auditors sample these records",
    "to keep the population complete and accurate",
    "which keeps the approval trail in one place",
    "so that customers can rely on the service",
    "to limit the harm a single mistake can cause",
    "so that ownership never lapses",
    "because the record is the proof the step happened",
)

# Area folder -> (label, control ID prefix, topics used in titles).
AREAS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "access": ("Access control", "AC", ("Privileged Access", "Account Lifecycle", "Remote Access", "Password")),
    "assets": ("Asset management", "AS", ("Hardware Inventory", "Acceptable Use", "Media Disposal", "Laptop")),
    "change": ("Change management", "CH", ("Release", "Emergency Change", "Configuration Baseline", "Code Review")),
    "continuity": ("Business continuity", "BC", ("Backup", "Disaster Recovery", "Capacity", "Failover")),
    "cryptography": ("Cryptography", "CR", ("Key Rotation", "Encryption at Rest", "Certificate", "Secrets")),
    "data": ("Data protection", "DP", ("Data Classification", "Retention", "Data Export", "Masking")),
    "people": ("People security", "HR", ("Onboarding", "Background Screening", "Training", "Offboarding")),
    "incident": ("Incident response", "IR", ("Incident Triage", "Breach Notification", "Postmortem", "On-call")),
    "operations": ("Operations", "OP", ("Logging", "Monitoring", "Patch", "Vulnerability Scanning")),
    "vendors": ("Vendor management", "VM", ("Vendor Review", "Subprocessor", "Contract", "Vendor Offboarding")),
}

POLICY_NOUNS = ("Policy", "Standard", "Guideline")
PROCEDURE_NOUNS = ("Procedure", "Runbook", "Checklist", "Process")
NARRATIVE_TOPICS = (
    "System Boundaries",
    "Infrastructure Overview",
    "Data Flows",
    "Organizational Structure",
    "Complementary User Entity Controls",
    "Subservice Organizations",
    "Control Environment",
    "Risk Assessment Process",
    "Monitoring Activities",
    "Information and Communication",
)


@dataclass
class Prose:
    rng: random.Random

    def sentence(self) -> str:
        parts = [
            self.rng.choice(ROLES) if self.rng.random() < 0.6 else "The owner of " + self.rng.choice(SYSTEMS),
            self.rng.choice(VERBS),
            self.rng.choice(OBJECTS),
            self.rng.choice(QUALIFIERS),
        ]
        if self.rng.random() < 0.35:
            parts.append(self.rng.choice(REASONS))
        text = " ".join(parts)
        if self.rng.random() < 0.25:
            # Role names are proper nouns and keep their capitals; only "The owner of ..." is lowered.
            text = f"{self.rng.choice(CONNECTIVES)} {'t' + text[1:] if text.startswith('The ') else text}"
        if self.rng.random() < 0.2:
            text += f", and the evidence is kept in {self.rng.choice(SYSTEMS)}"
        return text + "."

    def paragraph(self, sentences: tuple[int, int] = (3, 6)) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))

    def phrase(self) -> str:
        return f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}"

    def person(self) -> str:
        return f"{self.rng.choice(PEOPLE)}, {self.rng.choice(EXECUTIVES)}"


def word_count(text: str) -> int:
    return len(text.split())
