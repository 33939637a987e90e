"""How ecrrepl reaches each account: sessions, assumed roles and cached clients.

The base session is boto3's default chain, or `--profile`. An account with an
`accounts` entry is reached through its own named profile, or by assuming its role
from the base credentials; every other account uses the base session. Clients retry
in botocore's adaptive mode, so throttling is survived and slows the client down.
The endpoint is whatever botocore's own settings say (`AWS_ENDPOINT_URL`), never a
constant here.

Creating a client costs milliseconds of CPU, and a run over hundreds of registries
would create hundreds. So an assumed role gets no session of its own, and no clients
of its own either: the base session has one client per (region, service), created on
first use and shared by the base credentials and every assumed role, each call signed
with the credentials of the account it acts as (aws/acting.py). A profile keeps its own
session, whose credential provider may refresh, and its own clients. What callers get
is an `ActingClient` per (account, region, service): reads run in threads and share it.

An assumed role's credentials last an hour (AssumeRole's default DurationSeconds, 3600,
and the most a chained role gets; STS API reference, AssumeRole,
https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html, checked
2026-12-02), less than `status --wait --timeout 2h` or a long backfill. So they are
botocore's RefreshableCredentials, shared by every client of the account: botocore
assumes the role again before they expire (15 minutes before, or, blocking every call,
10), with the same arguments, from the base credentials. The identity check is not
repeated: the role, hence the account, is the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Self

import boto3
import botocore.session
from botocore.config import Config as BotocoreConfig
from botocore.credentials import Credentials, RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from ecrrepl import regions
from ecrrepl.aws import identity
from ecrrepl.aws.account_retries import AccountRetries
from ecrrepl.aws.acting import CALLER_CREDENTIALS, Acting, ActingClient
from ecrrepl.aws.answers import AnswerProblem, Node
from ecrrepl.aws.built_once import BuiltOnce
from ecrrepl.aws.endpoint_env import check_endpoint_variables
from ecrrepl.aws.failures import aws_failures, describe_failure, malformed_answers
from ecrrepl.aws.model_loader import ThreadSafeLoader
from ecrrepl.config.model import AccountAccess, Config, RegistryAddress
from ecrrepl.errors import UsageError, UserError
from ecrrepl.redaction import redact

if TYPE_CHECKING:
    from mypy_boto3_ecr.client import ECRClient
    from mypy_boto3_sts.client import STSClient

ROLE_SESSION_NAME = "ecrrepl"
# botocore's `max_attempts` counts retries after the first attempt. Adaptive mode is
# standard mode (the same retried errors, exponential backoff, retry quota) plus a
# client-side token bucket that slows the client's own requests after throttling (boto3
# guide, "Retries", adaptive retry mode,
# https://docs.aws.amazon.com/boto3/latest/guide/retries.html, checked 2026-12-02; botocore
# Config `retries` = {"mode": "adaptive", "max_attempts": N}). botocore keeps that state
# per client, and a client here serves several accounts: the clients are created in
# standard mode and aws/account_retries.py gives each account its own retry quota and
# rate limiter, botocore's adaptive mode per account.
RETRY_LIMIT = 10
RETRIES = {"mode": "adaptive", "max_attempts": RETRY_LIMIT}
# Every read of one region may go through one shared client at once: its connection
# pool holds as many connections as the reader has threads (reader.DEFAULT_MAX_WORKERS),
# rather than botocore's default 10, above which connections are dropped after use.
MAX_POOL_CONNECTIONS = 32
# STS is called in a region of the account's partition; this one when nothing says better.
PARTITION_HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
DEFAULT_HOME_REGION = "us-east-1"

def client_config() -> BotocoreConfig:
    """The configuration of a shared client: its retries are set up per account after."""
    return BotocoreConfig(
        retries={"mode": "standard", "max_attempts": RETRY_LIMIT},
        max_pool_connections=MAX_POOL_CONNECTIONS,
    )


def _role_partition(role_arn: str) -> str | None:
    parts = role_arn.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" else None


def _temporary_credentials(answer: Node) -> dict[str, str]:
    """AssumeRole's `Credentials`, each field checked, in the form botocore's refreshable
    credentials take (expiry as ISO 8601 text)."""
    credentials = answer.required("Credentials")
    expiration = credentials.required("Expiration")
    if not isinstance(expiration.value, datetime):
        raise AnswerProblem(f"{expiration.path} is not a time")
    return {
        "access_key": credentials.text("AccessKeyId"),
        "secret_key": credentials.text("SecretAccessKey"),
        "token": credentials.text("SessionToken"),
        "expiry_time": expiration.value.isoformat(),
    }


class SharedSession(botocore.session.Session):
    """A botocore session whose clients may act with credentials other than its own.

    botocore's `create_client` takes static keys only, and takes the session's own
    credentials (`get_credentials`) when given none. ecrrepl's clients sign with the
    credentials of the account each call acts as (acting.CALLER_CREDENTIALS), so those
    are handed to `get_credentials` for the creation of a client only, in this thread.
    """

    def __init__(self) -> None:
        super().__init__()
        self._handed_over = threading.local()

    def get_credentials(self) -> Any:
        credentials = getattr(self._handed_over, "credentials", None)
        return credentials if credentials is not None else super().get_credentials()

    def own_credentials(self) -> Credentials | None:
        """The session's own credentials (its profile's, or the default chain's)."""
        credentials: Credentials | None = super().get_credentials()
        return credentials

    @contextmanager
    def creating_clients_with(self, credentials: Credentials) -> Iterator[None]:
        self._handed_over.credentials = credentials
        try:
            yield
        finally:
            self._handed_over.credentials = None


