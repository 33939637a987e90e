"""`ecrrepl policy`: the registry policy statements each cross-account destination needs.

For teams whose destination accounts are managed elsewhere (another repository,
CloudFormation StackSets, a platform team): the JSON lists, per destination registry,
the statements ecrrepl would own there. Offline: no AWS call.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ecrrepl.commands.live import load_sound_config
from ecrrepl.errors import EXIT_OK
from ecrrepl.policy import merge_policy, policy_text, required_statements


def policy(files: Sequence[str], *, color: bool = False, out: TextIO | None = None) -> int:
    config = load_sound_config(files, color=color).config
    destinations: list[dict[str, Any]] = []
    for address, statements in sorted(required_statements(config).items()):
        standalone = merge_policy(None, statements, ())
        destinations.append(
            {
                "account": address.account,
                "region": address.region,
                "managed_by_ecrrepl": config.manages_policy_of(address.account),
                "statements": [statement.as_json() for statement in statements],
                "characters": len(policy_text(standalone)) if standalone else 0,
            }
        )
    stream = sys.stdout if out is None else out
    stream.write(json.dumps({"destinations": destinations}, indent=2) + "\n")
    return EXIT_OK
