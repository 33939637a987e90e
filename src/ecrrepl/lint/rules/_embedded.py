"""What the rules on documents embedded in templates share (E312, E313, E314, W315).

A grammar check is a pure function from a document to `Problem`s, each naming the
JSON path of the offending value; the rule turns them into findings at the value's
file:line:col (see `CreationTemplate.value_at`). Unknown properties are problems of
their own kind, which W315 reports and the error rules leave alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ecrrepl.config.model import CreationTemplate, JsonPath
from ecrrepl.json_kinds import json_kind
from ecrrepl.lint.registry import Report


class Problem(NamedTuple):
    path: JsonPath
    message: str
    # An unknown property: reported at its key, by W315 rather than by the grammar rule.
    unknown: bool = False


def render_path(path: JsonPath) -> str:
    """`rules[0].selection.tagStatus`, as the findings' paths are written."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def as_json(value: object) -> str:
    """A value as JSON writes it (`"Expire"`, `null`, `1.5`), or its kind when it is
    a list or an object."""
    if isinstance(value, Mapping | list):
        return json_kind(value)
    return json.dumps(value, ensure_ascii=False)


def given(parent: Mapping[str, Any], name: str) -> str:
    """How messages show the value of `name`: its JSON, or "missing"."""
    return as_json(parent[name]) if name in parent else "missing"


def whole_number(value: object) -> int | None:
    """`value` when it is a JSON whole number (a boolean is not one), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unknown_properties(
    document: Mapping[str, Any], path: JsonPath, known: frozenset[str], where: str
) -> Iterator[Problem]:
    for name in document:
        if name not in known:
            import difflib  # only when there is an unknown property: validate starts faster

            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield Problem(
                (*path, name),
                f"'{name}' is not a property of {where}{hint} (known: {', '.join(sorted(known))})",
                unknown=True,
            )


def findings_for(
    template: CreationTemplate,
    key: str,
    problems: Iterator[Problem],
    *,
    unknown: bool,
) -> Iterator[Report]:
    """The findings of one kind of problem, at the offending value (or key)."""
    for problem in problems:
        if problem.unknown != unknown:
            continue
        where = (
            template.key_at(key, problem.path)
            if problem.unknown
            else template.value_at(key, problem.path)
        )
        inside = f" at {render_path(problem.path)}" if problem.path else ""
        yield Report(
            f"`{key}` of template '{template.prefix}'{inside}: {problem.message}", where
        )
