"""Registry policies as ecrrepl changes them: its own statements in, everyone else's kept.

PutRegistryPolicy replaces the whole document and takes no condition (botocore
`PutRegistryPolicyRequest` has `policyText` and nothing else; checked 2026-12-02), so
another owner's statement survives a write only if the document sent holds it. The
merge here is therefore applied to the policy as it is live at the moment of writing,
never to the policy read when the run began: `merge_statements` takes ecrrepl's
statements for one registry and the live document, and returns the document to put.

"Ecrrepl's" is decided by one function, `policy.owns_statement`; a statement is
foreign when its Sid is not ecrrepl's (or it has none). Statements are compared as IAM
reads them: the order of actions, resources and principals does not matter, nor
whether a single value is a string or a one-element list.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ecrrepl.config.model import JsonObject
from ecrrepl.policy import DEFAULT_POLICY_VERSION, statements_of
from ecrrepl.policy_fields import (
    AWS_PRINCIPAL,
    EFFECT_ALLOW,
    as_list,
    canonical_statement,
    sid_of,
    statement_meaning,
    strings,
)

Owns = Callable[[object], bool]


def owned_statements(policy: JsonObject | None, owns: Owns) -> tuple[JsonObject, ...]:
    return tuple(s for s in statements_of(policy) if owns(sid_of(s)))


def merge_statements(
    live: JsonObject | None,
    ours: Sequence[JsonObject],
    owns: Owns,
    base: JsonObject | None = None,
) -> JsonObject | None:
    """The document to put so that the policy holds exactly `ours` of ecrrepl's statements.

    Every foreign statement of `live` is kept as it is, in its place. An owned statement
    of `live` that means the same as one of `ours` stays where it is (so a policy that
    is already right is returned unchanged and need not be written); every other owned
    statement goes, and the rest of `ours` follows in order. The other top-level keys
    ("Version", "Id") are `live`'s, or `base`'s when there is no live policy. None: no
    statement is left, and the policy is deleted rather than put empty.
    """
    pending = list(ours)
    statements: list[Any] = []
    for statement in statements_of(live):
        if not owns(sid_of(statement)):
            statements.append(statement)
            continue
        meaning = statement_meaning(statement)
        match = next((i for i, s in enumerate(pending) if statement_meaning(s) == meaning), None)
        if match is not None:
            del pending[match]
            statements.append(statement)
    statements += pending
    if not statements:
        return None
    top = live if live is not None else base
    return {**(top or {"Version": DEFAULT_POLICY_VERSION}), "Statement": statements}


def restored_policy(
    current: JsonObject | None, backed_up: JsonObject | None, owns: Owns
) -> JsonObject | None:
    """`current` with ecrrepl's statements as they were in `backed_up`.

    Only ecrrepl's statements go back: the others belong to someone else, who may have
    changed them since the backup, and are kept as they are now.
    """
    return merge_statements(current, owned_statements(backed_up, owns), owns, base=backed_up)


# --- the interim policy of apply and restore ------------------------------------------------


def _as_set(value: Any) -> frozenset[str]:
    return frozenset(json.dumps(item, sort_keys=True) for item in as_list(value))


def _without_resource(statement: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value for key, value in canonical_statement(statement).items() if key != "Resource"
    }


def _allowing_both(old: Any, new: Any) -> Any:
    """One statement that allows what `old` and `new` allow, when only Resource differs."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        return new
    if _without_resource(old) != _without_resource(new):
        # Someone rewrote the statement by hand; what the plan promised is what goes in.
        return new
    old_resources, new_resources = _as_set(old.get("Resource")), _as_set(new.get("Resource"))
    if new_resources <= old_resources:
        return old
    if old_resources <= new_resources:
        return new
    return {**new, "Resource": [json.loads(item) for item in sorted(old_resources | new_resources)]}


Pair = tuple[str, str]  # (principal, resource) that an Allow statement grants


