"""`ecrrepl backfill` for people: what would start, how it goes, how it ended.

Backfills to start (images pushed before replication was set up):
  111111111111/us-west-2 → 222222222222/eu-west-1  (filters: prod/)
  111111111111/us-west-2 → 111111111111/us-east-1  (no filters: every repository)
    queued behind the backfill to us-east-1 already running (0f2d...)

Results:
  ✓ 111111111111/us-west-2 → 222222222222/eu-west-1  COMPLETE: 40 of 40 images
  ✗ 111111111111/us-west-2 → 111111111111/us-east-1  COMPLETE: 38 of 40 images, 2 failed
      prod/api:1.0  PERMISSION_DENIED
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ecrrepl.backfill import (
    Backfill,
    BackfillRun,
    BackfillTarget,
    DryRunEntry,
    blocker_of,
)
from ecrrepl.render.styled import HEADER_STYLE, QUIET_STYLE, Line, Span, render_lines

# A result names at most this many failed images, then counts the rest.
NAMED_FAILURES = 20


def prefixes_words(prefixes: frozenset[str] | None) -> str:
    if prefixes is None:
        return "no filters: every repository"
    return "filters: " + ", ".join(sorted(prefixes))


def render_plan_text(
    run: BackfillRun,
    prefixes: Mapping[BackfillTarget, frozenset[str] | None],
    *,
    color: bool = False,
) -> str:
    """What `backfill` is about to start, and what it follows or waits for."""
    lines: list[Line] = []
    if run.queue:
        title = "Backfills to start (images pushed before replication was set up):"
        lines.append([Span(title, HEADER_STYLE)])
        for target in run.queue:
            lines.append([Span(f"  {target}  ({prefixes_words(prefixes.get(target))})")])
            blocker = blocker_of(target, run.others)
            if blocker is not None:
                lines.append(
                    [
                        Span(
                            f"    queued behind the backfill to {blocker.target.destination} "
                            f"already running ({blocker.backfill_id})",
                            QUIET_STYLE,
                        )
                    ]
                )
    if run.followed:
        lines.append([Span("Already running, followed rather than started again:", HEADER_STYLE)])
        lines.extend([Span(f"  {b.target}  {b.status} ({b.backfill_id})")] for b in run.followed)
    return render_lines(lines, color=color)


def _images(count: int) -> str:
    return f"{count} image{'s' if count != 1 else ''}"


def render_dry_run_text(entries: Sequence[DryRunEntry], *, color: bool = False) -> str:
    """Per destination, the images missing there, by source repository."""
    lines: list[Line] = []
    for entry in entries:
        if not entry.live:
            lines.append(
                [
                    Span(str(entry.target), HEADER_STYLE),
                    Span(
                        "  not in the live replication configuration of the source: a backfill "
                        "would be refused (apply first); not counted",
                        "yellow",
                    ),
                ]
            )
            lines.append([])
            continue
        count = len(entry.repositories)
        lines.append(
            [
                Span(str(entry.target), HEADER_STYLE),
                Span(
                    f"  {count} {'repository' if count == 1 else 'repositories'}, "
                    f"{_images(entry.missing)} missing ({prefixes_words(entry.prefixes)})"
                ),
            ]
        )
        if entry.not_compared is not None:
            lines.append(
                [
                    Span(
                        f"    not compared with the destination ({entry.not_compared}): "
                        "every image counts",
                        "yellow",
                    )
                ]
            )
        width = max((len(r.name) for r in entry.repositories), default=0)
        lines.extend(
            [Span(f"    {r.name.ljust(width)}  {_images(r.images)}, {r.missing} missing")]
            for r in entry.repositories
        )
        lines.append([])
    counted = [entry for entry in entries if entry.live]
    total = sum(entry.missing for entry in counted)
    refused = len(entries) - len(counted)
    summary = (
        f"Dry run: {len(counted)} backfill{'s' if len(counted) != 1 else ''} would copy "
        f"{_images(total)} missing at the destination{'s' if len(counted) != 1 else ''}"
    )
    if refused:
        summary += (
            f"; {refused} destination{'s are' if refused != 1 else ' is'} not in the live "
            "configuration (apply first)"
        )
    lines.append([Span(summary + "; nothing was started.")])
    return render_lines(lines, color=color)


def progress_lines(run: BackfillRun) -> list[Line]:
    """The live display while backfills run or wait in the queue."""
    lines: list[Line] = [[Span("Backfills", HEADER_STYLE)]]
    lines.extend([Span(f"  {backfill_words(b)}")] for b in run.followed_in_order)
    for target in run.queue:
        blocker = blocker_of(target, run.active)
        why = (
            f"queued behind the backfill to {blocker.target.destination}"
            if blocker is not None
            else "queued (AWS's limit of backfills in progress)"
        )
        lines.append([Span(f"  {target}  {why}", QUIET_STYLE)])
    return lines


def progress_snapshot(run: BackfillRun) -> dict[BackfillTarget, str]:
    return {b.target: backfill_words(b) for b in run.followed}


def progress_events(before: Mapping[BackfillTarget, str], run: BackfillRun) -> list[str]:
    """A line for each followed backfill that started or changed since `before`."""
    return [backfill_words(b) for b in run.followed if before.get(b.target) != backfill_words(b)]


def backfill_words(backfill: Backfill) -> str:
    words = f"{backfill.target}  {backfill.status}"
    progress = backfill.progress
    if progress is not None and progress.total:
        words += f" {progress.completed}/{progress.total}"
        if progress.failed:
            words += f" ({progress.failed} failed)"
    if backfill.failure_code:
        words += f" (failure code: {backfill.failure_code})"
    return words


def render_results_text(
    run: BackfillRun, *, timed_out_after: float | None = None, color: bool = False
) -> str:
    """Per destination: replicated, failed, and why, once the backfills have ended; or,
    when the timeout passed first, how far each has gone and what did not start."""
    lines: list[Line] = [[Span("Results:", HEADER_STYLE)]]
    for backfill in run.followed_in_order:
        if backfill.active:
            mark, style = "…", "yellow"
        else:
            mark, style = ("✓", "green") if backfill.succeeded else ("✗", "red")
        lines.append(
            [Span(f"  {mark} ", style), Span(str(backfill.target)), Span(f"  {_result(backfill)}")]
        )
        lines.extend(_failure_lines(backfill))
    lines.extend(
        [Span("  - ", "yellow"), Span(f"{target}  not started: it was still queued")]
        for target in run.queue
    )
    if timed_out_after is not None:
        from ecrrepl.render.status_text import format_duration

        running = sum(1 for backfill in run.followed if backfill.active)
        lines.append(
            [
                Span(
                    f"Timed out after {format_duration(timed_out_after)}: {running} still "
                    f"running (they go on in AWS), {len(run.queue)} not started.",
                    "yellow",
                )
            ]
        )
    return render_lines(lines, color=color)


def _result(backfill: Backfill) -> str:
    words = backfill.status
    if backfill.failure_code:
        words += f" (failure code: {backfill.failure_code})"
    progress = backfill.progress
    if progress is not None:
        words += f": {progress.completed} of {progress.total} images"
        if progress.failed:
            words += f", {progress.failed} failed"
    return words


def _failure_lines(backfill: Backfill) -> list[Line]:
    lines: list[Line] = []
    failed = backfill.failed_images
    for image in failed[:NAMED_FAILURES]:
        code = image.failure_code or "no failure code given"
        if image.sub_image_failure_codes:
            code += f" (images of the index: {', '.join(image.sub_image_failure_codes)})"
        lines.append([Span(f"      {image}  {code}")])
    if len(failed) > NAMED_FAILURES:
        lines.append([Span(f"      ... and {len(failed) - NAMED_FAILURES} more", QUIET_STYLE)])
    progress = backfill.progress
    if progress is not None and progress.failure_codes and not failed:
        lines.append([Span(f"      failure codes: {', '.join(progress.failure_codes)}")])
    return lines


def render_started_text(run: BackfillRun, *, color: bool = False) -> str:
    """Without --wait: what was started, and how to follow it later."""
    lines: list[Line] = [[Span("Started (they continue in AWS):", HEADER_STYLE)]]
    for backfill in run.followed_in_order:
        how = "started" if backfill.started_here else "already running"
        lines.append([Span(f"  {backfill.target}  {how}, id {backfill.backfill_id}")])
    lines.append([])
    lines.append(
        [
            Span(
                "Follow one with `aws ecr describe-replication-backfill-results "
                "--registry-id ACCOUNT --replication-backfill-id ID --region REGION` "
                "(the source's), or run `ecrrepl backfill --wait` to start and wait next time.",
                QUIET_STYLE,
            )
        ]
    )
    return render_lines(lines, color=color)
