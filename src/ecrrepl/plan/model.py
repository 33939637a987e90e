"""A plan as values: what would change in each registry, and what to write to get there.

Computing a plan (compute.py) and showing it (render/plan_*.py) are separate steps,
as in Terraform: every change carries what differs (`details`) and what it means for
the images (`effects`), so that a renderer only arranges words. The writes the applier
needs are part of the plan too, so that a saved plan can be applied without its
configuration files.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from ecrrepl.config.model import (
    AccountAccess,
    Config,
    CreationTemplate,
    JsonObject,
    RegistryAddress,
    ReplicationRule,
    SourceRegistry,
    template_namespace,
)


class Action(enum.Enum):
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"

    @property
    def symbol(self) -> str:
        return {"add": "+", "change": "~", "remove": "-"}[self.value]


class Aspect(enum.Enum):
    """What part of a registry a section of the plan is about, in display order."""

    REPLICATION = "replication configuration"
    REGISTRY_POLICY = "registry policy"
    TEMPLATES = "creation templates"

    @property
    def key(self) -> str:
        """The aspect's stable name in JSON output."""
        return self.name.lower()

    @property
    def unchanged_noun(self) -> tuple[str, str]:
        """How an unchanged item of this aspect is called, singular and plural."""
        return {
            Aspect.REPLICATION: ("rule", "rules"),
            Aspect.REGISTRY_POLICY: ("statement", "statements"),
            Aspect.TEMPLATES: ("template", "templates"),
        }[self]


@dataclass(frozen=True)
class Change:
    """One item added, changed or removed, told for a reviewer."""

    action: Action
    # What the change is about: "rule 'prod'", "statement Ecrrepl111111111111uswest2", ...
    subject: str
    # What differs: the item's content when added or removed, the differences when changed.
    details: tuple[str, ...] = ()
    # What it means for the images, in words.
    effects: tuple[str, ...] = ()
    # The item's identity inside its section: a template's prefix, a statement's Sid.
    key: str = ""