def allowed_pairs(statements: Iterable[Any]) -> set[Pair]:
    """Every (AWS principal, resource) the Allow statements name, the shape ecrrepl writes."""
    pairs: set[Pair] = set()
    for statement in statements:
        if not isinstance(statement, Mapping) or statement.get("Effect") != EFFECT_ALLOW:
            continue
        principal = statement.get("Principal")
        names = strings(principal.get(AWS_PRINCIPAL)) if isinstance(principal, Mapping) else []
        resources = strings(statement.get("Resource"))
        pairs.update((name, resource) for name in names for resource in resources)
    return pairs


def _allows_no_more(statement: Any, final_pairs: set[Pair]) -> bool:
    """Whether `final` allows all that `statement` allows. An Allow whose principals or
    resources are not the strings ecrrepl writes allows what cannot be told: it is kept."""
    if not isinstance(statement, Mapping) or statement.get("Effect") != EFFECT_ALLOW:
        return True
    pairs = allowed_pairs([statement])
    return bool(pairs) and pairs <= final_pairs


def interim_policy(
    current: JsonObject | None, final: JsonObject | None, *, needed_only: bool = False
) -> JsonObject | None:
    """The policy to hold while the replication configurations change: what `current`
    allows and what `final` allows, so that neither the old rules nor the new ones
    run without permission. Statements of other owners are the same in both.

    `needed_only`: of the statements only `current` has, keep those that allow some
    principal a resource that `final` does not (a shorter interim policy, for when the
    whole of both does not fit)."""
    if current is None or final is None:
        return final if current is None else current
    final_pairs = allowed_pairs(statements_of(final)) if needed_only else set()
    final_by_sid: dict[str, Any] = {}
    for statement in statements_of(final):
        sid = sid_of(statement)
        if isinstance(sid, str):
            final_by_sid.setdefault(sid, statement)
    current_sids = {sid_of(statement) for statement in statements_of(current)}
    statements: list[Any] = []
    merged: set[str] = set()
    for statement in statements_of(current):
        sid = sid_of(statement)
        if isinstance(sid, str) and sid in final_by_sid and sid not in merged:
            merged.add(sid)
            statements.append(_allowing_both(statement, final_by_sid[sid]))
        elif needed_only and isinstance(sid, str) and _allows_no_more(statement, final_pairs):
            continue
        else:
            statements.append(statement)
    statements += [s for sid, s in final_by_sid.items() if sid not in current_sids]
    return {**current, "Statement": statements}


# --- naming what another writer changed -----------------------------------------------------


def _digest(statement: Any) -> str:
    return hashlib.sha256(statement_meaning(statement).encode()).hexdigest()[:8]


def _name(statement: Any, index: int) -> str:
    sid = sid_of(statement)
    return f"Sid {sid!r}" if isinstance(sid, str) else f"statement #{index + 1} (no Sid)"


def foreign_changes(before: JsonObject | None, after: JsonObject | None, owns: Owns) -> list[str]:
    """The statements of other owners that differ between two reads of one policy, each
    named by its Sid (or its place) and a short digest of what it says."""
    old = [(i, s) for i, s in enumerate(statements_of(before)) if not owns(sid_of(s))]
    new = [(i, s) for i, s in enumerate(statements_of(after)) if not owns(sid_of(s))]
    old_meanings = [statement_meaning(s) for _, s in old]
    new_meanings = [statement_meaning(s) for _, s in new]
    gone = [(i, s) for i, s in old if statement_meaning(s) not in new_meanings]
    came = [(i, s) for i, s in new if statement_meaning(s) not in old_meanings]
    came_by_name = {_name(s, i): s for i, s in came}
    changes = []
    for index, statement in gone:
        name = _name(statement, index)
        if name in came_by_name:
            now = came_by_name.pop(name)
            changes.append(f"{name} changed ({_digest(statement)} -> {_digest(now)})")
        else:
            changes.append(f"{name} removed ({_digest(statement)})")
    changes += [f"{name} added ({_digest(s)})" for name, s in came_by_name.items()]
    return changes
