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


class Suppression(NamedTuple):
    """Why a warning or info is accepted: a comment in the file (SARIF kind "inSource",
    `where` is the comment) or `--ignore` on the command line (kind "external")."""

    kind: str
    reason: str = ""
    where: Location | None = None


IN_SOURCE = "inSource"
EXTERNAL = "external"


class Finding(NamedTuple):
    rule: str
    message: str
    location: Location
    # Set on a warning or info that a suppression accepts: the reports keep it (JSON,
    # SARIF) or leave it out (text, GitHub), and it never fails a run.
    suppression: Suppression | None = None

    @property
    def severity(self) -> Severity:
        return Severity.of_rule(self.rule)

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.column, self.rule)


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    """How many findings of each severity, suppressed ones left out."""
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        if finding.suppression is None:
            counts[finding.severity] += 1
    return counts


def fails(findings: list[Finding], *, strict: bool = False) -> bool:
    """Whether these findings make a command exit 1 (errors, or warnings under --strict);
    a suppressed warning never does."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing and f.suppression is None for f in findings)
