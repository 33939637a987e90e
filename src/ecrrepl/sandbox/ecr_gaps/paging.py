"""Pages of a listing, as ECR's paginated actions answer them: a page size checked against
the action's range, and a nextToken that continues after the last item of a page.

The refusal of a page size out of range: ECR's answer to maxResults above 1000, as
reported in the issue trackers of two registry clients, is "Invalid parameter at
'maxResults' failed to satisfy constraint: 'Member must have value less than or equal
to 1000'" (https://github.com/renovatebot/renovate/issues/3800 and
https://github.com/google/go-containerregistry/issues/681: the registry API's tags/list
relaying ECR's answer). The errors botocore's ECR model lists for DescribeRepositories
are ServerException, InvalidParameterException and RepositoryNotFoundException, no
ValidationException: the refusal is an InvalidParameterException. Below the minimum the
message names the constraint's other bound (no source shows it: by analogy). Checked
2026-12-02. The backfill actions list ValidationException too; their refusal stays the
InvalidParameterException it was, no source saying which of the two AWS sends.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import TypeVar

from moto.ecr.exceptions import InvalidParameterException

Item = TypeVar("Item")


def checked_page_size(max_results: object, default: int, maximum: int) -> int:
    """`maxResults` as sent, or the default when it is not; InvalidParameterException when
    it is not a whole number between 1 and `maximum`."""
    if max_results is None:
        return default
    if not isinstance(max_results, int) or isinstance(max_results, bool):
        raise _page_size_refused("must be an integer")
    if max_results < 1:
        raise _page_size_refused("must have value greater than or equal to 1")
    if max_results > maximum:
        raise _page_size_refused(f"must have value less than or equal to {maximum}")
    return max_results


def _page_size_refused(constraint: str) -> InvalidParameterException:
    return InvalidParameterException(
        f"Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member {constraint}'"
    )


def invalid_token() -> InvalidParameterException:
    return InvalidParameterException("Invalid parameter at 'nextToken'")


def page_at_offset(
    items: Sequence[Item], size: int, token: object
) -> tuple[list[Item], str | None]:
    """The page of `size` items from the position `token` names (the first page without a
    token), and the token of the next page, None on the last. A token is a position a
    page gave: anything else is InvalidParameterException."""
    if token is not None and not (
        isinstance(token, str) and token.isascii() and token.isdigit() and int(token) <= len(items)
    ):
        raise invalid_token()
    start = int(token or 0)
    end = start + size
    return list(items[start:end]), (str(end) if end < len(items) else None)


def key_token(listing: str, key: str) -> str:
    """An opaque nextToken naming the last key of a page of `listing`."""
    return base64.urlsafe_b64encode(f"{listing}:{key}".encode()).decode("ascii")


def key_of_token(listing: str, token: object) -> str:
    """The key a token of `listing` names; InvalidParameterException for anything else
    (garbage, or a token of another listing)."""
    if not isinstance(token, str):
        raise invalid_token()
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (UnicodeError, binascii.Error, ValueError):
        raise invalid_token() from None
    found, separator, key = text.partition(":")
    if found != listing or not separator or not key:
        raise invalid_token()
    return key


def page_after_key(
    items: Sequence[Item],
    key: Callable[[Item], str],
    listing: str,
    size: int,
    token: object,
) -> tuple[list[Item], str | None]:
    """The page of `size` items that follows the key `token` names (the first page without
    a token), and the token of the next page, None on the last.

    `items` are sorted by `key`. A page starts after the key, not at a position, so an
    item created or deleted between two calls shifts no other item: each item that exists
    throughout the listing is listed exactly once.
    """
    start = 0 if token is None else bisect_right(items, key_of_token(listing, token), key=key)
    page = list(items[start : start + size])
    more = start + size < len(items)
    return page, (key_token(listing, key(page[-1])) if more and page else None)
