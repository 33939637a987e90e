"""Files that cannot be used: a missing configuration, plan or backup is a usage error
(exit 2); a backup that is corrupt is refused in one line (exit 1). Nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.live_steps import Live


@pytest.mark.parametrize(
    ("command", "missing"),
    [
        (("diff",), "missing.yaml"),
        (("apply", "--yes"), "missing.yaml"),
        (("policy",), "missing.yaml"),
        (("apply", "--yes"), "missing-plan.json"),
        (("restore", "--yes"), "missing-backup.json"),
    ],
)
def test_a_missing_file_is_a_usage_error(
    workdir: Path, run: Callable[..., Any], command: tuple[str, ...], missing: str
) -> None:
    outcome = run(*command, missing)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2,
        "",
        f"ecrrepl: error: {missing}: no such file\n",
    )
    assert not (workdir / ".ecrrepl").exists()


def test_no_file_given_and_no_default_file(workdir: Path, run: Callable[..., Any]) -> None:
    outcome = run("diff")

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2,
        "",
        "ecrrepl: error: no ecrrepl.yaml and no ecrrepl/ folder here; name the "
        "configuration's files or folder\n",
    )


VALID_BACKUP: dict[str, Any] = {
    "format": "ecrrepl-backup",
    "format_version": 3,
    "taken_by": "apply",
    "created_at": "2025-01-01T00:00:00Z",
    "accounts": {},
    "replication": {
        "123456789012/us-west-2": {
            "rules": [{"destinations": [{"region": "us-east-1", "registryId": "123456789012"}]}]
        }
    },
    "registry_policies": {},
    "templates": {},
    "templates_written": {},
    "owned_sids": ["Ecrrepl123456789012uswest2"],
    "sources": ["123456789012/us-west-2"],
    "replication_written": {"123456789012/us-west-2": {"rules": []}},
    "statements_written": {},
}


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """VALID_BACKUP with the value at `path` replaced."""
    data: dict[str, Any] = json.loads(json.dumps(VALID_BACKUP))
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


# A template whose lifecycle policy AWS would refuse (countNumber 0).
REFUSED_LIFECYCLE_TEMPLATES = {
    "222222222222/eu-west-1": {
        "prod": {
            "prefix": "prod",
            "appliedFor": ["REPLICATION"],
            "lifecyclePolicy": json.dumps(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": 0,
                            },
                            "action": {"type": "expire"},
                        }
                    ]
                }
            ),
        }
    }
}

CORRUPT_BACKUPS = [
    ("", "backup.json is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    (
        json.dumps(VALID_BACKUP)[:120],
        "backup.json is not valid JSON: Expecting value: line 1 column 121 (char 120)",
    ),
    (
        "[]",
        'backup.json is not a usable backup: it is not an ecrrepl backup (no "format": '
        '"ecrrepl-backup")',
    ),
    (
        json.dumps(_with(("format_version",), 7)),
        "backup.json is not a usable backup: format_version 7 is not supported",
    ),
    (
        json.dumps(
            _with(("replication", "123456789012/us-west-2", "rules", 0, "destinations"), [{}])
        ),
        "backup.json is not a usable backup: replication of 123456789012/us-west-2: "
        "the field 'registryId' is missing",
    ),
    (
        json.dumps(
            _with(
                ("replication", "123456789012/us-west-2", "rules", 0, "destinations"),
                [{"region": "us-east-1", "registryId": 123456789012}],
            )
        ),
        "backup.json is not a usable backup: replication of 123456789012/us-west-2: "
        "rule 1: registryId 123456789012 is not 12 digits",
    ),
    (
        json.dumps(_with(("replication",), {"123456789012-us-west-2": {"rules": []}})),
        "backup.json is not a usable backup: replication of 123456789012-us-west-2: "
        "'123456789012-us-west-2' is not ACCOUNT/REGION",
    ),
    (
        json.dumps(_with(("registry_policies",), {"222222222222/eu-west-1": "not an object"})),
        "backup.json is not a usable backup: registry policy of 222222222222/eu-west-1: "
        "the policy is not a JSON object",
    ),
    (
        json.dumps(_with(("templates",), {"222222222222/eu-west-1": {"prod": {"x": 1}}})),
        "backup.json is not a usable backup: template 'prod' of 222222222222/eu-west-1: "
        "the field 'prefix' is missing",
    ),
    (
        json.dumps(
            _with(
                ("replication", "123456789012/us-west-2", "rules", 0, "destinations"),
                [{"region": "mars-1", "registryId": "123456789012"}],
            )
        ),
        "backup.json is not a usable backup: E105: unknown region 'mars-1'; it is in none "
        "of the AWS partitions botocore knows",
    ),
    (
        json.dumps(
            _with(
                ("templates",),
                {
                    "222222222222/eu-west-1": {
                        "prod": {"prefix": "prod", "appliedFor": "REPLICATION"}
                    }
                },
            )
        ),
        "backup.json is not a usable backup: template 'prod' of 222222222222/eu-west-1: "
        "appliedFor 'REPLICATION' is not a list of ['REPLICATION', 'PULL_THROUGH_CACHE', "
        "'CREATE_ON_PUSH']",
    ),
    (
        json.dumps(
            {
                **_with(("templates",), REFUSED_LIFECYCLE_TEMPLATES),
                "templates_written": REFUSED_LIFECYCLE_TEMPLATES,
            }
        ),
        "backup.json is not a usable backup: E312: `lifecycle_policy` of template 'prod' "
        "at rules[0].selection.countNumber: `countNumber` must be a whole number of at "
        "least 1, not 0",
    ),
    (
        json.dumps(_with(("owned_sids",), "Ecrrepl123456789012uswest2")),
        "backup.json is not a usable backup: owned_sids is not a list of strings",
    ),
]


@pytest.mark.parametrize(("text", "message"), CORRUPT_BACKUPS)
def test_a_corrupt_backup_is_refused_in_one_line(
    aws: None, live: Live, text: str, message: str
) -> None:
    before = live.live_state()
    backup = live.write_file("backup.json", text)

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        f"ecrrepl: error: {message}\n",
    )
    assert live.live_state() == before
    assert live.backup_files() == []


def test_a_backup_that_names_no_registry_restores_nothing(workdir: Path, live: Live) -> None:
    empty = dict(VALID_BACKUP, replication={}, replication_written={})
    backup = live.write_file("backup.json", json.dumps(empty))

    outcome = live.run("restore", "--yes", backup)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        0,
        "backup.json holds nothing to restore.\n",
        "",
    )
