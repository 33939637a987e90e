"""Regions: known to botocore, served by ECR, in the source's partition, and enabled in
every account."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ecrrepl import regions
from ecrrepl.config.model import Config, Declared, RegistryAddress
from ecrrepl.lint.registry import Report, rule

_CONSIDERATIONS = (
    'ECR user guide, "Private image replication", considerations: '
    "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"
)


@rule(
    "E105",
    "region unknown to botocore (suggest the closest)",
    source=(
        "botocore endpoint data (partitions.json); AWS General Reference, "
        '"AWS service endpoints": https://docs.aws.amazon.com/general/latest/gr/rande.html'
    ),
)
def unknown_region(config: Config) -> Iterator[Report]:
    """Every region (of a registry, a destination or a template) must be a real AWS region.

    The list comes from the endpoint data that botocore ships, so it follows AWS as
    botocore is upgraded; nothing is hard-coded. A misspelt region would only fail
    at apply time, in the middle of a run, so it is caught here with a suggestion.
    """
    for region, place in _every_region(config):
        if not regions.is_known_region(region):
            yield Report(_unknown_region_message(region), place.at("region"))


def _every_region(config: Config) -> Iterator[tuple[str, Declared]]:
    """Each region written and what it is written in, whose `at("region")` is asked only
    for a finding: a large file has hundreds of thousands of destinations."""
    for registry in config.registries:
        yield registry.region, registry
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                yield destination.region, destination
    for template in config.templates:
        yield template.region, template
    for replication_rule in config.unplaced_rules:
        for destination in replication_rule.destinations:
            yield destination.region, destination


def _unknown_region_message(region: str) -> str:
    suggestion = region.lower() if regions.is_known_region(region.lower()) else None
    suggestion = suggestion or regions.closest_region(region)
    if suggestion is None:
        return f"unknown region {region!r}; it is in none of the AWS partitions botocore knows"
    return f"unknown region {region!r}; did you mean {suggestion!r}?"


@rule(
    "E117",
    "registry or destination in a region where ECR is not offered",
    source=(
        "botocore endpoint data (endpoints.json, service api.ecr), checked 2026-12-02; "
        'AWS General Reference, "Amazon ECR endpoints and quotas": '
        "https://docs.aws.amazon.com/general/latest/gr/ecr.html"
    ),
)
def region_without_ecr(config: Config) -> Iterator[Report]:
    """A registry, and every destination it replicates to, must be in a region that ECR serves.

    botocore's partition data names every region AWS has announced, and some are
    announced before ECR runs there; its endpoint data lists where ECR has an endpoint.
    A source registry in a region without ECR cannot be read or configured, and a
    destination there receives nothing, so the configuration is refused here, at the
    region's line. When ECR has launched there since, upgrading botocore brings the
    endpoint. (Templates in such a region are E305.)
    """
    # Asked once per region written, not per destination: a file names few regions.
    served: dict[str, bool] = {}
    for registry in config.registries:
        places: list[tuple[str, Declared, str]] = [(registry.region, registry, "registry")]
        places += [(d.region, d, "destination") for r in registry.rules for d in r.destinations]
        for region, place, what in places:
            ok = served.get(region)
            if ok is None:
                ok = served[region] = not (
                    regions.is_known_region(region) and not regions.offers_ecr(region)
                )
            if not ok:
                yield Report(
                    f"ECR is not offered in {what} region {region!r}: the installed botocore's "
                    "endpoint data lists no ECR endpoint there (upgrade botocore if ECR has "
                    "launched there since)",
                    place.at("region"),
                )


@rule("E106", "destination in another partition than its source", source=_CONSIDERATIONS)
def cross_partition_destination(config: Config) -> Iterator[Report]:
    """ECR does not replicate across partitions.

    A partition is a separate AWS (aws, aws-cn, aws-us-gov, ...), with its own
    accounts and credentials: us-west-2 cannot replicate to cn-north-1.
    PutReplicationConfiguration refuses such a destination.
    """
    for registry in config.registries:
        source_partition = regions.partition_of(registry.region)
        if source_partition is None:
            continue  # E105 reports the unknown region
        for replication_rule in registry.rules:
            for destination in replication_rule.destinations:
                partition = regions.partition_of(destination.region)
                if partition is not None and partition != source_partition:
                    yield Report(
                        f"destination region {destination.region!r} is in partition "
                        f"{partition}, but registry {registry.address} is in "
                        f"{source_partition}; ECR does not replicate across partitions",
                        destination.at("region"),
                    )


@rule(
    "W115",
    "region that needs opt-in: both accounts must be opted in",
    source=(
        f"{_CONSIDERATIONS}; AWS Account Management reference, "
        '"Enable or disable AWS Regions in your account": '
        "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html"
    ),
)
def opt_in_region(config: Config) -> Iterator[Report]:
    """Replication within or to an opt-in region needs that region enabled in both accounts.

    Regions launched after March 2019 are disabled in an account until someone enables
    them. ECR replicates within or to such a region only when both the source and the
    destination account have opted in; otherwise images silently stay behind. The
    tool cannot see an account's region settings offline, so it reminds.
    """
    for registry in config.registries:
        destinations = [d for r in registry.rules for d in r.destinations]
        if destinations and regions.needs_opt_in(registry.region):
            accounts = {registry.account} | {d.account for d in destinations}
            yield Report(
                _opt_in_message(registry.region, accounts, "this registry's replication"),
                registry.at("region"),
            )
        reported: set[RegistryAddress] = set()
        for destination in destinations:
            if destination.address in reported or not regions.needs_opt_in(destination.region):
                continue
            reported.add(destination.address)
            yield Report(
                _opt_in_message(
                    destination.region,
                    {registry.account, destination.account},
                    f"replication from {registry.address}",
                ),
                destination.at("region"),
            )


def _opt_in_message(region: str, accounts: Iterable[str], what: str) -> str:
    ordered = sorted(set(accounts))
    if len(ordered) == 1:
        who = f"account {ordered[0]} must have it enabled"
    elif len(ordered) == 2:
        who = f"accounts {ordered[0]} and {ordered[1]} must both have it enabled"
    else:
        who = f"accounts {', '.join(ordered[:-1])} and {ordered[-1]} must all have it enabled"
    return f"region {region!r} needs opt-in: {who} for {what} to work"
