"""Values several commands take on the command line: a registry, a duration.

One parser each, used by the click parameter types (`ecrrepl.cli_types`, which make a
bad value a usage error before the command runs) and by the command functions, which
also take the text when called directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import overload

from ecrrepl.config.model import RegistryAddress
from ecrrepl.errors import UsageError

REGISTRY_ARGUMENT = re.compile(r"(?P<account>[0-9]{12})/(?P<region>[a-z0-9-]+)")
DURATION = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")
REGISTRY_HINT = "give ACCOUNT/REGION, such as 111111111111/us-west-2"


def parse_registry_argument(text: str) -> RegistryAddress | None:
    """`111111111111/us-west-2` as an address; None when it does not have that shape."""
    match = REGISTRY_ARGUMENT.fullmatch(text.strip())
    if match is None:
        return None
    return RegistryAddress(match["account"], match["region"])


def registry_option(value: str | RegistryAddress, option: str) -> RegistryAddress:
    """The registry an option names; a usage error when it is not ACCOUNT/REGION."""
    if isinstance(value, RegistryAddress):
        return value
    address = parse_registry_argument(value)
    if address is None:
        raise UsageError(f"{option} {value!r} is not a registry: {REGISTRY_HINT}")
    return address


def registry_options(
    values: Iterable[str | RegistryAddress], option: str
) -> tuple[RegistryAddress, ...]:
    """Every registry a repeatable option names, once each, in the order given."""
    return tuple(dict.fromkeys(registry_option(value, option) for value in values))


@overload
def wait_timeout(timeout: str | float | None, wait: bool, default: str) -> float: ...
@overload
def wait_timeout(timeout: str | float | None, wait: bool, default: None = None) -> float | None: ...
def wait_timeout(
    timeout: str | float | None, wait: bool, default: str | None = None
) -> float | None:
    """The seconds of `--timeout` (or of `default` when it is not given; None: no limit),
    which only `--wait` takes."""
    if timeout is not None and not wait:
        raise UsageError("--timeout only applies with --wait")
    chosen = default if timeout is None else timeout
    return None if chosen is None else parse_duration(chosen)


def parse_duration(text: str | float, option: str | None = "--timeout") -> float:
    """Seconds in `90s`, `30m`, `1h`, `1h30m` or a bare number of seconds; a usage error
    names `option` (None: click names it)."""
    named = f"{option} " if option else ""
    if isinstance(text, (int, float)):
        seconds = int(text)
    else:
        cleaned = text.strip().lower()
        if cleaned.isdigit():
            seconds = int(cleaned)
        else:
            match = DURATION.fullmatch(cleaned)
            if not cleaned or match is None:
                raise UsageError(
                    f"{named}{text!r} is not a duration: give it as 90s, 30m, 1h or 1h30m"
                )
            seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    if seconds <= 0:
        raise UsageError(
            f"{option} must be longer than zero" if option else f"{text!r} is not longer than zero"
        )
    return float(seconds)
