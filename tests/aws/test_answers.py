"""The checked reading of AWS answers (aws/answers.py) and where its problems end up."""

from __future__ import annotations

import pytest

from ecrrepl.aws.answers import AnswerProblem, MalformedAnswer, Node
from ecrrepl.aws.backfill import backfill_from_api
from ecrrepl.aws.failures import aws_failures
from harness import models

SOURCE = models.OREGON


def test_accessors_name_the_field_and_the_type() -> None:
    answer = Node({"a": {"b": [{"c": 1}, "x"]}, "s": "", "t": True})
    items = answer.required("a").items("b")
    assert items[0].count("c") == 1
    with pytest.raises(AnswerProblem, match=r"^a\.b\[0\]\.c is a number, not a string$"):
        items[0].text("c")
    with pytest.raises(AnswerProblem, match=r"^a\.b\[1\] is a string, not an object$"):
        items[1].text("c")
    with pytest.raises(AnswerProblem, match=r"^s is empty$"):
        answer.text("s")
    with pytest.raises(AnswerProblem, match=r"^t is a boolean, not a whole number$"):
        answer.count("t")
    assert answer.optional_text("s") is None
    assert answer.items("absent") == []
    with pytest.raises(AnswerProblem, match=r"^absent is missing$"):
        answer.items("absent", required=True)


def test_aws_failures_names_the_call_of_a_malformed_answer() -> None:
    with (
        pytest.raises(MalformedAnswer) as raised,
        aws_failures("ListReplicationBackfills", "111111111111", "us-west-2"),
    ):
        backfill_from_api(
            SOURCE, Node({"destination": {"registryId": "1", "region": 1}}, "backfills[0]")
        )
    assert raised.value.message == (
        "ListReplicationBackfills in account 111111111111 region us-west-2 returned an answer "
        "ecrrepl cannot read: backfills[0].destination.region is a number, not a string"
    )


def test_a_bug_of_ecrrepl_inside_aws_failures_stays_a_bug() -> None:
    # Only errors raised in botocore's parser are taken for a malformed answer.
    with (
        pytest.raises(AttributeError),
        aws_failures("DescribeRegistry", "111111111111", "us-west-2"),
    ):
        None.missing  # type: ignore[attr-defined]  # noqa: B018


def test_backfill_progress_of_the_wrong_type_is_a_problem() -> None:
    answer = {
        "destination": {"region": "us-east-1", "registryId": "111111111111"},
        "progress": {"totalReplicationCount": "3"},
    }
    with pytest.raises(AnswerProblem, match=r"progress\.totalReplicationCount is a string"):
        backfill_from_api(SOURCE, answer)
