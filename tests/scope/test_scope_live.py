"""`--registry` against the ECR emulator, in-process: a scoped run reads and writes its
source registries and what they need, and nothing else (every AWS call is logged with
the registry it went to)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.cli import main
from harness import configs
from harness.accounts import ecr_client
from harness.call_log import CallLog, record_calls
from harness.cli import Outcome
from harness.policies import repositories, root, statement

BASE = "123456789012"
OREGON = (BASE, "us-west-2")
FRANKFURT = (BASE, "eu-central-1")
EU = ("222222222222", "eu-west-1")
OREGON_SID = "Ecrrepl123456789012uswest2"
FRANKFURT_SID = "Ecrrepl123456789012eucentral1"

CONFIG = configs.document(
    configs.registry(configs.rule(EU, filters=["prod/"]), account=BASE, region=OREGON[1]),
    configs.registry(
        configs.rule(EU, filters=["billing/", "prod/"]), account=BASE, region=FRANKFURT[1]
    ),
    accounts=[configs.account(EU[0])],
    templates=[configs.template(*EU, "prod"), configs.template(*EU, "billing")],
)
# Frankfurt's statement in EU as someone left it: not what the file asks for.
FRANKFURT_STATEMENT = statement(
    FRANKFURT_SID,
    root("123456789012"),
    ["ecr:CreateRepository", "ecr:ReplicateImage"],
    repositories(EU, "old/*"),
)
FOREIGN = statement(
    "PullThroughCacheTeam",
    root("999999999999"),
    ["ecr:ReplicateImage"],
    repositories(EU, "other/*"),
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "ecrrepl.yaml").write_text(CONFIG, encoding="utf-8")
    return folder


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> CallLog:
    return record_calls(monkeypatch)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    def run_command(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run_command


@pytest.fixture
def estate(aws: None, workdir: Path) -> None:
    """EU's policy holds Frankfurt's statement (out of date) and another owner's; nothing
    replicates yet."""
    policy = {"Version": "2012-10-17", "Statement": [FOREIGN, FRANKFURT_STATEMENT]}
    ecr(EU).put_registry_policy(policyText=json.dumps(policy))


def ecr(registry: tuple[str, str]) -> Any:
    return ecr_client(*registry)


def policy_statements(registry: tuple[str, str]) -> list[dict[str, Any]]:
    return list(json.loads(ecr(registry).get_registry_policy()["policyText"])["Statement"])


def template_prefixes(registry: tuple[str, str]) -> list[str]:
    answer = ecr(registry).describe_repository_creation_templates()
    return sorted(t["prefix"] for t in answer["repositoryCreationTemplates"])


def replication(registry: tuple[str, str]) -> Any:
    return ecr(registry).describe_registry().get("replicationConfiguration")


def test_a_scoped_diff_reads_its_registry_and_what_it_needs_only(
    estate: None, calls: CallLog, run: Callable[..., Outcome]
) -> None:
    result = run("diff", "ecrrepl.yaml", "--registry", "123456789012/us-west-2")

    assert result.exit_code == 0, result.stderr
    assert {(op, a, r) for op, a, r in calls.calls if op != "GetCallerIdentity"} == {
        ("DescribeRegistry", *OREGON),
        ("GetRegistryPolicy", *EU),
        ("DescribeRepositoryCreationTemplates", *EU),
        ("DescribeRepositories", *EU),
    }
    assert {(a, r) for a, r in calls.of("GetCallerIdentity")} == {OREGON, EU}
    assert "+ template prod\n" in result.stdout
    assert "billing" not in result.stdout
    assert "eu-central-1" not in result.stdout
    assert f"statement {OREGON_SID}" in result.stdout
    assert FRANKFURT_SID not in result.stdout
    assert result.stderr.startswith(
        "Scope: 123456789012/us-west-2: their replication configuration, their statements in "
        "the registry policies they need, and 1 creation template; nothing else is read or "
        "written.\n"
    )


def test_a_scoped_apply_writes_in_its_scope_and_keeps_the_rest_as_it_was(
    estate: None, calls: CallLog, run: Callable[..., Outcome]
) -> None:
    result = run("apply", "ecrrepl.yaml", "--registry", "123456789012/us-west-2", "--yes")

    assert result.exit_code == 0, result.stdout + result.stderr
    assert calls.writes == {
        ("PutReplicationConfiguration", *OREGON),
        ("PutRegistryPolicy", *EU),
        ("CreateRepositoryCreationTemplate", *EU),
    }
    assert FRANKFURT not in {(a.account, a.region) for a in calls.ecr_registries}
    statements = policy_statements(EU)
    # Another source's statement, out of date as it is, is left byte for byte in place.
    assert statements[:2] == [FOREIGN, FRANKFURT_STATEMENT]
    assert [s["Sid"] for s in statements] == ["PullThroughCacheTeam", FRANKFURT_SID, OREGON_SID]
    assert template_prefixes(EU) == ["prod"]
    assert replication(FRANKFURT) is None or replication(FRANKFURT) == {"rules": []}
    assert replication(OREGON)["rules"][0]["repositoryFilters"] == [
        {"filter": "prod/", "filterType": "PREFIX_MATCH"}
    ]

    # The scope converges on its own; the other registry is still pending.
    assert run("diff", "--exit-code", "--registry", "123456789012/us-west-2").exit_code == 0
    pending = run("diff", "--exit-code", "--registry", "123456789012/eu-central-1")
    assert pending.exit_code == 3
    assert "+ template billing\n" in pending.stdout
    assert f"statement {FRANKFURT_SID}" in pending.stdout


def test_applying_each_scope_in_turn_converges_like_one_run(
    estate: None, run: Callable[..., Outcome]
) -> None:
    for registry in ("123456789012/eu-central-1", "123456789012/us-west-2"):
        outcome = run("apply", "--registry", registry, "--yes")
        assert outcome.exit_code == 0, outcome.stdout + outcome.stderr

    assert run("diff", "--exit-code").exit_code == 0
    assert template_prefixes(EU) == ["billing", "prod"]
    assert policy_statements(EU)[0] == FOREIGN


def test_a_saved_scoped_plan_keeps_its_scope(
    estate: None, run: Callable[..., Outcome], workdir: Path
) -> None:
    saved = run("diff", "--registry", "123456789012/us-west-2", "--out", "plan.json")
    assert saved.exit_code == 0, saved.stderr
    plan = json.loads((workdir / "plan.json").read_text())
    assert plan["scope"] == [{"account": BASE, "region": "us-west-2"}]

    rescoped = run("apply", "plan.json", "--registry", "123456789012/us-west-2", "--yes")
    assert (rescoped.exit_code, rescoped.stderr) == (
        2,
        "ecrrepl: error: --registry goes with configuration files: a saved plan keeps the "
        "scope of the `diff --registry` that saved it\n",
    )

    # Without its scope, the plan is no longer its files' plan: refused.
    unscoped = dict(plan, scope=[])
    (workdir / "edited.json").write_text(json.dumps(unscoped))
    edited = run("apply", "edited.json", "--yes")
    assert edited.exit_code == 1
    assert "the plan's configuration is not what its files say" in edited.stderr
    assert "--registry" not in edited.stderr.split("Run `")[1].split("--out")[0]

    applied = run("apply", "plan.json", "--yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert template_prefixes(EU) == ["prod"]
    assert replication(FRANKFURT) is None or replication(FRANKFURT) == {"rules": []}


@pytest.mark.parametrize("command", ["diff", "apply", "status", "backfill"])
def test_a_registry_outside_the_configuration_is_a_usage_error(
    aws: None, workdir: Path, calls: CallLog, run: Callable[..., Outcome], command: str
) -> None:
    extra = ["--repository", "prod/api", "--tag", "1"] if command == "status" else []
    result = run(command, "ecrrepl.yaml", *extra, "--registry", "222222222222/eu-west-1")

    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "ecrrepl: error: --registry 222222222222/eu-west-1 is not a source registry of the "
        "configuration (its source registries: 123456789012/eu-central-1, "
        "123456789012/us-west-2)\n",
    )
    assert calls.calls == []


def test_status_asks_only_the_registries_in_scope(
    estate: None, calls: CallLog, run: Callable[..., Outcome]
) -> None:
    from ecrrepl.sandbox.images import push_image

    for registry in (OREGON, FRANKFURT):
        push_image(ecr(registry), "prod/api", "1", "prod/api:1")

    result = run(
        "status", "--repository", "prod/api", "--tag", "1",
        "--registry", "123456789012/eu-central-1", "--format", "json",
    )  # fmt: skip

    report = json.loads(result.stdout)
    assert [(s["account"], s["region"]) for s in report["sources"]] == [FRANKFURT]
    assert calls.of("DescribeImageReplicationStatus") == {FRANKFURT}
    assert OREGON not in {(a.account, a.region) for a in calls.ecr_registries}


def test_backfill_works_on_the_registries_in_scope(
    estate: None, calls: CallLog, run: Callable[..., Outcome]
) -> None:
    assert run("apply", "--yes").exit_code == 0
    calls.clear()

    result = run("backfill", "--registry", "123456789012/us-west-2", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("123456789012/us-west-2 → 222222222222/eu-west-1")
    assert "eu-central-1" not in result.stdout
    assert FRANKFURT not in {(a.account, a.region) for a in calls.ecr_registries}


def test_status_from_a_registry_outside_the_scope_is_a_usage_error(
    aws: None, workdir: Path, calls: CallLog, run: Callable[..., Outcome]
) -> None:
    result = run(
        "status", "--repository", "prod/api", "--tag", "1",
        "--registry", "123456789012/us-west-2", "--from", "123456789012/eu-central-1",
    )  # fmt: skip

    assert (result.exit_code, result.stderr) == (
        2,
        "ecrrepl: error: --from 123456789012/eu-central-1 is not one of the --registry scope\n",
    )
    assert calls.calls == []
