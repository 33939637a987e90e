"""`ecrrepl route`: where will this repository's images end up? Offline, from the files.

A configuration with errors is not routed: its answer would mislead. The route itself is
informational, so it exits 0 whatever it finds.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ecrrepl.arguments import registry_option
from ecrrepl.commands import require_format
from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, UsageError
from ecrrepl.route import repository_name_problem, route_repository
from ecrrepl.validation import ValidationResult, config_paths, validate_files

ROUTE_FORMATS = ("text", "json")


def route(
    files: Sequence[str],
    repository: str,
    from_registry: str | RegistryAddress | None,
    output_format: str,
    color: bool,
) -> int:
    """Print where a push of `repository` replicates, from every source registry of the
    files (default ecrrepl.yaml) or only from `from_registry` (ACCOUNT/REGION).

    Returns 1 when the configuration has error findings (printed to stderr), else 0.
    """
    require_format(output_format, ROUTE_FORMATS)
    problem = repository_name_problem(repository)
    if problem is not None:
        raise UsageError(problem)
    wanted = registry_argument(from_registry)
    paths = config_paths(files)
    result = validate_files(paths)
    if result.errors:
        return refuse_for_errors(result, "route", file_count=len(paths), color=color)
    if wanted is not None:
        require_source(result.config, wanted)
    answer = route_repository(result.config, repository, source=wanted)
    if output_format == "json":
        from ecrrepl.render.route_json import render_route_json

        sys.stdout.write(render_route_json(answer))
    else:
        from ecrrepl.render.route_text import render_route_text

        sys.stdout.write(render_route_text(answer, color=color))
    return EXIT_OK


def registry_argument(value: str | RegistryAddress | None) -> RegistryAddress | None:
    """The registry `--from` names, if any."""
    return None if value is None else registry_option(value, "--from")


def require_source(config: Config, wanted: RegistryAddress) -> None:
    known = sorted(config.source_addresses)
    if wanted in known:
        return
    if known:
        names = ", ".join(str(address) for address in known)
        detail = f"the source registries are {names}"
    else:
        detail = "it declares no source registries"
    raise UsageError(f"--from {wanted} is not a source registry of the configuration; {detail}")


def refuse_for_errors(
    result: ValidationResult, answer: str, *, file_count: int, color: bool
) -> int:
    """Print the findings and why there is no `answer` to stderr; exit 1."""
    sys.stderr.write(_findings_report(result, file_count=file_count, color=color))
    count = len(result.errors)
    errors, them = ("1 error", "it") if count == 1 else (f"{count} errors", "them")
    sys.stderr.write(f"no {answer}: the configuration has {errors}; fix {them} first\n")
    return EXIT_FAILED


def _findings_report(result: ValidationResult, *, file_count: int, color: bool) -> str:
    from ecrrepl.render.findings_summary import FindingsSummary
    from ecrrepl.render.findings_text import render_findings_text

    summary = FindingsSummary.of(result.findings, files=file_count)
    return render_findings_text(result.findings, result.sources, summary, color=color)
