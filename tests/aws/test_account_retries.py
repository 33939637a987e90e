"""A client shared by accounts retries each account on its own: one account's throttling
slows that account's requests, not the others' (botocore's adaptive mode, per account)."""

from __future__ import annotations

from typing import Any

import pytest
from moto.core.exceptions import ServiceException
from moto.ecr.models import ECRBackend

from ecrrepl.aws.reader import read_replication
from ecrrepl.aws.session import RETRY_LIMIT, Sessions
from ecrrepl.config.model import AccountAccess, RegistryAddress
from ecrrepl.errors import UserError

# moto warns that ECR's model has no ThrottlingException shape; botocore reads the code.
pytestmark = pytest.mark.filterwarnings("ignore:Exception\\(Throttled\\):UserWarning")

THROTTLED = "222222222201"
CALM = "222222222202"


class Throttled(ServiceException):
    code = "ThrottlingException"
    message = "Rate exceeded"


def role(account: str) -> AccountAccess:
    return AccountAccess(account=account, role_arn=f"arn:aws:iam::{account}:role/ecrrepl")


@pytest.fixture
def sessions() -> Sessions:
    return Sessions({account: role(account) for account in [THROTTLED, CALM]})


@pytest.fixture
def throttling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """DescribeRegistry of THROTTLED is throttled twice; the accounts answered, in order."""
    from botocore.retries import bucket, standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(bucket.TokenBucket, "_sleep_amount", lambda self, amount: 0)
    answered: list[str] = []
    original = ECRBackend.describe_registry

    def describe_registry(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
        answered.append(backend.account_id)
        if backend.account_id == THROTTLED and answered.count(THROTTLED) <= 2:
            raise Throttled()
        return original(backend, *args, **kwargs)

    monkeypatch.setattr(ECRBackend, "describe_registry", describe_registry)
    return answered


def test_throttling_of_one_account_slows_only_that_account(
    aws: None, sessions: Sessions, throttling: list[str]
) -> None:
    throttled = RegistryAddress(THROTTLED, "eu-west-1")
    calm = RegistryAddress(CALM, "eu-west-1")

    read_replication(sessions, throttled)
    read_replication(sessions, calm)

    assert throttling == [THROTTLED, THROTTLED, THROTTLED, CALM]
    # One client serves both accounts, each with its own rate limiter.
    assert sessions.ecr(throttled)._client is sessions.ecr(calm)._client
    retries = sessions.retries_of("ecr", THROTTLED, "eu-west-1")
    assert retries is sessions.retries_of("ecr", CALM, "eu-west-1")
    assert retries.limiter_of(THROTTLED)._enabled
    assert not retries.limiter_of(CALM)._enabled


def test_one_account_spending_its_retry_quota_leaves_the_others_theirs(
    aws: None, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.retries import bucket, standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)
    monkeypatch.setattr(bucket.TokenBucket, "_sleep_amount", lambda self, amount: 0)
    answered: list[str] = []

    def always_throttled(backend: ECRBackend, *args: Any, **kwargs: Any) -> Any:
        answered.append(backend.account_id)
        raise Throttled()

    monkeypatch.setattr(ECRBackend, "describe_registry", always_throttled)
    # botocore's retry quota holds 500 (botocore.retries.quota.RetryQuota) and a retry
    # after throttling costs 5 (botocore.retries.standard.RetryQuotaChecker): ten reads
    # of RETRY_LIMIT retries spend it all.
    reads = 500 // (5 * RETRY_LIMIT)
    for _ in range(reads + 1):
        with pytest.raises(UserError, match="ThrottlingException"):
            read_replication(sessions, RegistryAddress(THROTTLED, "us-east-2"))
    with pytest.raises(UserError, match="ThrottlingException"):
        read_replication(sessions, RegistryAddress(CALM, "us-east-2"))

    # The quota spent, the throttled account's last read got no retry; the other
    # account's read still had the first attempt and every retry.
    assert answered.count(THROTTLED) == reads * (RETRY_LIMIT + 1) + 1
    assert answered[-(RETRY_LIMIT + 1) :] == [CALM] * (RETRY_LIMIT + 1)


def test_the_events_kept_per_account_are_the_ones_botocore_registers() -> None:
    """Per-account retries hold botocore's own handlers for the events AccountRetries
    dispatches (botocore/retries/standard.py and adaptive.py). A botocore that registers
    other events, or drops one, fails here rather than at a user's first call.
    `request-created` seeds the attempt count of a request; the shared client's own
    handler for it stays registered, so it is not dispatched per account."""
    import botocore.session
    from botocore.retries import adaptive, standard

    from ecrrepl.aws.account_retries import AccountRetries, _Kept

    model = botocore.session.get_session().get_service_model("ecr")
    kept: Any = _Kept(model)
    standard.register_retry_handler(kept, max_attempts=RETRY_LIMIT)
    adaptive.register_retry_handler(kept)
    assert sorted(kept.handlers) == [
        "after-call.ecr", "before-send", "needs-retry", "needs-retry.ecr", "request-created.ecr",
    ]  # fmt: skip
    client = botocore.session.get_session().create_client("ecr", region_name="eu-west-1")
    dispatched = set(AccountRetries(client, RETRY_LIMIT)._events)
    assert dispatched == set(kept.handlers) - {"request-created.ecr"}
