"""Credentials never reach a message: the userinfo of an endpoint URL is redacted.

`AWS_ENDPOINT_URL=https://user:secret@proxy.example` is valid for botocore, and botocore
quotes the URL when it cannot connect ("Could not connect to the endpoint URL: ...").
Every message ecrrepl prints about AWS goes through `redact`: the `user:secret@` part of
any URL, and the userinfo of every `AWS_ENDPOINT_URL*` variable wherever it appears
(decoded too), become `***`.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

REDACTED = "***"
# scheme://userinfo@ : RFC 3986 section 3.2.1. The authority ends at the first "/", "?"
# or "#" and its userinfo at the LAST "@" before that: a password holding a raw "@"
# (which urllib.parse splits the same way, netloc.rpartition("@")) is hidden whole.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s\"'<>]+@")


def _endpoint_secrets() -> list[str]:
    secrets: set[str] = set()
    for name, value in os.environ.items():
        if not name.startswith("AWS_ENDPOINT_URL"):
            continue
        userinfo = _userinfo(value.strip())
        for secret in (userinfo, *userinfo.split(":", 1)):
            if len(secret) >= 3:  # shorter would blank out ordinary words
                secrets.update({secret, unquote(secret)})
    return sorted(secrets, key=len, reverse=True)


def _userinfo(value: str) -> str:
    """The userinfo of an endpoint as written; also of one without a scheme
    (`user:secret@host:port`, which botocore refuses by quoting it whole)."""
    if "://" not in value:
        return value.split("/", 1)[0].rpartition("@")[0]
    try:
        netloc = urlsplit(value).netloc
    except ValueError:  # an unclosed "[": the authority still ends at the first "/"
        netloc = value.partition("://")[2].split("/", 1)[0]
    return netloc.rpartition("@")[0]


def redact(message: str) -> str:
    """`message` without endpoint credentials."""
    message = _URL_USERINFO.sub(rf"\g<1>{REDACTED}@", message)
    for secret in _endpoint_secrets():
        message = message.replace(secret, REDACTED)
    return message
