"""Every rule documents itself: a summary, its AWS source, and prose in its docstring
that says what it catches and why. The examples are cases (test_rule_cases.py), so the
docstring holds prose only; docs/rules.md renders both."""

from __future__ import annotations

import re

import pytest

from ecrrepl.lint.registry import all_rules, get_rule

RULE_IDS = [registered.id for registered in all_rules()]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_documents_itself(rule_id: str) -> None:
    documented = get_rule(rule_id)
    assert documented.summary and documented.source
    assert len(documented.description) > 40, "say what the rule catches and why"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_docstring_is_prose_without_examples(rule_id: str) -> None:
    doc = get_rule(rule_id).doc
    assert not re.search(r"^\s*(?:Fails|Passes):\s*$", doc, flags=re.M), (
        "examples are cases marked `example:` in the rule's case file"
    )
