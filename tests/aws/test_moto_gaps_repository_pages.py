"""Gap i closed: DescribeRepositories answers in pages as the API reference documents them
(up to 100 without maxResults, maxResults 1..1000, nextToken, neither with repositoryNames).
Stock moto's single page is pinned in test_moto_gaps.py."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from harness.moto_probe import ecr_client, error_of

OTHER_REGISTRY = "222222222222"


def create(ecr: Any, count: int) -> list[str]:
    """`count` repositories, created out of name order; their names, sorted."""
    names = [f"team/r{n:04d}" for n in range(count)]
    for name in reversed(names):
        ecr.create_repository(repositoryName=name)
    return names


def listed(page: dict[str, Any]) -> list[str]:
    return [r["repositoryName"] for r in page["repositories"]]


def all_pages(ecr: Any, **request: Any) -> list[dict[str, Any]]:
    """Every page, following nextToken by hand."""
    pages = [ecr.describe_repositories(**request)]
    while "nextToken" in pages[-1]:
        pages.append(ecr.describe_repositories(**request, nextToken=pages[-1]["nextToken"]))
    return pages


def unvalidated_client() -> Any:
    """A client that sends what botocore's model would refuse, so the server answers it."""
    return boto3.client("ecr", region_name="us-west-2", config=Config(parameter_validation=False))


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(0, [0]), (1, [1]), (100, [100]), (101, [100, 1]), (250, [100, 100, 50])],
)
def test_without_max_results_pages_hold_100_repositories(
    aws: None, count: int, sizes: list[int]
) -> None:
    ecr = ecr_client()
    names = create(ecr, count)

    pages = all_pages(ecr)

    assert [len(p["repositories"]) for p in pages] == sizes
    assert [name for p in pages for name in listed(p)] == names
    assert "nextToken" not in pages[-1]


@pytest.mark.parametrize(("size", "pages"), [(1, 3), (2, 2), (3, 1), (1000, 1)])
def test_max_results_is_the_page_size(aws: None, size: int, pages: int) -> None:
    ecr = ecr_client()
    names = create(ecr, 3)

    answered = all_pages(ecr, maxResults=size)

    assert len(answered) == pages
    assert [name for p in answered for name in listed(p)] == names


def test_1000_repositories_fit_one_page_of_1000(aws: None) -> None:
    ecr = ecr_client()
    names = create(ecr, 1001)

    first = ecr.describe_repositories(maxResults=1000)
    last = ecr.describe_repositories(maxResults=1000, nextToken=first["nextToken"])

    assert listed(first) == names[:1000]
    assert listed(last) == names[1000:]
    assert "nextToken" not in last


def test_boto3_paginator_lists_every_repository_once(aws: None) -> None:
    ecr = ecr_client()
    names = create(ecr, 250)

    pages = list(ecr.get_paginator("describe_repositories").paginate())
    small_pages = list(
        ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 7})
    )

    assert len(pages) == 3
    assert [name for p in pages for name in listed(p)] == names
    assert len(small_pages) == 36
    assert [name for p in small_pages for name in listed(p)] == names


def test_a_page_continues_after_the_last_name_despite_changes_between_calls(
    aws: None,
) -> None:
    ecr = ecr_client()
    create(ecr, 4)  # team/r0000 .. team/r0003

    first = ecr.describe_repositories(maxResults=2)
    ecr.delete_repository(repositoryName="team/r0000")
    ecr.create_repository(repositoryName="aaa/first")
    second = ecr.describe_repositories(maxResults=2, nextToken=first["nextToken"])

    assert listed(first) == ["team/r0000", "team/r0001"]
    assert listed(second) == ["team/r0002", "team/r0003"]
    assert "nextToken" not in second


def test_repositories_keep_every_field_moto_gives_them(aws: None) -> None:
    ecr = ecr_client()
    created = ecr.create_repository(
        repositoryName="prod/api",
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}],
    )["repository"]

    [paged] = ecr.describe_repositories(maxResults=5)["repositories"]
    [named] = ecr.describe_repositories(repositoryNames=["prod/api"])["repositories"]

    assert paged == named == created


@pytest.mark.parametrize("size", [0, -1, 1001])
def test_max_results_out_of_range_is_refused(aws: None, size: int) -> None:
    ecr = unvalidated_client()
    create(ecr, 1)

    message = error_of(lambda: ecr.describe_repositories(maxResults=size))

    bound = "greater than or equal to 1" if size < 1 else "less than or equal to 1000"
    assert message == (
        "InvalidParameterException: Invalid parameter at 'maxResults' failed to satisfy "
        f"constraint: 'Member must have value {bound}'"
    )


