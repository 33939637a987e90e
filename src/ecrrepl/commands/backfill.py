"""`ecrrepl backfill`: copy images pushed before replication was set up.

For each source registry of the configuration and each of its destinations (or only
the `--destination`s given), one StartReplicationBackfill. A destination that the
source's LIVE replication configuration does not send to is refused before anything
starts: AWS backfills only along live rules, so the file must be applied first.
AWS's limits (one backfill in progress per destination region, a few per registry:
ecrrepl.limits) are
respected by queueing: what may start starts, the rest waits its turn while the
running ones are polled. A backfill already running to a destination is followed,
not started again.

Exit codes: 0 when every backfill started (with --wait: ended COMPLETE with no image
failed), and for a dry run; 1 when a destination is refused, the confirmation is not
given, a backfill failed or an image failed to copy (with --wait), or on an AWS error.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TextIO

from ecrrepl.backfill import (
    BackfillRun,
    BackfillTarget,
    DryRunEntry,
    Pacing,
    backfill_targets,
    configured_destinations,
    drive,
    prefixes_to,
)
from ecrrepl.commands.live import load_sound_config, open_sessions
from ecrrepl.commands.status import parse_registry_option
from ecrrepl.config.model import Config, RegistryAddress, ReplicationRule, replicates
from ecrrepl.errors import EXIT_FAILED, EXIT_OK, UsageError, UserError
from ecrrepl.plan.replication import plan_replication

if TYPE_CHECKING:
    from ecrrepl.aws.session import Sessions

MAX_PARALLEL_READS = 8
LiveRules = dict[RegistryAddress, tuple[ReplicationRule, ...]]


def backfill(
    files: Sequence[str],
    *,
    destinations: Sequence[str] = (),
    dry_run: bool = False,
    wait: bool = False,
    yes: bool = False,
    profile: str | None = None,
    color: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stdin: TextIO | None = None,
    pacing: Pacing | None = None,
) -> int:
    """Start (or with `dry_run`, only count) the backfills; see the module's docstring.

    `pacing` replaces real sleeping between polls in tests.
    """
    stream = sys.stdout if out is None else out
    progress_stream = sys.stderr if err is None else err
    wanted_list = [parse_registry_option(text, "--destination") for text in destinations]
    wanted = frozenset(a for a in wanted_list if a is not None) or None

    config = load_sound_config(files, color=color, err=progress_stream).config
    _require_destinations(config, wanted)
    sources = _sources_sending_to(config, wanted)
    if not sources:
        stream.write("Nothing to backfill: the configuration replicates nothing.\n")
        return EXIT_OK
    sessions = open_sessions(config, profile)
    sessions.verify_identities({source.account for source in sources})
    live_rules = _read_live_rules(sessions, sources)
    targets, refusals = backfill_targets(config, live_rules, wanted)
    if refusals:
        raise UserError(
            "; ".join(refusals) + ". Apply first (`ecrrepl apply`): a backfill copies only "
            "to destinations the live configuration replicates to; nothing was started"
        )
    _warn_where_live_differs(config, live_rules, sources, progress_stream)
    prefixes = {t: prefixes_to(live_rules[t.source], t.destination) for t in targets}

    if dry_run:
        from ecrrepl.render.backfill_text import render_dry_run_text

        entries = dry_run_entries(sessions, targets, prefixes)
        stream.write(render_dry_run_text(entries, color=color))
        return EXIT_OK
    return _run(
        sessions,
        targets,
        prefixes,
        wait=wait,
        yes=yes,
        color=color,
        out=stream,
        err=progress_stream,
        stdin=stdin,
        pacing=pacing or Pacing(sleep=time.sleep),
    )


def _run(
    sessions: Sessions,
    targets: list[BackfillTarget],
    prefixes: dict[BackfillTarget, frozenset[str] | None],
    *,
    wait: bool,
    yes: bool,
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
    out.write(render_plan_text(run, prefixes, color=color))
    if run.queue:
        count = len(run.queue)
        confirm(f"Start {count} backfill{'s' if count != 1 else ''}?", yes=yes, stdin=stdin)
    out.flush()

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
        )
    except (UserError, KeyboardInterrupt):
        # What has started goes on in AWS: say what it is before giving up.
        progress.close()
        if run.followed:
            out.write(render_started_text(run, color=color))
        raise
    progress.close()
    if not wait:
        out.write(render_started_text(run, color=color))
        return EXIT_OK
    out.write(render_results_text(run, color=color))
    return EXIT_OK if all(b.succeeded for b in run.followed) else EXIT_FAILED


# --- what to backfill ------------------------------------------------------------------------


def _require_destinations(config: Config, wanted: frozenset[RegistryAddress] | None) -> None:
    known = configured_destinations(config)
    for address in sorted(wanted or ()):
        if address not in known:
            names = ", ".join(str(a) for a in known) or "none"
            raise UsageError(
                f"--destination {address} is not a destination of the configuration "
                f"(its destinations: {names})"
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
    from ecrrepl.aws.reader import read_replication

    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_READS, len(sources))) as pool:
        rules = list(pool.map(lambda source: read_replication(sessions, source), sources))
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


def dry_run_entries(
    sessions: Sessions,
    targets: Sequence[BackfillTarget],
    prefixes: dict[BackfillTarget, frozenset[str] | None],
) -> list[DryRunEntry]:
    """Per target, the source repositories its live rules send there, and their images:
    one repository listing per source, one image listing per repository counted."""
    from ecrrepl.aws.images import count_images, list_repository_names

    sources = list(dict.fromkeys(target.source for target in targets))
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_READS, len(sources) or 1)) as pool:
        names = dict(
            zip(
                sources,
                pool.map(lambda source: list_repository_names(sessions, source), sources),
                strict=True,
            )
        )
        chosen = {
            target: [n for n in names[target.source] if replicates(n, prefixes[target])]
            for target in targets
        }
        wanted = sorted({(t.source, name) for t, found in chosen.items() for name in found})
        counts = dict(
            zip(
                wanted,
                pool.map(lambda pair: count_images(sessions, pair[0], pair[1]), wanted),
                strict=True,
            )
        )
    return [
        DryRunEntry(
            target=target,
            prefixes=prefixes[target],
            repositories=tuple((name, counts[(target.source, name)]) for name in chosen[target]),
        )
        for target in targets
    ]
