"""The registry policy statements ecrrepl writes into each cross-account destination.

`policy.required_statements` says what each source registry needs. What is written
depends on the configuration's `owner:`:

- without it, one statement per source registry, as the needs are (Sid
  `Ecrrepl<account><region>`): the only scheme under which configurations without an
  owner can tell their statements apart;
- with it, the fewest statements that grant each source account exactly what its
  registries need. The principal of a statement is the whole source account, so the
  needs of one account's registries are one set of repository patterns (prefixes that
  another prefix of the set covers left out). Two exact ways to group them are
  computed, and the shorter policy is written: accounts that need the same patterns
  share a statement (several principals in one statement); or patterns that the same
  accounts need share one. Either way no principal is granted a pattern its rules do
  not reach (least privilege). Neither is always the smallest exact factoring (that is
  a set-cover search); together they cover the common shapes: every account sending the
  same prefixes (one statement), and a shared prefix beside one prefix per account.

AWS facts: a Principal element takes an array of AWS account principals (IAM User
Guide, "AWS JSON policy elements: Principal",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
checked 2026-12-02); no ECR or IAM source names a limit on principals per statement in
a registry policy, so the only bound applied is the policy's size (botocore ECR model,
shape RegistryPolicyText, max 10240; checked 2026-12-02).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.policy import (
    DEFAULT_POLICY_VERSION,
    PolicyStatement,
    account_root_arn,
    covering_patterns,
    merged_sid,
    policy_text,
    repository_arn,
    required_statements,
)
from ecrrepl.policy_fields import written_statement


class Grant(NamedTuple):
    """One statement ecrrepl writes: these source accounts may replicate into these
    repositories of `destination`; `sources` are the source registries it serves."""

    sid: str
    destination: RegistryAddress
    accounts: tuple[str, ...]
    resources: tuple[str, ...]
    sources: tuple[RegistryAddress, ...]

    @property
    def principals(self) -> tuple[str, ...]:
        # Both registries are in one partition (E106 refuses anything else).
        return tuple(account_root_arn(a, self.destination.region) for a in self.accounts)

    def as_json(self) -> dict[str, Any]:
        return written_statement(self.sid, self.principals, self.resources)


Grants = dict[RegistryAddress, tuple[Grant, ...]]


def written_statements(config: Config) -> Grants:
    """For each cross-account destination registry, the statements ecrrepl writes, in Sid
    order."""
    needs = required_statements(config)
    if config.owner is None:
        return {destination: per_registry(found) for destination, found in needs.items()}
    return {
        destination: merged(config.owner, destination, found)
        for destination, found in needs.items()
    }


def per_registry(needs: Sequence[PolicyStatement]) -> tuple[Grant, ...]:
    return tuple(
        Grant(need.sid, need.destination, (need.source.account,), need.resources, (need.source,))
        for need in needs
    )


def merged(
    owner: str, destination: RegistryAddress, needs: Sequence[PolicyStatement]
) -> tuple[Grant, ...]:
    """The shorter of the two exact groupings (module docstring) of `needs`."""
    arn_prefix = repository_arn(destination, "")
    patterns: dict[str, set[str]] = {}
    sources: dict[str, list[RegistryAddress]] = {}
    for need in needs:
        account = need.source.account
        patterns.setdefault(account, set()).update(r[len(arn_prefix) :] for r in need.resources)
        sources.setdefault(account, []).append(need.source)
    needed = {account: _narrowest(found) for account, found in patterns.items()}
    candidates = [
        _grants(owner, destination, _by_accounts(needed), sources, arn_prefix),
        _grants(owner, destination, _by_patterns(needed), sources, arn_prefix),
    ]
    return min(candidates, key=_policy_size)


def _narrowest(patterns: set[str]) -> tuple[str, ...]:
    if "*" in patterns:
        return ("*",)
    return covering_patterns(pattern[:-1] for pattern in patterns)


Groups = list[tuple[tuple[str, ...], tuple[str, ...]]]  # (accounts, patterns)


def _by_accounts(needed: dict[str, tuple[str, ...]]) -> Groups:
    """Accounts that need the same patterns share a statement."""
    accounts_of: dict[tuple[str, ...], list[str]] = {}
    for account, patterns in needed.items():
        accounts_of.setdefault(patterns, []).append(account)
    return [(tuple(sorted(accounts)), patterns) for patterns, accounts in accounts_of.items()]


def _by_patterns(needed: dict[str, tuple[str, ...]]) -> Groups:
    """Patterns that the same accounts need share a statement."""
    accounts_of: dict[str, set[str]] = {}
    for account, patterns in needed.items():
        for pattern in patterns:
            accounts_of.setdefault(pattern, set()).add(account)
    patterns_of: dict[tuple[str, ...], list[str]] = {}
    for pattern, accounts in accounts_of.items():
        patterns_of.setdefault(tuple(sorted(accounts)), []).append(pattern)
    return [(accounts, tuple(sorted(patterns))) for accounts, patterns in patterns_of.items()]


def _grants(
    owner: str,
    destination: RegistryAddress,
    groups: Groups,
    sources: dict[str, list[RegistryAddress]],
    arn_prefix: str,
) -> tuple[Grant, ...]:
    grants = []
    for accounts, patterns in groups:
        resources = tuple(arn_prefix + pattern for pattern in patterns)
        principals = [account_root_arn(a, destination.region) for a in accounts]
        served = sorted({s for account in accounts for s in sources[account]})
        grants.append(
            Grant(
                merged_sid(owner, principals, resources),
                destination,
                accounts,
                resources,
                tuple(served),
            )
        )
    return tuple(sorted(grants, key=lambda grant: grant.sid))


def _policy_size(grants: Iterable[Grant]) -> int:
    return len(
        policy_text({"Version": DEFAULT_POLICY_VERSION, "Statement": [g.as_json() for g in grants]})
    )
