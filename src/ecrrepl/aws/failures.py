"""botocore's exceptions, turned into one sentence that names the account and region.

Every call to AWS runs inside `aws_failures(...)`, and so does the reading of its answer:
whatever botocore raises (an error answer, missing or expired credentials, an unknown
profile, an unreachable endpoint, an answer its parser cannot read) and every field of
the answer that is missing or mistyped (answers.Node) leaves as a `UserError`, so the
CLI prints one line and never a traceback. Messages quote what AWS said and never the
credentials themselves, nor the user and password of an endpoint URL (redaction.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
)
from botocore.parsers import ResponseParserError

from ecrrepl.aws.answers import AnswerProblem, malformed_answer, raised_by_parser
from ecrrepl.errors import UserError
from ecrrepl.redaction import redact

# Error codes that mean "these credentials cannot be used", whatever the operation.
CREDENTIAL_ERROR_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
    }
)


def where(account: str, region: str | None) -> str:
    if not account:
        return f"region {region}"
    return f"account {account} region {region}" if region else f"account {account}"


def describe_failure(error: Exception) -> str:
    """What went wrong, in words, without a class path, a traceback or endpoint credentials."""
    return redact(_describe(error))


def _describe(error: Exception) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code = details.get("Code", "Unknown")
        message = details.get("Message", "").strip()
        if code in CREDENTIAL_ERROR_CODES:
            return f"the credentials were refused ({code}: {message})"
        return f"{code}: {message}" if message else code
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return f"no usable credentials were found ({error})"
    if isinstance(error, CredentialRetrievalError | TokenRetrievalError | SSOError):
        return f"the credentials could not be obtained ({error}); they may have expired"
    if isinstance(error, ProfileNotFound):
        return f"{error} (check the profile name and the AWS config file)"
    if isinstance(error, NoRegionError):
        return "no region was given"
    if isinstance(error, ConnectionError):
        return f"AWS could not be reached ({error})"
    return str(error)


class AwsCallFailed(UserError):
    """AWS refused a call or could not be reached: access denied, a region not enabled,
    an endpoint down. Reading, one registry is then unreadable and the others are read."""


@contextmanager
def aws_failures(operation: str, account: str, region: str | None) -> Iterator[None]:
    """Turn any botocore failure inside the block into a UserError naming the call."""
    try:
        with malformed_answers(operation, account, region):
            yield
    except (ClientError, BotoCoreError) as error:
        raise AwsCallFailed(
            f"{operation} failed in {where(account, region)}: {describe_failure(error)}"
        ) from None


@contextmanager
def malformed_answers(operation: str, account: str, region: str | None) -> Iterator[None]:
    """Turn an answer that cannot be read (a field missing or mistyped, a body the parser
    fails on) into a MalformedAnswer naming the call; AWS's own errors pass through."""
    try:
        yield
    except AnswerProblem as problem:
        raise malformed_answer(operation, where(account, region), problem.problem) from None
    except ResponseParserError as error:
        raise malformed_answer(operation, where(account, region), unparsable(error)) from None
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as error:
        if not raised_by_parser(error):
            raise
        raise malformed_answer(operation, where(account, region), unparsable(error)) from None


def unparsable(error: Exception) -> str:
    """A parser's failure, in words: its first line, without the body it quotes."""
    if isinstance(error, ResponseParserError):
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"it is not in the API's format ({first.rstrip(':')})"
    return f"it is not in the API's format (botocore's parser failed: {type(error).__name__})"
