"""A destination dropped from the file, in an account the file no longer names: its
registry policy cannot be read, so the plan says a grant may be left behind."""

from __future__ import annotations

from ecrrepl.config.model import (
    Config,
    Destination,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
)
from ecrrepl.plan import compute_plan
from ecrrepl.state import LiveState
from harness import models

SOURCE = models.OREGON
GONE = models.IRELAND


def live_sending_to_gone() -> dict[RegistryAddress, tuple[ReplicationRule, ...]]:
    return {
        SOURCE: (
            ReplicationRule(destinations=(Destination(account=GONE.account, region=GONE.region),)),
        )
    }


def test_a_grant_in_an_unreachable_account_is_warned_about() -> None:
    config = Config(registries=(SourceRegistry(account=SOURCE.account, region=SOURCE.region),))
    plan = compute_plan(config, LiveState(replication=live_sending_to_gone()))
    (section,) = plan.replication
    (warning,) = section.warnings
    assert warning.startswith(
        "111111111111/us-west-2 stops replicating to 222222222222/eu-west-1, whose registry "
        "policy may still grant it (statement Ecrrepl111111111111uswest2)"
    )


def test_no_warning_when_the_policy_was_read() -> None:
    config = Config(registries=(SourceRegistry(account=SOURCE.account, region=SOURCE.region),))
    live = LiveState(replication=live_sending_to_gone(), registry_policies={GONE: None})
    (section,) = compute_plan(config, live).replication
    assert section.warnings == ()
