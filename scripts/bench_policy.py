"""`make bench` section `policy`: the largest registry policy ecrrepl writes at
organisation scale, against the 10,240 characters ECR accepts.

200 source registries (50 accounts x 4 regions) replicate into one disaster-recovery
registry: every account sending `prod/` and `base/` (the common shape), and every
account sending `base/` and a prefix of its own (the hardest shape to merge). Each is
measured without `owner:` (one statement per source registry) and with it (statements
merged across registries and accounts), with the time to compute the statements.
"""

from __future__ import annotations

import statistics
import time

from ecrrepl.config.model import (
    Config,
    Destination,
    RegistryAddress,
    ReplicationRule,
    RepositoryFilter,
    SourceRegistry,
)
from ecrrepl.policy import MAX_POLICY_CHARS, merge_policy, policy_text
from ecrrepl.policy_grants import written_statements

DESTINATION = RegistryAddress("222222222222", "eu-west-1")
REGIONS = ("us-west-2", "us-east-1", "us-east-2", "eu-central-1")


def organisation(owner: str | None, own_prefix: bool) -> Config:
    registries = []
    for index in range(50):
        account = f"1000000000{index:02d}"
        filters = (f"team{index:02d}/", "base/") if own_prefix else ("prod/", "base/")
        rule = ReplicationRule(
            filters=tuple(RepositoryFilter(prefix=f) for f in filters),
            destinations=(Destination(account=DESTINATION.account, region=DESTINATION.region),),
        )
        registries += [
            SourceRegistry(account=account, region=region, rules=(rule,)) for region in REGIONS
        ]
    return Config(registries=tuple(registries), owner=owner)


def largest_policy(config: Config) -> tuple[int, int]:
    """The size of the largest policy ecrrepl writes, and its number of statements."""
    largest = (0, 0)
    for statements in written_statements(config).values():
        policy = merge_policy(None, statements, ())
        if policy is not None:
            largest = max(largest, (len(policy_text(policy)), len(statements)))
    return largest


def bench_policy() -> None:
    print("registry policy at organisation scale (200 source registries in 50 accounts)")
    for label, own_prefix in (
        ("prod/ and base/ everywhere", False),
        ("base/ + one per account", True),
    ):
        for owner in (None, "platform"):
            config = organisation(owner, own_prefix)
            times = []
            for _ in range(5):
                started = time.perf_counter()
                size, count = largest_policy(config)
                times.append(time.perf_counter() - started)
            verdict = "fits" if size <= MAX_POLICY_CHARS else "OVER (E203)"
            scheme = f"owner: {owner}" if owner else "no owner"
            print(
                f"  {label:27s} {scheme:16s} largest policy {size:6,d} chars in {count:3d} "
                f"statements  {verdict:11s} median {statistics.median(times) * 1000:5.1f} ms"
            )
    print(f"  limit: {MAX_POLICY_CHARS:,} characters (botocore RegistryPolicyText max)")


if __name__ == "__main__":
    bench_policy()
