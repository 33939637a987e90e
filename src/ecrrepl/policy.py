"""Registry policy statements that cross-account replication needs, and who owns them.

A destination registry in another account accepts replicated images only when its
registry policy allows the source account `ecr:CreateRepository` and `ecr:ReplicateImage`.
ecrrepl owns some statements of each such policy, named by their Sid; every other
statement belongs to someone else and is kept exactly as it is. A registry policy is one
document that PutRegistryPolicy replaces whole, so merging happens here, before anything
is sent.

Two Sid schemes (both only letters and digits, as IAM allows):

- a configuration without `owner:` writes one statement per source registry,
  `Ecrrepl<account><region without dashes>` (`Ecrrepl111111111111uswest2`), and owns
  the Sids of its own source registries: two such configurations with different source
  registries never touch each other's statements;
- a configuration with `owner: platform` writes statements merged across its source
  registries and accounts (policy_grants.py), `EcrreplPlatformG<10 hex digits>`, the
  digits a digest of the statement's principals and resources, and owns every Sid of
  that form with its owner, plus the per-registry Sids of its own source registries
  (which it replaces: the migration from the first scheme).

`owns_statement` is the one place that decides; an owned-Sid list (`owned_sids`, kept
in backups) holds Sids and, for an owner, the marker `EcrreplPlatformG*`. The members of
a statement, what ecrrepl writes in each and how they are read are policy_fields.py's.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from ecrrepl import limits, regions
from ecrrepl.config.model import Config, RegistryAddress, ReplicationRule
from ecrrepl.errors import UserError
from ecrrepl.jsondepth import nested_deeper_than
from ecrrepl.policy_fields import (
    EFFECT_ALLOW,
    EFFECT_DENY,
    REPLICATION_ACTIONS,
    as_list,
    aws_principals,
    sid_of,
    written_statement,
)

MAX_POLICY_CHARS = limits.MAX_REGISTRY_POLICY_CHARS
# No AWS source documents a nesting limit for policy documents (IAM JSON policy grammar,
# checked 2026-12-02: the deepest valid element is a Condition value list, five levels
# down: Statement[] > {} > Condition{} > operator{} > key[]). Anything this deep is not a
# policy, and refusing it keeps the parser's recursion bounded.
MAX_POLICY_DEPTH = 64

DEFAULT_POLICY_VERSION = "2012-10-17"
SID_PREFIX = "Ecrrepl"


# Every Sid `statement_sid` makes, and every Sid `merged_sid` makes: what ecrrepl owns
# when nothing lists its Sids.
_ECRREPL_SID = re.compile(rf"{SID_PREFIX}[0-9]{{12}}[a-z0-9]+")
_MERGED_SID = re.compile(rf"{SID_PREFIX}[A-Z][a-z0-9]*G[0-9a-f]{{10}}")
_DIGEST = re.compile(r"[0-9a-f]{10}")
# Ends an owned-Sid list entry that stands for every merged Sid of one owner.
OWNER_WILDCARD = "*"


def statement_sid(source: RegistryAddress) -> str:
    """The Sid of the statement a source registry owns: Sids allow only letters and digits."""
    return f"{SID_PREFIX}{source.account}{source.region.replace('-', '')}"


def owner_sid_prefix(owner: str) -> str:
    """`EcrreplPlatformG` for `platform`: the owner (lowercase, config.schema.OWNER_PATTERN)
    capitalised, so that the capital G ends it and no owner's Sids start another's."""
    return f"{SID_PREFIX}{owner[:1].upper()}{owner[1:]}G"


def owner_of_sid(sid: object) -> str | None:
    """The owner whose merged statement carries this Sid (`platform` for
    `EcrreplPlatformG0123456789`); None for any other Sid. owner_sid_prefix, backwards."""
    if not isinstance(sid, str) or _MERGED_SID.fullmatch(sid) is None:
        return None
    capitalised = sid[len(SID_PREFIX) : -len("G") - 10]
    return capitalised[:1].lower() + capitalised[1:]


def owner_marker(owner: str) -> str:
    """The owned-Sid list entry for every merged statement of `owner`."""
    return owner_sid_prefix(owner) + OWNER_WILDCARD


def merged_sid(owner: str, principals: Iterable[str], resources: Iterable[str]) -> str:
    """The Sid of a merged statement: a digest of what it grants, so that one Sid always
    means one grant, and a changed grant is a new statement beside the old one until the
    old one is withdrawn (plan.writes.stage_policy)."""
    import hashlib  # not at the top: `validate` reaches this module and starts faster without it

    meaning = json.dumps([sorted(principals), sorted(resources)], separators=(",", ":"))
    return owner_sid_prefix(owner) + hashlib.sha256(meaning.encode()).hexdigest()[:10]


def owned_sid_list(sources: Iterable[RegistryAddress], owner: str | None) -> frozenset[str]:
    """What a configuration owns: the per-registry Sid of each of its source registries,
    written or not, and with an owner, every merged Sid of that owner."""
    owned = {statement_sid(source) for source in sources}
    if owner is not None:
        owned.add(owner_marker(owner))
    return frozenset(owned)


def owns_statement(sid: object, owned: Collection[str] | None) -> bool:
    """Whether the statement with this Sid is ecrrepl's: its Sid is among `owned` or is a
    merged Sid of an owner `owned` marks (`EcrreplPlatformG*`), or, when no list of owned
    Sids is known (None), follows one of ecrrepl's two Sid schemes. The one place that
    decides it; every other statement belongs to someone else."""
    if not isinstance(sid, str):
        return False
    if owned is None:
        return _ECRREPL_SID.fullmatch(sid) is not None or _MERGED_SID.fullmatch(sid) is not None
    if sid in owned:
        return True
    return any(
        entry.endswith(OWNER_WILDCARD)
        and sid.startswith(entry[:-1])
        and _DIGEST.fullmatch(sid, len(entry) - 1) is not None
        and _MERGED_SID.fullmatch(sid) is not None
        for entry in owned
    )


def _partition(region: str) -> str:
    # An unknown region is reported by the lint (E105); "aws" keeps the ARN well formed.
    return regions.partition_of(region) or "aws"


def account_root_arn(account: str, region: str) -> str:
    return f"arn:{_partition(region)}:iam::{account}:root"


def repository_arn(destination: RegistryAddress, name_pattern: str) -> str:
    return (
        f"arn:{_partition(destination.region)}:ecr:{destination.region}:"
        f"{destination.account}:repository/{name_pattern}"
    )


class PolicyStatement(NamedTuple):
    """The statement that lets `source` replicate into `destination`."""

    source: RegistryAddress
    destination: RegistryAddress
    resources: tuple[str, ...]

    @property
    def sid(self) -> str:
        return statement_sid(self.source)

    @property
    def principal(self) -> str:
        # Both registries are in one partition (E106 refuses anything else).
        return account_root_arn(self.source.account, self.destination.region)

    def as_json(self) -> dict[str, Any]:
        return written_statement(self.sid, (self.principal,), self.resources)


def _reachable_name_patterns(rules: Iterable[ReplicationRule]) -> tuple[str, ...]:
    """Repository-name patterns (`prod/*`) for what the filters of `rules` replicate.

    A filter is a name prefix, so `prod/` reaches `prod/*`. One rule without filters
    reaches everything, and `*` alone says so.
    """
    prefixes: set[str] = set()
    for rule in rules:
        if rule.prefixes is None:
            return ("*",)
        prefixes.update(rule.prefixes)
    return covering_patterns(prefixes)


def covering_patterns(prefixes: Iterable[str]) -> tuple[str, ...]:
    """`prefix*` for each prefix that no other prefix covers, in sorted order.

    A prefix that starts with another one adds nothing (`prod*` already covers
    `prod/api*`), and leaving it out keeps the policy under its size limit for longer.
    """
    # In sorted order, a prefix that starts with another comes after it, and after every
    # prefix between them, which starts with it too: comparing with the last one kept
    # is enough, and the work is n log n rather than every pair.
    kept: list[str] = []
    for prefix in sorted(set(prefixes)):
        if not (kept and prefix.startswith(kept[-1])):
            kept.append(prefix)
    return tuple(f"{prefix}*" for prefix in kept)


def required_statements(config: Config) -> dict[RegistryAddress, tuple[PolicyStatement, ...]]:
    """For each cross-account destination registry, the statements it needs, in Sid order."""
    rules_into: dict[RegistryAddress, dict[RegistryAddress, list[ReplicationRule]]] = {}
    for registry in config.registries:
        for rule in registry.rules:
            for destination in rule.destinations:
                if destination.account == registry.account:
                    continue
                senders = rules_into.setdefault(destination.address, {})
                rules_of_source = senders.setdefault(registry.address, [])
                # A rule listing one destination twice comes here twice; checking the last
                # one added is enough, and comparing with every rule would be quadratic.
                if not (rules_of_source and rules_of_source[-1] is rule):
                    rules_of_source.append(rule)
    required: dict[RegistryAddress, tuple[PolicyStatement, ...]] = {}
    for target, senders in sorted(rules_into.items()):
        statements = [
            PolicyStatement(
                source=source,
                destination=target,
                resources=tuple(
                    repository_arn(target, pattern) for pattern in _reachable_name_patterns(rules)
                ),
            )
            for source, rules in senders.items()
        ]
        required[target] = tuple(sorted(statements, key=lambda s: s.sid))
    return required


def owned_sids(config: Config) -> frozenset[str]:
    """Sids that belong to this configuration: one per source registry it declares, and
    with `owner:`, the merged Sids of that owner (owned_sid_list)."""
    return owned_sid_list((registry.address for registry in config.registries), config.owner)


class WrittenStatement(Protocol):
    """A statement ecrrepl writes: a PolicyStatement, or a policy_grants.Grant."""

    @property
    def sid(self) -> str: ...

    def as_json(self) -> dict[str, Any]: ...


def statements_of(policy: Mapping[str, Any] | None) -> list[Any]:
    """A policy's statements: none for no policy, and a list even where the IAM grammar's
    single statement object stands; anything else in "Statement" is no statement."""
    if policy is None:
        return []
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        return [statements]
    if isinstance(statements, list):
        return list(statements)
    return []


def _sid_of(statement: Any) -> str | None:
    # A live policy comes from AWS: a Sid that is not a string is nobody's Sid here.
    sid = sid_of(statement)
    return sid if isinstance(sid, str) else None


def merge_policy(
    live: Mapping[str, Any] | None,
    required: Sequence[WrittenStatement],
    owned: Collection[str],
) -> dict[str, Any] | None:
    """The registry policy to put: foreign statements untouched, ours replaced.

    Statements whose Sid is not owned keep their content and order; the required
    statements follow in Sid order. Returns None when no statement remains, which
    means the policy should be deleted rather than put empty.
    """
    ours = frozenset(owned) | {statement.sid for statement in required}
    merged: dict[str, Any] = dict(live) if live is not None else {}
    merged.setdefault("Version", DEFAULT_POLICY_VERSION)
    foreign = [s for s in statements_of(merged) if not owns_statement(_sid_of(s), ours)]
    statements = foreign + [s.as_json() for s in sorted(required, key=lambda s: s.sid)]
    if not statements:
        return None
    merged["Statement"] = statements
    return merged


def policy_text(policy: Mapping[str, Any]) -> str:
    """The exact text sent to PutRegistryPolicy; its length is what the limit applies to."""
    return json.dumps(policy, separators=(",", ":"))


class PolicyTextError(UserError):
    """A policy text that is not a JSON object; `problem` says why, without the place."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"the {where} {problem}")
        self.problem = problem


