"""Registry policy statements: building, merging with foreign statements, checking grants."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.config.model import (
    Config,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.errors import UserError
from ecrrepl.policy import (
    MAX_POLICY_CHARS,
    PolicyStatement,
    merge_policy,
    missing_grants,
    owned_sids,
    parse_policy_text,
    policy_text,
    required_statements,
    statement_sid,
)
from ecrrepl.validation import load_files
from harness import models
from harness.models import registry

SOURCE = models.OREGON
OTHER_SOURCE = RegistryAddress("444444444444", "us-east-1")
DEST = models.IRELAND
ACTIONS = ["ecr:CreateRepository", "ecr:ReplicateImage"]


def rule_to(*destinations: RegistryAddress, filters: list[str] | None = None) -> ReplicationRule:
    return models.rule(*destinations, filters=filters)


def repo_arn(pattern: str, dest: RegistryAddress = DEST, partition: str = "aws") -> str:
    return f"arn:{partition}:ecr:{dest.region}:{dest.account}:repository/{pattern}"


def foreign_statements() -> list[dict[str, Any]]:
    return [
        {
            "Sid": "PullFromCi",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::999999999999:role/ci", "888888888888"]},
            "Action": "ecr:BatchGetImage",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}},
        },
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["ecr:DeleteRepository"],
            "Resource": ["arn:aws:ecr:eu-west-1:222222222222:repository/keep/*"],
        },
    ]


# --- statement_sid and the statements a configuration needs -------------------------


def test_sid_is_account_and_region_without_hyphens() -> None:
    assert statement_sid(SOURCE) == "Ecrrepl111111111111uswest2"
    assert statement_sid(RegistryAddress("123456789012", "cn-northwest-1")) == (
        "Ecrrepl123456789012cnnorthwest1"
    )


def test_statement_json_has_the_documented_shape() -> None:
    statement = PolicyStatement(SOURCE, DEST, (repo_arn("prod/*"),))
    assert statement.sid == "Ecrrepl111111111111uswest2"
    assert statement.as_json() == {
        "Sid": "Ecrrepl111111111111uswest2",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": ACTIONS,
        "Resource": ["arn:aws:ecr:eu-west-1:222222222222:repository/prod/*"],
    }


def test_same_account_destination_needs_no_statement() -> None:
    same_account = RegistryAddress("111111111111", "eu-west-1")
    config = Config(registries=(registry(SOURCE, rule_to(same_account)),))
    assert required_statements(config) == {}


def test_filters_become_repository_arn_patterns() -> None:
    config = Config(registries=(registry(SOURCE, rule_to(DEST, filters=["prod/", "base-"])),))
    assert required_statements(config) == {
        DEST: (PolicyStatement(SOURCE, DEST, (repo_arn("base-*"), repo_arn("prod/*"))),)
    }


def test_resources_are_the_union_across_rules_sorted_and_deduplicated() -> None:
    config = Config(
        registries=(
            registry(
                SOURCE,
                rule_to(DEST, filters=["web/", "api/"]),
                rule_to(DEST, filters=["api/", "batch-"]),
                # Covered by `web/`: adds nothing to what the statement allows.
                rule_to(DEST, filters=["web/frontend"]),
            ),
        )
    )
    (statement,) = required_statements(config)[DEST]
    assert statement.resources == (repo_arn("api/*"), repo_arn("batch-*"), repo_arn("web/*"))


def test_rule_without_filters_reaches_every_repository_alone() -> None:
    config = Config(registries=(registry(SOURCE, rule_to(DEST, filters=["prod/"]), rule_to(DEST)),))
    (statement,) = required_statements(config)[DEST]
    assert statement.resources == (repo_arn("*"),)


def test_one_statement_per_source_registry_in_sid_order() -> None:
    config = Config(
        registries=(
            registry(OTHER_SOURCE, rule_to(DEST, filters=["b/"])),
            registry(SOURCE, rule_to(DEST, filters=["a/"])),
            registry(RegistryAddress("111111111111", "us-east-1"), rule_to(DEST)),
        )
    )
    statements = required_statements(config)[DEST]
    assert [s.sid for s in statements] == [
        "Ecrrepl111111111111useast1",
        "Ecrrepl111111111111uswest2",
        "Ecrrepl444444444444useast1",
    ]
    assert [s.resources for s in statements] == [
        (repo_arn("*"),),
        (repo_arn("a/*"),),
        (repo_arn("b/*"),),
    ]


def test_each_destination_gets_its_own_statements() -> None:
    second = RegistryAddress("333333333333", "eu-central-1")
    config = Config(registries=(registry(SOURCE, rule_to(DEST, second, filters=["prod/"])),))
    required = required_statements(config)
    assert sorted(required) == [DEST, second]
    assert required[second][0].resources == (repo_arn("prod/*", second),)


def test_china_partition_arns() -> None:
    source = RegistryAddress("111111111111", "cn-north-1")
    dest = RegistryAddress("222222222222", "cn-northwest-1")
    config = Config(registries=(registry(source, rule_to(dest, filters=["prod/"])),))
    (statement,) = required_statements(config)[dest]
    body = statement.as_json()
    assert body["Principal"] == {"AWS": "arn:aws-cn:iam::111111111111:root"}
    assert body["Resource"] == ["arn:aws-cn:ecr:cn-northwest-1:222222222222:repository/prod/*"]


def test_owned_sids_cover_every_source_registry_even_without_cross_account_rules() -> None:
    config = Config(
        registries=(
            registry(SOURCE, rule_to(DEST)),
            registry(OTHER_SOURCE),
        )
    )
    assert owned_sids(config) == frozenset(
        {"Ecrrepl111111111111uswest2", "Ecrrepl444444444444useast1"}
    )


def test_statements_from_a_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(
        "version: 1\n"
        "registries:\n"
        '  - account: "111111111111"\n'
        "    region: us-west-2\n"
        "    rules:\n"
        "      - filters: [prod/]\n"
        '        destinations: [{account: "222222222222", region: eu-west-1}, '
        "{region: us-east-1}]\n"
    )
    config = load_files([str(path)]).config
    assert required_statements(config) == {
        DEST: (PolicyStatement(SOURCE, DEST, (repo_arn("prod/*"),)),)
    }


# --- merging into the live policy -----------------------------------------------------


def test_foreign_statements_are_kept_byte_for_byte_and_in_order() -> None:
    foreign = foreign_statements()
    live = {
        "Version": "2012-10-17",
        "Statement": [
            foreign[0],
            {"Sid": "Ecrrepl111111111111uswest2", "Effect": "Allow", "Principal": "*"},
            foreign[1],
        ],
    }
    before = [json.dumps(s) for s in foreign]
    live_before = copy.deepcopy(live)
    required = [PolicyStatement(SOURCE, DEST, (repo_arn("prod/*"),))]

    merged = merge_policy(live, required, owned={"Ecrrepl111111111111uswest2"})

    assert merged is not None
    assert [json.dumps(s) for s in merged["Statement"][:2]] == before
    assert merged["Statement"][2] == required[0].as_json()
    assert len(merged["Statement"]) == 3
    assert live == live_before, "the live policy must not be changed in place"


def test_required_statements_follow_foreign_ones_in_sid_order() -> None:
    required = [
        PolicyStatement(OTHER_SOURCE, DEST, (repo_arn("*"),)),
        PolicyStatement(SOURCE, DEST, (repo_arn("*"),)),
    ]
    live = {"Version": "2012-10-17", "Statement": foreign_statements()}
    merged = merge_policy(live, required, owned=set())
    assert merged is not None
    sids = [s.get("Sid") for s in merged["Statement"]]
    assert sids == [
        "PullFromCi",
        None,
        "Ecrrepl111111111111uswest2",
        "Ecrrepl444444444444useast1",
    ]


def test_owned_statement_no_longer_required_is_removed() -> None:
    live = {
        "Version": "2012-10-17",
        "Statement": [
            *foreign_statements(),
            PolicyStatement(SOURCE, DEST, (repo_arn("*"),)).as_json(),
            PolicyStatement(OTHER_SOURCE, DEST, (repo_arn("*"),)).as_json(),
        ],
    }
    still = PolicyStatement(OTHER_SOURCE, DEST, (repo_arn("b/*"),))
    merged = merge_policy(
        live, [still], owned={"Ecrrepl111111111111uswest2", "Ecrrepl444444444444useast1"}
    )
    assert merged is not None
    assert merged["Statement"] == [*foreign_statements(), still.as_json()]


def test_a_sid_that_belongs_to_nobody_here_is_foreign() -> None:
    # A source registry removed from the file is no longer owned: its statement stays.
    leftover = PolicyStatement(OTHER_SOURCE, DEST, (repo_arn("*"),)).as_json()
    merged = merge_policy({"Statement": [leftover]}, [], owned={"Ecrrepl111111111111uswest2"})
    assert merged == {"Statement": [leftover], "Version": "2012-10-17"}


def test_nothing_left_means_delete() -> None:
    live = {"Version": "2012-10-17", "Statement": [PolicyStatement(SOURCE, DEST, ()).as_json()]}
    assert merge_policy(live, [], owned={"Ecrrepl111111111111uswest2"}) is None
    assert merge_policy(None, [], owned=set()) is None


def test_no_live_policy_gives_a_new_document() -> None:
    required = [PolicyStatement(SOURCE, DEST, (repo_arn("*"),))]
    assert merge_policy(None, required, owned=set()) == {
        "Version": "2012-10-17",
        "Statement": [required[0].as_json()],
    }


def test_live_version_and_other_top_level_keys_are_kept() -> None:
    live = {"Version": "2008-10-17", "Id": "central-registry", "Statement": []}
    merged = merge_policy(live, [PolicyStatement(SOURCE, DEST, (repo_arn("*"),))], set())
    assert merged is not None
    assert merged["Version"] == "2008-10-17"
    assert merged["Id"] == "central-registry"


def test_single_statement_object_is_handled() -> None:
    foreign = foreign_statements()[0]
    live = {"Version": "2012-10-17", "Statement": foreign}
    required = PolicyStatement(SOURCE, DEST, (repo_arn("*"),))
    merged = merge_policy(live, [required], owned={required.sid})
    assert merged is not None
    assert merged["Statement"] == [foreign, required.as_json()]

    ours_alone = {"Version": "2012-10-17", "Statement": required.as_json()}
    assert merge_policy(ours_alone, [], owned={required.sid}) is None


# --- text and size ------------------------------------------------------------------


def test_policy_text_is_compact_json() -> None:
    policy = merge_policy(None, [PolicyStatement(SOURCE, DEST, (repo_arn("*"),))], set())
    assert policy is not None
    text = policy_text(policy)
    assert " " not in text
    assert json.loads(text) == policy
    assert text.startswith('{"Version":"2012-10-17","Statement":[{"Sid":"Ecrrepl')


def test_size_limit_is_reached_by_many_filters() -> None:
    prefixes = [f"{letter}{digit}" for letter in "abcdefghijklmnopqrst" for digit in range(10)]
    small = Config(registries=(registry(SOURCE, rule_to(DEST, filters=prefixes[:20])),))
    large = Config(
        registries=(
            registry(
                SOURCE,
                rule_to(DEST, filters=prefixes[:100]),
                rule_to(DEST, filters=prefixes[100:]),
            ),
        )
    )
    sizes = []
    for config in (small, large):
        policy = merge_policy(None, required_statements(config)[DEST], set())
        assert policy is not None
        sizes.append(len(policy_text(policy)))
    assert sizes[0] < MAX_POLICY_CHARS < sizes[1]


# --- parsing live text ---------------------------------------------------------------


def test_parse_policy_text_accepts_an_object() -> None:
    text = '{"Version":"2012-10-17","Statement":[]}'
    assert parse_policy_text(text, "registry policy of 222222222222/eu-west-1") == {
        "Version": "2012-10-17",
        "Statement": [],
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "is not valid JSON"),
        ("", "is not valid JSON"),
        ("[1, 2]", "not an object: list"),
        ('"text"', "not an object: str"),
    ],
)
def test_parse_policy_text_names_the_place(text: str, says: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_policy_text(text, "registry policy of 222222222222/eu-west-1")
    message = raised.value.message
    assert "registry policy of 222222222222/eu-west-1" in message
    assert says in message
    assert "\n" not in message


# --- checking a policy someone else manages -----------------------------------------

NEEDED = PolicyStatement(SOURCE, DEST, (repo_arn("prod/*"), repo_arn("base-*")))


def allow(principal: Any, action: Any, resource: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


@pytest.mark.parametrize(
    "live",
    [
        pytest.param(policy(NEEDED.as_json()), id="our own statement"),
        pytest.param(
            policy(allow({"AWS": "111111111111"}, ACTIONS, "*")), id="bare account id, any"
        ),
        pytest.param(
            policy(allow({"AWS": ["arn:aws:iam::111111111111:root"]}, "ecr:*", repo_arn("*"))),
            id="wildcard action and repository/*",
        ),
        pytest.param(
            policy(
                allow({"AWS": "arn:aws:iam::111111111111:root"}, "ecr:CreateRepository", "*"),
                allow({"AWS": "111111111111"}, ["ecr:replicateimage"], repo_arn("*")),
            ),
            id="two statements together, action case-insensitive",
        ),
        pytest.param(
            {"Statement": allow({"AWS": "111111111111"}, ACTIONS, "arn:aws:ecr:*:*:repository/*")},
            id="single statement object, wildcards in the ARN",
        ),
        pytest.param(
            policy(
                allow({"AWS": "111111111111"}, ACTIONS, [repo_arn("prod/*")]),
                allow({"AWS": "111111111111"}, ACTIONS, [repo_arn("base-*")]),
            ),
            id="resources split across statements",
        ),
    ],
)
def test_policy_that_grants_replication_has_nothing_missing(live: dict[str, Any]) -> None:
    assert missing_grants(live, NEEDED) == []


def test_no_policy_at_all() -> None:
    assert missing_grants(None, NEEDED) == [
        "222222222222/eu-west-1 has no registry policy; it must allow "
        "arn:aws:iam::111111111111:root ecr:CreateRepository and ecr:ReplicateImage"
    ]


def test_policy_for_another_principal() -> None:
    live = policy(allow({"AWS": "arn:aws:iam::111111111111:role/ci"}, ACTIONS, "*"))
    assert missing_grants(live, NEEDED) == [
        "no Allow statement names arn:aws:iam::111111111111:root (or 111111111111) as principal"
    ]


def test_missing_action() -> None:
    live = policy(allow({"AWS": "111111111111"}, "ecr:ReplicateImage", "*"))
    assert missing_grants(live, NEEDED) == [
        "ecr:CreateRepository is not allowed for arn:aws:iam::111111111111:root"
    ]


def test_missing_resources() -> None:
    live = policy(allow({"AWS": "111111111111"}, ACTIONS, repo_arn("prod/*")))
    assert missing_grants(live, NEEDED) == [
        f"ecr:CreateRepository is not allowed for arn:aws:iam::111111111111:root on "
        f"{repo_arn('base-*')}",
        f"ecr:ReplicateImage is not allowed for arn:aws:iam::111111111111:root on "
        f"{repo_arn('base-*')}",
    ]


def test_narrower_resource_does_not_cover() -> None:
    live = policy(allow({"AWS": "111111111111"}, ACTIONS, [repo_arn("prod/api*"), "base-*"]))
    assert len(missing_grants(live, NEEDED)) == 2


def test_explicit_deny_counts_as_not_granted() -> None:
    live = policy(
        allow({"AWS": "111111111111"}, ACTIONS, "*"),
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "ecr:ReplicateImage",
            "Resource": repo_arn("prod/secret*"),
        },
    )
    assert missing_grants(live, NEEDED) == [
        f"ecr:ReplicateImage is denied to arn:aws:iam::111111111111:root on {repo_arn('prod/*')}"
    ]


def test_deny_for_another_principal_does_not_matter() -> None:
    live = policy(
        allow({"AWS": "111111111111"}, ACTIONS, "*"),
        {
            "Effect": "Deny",
            "Principal": {"AWS": "999999999999"},
            "Action": "ecr:*",
            "Resource": "*",
        },
    )
    assert missing_grants(live, NEEDED) == []


def test_not_action_statements_do_not_grant() -> None:
    live = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "111111111111"},
            "NotAction": "ecr:DeleteRepository",
            "Resource": "*",
        }
    )
    assert missing_grants(live, NEEDED) == [
        "ecr:CreateRepository is not allowed for arn:aws:iam::111111111111:root",
        "ecr:ReplicateImage is not allowed for arn:aws:iam::111111111111:root",
    ]


def test_merged_policy_grants_what_it_was_built_for() -> None:
    merged = merge_policy(policy(*foreign_statements()), [NEEDED], owned={NEEDED.sid})
    assert merged is not None
    assert missing_grants(merged, NEEDED) == []


def test_merge_keeps_statements_whose_sid_is_not_a_string() -> None:
    # A policy read from AWS is not trusted to follow the grammar: odd Sids are foreign.
    odd = [{"Sid": ["x"]}, "junk", {"Sid": {"a": 1}}]
    merged = merge_policy({"Statement": odd}, [], {"Ecrrepl111111111111uswest2"})
    assert merged is not None
    assert merged["Statement"] == odd
