"""Every page of an ECR list operation, in the largest pages AWS allows.

ECR's list operations take `maxResults` and answer a `nextToken` while more remain
(botocore ECR model, paginators-1.json: input and output token `nextToken`, limit key
`maxResults`, for each operation below). Without `maxResults` they answer small pages:
DescribeRepositories "returns up to 100 results and a nextToken value, if applicable"
(ECR API reference, DescribeRepositories, maxResults,
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html,
checked 2026-12-02). Asking for the largest page the model allows reads a registry of
2,500 repositories in 3 calls rather than 25.

The loop is written here rather than with botocore's Paginator: a paginator calls the
client method it was made with through a private attribute (`Paginator._method`), which
a client shared by accounts (aws/acting.py) would have to replace, and its per-page work
is more than a page needs. botocore's paginator refuses "the same next token received
twice" in a row (botocore/paginate.py, PageIterator); here any token that comes back, after
however many pages, stops the read rather than looping for ever.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ecrrepl.aws.answers import AnswerProblem, Node

# The largest `maxResults` of each operation read page by page (botocore ECR model,
# the operation's request shape, MaxResults `max`; checked 2026-12-02).
LARGEST_PAGE = {
    "describe_repositories": 1000,
    "describe_repository_creation_templates": 1000,
    "describe_images": 1000,
    "describe_replication_backfill_results": 1000,
    "list_replication_backfills": 50,
}
# A token is opaque and may be long: a message shows its start only.
TOKEN_SHOWN = 40


def pages(client: Any, operation: str, **parameters: Any) -> Iterator[Node]:
    """Each page that `operation` answers for `parameters`, first to last."""
    method = getattr(client, operation)
    request = {**parameters, "maxResults": LARGEST_PAGE[operation]}
    seen: set[str] = set()
    while True:
        page = Node(method(**request))
        yield page
        token = page.optional_text("nextToken")
        if token is None:
            return
        if token in seen:
            shown = token if len(token) <= TOKEN_SHOWN else token[:TOKEN_SHOWN] + "..."
            raise AnswerProblem(f"nextToken {shown!r} was answered twice")
        seen.add(token)
        request["nextToken"] = token
