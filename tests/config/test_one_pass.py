"""The one-pass loader against the composing loader: the same nodes, the same findings.

config/loader.py reads most documents from the parser's events in one pass and hands
the rest to config/composed.py, PyYAML's composer; whichever reads a document, what
comes out must be the same, to the value's type and every location's key path.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecrrepl.config import composed, loader
from ecrrepl.config.loader import (
    MAX_DEPTH,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    parse_document,
)
from ecrrepl.findings import Finding
from ecrrepl.lint.rule_cases import case_file_ids, load_cases


def shape(node: Node | None) -> Any:
    """Everything a node says, comparable with ==."""
    if node is None:
        return None
    if isinstance(node, ScalarNode):
        value = node.value
        return ("scalar", tuple(node.loc), type(value).__name__, repr(value), node.text, node.tag)
    if isinstance(node, SequenceNode):
        return ("list", tuple(node.loc), [shape(item) for item in node.items])
    assert isinstance(node, MappingNode)
    return (
        "mapping",
        tuple(node.loc),
        [(name, shape(key), shape(value)) for name, (key, value) in node.entries.items()],
    )


def both(text: str) -> tuple[Any, list[Finding]]:
    """What the loader makes of `text`, after checking that the composer agrees."""
    root, findings = parse_document("f.yaml", text.encode())
    composed_root, composed_findings = composed.parse_composed("f.yaml", text)
    assert shape(root) == shape(composed_root)
    assert findings == composed_findings
    return shape(root), findings


def read_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a hand-over to the composing loader fail the test."""

    def refuse(file: str, text: str) -> None:
        raise AssertionError("handed over to the composing loader")

    monkeypatch.setattr(composed, "parse_composed", refuse)


SCALARS = """\
plain: us-east-1
quoted: "111111111111"
single: '012345678901'
unquoted: 111111111111
octal: 012345670123
not_octal: 012345678901
hex: 0x1f
sexagesimal: 1:30
underscores: 1_000
negative: -12
float: 1.5e3
infinity: .inf
yes_word: yes
off_word: Off
true_word: "true"
null_word: ~
empty:
date: 2012-10-17
tagged_str: !!str 123
tagged_int: !!int "12"
nonspecific: ! 12
literal: |
  two
  lines
folded: >-
  one
  line
"unicode é": "ü"
"""


def test_scalars_resolve_as_yaml_1_1_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    composed_root, _ = composed.parse_composed("f.yaml", SCALARS)
    read_in_one_pass(monkeypatch)
    root, findings = parse_document("f.yaml", SCALARS.encode())
    assert findings == []
    assert shape(root) == shape(composed_root)
    assert isinstance(root, MappingNode)
    values = {name: value.value for name, (_, value) in root.entries.items()}
    assert values["quoted"] == "111111111111"
    assert values["unquoted"] == 111111111111
    assert values["octal"] == 0o12345670123
    assert values["not_octal"] == "012345678901"
    assert (values["hex"], values["sexagesimal"], values["underscores"]) == (31, 90, 1000)
    assert (values["yes_word"], values["off_word"], values["true_word"]) == (True, False, "true")
    assert values["null_word"] is None and values["empty"] is None
    assert values["date"] == "2012-10-17"
    assert (values["tagged_str"], values["tagged_int"]) == ("123", 12)


def test_locations_carry_key_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    read_in_one_pass(monkeypatch)
    text = "a:\n  - b: [x, {c: 1}]\n"
    root, _ = parse_document("f.yaml", text.encode())
    assert isinstance(root, MappingNode)
    key, items = root.entries["a"]
    assert key.loc.path == "a" and (key.loc.line, key.loc.column) == (1, 1)
    assert isinstance(items, SequenceNode)
    entry = items.items[0]
    assert isinstance(entry, MappingNode) and entry.loc.path == "a[0]"
    flow = entry.entries["b"][1]
    assert isinstance(flow, SequenceNode)
    inner = flow.items[1]
    assert isinstance(inner, MappingNode)
    assert tuple(inner.entries["c"][1].loc) == ("f.yaml", 2, 16, "a[0].b[1].c")


