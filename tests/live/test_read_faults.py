"""Faults while reading the live state: throttling is survived; an answer ecrrepl cannot
use stops the run with one line naming the account and region, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto.core.exceptions import ServiceException
from moto.ecr.models import ECRBackend, ecr_backends

from harness.lab import EU
from harness.live_steps import Live

pytestmark = pytest.mark.filterwarnings("ignore:Exception.*does not match an error shape")


class Throttled(ServiceException):
    code = "ThrottlingException"
    message = "Rate exceeded"


class Throttle:
    """The first `times` calls of an ECR operation are throttled; calls are counted."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self._patches = pytest.MonkeyPatch()

    def throttle(self, operation: str, times: int) -> None:
        original = getattr(ECRBackend, operation)

        def throttled(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
            key = f"{operation}@{backend.account_id}"
            self.calls[key] = self.calls.get(key, 0) + 1
            if self.calls[key] <= times:
                raise Throttled()
            return original(backend, *args, **kwargs)

        self._patches.setattr(ECRBackend, operation, throttled)

    def lift(self) -> None:
        self._patches.undo()


@pytest.fixture
def throttle(no_backoff: None) -> Iterator[Throttle]:
    throttled = Throttle()
    yield throttled
    throttled.lift()


def test_throttled_reads_are_retried(
    aws: None, config_file: str, run: Callable[..., Any], throttle: Throttle
) -> None:
    throttle.throttle("describe_registry", times=3)
    throttle.throttle("get_registry_policy", times=2)

    outcome = run("diff", config_file)

    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stderr == ""
    assert outcome.stdout.endswith("Plan: 4 to add, 0 to change, 0 to remove.\n")
    assert throttle.calls == {
        "describe_registry@123456789012": 4,
        "get_registry_policy@222222222222": 3,
        "get_registry_policy@333333333333": 3,
    }


def test_throttling_that_never_ends_is_one_line_and_writes_nothing(
    aws: None, config_file: str, live: Live, throttle: Throttle
) -> None:
    before = live.live_state()
    throttle.throttle("describe_registry", times=1000)

    outcome = live.run("apply", "--yes", config_file)

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    # The other registries were read; the one that was not stops the write.
    assert outcome.stderr == (
        "ecrrepl: error: registry 123456789012/us-west-2 was not read: DescribeRegistry failed "
        "in account 123456789012 region us-west-2: ThrottlingException: Rate exceeded; "
        "nothing was written\n"
    )
    throttle.lift()
    assert live.live_state() == before
    assert live.backup_files() == []


@pytest.mark.parametrize(
    ("policy_text", "problem"),
    [
        (
            "{not json",
            "is not valid JSON (Expecting property name enclosed in double quotes "
            "at line 1, column 2)",
        ),
        ('["a list"]', "is JSON but not an object: list"),
    ],
)
@pytest.mark.parametrize("command", [("diff",), ("apply", "--yes")])
def test_a_registry_policy_that_is_not_a_json_object(
    aws: None,
    config_file: str,
    live: Live,
    command: tuple[str, ...],
    policy_text: str,
    problem: str,
) -> None:
    # AWS validates what it stores; a broken answer still must not end in a traceback.
    ecr_backends[EU[0]][EU[1]].registry_policy = policy_text
    before = live.live_state()

    outcome = live.run(*command, config_file)

    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        1,
        "",
        "ecrrepl: error: the registry policy that GetRegistryPolicy returned in account "
        f"222222222222 region eu-west-1 {problem}\n",
    )
    assert live.live_state() == before
    assert live.backup_files() == []
