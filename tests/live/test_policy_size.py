"""A registry policy that would exceed the 10240 characters ECR accepts is refused before
anything is written: by the lint when ecrrepl's own statements are too long, by the plan
when the statements of other owners already fill the live policy."""

from __future__ import annotations

import json

from harness import lab
from harness.lab import EU
from harness.live_steps import Live
from harness.policies import repositories, root, statement


def test_other_owners_statements_leave_no_room_so_nothing_is_written(
    aws: None, config_file: str, live: Live
) -> None:
    crowded = {
        "Version": "2012-10-17",
        "Statement": [
            statement(
                f"Team{index:03d}",
                root(f"{index:012d}"),
                "ecr:ReplicateImage",
                repositories(EU, f"team-{index:03d}/*"),
            )
            for index in range(1, 54)
        ],
    }
    text = json.dumps(crowded, separators=(",", ":"))
    assert 9_900 < len(text) < 10_240
    live.ecr(EU).put_registry_policy(policyText=text)
    before = live.live_state()

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.exit_code == 1
    assert "registry 222222222222/eu-west-1 — registry policy" in outcome.stdout
    size = (
        len(text)
        + 1
        + len(
            json.dumps(
                {
                    "Sid": "Ecrrepl123456789012uswest2",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
                    "Resource": [
                        "arn:aws:ecr:eu-west-1:222222222222:repository/base-*",
                        "arn:aws:ecr:eu-west-1:222222222222:repository/prod/*",
                    ],
                },
                separators=(",", ":"),
            )
        )
    )
    assert (
        f"the registry policy of 222222222222/eu-west-1 would be {size} characters, over "
        "the 10240 that ECR accepts" in outcome.stdout
    )
    assert "Writing" not in outcome.stdout
    assert outcome.stderr == ("ecrrepl: error: the plan has errors (above); nothing was written\n")
    assert live.live_state() == before
    assert live.backup_files() == []

    diff = live.run("diff", config_file)
    assert diff.exit_code == 1
    assert diff.stdout == outcome.stdout


def test_own_statements_too_long_are_refused_before_aws_is_reached(live: Live) -> None:
    # No moto at all: reaching AWS here would fail on the fake credentials.
    filters = ", ".join(f"team-{index:03d}-{'x' * 60}/" for index in range(100))
    config = live.write_file("ecrrepl.yaml", lab.to_eu((lab.SOURCE, filters)))

    outcome = live.run("apply", "--yes", config)

    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    assert "E203" in outcome.stderr
    assert outcome.stderr.endswith(
        "ecrrepl: error: the configuration has 1 error; nothing was read from or written to AWS\n"
    )