def parse_policy_text(text: str, where: str) -> dict[str, Any]:
    """A policy document from its text, which comes from AWS: never trusted to be JSON.

    Nesting is measured before parsing, without recursion: json.loads recurses once per
    level and a deep enough text ends in a RecursionError.
    """
    if nested_deeper_than(text, MAX_POLICY_DEPTH):
        raise PolicyTextError(
            where, f"is nested deeper than {MAX_POLICY_DEPTH} levels, more than any policy"
        )
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyTextError(
            where,
            f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})",
        ) from None
    if not isinstance(parsed, dict):
        raise PolicyTextError(where, f"is JSON but not an object: {type(parsed).__name__}")
    return parsed


# --- checking a policy that someone else manages -------------------------------------


class _Grant(NamedTuple):
    """One Allow or Deny statement, reduced to the parts the replication check reads."""

    effect: str
    principals: tuple[str, ...]
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    @classmethod
    def parse(cls, statement: Any) -> _Grant | None:
        if not isinstance(statement, Mapping):
            return None
        principals = aws_principals(statement.get("Principal"))
        # NotPrincipal, NotAction and NotResource are not evaluated: the part they stand
        # for matches nothing, so such a statement neither grants nor denies here, which
        # errs towards reporting a grant as missing.
        return cls(
            effect=str(statement.get("Effect", "")),
            principals=tuple(str(p) for p in principals),
            actions=tuple(str(a) for a in as_list(statement.get("Action"))),
            resources=tuple(str(r) for r in as_list(statement.get("Resource"))),
        )

    def names(self, account: str, root_arn: str) -> bool:
        return any(p in ("*", account, root_arn) for p in self.principals)

    def covers_action(self, action: str) -> bool:
        # Action names are case-insensitive in IAM.
        return any(_glob(pattern.lower()).fullmatch(action.lower()) for pattern in self.actions)

    def covers_resource(self, resource: str) -> bool:
        return any(_glob(pattern).fullmatch(resource) for pattern in self.resources)

    def overlaps_resource(self, resource: str) -> bool:
        """Whether some of `resource`'s repositories fall under this statement."""
        return self.covers_resource(resource) or any(
            _glob(resource).fullmatch(pattern) for pattern in self.resources
        )


