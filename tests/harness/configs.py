"""Configuration YAML for the tests, built from named parts instead of pasted text.

Most tests need the same estate: source registry 111111111111/us-west-2 with rule `prod`
sending prod/ and base- to its own us-east-1 and to 222222222222/eu-west-1 (`PROD`). A test
names what it adds: `document(registry(PROD, rule(...)), accounts=[account(OTHER_ACCOUNT)])`.

The builders write the style the files of the suite used (block lists of destinations,
one flow mapping per cross-account destination), so line and column positions in a
finding stay where a reader of the test expects them.
"""

from __future__ import annotations

from collections.abc import Iterable

SOURCE_ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
THIRD_ACCOUNT = "333333333333"

# A destination: a region of the source registry's own account, or (account, region).
Target = str | tuple[str, str]


def role_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:role/ecrrepl"


def account(number: str, **fields: str | bool) -> str:
    """One `accounts:` entry on one line; AssumeRole into ecrrepl's role unless `profile`
    is given. Fields keep their order after role_arn (`external_id="ops"`)."""
    values: dict[str, str | bool] = {} if "profile" in fields else {"role_arn": role_arn(number)}
    values.update(fields)
    text = ", ".join(f"{key}: {_scalar(value)}" for key, value in values.items())
    return f'  "{number}": {{{text}}}'


def template(account: str, region: str, prefix: str, **fields: str | list[str]) -> str:
    """One creation template of the `templates:` list, on one line."""
    text = "".join(f", {key}: {_scalar(value)}" for key, value in fields.items())
    return f'  - {{account: "{account}", region: {region}, prefix: {prefix}{text}}}'


def destination(target: Target) -> str:
    if isinstance(target, str):
        return f"region: {target}"
    return f'{{account: "{target[0]}", region: {target[1]}}}'


def _flow(target: Target) -> str:
    text = destination(target)
    return text if text.startswith("{") else f"{{{text}}}"


def rule(
    *targets: Target,
    name: str | None = None,
    filters: Iterable[str] | None = None,
    delete_replication: bool = False,
    flow: bool = False,
) -> str:
    """One replication rule of a registry's `rules:` list (no filters: every repository);
    `flow` writes the destinations on one line (`destinations: [{region: us-east-1}]`)."""
    lines = []
    if name is not None:
        lines.append(f"name: {name}")
    if filters is not None:
        lines.append(f"filters: [{', '.join(filters)}]")
    if flow:
        lines.append(f"destinations: [{', '.join(_flow(target) for target in targets)}]")
    else:
        lines.append("destinations:")
        lines.extend(f"  - {destination(target)}" for target in targets)
    if delete_replication:
        lines.append("delete_replication: true")
    return "      - " + "\n        ".join(lines) + "\n"


def registry(*rules: str, account: str = SOURCE_ACCOUNT, region: str = "us-west-2") -> str:
    """One source registry; no rules writes `rules: []` (a registry ecrrepl empties)."""
    head = f'  - account: "{account}"\n    region: {region}\n'
    return head + ("    rules:\n" + "".join(rules) if rules else "    rules: []\n")


def document(
    *registries: str,
    accounts: Iterable[str] = (),
    templates: Iterable[str] = (),
    owner: str | None = None,
) -> str:
    """A whole configuration file: version, owner, accounts, registries, templates (YAML
    lines of the `templates:` list, each starting with `  - `)."""
    text = "version: 1\n" + ("" if owner is None else f"owner: {owner}\n")
    account_lines = list(accounts)
    if account_lines:
        text += "accounts:\n" + "".join(line + "\n" for line in account_lines)
    if registries:
        text += "registries:\n" + "".join(registries)
    template_lines = list(templates)
    if template_lines:
        text += "templates:\n" + "".join(line + "\n" for line in template_lines)
    return text


def prod_rule(*, delete_replication: bool = False) -> str:
    """Rule `prod`: prod/ and base- to the source's us-east-1 and to 222222222222/eu-west-1."""
    return rule(
        "us-east-1",
        (OTHER_ACCOUNT, "eu-west-1"),
        name="prod",
        filters=["prod/", "base-"],
        delete_replication=delete_replication,
    )


PROD = prod_rule()


def one_rule(*targets: Target, filters: Iterable[str] | None = ("prod/",)) -> str:
    """111111111111/us-west-2 with one unnamed rule (prod/ unless told), destinations on
    one line, and nothing else."""
    return document(registry(rule(*targets, filters=filters, flow=True)))


def template_field(key: str, value: str) -> str:
    """`one_rule("eu-west-1")` and the creation template of that destination for prod
    with one field more, `key: value` on line 12 (a value may span lines)."""
    return document(
        registry(rule("eu-west-1", filters=["prod/"], flow=True)),
        templates=[
            f'  - account: "{SOURCE_ACCOUNT}"\n    region: eu-west-1\n    prefix: prod\n'
            f"    {key}: {value}"
        ],
    )


def _scalar(value: str | bool | list[str]) -> str:
    if isinstance(value, list):
        return f"[{', '.join(value)}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if ":" in value else value
