"""`ecrrepl backfill --format json`: one object on stdout, for scripts.

A dry run:

    {"dry_run": true, "outcome": "counted",        # or "not_live": one was not counted
     "missing_images": 9,
     "destinations": [
       {"source": {"account": "111111111111", "region": "us-west-2"},
        "destination": {"account": "222222222222", "region": "eu-west-1"},
        "live": true, "filters": ["prod/"],        # null: the live rules send everything
        "missing_images": 3, "not_compared": null,   # or why the destination was not read
        "repositories": [{"name": "prod/api", "images": 2, "missing_images": 2}]},
       {"source": ..., "destination": ..., "live": false, "filters": null,
        "missing_images": null, "not_compared": null, "repositories": []}]}

Starting (and with --wait, waiting for) the backfills:

    {"dry_run": false, "waited": true, "timed_out": false,
     "outcome": "complete",     # started (no --wait), complete, failed or timed_out
     "backfills": [
       {"source": ..., "destination": ..., "id": "...", "started_here": true,
        "status": "COMPLETE", "failure_code": null,
        "progress": {"total": 3, "completed": 3, "failed": 0, "failure_codes": []},
        "failed_images": [{"repository": "prod/web", "tag": "2.0", "digest": null,
                           "failure_code": "PERMISSION_DENIED",
                           "sub_image_failure_codes": []}]}],
     "not_started": [{"source": ..., "destination": ...}]}

`status` and the failure codes are AWS's, as they come. The exit code goes with
`outcome`: 0 for counted, started and complete; 1 for the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ecrrepl.backfill import Backfill, BackfillRun, BackfillTarget, DryRunEntry
from ecrrepl.config.model import RegistryAddress
from ecrrepl.render.escape import json_document


def render_dry_run_json(entries: Sequence[DryRunEntry]) -> str:
    counted = [entry for entry in entries if entry.live]
    document = {
        "dry_run": True,
        "outcome": "counted" if len(counted) == len(entries) else "not_live",
        "missing_images": sum(entry.missing for entry in counted),
        "destinations": [_entry(entry) for entry in entries],
    }
    return json_document(document) + "\n"


def render_run_json(run: BackfillRun, *, waited: bool, timed_out: bool) -> str:
    document = {
        "dry_run": False,
        "waited": waited,
        "timed_out": timed_out,
        "outcome": _outcome(run, waited=waited, timed_out=timed_out),
        "backfills": [_backfill(backfill) for backfill in run.followed_in_order],
        "not_started": [_target(target) for target in run.queue],
    }
    return json_document(document) + "\n"


def _outcome(run: BackfillRun, *, waited: bool, timed_out: bool) -> str:
    if timed_out:
        return "timed_out"
    if not waited:
        return "started"
    return "complete" if all(b.succeeded for b in run.followed) else "failed"


def _registry(address: RegistryAddress) -> dict[str, str]:
    return {"account": address.account, "region": address.region}


def _target(target: BackfillTarget) -> dict[str, Any]:
    return {"source": _registry(target.source), "destination": _registry(target.destination)}


def _entry(entry: DryRunEntry) -> dict[str, Any]:
    return {
        **_target(entry.target),
        "live": entry.live,
        "filters": None if entry.prefixes is None else sorted(entry.prefixes),
        "missing_images": entry.missing if entry.live else None,
        # Why the destination's images were not read; every image then counts as missing.
        "not_compared": entry.not_compared,
        "repositories": [
            {"name": r.name, "images": r.images, "missing_images": r.missing}
            for r in entry.repositories
        ],
    }


def _backfill(backfill: Backfill) -> dict[str, Any]:
    progress = backfill.progress
    return {
        **_target(backfill.target),
        "id": backfill.backfill_id,
        "started_here": backfill.started_here,
        "status": backfill.status,
        "failure_code": backfill.failure_code,
        "progress": None
        if progress is None
        else {
            "total": progress.total,
            "completed": progress.completed,
            "failed": progress.failed,
            "failure_codes": list(progress.failure_codes),
        },
        "failed_images": [
            {
                "repository": image.repository,
                "tag": image.tag,
                "digest": image.digest,
                "failure_code": image.failure_code,
                "sub_image_failure_codes": list(image.sub_image_failure_codes),
            }
            for image in backfill.failed_images
        ],
    }