def test_max_results_that_is_not_a_number_is_refused(aws: None) -> None:
    message = error_of(lambda: unvalidated_client().describe_repositories(maxResults="5"))

    assert message == (
        "InvalidParameterException: Invalid parameter at 'maxResults' failed to satisfy "
        "constraint: 'Member must be an integer'"
    )


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "not base64 !",
        "MTIz",  # base64 of "123", a position rather than a name
        "dGVtcGxhdGVzOnByb2Q=",  # base64 of "templates:prod", another listing's token
        "cmVwb3NpdG9yaWVzOg==",  # base64 of "repositories:", no name
    ],
)
def test_a_token_no_page_gave_is_refused(aws: None, token: str) -> None:
    ecr = ecr_client()
    create(ecr, 3)

    message = error_of(lambda: ecr.describe_repositories(nextToken=token))

    assert message == "InvalidParameterException: Invalid parameter at 'nextToken'"


def test_a_token_continues_only_the_listing_of_its_own_registry_and_region(aws: None) -> None:
    east, west = ecr_client("us-east-1"), ecr_client("eu-west-1")
    names = create(east, 3)
    create(west, 3)
    token = east.describe_repositories(maxResults=1)["nextToken"]

    message = error_of(lambda: west.describe_repositories(nextToken=token))

    assert message == "InvalidParameterException: Invalid parameter at 'nextToken'"
    assert listed(east.describe_repositories(nextToken=token)) == names[1:]


@pytest.mark.parametrize(
    "paging", [{"maxResults": 10}, {"nextToken": "x"}, {"maxResults": 10, "nextToken": "x"}]
)
def test_repository_names_cannot_be_paged(aws: None, paging: dict[str, Any]) -> None:
    ecr = ecr_client()
    create(ecr, 2)

    message = error_of(lambda: ecr.describe_repositories(repositoryNames=["team/r0000"], **paging))

    assert message.startswith("InvalidParameterException: Invalid parameter at 'repositoryNames'")
    assert "cannot be used when you specify repositories with repositoryNames" in message


def test_repository_names_alone_answer_as_moto_does(aws: None) -> None:
    ecr = ecr_client()
    names = create(ecr, 150)

    answered = ecr.describe_repositories(repositoryNames=names[:100])
    missing = error_of(
        lambda: ecr.describe_repositories(repositoryNames=["team/r0000", "team/none"])
    )

    assert sorted(listed(answered)) == names[:100]
    assert "nextToken" not in answered
    assert missing == (
        "RepositoryNotFoundException: The repository with name 'team/none' does not exist "
        "in the registry with id '123456789012'"
    )


def test_another_registry_lists_none_of_this_registry_repositories(aws: None) -> None:
    ecr = ecr_client()
    create(ecr, 101)

    answered = ecr.describe_repositories(registryId=OTHER_REGISTRY)

    assert answered["repositories"] == []
    assert "nextToken" not in answered


def test_pages_of_the_own_registry_id_are_the_pages_without_it(aws: None) -> None:
    ecr = ecr_client()
    create(ecr, 101)

    with_id = all_pages(ecr, registryId="123456789012")
    without = all_pages(ecr)

    assert [listed(p) for p in with_id] == [listed(p) for p in without]
    assert [len(p["repositories"]) for p in with_id] == [100, 1]


def test_the_emulator_server_pages_too(endpoint: str) -> None:
    ecr = ecr_client()
    names = create(ecr, 101)

    pages = list(ecr.get_paginator("describe_repositories").paginate())

    assert [listed(p) for p in pages] == [names[:100], names[100:]]


@pytest.mark.parametrize(
    ("size", "bound"), [(0, "greater than or equal to 1"), (51, "less than or equal to 50")]
)
def test_backfill_listings_check_their_page_size_the_same_way(
    aws: None, size: int, bound: str
) -> None:
    # ListReplicationBackfills: MaxResults 1..50 (botocore ECR model).
    message = error_of(lambda: unvalidated_client().list_replication_backfills(maxResults=size))

    assert message == (
        "InvalidParameterException: Invalid parameter at 'maxResults' failed to satisfy "
        f"constraint: 'Member must have value {bound}'"
    )
