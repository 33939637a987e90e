"""Regions and partitions, and where ECR is offered, read from the data botocore ships.

The data files are read as plain JSON: validate must not import boto3 or botocore's
client code, and a region list must never be hard-coded. The only region table kept
here is the closed set of regions enabled by default, which the data does not mark.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from typing import Any, NamedTuple

# "Regions launched before March 20, 2019 are enabled by default ... Regions launched
# after March 20, 2019 are disabled by default and referred to as opt-in Regions."
# AWS Account Management reference, "Enable or disable AWS Regions in your account",
# https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
# (checked 2026-12-02). The regions enabled by default are therefore a closed set, the
# commercial (aws) partition's regions of before that date; every later region of that
# partition, including any botocore learns of after this was written, needs opt-in.
# The reference speaks of the commercial partition only; it says nothing of opt-in for
# the others (China, GovCloud, ISO, European Sovereign Cloud), so none is assumed there.
OPT_IN_PARTITION = "aws"
DEFAULT_ENABLED_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
        "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-southeast-1", "ap-southeast-2",
    }
)  # fmt: skip

# ECR's API endpoint in botocore's endpoint data (endpoints.json, service "api.ecr"):
# a region whose entry is missing there has no ECR endpoint botocore knows of.
ECR_ENDPOINT_SERVICE = b'"api.ecr"'


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
def ecr_regions() -> frozenset[str]:
    """The regions where botocore's endpoint data lists an ECR API endpoint.

    endpoints.json is over a megabyte; decoding and parsing it whole would cost
    `validate` a good part of its start-up budget. The bytes are searched instead, and
    only the "api.ecr" object of each partition is decoded. Its keys also name FIPS and
    `dkr-` endpoints, which are not regions.
    """
    with open(_botocore_data_file("endpoints.json"), "rb") as stream:
        data = stream.read()
    listed: set[str] = set()
    start = data.find(ECR_ENDPOINT_SERVICE)
    while start != -1:
        opening = data.index(b"{", start + len(ECR_ENDPOINT_SERVICE))
        service, end = _json_object_at(data, opening)
        listed.update(service.get("endpoints", {}))
        start = data.find(ECR_ENDPOINT_SERVICE, end)
    return frozenset(listed & _partition_by_region().keys())


def _json_object_at(data: bytes, opening: int) -> tuple[dict[str, Any], int]:
    """The JSON object that starts at `opening`, and the offset just after it: decoded
    from a window that grows until the object fits in it."""
    decoder = json.JSONDecoder()
    window = 16 * 1024
    while True:
        text = data[opening : opening + window].decode("utf-8", errors="replace")
        try:
            found, length = decoder.raw_decode(text)
        except json.JSONDecodeError:
            if opening + window >= len(data):
                raise
            window *= 4
            continue
        return found, opening + len(text[:length].encode("utf-8"))


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
    return partition_of(region) == OPT_IN_PARTITION and region not in DEFAULT_ENABLED_REGIONS


def offers_ecr(region: str) -> bool:
    return region in ecr_regions()


def offers_templates(region: str) -> bool:
    """Repository creation templates are offered wherever ECR is.

    The ECR user guide once listed the China and GovCloud regions as without templates
    (while the feature was in preview). Its current China edition documents creating
    them (https://docs.amazonaws.cn/en_us/AmazonECR/latest/userguide/
    repository-creation-templates-create.html), the China API reference has
    CreateRepositoryCreationTemplate, and the GovCloud user guide's "Amazon ECR in AWS
    GovCloud (US)" lists no such difference
    (https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/govcloud-ecr.html);
    all checked 2026-12-02.
    """
    return offers_ecr(region)
