"""What a plan empties: registries left with no replication rule, registry policies left
with none of ecrrepl's statements.

Such a plan is often a mistake (a file or a registry dropped from the configuration, a
rule deleted by an editor) and it stops replication wholesale, so `apply` asks for
more than y/N: it lists them and wants their number typed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ecrrepl.config.model import RegistryAddress
from ecrrepl.plan.documents import POLICY_STATEMENT, REPLICATION
from ecrrepl.plan.model import DocumentAction, Plan
from ecrrepl.plan.policy_merge import owned_statements
from ecrrepl.plan.writes import owned_by_plan
from ecrrepl.policy import owns_statement


class EmptiedRegistry(NamedTuple):
    registry: RegistryAddress
    # What goes: "3 replication rules", "statements Ecrrepl111111111111uswest2".
    what: str


@dataclass(frozen=True)
class Emptied:
    replication: tuple[EmptiedRegistry, ...] = ()
    policies: tuple[EmptiedRegistry, ...] = ()

    @property
    def count(self) -> int:
        return len(self.replication) + len(self.policies)

    def question(self) -> str:
        """The lines `apply` asks with; the answer to type is `count`."""
        lines = []
        if self.replication:
            lines.append(
                f"This plan removes every replication rule of {_registries(self.replication)}:"
            )
            lines += [f"  {item.registry}  ({item.what})" for item in self.replication]
        if self.policies:
            lines.append(
                f"This plan removes every ecrrepl statement of the registry policy of "
                f"{_registries(self.policies)}:"
            )
            lines += [f"  {item.registry}  ({item.what})" for item in self.policies]
        lines.append(
            f"Type {self.count} (the number of registries listed) to apply it; anything "
            "else cancels:"
        )
        return "\n".join(lines)


def _registries(items: tuple[EmptiedRegistry, ...]) -> str:
    return f"{len(items)} registr{'y' if len(items) == 1 else 'ies'}"


def emptied_by(plan: Plan) -> Emptied:
    replication = tuple(
        EmptiedRegistry(document.registry, _rules(document.before))
        for document in plan.documents
        if document.kind == REPLICATION and document.action is DocumentAction.DELETE
    )
    owned = owned_by_plan(plan)
    policies = []
    for section in plan.registry_policies:
        removed = [
            d.address.rsplit("/", 1)[-1]
            for d in plan.documents
            if d.kind == POLICY_STATEMENT
            and d.registry == section.registry
            and d.action is DocumentAction.DELETE
        ]
        kept = owned_statements(section.policy, lambda sid: owns_statement(sid, owned))
        if section.managed and removed and not kept:
            noun = "statement" if len(removed) == 1 else "statements"
            policies.append(EmptiedRegistry(section.registry, f"{noun} {', '.join(removed)}"))
    return Emptied(replication, tuple(policies))


def _rules(configuration: object) -> str:
    rules = configuration.get("rules", []) if isinstance(configuration, dict) else []
    return f"{len(rules)} rule{'s' if len(rules) != 1 else ''}"
