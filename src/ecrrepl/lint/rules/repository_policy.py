"""A template's repository policy, checked against the IAM JSON policy grammar (E313).

A repository policy is a resource-based policy: the IAM user guide's "Grammar of the
IAM JSON policy language" (IAM_GRAMMAR, checked 2026-12-02) with its notes, which make
`Principal` required in resource-based policies. `Resource` is optional here: ECR
applies a repository policy to its own repository, and the ECR user guide's examples
of repository policies ("Private repository policy examples") carry none. What an
action or principal string names (whether `ecr:GetFoo` exists, whether an account
does) only AWS knows; this rule checks the shapes and the few formats the grammar
fixes. The size limit is E303's.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from typing import Any

from ecrrepl.config.model import Config, JsonPath
from ecrrepl.json_kinds import json_kind
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules._embedded import (
    Problem,
    as_json,
    findings_for,
    given,
    unknown_properties,
)

KEY = "repository_policy"
IAM_GUIDE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
IAM_GRAMMAR = (
    'IAM user guide, "Grammar of the IAM JSON policy language": '
    f"{IAM_GUIDE}reference_policies_grammar.html"
)

# reference_policies_elements_version.html: the two versions of the policy language.
VERSIONS = ("2012-10-17", "2008-10-17")
EFFECTS = ("Allow", "Deny")
# reference_policies_grammar.html, <principal_map_entry>.
PRINCIPAL_TYPES = frozenset({"AWS", "Federated", "Service", "CanonicalUser"})
POLICY_PROPERTIES = frozenset({"Version", "Id", "Statement"})
STATEMENT_PROPERTIES = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)


@rule(
    "E313",
    "repository policy that breaks the IAM JSON policy grammar",
    source=IAM_GRAMMAR + "; IAM JSON policy elements Version, Statement and Principal: "
    f"{IAM_GUIDE}reference_policies_elements.html",
)
def invalid_repository_policy(config: Config) -> Iterator[Report]:
    """A template's repository policy is a resource-based IAM policy.

    `Version`, when given, is `2012-10-17` (or the old `2008-10-17`), as a string.
    `Statement` is one statement or a list of one or more. Each statement has an
    `Effect` of `Allow` or `Deny` (case matters); exactly one of `Principal` and
    `NotPrincipal` (a resource policy must say whom it is about), which is `"*"` or a
    mapping of `AWS`, `Service`, `Federated` or `CanonicalUser` to a string or a list
    of strings (`*` alone means everyone, and is no wildcard inside a name or ARN);
    exactly one of `Action` and `NotAction`, a string or a list of
    strings, each `*` or `service:action`; at most one of `Resource` and
    `NotResource`; and a `Condition`, when given, maps operators to mappings of keys
    to values. Each finding names the JSON path of the value and points at it.
    """
    for template in config.templates:
        document = template.repository_policy
        if isinstance(document, Mapping):
            yield from findings_for(template, KEY, policy_problems(document), unknown=False)


def policy_problems(policy: Mapping[str, Any]) -> Iterator[Problem]:
    """Every way `policy` breaks the grammar, unknown properties too."""
    yield from unknown_properties(policy, (), POLICY_PROPERTIES, "a repository policy")
    if "Version" in policy and policy["Version"] not in VERSIONS:
        yield Problem(
            ("Version",),
            f'`Version` must be the string "{VERSIONS[0]}" (or the old "{VERSIONS[1]}"), '
            f"not {given(policy, 'Version')}",
        )
    if "Id" in policy and not isinstance(policy["Id"], str):
        yield Problem(("Id",), f"`Id` must be a string, not {json_kind(policy['Id'])}")
    statements = policy.get("Statement")
    if isinstance(statements, Mapping):
        yield from _statement(statements, ("Statement",))
    elif isinstance(statements, list) and statements:
        for index, statement in enumerate(statements):
            if isinstance(statement, Mapping):
                yield from _statement(statement, ("Statement", index))
            else:
                yield Problem(
                    ("Statement", index),
                    f"a statement must be an object, not {json_kind(statement)}",
                )
    else:
        shown = "missing" if "Statement" not in policy else json_kind(statements)
        yield Problem(
            ("Statement",), f"`Statement` must be a statement or a list of one or more, not {shown}"
        )


def _statement(statement: Mapping[str, Any], path: JsonPath) -> Iterator[Problem]:
    yield from unknown_properties(statement, path, STATEMENT_PROPERTIES, "a statement")
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        yield Problem((*path, "Sid"), f"`Sid` must be a string, not {json_kind(statement['Sid'])}")
    effect = statement.get("Effect")
    if effect not in EFFECTS:
        shown = given(statement, "Effect")
        hint = ""
        if isinstance(effect, str) and effect.capitalize() in EFFECTS:
            hint = f"; did you mean '{effect.capitalize()}'? (case matters)"
        yield Problem((*path, "Effect"), f"`Effect` must be Allow or Deny, not {shown}{hint}")
    principal = yield from _one_of(statement, path, ("Principal", "NotPrincipal"), required=True)
    if principal is not None:
        yield from _principal(statement[principal], (*path, principal), principal)
    action = yield from _one_of(statement, path, ("Action", "NotAction"), required=True)
    if action is not None:
        for item_path, item in _strings(statement[action], (*path, action), action):
            if isinstance(item, Problem):
                yield item
            elif item != "*" and ":" not in item:
                yield Problem(item_path, f"action '{item}' must be '*' or 'service:action'")
    resource = yield from _one_of(statement, path, ("Resource", "NotResource"), required=False)
    if resource is not None:
        for _, item in _strings(statement[resource], (*path, resource), resource):
            if isinstance(item, Problem):
                yield item
    if "Condition" in statement:
        yield from _condition(statement["Condition"], (*path, "Condition"))


def _one_of(
    statement: Mapping[str, Any], path: JsonPath, names: tuple[str, str], *, required: bool
) -> Generator[Problem, None, str | None]:
    """The one of `names` the statement gives (None if not exactly one), after its problems."""
    given = [name for name in names if name in statement]
    if len(given) == 2:
        yield Problem(
            (*path, names[1]), f"a statement takes `{names[0]}` or `{names[1]}`, not both"
        )
        return None
    if not given:
        if required:
            yield Problem((*path, names[0]), f"a statement needs `{names[0]}` or `{names[1]}`")
        return None
    return given[0]


def _principal(value: object, path: JsonPath, name: str) -> Iterator[Problem]:
    if value == "*":
        return
    if not isinstance(value, Mapping) or not value:
        shown = as_json(value)
        yield Problem(
            path,
            f'`{name}` must be "*" or a mapping of AWS, Service, Federated or CanonicalUser '
            f"to principals, not {shown}",
        )
        return
    for kind, principals in value.items():
        if kind not in PRINCIPAL_TYPES:
            yield Problem(
                (*path, kind),
                f"'{kind}' is not a principal type (known: {', '.join(sorted(PRINCIPAL_TYPES))})",
            )
            continue
        for item_path, item in _strings(principals, (*path, kind), f"{name}.{kind}"):
            if isinstance(item, Problem):
                yield item
            elif "*" in item and item != "*":
                # The grammar's notes on principal_id_string: "*" stands for everyone
                # only, and cannot be used for a part of a name or ARN.
                yield Problem(
                    item_path,
                    f"principal '{item}' uses '*' inside a name; '*' can only stand alone, "
                    "for everyone",
                )


def _strings(value: object, path: JsonPath, name: str) -> Iterator[tuple[JsonPath, str | Problem]]:
    """Each string of a string-or-list-of-strings element, or the Problem with it."""
    if isinstance(value, str) and value:
        yield path, value
        return
    if not isinstance(value, list) or not value:
        shown = "an empty list" if value == [] else "an empty string" if value == "" else None
        shown = shown or json_kind(value)
        yield path, Problem(path, f"`{name}` must be a string or a list of strings, not {shown}")
        return
    for index, item in enumerate(value):
        if isinstance(item, str) and item:
            yield (*path, index), item
        else:
            shown = "an empty string" if item == "" else json_kind(item)
            yield (
                (*path, index),
                Problem((*path, index), f"an item of `{name}` must be a string, not {shown}"),
            )


def _condition(value: object, path: JsonPath) -> Iterator[Problem]:
    if not isinstance(value, Mapping) or not value:
        yield Problem(
            path, f"`Condition` must map operators to {{key: values}}, not {json_kind(value)}"
        )
        return
    for operator, tests in value.items():
        if not isinstance(tests, Mapping) or not tests:
            yield Problem(
                (*path, operator),
                f"condition `{operator}` must map condition keys to values, not {json_kind(tests)}",
            )
            continue
        for key, values in tests.items():
            listed = values if isinstance(values, list) else [values]
            if not listed or any(isinstance(v, Mapping | list) or v is None for v in listed):
                yield Problem(
                    (*path, operator, key),
                    f"condition key `{key}` takes a string, number or boolean, or a list of them",
                )
