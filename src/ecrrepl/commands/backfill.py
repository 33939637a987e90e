"""`ecrrepl backfill`: copy images pushed before replication was set up.

For each source registry of the configuration (or of the `--registry` scope) and each of
its destinations (or only the `--destination`s given), one StartReplicationBackfill. A
destination that the source's LIVE replication configuration does not send to is
refused before anything starts: AWS backfills only along live rules, so the file must
be applied first (a dry run reports it and counts the others:
commands/backfill_dry_run.py). AWS's limits (one backfill in progress per destination
region, a few per registry: ecrrepl.limits) are respected by queueing: what may start
starts, the rest waits its turn while the running ones are polled. A backfill already
running to a destination is followed, not started again.

Exit codes: 0 when every backfill started (with --wait: ended COMPLETE with no image
failed), and for a dry run that counted every destination; 1 when a destination is not
in the live configuration (refused; in a dry run, reported), the confirmation is not
given, a backfill failed or an image failed to copy (with --wait), the --timeout passed
before every backfill ended, or on an AWS error; 2 on a usage error.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ecrrepl.arguments import registry_options, wait_timeout
from ecrrepl.backfill import (
    BackfillRun,
    BackfillTarget,
    Pacing,
    backfill_targets,
    configured_destinations,
    drive,
    not_live_words,
    prefixes_to,
    wanted_targets,
)
from ecrrepl.commands import require_format
from ecrrepl.commands.live import load_sound_config, open_sessions
from ecrrepl.config.model import Config, RegistryAddress, ReplicationRule
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, UsageError, UserError
from ecrrepl.plan.replication import plan_replication
from ecrrepl.scope import scope_config

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions

BACKFILL_FORMATS = ("text", "json")
LiveRules = dict[RegistryAddress, tuple[ReplicationRule, ...]]


def backfill(
    files: Sequence[str],
    *,
    registries: Sequence[str | RegistryAddress] = (),
    destinations: Sequence[str | RegistryAddress] = (),
    dry_run: bool = False,
    wait: bool = False,
    timeout: str | float | None = None,
    yes: bool = False,
    output_format: str = "text",
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
    pacing: Pacing | None = None,
) -> int:
    """Start (or with `dry_run`, only count) the backfills; see the module's docstring.

    `pacing` replaces real sleeping (and the clock of `timeout`) in tests.
    """
    require_format(output_format, BACKFILL_FORMATS)
    timeout_seconds = wait_timeout(timeout, wait)
    scope = registry_options(registries, "--registry")
    wanted = frozenset(registry_options(destinations, "--destination")) or None
    stream = sys.stdout if out is None else out
    progress_stream = sys.stderr if err is None else err
    as_json = output_format == "json"

    config = scope_config(load_sound_config(files, color=color, err=progress_stream).config, scope)
    _require_destinations(config, wanted, scoped=bool(scope))
    sources = _sources_sending_to(config, wanted)
    if not sources:
        if as_json:
            stream.write(_json(BackfillRun(queue=[]), dry_run=dry_run, wait=wait))
        else:
            stream.write("Nothing to backfill: the configuration replicates nothing.\n")
        return EXIT_OK
    sessions = open_sessions(config, profile)
    sessions.verify_identities({source.account for source in sources})
    live_rules = _read_live_rules(sessions, sources)
    targets, not_live = backfill_targets(config, live_rules, wanted)
    if not_live and not dry_run:
        raise UserError(
            "; ".join(not_live_words(t) for t in not_live) + ". Apply first (`ecrrepl "
            "apply`): a backfill copies only to destinations the live configuration "
            "replicates to; nothing was started"
        )
    _warn_where_live_differs(config, live_rules, sources, progress_stream)
    prefixes = {t: prefixes_to(live_rules[t.source], t.destination) for t in targets}

    if dry_run:
        from ecrrepl.commands.backfill_dry_run import dry_run_entries

        entries = dry_run_entries(sessions, wanted_targets(config, wanted), targets, prefixes)
        if as_json:
            from ecrrepl.render.backfill_json import render_dry_run_json

            stream.write(render_dry_run_json(entries))
        else:
            from ecrrepl.render.backfill_text import render_dry_run_text

            stream.write(render_dry_run_text(entries, color=color))
        return EXIT_FAILED if not_live else EXIT_OK
    return _run(
        sessions,
        targets,
        prefixes,
        wait=wait,
        timeout_seconds=timeout_seconds,
        yes=yes,
        as_json=as_json,
        color=color,
        out=stream,
        err=progress_stream,
        stdin=stdin,
        pacing=pacing or Pacing(sleep=time.sleep),
    )


def _json(run: BackfillRun, *, dry_run: bool, wait: bool, timed_out: bool = False) -> str:
    from ecrrepl.render.backfill_json import render_dry_run_json, render_run_json

    if dry_run:
        return render_dry_run_json([])
    return render_run_json(run, waited=wait, timed_out=timed_out)


def _run(
    sessions: Sessions,
    targets: list[BackfillTarget],
    prefixes: dict[BackfillTarget, frozenset[str] | None],
    *,
    wait: bool,
    timeout_seconds: float | None,
    yes: bool,
    as_json: bool,
    color: bool,
    out: TextIO,
    err: TextIO,
    stdin: TextIO | None,
    pacing: Pacing,
) -> int:
    from ecrrepl.aws.backfill import list_running_backfills, refresh_backfill, start_backfill
    from ecrrepl.commands.writing import confirm
    from ecrrepl.render.backfill_text import (
        progress_events,
        progress_lines,
        progress_snapshot,
        render_plan_text,
        render_results_text,
        render_started_text,
    )
    from ecrrepl.render.status_progress import open_progress

    run = BackfillRun(queue=list(targets))
    for source in dict.fromkeys(target.source for target in targets):
        run.adopt(list_running_backfills(sessions, source))
    # With --format json, stdout is the one JSON object: what people read goes to stderr.
    words = err if as_json else out
    words.write(render_plan_text(run, prefixes, color=color))
    if run.queue:
        count = len(run.queue)
        # The question goes where the plan went: with --format json, stdout stays one object.
        confirm(
            f"Start {count} backfill{'s' if count != 1 else ''}?", yes=yes, out=words, stdin=stdin
        )
    words.flush()

    progress = open_progress(err, color=color)
    shown: list[dict[BackfillTarget, str]] = [{}]

    def on_update(current: BackfillRun) -> None:
        progress.show(progress_lines(current), progress_events(shown[0], current))
        shown[0] = progress_snapshot(current)

    try:
        drive(
            run,
            lambda target: start_backfill(sessions, target),
            lambda b, with_failures: refresh_backfill(sessions, b, with_failures=with_failures),
            pacing,
            until_finished=wait,
            on_update=on_update,
            timeout_seconds=timeout_seconds,
        )
    except (UserError, KeyboardInterrupt):
        # What has started goes on in AWS: say what it is before giving up.
        progress.close()
        if run.followed:
            out.write(
                _json(run, dry_run=False, wait=False)
                if as_json
                else render_started_text(run, color=color)
            )
        raise
    progress.close()
    timed_out = wait and not run.finished
    if as_json:
        out.write(_json(run, dry_run=False, wait=wait, timed_out=timed_out))
    elif not wait:
        out.write(render_started_text(run, color=color))
    else:
        out.write(
            render_results_text(
                run, timed_out_after=timeout_seconds if timed_out else None, color=color
            )
        )
    if not wait:
        return EXIT_OK
    return EXIT_OK if run.finished and all(b.succeeded for b in run.followed) else EXIT_FAILED


# --- what to backfill ------------------------------------------------------------------------


def _require_destinations(
    config: Config, wanted: frozenset[RegistryAddress] | None, *, scoped: bool
) -> None:
    known = configured_destinations(config)
    of = "the --registry scope" if scoped else "the configuration"
    for address in sorted(wanted or ()):
        if address not in known:
            names = ", ".join(str(a) for a in known) or "none"
            raise UsageError(
                f"--destination {address} is not a destination of {of} (its destinations: {names})"
            )


def _sources_sending_to(
    config: Config, wanted: frozenset[RegistryAddress] | None
) -> list[RegistryAddress]:
    return [
        registry.address
        for registry in config.registries
        if any(
            wanted is None or d.address in wanted
            for rule in registry.rules
            for d in rule.destinations
        )
    ]


def _read_live_rules(sessions: Sessions, sources: Sequence[RegistryAddress]) -> LiveRules:
    from ecrrepl.aws.concurrency import read_concurrently
    from ecrrepl.aws.reader import read_replication

    rules = read_concurrently(lambda source: read_replication(sessions, source), sources)
    return dict(zip(sources, rules, strict=True))


def _warn_where_live_differs(
    config: Config, live_rules: LiveRules, sources: Sequence[RegistryAddress], err: TextIO
) -> None:
    """AWS backfills along the live rules; say so when they are not the file's."""
    for registry in config.registries:
        if registry.address not in sources:
            continue
        section = plan_replication(registry.address, registry.rules, live_rules[registry.address])
        if section.changes:
            err.write(
                f"warning: the live replication configuration of {registry.address} differs "
                "from the file (`ecrrepl diff` shows how); the backfill copies what the live "
                "rules replicate\n"
            )
