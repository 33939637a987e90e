"""The composing loader: PyYAML's node graph to positioned nodes, for the documents the
one-pass loader (config/loader.py) hands over.

Those are the documents with anchors, aliases or merge keys, a collection as a mapping
key, more than one document, nesting beyond MAX_DEPTH, more than MAX_EXPANDED_NODES
nodes, or a syntax error: what needs the whole graph (an alias expands a node defined
earlier, a merge key copies a mapping's entries) or PyYAML's own error report. Imported
only for them, so that reading a plain file loads none of this.
"""

from __future__ import annotations

import yaml

from ecrrepl.config import loader
from ecrrepl.config.loader import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    line_column,
    scalar_value,
    too_deep_finding,
)
from ecrrepl.findings import Finding, Location

_TAG_MERGE = "tag:yaml.org,2002:merge"


def _libyaml_bounds_nesting() -> bool:
    """Whether the composer is libyaml 0.2.6 or newer, whose parser refuses collections
    nested more than 1000 deep ("maximum nesting depth", libyaml's yaml_set_max_nest_level,
    default 1000), so that composing cannot recurse deep enough to crash. Then the exact
    depth count runs only on a document found too deep. PyYAML imports its libyaml
    binding with `CSafeLoader`: reading its version imports nothing."""
    binding = getattr(yaml, "_yaml", None)
    version = getattr(binding, "get_version", None)
    if version is None:
        return False
    found: tuple[int, int, int] = version()
    return found >= (0, 2, 6)


_NESTING_BOUNDED = _libyaml_bounds_nesting()


def parse_composed(file: str, text: str) -> tuple[Node | None, list[Finding]]:
    """What loader.parse_document returns for `text`, read through PyYAML's composer."""
    safe_loader = loader._SafeLoader  # read at call time: tests swap the parser
    try:
        bounded = _NESTING_BOUNDED and safe_loader is not yaml.SafeLoader
        checked_first = not bounded and _depth_bound(text) > MAX_DEPTH
        too_deep = _too_deep(text, safe_loader) if checked_first else None
        if too_deep is not None:
            return None, [too_deep_finding(file, too_deep, "")]
        root = yaml.compose(text, Loader=safe_loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if mark and "maximum nesting depth" in (error.problem or ""):  # libyaml 0.2.6's own
            where = _where_too_deep(text, mark, safe_loader)
            return None, [too_deep_finding(file, where, "")]
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem += " (a tab: YAML indents with spaces only)"
        return None, [
            Finding("E001", f"YAML syntax error: {problem}", Location(file, line, column))
        ]
    except yaml.reader.ReaderError as error:
        line, column = line_column(text[: error.position])
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
        in_text = (
            None
            if checked_first or _depth_bound(text) <= MAX_DEPTH
            else _too_deep(text, safe_loader)
        )
        if in_text is not None:
            return None, [too_deep_finding(file, in_text, "")]
        mark = deep.node.start_mark
        return None, [too_deep_finding(file, (mark.line, mark.column), " (through aliases)")]
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


def _too_deep(text: str, safe_loader: type[yaml.SafeLoader]) -> tuple[int, int] | None:
    """Where collections first nest deeper than MAX_DEPTH, from the parser's events.

    The parser keeps its own stack instead of recursing, so counting its events is safe
    at any depth; it stops at the first collection too deep. Syntax errors propagate, as
    they would from composing.
    """
    depth = 0
    for event in yaml.parse(text, Loader=safe_loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                return (mark.line, mark.column) if mark is not None else (0, 0)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _where_too_deep(
    text: str, mark: yaml.Mark, safe_loader: type[yaml.SafeLoader]
) -> tuple[int, int]:
    """Where collections first nest deeper than MAX_DEPTH, for a document libyaml found
    nested beyond its own limit at `mark`; libyaml may stop there before counting
    MAX_DEPTH levels (it scans a run of `[` ahead), and then `mark` is the place."""
    try:
        return _too_deep(text, safe_loader) or (mark.line, mark.column)
    except yaml.YAMLError:
        return (mark.line, mark.column)


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
    # Runs once per value of the file, and again per use of an alias: an aliased value
    # is written once but stands at each path that uses it.
    mark = node.start_mark
    loc = Location(file, mark.line + 1, mark.column + 1, path)
    if isinstance(node, yaml.ScalarNode):
        return ScalarNode(loc, scalar_value(node.tag, node.value), node.value, node.tag)
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
            findings.append(loader.duplicate_key(name, entries[name][0].loc, key_loc))
            continue
        key = ScalarNode(key_loc, scalar_value(key_node.tag, name), name, key_node.tag)
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


def _mark_location(file: str, node: yaml.Node, path: str) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1, path)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _describe_char(character: object) -> str:
    code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
    return f"#x{code:04x}"
