"""`--ignore W115,W113`: the rule IDs a command's findings accept, checked before any work."""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.errors import UsageError


def ignored_rules(values: Sequence[str]) -> frozenset[str]:
    """The rule IDs of `--ignore` options (each may list several, comma-separated);
    an unknown ID or one that cannot be suppressed is a usage error (exit 2)."""
    from ecrrepl.lint.registry import all_rules
    from ecrrepl.lint.suppressions import unsuppressible_reason

    known = {rule.id for rule in all_rules()}
    rules = {part.strip() for value in values for part in value.split(",") if part.strip()}
    if not rules:
        raise UsageError("--ignore needs rule IDs, such as --ignore W115,W113")
    for rule_id in sorted(rules):
        if rule_id not in known:
            raise UsageError(f"--ignore: unknown rule ID {rule_id!r} (docs/rules.md lists them)")
        reason = unsuppressible_reason(rule_id)
        if reason is not None:
            raise UsageError(f"--ignore: {reason}")
    return frozenset(rules)
