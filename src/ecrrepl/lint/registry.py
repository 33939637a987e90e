"""The rule catalogue: every rule's metadata as data, and the checks that produce findings.

A rule is a plain function from the configuration to `Report`s (a message and where),
registered with its stable ID, a one-line summary and its AWS source: the decorator is
the one place the ID is written, and it stamps every report into a `Finding`. Its
docstring is prose: what the rule catches and why. Its examples are cases in its case
file (lint/cases/<ID>.yaml, read by lint/rule_cases.py, never by `validate`).
Rules that the loader emits while reading YAML (E001..E007) are declared here too, with
no check function, so that their documentation lives in the same catalogue.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from ecrrepl import limits
from ecrrepl.config.model import Config
from ecrrepl.findings import Finding, Location, Severity


class Report(NamedTuple):
    """What a check reports: the message and where; the registry adds the rule's ID."""

    message: str
    location: Location


Check = Callable[[Config], Iterable[Report]]

RULE_ID = re.compile(r"^[EWI]\d{3}$")
# A docstring names an AWS limit as `{limits.NAME}`, so that the documentation cannot
# drift from the one table the checks read (src/ecrrepl/limits.py).
LIMIT_REFERENCE = re.compile(r"\{limits\.([A-Z0-9_]+)\}")


class DuplicateRuleError(Exception):
    """Two rules claim one ID: IDs are stable and never reused."""


class Rule(NamedTuple):
    id: str
    summary: str
    source: str
    doc: str
    check: Check | None = None

    @property
    def severity(self) -> Severity:
        return Severity.of_rule(self.id)

    def findings(self, config: Config) -> Iterator[Finding]:
        """The check's reports on `config`, stamped with this rule's ID."""
        if self.check is not None:
            for report in self.check(config):
                yield Finding(self.id, report.message, report.location)

    @property
    def description(self) -> str:
        """The docstring: prose only (the examples are cases in the rule's case file)."""
        return self.doc.strip()


_RULES: dict[str, Rule] = {}


def _register(rule: Rule) -> Rule:
    if not RULE_ID.fullmatch(rule.id):
        raise ValueError(f"rule ID {rule.id!r} is not a letter E/W/I and three digits")
    if rule.id in _RULES:
        raise DuplicateRuleError(f"rule ID {rule.id} is registered twice")
    _RULES[rule.id] = rule
    return rule


def rule(rule_id: str, summary: str, *, source: str) -> Callable[[Check], Check]:
    """Register a check function as rule `rule_id`; its docstring is the rule's doc."""

    def decorate(check: Check) -> Check:
        doc = _with_limits(_cleandoc(check.__doc__ or ""))
        _register(Rule(rule_id, summary, source, doc, check))
        return check

    return decorate


def declare(rule_id: str, summary: str, *, source: str, doc: str) -> Rule:
    """Register a rule whose findings the loader emits (no check function)."""
    return _register(Rule(rule_id, summary, source, _with_limits(_cleandoc(doc))))


def _load_rule_modules() -> None:
    from ecrrepl.lint import rules

    # A directory listing, not pkgutil.iter_modules: that imports inspect, which costs
    # `validate` more start-up time than all the rule modules together.
    for folder in rules.__path__:
        for name in sorted(os.listdir(folder)):
            if name.endswith(".py") and not name.startswith("_"):
                importlib.import_module(f"{rules.__name__}.{name[:-3]}")


_modules_loaded = False


def all_rules() -> list[Rule]:
    global _modules_loaded
    if not _modules_loaded:
        _load_rule_modules()
        _modules_loaded = True
    return sorted(_RULES.values(), key=lambda r: (int(r.id[1:]), r.id))


def get_rule(rule_id: str) -> Rule:
    all_rules()
    return _RULES[rule_id]


def run_checks(config: Config) -> Iterator[Finding]:
    for registered in all_rules():
        yield from registered.findings(config)


def _cleandoc(doc: str) -> str:
    """What `inspect.cleandoc` does, without importing inspect at `validate` start-up:
    the first line stripped, the rest dedented, blank lines at both ends dropped."""
    first, _, rest = doc.expandtabs().partition("\n")
    lines = [line.rstrip() for line in rest.split("\n")]
    # textwrap.dedent, for spaces only (tabs are expanded): importing textwrap compiles
    # regular expressions that cost `validate` more than all the docstrings.
    margin = min((len(line) - len(line.lstrip(" ")) for line in lines if line), default=0)
    text = "\n".join([first.strip(), *(line[margin:] for line in lines)]).strip("\n")
    return "\n".join(line.rstrip() for line in text.splitlines())


def _with_limits(doc: str) -> str:
    """The docstring with each `{limits.NAME}` replaced by that limit's value."""
    return LIMIT_REFERENCE.sub(lambda match: str(limits.TABLE[match.group(1)]), doc)
