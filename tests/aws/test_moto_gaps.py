"""Each gap between moto and documented AWS: pinned in stock moto, and closed by the harness.

The pins run stock moto in a subprocess (the harness patches moto's classes for good
in this process). When a pin fails, moto has caught up: delete the patch it names from
src/ecrrepl/sandbox/ecr_gaps/, and the pin with it. The replication emulator (gaps d and e)
is tested in tests/emulator/.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from ecrrepl.sandbox import ecr_gaps
from harness.moto_probe import ecr_client, error_of

STOCK_MOTO_PROBE = textwrap.dedent(
    """
    import json
    import boto3
    from botocore.exceptions import ClientError
    from moto import mock_aws

    def outcome(call):
        try:
            answer = call()
        except NotImplementedError:
            return "NotImplementedError"
        except ClientError as error:
            return f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
        return answer

    def policy(actions):
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "S", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": actions, "Resource": "*"}]})

    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": 1, "digest": "sha256:" + "1" * 64},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 1, "digest": "sha256:" + "2" * 64}]})
    backfill = "00000000-0000-0000-0000-000000000000"
    destination = {"region": "us-east-1", "registryId": "123456789012"}
    rule = {"destinations": [destination]}
    deleting = {**rule, "deleteReplication": {"enabled": True}}
    observed = {}
    with mock_aws():
        ecr = boto3.client("ecr", region_name="us-west-2")
        observed["two_rules"] = outcome(lambda: ecr.put_replication_configuration(
            replicationConfiguration={"rules": [rule, rule]}))
        observed["twenty_five_rules"] = outcome(lambda: ecr.put_replication_configuration(
            replicationConfiguration={"rules": [rule] * 25}))
        ecr.put_replication_configuration(replicationConfiguration={"rules": [deleting]})
        observed["delete_replication_read_back"] = (
            ecr.describe_registry()["replicationConfiguration"]["rules"][0].get("deleteReplication"))
        observed["create_template"] = outcome(lambda: ecr.create_repository_creation_template(
            prefix="prod", appliedFor=["REPLICATION"]))
        observed["describe_templates"] = outcome(ecr.describe_repository_creation_templates)
        observed["update_template"] = outcome(lambda: ecr.update_repository_creation_template(
            prefix="prod"))
        observed["delete_template"] = outcome(lambda: ecr.delete_repository_creation_template(
            prefix="prod"))
        for name, actions in [("pull_through_cache_policy", ["ecr:BatchImportUpstreamImage"]),
                              ("wildcard_policy", "ecr:*")]:
            observed[name] = outcome(lambda: ecr.put_registry_policy(policyText=policy(actions)))
        # The configuration above sends every repository to us-east-1.
        ecr.create_repository(repositoryName="prod/api")
        ecr.put_image(repositoryName="prod/api", imageManifest=manifest, imageTag="v1")
        east = boto3.client("ecr", region_name="us-east-1")
        observed["replication_on_push"] = outcome(
            lambda: east.describe_images(repositoryName="prod/api")["imageDetails"])
        observed["describe_image_replication_status"] = outcome(
            lambda: ecr.describe_image_replication_status(
                repositoryName="prod/api", imageId={"imageTag": "v1"}))
        observed["start_backfill"] = outcome(
            lambda: ecr.start_replication_backfill(destination=destination))
        observed["describe_backfill_results"] = outcome(
            lambda: ecr.describe_replication_backfill_results(replicationBackfillId=backfill))
        observed["list_backfills"] = outcome(ecr.list_replication_backfills)
        ecr.create_repository(
            repositoryName="tags", imageTagMutability="MUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "release-*"}])
        ecr.put_image(repositoryName="tags", imageManifest=manifest, imageTag="releases")
        observed["retag_outside_wildcard"] = outcome(lambda: ecr.put_image(
            repositoryName="tags", imageManifest=manifest.replace("1" * 64, "3" * 64),
            imageTag="releases")["image"]["imageId"]["imageTag"])
        observed["stop_backfill"] = outcome(
            lambda: ecr.stop_replication_backfill(replicationBackfillId=backfill))
        for n in range(101):
            ecr.create_repository(repositoryName=f"page/r{n:03d}")
        observed["repository_pages"] = [
            {"listed": len(page["repositories"]), "nextToken": page.get("nextToken")}
            for page in (ecr.describe_repositories(), ecr.describe_repositories(maxResults=1))]
    print(json.dumps(observed, default=str))
    """
)


@pytest.fixture(scope="module")
def stock_moto(stock_moto_probe: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """What unpatched moto does, observed in a process the harness never touched."""
    return stock_moto_probe(STOCK_MOTO_PROBE)


INVALID_REGISTRY_POLICY = (
    "InvalidParameterException: Invalid parameter at 'PolicyText' failed to satisfy "
    "constraint: 'Invalid registry policy provided'"
)


# --- pins: the gaps in stock moto ----------------------------------------------------------


def test_gap_a_stock_moto_refuses_a_second_replication_rule(stock_moto: dict[str, Any]) -> None:
    assert stock_moto["two_rules"] == "ValidationException: This feature is disabled", (
        "moto accepts several replication rules now: remove put_replication_configuration "
        "from src/ecrrepl/sandbox/ecr_gaps/replication_configuration.py"
    )


def test_gap_a_stock_moto_refuses_the_25_rules_aws_allows(stock_moto: dict[str, Any]) -> None:
    # AWS allows 25 rules per registry (botocore ReplicationRuleList max 25).
    assert stock_moto["twenty_five_rules"] == "ValidationException: This feature is disabled", (
        "moto accepts 25 replication rules now: check whether it also refuses a 26th, then "
        "remove put_replication_configuration from src/ecrrepl/sandbox/ecr_gaps/"
    )


def test_stock_moto_already_keeps_delete_replication(stock_moto: dict[str, Any]) -> None:
    # Not a gap: the patch relies on moto storing the rule as sent.
    assert stock_moto["delete_replication_read_back"] == {"enabled": True}


@pytest.mark.parametrize(
    "operation", ["create_template", "describe_templates", "update_template", "delete_template"]
)
def test_gap_b_stock_moto_has_no_creation_templates(
    stock_moto: dict[str, Any], operation: str
) -> None:
    assert stock_moto[operation] == "NotImplementedError", (
        "moto implements repository creation templates now: remove the template patches "
        "from src/ecrrepl/sandbox/ecr_gaps/templates.py"
    )


@pytest.mark.parametrize("policy", ["pull_through_cache_policy", "wildcard_policy"])
def test_gap_c_stock_moto_refuses_other_ecr_actions_in_registry_policies(
    stock_moto: dict[str, Any], policy: str
) -> None:
    assert stock_moto[policy] == INVALID_REGISTRY_POLICY, (
        "moto accepts every ECR action in registry policies now: remove "
        "validate_registry_policy_actions from src/ecrrepl/sandbox/ecr_gaps/registry_policy.py"
    )


def test_gap_d_stock_moto_does_not_replicate_on_push(stock_moto: dict[str, Any]) -> None:
    assert stock_moto["replication_on_push"] == (
        "RepositoryNotFoundException: The repository with name 'prod/api' does not exist "
        "in the registry with id '123456789012'"
    ), (
        "moto replicates pushed images now: remove handle_put_image and "
        "handle_batch_delete_image from src/ecrrepl/sandbox/ecr_gaps/replication.py"
    )


def test_gap_d_stock_moto_has_no_image_replication_status(stock_moto: dict[str, Any]) -> None:
    assert stock_moto["describe_image_replication_status"] == "NotImplementedError", (
        "moto implements DescribeImageReplicationStatus now: remove "
        "handle_describe_image_replication_status from src/ecrrepl/sandbox/ecr_gaps/replication.py"
    )


@pytest.mark.parametrize(
    "operation",
    ["start_backfill", "describe_backfill_results", "list_backfills", "stop_backfill"],
)
def test_gap_e_stock_moto_has_no_replication_backfill(
    stock_moto: dict[str, Any], operation: str
) -> None:
    assert stock_moto[operation] == "NotImplementedError", (
        "moto implements replication backfills now: remove src/ecrrepl/sandbox/ecr_gaps/backfill.py"
    )


def test_gap_f_stock_moto_reads_exclusion_filters_as_regular_expressions(
    stock_moto: dict[str, Any],
) -> None:
    # `release-*` as a regular expression matched at the start covers `releases`; as the
    # WILDCARD filter it is, it does not, so the tag stays mutable and moves.
    refused = stock_moto["retag_outside_wildcard"]
    assert refused.startswith("ImageAlreadyExistsException: ") and "'releases'" in refused, (
        "moto matches exclusion filters as wildcards now: remove "
        "src/ecrrepl/sandbox/ecr_gaps/tag_mutability.py"
    )


def test_gap_i_stock_moto_lists_every_repository_in_one_page(stock_moto: dict[str, Any]) -> None:
    # 103 repositories (prod/api, tags and 101 more): AWS answers 100 without maxResults
    # and 1 with maxResults=1, each with a nextToken (API_DescribeRepositories.html).
    assert stock_moto["repository_pages"] == [{"listed": 103, "nextToken": None}] * 2, (
        "moto pages DescribeRepositories now: remove "
        "src/ecrrepl/sandbox/ecr_gaps/repository_pages.py"
    )


# --- the patched behaviour -----------------------------------------------------------------



def rule(*destinations: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {"destinations": [{"region": r, "registryId": a} for a, r in destinations], **extra}


def test_install_is_idempotent() -> None:
    ecr_gaps.install()
    from moto.ecr.models import ECRBackend
    from moto.ecr.responses import ECRResponse

    patched = ECRBackend.put_replication_configuration
    handlers = {name: getattr(ECRResponse, name) for name in ecr_gaps.ACTION_HANDLERS}

    ecr_gaps.install()

    assert ECRBackend.put_replication_configuration is patched
    assert patched is ecr_gaps.put_replication_configuration
    assert handlers == ecr_gaps.ACTION_HANDLERS
    assert {name: getattr(ECRResponse, name) for name in ecr_gaps.ACTION_HANDLERS} == handlers


def test_several_rules_are_kept_with_delete_replication(aws: None) -> None:
    ecr = ecr_client()
    rules = [
        rule(
            ("123456789012", "us-east-1"),
            repositoryFilters=[{"filter": "prod/", "filterType": "PREFIX_MATCH"}],
            deleteReplication={"enabled": True},
        ),
        rule(("222222222222", "eu-west-1")),
    ]

    ecr.put_replication_configuration(replicationConfiguration={"rules": rules})

    assert ecr.describe_registry()["replicationConfiguration"] == {"rules": rules}


def test_more_than_25_rules_are_refused(aws: None) -> None:
    # botocore's ReplicationRuleList: max 25 (10 before botocore 1.43.73).
    rules = [rule(("222222222222", "eu-west-1"))] * 26

    message = error_of(
        lambda: ecr_client().put_replication_configuration(
            replicationConfiguration={"rules": rules}
        )
    )

    assert message.startswith("InvalidParameterException: ")
    assert "at most 25 rules" in message
    assert ecr_client().describe_registry()["replicationConfiguration"] == {"rules": []}


def test_25_rules_are_accepted_and_read_back(aws: None) -> None:
    rules = [
        rule(("222222222222", "eu-west-1"), repositoryFilters=[
            {"filter": f"team-{n:02d}", "filterType": "PREFIX_MATCH"}
        ])
        for n in range(25)
    ]

    ecr_client().put_replication_configuration(replicationConfiguration={"rules": rules})

    assert ecr_client().describe_registry()["replicationConfiguration"] == {"rules": rules}


def test_more_than_25_unique_destinations_are_refused(aws: None) -> None:
    many = [(f"2222222222{n:02d}", "eu-west-1") for n in range(26)]
    rules = [rule(*many[:13]), rule(*many[13:])]

    message = error_of(
        lambda: ecr_client().put_replication_configuration(
            replicationConfiguration={"rules": rules}
        )
    )

    assert "At most 25 unique destinations" in message


def test_25_unique_destinations_are_accepted(aws: None) -> None:
    many = [(f"2222222222{n:02d}", "eu-west-1") for n in range(25)]
    rules = [rule(*many[:13]), rule(*many[13:]), rule(*many[:2])]

    ecr_client().put_replication_configuration(replicationConfiguration={"rules": rules})


def test_the_source_registry_is_refused_as_destination_in_any_rule(aws: None) -> None:
    rules = [rule(("222222222222", "eu-west-1")), rule(("123456789012", "us-west-2"))]

    message = error_of(
        lambda: ecr_client().put_replication_configuration(
            replicationConfiguration={"rules": rules}
        )
    )

    assert "cannot be the same as the source registry" in message


def registry_policy(actions: Any) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "S",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                    "Action": actions,
                    "Resource": "arn:aws:ecr:eu-west-1:123456789012:repository/*",
                }
            ],
        }
    )


@pytest.mark.parametrize(
    "actions",
    [
        ["ecr:ReplicateImage", "ecr:CreateRepository"],
        ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        "ecr:*",
    ],
)
def test_registry_policies_accept_every_ecr_action(aws: None, actions: Any) -> None:
    ecr = ecr_client("eu-west-1")

    ecr.put_registry_policy(policyText=registry_policy(actions))

    assert json.loads(ecr.get_registry_policy()["policyText"]) == json.loads(
        registry_policy(actions)
    )


def test_registry_policies_refuse_actions_of_other_services(aws: None) -> None:
    message = error_of(
        lambda: ecr_client("eu-west-1").put_registry_policy(
            policyText=registry_policy(["ecr:ReplicateImage", "s3:GetObject"])
        )
    )

    assert message == INVALID_REGISTRY_POLICY


# --- gap g: IAM enforcement (its own probe: moto must enforce IAM from a given request) ----

IAM_PROBE = textwrap.dedent(
    """
    import json
    import boto3
    from botocore.exceptions import ClientError
    from moto import mock_aws, settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from harness_probe_setup import arrange

    with mock_aws():
        keys = arrange()
        settings.INITIAL_NO_AUTH_ACTION_COUNT = ActionAuthenticatorMixin.request_count
        ecr = boto3.client("ecr", region_name="us-west-2", **keys)
        observed = {}
        for name in ("prod/api", "other/tool"):
            try:
                ecr.describe_images(repositoryName=name)
                observed[name] = "allowed"
            except ClientError as error:
                observed[name] = error.response["Error"]["Code"]
    print(json.dumps(observed))
    """
)

# A user allowed to describe the images of prod/ repositories only, and two repositories.
IAM_PROBE_SETUP = textwrap.dedent(
    """
    import json
    import boto3

    def arrange():
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="ci")
        iam.put_user_policy(UserName="ci", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "ecr:DescribeImages",
                           "Resource": "arn:aws:ecr:us-west-2:123456789012:repository/prod/*"}]}))
        keys = iam.create_access_key(UserName="ci")["AccessKey"]
        ecr = boto3.client("ecr", region_name="us-west-2")
        for name in ("prod/api", "other/tool"):
            ecr.create_repository(repositoryName=name)
        return {"aws_access_key_id": keys["AccessKeyId"],
                "aws_secret_access_key": keys["SecretAccessKey"]}
    """
)


@pytest.fixture(scope="module")
def stock_moto_enforcing_iam(
    tmp_path_factory: pytest.TempPathFactory, stock_moto_probe: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("iam-probe")
    (folder / "harness_probe_setup.py").write_text(IAM_PROBE_SETUP, encoding="utf-8")
    return stock_moto_probe(IAM_PROBE, cwd=folder)


def test_gap_g_stock_moto_checks_repository_actions_against_star(
    stock_moto_enforcing_iam: dict[str, Any],
) -> None:
    # Refused although the policy allows prod/*, and refused in XML, which botocore's JSON
    # parser reads as the bare status code.
    assert stock_moto_enforcing_iam == {"prod/api": "403", "other/tool": "403"}, (
        "moto authorises ECR repository actions against their ARN, or refuses in JSON, now: "
        "remove the patch it implements from src/ecrrepl/sandbox/ecr_gaps/iam_enforcement.py"
    )


def test_repository_actions_are_authorised_against_the_repository_arn(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    namespace: dict[str, Any] = {}
    exec(IAM_PROBE_SETUP, namespace)  # the probe's own setup, run here with the patches
    keys = namespace["arrange"]()
    monkeypatch.setattr(
        settings, "INITIAL_NO_AUTH_ACTION_COUNT", ActionAuthenticatorMixin.request_count
    )
    ecr = boto3.client("ecr", region_name="us-west-2", **keys)

    assert ecr.describe_images(repositoryName="prod/api")["imageDetails"] == []
    assert error_of(lambda: ecr.describe_images(repositoryName="other/tool")) == (
        "AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to "
        "perform: ecr:DescribeImages on resource: "
        "arn:aws:ecr:us-west-2:123456789012:repository/other/tool"
    )
    assert error_of(ecr.describe_registry) == (
        "AccessDeniedException: User: arn:aws:iam::123456789012:user/ci is not authorized to "
        "perform: ecr:DescribeRegistry on resource: *"
    )


# --- expiring credentials (sandbox/ecr_gaps/credentials.py, for the tests that move time) ---


def test_stock_moto_ecr_accepts_credentials_that_have_expired(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime

    import moto.sts.models

    from ecrrepl.sandbox.ecr_gaps.credentials import issued_expiry

    # STS issues the credentials two hours ago, for one hour: they expired an hour ago.
    past = moto.sts.models.utcnow() - datetime.timedelta(hours=2)
    with monkeypatch.context() as patch:
        patch.setattr(moto.sts.models, "utcnow", lambda: past)
        answer = boto3.client("sts", region_name="us-east-1").assume_role(
            RoleArn="arn:aws:iam::222222222222:role/expired", RoleSessionName="expired"
        )["Credentials"]
    expiry = issued_expiry(answer["AccessKeyId"])
    assert expiry is not None and expiry < datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    ecr = boto3.client(
        "ecr",
        region_name="eu-west-1",
        aws_access_key_id=answer["AccessKeyId"],
        aws_secret_access_key=answer["SecretAccessKey"],
        aws_session_token=answer["SessionToken"],
    )

    assert ecr.describe_registry()["registryId"] == "222222222222", (
        "moto refuses expired credentials now (ExpiredTokenException): the ECR half of "
        "credentials_expiring_on in src/ecrrepl/sandbox/ecr_gaps/credentials.py can go"
    )
