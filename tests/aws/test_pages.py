"""Paged listings (aws/pages.py): the largest pages, every page once, and a token that
comes back stops the read with a clear message instead of looping."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest

from ecrrepl.aws.answers import AnswerProblem
from ecrrepl.aws.failures import aws_failures
from ecrrepl.aws.images import list_repository_names
from ecrrepl.aws.pages import LARGEST_PAGE, pages
from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UserError

# moto's account for the fake base credentials "testing".
BASE_ACCOUNT = "123456789012"


class ListingClient:
    """Answers describe_repositories from a list of pages, keeping each request."""

    def __init__(self, answers: list[dict[str, Any]]) -> None:
        self._answers: Iterator[dict[str, Any]] = iter(answers)
        self.requests: list[dict[str, Any]] = []

    def describe_repositories(self, **request: Any) -> dict[str, Any]:
        self.requests.append(dict(request))
        return next(self._answers)


def page(names: list[str], token: Any = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"repositories": [{"repositoryName": n} for n in names]}
    if token is not None:
        answer["nextToken"] = token
    return answer


def names_of(client: ListingClient) -> list[str]:
    return [
        repository.text("repositoryName")
        for answer in pages(client, "describe_repositories", registryId="111111111111")
        for repository in answer.items("repositories")
    ]


def test_every_page_is_read_once_with_the_largest_page_and_the_last_token() -> None:
    client = ListingClient([page(["a", "b"], "t1"), page(["c"], "t2"), page(["d"])])

    assert names_of(client) == ["a", "b", "c", "d"]
    assert client.requests == [
        {"registryId": "111111111111", "maxResults": 1000},
        {"registryId": "111111111111", "maxResults": 1000, "nextToken": "t1"},
        {"registryId": "111111111111", "maxResults": 1000, "nextToken": "t2"},
    ]


def test_one_page_without_a_token_is_one_call() -> None:
    client = ListingClient([page(["a"])])

    assert names_of(client) == ["a"]
    assert len(client.requests) == 1


@pytest.mark.parametrize(
    "answers",
    [
        [page(["a"], "t1"), page(["b"], "t1")],
        [page(["a"], "t1"), page(["b"], "t2"), page(["c"], "t1")],
    ],
    ids=["the same token twice", "a token again after another"],
)
def test_a_token_that_comes_back_stops_the_read(answers: list[dict[str, Any]]) -> None:
    client = ListingClient(answers)

    with pytest.raises(AnswerProblem, match="nextToken 't1' was answered twice"):
        names_of(client)
    assert len(client.requests) == len(answers)


def test_a_long_token_that_comes_back_is_shown_by_its_start() -> None:
    token = "t" * 5000
    client = ListingClient([page(["a"], token), page(["b"], token)])

    with pytest.raises(AnswerProblem) as raised:
        names_of(client)
    assert str(raised.value) == f"nextToken '{'t' * 40}...' was answered twice"


def test_a_token_of_the_wrong_type_is_a_malformed_answer_of_the_call() -> None:
    client = ListingClient([page(["a"], 7)])

    with (
        pytest.raises(UserError, match="DescribeRepositories in account 111111111111") as raised,
        aws_failures("DescribeRepositories", "111111111111", "us-east-1"),
    ):
        names_of(client)
    assert "nextToken" in str(raised.value)


def _request_shape_max(operation: str) -> int:
    model = botocore.session.get_session().get_service_model("ecr")
    names = {botocore.xform_name(name): name for name in model.operation_names}
    shape = model.operation_model(names[operation]).input_shape
    return int(shape.members["maxResults"].metadata["max"])


@pytest.mark.parametrize("operation", sorted(LARGEST_PAGE))
def test_each_page_is_the_largest_the_model_allows(operation: str) -> None:
    assert LARGEST_PAGE[operation] == _request_shape_max(operation)


def test_each_paged_operation_pages_with_next_token_and_max_results() -> None:
    loader = botocore.session.get_session().get_component("data_loader")
    paginators = loader.load_service_model("ecr", "paginators-1")["pagination"]
    model = botocore.session.get_session().get_service_model("ecr")
    names = {botocore.xform_name(name): name for name in model.operation_names}
    for operation in LARGEST_PAGE:
        config = paginators[names[operation]]
        assert (config["input_token"], config["output_token"], config["limit_key"]) == (
            "nextToken",
            "nextToken",
            "maxResults",
        ), json.dumps(config)


def test_a_registry_of_250_repositories_is_read_in_one_call_in_the_emulator(
    aws: None, observed_sessions: Callable[..., Any]
) -> None:
    """The emulator pages as AWS does (100 without maxResults: 3 calls here)."""
    sessions = observed_sessions()
    registry = RegistryAddress(BASE_ACCOUNT, "eu-west-1")
    client = boto3.client("ecr", region_name=registry.region)
    for number in range(250):
        client.create_repository(repositoryName=f"team/app-{number:03d}")
    by_default = list(client.get_paginator("describe_repositories").paginate())

    names = list_repository_names(sessions, registry)

    assert len(by_default) == 3
    assert names == tuple(sorted(f"team/app-{number:03d}" for number in range(250)))
    assert sessions.counts() == {"DescribeRepositories": 1}
