"""A registry policy write merged into the live policy at the last moment, and read back.

PutRegistryPolicy replaces the whole document and takes no condition (botocore
`PutRegistryPolicyRequest` has only `policyText`, in botocore 1.44's ECR model,
service-2.json; so does
https://docs.aws.amazon.com/cli/latest/reference/ecr/put-registry-policy.html; checked
2026-12-02), so there is no way to say "only if nobody changed it since I read it".
What other owners wrote is kept by merging as late as possible:

1. read the policy; merge ecrrepl's statements into exactly what is there;
2. read it again right before the write: if it changed, someone wrote in between, so
   merge into the new text instead (back to 2);
3. write; read back: if ecrrepl's statements are not as wanted, or another owner's
   statement differs from what was sent, someone wrote since, so merge again.

The loop is bounded: after `MAX_ATTEMPTS` merges that another writer undid, the write
stops with the statements that kept changing, and the account and region. A write by
someone else that lands between step 2's read and the put cannot be seen by any reader
and is the one window left; it lasts one request.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.aws.reader import read_registry_policy
from ecrrepl.aws.session import Sessions
from ecrrepl.aws.writer import delete_registry_policy, put_registry_policy
from ecrrepl.config.model import JsonObject
from ecrrepl.errors import UserError
from ecrrepl.plan.policy_merge import foreign_changes, merge_statements, owned_statements
from ecrrepl.plan.writes import PolicyStep, refuse_oversized
from ecrrepl.policy import policy_text

MAX_ATTEMPTS = 3


def write_policy(sessions: Sessions, step: PolicyStep) -> str | None:
    """Make ecrrepl's statements in the live policy those of `step`, keeping every other
    statement as it is live. Returns a note when other owners' statements differ from
    the planned document's (someone else changed the policy since it was read)."""
    address = step.registry
    seen = read_registry_policy(sessions, address)
    changes: list[str] = []
    for _ in range(MAX_ATTEMPTS):
        document = step.merged_into(seen)
        if document == seen:
            return _note(step, document)
        refuse_oversized(address, document, merged_live=True)
        just_before = read_registry_policy(sessions, address)
        if just_before != seen:
            changes = _changes(seen, just_before, step, owned_statements(seen, step.owns))
            seen = just_before
            continue
        if document is None:
            delete_registry_policy(sessions, address)
        else:
            put_registry_policy(sessions, address, policy_text(document))
        after = read_registry_policy(sessions, address)
        changes = _changes(document, after, step, step.statements)
        if not changes:
            return _note(step, document)
        seen = after
    raise UserError(
        f"the registry policy of account {address.account} region {address.region} kept "
        f"changing while ecrrepl wrote it ({MAX_ATTEMPTS} attempts); another writer changed: "
        f"{'; '.join(changes)}. ecrrepl's statements in it may not be as planned; run the "
        "command again when the other writer is done"
    )


def _changes(
    before: JsonObject | None,
    after: JsonObject | None,
    step: PolicyStep,
    ours: Sequence[JsonObject],
) -> list[str]:
    """What differs in `after`: other owners' statements from `before`'s, and ecrrepl's
    from `ours` (changed by another ecrrepl run, or dropped by a write without them)."""
    changes = foreign_changes(before, after, step.owns)
    if merge_statements(after, ours, step.owns) != after:
        changes.append("ecrrepl's own statements")
    if not changes and _fields(before) != _fields(after):
        changes.append("the policy's other fields (Version, Id)")
    return changes


def _fields(policy: JsonObject | None) -> dict[str, object]:
    return {key: value for key, value in (policy or {}).items() if key != "Statement"}


def _note(step: PolicyStep, written: JsonObject | None) -> str | None:
    # The order of ecrrepl's statements may differ from the plan's; only others' count.
    if not foreign_changes(step.planned, written, step.owns):
        return None
    return "merged into the live policy, which others had changed since it was read"
