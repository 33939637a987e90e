"""`ecrrepl iam`: the least-privilege IAM policy of the role ecrrepl uses in each account.

Offline: the policies come from the file and the table in `ecrrepl.iam.table`. A file
with error findings gets no policy (its findings go to stderr), as with `policy`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import TextIO

from ecrrepl.commands.live import load_sound_config
from ecrrepl.errors import EXIT_OK, UsageError
from ecrrepl.iam.policy import MAX_MANAGED_POLICY_CHARS, account_policy, accounts_of, policy_size
from ecrrepl.iam.table import Purpose

ACCOUNT_ID = re.compile(r"[0-9]{12}")
PURPOSE_NAMES = tuple(purpose.value for purpose in Purpose)
DEFAULT_PURPOSES = (Purpose.APPLY.value,)


def iam(
    files: Sequence[str],
    *,
    account: str | None = None,
    purposes: Sequence[str] = DEFAULT_PURPOSES,
    color: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the policy of `account` (or of every account of the files) for `purposes`."""
    wanted = _purposes(purposes)
    if account is not None and not ACCOUNT_ID.fullmatch(account):
        raise UsageError(f"--account {account!r} is not an account ID: give 12 digits")
    stream = sys.stdout if out is None else out
    warnings = sys.stderr if err is None else err
    config = load_sound_config(files, color=color, err=warnings).config
    known = accounts_of(config)
    if account is not None and account not in known:
        names = ", ".join(known) or "none"
        raise UsageError(
            f"--account {account} is not an account of the configuration (its accounts: {names})"
        )
    chosen = known if account is None else (account,)
    policies = {name: account_policy(config, name, wanted) for name in chosen}
    for name, policy in policies.items():
        size = policy_size(policy)
        if size > MAX_MANAGED_POLICY_CHARS:
            warnings.write(
                f"warning: the policy of account {name} has {size} characters; an IAM managed "
                f"policy holds at most {MAX_MANAGED_POLICY_CHARS} (fewer, shorter filters help)\n"
            )
    if account is not None:
        from ecrrepl.render.iam_json import render_policy_json

        stream.write(render_policy_json(policies[account]))
    else:
        from ecrrepl.render.iam_json import render_policies_json

        stream.write(render_policies_json(policies))
    return EXIT_OK


def _purposes(names: Sequence[str]) -> frozenset[Purpose]:
    chosen = set()
    for name in names or DEFAULT_PURPOSES:
        if name not in PURPOSE_NAMES:
            raise UsageError(f"--for {name!r} is not one of {', '.join(PURPOSE_NAMES)}")
        chosen.add(Purpose(name))
    return frozenset(chosen)
