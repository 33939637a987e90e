"""Where the values inside embedded documents (policies, tags) are written.

A template's lifecycle and repository policies are JSON documents AWS validates only
at apply time; `validate` checks them offline and points each finding at the value
itself, in the configuration or in the JSON file a `file:` reference names.
"""

from __future__ import annotations

from ecrrepl.config.loader import MappingNode, Node, SequenceNode, parse_document
from ecrrepl.config.model import DocumentPositions, JsonPath
from ecrrepl.findings import Finding, Location


def positions_of(root: Node, base: str = "") -> DocumentPositions:
    """Where every value and mapping key under `root` is written. `base` replaces the
    root's own path in the locations' key paths (for documents read from a file)."""
    values: dict[JsonPath, Location] = {}
    keys: dict[JsonPath, Location] = {}
    pending: list[tuple[JsonPath, Node]] = [((), root)]
    while pending:  # a loop, not recursion: a deeply nested file must not overflow
        path, node = pending.pop()
        values[path] = _rebased(node.loc, base)
        if isinstance(node, MappingNode):
            for name, (key, value) in node.entries.items():
                keys[(*path, name)] = _rebased(key.loc, base)
                pending.append(((*path, name), value))
        elif isinstance(node, SequenceNode):
            pending.extend(((*path, index), item) for index, item in enumerate(node.items))
    return DocumentPositions(values, keys)


def _rebased(location: Location, base: str) -> Location:
    if not base:
        return location
    inner = location.path
    path = base if not inner else f"{base}{inner}" if inner.startswith("[") else f"{base}.{inner}"
    return location._replace(path=path)


def json_file_positions(
    path: str, text: str, base: str
) -> tuple[DocumentPositions | None, list[Finding]]:
    """Positions inside a JSON file, read with the YAML loader (JSON is YAML, as far as
    positions go), and the keys the file repeats (E002: JSON readers keep the last one
    silently, as YAML's do). Tabs become spaces first: YAML refuses them as indentation,
    and valid JSON has none inside strings, so columns stay the same. No positions when
    the YAML reading fails or disagrees (a repeated key: YAML keeps the first value,
    JSON the last): findings then point at the `file:` line."""
    try:
        root, problems = parse_document(path, text.replace("\t", " ").encode("utf-8"))
    except RecursionError:
        return None, []
    repeated = [
        problem._replace(message=problem.message.replace("YAML would", "JSON readers"))
        for problem in problems
        if problem.rule == "E002"
    ]
    if root is None or problems:
        return None, repeated
    return positions_of(root, base), []
