"""The configuration's `owner:`, which names the registry policy statements it writes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecrrepl.config.model import NOWHERE, Config
from ecrrepl.config.schema import OWNER_PATTERN
from ecrrepl.lint.registry import Report, rule

_OWNER = re.compile(OWNER_PATTERN)
_SID = (
    'IAM user guide, "IAM JSON policy elements: Sid" (letters and digits only): '
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"
)


@rule(
    "E205",
    "`owner` that is not a lowercase name of letters and digits, or files that disagree on it",
    source=_SID,
)
def bad_owner(config: Config) -> Iterator[Report]:
    """`owner` is written into the Sids of the registry policy statements ecrrepl writes.

    With `owner: platform`, ecrrepl merges the statements of every source registry into
    as few as grant each source account exactly what it needs, with Sids
    `EcrreplPlatformG<digest>`, and owns every statement with such a Sid. A Sid allows
    only letters and digits; the owner starts with a lowercase letter and is at most 32
    lowercase letters and digits, so that no owner's Sids can be mistaken for another's.
    Several files form one configuration and must name the same owner (or only one of
    them names it).
    """
    declared = config.owners_declared or (
        ((config.owner, NOWHERE),) if config.owner is not None else ()
    )
    first = declared[0][0] if declared else None
    for name, where in declared:
        if not _OWNER.fullmatch(name):
            yield Report(
                f"owner {name!r} must start with a lowercase letter and hold at most 32 "
                "lowercase letters and digits: it is written into registry policy Sids, "
                "which allow only letters and digits",
                where,
            )
        elif name != first:
            yield Report(
                f"owner {name!r} differs from {first!r}, named first: the files form one "
                "configuration, which has one owner",
                where,
            )
