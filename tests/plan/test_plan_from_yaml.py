"""Through the loader: a file reordered line by line plans no change against its own state."""

from __future__ import annotations

from pathlib import Path

from ecrrepl.config.model import Config, ReplicationRule
from ecrrepl.plan import Action, compute_plan
from ecrrepl.policy import merge_policy, owned_sids, required_statements
from ecrrepl.state import LiveState
from ecrrepl.validation import validate_files
from harness import configs

ORIGINAL = configs.document(
    configs.registry(configs.PROD, configs.rule((configs.OTHER_ACCOUNT, "ap-northeast-1")))
)

REORDERED = """\
version: 1
registries:
  - region: us-west-2
    account: "111111111111"
    rules:
      - destinations:
          - {region: ap-northeast-1, account: "222222222222"}
      - destinations:
          - {account: "222222222222", region: eu-west-1}
          - region: us-east-1
        filters: [base-, prod/]
        name: production
"""


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(text, encoding="utf-8")
    result = validate_files([str(path)])
    assert [f for f in result.findings if f.severity.value == "error"] == []
    return result.config


def live_state_of(config: Config) -> LiveState:
    """What AWS would hold after applying `config`: rules without names, merged policies."""
    return LiveState(
        replication={
            registry.address: tuple(
                ReplicationRule(
                    filters=rule.filters,
                    destinations=rule.destinations,
                    delete_replication=rule.delete_replication,
                )
                for rule in registry.rules
            )
            for registry in config.registries
        },
        registry_policies={
            destination: merge_policy(None, statements, owned_sids(config))
            for destination, statements in required_statements(config).items()
        },
    )


def test_a_reordered_file_shows_no_change(tmp_path: Path) -> None:
    live = live_state_of(load(tmp_path, ORIGINAL))
    plan = compute_plan(load(tmp_path, REORDERED), live)
    assert not plan.has_changes
    assert plan.replication[0].unchanged == 2


def test_dropping_a_destination_from_the_file_changes_rule_and_policy(tmp_path: Path) -> None:
    live = live_state_of(load(tmp_path, ORIGINAL))
    edited = ORIGINAL.replace('          - {account: "222222222222", region: eu-west-1}\n', "")
    plan = compute_plan(load(tmp_path, edited), live)
    assert [(c.action, c.subject) for c in plan.changes] == [
        (Action.CHANGE, "rule 'prod'"),
        (Action.REMOVE, "statement Ecrrepl111111111111uswest2"),
    ]
    assert plan.changes[0].effects == (
        "repositories matching `base-` or `prod/` stop replicating to eu-west-1 (222222222222)",
    )
    assert [w.registry for w in plan.policy_writes] == [
        s.registry for s in plan.registry_policies if s.changes
    ]
    (deleted,) = plan.policy_writes
    assert deleted.policy is None
