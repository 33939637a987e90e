"""YAML text to nodes that remember file, line and column.

Safe loading only: no Python objects are ever constructed from tags. One pass over
the parser's events (libyaml's, when PyYAML has it) builds the small tree of
positioned nodes, resolving plain scalars as YAML 1.1 does and counting depth and
nodes on the way. A document that needs the whole node graph (anchors, aliases,
merge keys) or PyYAML's own report (syntax errors, nesting too deep, too many nodes)
is read by the composing loader instead (config/composed.py), which gives the same
nodes and the same findings. Nothing here raises on bad input: syntax errors,
duplicate keys, unquoted account numbers and oversized or alias-bombed input all
become findings.
"""

from __future__ import annotations

import gc
from typing import Any

import yaml

from ecrrepl.findings import Finding, Location

# A replication config is a few kilobytes; a generated org-wide one (200 registries x
# 10 rules x 20 filters) is about 1.5 MB. Anything far beyond that is not a config.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Nodes after expanding aliases: a "billion laughs" document is tiny as text but expands
# to 10^9 nodes. The one pass counts nodes as it makes them; the composing loader counts
# expansion on the composed graph, one visit per node.
MAX_EXPANDED_NODES = 2_000_000
# Collections inside one another. A configuration nests about ten deep, an inline policy
# a few more. libyaml's composer recurses in C for each level and crashes the process
# (a segmentation fault, not an exception) near a hundred thousand, and the composing
# loader's walks recurse in Python. The one pass keeps its own stack and hands a document
# over at the first collection too deep; the composing loader checks the limit before
# composing and again through aliases, which nest a document deeper than its text does.
MAX_DEPTH = 100

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_MERGE = "tag:yaml.org,2002:merge"
_TAG_STR = "tag:yaml.org,2002:str"


# Plain slotted classes rather than dataclasses: a node is made per YAML value, and
# generating dataclass methods would cost `validate` a measurable part of its start-up.
class Node:
    __slots__ = ("loc",)

    def __init__(self, loc: Location) -> None:
        self.loc = loc


class ScalarNode(Node):
    __slots__ = ("tag", "text", "value")

    def __init__(self, loc: Location, value: Any, text: str, tag: str) -> None:
        self.loc = loc  # Node.__init__ inlined: one call less per value of the file
        self.value = value  # str, int, float, bool or None, as YAML 1.1 resolves it
        self.text = text  # the scalar as written, without quotes
        self.tag = tag

    @property
    def is_string(self) -> bool:
        return isinstance(self.value, str)


class MappingNode(Node):
    __slots__ = ("entries",)

    def __init__(
        self, loc: Location, entries: dict[str, tuple[ScalarNode, Node]] | None = None
    ) -> None:
        self.loc = loc
        # key text -> (key node, value node), in document order
        self.entries = entries if entries is not None else {}


class SequenceNode(Node):
    __slots__ = ("items",)

    def __init__(self, loc: Location, items: list[Node] | None = None) -> None:
        self.loc = loc
        self.items = items if items is not None else []


