"""Registry policy statements as Terraform, for destination accounts managed with it.

One `data "aws_iam_policy_document"` per destination registry, one `statement` block per
statement, so that the account's owner merges them into their own document with
`source_policy_documents` and keeps writing the registry policy themselves
(`aws_ecr_registry_policy` replaces the whole policy, as PutRegistryPolicy does).
Every string is an HCL quoted string with its escapes, `${` and `%{` included, so no
text can start an interpolation or a template directive.

Source: Terraform AWS provider, data source aws_iam_policy_document (statement,
principals, condition blocks; source_policy_documents), checked 2026-12-02.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.policy_fields import ANYONE, EFFECT_ALLOW, STATEMENT_MEMBERS, Shape, as_list

# The `=` of the one-string arguments (sid, effect) aligned as `terraform fmt` aligns them.
_TEXT_WIDTH = max(len(m.terraform) for m in STATEMENT_MEMBERS if m.shape is Shape.TEXT)


def hcl_string(text: str) -> str:
    """`text` as an HCL quoted string literal."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{escaped}"'


def _hcl_list(values: Iterable[str], indent: str = "      ") -> str:
    """A list on one line when it has one item, else one item a line, as terraform fmt does."""
    items = [hcl_string(str(value)) for value in values]
    if len(items) <= 1:
        return "[" + "".join(items) + "]"
    inner = "".join(f"{indent}{item},\n" for item in items)
    return f"[\n{inner}{indent[:-2]}]"


def data_source_name(address: RegistryAddress, *, with_account: bool) -> str:
    region = address.region.replace("-", "_")
    return f"ecrrepl_{address.account}_{region}" if with_account else f"ecrrepl_{region}"


def _principal_blocks(name: str, principal: Any) -> list[str]:
    # "*" alone means everyone: Terraform writes it as type "*" with identifiers ["*"].
    if principal == ANYONE:
        return _block(name, [("type", '"*"'), ("identifiers", '["*"]')])
    lines: list[str] = []
    for kind, identifiers in sorted(dict(principal).items()):
        lines += _block(
            name,
            [
                ("type", hcl_string(kind)),
                ("identifiers", _hcl_list(as_list(identifiers), "        ")),
            ],
        )
    return lines


def _condition_blocks(name: str, condition: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for test, variables in sorted(condition.items()):
        for variable, values in sorted(dict(variables).items()):
            lines += _block(
                name,
                [
                    ("test", hcl_string(test)),
                    ("variable", hcl_string(variable)),
                    ("values", _hcl_list(as_list(values), "        ")),
                ],
            )
    return lines


def _block(name: str, attributes: Sequence[tuple[str, str]]) -> list[str]:
    """A block nested in a statement, its `=` aligned as `terraform fmt` aligns them."""
    width = max(len(key) for key, _ in attributes)
    return [
        f"    {name} {{",
        *(f"      {key.ljust(width)} = {value}" for key, value in attributes),
        "    }",
    ]


def statement_block(statement: Mapping[str, Any]) -> list[str]:
    """One IAM statement as a `statement { ... }` block of aws_iam_policy_document."""
    lines = ["  statement {"]
    # Only ecrrepl's statements come here, and each has an Effect (policy_fields); the
    # block always states one.
    members = {"Effect": EFFECT_ALLOW, **statement}
    for member in STATEMENT_MEMBERS:
        if member.key not in members:
            continue
        value, name = members[member.key], member.terraform
        if member.shape is Shape.TEXT:
            lines.append(f"    {name.ljust(_TEXT_WIDTH)} = {hcl_string(str(value))}")
        elif member.shape is Shape.PRINCIPAL:
            lines += _principal_blocks(name, value)
        elif member.shape is Shape.STRINGS:
            lines.append(f"    {name} = {_hcl_list(as_list(value))}")
        else:
            lines += _condition_blocks(name, value)
    lines.append("  }")
    return lines


def render_policy_terraform(
    account: str, statements: Mapping[RegistryAddress, Sequence[Mapping[str, Any]]]
) -> str:
    """The data sources for every destination registry of `account` in `statements`."""
    names = [data_source_name(address, with_account=False) for address in statements]
    example = names[0] if names else "ecrrepl_REGION"
    lines = [
        f"# Registry policy statements that ecrrepl's replication needs in account {account},",
        "# one data source per registry (region). Merge each into that registry's own document:",
        "#",
        '#   data "aws_iam_policy_document" "registry" {',
        f"#     source_policy_documents = [data.aws_iam_policy_document.{example}.json]",
        "#     # ... the registry's other statements",
        "#   }",
        '#   resource "aws_ecr_registry_policy" "this" {',
        "#     policy = data.aws_iam_policy_document.registry.json",
        "#   }",
    ]
    for address, name in zip(statements, names, strict=True):
        lines += ["", f"# {address}", f'data "aws_iam_policy_document" "{name}" {{']
        for index, statement in enumerate(statements[address]):
            if index:
                lines.append("")
            lines += statement_block(statement)
        lines.append("}")
    return "\n".join(lines) + "\n"
