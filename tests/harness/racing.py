"""Another owner of a registry policy, writing at the moments ecrrepl is most exposed.

PutRegistryPolicy replaces the whole document, so a read-modify-write by someone else
that interleaves with ecrrepl's can lose a statement. `RacingOwner` does its own
read-modify-write through the API (adding its statement to whatever is there) at one
of these moments, chosen by the test, with no sleeps and no threads:

- AFTER_FIRST_READ: right after the first read of each of ecrrepl's policy writes,
  before ecrrepl puts: a new statement each time (`RacingTeam1`, `RacingTeam2`, ...).
- EVERY_READ: after every read ecrrepl's policy writes make, for ever: one statement
  (`RacingTeam`) whose resource changes each time.
- AFTER_PUT: right after ecrrepl's first put, from a read it made just before that put,
  so that its write drops ecrrepl's statements (a lost update from the other side).
- AFTER_EVERY_PUT: the same after every put of ecrrepl's, for ever.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

import ecrrepl.aws.applier
import ecrrepl.aws.policy_writes
from harness import lab
from harness.accounts import ecr_client
from harness.policies import repositories, root, statement


class Moment(enum.Enum):
    AFTER_FIRST_READ = "after the first read of each write"
    EVERY_READ = "after every read"
    AFTER_PUT = "after the first put, from a read made before it"
    AFTER_EVERY_PUT = "after every put, from a read made before it"


def racing_statement(registry: lab.Registry, sid: str, pattern: str) -> dict[str, Any]:
    return statement(
        sid, root("999999999999"), ["ecr:ReplicateImage"], repositories(registry, pattern)
    )


class RacingOwner:
    def __init__(
        self, registry: lab.Registry, moment: Moment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.registry = registry
        self.moment = moment
        # Every statement this owner wrote, in order: each must survive unless replaced.
        self.written: list[dict[str, Any]] = []
        self._armed = False
        self._raced_put = False
        self._patch(monkeypatch)

    def _mine(self, address: Any) -> bool:
        return (address.account, address.region) == self.registry

    def _patch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        write_policy = ecrrepl.aws.applier.write_policy
        read = ecrrepl.aws.policy_writes.read_registry_policy
        put = ecrrepl.aws.policy_writes.put_registry_policy

        def arming_write(sessions: Any, step: Any) -> Any:
            self._armed = self._mine(step.registry)
            return write_policy(sessions, step)

        def racing_read(sessions: Any, address: Any) -> Any:
            policy = read(sessions, address)
            races = self.moment is Moment.EVERY_READ or (
                self.moment is Moment.AFTER_FIRST_READ and self._armed
            )
            if races and self._mine(address):
                self._armed = False
                self.write_own_statement()
            return policy

        def racing_put(sessions: Any, address: Any, text: str) -> Any:
            after_puts = (Moment.AFTER_PUT, Moment.AFTER_EVERY_PUT)
            if not (self._mine(address) and self.moment in after_puts):
                return put(sessions, address, text)
            stale = lab.policy_text(ecr_client(*self.registry))
            result = put(sessions, address, text)
            if not self._raced_put or self.moment is Moment.AFTER_EVERY_PUT:
                self._raced_put = True
                self.write_own_statement(stale)
            return result

        monkeypatch.setattr(ecrrepl.aws.applier, "write_policy", arming_write)
        monkeypatch.setattr(ecrrepl.aws.policy_writes, "read_registry_policy", racing_read)
        monkeypatch.setattr(ecrrepl.aws.policy_writes, "put_registry_policy", racing_put)

    def write_own_statement(self, based_on: str | None = "live") -> None:
        """Read-modify-write: this owner's statement added to the policy it read."""
        client = ecr_client(*self.registry)
        text = lab.policy_text(client) if based_on == "live" else based_on
        count = len(self.written) + 1
        if self.moment is Moment.EVERY_READ:
            sid, statement = (
                "RacingTeam",
                racing_statement(self.registry, "RacingTeam", f"v{count}/*"),
            )
        else:
            sid = f"RacingTeam{count}"
            statement = racing_statement(self.registry, sid, f"team{count}/*")
        kept = [s for s in lab.statements_of(text) if s.get("Sid") != sid]
        lab.put_statements(client, [*kept, statement])
        self.written.append(statement)

    def surviving(self) -> list[dict[str, Any]]:
        """This owner's statements as they are live now, in the order it wrote them."""
        live = {
            s.get("Sid"): s for s in lab.statements_of(lab.policy_text(ecr_client(*self.registry)))
        }
        return [live[s["Sid"]] for s in self.written if s["Sid"] in live]

    @staticmethod
    def as_text(statements: list[dict[str, Any]]) -> list[str]:
        return [json.dumps(s) for s in statements]
