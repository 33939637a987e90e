"""YAML text to nodes that remember file, line and column.

Safe loading only: PyYAML composes the node graph (no Python objects are ever
constructed from tags), and this module turns it into a small tree of positioned
nodes. Nothing here raises on bad input: syntax errors, duplicate keys, unquoted
account numbers and oversized or alias-bombed input all become findings.
"""

from __future__ import annotations

from typing import Any

import yaml

from ecrrepl.findings import Finding, Location

# A replication config is a few kilobytes; a generated org-wide one (200 registries x
# 10 rules x 20 filters) is about 1.5 MB. Anything far beyond that is not a config.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Nodes after expanding aliases: a "billion laughs" document is tiny as text but expands
# to 10^9 nodes. Counting expansion on the composed graph costs one visit per node.
MAX_EXPANDED_NODES = 2_000_000
# Collections inside one another. A configuration nests about ten deep, an inline policy
# a few more. libyaml's composer recurses in C for each level and crashes the process
# (a segmentation fault, not an exception) near a hundred thousand; this module's own
# walks recurse in Python. The limit is checked before composing and again through
# aliases, which nest a document deeper than its text does.
MAX_DEPTH = 100

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _libyaml_bounds_nesting() -> bool:
    """Whether the composer is libyaml 0.2.6 or newer, whose parser refuses collections
    nested more than 1000 deep ("maximum nesting depth", libyaml's yaml_set_max_nest_level,
    default 1000), so that composing cannot recurse deep enough to crash. Then the exact
    depth count runs only on a document found too deep. PyYAML imports its libyaml
    binding with `CSafeLoader`: reading its version imports nothing."""
    binding = getattr(yaml, "_yaml", None)
    version = getattr(binding, "get_version", None)
    if _SafeLoader is yaml.SafeLoader or version is None:
        return False
    found: tuple[int, int, int] = version()
    return found >= (0, 2, 6)


_NESTING_BOUNDED = _libyaml_bounds_nesting()

_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_NULL = "tag:yaml.org,2002:null"
_TAG_MERGE = "tag:yaml.org,2002:merge"


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
        line, column = _line_column(data[: error.start].decode("utf-8", "replace"))
        return None, [Finding("E001", "file is not UTF-8 text", Location(file, line, column))]
    try:
        bounded = _NESTING_BOUNDED and _SafeLoader is not yaml.SafeLoader
        checked_first = not bounded and _depth_bound(text) > MAX_DEPTH
        too_deep = _too_deep(text) if checked_first else None
        if too_deep is not None:
            return None, [_too_deep_finding(file, too_deep, "")]
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if mark and "maximum nesting depth" in (error.problem or ""):  # libyaml 0.2.6's own
            return None, [_too_deep_finding(file, _where_too_deep(text, mark), "")]
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem += " (a tab: YAML indents with spaces only)"
        return None, [
            Finding("E001", f"YAML syntax error: {problem}", Location(file, line, column))
        ]
    except yaml.reader.ReaderError as error:
        line, column = _line_column(text[: error.position])
        return None, [
            Finding(
                "E001",
                f"character {_describe_char(error.character)} is not allowed in YAML",
                Location(file, line, column),
            )
        ]
    except yaml.YAMLError as error:  # anything else PyYAML can say about the text
        return None, [Finding("E001", f"YAML syntax error: {error}", Location(file, 1, 1))]
    if root is None:
        return None, []
    try:
        size = _measure(root, {}, set(), 0)[0] if not isinstance(root, yaml.ScalarNode) else 1
    except _Recursive as recursive:
        return None, [
            Finding(
                "E006",
                "recursive alias: a node contains itself",
                _mark_location(file, recursive.node, ""),
            )
        ]
    except _TooDeep as deep:
        # Deeper than the text nests when it was counted first; else count it now.
        in_text = None if checked_first or _depth_bound(text) <= MAX_DEPTH else _too_deep(text)
        if in_text is not None:
            return None, [_too_deep_finding(file, in_text, "")]
        mark = deep.node.start_mark
        return None, [_too_deep_finding(file, (mark.line, mark.column), " (through aliases)")]
    if size > MAX_EXPANDED_NODES:
        return None, [
            Finding(
                "E006",
                f"aliases expand the document to more than {MAX_EXPANDED_NODES:,} nodes "
                "(a 'billion laughs' document?)",
                _mark_location(file, root, ""),
            )
        ]
    findings: list[Finding] = []
    return _convert(file, root, "", findings), findings


