"""docs/rules.md, generated from the rule catalogue: `python -m ecrrepl.lint.docs`.

Each rule documents itself (summary, prose, a failing and a passing example, its
AWS source); this module only lays that out as Markdown. `make docs` writes the
file, and a test fails when the committed file differs from what this generates.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ecrrepl.lint.registry import Rule, all_rules

HEADER = """\
# Rule reference

<!-- Generated from the rules' own documentation by `make docs`; do not edit by hand. -->

`ecrrepl validate` reports each finding under a stable rule ID; IDs are never reused.
The ID's letter is its severity: **E** error (exit 1), **W** warning (exit 1 only
with `--strict`), **I** info (never fails).
"""


def render_rules_markdown(rules: Sequence[Rule] | None = None) -> str:
    """The whole of docs/rules.md for `rules` (default: every registered rule)."""
    # In number order, as the README's catalogue: E101..E110, W111.., I116, E201..
    catalogue = sorted(all_rules() if rules is None else rules, key=lambda rule: rule.id[1:])
    parts = [HEADER, _table(catalogue)]
    parts.extend(_section(rule) for rule in catalogue)
    return "\n".join(parts)


def _table(rules: Sequence[Rule]) -> str:
    rows = ["| ID | severity | summary |", "| --- | --- | --- |"]
    rows.extend(
        f"| [{rule.id}](#{rule.id.lower()}) | {rule.severity.value} | {_cell(rule.summary)} |"
        for rule in rules
    )
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(rule: Rule) -> str:
    lines = [f"## {rule.id}", "", f"**{rule.summary}** ({rule.severity.value})", ""]
    if rule.description:
        lines += [rule.description, ""]
    for heading in ("Fails", "Passes"):
        example = rule.example(heading)
        if example is not None:
            lines += [f"{heading}:", "", "```yaml", example.rstrip("\n"), "```", ""]
    lines += [f"Source: {rule.source}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_rules_markdown())
