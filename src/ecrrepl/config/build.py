"""Positioned YAML nodes to the model, reporting structural findings on the way.

Known and required keys come from the JSON Schema (config/schema.py), so the schema
that editors use and the checks that CI runs cannot drift apart. Whatever cannot be
built is skipped after its finding, and the rest of the file is still built, so that
one run reports every problem instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ecrrepl import limits
from ecrrepl.config import schema
from ecrrepl.config.loader import MappingNode, Node, ScalarNode, SequenceNode, kind_name, to_python
from ecrrepl.config.model import (
    AccountAccess,
    CreationTemplate,
    Destination,
    DocumentPositions,
    Encryption,
    ReplicationRule,
    RepositoryFilter,
    SourceRegistry,
)
from ecrrepl.config.positions import json_file_positions, positions_of
from ecrrepl.findings import Finding, Location

T = TypeVar("T")

SUPPORTED_VERSION = 1
MAX_DESCRIPTION_CHARS = limits.MAX_TEMPLATE_DESCRIPTION_CHARS


class FileContents:
    """What one file declares, before files are merged into one configuration."""

    def __init__(self) -> None:
        self.accounts: dict[str, AccountAccess] = {}
        self.registries: list[SourceRegistry] = []
        self.templates: list[CreationTemplate] = []


class ModelBuilder:
    def __init__(
        self, file: str, findings: list[Finding], sources: dict[str, str] | None = None
    ) -> None:
        self.file = file
        self.findings = findings
        # The text of the JSON files that findings can point into, for quoting them.
        self.sources = sources if sources is not None else {}

    # -- the document -----------------------------------------------------------------

    def build(self, root: Node | None) -> FileContents:
        contents = FileContents()
        if root is None:
            self._report(
                "E004",
                "the file is empty; it needs at least `version: 1` and `registries`",
                Location(self.file, 1, 1),
            )
            return contents
        top = self._mapping(root, "", "the file")
        if top is None:
            return contents
        version = top.entries.get("version")
        if version is not None:
            self._version(version[1])
        if accounts := top.entries.get("accounts"):
            contents.accounts = self._accounts(accounts[1])
        if registries := top.entries.get("registries"):
            contents.registries = self._list(registries[1], "registries", self._registry)
        if templates := top.entries.get("templates"):
            contents.templates = self._list(templates[1], "templates", self._template)
        return contents

    def _version(self, node: Node) -> None:
        if (
            isinstance(node, ScalarNode)
            and node.text == str(SUPPORTED_VERSION)
            and node.tag.endswith(":int")
        ):  # written as 1: not 0x1, 01 or "1"
            return
        shown = node.text if isinstance(node, ScalarNode) else kind_name(node)
        self._report(
            "E005",
            f"unsupported version {shown!r}; this ecrrepl reads version {SUPPORTED_VERSION}",
            node.loc,
        )

    # -- sections ---------------------------------------------------------------------

    def _accounts(self, node: Node) -> dict[str, AccountAccess]:
        accounts: dict[str, AccountAccess] = {}
        if not isinstance(node, MappingNode):
            self._wrong_type(node, "accounts", "a mapping of account IDs")
            return accounts
        for key, value in node.entries.values():
            account = self._account_id(key, "account key")
            entry = self._mapping(value, "account", f"account {key.text}")
            if account is None or entry is None:
                continue
            fields = self._fields(entry)
            accounts[account] = AccountAccess(
                account=account,
                role_arn=self._string(fields, "role_arn"),
                external_id=self._string(fields, "external_id"),
                profile=self._string(fields, "profile"),
                manage_registry_policy=self._boolean(fields, "manage_registry_policy", True),
                alias=self._string(fields, "alias"),
                where=key.loc,
                key_locations=_locations(fields),
            )
        return accounts

    def _registry(self, node: Node) -> SourceRegistry | None:
        entry = self._mapping(node, "registry", "a registry")
        if entry is None:
            return None
        fields = self._fields(entry)
        account = self._account_field(fields, "account")
        region = self._string(fields, "region")
        # Rules are built even when the registry is unusable, to report their problems too.
        rules = self._list(
            fields.get("rules", SequenceNode(entry.loc)),
            "rules",
            lambda n: self._rule(n, account or ""),
        )
        if account is None or region is None or "rules" not in fields:
            return None
        return SourceRegistry(
            account=account,
            region=region,
            rules=tuple(rules),
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _rule(self, node: Node, registry_account: str) -> ReplicationRule | None:
        entry = self._mapping(node, "rule", "a rule")
        if entry is None:
            return None
        fields = self._fields(entry)
        filters: tuple[RepositoryFilter, ...] | None = None
        if "filters" in fields:
            items = self._list(fields["filters"], "filters", self._filter)
            if not items and isinstance(fields["filters"], SequenceNode):
                self._report(
                    "E004",
                    "`filters` is empty; omit the key to replicate every repository",
                    fields["filters"].loc,
                )
            filters = tuple(items)
        if "destinations" not in fields:
            return None
        destinations = self._list(
            fields["destinations"], "destinations", lambda n: self._destination(n, registry_account)
        )
        return ReplicationRule(
            name=self._string(fields, "name"),
            filters=filters,
            destinations=tuple(destinations),
            delete_replication=self._boolean(fields, "delete_replication", False),
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _filter(self, node: Node) -> RepositoryFilter | None:
        if not isinstance(node, ScalarNode) or not node.is_string:
            self._wrong_type(node, "a filter", "a string (a repository-name prefix)")
            return None
        return RepositoryFilter(prefix=node.value, where=node.loc)

    def _destination(self, node: Node, registry_account: str) -> Destination | None:
        entry = self._mapping(node, "destination", "a destination")
        if entry is None:
            return None
        fields = self._fields(entry)
        region = self._string(fields, "region")
        account = (
            self._account_field(fields, "account") if "account" in fields else registry_account
        )
        if region is None or account is None:
            return None
        return Destination(
            account=account, region=region, where=entry.loc, key_locations=_locations(fields)
        )

    def _template(self, node: Node) -> CreationTemplate | None:
        entry = self._mapping(node, "template", "a template")
        if entry is None:
            return None
        fields = self._fields(entry)
        account = self._account_field(fields, "account")
        region = self._string(fields, "region")
        prefix = self._string(fields, "prefix")
        if account is None or region is None or prefix is None:
            return None
        applied_for = self._enum_list(fields, "applied_for", schema.APPLIED_FOR)
        for key in ("applied_for", "image_tag_mutability_exclusion_filters"):
            listed = fields.get(key)
            if isinstance(listed, SequenceNode) and not listed.items:
                self._report(
                    "E004", f"`{key}` is empty; give at least one or omit the key", listed.loc
                )
        positions: dict[str, DocumentPositions] = {}
        documents = {}
        for key in ("lifecycle_policy", "repository_policy"):
            documents[key], where = self._json_document(fields.get(key), key)
            if where is not None:
                positions[key] = where
        tags_node = fields.get("resource_tags")
        if isinstance(tags_node, MappingNode):
            positions["resource_tags"] = positions_of(tags_node)
        description = self._string(fields, "description")
        if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
            self._report(
                "E004",
                f"`description` is {len(description)} characters; "
                f"ECR allows {MAX_DESCRIPTION_CHARS}",
                fields["description"].loc,
            )
        return CreationTemplate(
            account=account,
            region=region,
            prefix=prefix,
            applied_for=applied_for if applied_for is not None else ("REPLICATION",),
            description=description,
            image_tag_mutability=self._enum(
                fields, "image_tag_mutability", schema.IMAGE_TAG_MUTABILITY
            ),
            image_tag_mutability_exclusion_filters=tuple(
                self._string_list(fields, "image_tag_mutability_exclusion_filters")
            ),
            encryption=self._encryption(fields.get("encryption")),
            resource_tags=self._tags(tags_node),
            lifecycle_policy=documents["lifecycle_policy"],
            repository_policy=documents["repository_policy"],
            custom_role_arn=self._string(fields, "custom_role_arn"),
            positions=positions,
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _encryption(self, node: Node | None) -> Encryption | None:
        if node is None:
            return None
        entry = self._mapping(node, "", "encryption", properties=("type", "kms_key"))
        if entry is None:
            return None
        fields = self._fields(entry)
        kind = self._enum(fields, "type", schema.ENCRYPTION_TYPES)
        if kind is None:
            return None
        return Encryption(
            type=kind,
            kms_key=self._string(fields, "kms_key"),
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _tags(self, node: Node | None) -> dict[str, str]:
        if node is None:
            return {}
        if not isinstance(node, MappingNode):
            self._wrong_type(node, "resource_tags", "a mapping of tag names to values")
            return {}
        tags = {}
        for key, value in node.entries.values():
            if not isinstance(value, ScalarNode) or value.value is None:
                self._wrong_type(value, f"tag '{key.text}'", "a string")
                continue
            tags[key.text] = value.text
        return tags

    def _json_document(
        self, node: Node | None, key: str
    ) -> tuple[dict[str, Any] | None, DocumentPositions | None]:
        """A policy given inline as a mapping, or as `file:path` relative to the config;
        and where its values are written, for findings inside it."""
        if node is None:
            return None, None
        if isinstance(node, MappingNode):
            return dict(to_python(node)), positions_of(node)
        if isinstance(node, ScalarNode) and node.is_string and node.value.startswith("file:"):
            from ecrrepl.config.references import BadReference, load_reference

            try:
                loaded = load_reference(self.file, node.value.removeprefix("file:"))
            except BadReference as bad:
                self._report("E303", f"{key}: {bad.problem}", node.loc)
                return None, None
            positions, repeated = json_file_positions(loaded.path, loaded.text, node.loc.path)
            self.findings.extend(repeated)
            if positions is not None or repeated:
                self.sources[loaded.path] = loaded.text
            return loaded.document, positions
        self._report(
            "E303",
            f"`{key}` must be a mapping or 'file:relative/path.json', not {kind_name(node)}",
            node.loc,
        )
        return None, None

    # -- values -----------------------------------------------------------------------

    def _mapping(
        self,
        node: Node,
        definition: str,
        what: str,
        properties: tuple[str, ...] | None = None,
    ) -> MappingNode | None:
        if not isinstance(node, MappingNode):
            self._wrong_type(node, what, "a mapping")
            return None
        if properties is None:
            known, required = schema.keys_of(definition)
        else:
            known, required = frozenset(properties), frozenset()
        for name, (key, _) in node.entries.items():
            if name not in known:
                import difflib  # only on the error path: validate starts faster without it

                hint = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
                self._report(
                    "E003",
                    f"unknown key '{name}' in {what}{suggestion} "
                    f"(known: {', '.join(sorted(known))})"
                    if not hint
                    else f"unknown key '{name}' in {what}{suggestion}",
                    key.loc,
                )
        if not required <= node.entries.keys():
            for name in sorted(required - node.entries.keys()):
                self._report("E004", f"{what} is missing the required key '{name}'", node.loc)
        return node

    def _fields(self, node: MappingNode) -> dict[str, Node]:
        return {name: value for name, (_, value) in node.entries.items()}

    def _list(self, node: Node, key: str, build: Callable[[Node], T | None]) -> list[T]:
        if not isinstance(node, SequenceNode):
            self._wrong_type(node, f"`{key}`", "a list")
            return []
        return [built for item in node.items if (built := build(item)) is not None]

    def _string(self, fields: dict[str, Node], key: str) -> str | None:
        node = fields.get(key)
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.is_string:
            return str(node.value)
        self._wrong_type(node, f"`{key}`", "a string")
        return None

    def _boolean(self, fields: dict[str, Node], key: str, default: bool) -> bool:
        node = fields.get(key)
        if node is None:
            return default
        if isinstance(node, ScalarNode) and isinstance(node.value, bool):
            return node.value
        self._wrong_type(node, f"`{key}`", "true or false")
        return default

    def _enum(self, fields: dict[str, Node], key: str, allowed: list[str]) -> str | None:
        node = fields.get(key)
        if node is None:
            return None
        return self._enum_value(node, key, allowed)

    def _enum_value(self, node: Node, key: str, allowed: list[str]) -> str | None:
        if isinstance(node, ScalarNode) and node.value in allowed:
            return str(node.value)
        shown = repr(node.text) if isinstance(node, ScalarNode) else kind_name(node)
        upper = node.text.upper() if isinstance(node, ScalarNode) else ""
        hint = f"; did you mean '{upper}'?" if upper in allowed else ""
        self._report(
            "E004", f"`{key}` must be one of {', '.join(allowed)}, not {shown}{hint}", node.loc
        )
        return None

    def _enum_list(
        self, fields: dict[str, Node], key: str, allowed: list[str]
    ) -> tuple[str, ...] | None:
        node = fields.get(key)
        if node is None:
            return None
        values = self._list(node, key, lambda item: self._enum_value(item, key, allowed))
        return tuple(values) if values else None

    def _string_list(self, fields: dict[str, Node], key: str) -> list[str]:
        node = fields.get(key)
        if node is None:
            return []

        def one(item: Node) -> str | None:
            if isinstance(item, ScalarNode) and item.is_string:
                return str(item.value)
            self._wrong_type(item, f"an item of `{key}`", "a string")
            return None

        return self._list(node, key, one)

    def _account_field(self, fields: dict[str, Node], key: str) -> str | None:
        node = fields.get(key)
        return None if node is None else self._account_id(node, f"`{key}`")

    def _account_id(self, node: Node, what: str) -> str | None:
        if (
            isinstance(node, ScalarNode)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        ):
            read_as = (
                f"; YAML reads {node.text} as the octal number {node.value}"
                if node.text.startswith("0")
                else ""
            )
            self._report(
                "E007",
                f"{what} {node.text} is an unquoted number{read_as}; "
                f'write it as a quoted string: "{node.text}"',
                node.loc,
            )
            return None
        if isinstance(node, ScalarNode) and node.is_string:
            if len(node.value) == 12 and node.value.isascii() and node.value.isdigit():
                return str(node.value)
            self._report(
                "E007", f"{what} '{node.value}' is not a 12-digit AWS account ID", node.loc
            )
            return None
        self._wrong_type(node, what, "a quoted 12-digit account ID")
        return None

    def _wrong_type(self, node: Node, what: str, expected: str) -> None:
        self._report("E004", f"{what} must be {expected}, not {kind_name(node)}", node.loc)

    def _report(self, rule_id: str, message: str, location: Location) -> None:
        self.findings.append(Finding(rule_id, message, location))


def _locations(fields: dict[str, Node]) -> dict[str, Location]:
    return {name: node.loc for name, node in fields.items()}