class _Recursive(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeep(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _depth_bound(text: str) -> int:
    """A cheap upper bound on how deep collections nest in `text`.

    Every flow collection opens with `[` or `{`. A block collection inside another
    starts further right than its parent, except a block sequence that is a mapping's
    value, which may start in the key's column; so block nesting is at most twice the
    longest line. Most files are far below the limit, and skip the exact count.
    """
    longest = max(map(len, text.splitlines()), default=0)
    return 2 * (longest + 1) + text.count("[") + text.count("{") + 1


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where collections first nest deeper than MAX_DEPTH, from the parser's events.

    The parser keeps its own stack instead of recursing, so counting its events is safe
    at any depth; it stops at the first collection too deep. Syntax errors propagate, as
    they would from composing.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return (mark.line, mark.column) if mark is not None else (0, 0)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _where_too_deep(text: str, mark: yaml.Mark) -> tuple[int, int]:
    """Where collections first nest deeper than MAX_DEPTH, for a document libyaml found
    nested beyond its own limit at `mark`; libyaml may stop there before counting
    MAX_DEPTH levels (it scans a run of `[` ahead), and then `mark` is the place."""
    try:
        return _too_deep(text) or (mark.line, mark.column)
    except yaml.YAMLError:
        return (mark.line, mark.column)


def _too_deep_finding(file: str, where: tuple[int, int], how: str) -> Finding:
    """E006 at `where`, a 0-based line and column as PyYAML marks them."""
    return Finding(
        "E006",
        f"lists and mappings nest more than {MAX_DEPTH} levels deep{how}",
        Location(file, where[0] + 1, where[1] + 1),
    )


def _measure(
    node: yaml.Node, memo: dict[int, tuple[int, int]], active: set[int], depth: int
) -> tuple[int, int]:
    """Nodes the document has once every alias is expanded, and how deep collections
    nest from `node` down, computed without expanding. `depth`: collections above it.
    Scalars, most of the nodes, are counted in their parent's loop: one call per
    collection keeps this cheap on large files."""
    key = id(node)
    known = memo.get(key)
    if known is not None:
        if depth + known[1] > MAX_DEPTH:
            raise _TooDeep(node)
        return known
    if key in active:
        raise _Recursive(node)
    if depth >= MAX_DEPTH:
        raise _TooDeep(node)
    active.add(key)
    size = height = 1
    children = (
        [child for pair in node.value for child in pair]
        if isinstance(node, yaml.MappingNode)
        else node.value
    )
    for child in children:
        if isinstance(child, yaml.ScalarNode):
            size += 1
            continue
        child_size, child_height = _measure(child, memo, active, depth + 1)
        size += child_size
        if child_height >= height:
            height = child_height + 1
        if size > MAX_EXPANDED_NODES:
            break
    active.discard(key)
    memo[key] = (size, height)
    return size, height


def _convert(file: str, node: yaml.Node, path: str, findings: list[Finding]) -> Node:
    # The hot loop of loading: it runs once per value of the file, so it makes each
    # node's Location once and resolves merge keys only in mappings that have one.
    mark = node.start_mark
    loc = Location(file, mark.line + 1, mark.column + 1, path)
    if isinstance(node, yaml.ScalarNode):
        return ScalarNode(loc, _scalar_value(node), node.value, node.tag)
    if isinstance(node, yaml.SequenceNode):
        return SequenceNode(
            loc,
            [_convert(file, item, f"{path}[{i}]", findings) for i, item in enumerate(node.value)],
        )
    assert isinstance(node, yaml.MappingNode)
    mapping = MappingNode(loc)
    entries = mapping.entries
    pairs = node.value
    if any(key_node.tag == _TAG_MERGE for key_node, _ in pairs):
        pairs = _merged_pairs(node)
    for key_node, value_node in pairs:
        if not isinstance(key_node, yaml.ScalarNode):
            key = _convert(file, key_node, path, findings)
            findings.append(Finding("E004", "a mapping key must be a plain value", key.loc))
            continue
        name = key_node.value
        child_path = f"{path}.{name}" if path else name
        key_mark = key_node.start_mark
        key_loc = Location(file, key_mark.line + 1, key_mark.column + 1, child_path)
        if name in entries:
            first = entries[name][0].loc
            findings.append(
                Finding(
                    "E002",
                    f"duplicate key '{name}' (first at line {first.line}); YAML would "
                    "silently keep only the last one",
                    key_loc,
                )
            )
            continue
        key = ScalarNode(key_loc, _scalar_value(key_node), name, key_node.tag)
        entries[name] = (key, _convert(file, value_node, child_path, findings))
    return mapping


def _merged_pairs(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The mapping's pairs with YAML merge keys (`<<: *defaults`) resolved; own keys win."""
    own = [(k, v) for k, v in node.value if k.tag != _TAG_MERGE]
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _TAG_MERGE:
            continue
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if isinstance(source, yaml.MappingNode):
                merged.extend(_merged_pairs(source))
    own_keys = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
    inherited: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in merged:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value not in own_keys:
            inherited.setdefault(key_node.value, (key_node, value_node))
    return list(inherited.values()) + own


_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}


def _scalar_value(node: yaml.ScalarNode) -> Any:
    text: str = node.value
    if node.tag == _TAG_NULL:
        return None
    if node.tag == _TAG_BOOL:
        return _BOOLS[text.lower()]
    if node.tag == _TAG_INT:
        return _yaml11_int(text)
    if node.tag == _TAG_FLOAT:
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


def _mark_location(file: str, node: yaml.Node, path: str) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1, path)


def _line_column(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + 1
    return line, column


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _describe_char(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"#x{code:04x}"
