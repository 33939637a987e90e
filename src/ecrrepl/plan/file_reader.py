"""Reading a plan file's object back into a Plan, naming the first malformed place.

A plan file may have been edited, truncated or written by another version; whatever
is wrong is told in one sentence with the JSON path to it, never as a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    Destination,
    Encryption,
    RegistryAddress,
    ReplicationRule,
    RepositoryFilter,
    template_namespace,
)
from ecrrepl.config.rule_fields import RULE_FIELDS, RuleKind
from ecrrepl.config.schema import OWNER_PATTERN
from ecrrepl.config.template_fields import TEMPLATE_FIELDS, Kind, TemplateField
from ecrrepl.errors import UserError
from ecrrepl.plan.documents import DOCUMENT_KINDS
from ecrrepl.plan.model import (
    Action,
    Change,
    DocumentAction,
    DocumentChange,
    Plan,
    PolicySection,
    ReplicationSection,
    SourceFile,
    TemplateSection,
)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_T = TypeVar("_T")


class PlanFileReader:
    """Reads a plan file's object, naming the first malformed place by its path."""

    def __init__(self, source: str, *, kind: str, version: int) -> None:
        self.source = source
        self.kind = kind
        self.version = version

    def fail(self, path: str, problem: str) -> NoReturn:
        where = f" at `{path}`" if path else ""
        raise UserError(f"{self.source} is not a valid ecrrepl plan{where}: {problem}")

    # -- the document -----------------------------------------------------------------

    def plan(self, data: Any) -> Plan:
        top = self.obj(data, "")
        version = top.get("format_version")
        if top.get("kind") != self.kind or version is None:
            self.fail("", f"it lacks `kind: {self.kind}` and a `format_version`")
        if version != self.version:
            older = (
                "; it was saved by an earlier ecrrepl: run `ecrrepl diff --out` again"
                if isinstance(version, int) and version < self.version
                else ""
            )
            self.fail(
                "format_version",
                f"format version {version!r} is not {self.version}, the one this ecrrepl "
                f"reads{older}",
            )
        if not self.sequence(top, "config_files", ""):
            # `diff --out` always records them; without them apply could compare nothing.
            self.fail("config_files", "a plan records the configuration files it came from")
        templates = tuple(
            self.template_section(item, f"templates[{i}]")
            for i, item in enumerate(self.sequence(top, "templates", ""))
        )
        owner = self.optional_string(top, "owner", "")
        if owner is not None and not re.fullmatch(OWNER_PATTERN, owner):
            self.fail("owner", f"{owner!r} is not an owner name (lowercase letters and digits)")
        return Plan(
            owner=owner,
            fingerprint=self.string(top, "fingerprint", ""),
            replication=tuple(
                self.replication_section(item, f"replication[{i}]")
                for i, item in enumerate(self.sequence(top, "replication", ""))
            ),
            registry_policies=tuple(
                self.policy_section(item, f"registry_policies[{i}]")
                for i, item in enumerate(self.sequence(top, "registry_policies", ""))
            ),
            templates=templates,
            accounts={
                account: self.account(account, value, f"accounts.{account}")
                for account, value in self.obj(top.get("accounts"), "accounts").items()
            },
            sources=tuple(
                self.source_file(item, f"config_files[{i}]")
                for i, item in enumerate(self.sequence(top, "config_files", ""))
            ),
            # Plans saved before `--registry` have no scope: the whole configuration.
            scope=tuple(
                self.registry(item, f"scope[{i}]")
                for i, item in enumerate(self.sequence(top, "scope", "") if "scope" in top else ())
            ),
            documents=tuple(
                self.document(item, f"changes[{i}]")
                for i, item in enumerate(self.sequence(top, "changes", ""))
            ),
        )

    def document(self, value: Any, path: str) -> DocumentChange:
        entry = self.obj(value, path)
        kind = entry.get("type")
        if kind not in DOCUMENT_KINDS:
            self.fail(f"{path}.type", f"the type must be one of {', '.join(DOCUMENT_KINDS)}")
        action = entry.get("action")
        if action not in {a.value for a in DocumentAction}:
            self.fail(f"{path}.action", "the action must be create, update or delete")
        return DocumentChange(
            address=self.string(entry, "address", path),
            kind=kind,
            registry=RegistryAddress(
                self.string(entry, "account", path), self.string(entry, "region", path)
            ),
            action=DocumentAction(action),
            before=self.optional_obj(entry, "before", path),
            after=self.optional_obj(entry, "after", path),
            effects=self.strings(entry, "effects", path),
        )

    def source_file(self, value: Any, path: str) -> SourceFile:
        entry = self.obj(value, path)
        digest = self.string(entry, "sha256", path)
        if not _SHA256.fullmatch(digest):
            self.fail(f"{path}.sha256", "expected 64 lowercase hexadecimal digits")
        relative = self.string(entry, "path", path)
        if not relative or relative.startswith(("/", "\\")) or not relative.isprintable():
            self.fail(f"{path}.path", "expected a path relative to the plan file's folder")
        name = self.string(entry, "name", path)
        if not name.isprintable():  # it is shown in messages: no control characters
            self.fail(f"{path}.name", "expected a file name without control characters")
        return SourceFile(name, digest, relative)

    def account(self, account: str, value: Any, path: str) -> AccountAccess:
        entry = self.obj(value, path)
        return AccountAccess(
            account=account,
            role_arn=self.optional_string(entry, "role_arn", path),
            external_id=self.optional_string(entry, "external_id", path),
            profile=self.optional_string(entry, "profile", path),
            manage_registry_policy=self.boolean(entry, "manage_registry_policy", path),
        )

    def section_parts(self, entry: Mapping[str, Any], path: str) -> dict[str, Any]:
        """What every section has (plan.files.section_json): its registry, its changes and
        how many documents are unchanged."""
        return {
            "registry": self.registry(entry.get("registry"), f"{path}.registry"),
            "changes": self.changes(entry, path),
            "unchanged": self.count(entry, "unchanged", path),
        }

    def replication_section(self, value: Any, path: str) -> ReplicationSection:
        entry = self.obj(value, path)
        return ReplicationSection(
            **self.section_parts(entry, path),
            rules=tuple(
                self.rule(item, f"{path}.rules[{i}]")
                for i, item in enumerate(self.sequence(entry, "rules", path))
            ),
            # Plan files saved before replication sections had warnings have no such key.
            warnings=self.strings(entry, "warnings", path) if "warnings" in entry else (),
        )

    def policy_section(self, value: Any, path: str) -> PolicySection:
        entry = self.obj(value, path)
        policy = entry.get("policy")
        if policy is not None:
            policy = self.obj(policy, f"{path}.policy")
        return PolicySection(
            **self.section_parts(entry, path),
            managed=self.boolean(entry, "managed", path),
            policy=policy,
            warnings=self.strings(entry, "warnings", path),
            errors=self.strings(entry, "errors", path),
            denials=self.strings(entry, "denials", path),
            missing_grants=self.strings(entry, "missing_grants", path),
        )

    def template_section(self, value: Any, path: str) -> TemplateSection:
        entry = self.obj(value, path)
        parts = self.section_parts(entry, path)
        registry, changes = parts["registry"], parts["changes"]
        declared = tuple(
            self.template(item, f"{path}.declared[{i}]")
            for i, item in enumerate(self.sequence(entry, "declared", path))
        )
        namespaces = {template.namespace for template in declared}
        for i, change in enumerate(changes):
            if template_namespace(change.key) not in namespaces or change.action is Action.REMOVE:
                self.fail(
                    f"{path}.changes[{i}]",
                    "a template change must add or change a declared template, by its prefix",
                )
        for i, template in enumerate(declared):
            if template.address != registry:
                self.fail(f"{path}.declared[{i}]", f"the template is not in {registry}")
        return TemplateSection(
            **parts,
            declared=declared,
            unmanaged=self.strings(entry, "unmanaged", path),
        )

    # -- model values -----------------------------------------------------------------

    def registry(self, value: Any, path: str) -> RegistryAddress:
        entry = self.obj(value, path)
        return RegistryAddress(
            self.string(entry, "account", path), self.string(entry, "region", path)
        )

    def rule(self, value: Any, path: str) -> ReplicationRule:
        entry = self.obj(value, path)
        return ReplicationRule(
            **{
                field.name: self.rule_field(entry, field.name, field.kind, path)
                for field in RULE_FIELDS
            }
        )

    def rule_field(self, entry: Mapping[str, Any], name: str, kind: RuleKind, path: str) -> Any:
        """One field of a rule, as plan.files writes it."""
        if kind is RuleKind.LABEL:
            return self.optional_string(entry, name, path)
        if kind is RuleKind.PREFIX_FILTERS:
            if entry.get(name) is None:
                return None
            return tuple(RepositoryFilter(prefix=p) for p in self.strings(entry, name, path))
        if kind is RuleKind.DESTINATIONS:
            return tuple(
                Destination(account=address.account, region=address.region)
                for address in (
                    self.registry(item, f"{path}.{name}[{i}]")
                    for i, item in enumerate(self.sequence(entry, name, path))
                )
            )
        return self.boolean(entry, name, path)

    def template(self, value: Any, path: str) -> CreationTemplate:
        entry = self.obj(value, path)
        return CreationTemplate(
            account=self.string(entry, "account", path),
            region=self.string(entry, "region", path),
            prefix=self.string(entry, "prefix", path),
            **{field.name: self.setting(entry, field, path) for field in TEMPLATE_FIELDS},
        )

    def setting(self, entry: Mapping[str, Any], field: TemplateField, path: str) -> Any:
        """One template setting, as config.template_json writes it."""
        name, kind = field.name, field.kind
        if kind in (Kind.CHOICES, Kind.TAG_FILTERS):
            return self.strings(entry, name, path)
        if kind is Kind.ENCRYPTION:
            encryption = self.optional_obj(entry, name, path)
            if encryption is None:
                return None
            return Encryption(
                type=self.string(encryption, "type", _join(path, name)),
                kms_key=self.optional_string(encryption, "kms_key", _join(path, name)),
            )
        if kind is Kind.TAGS:
            tags = self.obj(entry.get(name), _join(path, name))
            if not all(isinstance(tag, str) for tag in tags.values()):
                self.fail(_join(path, name), "every tag value must be a string")
            return dict(tags)
        if kind is Kind.JSON_DOCUMENT:
            return self.optional_obj(entry, name, path)
        return self.optional_string(entry, name, path)

    def changes(self, entry: Mapping[str, Any], path: str) -> tuple[Change, ...]:
        return tuple(
            self.change(item, f"{path}.changes[{i}]")
            for i, item in enumerate(self.sequence(entry, "changes", path))
        )

    def change(self, value: Any, path: str) -> Change:
        entry = self.obj(value, path)
        action = entry.get("action")
        if action not in {a.value for a in Action}:
            self.fail(f"{path}.action", "the action must be add, change or remove")
        return Change(
            action=Action(action),
            subject=self.string(entry, "subject", path),
            details=self.strings(entry, "details", path),
            effects=self.strings(entry, "effects", path),
            key=self.string(entry, "key", path),
        )

    # -- JSON values ------------------------------------------------------------------

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"expected an object, found {_json_kind(value)}")
        return value

    def optional_obj(
        self, entry: Mapping[str, Any], key: str, path: str
    ) -> Mapping[str, Any] | None:
        value = entry.get(key)
        return None if value is None else self.obj(value, _join(path, key))

    def typed(
        self, entry: Mapping[str, Any], key: str, path: str, kind: type[_T], expected: str
    ) -> _T:
        """`entry[key]` when it is a `kind`; else the failure naming it and what it is."""
        value = entry.get(key)
        if not isinstance(value, kind):
            self.fail(_join(path, key), f"expected {expected}, found {_json_kind(value)}")
        return value

    def sequence(self, entry: Mapping[str, Any], key: str, path: str) -> list[Any]:
        return self.typed(entry, key, path, list, "a list")

    def string(self, entry: Mapping[str, Any], key: str, path: str) -> str:
        return self.typed(entry, key, path, str, "a string")

    def optional_string(self, entry: Mapping[str, Any], key: str, path: str) -> str | None:
        return None if entry.get(key) is None else self.string(entry, key, path)

    def strings(self, entry: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        values = self.sequence(entry, key, path)
        if not all(isinstance(value, str) for value in values):
            self.fail(_join(path, key), "expected a list of strings")
        return tuple(values)

    def boolean(self, entry: Mapping[str, Any], key: str, path: str) -> bool:
        return self.typed(entry, key, path, bool, "true or false")

    def count(self, entry: Mapping[str, Any], key: str, path: str) -> int:
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(_join(path, key), f"expected a count, found {_json_kind(value)}")
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _json_kind(value: Any) -> str:
    if value is None:
        return "nothing (null or missing)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"