def kind_name(node: Node) -> str:
    """How messages name a node's YAML type."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    assert isinstance(node, ScalarNode)
    if node.value is None:
        return "null"
    if isinstance(node.value, bool):
        return "a boolean"
    if isinstance(node.value, int):
        return "a number"
    if isinstance(node.value, float):
        return "a number"
    return "a string"


def to_python(node: Node) -> Any:
    """The plain value of a node, for free-form JSON such as policies."""
    if isinstance(node, MappingNode):
        return {key: to_python(value) for key, (_, value) in node.entries.items()}
    if isinstance(node, SequenceNode):
        return [to_python(item) for item in node.items]
    assert isinstance(node, ScalarNode)
    return node.value


def parse_document(file: str, data: bytes) -> tuple[Node | None, list[Finding]]:
    """Parse one file's bytes. Returns the root node (None when unusable) and findings."""
    if len(data) > MAX_FILE_BYTES:
        return None, [
            Finding(
                "E006",
                f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} bytes",
                Location(file, 1, 1),
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = line_column(data[: error.start].decode("utf-8", "replace"))
        return None, [Finding("E001", "file is not UTF-8 text", Location(file, line, column))]
    loaded = None
    try:
        # The pure-Python reader already refuses some characters here.
        parser = _SafeLoader(text)
        try:
            loaded = _one_pass(file, parser)
        finally:
            parser.dispose()
    except yaml.YAMLError:
        pass  # reported in PyYAML's own words by the composing loader
    if loaded is not None:
        return loaded
    from ecrrepl.config.composed import parse_composed

    return parse_composed(file, text)


_DROPPED = ScalarNode(Location("", 0, 0), None, "", "")
# Scalars repeat (keys, regions, prefixes): each text is resolved once per document,
# up to this many distinct texts of each kind (plain, quoted).
_RESOLVED_TEXTS = 4096


def _one_pass(file: str, parser: Any) -> tuple[Node | None, list[Finding]] | None:
    """The positioned tree from the parser's events, or None for a document the
    composing loader must read (see the module docstring). Syntax errors propagate.

    The cyclic garbage collector is paused meanwhile: the tree holds no cycles, and
    each of its collections would walk every node made so far, a third of the time
    on a large file."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _events_to_nodes(file, parser)
    finally:
        if collecting:
            gc.enable()


def _events_to_nodes(file: str, parser: Any) -> tuple[Node | None, list[Finding]] | None:
    # The hot loop of loading, once per event (a value, or a collection's end). The
    # innermost open collection's state is kept in local variables and the enclosing
    # ones' in a stack of tuples: a local is read several times faster than an
    # attribute, and each event reads that state a few times. The location tuple is
    # made without NamedTuple's Python-level __new__, and a plain scalar's text is
    # resolved once per document.
    get_event = parser.get_event
    resolve = parser.resolve
    # Plain scalars by text: tag, value and the text, one object for every time it is
    # written (a file of 100,000 rules writes `filters` 100,000 times); quoted ones too.
    resolved: dict[str, tuple[str, Any, str]] = {}
    quoted: dict[str, str] = {}
    # The line of the last node, as the parser counts and as Location does: nodes on
    # one line share the number.
    row, line = -1, 0
    findings: list[Finding] = []
    # The enclosing collections' states, innermost last (see `opened` below).
    stack: list[tuple[Any, ...]] = []
    push, pop = stack.append, stack.pop
    # The innermost open collection: its node (None: no collection is open), its items
    # (a sequence's list) or entries (a mapping's dict), its path, and whether it lies
    # inside the value of a repeated key: built, then dropped, and nothing in it is
    # reported (the composing loader never reads it either).
    container: Node | None = None
    items: list[Node] | None = None
    entries: dict[str, tuple[ScalarNode, Node]] | None = None
    path = ""
    muted = False
    # In a mapping: the key whose value comes next (None: a key comes next), and that
    # value's path. _DROPPED: the key repeats one before it.
    key: ScalarNode | None = None
    child_path = ""
    root: Node | None = None
    nodes = 0
    most_nodes = MAX_EXPANDED_NODES  # read at each call: tests lower it
    new_location = tuple.__new__
    scalar_event, mapping_start, sequence_start = (
        yaml.ScalarEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
    )
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    get_event()  # the stream's start
    if get_event().__class__ is yaml.StreamEndEvent:
        return None, []
    while True:
        event = get_event()
        kind = event.__class__
        if kind is scalar_event:
            nodes += 1
            if event.anchor is not None or nodes > most_nodes:
                return None
            if items is not None:
                node_path = f"{path}[{len(items)}]"
            elif key is None:
                if entries is not None:  # a mapping's key
                    tag, value, name = _resolved(event, resolved, quoted, resolve)
                    if tag == _TAG_MERGE:
                        return None
                    node_path = f"{path}.{name}" if path else name
                    mark = event.start_mark
                    if mark.line != row:
                        row = mark.line
                        line = row + 1
                    key_loc = new_location(Location, (file, line, mark.column + 1, node_path))
                    first = entries.get(name)
                    if first is None:
                        key = ScalarNode(key_loc, value, name, tag)
                        child_path = node_path
                    else:
                        if not muted:
                            findings.append(duplicate_key(name, first[0].loc, key_loc))
                        key = _DROPPED
                    continue
                node_path = ""  # the root
            else:
                node_path = child_path
            mark = event.start_mark
            if mark.line != row:
                row = mark.line
                line = row + 1
            found = resolved.get(event.value) if event.tag is None and event.implicit[0] else None
            if found is None:
                found = _resolved(event, resolved, quoted, resolve)
            node: Node = ScalarNode(
                new_location(Location, (file, line, mark.column + 1, node_path)),
                found[1],
                found[2],
                found[0],
            )
        elif kind is mapping_end or kind is sequence_end:
            assert container is not None
            node = container
            container, items, entries, path, muted, key, child_path = pop()
        elif kind is mapping_start or kind is sequence_start:
            nodes += 1
            if event.anchor is not None or nodes > most_nodes:
                return None
            if items is not None:
                node_path = f"{path}[{len(items)}]"
                inner_muted = muted
            elif key is None:
                if entries is not None:
                    return None  # E004 for a collection as a key, said by the composer
                node_path = ""  # the root
                inner_muted = False
            else:
                node_path = child_path
                inner_muted = muted or key is _DROPPED
            if len(stack) >= MAX_DEPTH:
                return None
            mark = event.start_mark
            if mark.line != row:
                row = mark.line
                line = row + 1
            loc = new_location(Location, (file, line, mark.column + 1, node_path))
            push((container, items, entries, path, muted, key, child_path))
            if kind is mapping_start:
                entries = {}
                items = None
                container = MappingNode(loc, entries)
            else:
                items = []
                entries = None
                container = SequenceNode(loc, items)
            path, muted, key, child_path = node_path, inner_muted, None, ""
            continue
        elif kind is yaml.DocumentEndEvent:
            if get_event().__class__ is not yaml.StreamEndEvent:
                return None  # more than one document: the composer's error
            return root, findings
        else:  # an alias
            return None
        if items is not None:
            items.append(node)
        elif entries is not None:
            if key is not _DROPPED:
                assert key is not None
                entries[key.text] = (key, node)
            key = None
        else:
            root = node


def _resolved(
    event: Any, resolved: dict[str, tuple[str, Any, str]], quoted: dict[str, str], resolve: Any
) -> tuple[str, Any, str]:
    """A scalar event's tag, value and text: tagged as PyYAML's composer tags it (a tag
    written; for none or `!`, the resolver's with the event's implicit flags, which is
    str unless plain: Composer.compose_scalar_node, PyYAML 6.0.4), read as scalar_value
    reads it, and the text shared with the scalars written the same way before it."""
    tag: str | None = event.tag
    text: str = event.value
    if tag is not None and tag != "!":
        return tag, scalar_value(tag, text), text
    if not event.implicit[0]:
        shared = quoted.get(text)
        if shared is None:
            shared = text
            if len(quoted) < _RESOLVED_TEXTS:
                quoted[text] = text
        return _TAG_STR, shared, shared
    found = resolved.get(text)
    if found is None:
        tag = resolve(yaml.ScalarNode, text, event.implicit)
        found = (tag, scalar_value(tag, text), text)
        if len(resolved) < _RESOLVED_TEXTS:
            resolved[text] = found
    return found


def duplicate_key(name: str, first: Location, again: Location) -> Finding:
    return Finding(
        "E002",
        f"duplicate key '{name}' (first at line {first.line}); YAML would "
        "silently keep only the last one",
        again,
    )


def too_deep_finding(file: str, where: tuple[int, int], how: str) -> Finding:
    """E006 at `where`, a 0-based line and column as PyYAML marks them."""
    return Finding(
        "E006",
        f"lists and mappings nest more than {MAX_DEPTH} levels deep{how}",
        Location(file, where[0] + 1, where[1] + 1),
    )


_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


def scalar_value(tag: str, text: str) -> Any:
    """The value of a scalar of `tag` written `text`."""
    if tag == _TAG_NULL:
        return None
    if tag == _TAG_BOOL:
        # An explicit `!!bool` on a word YAML 1.1 does not read as one stays that word, for
        # the schema to refuse, as `!!int abc` does.
        return _BOOLS.get(text.lower(), text)
    if tag == _TAG_INT:
        return _yaml11_int(text)
    if tag == _TAG_FLOAT:
        try:
            return float(text.replace("_", ""))
        except ValueError:  # .inf, .nan and sexagesimal floats: keep the text
            return text
    # Strings, timestamps ("2012-10-17" stays the string policies expect), binary, ...
    return text


def _yaml11_int(text: str) -> int | str:
    """YAML 1.1 integers, as PyYAML reads them: 012 is octal, 0x1f hex, 1_000 a thousand."""
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    try:
        if digits.startswith("0b"):
            return sign * int(digits[2:], 2)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        if digits.startswith("0") and len(digits) > 1 and ":" not in digits:
            return sign * int(digits, 8)
        if ":" in digits:  # sexagesimal, 1:30 == 90
            value = 0
            for part in digits.split(":"):
                value = value * 60 + int(part)
            return sign * value
        return sign * int(digits)
    except ValueError:
        return text


def line_column(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + 1
    return line, column
