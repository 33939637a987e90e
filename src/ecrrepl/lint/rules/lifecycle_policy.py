"""A template's lifecycle policy, checked against ECR's lifecycle policy grammar (E312).

AWS validates the policy only when the template is written; a mistake found there
stops `apply` halfway through its first stage. The grammar below is the one of the
ECR user guide, "Lifecycle policy properties in Amazon ECR" (LIFECYCLE_PROPERTIES,
checked 2026-12-02), including the archive storage class added to it: the
`storageClass` selection, the `sinceImagePulled` and `sinceImageTransitioned` count
types and the `transition` action. The guide is silent on three things this rule
therefore leaves alone: whether `tagPrefixList` and `tagPatternList` may be given
together, whether `any` rules may carry tag lists, and whether an `expire` action may
carry a `targetStorageClass`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ecrrepl import limits
from ecrrepl.config.model import Config, JsonPath
from ecrrepl.json_kinds import json_kind
from ecrrepl.lint.registry import Report, rule
from ecrrepl.lint.rules._embedded import (
    Problem,
    as_json,
    findings_for,
    given,
    render_path,
    unknown_properties,
    whole_number,
)

KEY = "lifecycle_policy"
USER_GUIDE = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/"
LIFECYCLE_PROPERTIES = (
    'ECR user guide, "Lifecycle policy properties in Amazon ECR": '
    f"{USER_GUIDE}lifecycle_policy_parameters.html"
)

TAG_STATUSES = ("tagged", "untagged", "any")
COUNT_TYPES = (
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
)
# Every count type but imageCountMoreThan counts days, and needs `countUnit: days`.
# Tuples, not sets, throughout: a document's value may be a list, which cannot be hashed.
DAY_COUNTS = COUNT_TYPES[1:]
ACTION_TYPES = ("expire", "transition")
STORAGE_CLASSES = ("standard", "archive")
# The wildcard and archive numbers are the limits table's (each with its source there).
MAX_PATTERN_WILDCARDS = limits.MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS
MIN_ARCHIVED_DAYS_BEFORE_EXPIRY = limits.MIN_ARCHIVED_DAYS_BEFORE_EXPIRY

POLICY_PROPERTIES = frozenset({"rules"})
RULE_PROPERTIES = frozenset({"rulePriority", "description", "selection", "action"})
SELECTION_PROPERTIES = frozenset(
    {
        "tagStatus",
        "tagPatternList",
        "tagPrefixList",
        "storageClass",
        "countType",
        "countUnit",
        "countNumber",
    }
)
ACTION_PROPERTIES = frozenset({"type", "targetStorageClass"})


@rule(
    "E312",
    "lifecycle policy that breaks ECR's lifecycle policy grammar",
    source=LIFECYCLE_PROPERTIES + "; "
    f'"Archiving an image": {USER_GUIDE}archive-image.html; Terraform AWS provider, '
    "aws_ecr_lifecycle_policy_document (rulePriority and countNumber at least 1) and "
    "the acceptance test of aws_ecr_lifecycle_policy (an `any` rule per storage class)",
)
def invalid_lifecycle_policy(config: Config) -> Iterator[Report]:
    """A template's lifecycle policy follows the grammar ECR checks when it is written.

    `rules` is a list of one or more rules. Each has a `rulePriority` (a whole number of
    at least 1, unique in the policy; a rule selecting `tagStatus: any` must have the
    highest among the rules of its storage class), a `selection` and an `action`. The
    selection's `tagStatus` is `tagged` (with a `tagPrefixList` or a `tagPatternList`,
    each pattern holding at most {limits.MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS} `*`),
    `untagged` (with neither list) or `any`; its `countType` is `imageCountMoreThan`
    (no `countUnit`) or `sinceImagePushed`, `sinceImagePulled` or
    `sinceImageTransitioned` (with `countUnit: days`); `countNumber` is a whole number
    of at least 1. `storageClass` is `archive`, and required, exactly with
    `sinceImageTransitioned`, and `standard` otherwise; archived images can expire only
    after {limits.MIN_ARCHIVED_DAYS_BEFORE_EXPIRY} days. The action `type` is `expire`,
    or `transition` with `targetStorageClass: archive`. Each finding names the JSON path
    of the value and points at it, inside a `file:` policy too. The size limit is
    E303's.
    """
    for template in config.templates:
        document = template.lifecycle_policy
        if isinstance(document, Mapping):
            yield from findings_for(
                template, KEY, lifecycle_problems(document), unknown=False
            )


def lifecycle_problems(policy: Mapping[str, Any]) -> Iterator[Problem]:
    """Every way `policy` breaks the lifecycle policy grammar, unknown properties too."""
    yield from unknown_properties(policy, (), POLICY_PROPERTIES, "a lifecycle policy")
    rules = policy.get("rules")
    if not isinstance(rules, list) or not rules:
        shown = "missing" if "rules" not in policy else json_kind(rules)
        yield Problem(("rules",), f"`rules` must be a list of one or more rules, not {shown}")
        return
    priorities: dict[int, int] = {}
    for index, entry in enumerate(rules):
        path: JsonPath = ("rules", index)
        if not isinstance(entry, Mapping):
            yield Problem(path, f"a rule must be an object, not {json_kind(entry)}")
            continue
        yield from unknown_properties(entry, path, RULE_PROPERTIES, "a lifecycle rule")
        yield from _priority(entry, index, priorities)
        if "description" in entry and not isinstance(entry["description"], str):
            yield Problem(
                (*path, "description"),
                f"`description` must be a string, not {json_kind(entry['description'])}",
            )
        action = entry.get("action")
        action_type = action.get("type") if isinstance(action, Mapping) else None
        yield from _object(entry, path, "selection", _selection, action_type)
        yield from _object(entry, path, "action", _action, None)
    yield from _any_comes_last(rules, priorities)


PartCheck = Callable[[Mapping[str, Any], JsonPath, object], Iterator[Problem]]


def _object(
    entry: Mapping[str, Any], path: JsonPath, name: str, check: PartCheck, context: object
) -> Iterator[Problem]:
    value = entry.get(name)
    if not isinstance(value, Mapping):
        shown = "missing" if name not in entry else json_kind(value)
        yield Problem((*path, name), f"`{name}` must be an object, not {shown}")
        return
    yield from check(value, (*path, name), context)


def _priority(
    entry: Mapping[str, Any], index: int, priorities: dict[int, int]
) -> Iterator[Problem]:
    priority = whole_number(entry.get("rulePriority"))
    where = ("rules", index, "rulePriority")
    if priority is None or priority < 1:
        shown = given(entry, "rulePriority")
        yield Problem(where, f"`rulePriority` must be a whole number of at least 1, not {shown}")
        return
    first = priorities.setdefault(priority, index)
    if first != index:
        yield Problem(
            where,
            f"`rulePriority` {priority} is already the priority of rules[{first}]; "
            "each rule needs its own",
        )


def _selection(selection: Mapping[str, Any], path: JsonPath, action: object) -> Iterator[Problem]:
    yield from unknown_properties(selection, path, SELECTION_PROPERTIES, "a rule's selection")
    yield from _tags(selection, path)
    count_type = selection.get("countType")
    if count_type not in COUNT_TYPES:
        yield _not_one_of(selection, path, "countType", COUNT_TYPES)
    unit = selection.get("countUnit")
    if count_type in DAY_COUNTS and unit != "days":
        shown = given(selection, "countUnit")
        yield Problem((*path, "countUnit"), f"{count_type} needs `countUnit: days`, not {shown}")
    elif count_type == "imageCountMoreThan" and "countUnit" in selection:
        yield Problem((*path, "countUnit"), "imageCountMoreThan counts images: remove `countUnit`")
    number = whole_number(selection.get("countNumber"))
    if number is None or number < 1:
        shown = given(selection, "countNumber")
        yield Problem(
            (*path, "countNumber"),
            f"`countNumber` must be a whole number of at least 1, not {shown}",
        )
    elif (
        count_type == "sinceImageTransitioned"
        and action == "expire"
        and number < MIN_ARCHIVED_DAYS_BEFORE_EXPIRY
    ):
        yield Problem(
            (*path, "countNumber"),
            f"archived images can expire only after {MIN_ARCHIVED_DAYS_BEFORE_EXPIRY} days "
            f"in archive, not {number}",
        )
    yield from _storage_class(selection, path, count_type)


def _tags(selection: Mapping[str, Any], path: JsonPath) -> Iterator[Problem]:
    status = selection.get("tagStatus")
    if status not in TAG_STATUSES:
        yield _not_one_of(selection, path, "tagStatus", TAG_STATUSES)
    lists = [name for name in ("tagPrefixList", "tagPatternList") if name in selection]
    if status == "tagged" and not lists:
        yield Problem(
            (*path, "tagStatus"), "`tagStatus: tagged` needs a tagPrefixList or a tagPatternList"
        )
    if status == "untagged":
        for name in lists:
            yield Problem((*path, name), f"`tagStatus: untagged` selects no tags: remove `{name}`")
    for name in lists:
        values = selection[name]
        if not isinstance(values, list) or not values:
            yield Problem((*path, name), f"`{name}` must be a list of one or more strings")
            continue
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value:
                yield Problem(
                    (*path, name, index), f"an item of `{name}` must be a non-empty string"
                )
            elif name == "tagPatternList" and value.count("*") > MAX_PATTERN_WILDCARDS:
                yield Problem(
                    (*path, name, index),
                    f"pattern '{value}' has {value.count('*')} wildcards; "
                    f"at most {MAX_PATTERN_WILDCARDS} are allowed",
                )


def _storage_class(
    selection: Mapping[str, Any], path: JsonPath, count_type: object
) -> Iterator[Problem]:
    storage = selection.get("storageClass")
    if count_type == "sinceImageTransitioned":
        if storage != "archive":
            yield Problem(
                (*path, "storageClass"),
                "sinceImageTransitioned needs `storageClass: archive`, "
                f"not {given(selection, 'storageClass')}",
            )
    elif count_type in COUNT_TYPES and "storageClass" in selection and storage != "standard":
        yield Problem(
            (*path, "storageClass"),
            f"with {count_type} the only storage class is standard, not {as_json(storage)}",
        )


def _action(action: Mapping[str, Any], path: JsonPath, _: object) -> Iterator[Problem]:
    yield from unknown_properties(action, path, ACTION_PROPERTIES, "a rule's action")
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        yield _not_one_of(action, path, "type", ACTION_TYPES)
    target = action.get("targetStorageClass")
    if kind == "transition" and target != "archive":
        shown = given(action, "targetStorageClass")
        yield Problem(
            (*path, "targetStorageClass"),
            f"a transition needs `targetStorageClass: archive`, not {shown}",
        )


def _any_comes_last(rules: list[Any], priorities: dict[int, int]) -> Iterator[Problem]:
    """A rule selecting `any` must have the highest priority of its storage class.

    The guide says "of the policy"; it predates the archive storage class, and
    Terraform's acceptance test of aws_ecr_lifecycle_policy (lifecycle_policy_test.go,
    run against AWS) applies an `any` rule archiving standard images at priority 1
    before an `any` rule expiring archived ones at priority 2. So rules are compared
    with the rules of the same storage class only."""
    highest: dict[str, tuple[int, int]] = {}  # storage class -> (priority, rule index)
    for number, owner in priorities.items():
        storage_class = _storage_class_of(rules[owner])
        highest[storage_class] = max(highest.get(storage_class, (number, owner)), (number, owner))
    for index, entry in enumerate(rules):
        priority = whole_number(entry.get("rulePriority")) if isinstance(entry, Mapping) else None
        selection = entry.get("selection") if isinstance(entry, Mapping) else None
        if priority is None or not isinstance(selection, Mapping):
            continue
        top, first = highest.get(_storage_class_of(entry), (priority, index))
        if selection.get("tagStatus") == "any" and top > priority:
            yield Problem(
                ("rules", index, "rulePriority"),
                f"a rule with `tagStatus: any` must have the highest rulePriority, but "
                f"{render_path(('rules', first))} has {top}",
            )


def _storage_class_of(entry: object) -> str:
    """The storage class a rule selects from (standard unless it says otherwise), as
    text: a malformed value must still be a key of a dict."""
    selection = entry.get("selection") if isinstance(entry, Mapping) else None
    named = selection.get("storageClass") if isinstance(selection, Mapping) else None
    return as_json(named if named is not None else "standard")


def _not_one_of(
    parent: Mapping[str, Any], path: JsonPath, name: str, allowed: tuple[str, ...]
) -> Problem:
    value = parent.get(name)
    hint = ""
    if isinstance(value, str):
        matches = [option for option in allowed if option.lower() == value.lower()]
        hint = f"; did you mean '{matches[0]}'?" if matches else ""
    return Problem(
        (*path, name),
        f"`{name}` must be one of {', '.join(allowed)}, not {given(parent, name)}{hint}",
    )
