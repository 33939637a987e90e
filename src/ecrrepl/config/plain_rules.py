"""Rules written the common way, built in one step.

The builder (config/build.py) reads a rule through its value readers, which check every
value and report what is wrong with it. Nearly every rule of a file has nothing to
report: a mapping of known keys, a list of string filters, destinations of a string
region and a quoted 12-digit account. For such a rule this module makes the same records
directly, without the readers' calls per value (on a file of 100,000 rules they were a
fifth of `validate`), and gives up (None) at the first value a reader would report on,
for the builder to read the whole rule again and report it. Both ways build equal
records at equal locations: tests/config/test_plain_rules.py compares them on every
configuration the tests use.
"""

from __future__ import annotations

from typing import Any

from ecrrepl.config import schema
from ecrrepl.config.loader import MappingNode, Node, ScalarNode, SequenceNode
from ecrrepl.config.model import Destination, RegistryAddress, ReplicationRule, RepositoryFilter
from ecrrepl.findings import Location

_new_tuple = tuple.__new__
_rule_keys: frozenset[str] = frozenset()
_destination_keys: frozenset[str] = frozenset()


def plain_rule(
    node: MappingNode, registry_account: str, shared: dict[Any, Any]
) -> ReplicationRule | None:
    """The rule `node` says, when the builder's readers would report nothing on it.

    `shared`: the file's addresses and prefix tuples, each made once and shared by the
    rules and destinations that have it (the builder keeps one per file): on a large
    file most of them repeat, and one each would cost memory while the nodes are alive."""
    global _rule_keys, _destination_keys
    if not _rule_keys:
        # The schema's keys (config/schema.py), as the readers check them. The required
        # ones are tested below: `destinations` for a rule, `region` for a destination.
        _rule_keys = schema.keys_of("rule")[0]
        _destination_keys = schema.keys_of("destination")[0]
    entries = node.entries
    if not entries.keys() <= _rule_keys:
        return None
    fields: dict[str, Node] = {}
    locations: dict[str, Location] = {}
    for key, (_, value) in entries.items():
        fields[key] = value
        locations[key] = value.loc
    written_destinations = fields.get("destinations")
    if not isinstance(written_destinations, SequenceNode):
        return None  # missing (the rule is dropped) or not a list (E004)
    written_filters = fields.get("filters")
    filters = None if written_filters is None else _filters(written_filters)
    if filters == ():
        return None
    name = fields.get("name")
    if name is not None and not (isinstance(name, ScalarNode) and isinstance(name.value, str)):
        return None
    deleting = fields.get("delete_replication")
    if deleting is not None and not (
        isinstance(deleting, ScalarNode) and isinstance(deleting.value, bool)
    ):
        return None
    destinations = []
    for item in written_destinations.items:
        destination = _destination(item, registry_account, shared)
        if destination is None:
            return None
        destinations.append(destination)
    made = ReplicationRule(
        name=None if name is None else name.value,
        filters=filters,
        destinations=tuple(destinations),
        delete_replication=False if deleting is None else deleting.value,
        where=node.loc,
        key_locations=locations,
    )
    # As a destination's address (below): what the `cached` property would make.
    if filters is not None:
        prefixes = tuple(f.prefix for f in filters)
        made.__dict__["prefixes"] = shared.setdefault(prefixes, prefixes)
    else:
        made.__dict__["prefixes"] = None
    return made


def _filters(written: Node) -> tuple[RepositoryFilter, ...]:
    """The filters, or none when a reader would report on them (written as `[]`, that
    is E004: omit the key to replicate every repository)."""
    if not isinstance(written, SequenceNode):
        return ()
    made = []
    for item in written.items:
        if not isinstance(item, ScalarNode) or not isinstance(item.value, str):
            return ()
        made.append(RepositoryFilter(prefix=item.value, where=item.loc, key_locations={}))
    return tuple(made)


def _destination(node: Node, registry_account: str, shared: dict[Any, Any]) -> Destination | None:
    if not isinstance(node, MappingNode):
        return None
    entries = node.entries
    if not entries.keys() <= _destination_keys or "region" not in entries:
        return None
    region = entries["region"][1]
    if not isinstance(region, ScalarNode) or not isinstance(region.value, str):
        return None
    account = registry_account
    written_account = entries.get("account")
    if written_account is not None:
        written = written_account[1]
        # A quoted 12-digit ID: anything else is an E004 or E007 of the readers.
        if not isinstance(written, ScalarNode) or not isinstance(written.value, str):
            return None
        text = written.text
        if not (len(text) == 12 and text.isascii() and text.isdigit()):
            return None
        account = text
    made = Destination(
        account=account,
        region=region.value,
        where=node.loc,
        key_locations={name: value.loc for name, (_, value) in entries.items()},
    )
    # What the `cached` property would make at its first read (the lint rules read it
    # for every destination), made here without the call.
    address = shared.get((account, region.value, RegistryAddress))
    if address is None:
        address = _new_tuple(RegistryAddress, (account, region.value))
        shared[(account, region.value, RegistryAddress)] = address
    made.__dict__["address"] = address
    return made
