"""An endpoint set in the environment is checked before any client is made.

botocore reads `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (AWS SDKs and Tools
reference guide, "Service-specific endpoints",
https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html, checked
2026-12-02) and refuses a malformed one only when a client is created, with a bare
ValueError that quotes the whole URL, credentials included (botocore/endpoint.py,
EndpointCreator.create_endpoint: "Invalid endpoint: ..."; an out-of-range port or an
unclosed IPv6 bracket raise from urllib.parse first). So ecrrepl checks every such
variable once, with botocore's own test (botocore.utils.is_valid_endpoint_url and
is_valid_ipv6_endpoint_url) plus the port, and refuses a bad one as a usage error
that names the variable and shows the URL redacted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

from ecrrepl.errors import UsageError
from ecrrepl.redaction import redact

# The variables botocore reads for the clients ecrrepl makes (ECR and STS; service
# identifiers "ECR" and "STS" in the SDK reference's "Identifiers for service-specific
# endpoints", https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html,
# checked 2026-12-02; botocore/configprovider.py, ConfiguredEndpointProvider, names the
# variable after the model's metadata.serviceId, "ECR" and "STS"). Another service's
# variable is none of ecrrepl's business.
_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_STS")
# Set to true, botocore uses no configured endpoint at all (same page as above).
_IGNORED = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


def endpoint_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint, or None when botocore can use it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is the check: ValueError when out of range
    except ValueError as error:
        return str(error)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "it must start with http:// or https:// and name a host"
    if not (is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url)):
        return "botocore does not accept its host"
    return None


def check_endpoint_variables(environ: Mapping[str, str] | None = None) -> None:
    """UsageError naming the first endpoint variable botocore could not use."""
    variables = os.environ if environ is None else environ
    if variables.get(_IGNORED, "").strip().lower() == "true":
        return
    for name in _VARIABLES:
        value = variables.get(name, "").strip()
        if not value:
            continue
        problem = endpoint_problem(value)
        if problem is not None:
            raise UsageError(f"{name} is not a usable endpoint URL ({redact(value)}): {problem}")
