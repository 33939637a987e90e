"""Several configurations writing into one destination registry, and the move from one
statement per source registry to statements merged under an `owner:`, in the emulator.

Replication is checked as the emulator's registry policy evaluation
(ecrrepl.sandbox.ecr_gaps, which follows the ECR user guide) decides it: an account may
replicate a repository when an Allow names it and no Deny does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto.ecr.models import ECRBackend, ecr_backends

from ecrrepl.sandbox.ecr_gaps.registry_policy import registry_policy_allows
from harness import lab
from harness.live_steps import Live
from harness.racing import Moment, RacingOwner

EU = lab.EU
ACTIONS = ("ecr:ReplicateImage", "ecr:CreateRepository")

TEAM_B = ("444444444444", "us-west-2")


def allowed(account: str, repository: str, destination: tuple[str, str] = EU) -> bool:
    backend = ecr_backends[destination[0]][destination[1]]
    return all(registry_policy_allows(backend, account, a, repository) for a in ACTIONS)


def team_a(owner: str | None, filters: str) -> str:
    return lab.to_eu((lab.SOURCE, filters), owner=owner)


def team_b(owner: str | None, filters: str) -> str:
    return lab.to_eu((TEAM_B, filters), owner=owner)


OWNERS = [
    pytest.param("teama", "teamb", id="two owners"),
    pytest.param(None, None, id="no owners"),
    pytest.param("teama", None, id="an owner and none"),
    pytest.param(None, "teamb", id="none and an owner"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("owner_a", "owner_b"), OWNERS)
@pytest.mark.parametrize("a_first", [True, False], ids=["a first", "b first"])
def test_two_configurations_sharing_a_destination_never_remove_each_others_grants(
    aws: None, live: Live, owner_a: str | None, owner_b: str | None, a_first: bool
) -> None:
    a = live.write_file("a.yaml", team_a(owner_a, "prod/"))
    b = live.write_file("b.yaml", team_b(owner_b, "base/"))
    order = [a, b] if a_first else [b, a]

    for path in order:
        outcome = live.run("apply", "--yes", path)
        assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    for path in order:
        # Each sees the other's statements as someone else's: nothing to change.
        assert live.run("diff", "--exit-code", path).exit_code == 0

    assert allowed("123456789012", "prod/api")
    assert allowed("444444444444", "base/img")
    assert not allowed("123456789012", "base/img")
    assert not allowed("444444444444", "prod/api")

    # Team A widens its grant, then stops replicating there: team B keeps its own.
    live.write_file("a.yaml", team_a(owner_a, "prod/, tools/"))
    assert live.run("apply", "--yes", a).exit_code == 0
    assert allowed("123456789012", "tools/x") and allowed("444444444444", "base/img")
    live.write_file(
        "a.yaml",
        team_a(owner_a, "prod/").replace(
            '[{account: "222222222222", region: eu-west-1}]', "[{region: us-east-1}]"
        ),
    )
    assert live.run("apply", "--yes", a).exit_code == 0
    assert not allowed("123456789012", "prod/api")
    assert allowed("444444444444", "base/img")
    assert live.run("diff", "--exit-code", b).exit_code == 0


# --- the move to merged statements --------------------------------------------------------

SOURCES = (("123456789012", "us-west-2"), ("123456789012", "us-east-2"))


def split(owner: str | None, more: str) -> str:
    """Oregon sends prod/ and base/ to EU, Ohio prod/ and `more` (", base/")."""
    return lab.to_eu((SOURCES[0], "prod/, base/"), (SOURCES[1], "prod/" + more), owner=owner)


class ReplicationWatch:
    """After every write to any registry (policy put or delete, replication configuration),
    checks that each live rule of SOURCES into EU is allowed there, for every filter."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writes = 0
        self.gaps: list[str] = []
        self.policies: list[str | None] = []
        for name in (
            "put_registry_policy",
            "delete_registry_policy",
            "put_replication_configuration",
        ):
            original = getattr(ECRBackend, name)
            monkeypatch.setattr(ECRBackend, name, self._watching(original, name))

    def _watching(self, original: Any, name: str) -> Any:
        def write(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
            result = original(backend, *args, **kwargs)
            self.writes += 1
            if (backend.account_id, backend.region_name) == EU and "policy" in name:
                self.policies.append(backend.registry_policy)
            self.check(f"after {name} #{self.writes}")
            return result

        return write

    def check(self, moment: str) -> None:
        for account, region in SOURCES:
            config = getattr(ecr_backends[account][region], "replication_config", None) or {}
            for rule in config.get("rules", []):
                if not any(
                    (d["registryId"], d["region"]) == (EU[0], EU[1]) for d in rule["destinations"]
                ):
                    continue
                for prefix in [f["filter"] for f in rule.get("repositoryFilters", [])] or [""]:
                    if not allowed(account, f"{prefix}probe"):
                        self.gaps.append(f"{moment}: {account}/{region} {prefix}")


def sids(text: str | None) -> list[str]:
    return [s.get("Sid", "") for s in lab.statements_of(text)]


@pytest.fixture
def watch() -> Iterator[Callable[[], ReplicationWatch]]:
    patches = pytest.MonkeyPatch()
    yield lambda: ReplicationWatch(patches)
    patches.undo()


@pytest.mark.parametrize(
    ("before", "more"),
    [("", ""), ("", ", tools/"), (", tools/", "")],
    ids=["same rules", "rules widened too", "rules narrowed too"],
)
def test_moving_to_an_owner_writes_merged_statements_first_and_withdraws_the_old_last(
    aws: None,
    live: Live,
    watch: Callable[[], ReplicationWatch],
    before: str,
    more: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = live.write_file("ecrrepl.yaml", split(None, before))
    assert live.run("apply", "--yes", config).exit_code == 0
    old = ["Ecrrepl123456789012useast2", "Ecrrepl123456789012uswest2"]
    assert sorted(sids(lab.policy_text(lab_client(EU)))) == old
    racer = RacingOwner(EU, Moment.AFTER_FIRST_READ, monkeypatch)
    watching = watch()

    live.write_file("ecrrepl.yaml", split("platform", more))
    diff = live.run("diff", "ecrrepl.yaml")
    assert "statement Ecrrepl123456789012uswest2" in diff.stdout
    outcome = live.run("apply", "--yes", "ecrrepl.yaml")

    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    assert watching.gaps == []
    merged = [
        p for p in watching.policies if any(s.startswith("EcrreplPlatformG") for s in sids(p))
    ]
    # The first put with the merged statements keeps the old ones: they go last.
    assert set(old) <= set(sids(merged[0]))
    final = sids(watching.policies[-1])
    assert not set(old) & set(final)
    assert [s for s in final if s.startswith("Ecrrepl")] == [
        s for s in final if s.startswith("EcrreplPlatformG")
    ]
    assert json.dumps(racer.surviving()) == json.dumps(racer.written)
    assert racer.written  # the other owner did write during the move
    assert allowed("123456789012", "prod/api") and allowed("123456789012", "base/x")
    assert allowed("123456789012", "tools/x") == bool(more)
    assert watching.writes >= 3  # grant, replication, withdrawal
    assert live.run("diff", "--exit-code", "ecrrepl.yaml").exit_code == 0


def lab_client(registry: tuple[str, str]) -> Any:
    from harness.accounts import ecr_client

    return ecr_client(*registry)


def test_restoring_the_backup_of_the_move_puts_the_old_statements_back(
    aws: None, live: Live, watch: Callable[[], ReplicationWatch]
) -> None:
    live.write_file("split.yaml", split(None, ""))
    live.write_file("owned.yaml", split("platform", ""))
    assert live.run("apply", "--yes", "split.yaml").exit_code == 0
    moved = live.run("apply", "--yes", "owned.yaml")
    assert moved.exit_code == 0
    backup = next(
        line.split(": ", 1)[1].split()[0]
        for line in moved.stdout.splitlines()
        if line.startswith("Backup of the previous state:")
    )
    watching = watch()

    restored = live.run("restore", "--yes", backup)

    assert restored.exit_code == 0, restored.stdout + restored.stderr
    assert watching.gaps == []
    assert sorted(sids(lab.policy_text(lab_client(EU)))) == [
        "Ecrrepl123456789012useast2",
        "Ecrrepl123456789012uswest2",
    ]
    assert live.run("diff", "--exit-code", "split.yaml").exit_code == 0


ORGANISATION_REGIONS = ("us-west-2", "us-east-1", "us-east-2", "eu-central-1")


def organisation_config(owner: str) -> str:
    """50 source accounts x 4 regions sending prod/ and base/ to one DR registry."""
    accounts = [f"1000000000{index:02d}" for index in range(50)]
    lines = ["version: 1", f"owner: {owner}", "accounts:"]
    for account in ["222222222222", *accounts]:
        lines.append(f'  "{account}": {{role_arn: "arn:aws:iam::{account}:role/ecrrepl"}}')
    lines.append("registries:")
    for account in accounts:
        for region in ORGANISATION_REGIONS:
            lines.append(
                f'  - {{account: "{account}", region: {region}, rules: [{{filters: [prod/, '
                'base/], destinations: [{account: "222222222222", region: eu-west-1}]}]}'
            )
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_200_source_registries_in_50_accounts_apply_one_statement_under_the_limit(
    aws: None, live: Live
) -> None:
    config = live.write_file("org.yaml", organisation_config("platform"))

    outcome = live.run("apply", "--yes", config)

    assert outcome.exit_code == 0, outcome.stdout[-2000:] + outcome.stderr
    text = lab.policy_text(lab_client(EU))
    assert text is not None
    (statement,) = lab.statements_of(text)
    assert len(statement["Principal"]["AWS"]) == 50
    assert len(text) < 10_240 // 4
    assert allowed("100000000000", "prod/api") and allowed("100000000049", "base/x")
    assert not allowed("100000000000", "tools/x")
    assert "Read back: the live registries match the configuration." in outcome.stdout
