"""A saved plan's registry policies against the ones `apply` rebuilds from the live state.

A plan file is data anyone can edit, and people read it (in a pull request, say) as
what will be written. Its writes are compared with the ones ecrrepl computes
(commands/apply.py), but a registry policy in it is a whole document: other owners'
statements too, which apply never sends from the file (each write merges into the
policy as it is live then). So that the file cannot show other owners' statements
that are not there, the whole document it holds must be the one apply rebuilds now;
otherwise the plan is refused, naming the statements that differ. Whether they were
edited in the file or changed by their owner since `diff --out` cannot be told apart
from the file: either way the plan no longer says what will be written. Pure.
"""

from __future__ import annotations

from typing import Any

from ecrrepl.config.model import JsonObject
from ecrrepl.plan.model import Plan
from ecrrepl.policy import statements_of
from ecrrepl.policy_fields import sid_of, statement_meaning


def _named(statements: list[Any]) -> dict[str, str]:
    """Each statement under its Sid (or its place when it has none), with its meaning."""
    named = {}
    for place, statement in enumerate(statements, start=1):
        sid = sid_of(statement)
        label = sid if isinstance(sid, str) and sid else f"statement #{place} (no Sid)"
        if label in named:  # a Sid given twice: the later one by its place
            label = f"{label} (again, statement #{place})"
        named[label] = statement_meaning(statement)
    return named


def _differences(saved: JsonObject | None, rebuilt: JsonObject | None) -> list[str]:
    if (saved is None) != (rebuilt is None):
        return ["the whole policy (the plan says " + ("none" if saved is None else "one") + ")"]
    mine, theirs = _named(statements_of(saved)), _named(statements_of(rebuilt))
    differing = sorted(
        label for label in set(mine) | set(theirs) if mine.get(label) != theirs.get(label)
    )
    if not differing and list(mine.values()) != list(theirs.values()):
        differing = ["the order of the statements"]
    for key in ("Version", "Id"):
        if (saved or {}).get(key) != (rebuilt or {}).get(key):
            differing.append(key)
    return differing


def mismatched_documents(saved: Plan, rebuilt: Plan) -> list[str]:
    """One phrase per registry policy of `saved` that is not the one `rebuilt` holds."""
    found = {section.registry: section for section in rebuilt.registry_policies}
    mismatches = []
    for section in saved.registry_policies:
        other = found.get(section.registry)
        if other is None:
            mismatches.append(f"the registry policy of {section.registry} (not computed now)")
            continue
        differing = _differences(section.policy, other.policy)
        if differing:
            mismatches.append(f"the registry policy of {section.registry} ({', '.join(differing)})")
    return mismatches
