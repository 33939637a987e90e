"""`ecrrepl policy`: the registry policy statements each cross-account destination needs.

For teams whose destination accounts are managed elsewhere (another repository,
Terraform, CloudFormation StackSets, a platform team): the statements ecrrepl would own
in each destination registry (merged across source registries with `owner:`, as `apply`
writes them: policy_grants.written_statements), as JSON, as Terraform data sources to merge into the
owner's own policy document, or as a CloudFormation template. Offline: no AWS call.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ecrrepl import regions
from ecrrepl.commands import require_format
from ecrrepl.commands.live import load_sound_config
from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.errors import EXIT_OK, UsageError
from ecrrepl.policy import merge_policy, policy_text
from ecrrepl.policy_grants import Grant, written_statements

POLICY_FORMATS = ("json", "terraform", "cloudformation")

Statements = dict[RegistryAddress, tuple[Grant, ...]]


def policy(
    files: Sequence[str],
    *,
    account: str | None = None,
    region: str | None = None,
    output_format: str = "json",
    ignore: Sequence[str] = (),
    color: bool = False,
    out: TextIO | None = None,
) -> int:
    """Print the statements; `account` (and `region`) narrow them to one owner's registries.

    Terraform and CloudFormation output is for one account's owner, so it needs
    `account`; a CloudFormation stack is regional, so it needs one registry.
    """
    require_format(output_format, POLICY_FORMATS)
    if output_format != "json" and account is None:
        raise UsageError(f"--format {output_format} needs --account: it is for one account's owner")
    if region is not None and account is None:
        raise UsageError("--region goes with --account: together they name one registry")
    _check_arguments(account, region)
    config = load_sound_config(files, ignore=ignore, color=color).config
    wanted = _narrowed(config, written_statements(config), account, region)
    stream = sys.stdout if out is None else out
    if output_format == "json":
        stream.write(json.dumps({"destinations": _json_destinations(config, wanted)}, indent=2))
        stream.write("\n")
        return EXIT_OK
    assert account is not None
    if not wanted:
        where = f"{account}/{region}" if region else f"account {account}"
        raise UsageError(
            f"{where} receives no cross-account replication in this configuration: "
            f"its registry policy needs no statement from ecrrepl, so there is no {output_format} "
            "to write"
        )
    documents = {address: [s.as_json() for s in found] for address, found in wanted.items()}
    if output_format == "terraform":
        from ecrrepl.render.policy_terraform import render_policy_terraform

        stream.write(render_policy_terraform(account, documents))
        return EXIT_OK
    if len(documents) > 1:
        names = ", ".join(address.region for address in documents)
        raise UsageError(
            f"account {account} receives replication in {len(documents)} regions ({names}); "
            "a CloudFormation stack writes one region's registry policy: add --region"
        )
    from ecrrepl.render.policy_cloudformation import render_policy_cloudformation

    ((address, statements),) = documents.items()
    stream.write(render_policy_cloudformation(address, statements))
    return EXIT_OK


def _check_arguments(account: str | None, region: str | None) -> None:
    if account is not None and not (len(account) == 12 and account.isdigit()):
        raise UsageError(f"--account {account!r} is not an account ID: give its 12 digits")
    if region is not None and regions.partition_of(region) is None:
        raise UsageError(f"--region {region!r} is not a region botocore knows")


def _narrowed(
    config: Config, statements: Statements, account: str | None, region: str | None
) -> Statements:
    if account is None:
        return statements
    if account not in config.named_accounts:
        raise UsageError(f"account {account} is not in the configuration")
    return {
        address: found
        for address, found in statements.items()
        if address.account == account and (region is None or address.region == region)
    }


def _json_destinations(config: Config, statements: Statements) -> list[dict[str, Any]]:
    destinations: list[dict[str, Any]] = []
    for address, found in sorted(statements.items()):
        standalone = merge_policy(None, found, ())
        destinations.append(
            {
                "account": address.account,
                "region": address.region,
                "managed_by_ecrrepl": config.manages_policy_of(address.account),
                "statements": [statement.as_json() for statement in found],
                "characters": len(policy_text(standalone)) if standalone else 0,
            }
        )
    return destinations
