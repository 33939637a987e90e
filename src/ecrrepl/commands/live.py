"""What every command that talks to AWS does first: a sound configuration, then sessions.

`diff`, `apply` and `policy` refuse a configuration with error findings and show
the findings (to stderr, so that stdout stays the plan or the JSON asked for).
boto3 is imported here only when a command really reaches AWS.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, TextIO

from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.errors import UserError
from ecrrepl.findings import Severity
from ecrrepl.validation import ValidationResult, config_paths, read_config_bytes, validate_files

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions
    from ecrrepl.state import LiveState


def load_sound_config(
    files: Sequence[str],
    *,
    ignore: Sequence[str] = (),
    color: bool = False,
    err: TextIO | None = None,
) -> ValidationResult:
    """Validate the files; print warnings and errors to stderr; refuse on errors.

    `ignore`: the values of `--ignore`; the warnings they and the files' comments
    suppress are only counted, and nothing is printed when all of them are.
    """
    from ecrrepl.render.findings_summary import FindingsSummary
    from ecrrepl.render.findings_text import render_findings_text

    ignored: frozenset[str] = frozenset()
    if ignore:
        from ecrrepl.commands.ignore_option import ignored_rules

        ignored = ignored_rules(ignore)
    paths = config_paths(files)
    result = validate_files(paths, ignored)
    shown = [f for f in result.findings if f.severity is not Severity.INFO]
    stream = sys.stderr if err is None else err
    if any(not finding.suppressed for finding in shown):
        summary = FindingsSummary.of(shown, files=len(paths))
        stream.write(render_findings_text(shown, result.sources, summary, color=color))
    if result.errors:
        count = len(result.errors)
        raise UserError(
            f"the configuration has {count} error{'s' if count != 1 else ''}; "
            "nothing was read from or written to AWS"
        )
    return result


def config_bytes(result: ValidationResult) -> dict[str, bytes]:
    """The files' exact bytes, whose digests a saved plan records."""
    return {path: read_config_bytes(path) for path in result.config.files}


def scoped(
    config: Config, scope: Collection[RegistryAddress], err: TextIO | None = None
) -> Config:
    """`config` reduced to a `--registry` scope (ecrrepl.scope), saying so on stderr."""
    from ecrrepl.scope import scope_config, scope_words

    if not scope:
        return config
    reduced = scope_config(config, scope)
    (sys.stderr if err is None else err).write(scope_words(reduced, scope) + "\n")
    return reduced


def open_sessions(config: Config, profile: str | None) -> Sessions:
    from ecrrepl.aws.session import Sessions

    return Sessions.for_config(config, profile=profile)


def refuse_if_unread(live: LiveState, consequence: str = "nothing was written") -> None:
    """Stop a write when any registry could not be read: what it holds is unknown, and a
    plan of the others alone could undo what the missing ones need."""
    if not live.unreadable:
        return
    count = len(live.unreadable)
    address, reason = min(live.unreadable.items())
    others = f" and {count - 1} more (`ecrrepl diff` lists them)" if count > 1 else ""
    raise UserError(f"registry {address} was not read: {reason}{others}; {consequence}")
