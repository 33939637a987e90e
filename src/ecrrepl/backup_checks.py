"""What `restore` accepts from a backup file: only what ecrrepl itself could have written.

A backup file is data that anyone with access to it can edit, and restore writes it with
the operator's credentials. So before anything is read from AWS, a backup must hold:

- `owned_sids` that follow ecrrepl's Sid scheme (`Ecrrepl<account><region without
  dashes>`, policy.statement_sid) and name a known region, and at most one owner
  marker (`EcrreplPlatformG*`, policy.owner_marker) for the merged statements of a
  configuration with `owner:`; restore replaces exactly the statements these own
  (policy.owns_statement), so a foreign Sid listed there would be deleted;
- in each registry policy, statements with those Sids that are exactly ecrrepl's
  statement (policy.PolicyStatement): Allow, the source account's root as principal,
  the two replication actions, repository resources of that destination registry and
  nothing else (no Condition, no NotAction, no other principal); a merged statement
  the same, with the root of one or more source accounts of the backup as principals
  and the Sid that its owner and content give (policy.merged_sid);
- replication configurations only of the registries whose Sids it owns (apply records
  the Sid of every source registry of its configuration, and writes only those);
- registry policies only of registries some owned source registry in another account
  could replicate into (apply writes no policy in a source's own account);
- templates, and the templates its run wrote (`templates_written`), under the prefix
  they are filed by;
- `taken_by` apply or restore, `created_at` a UTC time: restore quotes both.

The shape of the statement is the one AWS documents for cross-account replication:
ECR user guide, "Private registry policy examples", example "Allow the root user of a
source account to replicate all repositories",
https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html
(checked 2026-12-02). The template settings are held to the lint rules
(backup._refuse_what_validate_refuses). Which templates a backup's run wrote cannot be
proved from the file alone: restore writes a template only while it is still what the
run wrote (plan.writes.template_conflicts), checked against AWS, not here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ecrrepl import regions
from ecrrepl.config.model import RegistryAddress
from ecrrepl.policy import (
    OWNER_WILDCARD,
    REPLICATION_ACTIONS,
    SID_PREFIX,
    account_root_arn,
    merged_sid,
    owner_marker,
    owns_statement,
)

_SID = re.compile(rf"{SID_PREFIX}(?P<account>[0-9]{{12}})(?P<region>[a-z0-9]+)")
_MERGED = re.compile(rf"{SID_PREFIX}(?P<owner>[A-Z][a-z0-9]{{0,31}})G[0-9a-f]{{10}}")
_MARKER = re.compile(rf"{SID_PREFIX}(?P<owner>[A-Z][a-z0-9]{{0,31}})G{re.escape(OWNER_WILDCARD)}")
_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Principal", "Action", "Resource"})
_POLICY_KEYS = frozenset({"Version", "Id", "Statement"})
# The IAM policy language versions: IAM User Guide, "IAM JSON policy elements: Version",
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
# (checked 2026-12-02): 2012-10-17, and 2008-10-17 on older policies.
_POLICY_VERSIONS = frozenset({"2012-10-17", "2008-10-17"})
# botocore ECR model, shape RepositoryFilterValue (pattern of lowercase letters, digits
# and `._-/`; checked 2026-12-02): the characters of a repository-name prefix. A
# statement's resource is such a prefix and `*` (policy._reachable_name_patterns).
_NAME_PATTERN = re.compile(r"[a-z0-9._/-]*\*?")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def check_stamp(taken_by: str, created_at: str) -> None:
    """The two words restore's confirmation quotes from the file: which command took the
    backup and when (backup.now_stamp), and nothing else."""
    if taken_by not in ("apply", "restore"):
        raise ValueError(f"taken_by {taken_by!r} is not apply or restore")
    if not _STAMP.fullmatch(created_at):
        raise ValueError(
            f"created_at {created_at!r} is not a UTC time such as 2026-12-02T08:05:10Z"
        )


def source_of_sid(sid: str) -> RegistryAddress | None:
    """The source registry an ecrrepl Sid stands for; None when it is not one."""
    match = _SID.fullmatch(sid)
    if match is None:
        return None
    squeezed = match["region"]
    for partition in regions.partitions():
        for region in partition.regions:
            if region.replace("-", "") == squeezed:
                return RegistryAddress(match["account"], region)
    return None


def owner_of_marker(entry: str) -> str | None:
    """The owner an owned-Sid list entry marks (`EcrreplPlatformG*`: platform), or None."""
    match = _MARKER.fullmatch(entry)
    if match is None:
        return None
    owner = match["owner"][:1].lower() + match["owner"][1:]
    return owner if owner_marker(owner) == entry else None


def check_backup(
    owned_sids: frozenset[str],
    replication: Mapping[RegistryAddress, object],
    registry_policies: Mapping[RegistryAddress, Mapping[str, Any] | None],
    template_prefixes: Mapping[tuple[RegistryAddress, str], str | None],
    written_prefixes: Mapping[tuple[RegistryAddress, str], str | None],
) -> None:
    """ValueError naming the first thing ecrrepl could not have written."""
    sources = {}
    owners = []
    for sid in sorted(owned_sids):
        owner = owner_of_marker(sid)
        if owner is not None:
            owners.append(owner)
            continue
        source = source_of_sid(sid)
        if source is None:
            raise ValueError(
                f"owned_sids: {sid!r} is not an ecrrepl Sid (Ecrrepl, a 12-digit account, a "
                "known region without dashes) nor an owner's marker (EcrreplPlatformG*)"
            )
        sources[sid] = source
    if len(owners) > 1:
        raise ValueError(
            f"owned_sids: markers of {len(owners)} owners ({', '.join(owners)}); a "
            "configuration has one owner"
        )
    for address in sorted(replication):
        if not any(source == address for source in sources.values()):
            raise ValueError(
                f"replication of {address}: not a source registry the backup owns a statement "
                "for (owned_sids); apply writes no other"
            )
    for address, policy in sorted(registry_policies.items(), key=lambda item: item[0]):
        where = f"registry policy of {address}"
        if not any(source.account != address.account for source in sources.values()):
            raise ValueError(
                f"{where}: no source registry of the backup (owned_sids) is in another "
                "account; apply writes registry policies only for cross-account replication"
            )
        if policy is not None:
            _check_policy(policy, address, sources, owned_sids, where)
    for label, prefixes in (
        ("template", template_prefixes),
        ("written template", written_prefixes),
    ):
        for (address, prefix), declared in sorted(prefixes.items()):
            if declared is not None and declared != prefix:
                raise ValueError(
                    f"{label} '{prefix}' of {address}: it is filed under '{prefix}' but its "
                    f"prefix is '{declared}'"
                )


def _check_policy(
    policy: Mapping[str, Any],
    destination: RegistryAddress,
    sources: Mapping[str, RegistryAddress],
    owned_sids: frozenset[str],
    where: str,
) -> None:
    extra = sorted(set(policy) - _POLICY_KEYS)
    if extra:
        raise ValueError(f"{where}: unexpected top-level key {extra[0]!r}")
    if "Version" in policy and policy["Version"] not in _POLICY_VERSIONS:
        raise ValueError(f"{where}: Version {policy['Version']!r} is not an IAM policy version")
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        raise ValueError(f"{where}: Statement is not a list")
    for statement in statements:
        sid = statement.get("Sid") if isinstance(statement, Mapping) else None
        if isinstance(sid, str) and sid in sources:
            _check_statement(statement, sources[sid], destination, f"{where}, statement {sid}")
        elif isinstance(sid, str) and owns_statement(sid, owned_sids):
            _check_merged(statement, sources, destination, f"{where}, statement {sid}")


def _check_statement(
    statement: Mapping[str, Any], source: RegistryAddress, destination: RegistryAddress, where: str
) -> None:
    if source.account == destination.account:
        raise ValueError(f"{where}: a source registry needs no grant in its own account")
    extra = sorted(set(statement) - _STATEMENT_KEYS)
    if extra:
        raise ValueError(f"{where}: ecrrepl's statements have no {extra[0]!r}")
    if statement.get("Effect") != "Allow":
        raise ValueError(f"{where}: Effect must be Allow")
    root = account_root_arn(source.account, destination.region)
    principal = statement.get("Principal")
    if not (
        isinstance(principal, Mapping)
        and set(principal) == {"AWS"}
        and _strings(principal["AWS"]) == [root]
    ):
        raise ValueError(f"{where}: the principal must be {root}, the source account")
    if sorted(set(_strings(statement.get("Action")))) != sorted(REPLICATION_ACTIONS):
        raise ValueError(f"{where}: the actions must be {' and '.join(REPLICATION_ACTIONS)}")
    prefix = f"{root.split(':iam:')[0]}:ecr:{destination.region}:{destination.account}:repository/"
    resources = _strings(statement.get("Resource"))
    if not resources or not all(
        resource.startswith(prefix) and _NAME_PATTERN.fullmatch(resource[len(prefix) :])
        for resource in resources
    ):
        raise ValueError(f"{where}: every resource must be a repository of {destination}")


def _check_merged(
    statement: Mapping[str, Any],
    sources: Mapping[str, RegistryAddress],
    destination: RegistryAddress,
    where: str,
) -> None:
    """A merged statement (policy_grants.Grant): exactly what ecrrepl writes for the
    backup's source accounts, under the Sid its owner and its content give."""
    extra = sorted(set(statement) - _STATEMENT_KEYS)
    if extra:
        raise ValueError(f"{where}: ecrrepl's statements have no {extra[0]!r}")
    if statement.get("Effect") != "Allow":
        raise ValueError(f"{where}: Effect must be Allow")
    roots = {
        account_root_arn(source.account, destination.region)
        for source in sources.values()
        if source.account != destination.account
    }
    principal = statement.get("Principal")
    principals = (
        _strings(principal["AWS"])
        if isinstance(principal, Mapping) and set(principal) == {"AWS"}
        else []
    )
    if not principals or not set(principals) <= roots or len(set(principals)) != len(principals):
        raise ValueError(
            f"{where}: the principals must be the roots of source accounts of the backup "
            "(owned_sids) other than the destination's"
        )
    if sorted(set(_strings(statement.get("Action")))) != sorted(REPLICATION_ACTIONS):
        raise ValueError(f"{where}: the actions must be {' and '.join(REPLICATION_ACTIONS)}")
    root = next(iter(roots))
    prefix = f"{root.split(':iam:')[0]}:ecr:{destination.region}:{destination.account}:repository/"
    resources = _strings(statement.get("Resource"))
    if not resources or not all(
        resource.startswith(prefix) and _NAME_PATTERN.fullmatch(resource[len(prefix) :])
        for resource in resources
    ):
        raise ValueError(f"{where}: every resource must be a repository of {destination}")
    sid = str(statement.get("Sid"))
    named = _MERGED.fullmatch(sid)
    owner = named["owner"] if named else ""
    if merged_sid(owner[:1].lower() + owner[1:], principals, resources) != sid:
        raise ValueError(f"{where}: the Sid is not the one ecrrepl gives this statement")


def _strings(value: Any) -> list[str]:
    """An IAM value that is one string or a list of strings; [] when it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return []
