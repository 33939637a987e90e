"""The configuration as frozen values, version 1 of the format (README, "The configuration file").

Every object remembers where it was declared (`where`) and where each of its keys
was (`at(key)`), so that a finding can point at the exact line and column. These
locations never take part in equality: two configurations that say the same thing
in another order or another file compare equal where the plan needs them to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ecrrepl.config.record import Record, cached, field
from ecrrepl.config.template_fields import DEFAULT_APPLIED_FOR
from ecrrepl.findings import Location

NOWHERE = Location("<generated>", 1, 1)

JsonObject = Mapping[str, Any]
# A place inside a JSON document: keys and list indexes from its root.
JsonPath = tuple[str | int, ...]


class DocumentPositions(NamedTuple):
    """Where each value, and each mapping key, of an embedded document is written.

    Inline documents point into the configuration file; documents read from a `file:`
    reference point into that file, when it could be read with positions."""

    values: Mapping[JsonPath, Location]
    keys: Mapping[JsonPath, Location]


class RegistryAddress(NamedTuple):
    """One private registry: an account in a region."""

    account: str
    region: str

    def __str__(self) -> str:
        return f"{self.account}/{self.region}"


class Declared(Record):
    """Where an object and each of its keys stand in the file."""

    where: Location = field(default=NOWHERE, compare=False)
    key_locations: Mapping[str, Location] = field(default_factory=dict, compare=False)

    def at(self, key: str) -> Location:
        """The location of `key`'s value, or of the object itself when the key is absent."""
        return self.key_locations.get(key, self.where)

    def unreadable(self, key: str, value: object) -> bool:
        """Whether `key` is written but its value could not be read (`value` is None after
        an E004): a check that concludes from the key's absence must not conclude here."""
        return value is None and key in self.key_locations


class Destination(Declared):
    account: str
    region: str

    # Made once and kept in the instance's __dict__, where later reads find it without
    # a call: the lint rules ask for it a few dozen times per destination, which on a
    # file of 100,000 rules is millions of reads.
    @cached
    def address(self) -> RegistryAddress:
        return RegistryAddress(self.account, self.region)


class RepositoryFilter(Declared):
    """A repository-name prefix (the only filter type ECR offers: PREFIX_MATCH)."""

    prefix: str


class ReplicationRule(Declared):
    name: str | None = None
    # None: the key was omitted, and the rule replicates every repository.
    filters: tuple[RepositoryFilter, ...] | None = None
    destinations: tuple[Destination, ...] = ()
    delete_replication: bool = False

    @cached  # made once, as Destination.address
    def prefixes(self) -> tuple[str, ...] | None:
        return None if self.filters is None else tuple(f.prefix for f in self.filters)

    def label(self, index: int) -> str:
        """How messages name the rule: its name, or its position."""
        return f"rule '{self.name}'" if self.name else f"rule #{index + 1}"


class SourceRegistry(Declared):
    """A registry whose whole replication configuration the file owns."""

    account: str
    region: str
    rules: tuple[ReplicationRule, ...] = ()

    @cached  # made once, as Destination.address
    def address(self) -> RegistryAddress:
        return RegistryAddress(self.account, self.region)


class AccountAccess(Declared):
    """How to reach one account; absent accounts use the base credentials."""

    account: str
    role_arn: str | None = None
    external_id: str | None = None
    profile: str | None = None
    manage_registry_policy: bool = True
    # A name for people (graphs, messages); never sent to AWS.
    alias: str | None = None

    @property
    def reached_otherwise(self) -> bool:
        """Whether the entry says how to reach the account (else: the base credentials)."""
        return self.role_arn is not None or self.profile is not None


class Encryption(Declared):
    type: str = "AES256"
    kms_key: str | None = None


class CreationTemplate(Declared):
    """A repository creation template in one registry, identified by its prefix. Its
    settings are the rows of config.template_fields, whose names are these attributes."""

    account: str
    region: str
    prefix: str
    applied_for: tuple[str, ...] = DEFAULT_APPLIED_FOR
    description: str | None = None
    image_tag_mutability: str | None = None
    image_tag_mutability_exclusion_filters: tuple[str, ...] = ()
    encryption: Encryption | None = None
    resource_tags: Mapping[str, str] = field(default_factory=dict)
    lifecycle_policy: JsonObject | None = None
    repository_policy: JsonObject | None = None
    custom_role_arn: str | None = None
    # "lifecycle_policy", "repository_policy", "resource_tags" -> positions inside them.
    positions: Mapping[str, DocumentPositions] = field(default_factory=dict, compare=False)

    @property
    def address(self) -> RegistryAddress:
        return RegistryAddress(self.account, self.region)

    @property
    def namespace(self) -> str:
        return template_namespace(self.prefix)

    def value_at(self, document: str, path: JsonPath = ()) -> Location:
        """Where the value at `path` inside `document` is written. For a value that is
        not there (a missing property), the key of the closest enclosing value that is:
        a block mapping starts at its first key, which would point at the wrong line."""
        known = self.positions.get(document)
        if known is None:
            return self.at(document)
        if path in known.values:
            return known.values[path]
        for end in range(len(path) - 1, -1, -1):
            enclosing = path[:end]
            location = known.keys.get(enclosing) or known.values.get(enclosing)
            if location is not None:
                return location
        return self.at(document)

    def key_at(self, document: str, path: JsonPath) -> Location:
        """Where the mapping key that ends `path` is written (else as `value_at`)."""
        known = self.positions.get(document)
        location = known.keys.get(path) if known is not None else None
        return location if location is not None else self.value_at(document, path)