@dataclass(frozen=True)
class ReplicationSection:
    """The replication configuration of one source registry."""

    registry: RegistryAddress
    # The whole configuration to send, in file order: the write replaces it, and an empty
    # tuple clears it.
    rules: tuple[ReplicationRule, ...]
    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    # Destination repositories where replicated images would lose their tags.
    warnings: tuple[str, ...] = ()
    # What the registry replicates now, for pictures of the change. Not in plan files:
    # `apply PLAN.json` reads the live state again and computes the plan from it.
    live_rules: tuple[ReplicationRule, ...] = field(default=(), compare=False)

    aspect = Aspect.REPLICATION

    @property
    def errors(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class PolicySection:
    """The registry policy of one cross-account destination registry."""

    registry: RegistryAddress
    # False when the account's policy is only read and checked (manage_registry_policy).
    managed: bool
    # The whole policy to put when `changes` is not empty; None deletes it.
    policy: JsonObject | None
    changes: tuple[Change, ...] = ()
    # Statements left as they are, other owners' statements included.
    unchanged: int = 0
    warnings: tuple[str, ...] = ()
    # Why this policy cannot be written (it would exceed the size ECR accepts), or why
    # replication into it would fail (a foreign Deny, also in `denials`).
    errors: tuple[str, ...] = ()
    # The errors that are other owners' Deny statements: `apply --allow-deny` writes
    # despite them (plan.foreign_deny).
    denials: tuple[str, ...] = ()
    # The errors that are grants an unmanaged policy lacks: `apply --allow-missing-grants`
    # writes despite them (the grant is coming from the policy's owners).
    missing_grants: tuple[str, ...] = ()

    aspect = Aspect.REGISTRY_POLICY


@dataclass(frozen=True)
class TemplateSection:
    """The repository creation templates of one registry."""

    registry: RegistryAddress
    # Every template the configuration declares here, changed or not.
    declared: tuple[CreationTemplate, ...]
    # Changes keyed by prefix: ADD creates the template (the declared prefix), CHANGE
    # updates it (the live template's prefix, which may differ by a trailing `/`).
    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    # Prefixes of live templates whose namespace the configuration does not declare;
    # never touched.
    unmanaged: tuple[str, ...] = ()

    aspect = Aspect.TEMPLATES

    @property
    def warnings(self) -> tuple[str, ...]:
        return ()

    @property
    def errors(self) -> tuple[str, ...]:
        return ()


Section = ReplicationSection | PolicySection | TemplateSection


def aspect_words(section: Section) -> str:
    """What a section is about, as a heading says it."""
    if isinstance(section, PolicySection) and not section.managed:
        return f"{section.aspect.value} (not managed: manage_registry_policy is false)"
    return section.aspect.value


def is_noteworthy(section: Section) -> bool:
    """Whether a reader must see this section: anything but a quiet match."""
    unmanaged = section.unmanaged if isinstance(section, TemplateSection) else ()
    return bool(section.changes or section.warnings or section.errors or unmanaged)


class DocumentAction(enum.Enum):
    """What happens to one AWS document, as a program reading the plan sees it."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class DocumentChange:
    """One AWS document a plan creates, updates or deletes, in the shape the API uses.

    `before` is the document as it is live, `after` as it will be (None: there is none);
    `address` names it stably (plan/documents.py). The words beside it (`effects`) are
    for people and take no part in comparing two plans.
    """

    address: str
    kind: str
    registry: RegistryAddress
    action: DocumentAction
    before: JsonObject | None
    after: JsonObject | None
    effects: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class PolicyWrite:
    registry: RegistryAddress
    # None: delete the registry policy, no statement is left in it.
    policy: JsonObject | None


@dataclass(frozen=True)
class TemplateWrite:
    template: CreationTemplate
    # True: CreateRepositoryCreationTemplate; False: UpdateRepositoryCreationTemplate.
    create: bool

    @property
    def registry(self) -> RegistryAddress:
        return self.template.address


def template_writes_of(section: TemplateSection) -> tuple[TemplateWrite, ...]:
    """The creates and updates of one registry's templates, in the order of its changes."""
    by_namespace = {template.namespace: template for template in section.declared}
    writes = []
    for change in section.changes:
        # The key names the live template by its own text (`prod/` for a declared
        # `prod`), so the update reaches the template that is there.
        declared = by_namespace[template_namespace(change.key)]
        writes.append(
            TemplateWrite(declared.replace(prefix=change.key), create=change.action is Action.ADD)
        )
    return tuple(writes)


@dataclass(frozen=True)
class ReplicationWrite:
    registry: RegistryAddress
    rules: tuple[ReplicationRule, ...]


@dataclass(frozen=True)
class SourceFile:
    """A configuration file a plan was computed from."""

    name: str  # as `diff` was given it
    sha256: str
    # Relative to the plan file's folder: where `apply PLAN.json` looks for it.
    path: str = ""


@dataclass(frozen=True)
class Summary:
    add: int = 0
    change: int = 0
    remove: int = 0
    # Errors in the plan: with nothing to change, the registries still do not work as
    # configured (a grant missing where ecrrepl does not manage the policy, a Deny).
    errors: int = field(default=0, compare=False)

    @property
    def total(self) -> int:
        return self.add + self.change + self.remove

    def sentence(self) -> str:
        if not self.total and self.errors:
            return "Nothing to write, but the live registries do not work as configured."
        if not self.total:
            return "No changes. The live registries match the configuration."
        return f"Plan: {self.add} to add, {self.change} to change, {self.remove} to remove."


@dataclass(frozen=True)
class Plan:
    # LiveState.fingerprint() of the state this plan was computed from.
    fingerprint: str
    replication: tuple[ReplicationSection, ...] = ()
    registry_policies: tuple[PolicySection, ...] = ()
    templates: tuple[TemplateSection, ...] = ()
    # How to reach each account, so that a saved plan can be applied on its own.
    accounts: Mapping[str, AccountAccess] = field(default_factory=dict)
    # The files the plan came from; filled when it is read back from a plan file.
    sources: tuple[SourceFile, ...] = ()
    # The configuration's `owner:`: which registry policy statements are ecrrepl's.
    owner: str | None = None
    # Registries that could not be read, with the reason: they have no section, and
    # the plan cannot be applied nor saved (LiveState.unreadable).
    unread: Mapping[RegistryAddress, str] = field(default_factory=dict)
    # The source registries a scoped run named (`--registry`, ecrrepl.scope); empty: the
    # whole configuration.
    scope: tuple[RegistryAddress, ...] = ()
    # Every AWS document the plan changes, before and after (plan/documents.py).
    documents: tuple[DocumentChange, ...] = ()

    @property
    def sections(self) -> tuple[Section, ...]:
        """Every section, by registry, then replication, policy and templates."""
        order = list(Aspect)
        everything: list[Section] = [*self.replication, *self.registry_policies, *self.templates]
        return tuple(sorted(everything, key=lambda s: (s.registry, order.index(s.aspect))))

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(change for section in self.sections for change in section.changes)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def summary(self) -> Summary:
        actions = [change.action for change in self.changes]
        return Summary(
            add=actions.count(Action.ADD),
            change=actions.count(Action.CHANGE),
            remove=actions.count(Action.REMOVE),
            errors=len(self.errors),
        )

    @property
    def errors(self) -> tuple[str, ...]:
        """Reasons the plan must not be applied at all."""
        return self.unread_errors + tuple(
            error for section in self.sections for error in section.errors
        )

    @property
    def unread_errors(self) -> tuple[str, ...]:
        return tuple(
            f"registry {address} was not read: {reason}" for address, reason in self.unread.items()
        )

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(warning for section in self.sections for warning in section.warnings)

    @property
    def denials(self) -> tuple[str, ...]:
        """The errors that are other owners' Deny statements (see PolicySection)."""
        return tuple(denial for section in self.registry_policies for denial in section.denials)

    @property
    def missing_grants(self) -> tuple[str, ...]:
        """The errors that are grants unmanaged policies lack (see PolicySection)."""
        return tuple(
            missing for section in self.registry_policies for missing in section.missing_grants
        )

    # -- what the applier writes, in the order it must write them: permissions and
    # -- settings in the destinations before the sources start sending --------------

    @property
    def policy_writes(self) -> tuple[PolicyWrite, ...]:
        return tuple(
            PolicyWrite(section.registry, section.policy)
            for section in self.registry_policies
            if section.managed and section.changes
        )

    @property
    def template_writes(self) -> tuple[TemplateWrite, ...]:
        return tuple(write for section in self.templates for write in template_writes_of(section))

    @property
    def replication_writes(self) -> tuple[ReplicationWrite, ...]:
        return tuple(
            ReplicationWrite(section.registry, section.rules)
            for section in self.replication
            if section.changes
        )

    def desired_config(self) -> Config:
        """The configuration this plan leads to, enough to read the same live state again."""
        return Config(
            files=tuple(source.name for source in self.sources),
            accounts=dict(self.accounts),
            registries=tuple(
                SourceRegistry(
                    account=section.registry.account,
                    region=section.registry.region,
                    rules=section.rules,
                )
                for section in self.replication
            ),
            templates=tuple(
                template for section in self.templates for template in section.declared
            ),
            owner=self.owner,
        )
