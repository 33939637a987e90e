"""Registries that cannot be read: `diff` plans the others and names each one it could
not read (account, region, operation) as an error, exit 1; `apply` and `diff --out`
refuse. The estate is harness/lab.py's: 123456789012/us-west-2 sends to its own
us-east-1, to 222222222222/eu-west-1 and to 333333333333/us-east-2.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from moto.core.exceptions import AccessDeniedError, ServiceException
from moto.ecr.models import ECRBackend
from moto.sts.models import STSBackend

import ecrrepl.aws.reader
from ecrrepl.aws.reader import read_state
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import Config, RegistryAddress
from harness import lab
from harness.live_steps import Live

pytestmark = pytest.mark.filterwarnings("ignore:Exception.*does not match an error shape")

DR_DENIED = (
    "registry 333333333333/us-east-2 was not read: GetRegistryPolicy failed in account "
    "333333333333 region us-east-2: AccessDeniedException: User: "
    "arn:aws:sts::333333333333:assumed-role/ecrrepl/ecrrepl is not authorized to perform: "
    "ecr:GetRegistryPolicy on resource: *"
)


class AccessDenied(ServiceException):
    code = "AccessDeniedException"


@pytest.fixture
def patches() -> Iterator[pytest.MonkeyPatch]:
    patched = pytest.MonkeyPatch()
    yield patched
    patched.undo()


def deny_ecr(patches: pytest.MonkeyPatch, account: str, *operations: tuple[str, str]) -> None:
    """ECR actions refused in one account, as its identity policy would refuse them."""
    for method, action in operations:
        original = getattr(ECRBackend, method)

        def denied(
            backend: ECRBackend,
            *args: Any,
            _original: Any = original,
            _action: str = action,
            **kwargs: Any,
        ) -> Any:
            if backend.account_id == account:
                raise AccessDenied(
                    f"User: arn:aws:sts::{account}:assumed-role/ecrrepl/ecrrepl is not "
                    f"authorized to perform: ecr:{_action} on resource: *"
                )
            return _original(backend, *args, **kwargs)

        patches.setattr(ECRBackend, method, denied)


def unreachable_region(patches: pytest.MonkeyPatch, region: str) -> None:
    """Every ECR call to `region` fails to connect, as when its endpoint is down."""
    for method in ("describe_registry", "get_registry_policy", "describe_repositories"):
        original = getattr(ECRBackend, method)

        def down(backend: ECRBackend, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            if backend.region_name == region:
                raise EndpointConnectionError(
                    endpoint_url=f"https://api.ecr.{region}.amazonaws.com/"
                )
            return _original(backend, *args, **kwargs)

        patches.setattr(ECRBackend, method, down)


def deny_dr(patches: pytest.MonkeyPatch) -> None:
    deny_ecr(
        patches,
        lab.DR[0],
        ("get_registry_policy", "GetRegistryPolicy"),
        ("describe_repositories", "DescribeRepositories"),
    )


@pytest.fixture
def dr_denied(aws: None, patches: pytest.MonkeyPatch) -> None:
    deny_dr(patches)



def assert_refused_untouched(
    outcome: Any, reason: str, patches: pytest.MonkeyPatch, live: Live, before: Any
) -> None:
    """apply refused with `reason` (exit 1), and with the fault undone, the live state is
    what it was and no backup was taken."""
    assert outcome.exit_code == 1
    assert outcome.stderr == f"ecrrepl: error: {reason}; nothing was written\n"
    patches.undo()
    assert live.live_state() == before
    assert live.backup_files() == []

def test_diff_plans_the_readable_registries_and_names_the_one_it_could_not_read(
    dr_denied: None, config_file: str, run: Callable[..., Any]
) -> None:
    outcome = run("diff", config_file)

    assert outcome.exit_code == 1
    assert outcome.stderr == ""
    text = outcome.stdout
    assert "registry 123456789012/us-west-2 — replication configuration" in text
    assert "registry 222222222222/eu-west-1 — registry policy" in text
    # Nothing is planned where nothing is known.
    assert "registry 333333333333/us-east-2 —" not in text
    assert f"error: {DR_DENIED}\n" in text
    assert text.endswith("This plan cannot be applied: 1 error above.\n")


def test_an_unreadable_registry_is_exit_1_not_3_with_exit_code(
    dr_denied: None, config_file: str, run: Callable[..., Any]
) -> None:
    assert run("diff", "--exit-code", config_file).exit_code == 1


def test_diff_json_lists_the_unread_registries(
    dr_denied: None, config_file: str, run: Callable[..., Any]
) -> None:
    outcome = run("diff", "--format", "json", config_file)

    assert outcome.exit_code == 1
    plan = json.loads(outcome.stdout)
    assert plan["unread"] == [
        {
            "registry": "333333333333/us-east-2",
            "account": "333333333333",
            "region": "us-east-2",
            "reason": DR_DENIED.split(" was not read: ")[1],
        }
    ]
    assert plan["errors"] == [DR_DENIED]
    assert [r["registry"] for r in plan["registries"]] == [
        "123456789012/us-west-2",
        "222222222222/eu-west-1",
    ]


def test_diff_markdown_names_the_unread_registry(
    dr_denied: None, config_file: str, run: Callable[..., Any]
) -> None:
    outcome = run("diff", "--format", "markdown", config_file)

    assert outcome.exit_code == 1
    assert "> **This plan cannot be applied:** 1 error(s) below." in outcome.stdout
    assert "- :x: **error:** registry 333333333333/us-east-2 was not read: " in outcome.stdout


def test_diff_out_saves_no_plan_when_a_registry_was_not_read(
    dr_denied: None, config_file: str, run: Callable[..., Any], workdir: Path
) -> None:
    outcome = run("diff", "--out", "plan.json", config_file)

    assert outcome.exit_code == 1
    assert outcome.stderr == (
        "Not saved to plan.json: 1 registry could not be read, and a plan without them "
        "cannot be applied.\n"
    )
    assert not (workdir / "plan.json").exists()


def test_apply_writes_nothing_when_a_registry_was_not_read(
    aws: None, patches: pytest.MonkeyPatch, config_file: str, live: Live
) -> None:
    before = live.live_state()
    deny_dr(patches)

    outcome = live.run("apply", "--yes", config_file)

    assert outcome.stdout == ""
    assert_refused_untouched(outcome, DR_DENIED, patches, live, before)


def test_a_role_that_cannot_be_assumed_leaves_only_its_account_unread(
    aws: None, patches: pytest.MonkeyPatch, config_file: str, live: Live
) -> None:
    original = STSBackend.assume_role

    def assume_role(backend: STSBackend, *args: Any, **kwargs: Any) -> Any:
        if kwargs["role_arn"].startswith("arn:aws:iam::222222222222:"):
            raise AccessDeniedError("arn:aws:iam::123456789012:user/ci", "sts:AssumeRole")
        return original(backend, *args, **kwargs)

    before = live.live_state()
    patches.setattr(STSBackend, "assume_role", assume_role)

    diff = live.run("diff", config_file)
    applied = live.run("apply", "--yes", config_file)

    reason = (
        "registry 222222222222/eu-west-1 was not read: account 222222222222 cannot be "
        "reached: assuming role arn:aws:iam::222222222222:role/ecrrepl failed in region "
        "eu-west-1: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized "
        "to perform: sts:AssumeRole"
    )
    assert diff.exit_code == 1
    assert f"error: {reason}\n" in diff.stdout
    assert "registry 333333333333/us-east-2 — registry policy" in diff.stdout
    assert applied.stdout == ""
    assert_refused_untouched(applied, reason, patches, live, before)


def test_an_unreachable_region_leaves_only_its_registries_unread(
    aws: None, no_backoff: None, patches: pytest.MonkeyPatch, config_file: str, live: Live
) -> None:
    before = live.live_state()
    unreachable_region(patches, "eu-west-1")

    diff = live.run("diff", config_file)
    applied = live.run("apply", "--yes", config_file)

    reason = (
        "registry 222222222222/eu-west-1 was not read: GetRegistryPolicy failed in account "
        "222222222222 region eu-west-1: AWS could not be reached (Could not connect to the "
        'endpoint URL: "https://api.ecr.eu-west-1.amazonaws.com/")'
    )
    assert diff.exit_code == 1
    assert f"error: {reason}\n" in diff.stdout
    assert "registry 123456789012/us-west-2 — replication configuration" in diff.stdout
    assert "registry 333333333333/us-east-2 — registry policy" in diff.stdout
    assert applied.stdout == ""
    assert_refused_untouched(applied, reason, patches, live, before)


def test_when_no_registry_can_be_read_the_first_reason_is_the_one_line(
    aws: None, patches: pytest.MonkeyPatch, config_file: str, run: Callable[..., Any]
) -> None:
    for account in ("123456789012", "222222222222", "333333333333"):
        deny_ecr(
            patches,
            account,
            ("describe_registry", "DescribeRegistry"),
            ("get_registry_policy", "GetRegistryPolicy"),
            ("describe_repositories", "DescribeRepositories"),
        )

    outcome = run("diff", config_file)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr.startswith(
        "ecrrepl: error: DescribeRegistry failed in account 123456789012 region us-west-2: "
        "AccessDeniedException: "
    )


# --- at most MAX_READS_PER_ACCOUNT reads of one account at once -------------------------

REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-northeast-1",
    "ca-central-1",
]  # fmt: skip


def many_regions(account: str) -> str:
    lines = ["version: 1", "registries:"]
    for n, region in enumerate(REGIONS):
        lines += [
            f'  - account: "{account}"',
            f"    region: {region}",
            "    rules:",
            f"      - destinations: [{{region: {REGIONS[(n + 1) % len(REGIONS)]}}}]",
        ]
    return "\n".join(lines) + "\n"


def test_reads_of_one_account_are_bounded(
    aws: None, patches: pytest.MonkeyPatch, write_file: Callable[[str, str], str]
) -> None:
    from ecrrepl.validation import load_files

    config: Config = load_files([write_file("many.yaml", many_regions(lab.SOURCE[0]))]).config
    in_flight, peak = [0], [0]
    lock = threading.Lock()
    original = ECRBackend.describe_registry

    def slow(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        return original(backend, *args, **kwargs)

    patches.setattr(ECRBackend, "describe_registry", slow)
    patches.setattr(ecrrepl.aws.reader, "MAX_READS_PER_ACCOUNT", 3)

    state = read_state(config, Sessions.for_config(config), max_workers=12)

    assert len(state.replication) == len(REGIONS)
    assert state.unreadable == {}
    # Twelve workers, twelve registries of one account: never more than three at once.
    assert 1 < peak[0] <= 3


def test_adaptive_retries_slow_a_throttled_client(
    aws: None, patches: pytest.MonkeyPatch, load_config: Callable[[str], Config]
) -> None:
    from botocore.retries import bucket, standard

    class Throttled(ServiceException):
        code = "ThrottlingException"
        message = "Rate exceeded"

    waits: list[float] = []
    real_sleep_amount = bucket.TokenBucket._sleep_amount

    def recorded(self: Any, amount: float) -> float:
        waits.append(real_sleep_amount(self, amount))
        return 0

    patches.setattr(bucket.TokenBucket, "_sleep_amount", recorded)
    patches.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    calls = [0]
    original = ECRBackend.describe_registry

    def throttled(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] <= 2:
            raise Throttled()
        return original(backend, *args, **kwargs)

    patches.setattr(ECRBackend, "describe_registry", throttled)
    config = load_config(
        'version: 1\nregistries:\n  - account: "123456789012"\n    region: us-east-1\n'
        "    rules:\n      - destinations: [{region: us-east-2}]\n"
    )
    address = RegistryAddress("123456789012", "us-east-1")

    state = read_state(config, Sessions.for_config(config))

    assert address in state.replication and calls[0] == 3
    # Throttled, the client's own token bucket made the retries wait (botocore adaptive mode).
    assert waits and max(waits) > 0


def test_apply_of_a_saved_plan_writes_nothing_when_a_registry_is_no_longer_readable(
    aws: None, patches: pytest.MonkeyPatch, config_file: str, live: Live
) -> None:
    assert live.run("diff", "--out", "plan.json", config_file).exit_code == 0
    before = live.live_state()
    deny_dr(patches)

    outcome = live.run("apply", "--yes", "plan.json")

    # Not "the live registries changed": the reason is the registry that was not read.
    assert_refused_untouched(outcome, DR_DENIED, patches, live, before)