def test_duplicate_keys_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: 1\nb:\n  c: 1\n  c: 2\na:\n  d: 1\n  d: 2\nlist:\n  - {e: 1, e: 2}\na: 3\n"
    expected = both(text)
    read_in_one_pass(monkeypatch)
    assert (shape(parse_document("f.yaml", text.encode())[0]), expected[1]) == expected
    # The repeated `a` keeps its first value; nothing inside a dropped value is reported.
    assert [(f.rule, f.location.line, f.location.path) for f in expected[1]] == [
        ("E002", 4, "b.c"),
        ("E002", 5, "a"),
        ("E002", 9, "list[0].e"),
        ("E002", 10, "a"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "---\n",
        "just a scalar\n",
        "[]\n",
        "{}\n",
        "a: {}\nb: []\n",
        "? a\n: 1\n",
        "a: 1\n...\n",
        "%YAML 1.1\n---\na: 1\n",
        "%TAG !e! tag:yaml.org,2002:\n---\na: !e!int '7'\n",
        "a: !custom 12\nb: !!binary aGk=\nc: !!float '1'\n",
        "version: 1\nx: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n",
    ],
)
def test_plain_documents_are_read_in_one_pass(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = both(text)
    read_in_one_pass(monkeypatch)
    root, findings = parse_document("f.yaml", text.encode())
    assert (shape(root), findings) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "base: &b {region: us-east-1}\nrule:\n  <<: *b\n  name: n\n",
        "rule:\n  <<: {region: us-east-1}\n  name: n\n",
        "rule:\n  !!merge <<: {region: us-east-1}\n",
        "? [a, b]\n: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: [1, 2\n",
        "a: 1\n b: 2\n",
        "a:\n\t- 1\n",
        "a: *nowhere\n",
        "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
        "a: \x07\n",
    ],
)
def test_other_documents_go_to_the_composing_loader(text: str) -> None:
    handed: list[str] = []
    real = composed.parse_composed

    def spy(file: str, given_text: str) -> tuple[Node | None, list[Finding]]:
        handed.append(given_text)
        return real(file, given_text)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(composed, "parse_composed", spy)
        root, findings = parse_document("f.yaml", text.encode())
    assert handed == [text]
    assert (shape(root), findings) == (
        shape(real("f.yaml", text)[0]),
        real("f.yaml", text)[1],
    )


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, {c: yes}]\n",
        "a: \x07\n",
        "a: [1, 2\n",
        "a: &x 1\nb: *x\n",
        "a: 1\na: 2\n",
        "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    ],
)
def test_the_pure_python_parser_reads_the_same_either_way(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_SafeLoader", yaml.SafeLoader)
    both(text)


def test_too_many_nodes_without_aliases_is_still_e006(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_EXPANDED_NODES", 100)
    monkeypatch.setattr(composed, "MAX_EXPANDED_NODES", 100)
    assert parse_document("f.yaml", ("[" + "a," * 98 + "a]\n").encode())[1] == []
    root, findings = parse_document("f.yaml", ("x: [" + "a," * 99 + "a]\n").encode())
    assert root is None
    assert [(f.rule, f.location.line, f.location.column) for f in findings] == [("E006", 1, 1)]


def test_the_collector_is_running_again_afterwards() -> None:
    assert gc.isenabled()
    parse_document("f.yaml", b"a: [1, 2]\n")
    parse_document("f.yaml", b"a: [1, 2\n")
    parse_document("f.yaml", b"a: &x 1\nb: *x\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_document("f.yaml", b"a: 1\n")
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("rule_id", case_file_ids())
def test_every_rule_case_reads_the_same_either_way(rule_id: str) -> None:
    for case in load_cases(rule_id):
        for text in case.files.values():
            both(text)


def test_example_configurations_read_the_same_either_way() -> None:
    for example in sorted((Path(__file__).parent.parent.parent / "configs").glob("*.yaml")):
        both(example.read_text())


KEY_NAMES = st.sampled_from(
    ["version", "registries", "rules", "filters", "<<", "a", "b", "yes", "1", ""]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(["012345678901", "0x1f", "1:30", "~", "yes", "On", "2012-10-17", ".inf"]),
    st.text(max_size=8),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(KEY_NAMES, st.text(max_size=5)), children, max_size=4),
    ),
    max_leaves=30,
)


# slow: 200 random documents, each read by both loaders.
@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.sampled_from([None, True, False]), st.integers(0, 3))
def test_random_documents_read_the_same_either_way(
    tree: Any, flow: bool | None, repeat: int
) -> None:
    text = yaml.safe_dump(tree, default_flow_style=flow, allow_unicode=True)
    # Repeat a line to make duplicate keys (and some syntax errors) as well.
    lines = text.splitlines(keepends=True)
    if repeat and len(lines) > repeat:
        lines.insert(repeat, lines[repeat - 1])
    both("".join(lines))


def test_a_plain_file_never_loads_the_composing_loader(tmp_path: Path) -> None:
    config = tmp_path / "ecrrepl.yaml"
    config.write_text(
        'version: 1\nregistries:\n  - account: "111111111111"\n    region: us-west-2\n'
        "    rules: [{destinations: [{region: us-east-1}]}]\n"
    )
    script = (
        "import sys\nfrom ecrrepl.cli import main\nmain(['validate', sys.argv[1]])\n"
        "print('ecrrepl.config.composed' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(config)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
