"""AWS answers that are not what the API promises: one line naming the operation, account
and region, exit 1, nothing written; never a traceback or "internal error".

The bodies are sent as the HTTP answer of the (moto) endpoint, so they go through
botocore's own parser, as an answer from a proxy or a broken endpoint would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from moto.ecr.responses import ECRResponse
from moto.sts.responses import TokenResponse

from harness import lab
from harness.live_steps import Live

Answer = Callable[..., Any]
DEEP_POLICY = json.dumps({"Version": "2012-10-17", "Statement": []})[:-1] + ', "x": '
DEEP_POLICY += "[" * 5000 + "]" * 5000 + "}"
HTML = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


def body(text: str) -> Answer:
    return lambda self, *args, **kwargs: text


def registry_policy(text: str) -> Answer:
    return body(json.dumps({"registryId": lab.EU[0], "policyText": text}))


def rules(*rule: Any) -> Answer:
    return body(
        json.dumps({"registryId": lab.SOURCE[0], "replicationConfiguration": {"rules": list(rule)}})
    )


DESCRIBE_REGISTRY = "DescribeRegistry in account 123456789012 region us-west-2"
GET_POLICY = "GetRegistryPolicy in account 222222222222 region eu-west-1"
CANNOT_READ = "returned an answer ecrrepl cannot read"

CASES = {
    "rules not a list": (
        "describe_registry",
        body('{"replicationConfiguration": {"rules": "all"}}'),
        f"{DESCRIBE_REGISTRY} {CANNOT_READ}: it is not in the API's format "
        "(botocore's parser failed: AttributeError)",
    ),
    "destination region a number": (
        "describe_registry",
        rules({"destinations": [{"region": 5, "registryId": "123456789012"}]}),
        f"{DESCRIBE_REGISTRY} {CANNOT_READ}: "
        "replicationConfiguration.rules[0].destinations[0].region is a number, not a string",
    ),
    "destination without registryId": (
        "describe_registry",
        rules({"destinations": [{"region": "us-east-1"}]}),
        f"{DESCRIBE_REGISTRY} {CANNOT_READ}: "
        "replicationConfiguration.rules[0].destinations[0].registryId is missing",
    ),
    "rule without destinations": (
        "describe_registry",
        rules({"repositoryFilters": [{"filter": "prod/", "filterType": "PREFIX_MATCH"}]}),
        f"{DESCRIBE_REGISTRY} {CANNOT_READ}: "
        "replicationConfiguration.rules[0].destinations is missing",
    ),
    "another registry's answer": (
        "describe_registry",
        body('{"registryId": "999999999999"}'),
        f"{DESCRIBE_REGISTRY} {CANNOT_READ}: "
        "registryId is '999999999999', not the account asked about",
    ),
    "a JSON null": (
        "describe_registry",
        body("null"),
        f"{DESCRIBE_REGISTRY} {CANNOT_READ}: it is not in the API's format "
        "(botocore's parser failed: AttributeError)",
    ),
    "policy text not JSON": (
        "get_registry_policy",
        registry_policy("{not json"),
        "the registry policy that GetRegistryPolicy returned in account 222222222222 region "
        "eu-west-1 is not valid JSON (Expecting property name enclosed in double quotes at "
        "line 1, column 2)",
    ),
    "policy text not an object": (
        "get_registry_policy",
        registry_policy("42"),
        "the registry policy that GetRegistryPolicy returned in account 222222222222 region "
        "eu-west-1 is JSON but not an object: int",
    ),
    "policy text 5000 deep": (
        "get_registry_policy",
        registry_policy(DEEP_POLICY),
        "the registry policy that GetRegistryPolicy returned in account 222222222222 region "
        "eu-west-1 is nested deeper than 64 levels, more than any policy",
    ),
    "policy text a number": (
        "get_registry_policy",
        body('{"policyText": 7}'),
        f"{GET_POLICY} {CANNOT_READ}: policyText is a number, not a string",
    ),
    "an HTML page for the policy": (
        "get_registry_policy",
        body(HTML),
        f"{GET_POLICY} {CANNOT_READ}: policyText is missing",
    ),
    "policy answer without the text": (
        "get_registry_policy",
        body('{"registryId": "222222222222"}'),
        f"{GET_POLICY} {CANNOT_READ}: policyText is missing",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", [("diff",), ("apply", "--yes")])
def test_a_malformed_answer_is_one_line_and_writes_nothing(
    aws: None,
    config_file: str,
    live: Live,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    case: str,
) -> None:
    operation, answer, message = CASES[case]
    before = live.live_state()
    monkeypatch.setattr(ECRResponse, operation, answer)

    outcome = live.run(*command, config_file)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        f"ecrrepl: error: {message}\n",
    )
    monkeypatch.undo()
    assert live.live_state() == before
    assert live.backup_files() == []


TEMPLATES = "DescribeRepositoryCreationTemplates in account 222222222222 region eu-west-1"


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ({"appliedFor": ["REPLICATION"]}, "repositoryCreationTemplates[0].prefix is missing"),
        (
            {"prefix": "prod", "appliedFor": [5]},
            "repositoryCreationTemplates[0].appliedFor[0] is a number, not a string",
        ),
        (
            {"prefix": "prod", "resourceTags": [{"Value": "x"}]},
            "repositoryCreationTemplates[0].resourceTags[0].Key is missing",
        ),
        (
            {"prefix": "prod", "encryptionConfiguration": {"kmsKey": "k"}},
            "repositoryCreationTemplates[0].encryptionConfiguration.encryptionType is missing",
        ),
    ],
)
def test_a_malformed_template_listing_is_one_line(
    aws: None, live: Live, monkeypatch: pytest.MonkeyPatch, template: dict[str, Any], problem: str
) -> None:
    config = live.write_file(
        "templates.yaml",
        lab.CONFIG
        + '\ntemplates:\n  - {account: "222222222222", region: eu-west-1, prefix: prod}\n',
    )
    monkeypatch.setattr(
        ECRResponse,
        "describe_repository_creation_templates",
        body(json.dumps({"registryId": "222222222222", "repositoryCreationTemplates": [template]})),
    )

    outcome = live.run("diff", config)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == f"ecrrepl: error: {TEMPLATES} {CANNOT_READ}: {problem}\n"


def test_a_template_lifecycle_policy_too_deep_is_one_line(
    aws: None, live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = live.write_file(
        "templates.yaml",
        lab.CONFIG
        + '\ntemplates:\n  - {account: "222222222222", region: eu-west-1, prefix: prod}\n',
    )
    template = {"prefix": "prod", "appliedFor": ["REPLICATION"], "lifecyclePolicy": "[" * 5000}
    monkeypatch.setattr(
        ECRResponse,
        "describe_repository_creation_templates",
        body(json.dumps({"repositoryCreationTemplates": [template]})),
    )

    outcome = live.run("diff", config)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        "ecrrepl: error: the lifecycle policy of template 'prod' in account 222222222222 region "
        "eu-west-1 (DescribeRepositoryCreationTemplates) is nested deeper than 64 levels, more "
        "than any policy\n"
    )


ASSUME_ROLE = (
    "ecrrepl: error: AssumeRole of arn:aws:iam::222222222222:role/ecrrepl in account "
    f"222222222222 region eu-west-1 {CANNOT_READ}: "
)


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        # Well-formed markup that is not STS's answer: botocore's XML parser looks for
        # AssumeRoleResult and fails with a KeyError of its own.
        (HTML, "it is not in the API's format (botocore's parser failed: KeyError)"),
        (
            "<html><body><p>Bad Gateway</body></html>",
            "it is not in the API's format (Unable to parse response (mismatched tag: line 1, "
            "column 28), invalid XML received. Further retries may succeed)",
        ),
        (
            "<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>",
            "Credentials is missing",
        ),
    ],
)
def test_an_html_page_for_assume_role_is_one_line(
    aws: None,
    config_file: str,
    run: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    page: str,
    problem: str,
) -> None:
    monkeypatch.setattr(TokenResponse, "assume_role", body(page))

    outcome = run("diff", config_file)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == ASSUME_ROLE + problem + "; nothing was written\n"


STATUS = "DescribeImageReplicationStatus in account 123456789012 region us-west-2"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (
            {"replicationStatuses": [{"region": "us-east-1", "status": "COMPLETE"}]},
            "replicationStatuses[0].registryId is missing",
        ),
        (
            {
                "replicationStatuses": [
                    {"region": "us-east-1", "registryId": "123456789012", "status": 1}
                ]
            },
            "replicationStatuses[0].status is a number, not a string",
        ),
        (
            {"imageId": "sha256:0", "replicationStatuses": []},
            "it is not in the API's format (botocore's parser failed: AttributeError)",
        ),
    ],
)
def test_a_malformed_replication_status_is_one_line(
    aws: None,
    config_file: str,
    run: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    answer: dict[str, Any],
    problem: str,
) -> None:
    monkeypatch.setattr(ECRResponse, "describe_image_replication_status", body(json.dumps(answer)))

    outcome = run("status", config_file, "--repository", "prod/api", "--tag", "1.0")

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == f"ecrrepl: error: {STATUS} {CANNOT_READ}: {problem}\n"
