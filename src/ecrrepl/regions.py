"""Regions and partitions, read from the endpoint data that botocore ships.

The data file is read as plain JSON: validate must not import boto3 or botocore's
client code, and a region list must never be hard-coded. The only region table kept
here is the small set of opt-in regions, which the endpoint data does not mark.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from typing import NamedTuple

# Regions launched after 20 March 2019 are disabled by default and must be enabled
# per account. Source: AWS General Reference, "Managing AWS Regions"
# (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
OPT_IN_REGIONS = frozenset(
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3",
        "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1",
        "me-central-1", "me-south-1", "mx-central-1",
    }
)  # fmt: skip

# Repository creation templates are not offered in the China and GovCloud partitions.
# Source: ECR user guide, "Templates to control repositories created during a pull
# through cache, create on push, or replication action".
PARTITIONS_WITHOUT_TEMPLATES = frozenset({"aws-cn", "aws-us-gov"})


class Partition(NamedTuple):
    name: str
    regions: frozenset[str]


def _botocore_data_file(name: str) -> str:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed; it ships the region data ecrrepl reads")
    return os.path.join(next(iter(spec.submodule_search_locations)), "data", name)


@functools.cache
def partitions() -> tuple[Partition, ...]:
    with open(_botocore_data_file("partitions.json"), encoding="utf-8") as stream:
        data = json.load(stream)
    found = []
    for entry in data["partitions"]:
        # Pseudo-regions such as "aws-global" are endpoints, not places a registry lives.
        regions = frozenset(r for r in entry["regions"] if not r.endswith("-global"))
        found.append(Partition(entry["id"], regions))
    return tuple(found)


@functools.cache
def _partition_by_region() -> dict[str, str]:
    return {region: p.name for p in partitions() for region in p.regions}


def is_known_region(region: str) -> bool:
    return region in _partition_by_region()


def partition_of(region: str) -> str | None:
    return _partition_by_region().get(region)


def closest_region(region: str) -> str | None:
    """The known region most like `region`; ties go to the longest common start,
    so `us-est-1` suggests `us-east-1` rather than `us-west-1`."""
    import difflib  # only on the error path: validate starts faster without it

    matches = difflib.get_close_matches(region, sorted(_partition_by_region()), n=5, cutoff=0.6)
    if not matches:
        return None

    def likeness(candidate: str) -> tuple[float, int]:
        ratio = difflib.SequenceMatcher(None, region, candidate).ratio()
        return ratio, len(os.path.commonprefix([region, candidate]))  # noqa: RUF071 (characters meant)

    return max(matches, key=likeness)


def needs_opt_in(region: str) -> bool:
    return region in OPT_IN_REGIONS


def offers_templates(region: str) -> bool:
    return partition_of(region) not in PARTITIONS_WITHOUT_TEMPLATES
