"""Every AWS document a plan changes, before and after, in the shape the ECR API uses.

Policies written against the plan (OPA, conftest) need documents, not sentences. Each
document has a stable address:

- `replication/<account>/<region>`: the registry's replication configuration, as
  PutReplicationConfiguration takes it and DescribeRegistry returns it,
  `{"rules": [{"destinations": [{"region", "registryId"}], "repositoryFilters":
  [{"filter", "filterType"}], "deleteReplication": {"enabled"}}]}` (botocore ECR model,
  shapes ReplicationConfiguration, ReplicationRule, ReplicationDestination,
  RepositoryFilter, DeleteReplication; checked 2026-12-02). A registry without rules
  has none (null): the plan creates the first rules and deletes the last.
- `registry-policy/<account>/<region>/<Sid>`: one of ecrrepl's statements in a
  destination's registry policy, as it stands in the policy document. A second copy of
  a Sid is `<Sid>#2`. Other owners' statements are never changed, so never listed.
- `template/<account>/<region>/<prefix>`: a repository creation template, as
  CreateRepositoryCreationTemplate takes it (create) or UpdateRepositoryCreationTemplate
  (update, which ecrrepl sends whole, AWS's defaults written out; `before` is the live
  template in that same shape, so that the two compare field by field). Shapes
  CreateRepositoryCreationTemplateRequest, UpdateRepositoryCreationTemplateRequest;
  checked 2026-12-02. Templates are never deleted.

Pure: computed from the plan's sections and the live state they came from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ecrrepl.aws.convert import rules_to_api, template_to_api, template_update_to_api
from ecrrepl.config.model import CreationTemplate, JsonObject, RegistryAddress, ReplicationRule
from ecrrepl.plan.model import (
    Action,
    Change,
    DocumentAction,
    DocumentChange,
    Plan,
    PolicySection,
    ReplicationSection,
    TemplateSection,
    template_writes_of,
)
from ecrrepl.policy import statements_of
from ecrrepl.policy_fields import sid_of
from ecrrepl.state import LiveState

REPLICATION = "replication_configuration"
POLICY_STATEMENT = "registry_policy_statement"
TEMPLATE = "repository_creation_template"
DOCUMENT_KINDS = (REPLICATION, POLICY_STATEMENT, TEMPLATE)

_ACTIONS = {
    Action.ADD: DocumentAction.CREATE,
    Action.CHANGE: DocumentAction.UPDATE,
    Action.REMOVE: DocumentAction.DELETE,
}


def address_of(kind: str, registry: RegistryAddress, key: str = "") -> str:
    prefix = {REPLICATION: "replication", POLICY_STATEMENT: "registry-policy", TEMPLATE: "template"}
    parts = [prefix[kind], registry.account, registry.region, *([key] if key else [])]
    return "/".join(parts)


def document_changes(plan: Plan, live: LiveState) -> tuple[DocumentChange, ...]:
    """The documents of every change in `plan`, in the plan's section order."""
    documents: list[DocumentChange] = []
    for section in plan.sections:
        if isinstance(section, ReplicationSection):
            documents.extend(_replication(section))
        elif isinstance(section, PolicySection):
            documents.extend(_statements(section, live.registry_policies.get(section.registry)))
        else:
            documents.extend(_templates(section, live.templates.get(section.registry, ())))
    return tuple(documents)


def _configuration(rules: Sequence[ReplicationRule]) -> JsonObject | None:
    return rules_to_api(tuple(rules)) if rules else None


def _replication(section: ReplicationSection) -> Iterator[DocumentChange]:
    if not section.changes:
        return
    before = _configuration(section.live_rules)
    after = _configuration(section.rules)
    action = (
        DocumentAction.CREATE
        if before is None
        else DocumentAction.DELETE
        if after is None
        else DocumentAction.UPDATE
    )
    yield DocumentChange(
        address=address_of(REPLICATION, section.registry),
        kind=REPLICATION,
        registry=section.registry,
        action=action,
        before=before,
        after=after,
        effects=_effects(section.changes),
    )


def _statements(section: PolicySection, live_policy: JsonObject | None) -> Iterator[DocumentChange]:
    if not section.managed:
        return
    live = _by_key(statements_of(live_policy))
    wanted = _by_key(statements_of(section.policy))
    for change in section.changes:
        action = _ACTIONS[change.action]
        yield DocumentChange(
            address=address_of(POLICY_STATEMENT, section.registry, change.key),
            kind=POLICY_STATEMENT,
            registry=section.registry,
            action=action,
            before=live.get(change.key),
            after=None if action is DocumentAction.DELETE else wanted.get(change.key),
            effects=change.effects,
        )


def _by_key(statements: Sequence[Any]) -> dict[str, Mapping[str, Any]]:
    """Statements by Sid; a repeated Sid's copies as `Sid#2`, `Sid#3`, ... (the plan's keys)."""
    keyed: dict[str, Mapping[str, Any]] = {}
    seen: dict[str, int] = {}
    for statement in statements:
        sid = sid_of(statement)
        if not isinstance(sid, str):
            continue
        seen[sid] = seen.get(sid, 0) + 1
        keyed[sid if seen[sid] == 1 else f"{sid}#{seen[sid]}"] = statement
    return keyed


def _templates(
    section: TemplateSection, live: Sequence[CreationTemplate]
) -> Iterator[DocumentChange]:
    live_by_prefix = {template.prefix: template for template in live}
    for change, write in zip(section.changes, template_writes_of(section), strict=True):
        current = live_by_prefix.get(change.key)
        if write.create or current is None:
            before, after = None, template_to_api(write.template)
            action = DocumentAction.CREATE
        else:
            before, after = template_update_to_api(current), template_update_to_api(write.template)
            action = DocumentAction.UPDATE
        yield DocumentChange(
            address=address_of(TEMPLATE, section.registry, change.key),
            kind=TEMPLATE,
            registry=section.registry,
            action=action,
            before=before,
            after=after,
            effects=change.effects,
        )


def _effects(changes: Sequence[Change]) -> tuple[str, ...]:
    return tuple(effect for change in changes for effect in change.effects)
