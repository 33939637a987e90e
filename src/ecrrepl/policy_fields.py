"""The members of a registry policy statement: one row per member, the one statement of its
JSON key, its value's shape, what ecrrepl writes in it, and how it is read and compared.

Every place that spells a statement's members walks this table or calls a helper below:
the builder of ecrrepl's statements (`written_statement`, for policy.PolicyStatement and
policy_grants.Grant), the comparison as IAM reads it (`canonical_statement`, for
plan/policy_merge.py, plan/registry_policy.py and plan/restore_checks.py), the reading of
other owners' Deny statements and their Not* forms (plan/foreign_deny.py), the check of
policies ecrrepl does not manage (policy.missing_grants), the shape checks of backups
(backup_checks.py) and the Terraform renderer (render/policy_terraform.py). As
config/template_fields.py is for creation templates and config/rule_fields.py for
replication rules. The Sid schemes are policy.py's (`statement_sid`, `merged_sid`).

AWS facts (checked 2026-12-02):
- IAM User Guide, "IAM JSON policy element reference",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html: the
  members are Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
  NotResource and Condition; their order does not matter; Action and NotAction,
  Principal and NotPrincipal, Resource and NotResource cannot stand in one statement.
  Action, NotAction, Resource and NotResource take one string or an array of strings;
  a Principal is "*" or an object of principal types (`{"AWS": ...}`) each holding one
  string or an array ("Principal" page of the same guide). Effect is required, and is
  Allow or Deny, case-sensitively ("Effect" page).
- ECR user guide, "Private registry permissions",
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html, and
  "Private registry policy examples" (registry-permissions-examples.html): cross-account
  replication is granted by an Allow of ecr:CreateRepository and ecr:ReplicateImage to
  the source account's root on repositories of the destination registry, the statement
  ecrrepl writes, and nothing more.

Plain data and small helpers, no import beyond the standard library: `validate` reaches
policy.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, NamedTuple

EFFECT_ALLOW = "Allow"
EFFECT_DENY = "Deny"
REPLICATION_ACTIONS = ("ecr:CreateRepository", "ecr:ReplicateImage")
REPLICATE_IMAGE = "ecr:ReplicateImage"
# The principal type whose values are account IDs and IAM ARNs.
AWS_PRINCIPAL = "AWS"
ANYONE = "*"


class Shape(Enum):
    """How a member's value is written and compared: TEXT, one string, as it is; STRINGS,
    one string or a list of them, as a set in one order; PRINCIPAL, "*" or principal
    types each holding STRINGS, per type; CONDITION, operator -> key -> values, as it is
    (ecrrepl writes none)."""

    TEXT = "text"
    STRINGS = "strings"
    PRINCIPAL = "principal"
    CONDITION = "condition"


class Writes(Enum):
    """What ecrrepl writes in a member of its statements: NEVER anything (a statement that
    has the member is not one ecrrepl could have written), a CONSTANT (the row's `value`),
    or what each grant says, PER_GRANT (its Sid, its source accounts' roots, its
    repositories)."""

    NEVER = "never"
    CONSTANT = "constant"
    PER_GRANT = "per grant"


class StatementMember(NamedTuple):
    # The key in the statement's JSON.
    key: str
    shape: Shape
    writes: Writes
    # With Writes.CONSTANT, what ecrrepl writes (a tuple stands for a JSON list).
    value: Any = None
    # A Not* member: the member whose complement it names.
    negates: str | None = None
    # The argument or block of Terraform's aws_iam_policy_document that carries it.
    terraform: str = ""


# In the order ecrrepl writes them (plan files and backups hold them so) and Terraform's
# statement blocks show them.
STATEMENT_MEMBERS: tuple[StatementMember, ...] = (
    StatementMember("Sid", Shape.TEXT, Writes.PER_GRANT, terraform="sid"),
    StatementMember("Effect", Shape.TEXT, Writes.CONSTANT, EFFECT_ALLOW, terraform="effect"),
    StatementMember("Principal", Shape.PRINCIPAL, Writes.PER_GRANT, terraform="principals"),
    StatementMember(
        "NotPrincipal",
        Shape.PRINCIPAL,
        Writes.NEVER,
        negates="Principal",
        terraform="not_principals",
    ),
    StatementMember(
        "Action", Shape.STRINGS, Writes.CONSTANT, REPLICATION_ACTIONS, terraform="actions"
    ),
    StatementMember(
        "NotAction", Shape.STRINGS, Writes.NEVER, negates="Action", terraform="not_actions"
    ),
    StatementMember("Resource", Shape.STRINGS, Writes.PER_GRANT, terraform="resources"),
    StatementMember(
        "NotResource", Shape.STRINGS, Writes.NEVER, negates="Resource", terraform="not_resources"
    ),
    StatementMember("Condition", Shape.CONDITION, Writes.NEVER, terraform="condition"),
)

MEMBERS_BY_KEY: dict[str, StatementMember] = {m.key: m for m in STATEMENT_MEMBERS}
WRITTEN_KEYS: frozenset[str] = frozenset(
    m.key for m in STATEMENT_MEMBERS if m.writes is not Writes.NEVER
)
_NEGATED_BY: dict[str, str] = {m.negates: m.key for m in STATEMENT_MEMBERS if m.negates}


def sid_of(statement: Any) -> Any:
    """A statement's Sid as it stands (any JSON value), or None; not a statement: None."""
    return statement.get("Sid") if isinstance(statement, Mapping) else None


def written_value(key: str) -> Any:
    """What ecrrepl always writes in member `key` (Writes.CONSTANT), as its JSON."""
    value = MEMBERS_BY_KEY[key].value
    return list(value) if isinstance(value, tuple) else value


def written_statement(
    sid: str, principals: Sequence[str], resources: Sequence[str]
) -> dict[str, Any]:
    """The statement ecrrepl writes: these principals (source account roots) may replicate
    into these repositories. One principal is written as a string, as AWS's examples do."""
    per_grant = {
        "Sid": sid,
        "Principal": {AWS_PRINCIPAL: principals[0] if len(principals) == 1 else list(principals)},
        "Resource": list(resources),
    }
    return {
        member.key: written_value(member.key)
        if member.writes is Writes.CONSTANT
        else per_grant[member.key]
        for member in STATEMENT_MEMBERS
        if member.writes is not Writes.NEVER
    }


def unwritten_members(statement: Mapping[str, Any]) -> list[str]:
    """The keys of `statement` that no statement ecrrepl writes has, sorted."""
    return sorted(set(statement) - WRITTEN_KEYS)


def as_list(value: Any) -> list[Any]:
    """A STRINGS value (one string or a list) as a list; nothing for an absent member."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def strings(value: Any) -> list[str]:
    """A STRINGS value as its strings; [] when it is neither a string nor a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return []


def aws_principals(principal: Any) -> list[Any]:
    """The AWS principals a Principal names: those of `{"AWS": ...}`, or the value itself
    when it is not an object ("*")."""
    if isinstance(principal, Mapping):
        return as_list(principal.get(AWS_PRINCIPAL))
    return as_list(principal)


def member_or_negation(statement: Mapping[str, Any], key: str) -> tuple[Any, bool]:
    """The value of member `key` (Principal, Action, Resource) or, when the statement has
    its Not* form instead, that value and True: what it names, and whether it names the
    complement."""
    negation = _NEGATED_BY[key]
    if negation in statement:
        return statement[negation], True
    return statement.get(key), False


def _in_one_order(value: Any) -> list[Any]:
    """A STRINGS value as IAM reads it, a set: its items in one order, each once."""
    unique = {json.dumps(item, sort_keys=True): item for item in as_list(value)}
    return [unique[key] for key in sorted(unique)]


def canonical_statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The statement as IAM reads it: every STRINGS member, and each principal type's
    values, a list in one order without repeats, whether written as one string or a list."""
    canonical: dict[str, Any] = {}
    for key, value in statement.items():
        member = MEMBERS_BY_KEY.get(key)
        shape = member.shape if member is not None else None
        if shape is Shape.STRINGS:
            canonical[key] = _in_one_order(value)
        elif shape is Shape.PRINCIPAL and isinstance(value, Mapping):
            canonical[key] = {kind: _in_one_order(names) for kind, names in value.items()}
        else:
            canonical[key] = value
    return canonical


def statement_meaning(statement: Any) -> str:
    """A key under which two statements that IAM reads alike are equal (canonical_statement
    as compact JSON); anything that is not a statement object is taken as it is."""
    value = canonical_statement(statement) if isinstance(statement, Mapping) else statement
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
