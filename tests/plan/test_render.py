"""The plan renderers: golden files for text, JSON and Markdown, and what each must say.

Golden files live in tests/plan/golden/. After an intended change to the output, refresh
them and review the diff before committing:

    ECRREPL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/plan -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecrrepl.config.model import Config
from ecrrepl.plan import Plan, compute_plan
from ecrrepl.render.plan_json import render_plan_json
from ecrrepl.render.plan_markdown import render_plan_markdown
from ecrrepl.render.plan_text import render_plan_text
from ecrrepl.state import LiveState
from harness import golden
from harness.golden import ANSI

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, rendered: str) -> None:
    golden.assert_golden(GOLDEN, name, rendered)


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("plan.txt", lambda plan: render_plan_text(plan, color=False)),
        ("plan.json", render_plan_json),
        ("plan.md", render_plan_markdown),
    ],
)
def test_golden(sample_plan: Plan, name: str, render: object) -> None:
    assert callable(render)
    assert_golden(name, render(sample_plan))


def test_text_marks_changes_and_counts_what_it_hides(sample_plan: Plan) -> None:
    text = render_plan_text(sample_plan, color=False)
    assert "registry 111111111111/us-west-2 — replication configuration\n  + rule 'prod'\n" in text
    assert "  ~ rule 'dev'\n" in text
    assert "  - live rule #3\n" in text
    assert "(1 unchanged rule hidden)" in text
    assert "(1 section without changes hidden)" in text
    assert "unmanaged: template legacy" in text
    assert "error: replication from 111111111111/us-west-2 to 333333333333/us-east-2" in text
    assert text.endswith(
        "Plan: 3 to add, 2 to change, 1 to remove.\nThis plan cannot be applied: 1 error above.\n"
    )
    assert "\x1b[" not in text


def test_text_in_colour_says_the_same_words(sample_plan: Plan) -> None:
    coloured = render_plan_text(sample_plan, color=True)
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == render_plan_text(sample_plan, color=False)


def test_text_without_changes() -> None:
    assert render_plan_text(compute_plan(Config(), LiveState())) == (
        "No changes. The live registries match the configuration.\n"
    )


def test_text_says_a_refused_plan_cannot_be_applied(sample_plan: Plan) -> None:
    import dataclasses

    section = dataclasses.replace(sample_plan.registry_policies[0], errors=("too big",))
    refused = dataclasses.replace(
        sample_plan, registry_policies=(section, *sample_plan.registry_policies[1:])
    )
    text = render_plan_text(refused)
    assert "  error: too big\n" in text
    # The missing grant of the unmanaged 333333333333/us-east-2 is the other.
    assert text.endswith("This plan cannot be applied: 2 errors above.\n")


def test_json_is_one_object_with_a_summary(sample_plan: Plan) -> None:
    shown = json.loads(render_plan_json(sample_plan))
    assert shown["format_version"] == 3
    assert shown["fingerprint"] == "f" * 64
    assert shown["summary"] == {"add": 3, "change": 2, "remove": 1}
    assert [r["registry"] for r in shown["registries"]] == [
        "111111111111/eu-central-1",
        "111111111111/us-west-2",
        "222222222222/eu-west-1",
        "333333333333/us-east-2",
    ]
    assert [s["aspect"] for s in shown["registries"][2]["sections"]] == [
        "registry_policy",
        "templates",
    ]


def test_markdown_fits_a_pull_request_comment(sample_plan: Plan) -> None:
    markdown = render_plan_markdown(sample_plan)
    assert "**Plan: 3 to add, 2 to change, 1 to remove.**" in markdown
    assert "#### `111111111111/us-west-2` — replication configuration" in markdown
    assert "| `+` | rule 'prod' |" in markdown
    assert "<details><summary>Unchanged items</summary>" in markdown
    assert "- `111111111111/eu-central-1` replication configuration: 1 unchanged rule" in markdown


def test_markdown_keeps_names_from_breaking_the_table() -> None:
    from ecrrepl.config.model import Destination, ReplicationRule, SourceRegistry

    rule = ReplicationRule(
        name="a|b <script>",
        destinations=(Destination(account="111111111111", region="us-east-1"),),
    )
    config = Config(
        registries=(SourceRegistry(account="111111111111", region="us-west-2", rules=(rule,)),)
    )
    markdown = render_plan_markdown(compute_plan(config, LiveState()))
    assert "| rule 'a\\|b &lt;script>' |" in markdown


def test_nothing_to_write_with_errors_never_says_no_changes() -> None:
    from ecrrepl.config.model import AccountAccess, Destination, ReplicationRule, SourceRegistry

    rule = ReplicationRule(destinations=(Destination(account="333333333333", region="us-east-2"),))
    config = Config(
        accounts={
            "333333333333": AccountAccess(account="333333333333", manage_registry_policy=False)
        },
        registries=(SourceRegistry(account="111111111111", region="us-west-2", rules=(rule,)),),
    )
    live = LiveState(replication={config.registries[0].address: (rule,)})
    plan = compute_plan(config, live)

    assert not plan.has_changes and len(plan.errors) == 1
    for rendered in (render_plan_text(plan), render_plan_markdown(plan)):
        assert "No changes" not in rendered
        assert "Nothing to write, but the live registries do not work as configured." in rendered
