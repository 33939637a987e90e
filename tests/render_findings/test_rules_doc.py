"""docs/rules.md is generated from the rule catalogue, and kept current by this test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecrrepl.lint.docs import README_BEGIN, README_END, render_rules_markdown, replace_readme_table
from ecrrepl.lint.registry import Rule, all_rules

RULES_MD = Path(__file__).parents[2] / "docs" / "rules.md"

EXAMPLE = Rule(
    id="W999",
    summary="a filter | with a pipe",
    source="ECR user guide, https://docs.aws.amazon.com/AmazonECR/latest/userguide/",
    doc="""A rule made up for this test.

It has two paragraphs.
""",
)
# What its case file would mark as its examples.
EXAMPLE_CASES = {
    ("W999", "fails"): "version: 1\nregistries: [bad]\n",
    ("W999", "passes"): "version: 1\nregistries: []\n",
}


@pytest.fixture(scope="module")
def rules_markdown() -> str:
    """The whole catalogue rendered once: it reads every rule's case file."""
    return render_rules_markdown()


def test_docs_rules_md_is_current(rules_markdown: str) -> None:
    assert RULES_MD.read_text(encoding="utf-8") == rules_markdown, (
        "docs/rules.md is out of date with the rules' documentation: run `make docs`"
    )


def test_module_prints_the_document(rules_markdown: str) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "ecrrepl.lint.docs"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == rules_markdown


def test_every_rule_has_a_table_row_linking_to_its_section(rules_markdown: str) -> None:
    document = rules_markdown
    headings = re.findall(r"^## (\S+)$", document, flags=re.M)
    links = re.findall(r"^\| \[(\S+)\]\(#(\S+)\) \|", document, flags=re.M)
    ids = sorted(rule.id for rule in all_rules())
    assert sorted(headings) == ids
    assert sorted(link for link, _ in links) == ids
    assert all(anchor == link.lower() for link, anchor in links)


def test_rules_are_listed_in_number_order(rules_markdown: str) -> None:
    document = rules_markdown
    headings = re.findall(r"^## \w(\d+)$", document, flags=re.M)
    assert headings == sorted(headings)


def test_section_lays_out_summary_prose_examples_and_source() -> None:
    document = render_rules_markdown([EXAMPLE], lambda rule_id, kind: EXAMPLE_CASES[rule_id, kind])
    assert "| [W999](#w999) | warning | a filter \\| with a pipe |\n" in document
    section = document[document.index("## W999") :]
    assert section == (
        "## W999\n"
        "\n"
        "**a filter | with a pipe** (warning)\n"
        "\n"
        "A rule made up for this test.\n"
        "\n"
        "It has two paragraphs.\n"
        "\n"
        "Fails:\n"
        "\n"
        "```yaml\n"
        "version: 1\n"
        "registries: [bad]\n"
        "```\n"
        "\n"
        "Passes:\n"
        "\n"
        "```yaml\n"
        "version: 1\n"
        "registries: []\n"
        "```\n"
        "\n"
        "Source: ECR user guide, https://docs.aws.amazon.com/AmazonECR/latest/userguide/\n"
    )


README = RULES_MD.parents[1] / "README.md"


def test_readme_rule_table_is_current_and_links_every_rule_to_its_section() -> None:
    text = README.read_text(encoding="utf-8")
    assert text == replace_readme_table(text), (
        "the README's rule table is out of date with the rules' documentation: run `make docs`"
    )
    links = re.findall(r"^\| \[(\S+)\]\(docs/rules\.md#(\S+)\) \|", text, flags=re.M)
    assert [link for link, _ in links] == sorted(
        (rule.id for rule in all_rules()), key=lambda rule_id: rule_id[1:]
    )
    assert all(anchor == link.lower() for link, anchor in links)


def test_the_module_rewrites_only_the_readme_table(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.write_text(f"# x\n{README_BEGIN}\nstale\n{README_END}\nafter\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "ecrrepl.lint.docs", str(target)], check=True, capture_output=True
    )
    rewritten = target.read_text(encoding="utf-8")
    assert rewritten.startswith(f"# x\n{README_BEGIN}\n| ID | severity | summary |\n")
    assert rewritten.endswith(f"{README_END}\nafter\n") and "stale" not in rewritten
