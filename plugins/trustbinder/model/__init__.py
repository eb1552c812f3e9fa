"""The program model: loading, validation and the resolved graph. Free of MkDocs imports."""

from trustbinder.model.audience import Audience
from trustbinder.model.findings import Finding, Findings
from trustbinder.model.program import Program, load_program

__all__ = ["Audience", "Finding", "Findings", "Program", "load_program"]
