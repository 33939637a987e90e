"""`ecrrepl validate`: lint configuration files offline and report the findings.

Never touches AWS and never imports boto3: CI runs this on every pull request, and
its budget is about twice the start-up time of PyYAML. Renderers are imported only
for the format asked for (rich only for coloured text).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import TextIO

from ecrrepl.commands import FINDINGS_FORMATS, require_format
from ecrrepl.errors import EXIT_FAILED, EXIT_OK
from ecrrepl.findings import Finding, fails
from ecrrepl.validation import ValidationResult, config_paths, validate_files


def validate(
    files: Sequence[str],
    *,
    output_format: str = "text",
    strict: bool = False,
    ignore: Sequence[str] = (),
    color: bool = False,
    out: TextIO | None = None,
) -> int:
    """Validate `files` (default ecrrepl.yaml) and print the findings in `output_format`.

    Returns 1 when an error is found (or a warning under `strict`), else 0. A file
    that is missing or unreadable is a usage error (exit 2), raised by the loader.
    `ignore`: the values of `--ignore` (rule IDs, comma-separated), whose findings are
    suppressed; a suppressed warning does not fail under `strict`.
    """
    require_format(output_format, FINDINGS_FORMATS)
    ignored: frozenset[str] = frozenset()
    if ignore:
        from ecrrepl.commands.ignore_option import ignored_rules

        ignored = ignored_rules(ignore)
    paths = config_paths(files)
    # Loading, linting and rendering make a few objects per value of the files, none of
    # them in a cycle: the cyclic collector would only walk them again and again (a
    # third of the time on a file of 100,000 rules). It runs again when this returns.
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = validate_files(paths, ignored)
        report = render_findings(result, output_format, file_count=len(paths), color=color)
    finally:
        if collecting:
            gc.enable()
    stream = sys.stdout if out is None else out
    stream.write(report)
    return EXIT_FAILED if fails(result.findings, strict=strict) else EXIT_OK


def render_findings(
    result: ValidationResult, output_format: str, *, file_count: int, color: bool
) -> str:
    from ecrrepl.render.findings_summary import FindingsSummary

    findings: list[Finding] = result.findings
    summary = FindingsSummary.of(findings, files=file_count)
    if output_format == "json":
        from ecrrepl.render.findings_json import render_findings_json

        return render_findings_json(findings, summary)
    if output_format == "github":
        from ecrrepl.render.findings_github import render_findings_github

        return render_findings_github(findings)
    if output_format == "sarif":
        from ecrrepl import __version__
        from ecrrepl.lint.registry import all_rules
        from ecrrepl.render.findings_sarif import render_findings_sarif

        return render_findings_sarif(findings, all_rules(), tool_version=__version__)
    from ecrrepl.render.findings_text import render_findings_text

    return render_findings_text(findings, result.sources, summary, color=color)
