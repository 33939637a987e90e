"""Findings: immutable values that say what is wrong and exactly where."""

from __future__ import annotations

import enum
from typing import NamedTuple

# Small value types are NamedTuples, not dataclasses: `validate` creates them at start-up,
# and a NamedTuple class costs a tenth of a frozen dataclass to define.


class Location(NamedTuple):
    """A place in a config file: 1-based line and column, and the path of keys to it."""

    file: str
    line: int
    column: int
    path: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @classmethod
    def of_rule(cls, rule_id: str) -> Severity:
        """The severity is the ID's letter: E error, W warning, I info."""
        return {"E": cls.ERROR, "W": cls.WARNING, "I": cls.INFO}[rule_id[0]]


class Finding(NamedTuple):
    rule: str
    message: str
    location: Location

    @property
    def severity(self) -> Severity:
        return Severity.of_rule(self.rule)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.rule)


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def fails(findings: list[Finding], *, strict: bool = False) -> bool:
    """Whether these findings make a command exit 1 (errors, or warnings under --strict)."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(finding.severity in failing for finding in findings)
