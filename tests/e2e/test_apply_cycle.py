"""The main job, end to end: diff, apply across three accounts, apply again, change the
file, remove what it no longer declares, and restore the backup apply took."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from harness.lab import CONFIG, DR, EU, FOREIGN, REDUCED, SOURCE

pytestmark = pytest.mark.e2e

SID = "Ecrrepl123456789012uswest2"

# CONFIG again: rules, destinations, filters and keys in another order.
REORDERED = """\
registries:
  - rules:
      - destinations:
          - {region: us-east-2, account: "333333333333"}
        name: dr
      - destinations:
          - {account: "222222222222", region: eu-west-1}
          - region: us-east-1
        filters: [base-, prod/]
        name: prod
    region: us-west-2
    account: "123456789012"
accounts:
  "333333333333":
    role_arn: arn:aws:iam::333333333333:role/ecrrepl
  "222222222222":
    role_arn: arn:aws:iam::222222222222:role/ecrrepl
version: 1
"""

PLAN_TEXT = """\
registry 123456789012/us-west-2 — replication configuration
  + rule 'prod'
      filters: `base-`, `prod/`
      destinations: us-east-1 (123456789012), eu-west-1 (222222222222)
      → repositories matching `base-` or `prod/` start replicating to us-east-1 (123456789012) \
and eu-west-1 (222222222222)
  + rule 'dr'
      filters: none (every repository)
      destinations: us-east-2 (333333333333)
      → every repository starts replicating to us-east-2 (333333333333)

