"""How many findings of each severity, in how many files: the last line of every report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ecrrepl.findings import Finding, Severity, count_by_severity


class FindingsSummary(NamedTuple):
    files: int
    errors: int
    warnings: int
    infos: int
    suppressed: int = 0  # counted apart: the other counts leave suppressed findings out

    @classmethod
    def of(cls, findings: Sequence[Finding], *, files: int) -> FindingsSummary:
        counts = count_by_severity(list(findings))
        return cls(
            files=files,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            infos=counts[Severity.INFO],
            suppressed=sum(1 for finding in findings if finding.suppressed),
        )

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos

    def sentence(self) -> str:
        """'2 errors, 1 warning, 0 infos in 1 file', or 'ok: no findings in 3 files';
        then ', 2 suppressed' when suppressions accepted some."""
        in_files = f"in {_counted(self.files, 'file')}"
        if self.suppressed:
            in_files += f", {self.suppressed} suppressed"
        if self.total == 0:
            return f"ok: no findings {in_files}"
        counts = ", ".join(
            _counted(count, noun)
            for count, noun in (
                (self.errors, "error"),
                (self.warnings, "warning"),
                (self.infos, "info"),
            )
        )
        return f"{counts} {in_files}"


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
