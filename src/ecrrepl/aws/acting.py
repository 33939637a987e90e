"""One botocore client per (region, service), shared by every account it acts for.

Creating a botocore client costs milliseconds of CPU (a copy of the session's event
handlers, a service model whose shape caches start cold, endpoint rules, a connection
pool), which dominated a run over hundreds of registries. So the accounts whose clients
come from one session (the base credentials and every assumed role) share one client
per region and service, and each call is signed with the credentials of the account it
acts as.

botocore's RequestSigner asks the client's credentials for their frozen form at signing
time, on every attempt (botocore/signers.py, `RequestSigner.get_auth_instance` calls
`get_frozen_credentials()`; botocore 1.44, checked 2026-12-02). The shared client's
credentials are `CallerCredentials`, which answer with the credentials of the account
named in a context variable; `ActingClient`, the only way ecrrepl reaches a shared
client, sets that variable around each call in the thread that makes it, and resets it
after. A call made outside of it fails loudly (`UnscopedCall`) rather than being signed
as some account. Refreshable credentials (an assumed role's)
keep working: they are asked for their frozen form each time, and refresh then.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from botocore.credentials import Credentials, ReadOnlyCredentials


class UnscopedCall(RuntimeError):
    """A shared client was called without saying which account it acts as: a bug."""


@dataclass(frozen=True)
class Acting:
    """The account a call acts as, and its credentials (None: none were found, and
    botocore refuses to sign, as it does for a client without credentials)."""

    account: str
    credentials: Credentials | None


_ACTING: ContextVar[Acting | None] = ContextVar("ecrrepl_acting", default=None)


def current() -> Acting:
    """The account the call under way in this thread acts as."""
    acting = _ACTING.get()
    if acting is None:
        raise UnscopedCall("a shared AWS client was called outside of an account's call")
    return acting


class CallerCredentials(Credentials):
    """The credentials of whichever account the call under way acts as."""

    def __init__(self) -> None:
        # No keys of its own. botocore reads `method` when it creates a client (to tell
        # explicit keys apart); the credentials' own provider is the acting account's.
        self.method = "acting-account"

    def get_frozen_credentials(self) -> ReadOnlyCredentials | None:  # type: ignore[override]
        credentials = current().credentials
        return None if credentials is None else credentials.get_frozen_credentials()

    def _frozen(self) -> ReadOnlyCredentials:
        frozen = self.get_frozen_credentials()
        if frozen is None:
            raise UnscopedCall("the account acted as has no credentials")
        return frozen

    # botocore reads these of a client's credentials in a few places (an endpoint
    # rule's AccountId builtin): they too are the acting account's.
    @property
    def access_key(self) -> str:  # type: ignore[override]
        return str(self._frozen().access_key)

    @property
    def secret_key(self) -> str:  # type: ignore[override]
        return str(self._frozen().secret_key)

    @property
    def token(self) -> str | None:  # type: ignore[override]
        return self._frozen().token

    @property
    def account_id(self) -> str | None:
        account_id: str | None = getattr(current().credentials, "account_id", None)
        return account_id


CALLER_CREDENTIALS = CallerCredentials()


# Client methods that sign a request without sending it: they act as the account too.
_SIGNING_HELPERS = frozenset({"generate_presigned_url", "generate_presigned_post"})
# What a caller may read of a shared client as it is: nothing of it signs.
_UNSIGNED = frozenset({"meta", "exceptions", "can_paginate", "waiter_names"})


class ActingClient:
    """A shared client as one account sees it: every API call runs with that account's
    credentials; what does not sign is the client's. Paginators and waiters are refused:
    they call the client through attributes of their own, as no account (pages are read
    with aws/pages.py)."""

    def __init__(self, client: Any, acting: Acting) -> None:
        self._client = client
        self._acting = acting
        self._operations = frozenset(client.meta.method_to_api_mapping)

    @property
    def acting(self) -> Acting:
        return self._acting

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            # Private names are the wrapper's own (absent while copy.copy builds one).
            raise AttributeError(name)
        if name in self._operations or name in _SIGNING_HELPERS:
            return self._acts(getattr(self._client, name))
        if name in _UNSIGNED:
            return getattr(self._client, name)
        # Anything else of a botocore client that signs, now or in a later botocore,
        # would sign as whichever account the thread happens to act as.
        raise UnscopedCall(f"{name} of a shared AWS client does not act as an account")

    def _acts(self, method: Callable[..., Any]) -> Callable[..., Any]:
        acting = self._acting

        def call(*args: Any, **kwargs: Any) -> Any:
            token = _ACTING.set(acting)
            try:
                return method(*args, **kwargs)
            finally:
                _ACTING.reset(token)

        return call

    def get_paginator(self, operation_name: str) -> Any:
        raise UnscopedCall(
            f"a paginator of {operation_name} would call the shared client as no account"
        )

    def get_waiter(self, waiter_name: str) -> Any:
        raise UnscopedCall(f"waiter {waiter_name} would call the shared client as no account")