@dataclass(frozen=True)
class ClientSource:
    """Where the clients of an account come from: a session, its name among the sessions
    of the run ("" for the base session, whose clients every assumed role shares) and,
    for an assumed role, the role's refreshable credentials in place of the session's own."""

    session: boto3.Session
    core: SharedSession
    name: str = ""
    credentials: Credentials | None = None

    def create_client(self, service: str, region: str) -> Any:
        """A client that signs each call as the account the call acts as."""
        with self.core.creating_clients_with(CALLER_CREDENTIALS):
            return self.session.client(  # type: ignore[call-overload]
                service, region_name=region, config=client_config()
            )


def _now() -> datetime:
    return datetime.now(UTC)


class Sessions:
    """The sessions, assumed roles and clients of one run, each created once, on first use."""

    def __init__(
        self,
        accounts: Mapping[str, AccountAccess] | None = None,
        *,
        profile: str | None = None,
        home_regions: Mapping[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        check_endpoint_variables()
        self.accounts: Mapping[str, AccountAccess] = dict(accounts or {})
        self.profile = profile
        # The time against which assumed roles' credentials expire; tests move it on.
        self._clock = clock or _now
        self._home_regions = dict(home_regions or {})
        self._lock = threading.Lock()
        self._sources: BuiltOnce[str, ClientSource] = BuiltOnce()
        self._acting: BuiltOnce[str, Acting] = BuiltOnce()
        # (source name, region, service): botocore clients, shared by accounts.
        self._shared: BuiltOnce[tuple[str, str, str], Any] = BuiltOnce()
        self._retries: dict[tuple[str, str, str], AccountRetries] = {}
        # (account, region, service): what callers get.
        self._clients: BuiltOnce[tuple[str, str, str], ActingClient] = BuiltOnce()
        # Keyed by id(): every session lives as long as this object, so ids stay unique.
        self._creation_locks: dict[int, threading.Lock] = {}
        self.identities = identity.IdentityGuard(self)
        self._data_loader = ThreadSafeLoader()

    @classmethod
    def for_config(cls, config: Config, *, profile: str | None = None) -> Self:
        """Sessions whose STS calls go to a region the configuration uses for each account."""
        used: dict[str, set[str]] = {}
        for registry in config.registries:
            used.setdefault(registry.account, set()).add(registry.region)
            for rule in registry.rules:
                for destination in rule.destinations:
                    used.setdefault(destination.account, set()).add(destination.region)
        for template in config.templates:
            used.setdefault(template.account, set()).add(template.region)
        # A region enabled by default first: credentials from the global STS endpoint
        # (version 1 session tokens) are not valid in an opt-in region, and the account
        # may not have enabled it. Sorted, so that the choice is stable.
        home = {
            account: min(found, key=lambda region: (regions.needs_opt_in(region), region))
            for account, found in used.items()
        }
        return cls(config.accounts, profile=profile, home_regions=home)

    # --- how an account is reached ---------------------------------------------------

    def describe_access(self, account: str) -> str:
        """How an account is reached, for messages: never the credentials themselves."""
        access = self.accounts.get(account)
        if access is not None and access.profile:
            return f"via profile {access.profile}"
        if access is not None and access.role_arn:
            return f"via role {access.role_arn}"
        if self.profile:
            return f"via the base profile {self.profile}"
        return "via the default credential chain"

    def home_region(self, account: str) -> str:
        """The region used for account-wide calls (STS) of `account`."""
        if account in self._home_regions:
            return self._home_regions[account]
        access = self.accounts.get(account)
        partition = _role_partition(access.role_arn) if access and access.role_arn else None
        if partition in PARTITION_HOME_REGIONS:
            return PARTITION_HOME_REGIONS[partition]
        base = self._base_source().session
        with self._creation_lock(base):
            base_region = base.region_name
        return base_region or DEFAULT_HOME_REGION

    def _new_source(self, profile: str | None, name: str = "") -> ClientSource:
        # Sessions share one data loader, so botocore's JSON models are parsed once per
        # run rather than once per profile.
        core = SharedSession()
        core.register_component("data_loader", self._data_loader)
        session = boto3.Session(botocore_session=core, profile_name=profile)
        # Checked now: with a botocore session given, boto3 defers it to the first client.
        if profile is not None and profile not in session.available_profiles:
            raise ProfileNotFound(profile=profile)
        with self._lock:
            self._creation_locks[id(session)] = threading.Lock()
        return ClientSource(session, core, name)

    def _base_source(self) -> ClientSource:
        return self._sources.get("", self._open_base_source)

    def _open_base_source(self) -> ClientSource:
        try:
            return self._new_source(self.profile)
        except (ClientError, BotoCoreError) as error:
            raise UserError(
                f"the base credentials cannot be used: {describe_failure(error)}"
            ) from None

    def _client_source(self, account: str) -> ClientSource:
        """Where the clients acting as `account` come from, assuming its role on first use."""
        return self._sources.get(account, lambda: self._open_client_source(account))

    def _open_client_source(self, account: str) -> ClientSource:
        access = self.accounts.get(account)
        if access is not None and access.profile:
            try:
                return self._new_source(access.profile, name=account)
            except (ClientError, BotoCoreError) as error:
                raise UserError(
                    f"account {account} cannot be reached via profile {access.profile}: "
                    f"{describe_failure(error)}"
                ) from None
        if access is not None and access.role_arn:
            return self._assume_role(account, access.role_arn, access.external_id)
        return self._base_source()

    def _assume_role(self, account: str, role_arn: str, external_id: str | None) -> ClientSource:
        region = self.home_region(account)
        arguments: dict[str, str] = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION_NAME}
        if external_id is not None:
            arguments["ExternalId"] = external_id
        first = self._role_credentials(account, region, arguments, f"assuming role {role_arn}")
        renew = partial(
            self._role_credentials,
            account,
            region,
            arguments,
            f"renewing the credentials of role {role_arn}",
        )
        credentials = RefreshableCredentials(
            access_key=first["access_key"],
            secret_key=first["secret_key"],
            token=first["token"],
            expiry_time=datetime.fromisoformat(first["expiry_time"]),
            refresh_using=renew,
            method="assume-role",
            time_fetcher=self._clock,
        )
        base = self._base_source()
        return ClientSource(base.session, base.core, base.name, credentials)

    def _role_credentials(
        self, account: str, region: str, arguments: Mapping[str, str], doing: str
    ) -> dict[str, str]:
        """AssumeRole from the base credentials, in the form botocore's refreshable
        credentials take (`refresh_using` returns it, expiry as ISO 8601 text)."""
        try:
            sts = self._base_client("sts", region)
            # The answer may be anything (an HTML page from a proxy): read it with checks.
            with malformed_answers(f"AssumeRole of {arguments['RoleArn']}", account, region):
                return _temporary_credentials(Node(sts.assume_role(**arguments)))
        except (ClientError, BotoCoreError) as error:
            raise UserError(
                f"account {account} cannot be reached: {doing} failed "
                f"in region {region}: {describe_failure(error)}"
            ) from None

    # --- clients -----------------------------------------------------------------------

    def _creation_lock(self, session: boto3.Session) -> threading.Lock:
        with self._lock:
            return self._creation_locks[id(session)]

    def _new_client(self, source: ClientSource, service: str, region: str) -> Any:
        # A boto3 session is not safe to use from several threads at once; its clients are.
        with self._creation_lock(source.session):
            try:
                client = source.create_client(service, region)
            except ValueError as error:  # e.g. a profile's endpoint_url botocore refuses
                reason = redact(str(error))
                raise UsageError(f"cannot reach {service} in {region}: {reason}") from None
        retries = AccountRetries(client, client.meta.config.retries["total_max_attempts"])
        with self._lock:
            self._retries[(source.name, region, service)] = retries
        return client

    def retries_of(self, service: str, account: str, region: str) -> AccountRetries:
        """The retries of the client that acts as `account` in `region`."""
        name = self._client_source(account).name
        with self._lock:
            return self._retries[(name, region, service)]

    def _cached_client(
        self, key: tuple[str, str, str], source: Callable[[], ClientSource]
    ) -> ActingClient:
        return self._clients.get(key, lambda: self._new_acting_client(key, source()))

    def _new_acting_client(self, key: tuple[str, str, str], source: ClientSource) -> ActingClient:
        account, region, service = key
        shared = self._shared.get(
            (source.name, region, service), lambda: self._new_client(source, service, region)
        )
        return ActingClient(shared, self._acting.get(account, lambda: self._acts_as(account)))

    def _acts_as(self, account: str) -> Acting:
        """The account and the credentials its calls are signed with."""
        source = self._client_source(account)
        if source.credentials is not None:
            return Acting(account, source.credentials)
        # botocore resolves a session's credential chain once, without a lock.
        with self._creation_lock(source.session):
            return Acting(account, source.core.own_credentials())

    def _base_client(self, service: str, region: str) -> Any:
        """A client with the base credentials, whichever account they belong to."""
        return self._cached_client(("", region, service), self._base_source)

    def client(self, service: str, account: str, region: str) -> Any:
        """A client for `service` that acts as `account` in `region`."""
        with aws_failures(f"creating the {service} client", account, region):
            return self._cached_client(
                (account, region, service), lambda: self._client_source(account)
            )

    def ecr(self, address: RegistryAddress) -> ECRClient:
        client: ECRClient = self.client("ecr", address.account, address.region)
        return client

    def sts(self, account: str) -> STSClient:
        client: STSClient = self.client("sts", account, self.home_region(account))
        return client

    def base_account(self, region: str) -> str:
        """The account the base credentials belong to (one GetCallerIdentity)."""
        try:
            with malformed_answers("GetCallerIdentity of the base credentials", "", region):
                return Node(self._base_client("sts", region).get_caller_identity()).text("Account")
        except (ClientError, BotoCoreError) as error:
            raise UserError(
                f"the base credentials cannot be used ({self.describe_access('')}): "
                f"{describe_failure(error)}"
            ) from None

    # --- identity guard ----------------------------------------------------------------

    def verify_identities(self, accounts: Iterable[str]) -> None:
        """Refuse, before anything is read or written, credentials of the wrong account."""
        self.identities.verify(accounts)