registry 222222222222/eu-west-1 — registry policy
  + statement Ecrrepl123456789012uswest2
      principal: arn:aws:iam::123456789012:root
      resources: repository/base-*, repository/prod/*
      → account 123456789012 (us-west-2) may now replicate into repository/base-* and \
repository/prod/* of this registry
  (1 unchanged statement hidden)

registry 333333333333/us-east-2 — registry policy
  + statement Ecrrepl123456789012uswest2
      principal: arn:aws:iam::123456789012:root
      resources: repository/*
      → account 123456789012 (us-west-2) may now replicate into repository/* of this registry

Plan: 4 to add, 0 to change, 0 to remove.
"""

NO_CHANGES = """\
(3 sections without changes hidden)

No changes. The live registries match the configuration.
"""


def characters(*statements: dict[str, Any]) -> int:
    """The length of the policy text ecrrepl sends for these statements."""
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    return len(json.dumps(policy, separators=(",", ":")))


# The write that leaves only the other owner's statement in the eu-west-1 policy.
FOREIGN_ONLY = (
    f"put the registry policy of 222222222222/eu-west-1 ({characters(FOREIGN)} characters)"
)

BACKUP_LINE = re.compile(
    r"^Backup of the previous state: (\.ecrrepl/backups/\S+\.json)  "
    r"\(undo with `ecrrepl restore \1`\)$",
    re.MULTILINE,
)


def backup_path(stdout: str) -> str:
    match = BACKUP_LINE.search(stdout)
    assert match is not None, stdout
    return match.group(1)


def ours(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in statements if s.get("Sid") == SID]


def test_first_apply_across_three_accounts_then_nothing_to_apply(lab: Any) -> None:
    lab.put_policy(EU, [FOREIGN])
    config = lab.write("ecrrepl.yaml", CONFIG)

    diff = lab.run("diff", "--exit-code", config)
    assert (diff.exit_code, diff.stdout, diff.stderr) == (3, PLAN_TEXT, "")

    applied = lab.run("apply", "--yes", config)

    backup = backup_path(applied.stdout)
    eu = lab.statements(EU)
    assert (applied.exit_code, applied.stderr) == (0, "")
    assert applied.stdout == (
        PLAN_TEXT
        + f"Backup of the previous state: {backup}  (undo with `ecrrepl restore {backup}`)\n"
        "Writing 3 documents:\n"
        "  done    put the registry policy of 222222222222/eu-west-1 "
        f"({characters(FOREIGN, eu[1])} characters)\n"
        "  done    put the registry policy of 333333333333/us-east-2 (263 characters)\n"
        "  done    put the replication configuration of 123456789012/us-west-2 (2 rules)\n"
        "Read back: the live registries match the configuration.\n"
        "Apply complete: 3 written.\n"
    )
    assert lab.replication(SOURCE) == {
        "rules": [
            {
                "destinations": [
                    {"region": "us-east-1", "registryId": "123456789012"},
                    {"region": "eu-west-1", "registryId": "222222222222"},
                ],
                "repositoryFilters": [
                    {"filter": "prod/", "filterType": "PREFIX_MATCH"},
                    {"filter": "base-", "filterType": "PREFIX_MATCH"},
                ],
            },
            {"destinations": [{"region": "us-east-2", "registryId": "333333333333"}]},
        ]
    }
    assert json.dumps(eu[0]) == json.dumps(FOREIGN)
    assert [s["Sid"] for s in eu] == [FOREIGN["Sid"], SID]
    assert ours(lab.statements(DR))[0]["Resource"] == [
        "arn:aws:ecr:us-east-2:333333333333:repository/*"
    ]
    assert len(lab.backups()) == 1

    again = lab.run("apply", "--yes", config)

    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        NO_CHANGES + "Nothing to apply.\n",
        "",
    )
    assert len(lab.backups()) == 1


def test_a_reordered_file_shows_no_changes(lab: Any) -> None:
    assert lab.run("apply", "--yes", lab.write("ecrrepl.yaml", CONFIG)).exit_code == 0

    diff = lab.run("diff", "--exit-code", lab.write("reordered.yaml", REORDERED))

    assert (diff.exit_code, diff.stdout, diff.stderr) == (0, NO_CHANGES, "")


def test_removing_a_rule_and_a_destination_keeps_other_owners_statements(lab: Any) -> None:
    lab.put_policy(EU, [FOREIGN])
    assert lab.run("apply", "--yes", lab.write("ecrrepl.yaml", CONFIG)).exit_code == 0
    reduced = lab.write("reduced.yaml", REDUCED)

    applied = lab.run("apply", "--yes", reduced)

    assert (applied.exit_code, applied.stderr) == (0, "")
    writes = applied.stdout.split("Writing 3 documents:\n")[1]
    assert writes == (
        # The source stops sending before the permissions it used are withdrawn.
        "  done    put the replication configuration of 123456789012/us-west-2 (1 rule)\n"
        f"  done    {FOREIGN_ONLY}\n"
        "  done    delete the registry policy of 333333333333/us-east-2 (no statement is left)\n"
        "Read back: the live registries match the configuration.\n"
        "Apply complete: 3 written.\n"
    )
    assert "  - live rule #2\n" in applied.stdout
    assert "      destination removed: eu-west-1 (222222222222)\n" in applied.stdout
    assert [json.dumps(s) for s in lab.statements(EU)] == [json.dumps(FOREIGN)]
    assert lab.policy_text(DR) is None
    assert lab.replication(SOURCE) == {
        "rules": [
            {
                "destinations": [{"region": "us-east-1", "registryId": "123456789012"}],
                "repositoryFilters": [
                    {"filter": "prod/", "filterType": "PREFIX_MATCH"},
                    {"filter": "base-", "filterType": "PREFIX_MATCH"},
                ],
            }
        ]
    }
    assert lab.run("diff", "--exit-code", reduced).exit_code == 0


def test_restore_puts_the_backup_back_once(lab: Any) -> None:
    lab.put_policy(EU, [FOREIGN])
    before = lab.state(SOURCE, EU, DR)
    applied = lab.run("apply", "--yes", lab.write("ecrrepl.yaml", CONFIG))
    assert applied.exit_code == 0, applied.stderr
    backup = backup_path(applied.stdout)

    restored = lab.run("restore", "--yes", backup)

    assert (restored.exit_code, restored.stderr) == (0, "")
    undo = backup_path(restored.stdout)
    taken = json.loads((lab.workdir / backup).read_text())["created_at"]
    assert restored.stdout == (
        f"Restoring {backup} (taken by apply at {taken}).\n"
        "  ~ put the replication configuration of 123456789012/us-west-2 (no rules: cleared)\n"
        f"  ~ {FOREIGN_ONLY}\n"
        "  ~ delete the registry policy of 333333333333/us-east-2 (no statement is left)\n"
        "What will be written:\n"
        "  replication configuration of 123456789012/us-west-2:\n"
        "      no rules: replication from this registry stops\n"
        "  ecrrepl's statements in the registry policy of 222222222222/eu-west-1:\n"
        "      - Ecrrepl123456789012uswest2: removed\n"
        "  ecrrepl's statements in the registry policy of 333333333333/us-east-2:\n"
        "      - Ecrrepl123456789012uswest2: removed\n"
        f"Backup of the previous state: {undo}  (undo with `ecrrepl restore {undo}`)\n"
        "Writing 3 documents:\n"
        "  done    put the replication configuration of 123456789012/us-west-2 "
        "(no rules: cleared)\n"
        f"  done    {FOREIGN_ONLY}\n"
        "  done    delete the registry policy of 333333333333/us-east-2 (no statement is left)\n"
        "Read back: the registries match the backup. Restore complete.\n"
    )
    after = lab.state(SOURCE, EU, DR)
    assert after[SOURCE] == before[SOURCE]
    assert after[DR] == before[DR]
    assert [json.dumps(s) for s in lab.statements(EU)] == [json.dumps(FOREIGN)]

    again = lab.run("restore", "--yes", backup)

    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        f"Restoring {backup} (taken by apply at {taken}).\n"
        "Nothing to restore: the registries already match the backup.\n",
        "",
    )
    assert len(lab.backups()) == 2


def test_without_a_terminal_and_without_yes_nothing_is_written(lab: Any) -> None:
    before = lab.state(SOURCE, EU, DR)
    config = lab.write("ecrrepl.yaml", CONFIG)

    refused = lab.run("apply", config)

    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        1,
        PLAN_TEXT.replace("  (1 unchanged statement hidden)\n", ""),
        "ecrrepl: error: no terminal to ask for confirmation on, and --yes was not given; "
        "nothing was written\n",
    )
    assert lab.state(SOURCE, EU, DR) == before
    assert lab.backups() == []


def test_restore_without_a_terminal_and_without_yes_writes_nothing(lab: Any) -> None:
    applied = lab.run("apply", "--yes", lab.write("ecrrepl.yaml", CONFIG))
    backup = backup_path(applied.stdout)
    before = lab.state(SOURCE, EU, DR)

    refused = lab.run("restore", backup)

    assert refused.exit_code == 1
    assert refused.stdout.startswith(f"Restoring {backup} (taken by apply at ")
    assert refused.stderr == (
        "ecrrepl: error: no terminal to ask for confirmation on, and --yes was not given; "
        "nothing was written\n"
    )
    assert lab.state(SOURCE, EU, DR) == before
    assert len(lab.backups()) == 1


def test_credentials_of_another_account_are_refused(lab: Any) -> None:
    wrong = lab.write("wrong.yaml", CONFIG.replace("123456789012", "111111111111"))
    before = lab.state(SOURCE, EU, DR, ("111111111111", "us-west-2"))

    refused = lab.run("apply", "--yes", wrong)

    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        1,
        "",
        "ecrrepl: error: credentials for account 111111111111 belong to account 123456789012 "
        "(via the default credential chain); nothing was written\n",
    )
    assert lab.state(SOURCE, EU, DR, ("111111111111", "us-west-2")) == before
    assert lab.backups() == []
