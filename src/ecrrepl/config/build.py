"""Positioned YAML nodes to the model, reporting structural findings on the way.

Known and required keys come from the JSON Schema (config/schema.py), so the schema
that editors use and the checks that CI runs cannot drift apart. Whatever cannot be
built is skipped after its finding, and the rest of the file is still built, so that
one run reports every problem instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
from ecrrepl.config.template_fields import TEMPLATE_FIELDS, Kind, TemplateField
from ecrrepl.config.values import ValueReader, closest_key
from ecrrepl.findings import Finding, Location

T = TypeVar("T")

SUPPORTED_VERSION = 1
# Top-level keys the format leaves to the author, as compose files do: a place for YAML
# anchors (`x-defaults: &defaults ...`) that entries below merge with `<<: *defaults`.
EXTENSION_PREFIX = "x-"
# A file of at least this many rules builds the rules that have nothing to report in one
# step (config/plain_rules.py). A smaller one, every configuration within ECR's 10 rules
# per registry but the largest, never imports it: `validate` counts its start-up time.
PLAIN_RULES_FROM = 100


class FileContents:
    """What one file declares, before files are merged into one configuration."""

    def __init__(self) -> None:
        self.accounts: dict[str, AccountAccess] = {}
        self.registries: list[SourceRegistry] = []
        self.templates: list[CreationTemplate] = []
        self.owner: tuple[str, Location] | None = None
        # Whether the file has a `registries` or `templates` key: the configuration as a
        # whole needs one of them, any file may hold it.
        self.declares_replication = False


class ModelBuilder(ValueReader):
    def __init__(
        self, file: str, findings: list[Finding], sources: dict[str, str] | None = None
    ) -> None:
        super().__init__(file, findings)
        # The text of the JSON files that findings can point into, for quoting them.
        self.sources = sources if sources is not None else {}
        # What the file declares but could not be built (its finding is reported): the
        # kinds of entries, and the rules that lost a destination. Checks that conclude
        # from an absence read them (Config.unbuilt), so no finding follows from another.
        self.unbuilt: set[str] = set()
        self.rules_missing_destinations: set[Location] = set()
        self.unplaced_rules: list[ReplicationRule] = []
        # Set for a large file: rules built in one step, and what they share.
        self.plain_rule: Callable[..., ReplicationRule | None] | None = None
        self.shared: dict[Any, Any] = {}

    # -- the document -----------------------------------------------------------------

    def build(self, root: Node | None) -> FileContents:
        contents = FileContents()
        if root is None:
            self._report(
                "E004",
                "the file is empty; each file of a configuration needs `version: 1` and "
                "at least one of `accounts`, `registries` or `templates`",
                Location(self.file, 1, 1),
            )
            self.unbuilt.add("file")
            return contents
        if isinstance(root, MappingNode):
            root = MappingNode(
                root.loc,
                {
                    name: entry
                    for name, entry in root.entries.items()
                    if not name.startswith(EXTENSION_PREFIX)
                },
            )
        top = self._mapping(root, "", "the file")
        if top is None:
            self.unbuilt.add("file")
            return contents
        version = top.entries.get("version")
        if version is not None:
            self._version(version[1])
        if owner := top.entries.get("owner"):
            name = self._string({"owner": owner[1]}, "owner")
            if name is not None:
                contents.owner = (name, owner[1].loc)
        contents.declares_replication = bool(self._replication_sections(top))
        if accounts := top.entries.get("accounts"):
            contents.accounts = self._accounts(accounts[1])
        if registries := top.entries.get("registries"):
            if _rule_count(registries[1]) >= PLAIN_RULES_FROM:
                from ecrrepl.config.plain_rules import plain_rule

                self.plain_rule = plain_rule
            contents.registries = self._section(
                registries[1], "registries", "registry", self._registry
            )
        if templates := top.entries.get("templates"):
            contents.templates = self._section(
                templates[1], "templates", "template", self._template
            )
        return contents

    def _replication_sections(self, top: MappingNode) -> set[str]:
        """`registries` and `templates`, if the file has them: written, or misspelt (the
        E003 says which; what they hold is not built, and nothing may conclude from
        their absence)."""
        written = {"registries", "templates"} & top.entries.keys()
        known, _ = schema.keys_of("")
        misspelt = {
            hint
            for name in top.entries.keys() - known
            if (hint := closest_key(name, known)) in ("registries", "templates")
        }
        if misspelt - written:
            self.unbuilt.add("registry")
        return written | misspelt

    def _section(
        self, node: Node, key: str, kind: str, build: Callable[[Node], T | None]
    ) -> list[T]:
        if not isinstance(node, SequenceNode):
            self.unbuilt.add(kind)
        return self._list(node, key, build)

    def _version(self, node: Node) -> None:
        written = node.text if isinstance(node, ScalarNode) else ""
        if written == str(SUPPORTED_VERSION) and _is_int(node):
            return  # written as 1: not 0x1, 01 or "1"
        if isinstance(node, ScalarNode) and node.is_string and written == str(SUPPORTED_VERSION):
            message = (
                f'`version` is the string "{written}", not the number {SUPPORTED_VERSION}; '
                f"write `version: {SUPPORTED_VERSION}` without quotes"
            )
        elif (
            isinstance(node, ScalarNode)
            and not isinstance(node.value, bool)
            and node.value == SUPPORTED_VERSION
        ):
            message = (
                f"`version` is written {written}; write `version: {SUPPORTED_VERSION}` "
                f"(YAML reads {written} as {SUPPORTED_VERSION}, but the format's version is "
                f"the plain number {SUPPORTED_VERSION})"
            )
        else:
            shown = repr(written) if isinstance(node, ScalarNode) else kind_name(node)
            message = (
                f"unsupported version {shown}; this ecrrepl reads `version: "
                f"{SUPPORTED_VERSION}` only"
            )
        self._report("E005", message, node.loc)

    # -- sections ---------------------------------------------------------------------

    def _accounts(self, node: Node) -> dict[str, AccountAccess]:
        accounts: dict[str, AccountAccess] = {}
        if not isinstance(node, MappingNode):
            self._wrong_type(node, "accounts", "a mapping of account IDs")
            self.unbuilt.add("account")
            return accounts
        for key, value in node.entries.values():
            account = self._account_id(key, "account key")
            entry = self._mapping(value, "account", f"account {key.text}")
            if account is None or entry is None:
                self.unbuilt.add("account")
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
            self.unbuilt.add("registry")
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
            self.unbuilt.add("registry")
            self.unplaced_rules.extend(rules)
            return None
        if not isinstance(fields["rules"], SequenceNode) or len(rules) < len(fields["rules"].items):
            self.unbuilt.add("rule")
        return SourceRegistry(
            account=account,
            region=region,
            rules=tuple(rules),
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _rule(self, node: Node, registry_account: str) -> ReplicationRule | None:
        if self.plain_rule is not None and isinstance(node, MappingNode):
            plain = self.plain_rule(node, registry_account, self.shared)
            if plain is not None:
                return plain  # nothing to report: the readers below would find nothing
        entry = self._mapping(node, "rule", "a rule")
        if entry is None:
            return None
        fields = self._fields(entry)
        filters: tuple[RepositoryFilter, ...] | None = None
        if "filters" in fields:
            written = fields["filters"]
            filters = tuple(self._list(written, "filters", self._filter))
            if isinstance(written, SequenceNode) and not written.items:
                self._report(
                    "E004",
                    "`filters` is empty; omit the key to replicate every repository",
                    written.loc,
                )
        # Every key is read before a missing one drops the rule: each problem is reported.
        name = self._string(fields, "name")
        delete_replication = self._boolean(fields, "delete_replication", False)
        written_destinations = fields.get("destinations")
        if written_destinations is None:
            return None
        destinations = self._list(
            written_destinations, "destinations", lambda n: self._destination(n, registry_account)
        )
        if not isinstance(written_destinations, SequenceNode) or len(destinations) < len(
            written_destinations.items
        ):
            self.unbuilt.add("destination")
            self.rules_missing_destinations.add(entry.loc)
        return ReplicationRule(
            name=name,
            filters=filters,
            destinations=tuple(destinations),
            delete_replication=delete_replication,
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _filter(self, node: Node) -> RepositoryFilter | None:
        if not isinstance(node, ScalarNode) or not node.is_string:
            self._wrong_type(node, "a filter", "a string (a repository-name prefix)")
            return None
        # Every field given: a record takes them in one step (record.Record.__init__).
        return RepositoryFilter(prefix=node.value, where=node.loc, key_locations={})

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
            return None  # the rule records that it lost a destination
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
        positions: dict[str, DocumentPositions] = {}
        # Every setting is read, and reported on, before a missing key drops the template.
        settings = self._template_settings(fields, positions)
        if account is None or region is None or prefix is None:
            self.unbuilt.add("template")
            return None
        return CreationTemplate(
            account=account,
            region=region,
            prefix=prefix,
            # An omitted list of choices (applied_for) takes the model's default.
            **{name: value for name, value in settings.items() if value is not None},
            positions=positions,
            where=entry.loc,
            key_locations=_locations(fields),
        )

    def _template_settings(
        self, fields: dict[str, Node], positions: dict[str, DocumentPositions]
    ) -> dict[str, Any]:
        """Every setting, read in the order their findings have always come in (a file's
        findings are sorted only once every file is read): the choices, whether lists
        are empty, the documents (which may read files), then the rest."""

        def read(kinds: set[Kind]) -> dict[str, Any]:
            return {
                field.name: self._template_setting(fields, field, positions)
                for field in TEMPLATE_FIELDS
                if field.kind in kinds
            }

        settings = read({Kind.CHOICES})
        self._report_empty_lists(fields)
        settings |= read({Kind.JSON_DOCUMENT})
        return settings | read(set(Kind) - {Kind.CHOICES, Kind.JSON_DOCUMENT})

    def _template_setting(
        self,
        fields: dict[str, Node],
        field: TemplateField,
        positions: dict[str, DocumentPositions],
    ) -> Any:
        """One setting of a template, by its kind (config/template_fields.py); where a
        document or the tags are written goes into `positions`."""
        name, kind = field.name, field.kind
        if kind is Kind.CHOICES:
            return self._enum_list(fields, name, list(field.choices))
        if kind is Kind.TAG_FILTERS:
            return tuple(self._string_list(fields, name))
        if kind is Kind.CHOICE:
            return self._enum(fields, name, list(field.choices))
        if kind is Kind.ENCRYPTION:
            return self._encryption(fields.get(name))
        if kind is Kind.TAGS:
            tags_node = fields.get(name)
            if isinstance(tags_node, MappingNode):
                positions[name] = positions_of(tags_node)
            return self._tags(tags_node)
        if kind is Kind.JSON_DOCUMENT:
            document, where = self._json_document(fields.get(name), name)
            if where is not None:
                positions[name] = where
            return document
        text = self._string(fields, name)
        if text is not None and field.max_chars is not None and len(text) > field.max_chars:
            self._report(
                "E004",
                f"`{name}` is {len(text)} characters; ECR allows {field.max_chars}",
                fields[name].loc,
            )
        return text

    def _report_empty_lists(self, fields: dict[str, Node]) -> None:
        for field in TEMPLATE_FIELDS:
            listed = fields.get(field.name)
            if (
                field.kind in (Kind.CHOICES, Kind.TAG_FILTERS)
                and isinstance(listed, SequenceNode)
                and not listed.items
            ):
                self._report(
                    "E004",
                    f"`{field.name}` is empty; give at least one or omit the key",
                    listed.loc,
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

def _rule_count(registries: Node) -> int:
    """How many rules the `registries` section writes, as far as it is a list of mappings."""
    if not isinstance(registries, SequenceNode):
        return 0
    count = 0
    for registry in registries.items:
        rules = registry.entries.get("rules") if isinstance(registry, MappingNode) else None
        if rules is not None and isinstance(rules[1], SequenceNode):
            count += len(rules[1].items)
    return count


def _is_int(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":int")


def _locations(fields: dict[str, Node]) -> dict[str, Location]:
    return {name: node.loc for name, node in fields.items()}
