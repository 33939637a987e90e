"""Deny statements of other owners that stop the replication the configuration sets up.

An explicit Deny wins over every Allow (IAM policy evaluation logic:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
checked 2026-12-02). So a statement in a destination's registry policy that denies
ecr:ReplicateImage to the source account, on repositories the rules send there, makes
replication fail however ecrrepl writes its own statement; one that denies
ecr:CreateRepository makes it fail for every repository that does not exist there yet
(ECR user guide, "Granting registry permissions for cross account replication":
https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html,
checked 2026-12-02). The plan reports it as an error naming the statement,
and `apply` refuses unless `--allow-deny` is given.

What is evaluated: Effect "Deny"; Action or NotAction with IAM wildcards (`ecr:*`,
`ecr:Replicate*`), case-insensitively; Principal or NotPrincipal naming `*`,
`{"AWS": "*"}`, the source account ID or its root ARN; Resource or NotResource
patterns that share repositories with those the rules send there. A NotResource is
taken to deny unless it excludes every pattern the rules need. A statement with a
Condition may or may not apply (ecrrepl does not evaluate conditions: their keys are
known only to AWS at request time), so it is a warning, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from ecrrepl.config.model import JsonObject, RegistryAddress
from ecrrepl.policy import (
    PolicyStatement,
    glob_pattern,
    owns_statement,
    statements_of,
)
from ecrrepl.policy_fields import (
    ANYONE,
    EFFECT_DENY,
    REPLICATE_IMAGE,
    REPLICATION_ACTIONS,
    as_list,
    aws_principals,
    member_or_negation,
)

ALLOW_FLAG = "--allow-deny"


class Denials(NamedTuple):
    # Unconditional Deny statements: replication will fail.
    errors: tuple[str, ...] = ()
    # Deny statements with a Condition: replication may fail.
    warnings: tuple[str, ...] = ()


def _names_account(principal: Any, account: str) -> bool:
    if principal == ANYONE:
        return True
    root = re.compile(rf"arn:[a-z-]+:iam::{re.escape(account)}:root")
    return any(
        value in (ANYONE, account) or (isinstance(value, str) and root.fullmatch(value))
        for value in aws_principals(principal)
    )


def _applies_to(statement: Mapping[str, Any], account: str) -> bool:
    principal, negated = member_or_negation(statement, "Principal")
    return _names_account(principal, account) != negated


def _matches(pattern: Any, value: str, *, ignore_case: bool = False) -> bool:
    if not isinstance(pattern, str):
        return False
    if ignore_case:
        return glob_pattern(pattern.lower()).fullmatch(value.lower()) is not None
    return glob_pattern(pattern).fullmatch(value) is not None


def _denied_actions(statement: Mapping[str, Any]) -> list[str]:
    patterns, negated = member_or_negation(statement, "Action")
    return [
        action
        for action in REPLICATION_ACTIONS
        if any(_matches(p, action, ignore_case=True) for p in as_list(patterns)) != negated
    ]


def _denied_resources(statement: Mapping[str, Any], needed: Sequence[str]) -> list[str]:
    """The needed repository patterns (`arn:...:repository/prod/*`) the statement
    reaches: its pattern matches theirs, or theirs matches a repository it names."""
    value, negated = member_or_negation(statement, "Resource")
    patterns = as_list(value)
    if negated:
        # Excluded only where an excluded pattern covers the whole needed pattern.
        return [r for r in needed if not any(_matches(p, r) for p in patterns)]
    return [
        r
        for r in needed
        if any(_matches(p, r) or (isinstance(p, str) and _matches(r, p)) for p in patterns)
    ]


def _statement_name(statement: Mapping[str, Any], position: int) -> str:
    sid = statement.get("Sid")
    return f"statement '{sid}'" if isinstance(sid, str) and sid else f"statement #{position}"


def foreign_denials(
    registry: RegistryAddress,
    live_policy: JsonObject | None,
    required: Sequence[PolicyStatement],
    ignored_sids: frozenset[str] = frozenset(),
) -> Denials:
    """Deny statements of `live_policy` that stop replication `required` needs.

    `ignored_sids` are ecrrepl's own Sids in a policy it rewrites (policy.owns_statement
    reads them): those statements are replaced by the plan, so what they say now does
    not matter.
    """
    errors: list[str] = []
    warnings: list[str] = []
    for position, statement in enumerate(statements_of(live_policy), start=1):
        if not isinstance(statement, Mapping) or statement.get("Effect") != EFFECT_DENY:
            continue
        if owns_statement(statement.get("Sid"), ignored_sids):
            continue
        for needed in required:
            account = needed.source.account
            if not _applies_to(statement, account):
                continue
            actions = _denied_actions(statement)
            resources = _denied_resources(statement, needed.resources)
            if not (actions and resources):
                continue
            denial = (
                f"{_statement_name(statement, position)} of the registry policy of "
                f"{registry} denies {' and '.join(actions)} to account {account} on "
                f"{', '.join(resources)}"
            )
            if statement.get("Condition"):
                warnings.append(
                    f"{denial} when its Condition holds (ecrrepl does not evaluate "
                    f"conditions): replication from {needed.source} may fail"
                )
            else:
                what = (
                    f"replication from {needed.source} into {registry}"
                    if REPLICATE_IMAGE in actions
                    else f"replication from {needed.source} into repositories that do not "
                    f"exist in {registry} yet"
                )
                errors.append(
                    f"{denial}: {what} would fail, since an explicit Deny wins over any "
                    f"Allow; remove or narrow that statement, or apply with {ALLOW_FLAG} "
                    "to write all the same"
                )
    return Denials(tuple(errors), tuple(warnings))
