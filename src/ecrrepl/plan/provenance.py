"""Is a saved plan still the plan of the configuration files it came from?

A plan file records each configuration file's sha256, and its path relative to the
plan file's folder. `apply PLAN.json` compares:

- with `--config FILE...`: exactly those files, which must be the plan's files (same
  digests, as many), wherever they are now;
- without: every recorded file that is at its recorded path next to the plan. A file
  that is not there (a plan carried to another machine) is told, not compared.

A configuration edited since `diff --out` means the reviewed plan is not the
configuration's plan any more: apply refuses and names the file.

The digests alone prove nothing about the configuration the plan file itself carries
(accounts, rules, templates): anyone can edit those and leave the digests. So when every
file is there and matches, the configuration is built from the files with the normal
loader and must be the plan's (locations and rule names aside: neither is written);
when some are not there, a note says the plan's configuration was not checked.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from ecrrepl.config.model import Config
from ecrrepl.errors import UserError
from ecrrepl.plan.model import Plan, SourceFile


def _digest(path: str) -> str:
    from ecrrepl.validation import read_config_bytes  # bounded, regular files only

    return hashlib.sha256(read_config_bytes(path)).hexdigest()


def _again(plan: Plan, plan_path: str) -> str:
    names = " ".join(source.name for source in plan.sources)
    scope = "".join(f" --registry {address}" for address in plan.scope)
    return f"Run `ecrrepl diff {names}{scope} --out {plan_path} --overwrite` again and review it"


def check_provenance(plan: Plan, plan_path: str, config_files: Sequence[str]) -> list[str]:
    """Refuse (UserError) a plan whose configuration files changed, or whose own
    configuration is not the one its files give; return notes about recorded files
    that could not be compared."""
    if config_files:
        found = _check_named(plan, plan_path, config_files)
    else:
        found = _check_found(plan, plan_path)
    if len(found) < len(plan.sources):
        return _notes_of_absent(plan, plan_path, found)
    _refuse_if_not_the_files_configuration(plan, plan_path, found)
    return []


def _check_found(plan: Plan, plan_path: str) -> dict[int, str]:
    """The path of each recorded file that is there, by its index in the plan (a plan
    may record one file twice: each record must be found on its own)."""
    found: dict[int, str] = {}
    for index, source in enumerate(plan.sources):
        candidate = _recorded_path(plan_path, source)
        if not os.path.lexists(candidate):
            continue
        if _digest(candidate) != source.sha256:
            raise UserError(
                f"{candidate} changed since {plan_path} was saved (its sha256 differs from the "
                f"one the plan records); nothing was written. {_again(plan, plan_path)}, or "
                "name the files the plan came from with --config"
            )
        found[index] = candidate
    return found


def _recorded_path(plan_path: str, source: SourceFile) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(plan_path), source.path))


def _notes_of_absent(plan: Plan, plan_path: str, found: dict[int, str]) -> list[str]:
    notes = [
        f"Note: {source.name} is not at {_recorded_path(plan_path, source)}, next to the "
        "plan; not compared (name it with --config to compare it)."
        for index, source in enumerate(plan.sources)
        if index not in found
    ]
    notes.append(
        f"Note: the configuration {plan_path} carries could not be checked against its "
        "files (not all of them are there)."
    )
    return notes


def _check_named(plan: Plan, plan_path: str, config_files: Sequence[str]) -> dict[int, str]:
    unmatched: list[SourceFile] = list(plan.sources)
    found: dict[int, str] = {}
    for path in config_files:
        digest = _digest(path)
        match = next((source for source in unmatched if source.sha256 == digest), None)
        if match is None:
            raise UserError(
                f"{path} is not a configuration file {plan_path} was computed from (its sha256 "
                f"is not one the plan records); nothing was written. {_again(plan, plan_path)}"
            )
        found[_first_free_index(plan, match, found)] = path
        unmatched.remove(match)
    if unmatched:
        missing = ", ".join(source.name for source in unmatched)
        raise UserError(
            f"{plan_path} was computed from {len(plan.sources)} configuration files; --config "
            f"does not name {missing}; nothing was written"
        )
    return found


def _first_free_index(plan: Plan, source: SourceFile, found: dict[int, str]) -> int:
    return next(i for i, s in enumerate(plan.sources) if s == source and i not in found)


def _refuse_if_not_the_files_configuration(
    plan: Plan, plan_path: str, found: dict[int, str]
) -> None:
    from ecrrepl.validation import validate_files

    # In the plan's order: the order of the files is the order of their merge.
    result = validate_files([found[index] for index in range(len(plan.sources))])
    if result.errors or _as_planned(_scoped(result.config, plan)) != _as_planned(
        plan.desired_config()
    ):
        raise UserError(
            f"the plan's configuration is not what its files say: {plan_path} carries "
            "accounts, rules or templates that its configuration files (whose sha256 it "
            f"records) do not declare; nothing was written. {_again(plan, plan_path)}"
        )


def _scoped(config: Config, plan: Plan) -> Config | None:
    """The files' configuration in the plan's scope (`diff --registry`); None when the
    scope names a registry the files do not declare as a source."""
    from ecrrepl.errors import UsageError
    from ecrrepl.scope import scope_config

    try:
        return scope_config(config, frozenset(plan.scope))
    except UsageError:
        return None


def _as_planned(config: Config | None) -> Config | None:
    """`config` as a plan file carries it: in the plan's order, without rule names (never
    sent to AWS, so a saved plan's are dropped) and without the files' names."""
    from ecrrepl.plan import compute_plan
    from ecrrepl.state import LiveState

    if config is None:
        return None
    planned = compute_plan(config, LiveState()).desired_config()
    return planned.replace(
        files=(),
        registries=tuple(
            registry.replace(rules=tuple(rule.replace(name=None) for rule in registry.rules))
            for registry in planned.registries
        ),
    )
