"""How ecrrepl reaches each account: sessions, assumed roles and cached clients.

The base session is boto3's default chain, or `--profile`. An account with an
`accounts` entry is reached through its own named profile, or by assuming its role
from the base credentials; every other account uses the base session. Clients retry
in botocore's standard mode, so throttling is survived, and are created once per
(account, region, service): reads run in threads and share them. The endpoint is
whatever botocore's own settings say (`AWS_ENDPOINT_URL`), never a constant here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Self

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config as BotocoreConfig
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from ecrrepl.aws import identity
from ecrrepl.aws.failures import aws_failures, describe_failure
from ecrrepl.config.model import AccountAccess, Config, RegistryAddress
from ecrrepl.errors import UserError

if TYPE_CHECKING:
    from mypy_boto3_ecr.client import ECRClient
    from mypy_boto3_sts.client import STSClient

ROLE_SESSION_NAME = "ecrrepl"
# botocore's `max_attempts` counts retries after the first attempt.
RETRIES = {"mode": "standard", "max_attempts": 10}
# STS is called in a region of the account's partition; this one when nothing says better.
PARTITION_HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}
DEFAULT_HOME_REGION = "us-east-1"


def client_config() -> BotocoreConfig:
    return BotocoreConfig(retries=RETRIES)  # type: ignore[arg-type]


def _role_partition(role_arn: str) -> str | None:
    parts = role_arn.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" else None


class Sessions:
    """The sessions and clients of one run, one per account, created on first use."""

    def __init__(
        self,
        accounts: Mapping[str, AccountAccess] | None = None,
        *,
        profile: str | None = None,
        home_regions: Mapping[str, str] | None = None,
    ) -> None:
        self.accounts: Mapping[str, AccountAccess] = dict(accounts or {})
        self.profile = profile
        self._home_regions = dict(home_regions or {})
        self._base: boto3.Session | None = None
        self._sessions: dict[str, boto3.Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}
        # Keyed by id(): every session lives as long as this object, so ids stay unique.
        self._session_locks: dict[int, threading.Lock] = {}
        self.identities = identity.IdentityGuard(self)
        self._data_loader = botocore.loaders.create_loader()

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
        home = {account: min(found) for account, found in used.items()}
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
        base_region = self._base_session().region_name
        return base_region or DEFAULT_HOME_REGION

    def _new_session(self, **arguments: Any) -> boto3.Session:
        # Sessions share one data loader, so botocore's JSON models are parsed once per
        # run rather than once per account: that parsing dominates creating a client.
        shared = botocore.session.Session()
        shared.register_component("data_loader", self._data_loader)
        session = boto3.Session(botocore_session=shared, **arguments)
        profile = arguments.get("profile_name")
        # Checked now: with a botocore session given, boto3 defers it to the first client.
        if profile is not None and profile not in session.available_profiles:
            raise ProfileNotFound(profile=profile)
        return session

    def _base_session(self) -> boto3.Session:
        with self._lock:
            if self._base is None:
                try:
                    self._base = self._new_session(profile_name=self.profile)
                except (ClientError, BotoCoreError) as error:
                    raise UserError(
                        f"the base credentials cannot be used: {describe_failure(error)}"
                    ) from None
            return self._base

    def _account_lock(self, account: str) -> threading.Lock:
        with self._lock:
            return self._account_locks.setdefault(account, threading.Lock())

    def session(self, account: str) -> boto3.Session:
        """The session that reaches `account`, assuming its role on first use."""
        with self._account_lock(account):
            if account not in self._sessions:
                self._sessions[account] = self._open_session(account)
            return self._sessions[account]

    def _open_session(self, account: str) -> boto3.Session:
        access = self.accounts.get(account)
        if access is not None and access.profile:
            try:
                return self._new_session(profile_name=access.profile)
            except (ClientError, BotoCoreError) as error:
                raise UserError(
                    f"account {account} cannot be reached via profile {access.profile}: "
                    f"{describe_failure(error)}"
                ) from None
        if access is not None and access.role_arn:
            return self._assume_role(account, access.role_arn, access.external_id)
        return self._base_session()

    def _assume_role(self, account: str, role_arn: str, external_id: str | None) -> boto3.Session:
        region = self.home_region(account)
        arguments: dict[str, str] = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION_NAME}
        if external_id is not None:
            arguments["ExternalId"] = external_id
        try:
            sts = self._base_client("sts", region)
            credentials = sts.assume_role(**arguments)["Credentials"]
        except (ClientError, BotoCoreError) as error:
            raise UserError(
                f"account {account} cannot be reached: assuming role {role_arn} failed "
                f"in region {region}: {describe_failure(error)}"
            ) from None
        return self._new_session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    # --- clients -----------------------------------------------------------------------

    def _new_client(self, session: boto3.Session, service: str, region: str) -> Any:
        # A boto3 session is not safe to create clients from in parallel; its clients are.
        with self._lock:
            session_lock = self._session_locks.setdefault(id(session), threading.Lock())
        with session_lock:
            return session.client(service, region_name=region, config=client_config())  # type: ignore[call-overload]

    def _cached_client(
        self, key: tuple[str, str, str], session: Callable[[], boto3.Session]
    ) -> Any:
        with self._lock:
            cached = self._clients.get(key)
        if cached is not None:
            return cached
        created = self._new_client(session(), key[2], key[1])
        with self._lock:
            return self._clients.setdefault(key, created)

    def _base_client(self, service: str, region: str) -> Any:
        """A client with the base credentials, whichever account they belong to."""
        return self._cached_client(("", region, service), self._base_session)

    def client(self, service: str, account: str, region: str) -> Any:
        """A client for `service` that acts as `account` in `region`, created once."""
        with aws_failures(f"creating the {service} client", account, region):
            return self._cached_client((account, region, service), lambda: self.session(account))

    def ecr(self, address: RegistryAddress) -> ECRClient:
        client: ECRClient = self.client("ecr", address.account, address.region)
        return client

    def sts(self, account: str) -> STSClient:
        client: STSClient = self.client("sts", account, self.home_region(account))
        return client

    def base_account(self, region: str) -> str:
        """The account the base credentials belong to (one GetCallerIdentity)."""
        try:
            answer = self._base_client("sts", region).get_caller_identity()
        except (ClientError, BotoCoreError) as error:
            raise UserError(
                f"the base credentials cannot be used ({self.describe_access('')}): "
                f"{describe_failure(error)}"
            ) from None
        return str(answer["Account"])

    # --- identity guard ----------------------------------------------------------------

    def verify_identities(self, accounts: Iterable[str]) -> None:
        """Refuse, before anything is read or written, credentials of the wrong account."""
        self.identities.verify(accounts)