def template_namespace(prefix: str) -> str:
    """What a template prefix stands for, the key that tells templates apart.

    botocore ECR model, CreateRepositoryCreationTemplateRequest.prefix: "There is always
    an assumed / applied to the end of the prefix. If you specify ecr-public as the
    prefix, Amazon ECR treats that as ecr-public/." So `prod` and `prod/` are one
    template; the Prefix pattern (`...\\/?|ROOT`) admits both spellings. Whether AWS
    returns the text as sent is not documented (checked 2026-12-02), so ecrrepl never
    relies on it: it compares namespaces and names a live template by its live text.
    """
    return prefix if prefix == "ROOT" else prefix.rstrip("/") + "/"


def accounts_json(accounts: Mapping[str, AccountAccess]) -> dict[str, dict[str, Any]]:
    """How each account is reached, as plan and backup files record it."""
    return {
        account: {
            "role_arn": access.role_arn,
            "external_id": access.external_id,
            "profile": access.profile,
            "manage_registry_policy": access.manage_registry_policy,
        }
        for account, access in sorted(accounts.items())
    }


def replicates(name: str, prefixes: Iterable[str] | None) -> bool:
    """Whether filters `prefixes` send repository `name` (None: no filter, every
    repository). ECR's one filter type, PREFIX_MATCH, compares the filter with the start
    of the name, literally (ECR API reference, RepositoryFilter, checked 2026-12-02).
    The one reading of a filter: the plan, the reader, backfill and route use it."""
    return prefixes is None or any(name.startswith(prefix) for prefix in prefixes)


def prefixes_sent_to(
    registries: Iterable[SourceRegistry],
) -> dict[RegistryAddress, frozenset[str] | None]:
    """The filters of every rule that sends to each destination; None when a rule sends
    every repository there (no filters)."""
    sent: dict[RegistryAddress, frozenset[str] | None] = {}
    for registry in registries:
        for rule in registry.rules:
            for destination in rule.destinations:
                so_far = sent.get(destination.address, frozenset())
                if not rule.prefixes or so_far is None:
                    sent[destination.address] = None
                else:
                    sent[destination.address] = so_far | frozenset(rule.prefixes)
    return sent


class Config(Record):
    """One configuration, merged from one or more files."""

    files: tuple[str, ...] = ()
    accounts: Mapping[str, AccountAccess] = field(default_factory=dict)
    registries: tuple[SourceRegistry, ...] = ()
    templates: tuple[CreationTemplate, ...] = ()
    # The `owner:` of the files (policy.owned_sids): None writes one registry policy
    # statement per source registry, a name merges them under Sids of that owner.
    owner: str | None = None
    # Every `owner:` the files declare, where: files that disagree are an error (E205).
    owners_declared: tuple[tuple[str, Location], ...] = field(default_factory=tuple, compare=False)
    # What the files declare but could not be built, each reported with its error: the
    # kinds of entries ("file", "account", "registry", "rule", "destination",
    # "template"), and where the rules are that lost a destination. The checks that
    # conclude from an absence ("no rule replicates here") read them, so that no finding
    # follows only from another. Not compared: they are not what the configuration says.
    unbuilt: frozenset[str] = field(default_factory=frozenset, compare=False)
    rules_missing_destinations: frozenset[Location] = field(
        default_factory=frozenset, compare=False
    )
    # The rules of registries that could not be built (their account or region could
    # not be read): never part of the configuration, but what can be checked of them
    # alone (their destinations' regions, their filters) is, in the same run.
    unplaced_rules: tuple[ReplicationRule, ...] = field(default_factory=tuple, compare=False)

    def access(self, account: str) -> AccountAccess | None:
        return self.accounts.get(account)

    def manages_policy_of(self, account: str) -> bool:
        access = self.accounts.get(account)
        return access is None or access.manage_registry_policy

    @property
    def source_addresses(self) -> frozenset[RegistryAddress]:
        return frozenset(registry.address for registry in self.registries)

    @property
    def named_accounts(self) -> frozenset[str]:
        """Every account the configuration names: sources, destinations, templates, access."""
        named = {registry.account for registry in self.registries} | set(self.accounts)
        named.update(template.account for template in self.templates)
        named.update(
            destination.account
            for registry in self.registries
            for rule in registry.rules
            for destination in rule.destinations
        )
        return frozenset(named)
