"""Reading one value of the configuration: its type, its enum, its account ID.

The model builder (config/build.py) is made of these readers. Each reports what is
wrong with a value as a finding and returns None (or a default), never raises, so the
builder goes on with the rest of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ecrrepl.config import schema
from ecrrepl.config.loader import MappingNode, Node, ScalarNode, SequenceNode, kind_name
from ecrrepl.findings import Finding, Location

T = TypeVar("T")


def closest_key(name: str, known: frozenset[str]) -> str | None:
    """The known key an unknown one is most likely a typo of, if any."""
    import difflib  # only on the error path: validate starts faster without it

    hint = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return hint[0] if hint else None


class ValueReader:
    """Typed readers over positioned nodes, reporting into `findings`."""

    def __init__(self, file: str, findings: list[Finding]) -> None:
        self.file = file
        self.findings = findings

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
        names = node.entries.keys()
        if names <= known and names >= required:
            return node  # nothing to report, as for nearly every rule and destination
        suggested = set()
        for name, (key, _) in node.entries.items():
            if name not in known:
                hint = closest_key(name, known)
                if hint is not None:
                    suggested.add(hint)
                self._report(
                    "E003",
                    f"unknown key '{name}' in {what}; did you mean '{hint}'?"
                    if hint
                    else f"unknown key '{name}' in {what} (known: {', '.join(sorted(known))})",
                    key.loc,
                )
        # A required key written misspelt is the E003 above ("did you mean 'rules'?"),
        # not also a missing key.
        for name in sorted(required - node.entries.keys() - suggested):
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
        # A list whose values are all wrong (or `[]`, reported by the caller) is kept
        # empty rather than defaulted: the default would say what the file does not.
        return tuple(self._list(node, key, lambda item: self._enum_value(item, key, allowed)))

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
        """The account ID as written. An ID YAML read as a number, or one that is not 12
        digits, is E007, and the text as written stands in for it from then on, so that
        the rest of its entry is still built and checked (a region typo next to an
        unquoted account is reported in the same run). `validate` fails on the E007
        either way, and the commands that reach AWS refuse a configuration with errors."""
        if not isinstance(node, ScalarNode) or node.value is None or isinstance(node.value, bool):
            self._wrong_type(node, what, "a quoted 12-digit account ID")
            return None
        twelve_digits = len(node.text) == 12 and node.text.isascii() and node.text.isdigit()
        if isinstance(node.value, int | float) and twelve_digits:
            # node.text is the scalar as written: 012345678901, not the octal number YAML
            # 1.1 makes of it (PyYAML keeps the source text on the node it composes).
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
            return node.text
        text = node.text  # a number that is not 12 digits, or a string
        if not twelve_digits:
            self._report("E007", f"{what} '{text}' is not a 12-digit AWS account ID", node.loc)
        return text

    def _wrong_type(self, node: Node, what: str, expected: str) -> None:
        self._report("E004", f"{what} must be {expected}, not {kind_name(node)}", node.loc)

    def _report(self, rule_id: str, message: str, location: Location) -> None:
        self.findings.append(Finding(rule_id, message, location))
