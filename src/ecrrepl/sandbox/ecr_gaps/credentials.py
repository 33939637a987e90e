"""Temporary credentials that expire, on a clock the test moves.

moto's STS gives an assumed role's credentials an expiry (DurationSeconds after its own
clock; 3600 s by default, as in AWS: STS API reference, AssumeRole, DurationSeconds),
but moto's ECR goes on accepting them after it. AWS refuses a request signed with
expired credentials: ExpiredTokenException, HTTP 403 (the errors common to every AWS
API, https://docs.aws.amazon.com/mgn/latest/APIReference/CommonErrors.html; checked
2026-12-02).

`credentials_expiring_on(clock)` makes STS issue credentials on `clock` and ECR refuse,
as AWS does, a request signed with credentials that have expired on it. It is not part
of `install()`: on moto's real-time clock no test lasts the hour a credential lasts, so
only a test that moves time needs it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import moto.sts.models as sts_models
from moto.core.exceptions import JsonRESTError
from moto.ecr.responses import ECRResponse

EXPIRED_TOKEN = "ExpiredTokenException"
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"


class ExpiredTokenException(JsonRESTError):
    code = 403

    def __init__(self) -> None:
        super().__init__(EXPIRED_TOKEN, EXPIRED_TOKEN_MESSAGE)


def issued_expiry(access_key: str) -> datetime.datetime | None:
    """When STS said the credentials with this access key expire (moto's naive UTC);
    None for keys STS did not issue (the base credentials)."""
    for account_backends in list(sts_models.sts_backends.values()):
        for backend in list(account_backends.values()):
            for role in list(backend.assumed_roles):
                if role.access_key_id == access_key:
                    expiration: datetime.datetime = role.expiration
                    return expiration
    return None


@contextmanager
def credentials_expiring_on(clock: Callable[[], datetime.datetime]) -> Iterator[None]:
    """STS issues credentials on `clock` (an aware datetime); ECR refuses expired ones."""

    def naive_utc_now() -> datetime.datetime:
        return clock().astimezone(datetime.UTC).replace(tzinfo=None)

    # moto's STS reads its clock through this module attribute (not exported: typed Any).
    sts_clock: Any = sts_models
    moto_clock = sts_clock.utcnow
    authorize = ECRResponse._authenticate_and_authorize_normal_action

    def refuse_expired(self: ECRResponse, resource: str = "*") -> None:
        expiry = issued_expiry(self.get_access_key())
        if expiry is not None and expiry <= naive_utc_now():
            raise ExpiredTokenException()
        authorize(self, resource)

    patched: Any = ECRResponse
    sts_clock.utcnow = naive_utc_now
    patched._authenticate_and_authorize_normal_action = refuse_expired
    try:
        yield
    finally:
        sts_clock.utcnow = moto_clock
        patched._authenticate_and_authorize_normal_action = authorize
