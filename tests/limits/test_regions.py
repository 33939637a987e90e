"""Where ECR is offered, which regions need opt-in, where templates exist: read offline
from botocore's data files (ecrrepl.regions)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrrepl import regions


def write_botocore_data(folder: Path, partitions: dict[str, list[str]], ecr: list[str]) -> None:
    """A partitions.json and an endpoints.json as botocore lays them out."""
    (folder / "partitions.json").write_text(
        json.dumps({"partitions": [{"id": p, "regions": {r: {} for r in rs}} for p, rs in
                                   partitions.items()]})
    )  # fmt: skip
    endpoints = {
        "partitions": [
            {
                "partition": "aws",
                "regions": {},
                "services": {
                    "api.detective": {"endpoints": {region: {} for region in partitions["aws"]}},
                    "api.ecr": {
                        "defaults": {"variants": [{"hostname": "ecr-fips.{region}.{dnsSuffix}"}]},
                        "endpoints": {
                            **{region: {"hostname": f"api.ecr.{region}"} for region in ecr},
                            "dkr-us-east-1": {"deprecated": True},
                            "fips-us-east-1": {"deprecated": True},
                        },
                    },
                    "api.ecr-public": {"endpoints": {region: {} for region in partitions["aws"]}},
                },
            }
        ]
    }
    (folder / "endpoints.json").write_text(json.dumps(endpoints, indent=2))


@pytest.fixture
def fake_botocore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(regions, "_botocore_data_file", lambda name: str(tmp_path / name))
    for cached in (regions.partitions, regions._partition_by_region, regions.ecr_regions):
        cached.cache_clear()
    yield tmp_path
    for cached in (regions.partitions, regions._partition_by_region, regions.ecr_regions):
        cached.cache_clear()


def test_ecr_is_offered_only_where_its_endpoint_is_listed(fake_botocore: Path) -> None:
    write_botocore_data(
        fake_botocore,
        {"aws": ["us-east-1", "xx-new-1", "aws-global"], "aws-cn": ["cn-north-1"]},
        ecr=["us-east-1", "cn-north-1"],
    )
    # ECR Public and other services listing xx-new-1 do not count; nor do FIPS/dkr keys.
    assert regions.ecr_regions() == {"us-east-1", "cn-north-1"}
    assert regions.offers_ecr("us-east-1") and not regions.offers_ecr("xx-new-1")
    assert regions.offers_templates("cn-north-1") and not regions.offers_templates("xx-new-1")


def test_the_installed_endpoint_data_is_read_as_a_full_parse_would() -> None:
    with open(regions._botocore_data_file("endpoints.json"), encoding="utf-8") as stream:
        data = json.load(stream)
    known = {region for p in regions.partitions() for region in p.regions}
    listed = {
        key
        for partition in data["partitions"]
        for key in partition["services"].get("api.ecr", {}).get("endpoints", {})
    }
    assert regions.ecr_regions() == listed & known
    assert {"us-east-1", "cn-north-1", "us-gov-west-1"} <= regions.ecr_regions()


def test_botocore_1_44_8_knows_regions_without_ecr() -> None:
    # Checked 2026-12-02 with botocore 1.44.8: partitions.json has me-west-1 and
    # sa-west-1, endpoints.json lists no ECR endpoint there. When this fails, botocore
    # lists ECR there now: pick two other such regions for the E117/E305 examples.
    for region in ("me-west-1", "sa-west-1"):
        assert regions.is_known_region(region)
        assert not regions.offers_ecr(region)
        assert not regions.offers_templates(region)


@pytest.mark.parametrize(
    ("region", "opt_in"),
    [
        ("us-east-1", False),
        ("ap-northeast-3", False),  # launched before 20 March 2019: enabled by default
        ("eu-north-1", False),
        ("af-south-1", True),
        ("ap-southeast-7", True),
        ("mx-central-1", True),
        ("me-west-1", True),  # any later region of the commercial partition
        ("cn-north-1", False),  # no opt-in is documented outside the commercial partition
        ("us-gov-west-1", False),
        ("eusc-de-east-1", False),
    ],
)
def test_opt_in_is_every_commercial_region_after_march_2019(region: str, opt_in: bool) -> None:
    assert regions.needs_opt_in(region) is opt_in


def test_a_region_new_to_botocore_needs_opt_in(fake_botocore: Path) -> None:
    write_botocore_data(fake_botocore, {"aws": ["us-east-1", "xx-new-1"]}, ecr=["us-east-1"])
    assert regions.needs_opt_in("xx-new-1")
    assert not regions.needs_opt_in("us-east-1")


@pytest.mark.parametrize(
    "region", ["cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1"]
)
def test_creation_templates_are_offered_in_china_and_govcloud(region: str) -> None:
    assert regions.offers_templates(region)


def test_an_ecr_entry_larger_than_the_first_window_is_read_whole(fake_botocore: Path) -> None:
    many = [f"xx-region-{n}" for n in range(3000)]  # about 100 kB of endpoint entries
    write_botocore_data(fake_botocore, {"aws": [*many, "us-east-1"]}, ecr=[*many, "us-east-1"])
    assert regions.ecr_regions() == {*many, "us-east-1"}
