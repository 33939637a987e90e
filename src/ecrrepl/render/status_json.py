"""An image's replication status for programs: `status --format json` prints one object.

    {"image": {"repository": "prod/api", "tag": "1.0", "digest": "sha256:..."},
     "outcome": "complete",
     "waited": true, "timed_out": false, "elapsed_seconds": 14.0,
     "sources": [
       {"account": "111111111111", "region": "us-west-2", "found": true, "missing": null,
        "digest": "sha256:...", "arrived_from": null,
        "destinations": [
          {"account": "222222222222", "region": "eu-west-1", "status": "COMPLETE",
           "failure_code": null, "expected": true, "live_configuration_sends": null}]}]}

`outcome` is complete, in_progress, not_listed or failed (the exit code is 0 only for
complete). `status` is what AWS says (COMPLETE, IN_PROGRESS, FAILED, or a newer value
as it comes), or NOT_LISTED for an expected destination that AWS does not list;
`expected` is false for a destination only AWS lists. For a NOT_LISTED destination,
`live_configuration_sends` says whether the live replication configuration of the
source sends the repository there (true: AWS may list it later, and `--wait` waits;
false: the live configuration differs from the file); it is null for the others. A
source where the image was not found has `found: false`, `missing` saying why, and no
destinations. A source
whose copy of the image arrived by replication from another source checked here has
`arrived_from` naming that source; replication does not chain, so its destinations do
not count towards the outcome.
"""

from __future__ import annotations

from typing import Any

from ecrrepl.render.escape import json_document
from ecrrepl.replication_status import DestinationRow, SourceStatus, StatusReport


def render_status_json(report: StatusReport) -> str:
    return json_document(status_json_object(report)) + "\n"


def status_json_object(report: StatusReport) -> dict[str, Any]:
    digest = report.image.digest or next((s.digest for s in report.found if s.digest), None)
    return {
        "image": {
            "repository": report.image.repository,
            "tag": report.image.tag,
            "digest": digest,
        },
        "outcome": report.outcome.value,
        "waited": report.waited,
        "timed_out": report.timed_out,
        "elapsed_seconds": round(report.elapsed_seconds, 1),
        "sources": [_source_object(source) for source in report.sources],
    }


def _source_object(source: SourceStatus) -> dict[str, Any]:
    return {
        "account": source.source.account,
        "region": source.source.region,
        "found": source.missing is None,
        "missing": source.missing,
        "digest": source.digest,
        "arrived_from": None
        if source.arrived_from is None
        else {"account": source.arrived_from.account, "region": source.arrived_from.region},
        "destinations": [_row_object(row) for row in source.rows],
    }


def _row_object(row: DestinationRow) -> dict[str, Any]:
    return {
        "account": row.destination.account,
        "region": row.destination.region,
        "status": row.status,
        "failure_code": row.failure_code,
        "expected": row.expected,
        "live_configuration_sends": row.live_sends,
    }
