"""Is a saved plan still the plan of the configuration files it came from?

A plan file records each configuration file's sha256, and its path relative to the
plan file's folder. `apply PLAN.json` compares:

- with `--config FILE...`: exactly those files, which must be the plan's files (same
  digests, as many), wherever they are now;
- without: every recorded file that is at its recorded path next to the plan. A file
  that is not there (a plan carried to another machine) is told, not compared.

A configuration edited since `diff --out` means the reviewed plan is not the
configuration's plan any more: apply refuses and names the file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from ecrrepl.errors import UserError
from ecrrepl.plan.model import Plan, SourceFile


def _digest(path: str) -> str:
    from ecrrepl.validation import read_config_bytes  # bounded, regular files only

    return hashlib.sha256(read_config_bytes(path)).hexdigest()


def _again(plan: Plan, plan_path: str) -> str:
    names = " ".join(source.name for source in plan.sources)
    return f"Run `ecrrepl diff {names} --out {plan_path} --overwrite` again and review it"


def check_provenance(plan: Plan, plan_path: str, config_files: Sequence[str]) -> list[str]:
    """Refuse (UserError) a plan whose configuration files changed; return notes about
    recorded files that could not be compared."""
    if config_files:
        _check_named(plan, plan_path, config_files)
        return []
    notes = []
    folder = os.path.dirname(plan_path)
    for source in plan.sources:
        candidate = os.path.normpath(os.path.join(folder, source.path))
        if not os.path.lexists(candidate):
            notes.append(
                f"Note: {source.name} is not at {candidate}, next to the plan; not compared "
                "(name it with --config to compare it)."
            )
            continue
        if _digest(candidate) != source.sha256:
            raise UserError(
                f"{candidate} changed since {plan_path} was saved (its sha256 differs from the "
                f"one the plan records); nothing was written. {_again(plan, plan_path)}, or "
                "name the files the plan came from with --config"
            )
    return notes


def _check_named(plan: Plan, plan_path: str, config_files: Sequence[str]) -> None:
    unmatched: list[SourceFile] = list(plan.sources)
    for path in config_files:
        digest = _digest(path)
        match = next((source for source in unmatched if source.sha256 == digest), None)
        if match is None:
            raise UserError(
                f"{path} is not a configuration file {plan_path} was computed from (its sha256 "
                f"is not one the plan records); nothing was written. {_again(plan, plan_path)}"
            )
        unmatched.remove(match)
    if unmatched:
        missing = ", ".join(source.name for source in unmatched)
        raise UserError(
            f"{plan_path} was computed from {len(plan.sources)} configuration files; --config "
            f"does not name {missing}; nothing was written"
        )
