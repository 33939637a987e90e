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
# scheme://userinfo@ : RFC 3986 section 3.2.1; userinfo has no "/", "@" or whitespace.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s\"'<>]+@")


def _endpoint_secrets() -> list[str]:
    secrets: set[str] = set()
    for name, value in os.environ.items():
        if not name.startswith("AWS_ENDPOINT_URL"):
            continue
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            continue
        userinfo = parts.netloc.rpartition("@")[0]
        for secret in (userinfo, *userinfo.split(":", 1)):
            if len(secret) >= 3:  # shorter would blank out ordinary words
                secrets.update({secret, unquote(secret)})
    return sorted(secrets, key=len, reverse=True)


def redact(message: str) -> str:
    """`message` without endpoint credentials."""
    message = _URL_USERINFO.sub(rf"\g<1>{REDACTED}@", message)
    for secret in _endpoint_secrets():
        message = message.replace(secret, REDACTED)
    return message
