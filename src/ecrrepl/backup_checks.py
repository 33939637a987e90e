"""What `restore` accepts from a backup file: only what ecrrepl itself could have written.

A backup file is data that anyone with access to it can edit, and restore writes it with
the operator's credentials. So before anything is read from AWS, a backup must hold:

- `sources`, the source registries of the run's configuration, `owner`, its `owner:`
  if any, and `owned_sids` exactly what they own (policy.owned_sid_list, the mapping
  apply uses): the Sid of each source registry, and with an owner its marker
  (`EcrreplPlatformG*`, policy.owner_marker) for its merged statements. Restore
  replaces exactly the statements these own (policy.owns_statement), so a foreign Sid
  listed there would be deleted. Whether a Sid is ecrrepl's is decided in policy.py;
- in each registry policy, and among the statements the run wrote there
  (`statements_written`), owned statements that are exactly ecrrepl's statement
  (policy.PolicyStatement): Allow, the root of a source account whose Sid it is as
  principal, the two replication actions, repository resources of that destination
  registry and nothing else (no Condition, no NotAction, no other principal); a merged
  statement (policy_grants.Grant) the same, with the roots of one or more source
  accounts of the backup as principals and the Sid that the owner and its content give
  (policy.merged_sid);
- replication configurations only of its source registries, each with the rules the
  run left there (`replication_written`);
- registry policies only of registries some source registry in another account could
  replicate into (apply writes no policy in a source's own account), each with the
  statements the run left there;
- templates, and the templates its run wrote (`templates_written`), under the prefix
  they are filed by;
- `taken_by` apply or restore, `created_at` a UTC time: restore quotes both.

The shape of the statement is the one AWS documents for cross-account replication:
ECR user guide, "Private registry policy examples", example "Allow the root user of a
source account to replicate all repositories",
https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-examples.html
(checked 2026-12-02). The template settings are held to the lint rules
(backup._refuse_what_validate_refuses). What a backup's run wrote cannot be proved from
the file alone: restore writes a template, a replication configuration or ecrrepl's
statements in a policy only while they are still what the run wrote, and puts back no
statement wider than the rules need (plan/restore_checks.py), checked against AWS, not
here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ecrrepl.config.model import RegistryAddress
from ecrrepl.policy import (
    account_root_arn,
    merged_sid,
    owned_sid_list,
    owns_statement,
    statement_sid,
)
from ecrrepl.policy_fields import (
    AWS_PRINCIPAL,
    sid_of,
    strings,
    unwritten_members,
    written_value,
)

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


def check_backup(
    owned_sids: frozenset[str],
    sources_and_owner: tuple[Sequence[RegistryAddress], str | None],
    replication: tuple[Mapping[RegistryAddress, object], Mapping[RegistryAddress, object]],
    policies: tuple[
        Mapping[RegistryAddress, Mapping[str, Any] | None],
        Mapping[RegistryAddress, Sequence[Mapping[str, Any]]],
    ],
    template_prefixes: Mapping[tuple[RegistryAddress, str], str | None],
    written_prefixes: Mapping[tuple[RegistryAddress, str], str | None],
) -> None:
    """ValueError naming the first thing ecrrepl could not have written. `sources_and_owner`:
    the configuration's source registries and owner; `replication` and `policies`: the
    backed-up documents and what the run wrote in their place."""
    sources, owner = sources_and_owner
    sources_of_sid: dict[str, list[RegistryAddress]] = {}
    for source in sources:
        sources_of_sid.setdefault(statement_sid(source), []).append(source)
    for sid in sorted(owned_sids ^ owned_sid_list(sources, owner)):
        if sid in owned_sids:
            raise ValueError(
                f"owned_sids: {sid!r} is not the Sid of a source registry of the backup "
                "(sources) nor the marker of its owner (owner); apply owns no other"
            )
        raise ValueError(f"owned_sids: {sid!r}, which its sources and owner own, is missing")
    backed_up, rules_written = replication
    _same_keys(backed_up, rules_written, "replication", "replication_written")
    for address in sorted(backed_up):
        if address not in sources:
            raise ValueError(
                f"replication of {address}: not a source registry of the backup (sources); "
                "apply writes no other"
            )
    documents, statements_written = policies
    _same_keys(documents, statements_written, "registry_policies", "statements_written")
    for address, policy in sorted(documents.items(), key=lambda item: item[0]):
        where = f"registry policy of {address}"
        if not any(source.account != address.account for source in sources):
            raise ValueError(
                f"{where}: no source registry of the backup (sources) is in another "
                "account; apply writes registry policies only for cross-account replication"
            )
        if policy is not None:
            _check_policy(policy, address, (sources_of_sid, owner), owned_sids, where)
        for statement in statements_written[address]:
            written_sid = statement.get("Sid")
            what = f"written statement {written_sid} of {address}"
            if isinstance(written_sid, str) and written_sid in sources_of_sid:
                _check_statement(statement, sources_of_sid[written_sid], address, what)
            elif owner is not None and owns_statement(written_sid, owned_sids):
                _check_merged(statement, (sources, owner), address, what)
            else:
                raise ValueError(
                    f"written statements of {address}: {written_sid!r} is not one of owned_sids"
                )
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


def _same_keys(
    documents: Mapping[RegistryAddress, object],
    written: Mapping[RegistryAddress, object],
    what: str,
    record: str,
) -> None:
    """Every document restore may put back comes with what the run wrote in its place."""
    for address in sorted(set(documents) ^ set(written)):
        present, missing = (what, record) if address in documents else (record, what)
        raise ValueError(f"{address} is in {present} but missing from {missing}")


def _check_policy(
    policy: Mapping[str, Any],
    destination: RegistryAddress,
    owners: tuple[Mapping[str, Sequence[RegistryAddress]], str | None],
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
        sources_of_sid, owner = owners
        sid = sid_of(statement)
        what = f"{where}, statement {sid}"
        if isinstance(sid, str) and sid in sources_of_sid:
            _check_statement(statement, sources_of_sid[sid], destination, what)
        elif owner is not None and owns_statement(sid, owned_sids):
            all_sources = [source for listed in sources_of_sid.values() for source in listed]
            _check_merged(statement, (all_sources, owner), destination, what)


def _check_statement(
    statement: Mapping[str, Any],
    sources: Sequence[RegistryAddress],
    destination: RegistryAddress,
    where: str,
) -> None:
    accounts = sorted({s.account for s in sources if s.account != destination.account})
    if not accounts:
        raise ValueError(f"{where}: a source registry needs no grant in its own account")
    _check_shape(statement, where)
    roots = [account_root_arn(account, destination.region) for account in accounts]
    principal = statement.get("Principal")
    if not (
        isinstance(principal, Mapping)
        and set(principal) == {AWS_PRINCIPAL}
        and len(strings(principal[AWS_PRINCIPAL])) == 1
        and strings(principal[AWS_PRINCIPAL])[0] in roots
    ):
        raise ValueError(f"{where}: the principal must be {' or '.join(roots)}, the source account")
    _checked_grant(statement, roots[0], destination, where)


def _check_merged(
    statement: Mapping[str, Any],
    sources_and_owner: tuple[Sequence[RegistryAddress], str],
    destination: RegistryAddress,
    where: str,
) -> None:
    """A merged statement (policy_grants.Grant): exactly what ecrrepl writes for the
    backup's source accounts, under the Sid its owner and its content give."""
    _check_shape(statement, where)
    sources, owner = sources_and_owner
    roots = {
        account_root_arn(source.account, destination.region)
        for source in sources
        if source.account != destination.account
    }
    if not roots:
        raise ValueError(f"{where}: a source registry needs no grant in its own account")
    principal = statement.get("Principal")
    principals = (
        strings(principal[AWS_PRINCIPAL])
        if isinstance(principal, Mapping) and set(principal) == {AWS_PRINCIPAL}
        else []
    )
    if not principals or not set(principals) <= roots or len(set(principals)) != len(principals):
        raise ValueError(
            f"{where}: the principals must be the roots of source accounts of the backup "
            "(sources) other than the destination's"
        )
    resources = _checked_grant(statement, next(iter(roots)), destination, where)
    if merged_sid(owner, principals, resources) != statement.get("Sid"):
        raise ValueError(f"{where}: the Sid is not the one ecrrepl gives this statement")


def _check_shape(statement: Mapping[str, Any], where: str) -> None:
    """The members and the Effect of a statement ecrrepl writes (policy_fields)."""
    extra = unwritten_members(statement)
    if extra:
        raise ValueError(f"{where}: ecrrepl's statements have no {extra[0]!r}")
    effect = written_value("Effect")
    if statement.get("Effect") != effect:
        raise ValueError(f"{where}: Effect must be {effect}")


def _checked_grant(
    statement: Mapping[str, Any], root: str, destination: RegistryAddress, where: str
) -> list[str]:
    """The statement's resources, once its actions are the replication actions and every
    resource is a repository of `destination` (in the partition of the principal `root`)."""
    actions = written_value("Action")
    if sorted(set(strings(statement.get("Action")))) != sorted(actions):
        raise ValueError(f"{where}: the actions must be {' and '.join(actions)}")
    prefix = f"{root.split(':iam:')[0]}:ecr:{destination.region}:{destination.account}:repository/"
    resources = strings(statement.get("Resource"))
    if not resources or not all(
        resource.startswith(prefix) and _NAME_PATTERN.fullmatch(resource[len(prefix) :])
        for resource in resources
    ):
        raise ValueError(f"{where}: every resource must be a repository of {destination}")
    return resources
