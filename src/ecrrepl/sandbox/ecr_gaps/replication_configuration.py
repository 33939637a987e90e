"""Gap a: several replication rules; and which destinations a repository replicates to."""

from __future__ import annotations

from typing import Any, NamedTuple

from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import ECRBackend

from ecrrepl import limits

# The quotas AWS enforces, from ecrrepl's one table, which cites each source:
# botocore's ECR model (ReplicationRuleList max 25 since botocore 1.43.73) and the
# user guide's "up to 25 unique destinations across all rules" (checked 2026-12-02).
MAX_RULES = limits.MAX_RULES_PER_REGISTRY
MAX_UNIQUE_DESTINATIONS = limits.MAX_UNIQUE_DESTINATIONS_PER_REGISTRY


def put_replication_configuration(
    self: ECRBackend, replication_config: dict[str, Any]
) -> dict[str, Any]:
    """Accept up to MAX_RULES rules and MAX_UNIQUE_DESTINATIONS unique destinations, as
    AWS does.

    Stock moto raises ValidationException "This feature is disabled" for a second rule.
    AWS: ReplicationConfiguration "rules ... Maximum number of 25 items" (botocore shape
    ReplicationRuleList) and "up to 25 unique destinations across all rules"; a
    destination may not be the source registry.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html
    The whole configuration, `deleteReplication` included, is stored as sent and
    returned by DescribeRegistry.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
    """
    rules = replication_config.get("rules", [])
    if len(rules) > MAX_RULES:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            f"'The replication configuration may contain at most {MAX_RULES} rules'"
        )
    destinations = {(d["region"], d["registryId"]) for r in rules for d in r["destinations"]}
    if len(destinations) > MAX_UNIQUE_DESTINATIONS:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            f"'At most {MAX_UNIQUE_DESTINATIONS} unique destinations are allowed'"
        )
    if (self.region_name, self.account_id) in destinations:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            "'Replication destination cannot be the same as the source registry'"
        )
    self.replication_config = replication_config
    return {"replicationConfiguration": replication_config}


class Destination(NamedTuple):
    """A destination registry, as a replication rule names it."""

    region: str
    registry_id: str

    def as_dict(self) -> dict[str, str]:
        return {"region": self.region, "registryId": self.registry_id}


def _rule_matches(rule: dict[str, Any], repository_name: str) -> bool:
    filters = rule.get("repositoryFilters") or []
    # PREFIX_MATCH is the only filter type the API defines.
    return not filters or any(repository_name.startswith(f["filter"]) for f in filters)


def replication_destinations(backend: ECRBackend, repository_name: str) -> dict[Destination, bool]:
    """Where the live configuration sends a repository: each destination once, in rule
    order, with whether any rule sending it there replicates deletions.

    A rule without filters replicates every repository; a filter is a name prefix.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
    """
    found: dict[Destination, bool] = {}
    for rule in backend.replication_config.get("rules", []):
        if not _rule_matches(rule, repository_name):
            continue
        deletes = bool((rule.get("deleteReplication") or {}).get("enabled"))
        for destination in rule["destinations"]:
            key = Destination(destination["region"], destination["registryId"])
            found[key] = found.get(key, False) or deletes
    return found


def configured_destinations(backend: ECRBackend) -> set[Destination]:
    """Every destination of the live configuration, whatever its filters."""
    return {
        Destination(d["region"], d["registryId"])
        for rule in backend.replication_config.get("rules", [])
        for d in rule["destinations"]
    }
