"""Every rule's cases: one YAML file a rule in `lint/cases/`, one format, one loader.

A case file is named after its rule and holds that rule's cases:

    rule: E201
    cases:
      - name: what the case shows
        example: fails         # the failing example docs/rules.md shows (one a rule)
        config: |              # written to ecrrepl.yaml; or `files:` {name: text, ...}
          version: 1
          ...
        findings:              # exactly this rule's findings, in order ([] = passes)
          - {line: 4, column: 15, message: "a part of the message", file: ecrrepl.yaml}
        also: [W204]           # other rules this config may report (default: none at all)

One case of each rule is marked `example: fails` and one `example: passes` (the fix):
docs/rules.md renders those two under the rule's prose. `file` defaults to
ecrrepl.yaml and `message` is optional. Files whose name ends in .yaml are the
configuration, linted together in the order given; other files (JSON policies) are
only written next to them. `${x*N}` in a text stands for the character x repeated N
times, for size limits.

The files are package data next to the rules, so that the documentation generator
reads them without reaching outside the package; `validate` never loads them.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, NamedTuple

import yaml

DEFAULT_FILE = "ecrrepl.yaml"
EXAMPLE_KINDS = ("fails", "passes")
_REPEAT = re.compile(r"\$\{(.)\*(\d+)\}")


class Expected(NamedTuple):
    """One finding a case expects of its rule."""

    file: str
    line: int
    column: int
    message: str


class Case(NamedTuple):
    name: str
    files: dict[str, str]
    findings: tuple[Expected, ...]
    also: frozenset[str]
    example: str | None

    @property
    def config(self) -> str:
        """The configuration of a one-file case (what an example shows)."""
        return self.files[DEFAULT_FILE]


def case_file_ids() -> list[str]:
    """The rule IDs that have a case file, sorted."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _folder().iterdir()
        if entry.name.endswith(".yaml")
    )


def load_cases(rule_id: str) -> list[Case]:
    """The cases of rule `rule_id`, from its case file."""
    text = (_folder() / f"{rule_id}.yaml").read_text(encoding="utf-8")
    table = yaml.safe_load(text)
    if table.get("rule") != rule_id:
        raise ValueError(f"{rule_id}.yaml holds the cases of {table.get('rule')!r}")
    return [_case(entry) for entry in table["cases"]]


def documented_example(rule_id: str, kind: str) -> Case:
    """The case of `rule_id` marked `example: <kind>` (fails or passes)."""
    marked = [case for case in load_cases(rule_id) if case.example == kind]
    if len(marked) != 1:
        raise ValueError(f"{rule_id}.yaml marks {len(marked)} cases `example: {kind}`")
    return marked[0]


def _folder() -> Traversable:
    return resources.files("ecrrepl.lint") / "cases"


def _case(entry: dict[str, Any]) -> Case:
    files = entry.get("files") or {DEFAULT_FILE: entry["config"]}
    example = entry.get("example")
    if example is not None and example not in EXAMPLE_KINDS:
        raise ValueError(f"case {entry['name']!r}: example is one of {EXAMPLE_KINDS}")
    return Case(
        name=entry["name"],
        files={name: _expand(text) for name, text in files.items()},
        findings=tuple(
            Expected(
                finding.get("file", DEFAULT_FILE),
                finding["line"],
                finding["column"],
                finding.get("message", ""),
            )
            for finding in entry["findings"]
        ),
        also=frozenset(entry.get("also", ())),
        example=example,
    )


def _expand(text: str) -> str:
    return _REPEAT.sub(lambda match: match.group(1) * int(match.group(2)), text)