@functools.lru_cache(maxsize=1024)
def glob_pattern(pattern: str) -> re.Pattern[str]:
    # IAM wildcards: `*` any run of characters, `?` one character; nothing else.
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


_glob = glob_pattern


def missing_grants(
    live: Mapping[str, Any] | None, statement: PolicyStatement, *, count_denies: bool = True
) -> list[str]:
    """What replication from `statement.source` needs that the `live` policy does not grant.

    Used for accounts whose policy ecrrepl must not change. Allow statements with any
    Sid may together grant the needed actions; a covering resource may be `*` or a
    wildcard ARN. Conditions are not evaluated. An explicit Deny of a needed action for
    the source account on any of the needed repositories counts as not granted.
    """
    account = statement.source.account
    root = statement.principal
    if live is None:
        return [
            f"{statement.destination} has no registry policy; it must allow {root} "
            f"{' and '.join(REPLICATION_ACTIONS)}"
        ]
    grants = [g for g in map(_Grant.parse, statements_of(live)) if g is not None]
    mine = [g for g in grants if g.names(account, root)]
    allows = [g for g in mine if g.effect == EFFECT_ALLOW]
    denies = [g for g in mine if g.effect == EFFECT_DENY]
    if not allows:
        return [f"no Allow statement names {root} (or {account}) as principal"]
    missing: list[str] = []
    for action in REPLICATION_ACTIONS:
        acting = [g for g in allows if g.covers_action(action)]
        if not acting:
            missing.append(f"{action} is not allowed for {root}")
            continue
        uncovered = [
            resource
            for resource in statement.resources
            if not any(g.covers_resource(resource) for g in acting)
        ]
        if uncovered:
            missing.append(f"{action} is not allowed for {root} on {', '.join(uncovered)}")
        denied = [
            resource
            for resource in statement.resources
            if any(g.covers_action(action) and g.overlaps_resource(resource) for g in denies)
        ]
        if denied and count_denies:
            missing.append(f"{action} is denied to {root} on {', '.join(denied)}")
    return missing
